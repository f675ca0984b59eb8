package dev.skiff.metadata;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * A 128-bit id, used for topic ids and broker incarnation ids. All zero means "no id" and is never
 * a valid id. {@link #toString()} is Kafka's form: the 16 big-endian bytes in URL-safe base64
 * without padding (22 characters), so `kafka-topics --describe` users see familiar ids.
 */
public record Uuid(long mostSignificantBits, long leastSignificantBits) implements Comparable<Uuid> {
    public static final Uuid ZERO = new Uuid(0L, 0L);

    private static final int ENCODED_LENGTH = 22;

    /**
     * A random id from {@code random} (seeded by the caller, so tests replay), never zero and never
     * one whose text starts with '-', which a command line would take for an option (as Kafka does).
     */
    public static Uuid random(RandomGenerator random) {
        while (true) {
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            if (!id.isZero() && !id.toString().startsWith("-")) {
                return id;
            }
        }
    }

    /** Parses the 22-character text form; throws IllegalArgumentException naming the text otherwise. */
    public static Uuid parse(String text) {
        if (text.length() != ENCODED_LENGTH) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a Uuid: expected " + ENCODED_LENGTH + " base64url characters");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a Uuid: " + e.getMessage(), e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new Uuid(buffer.getLong(), buffer.getLong());
    }

    public static Uuid fromProto(dev.skiff.proto.metadata.v1.Uuid proto) {
        return new Uuid(proto.getMostSignificantBits(), proto.getLeastSignificantBits());
    }

    public dev.skiff.proto.metadata.v1.Uuid toProto() {
        return dev.skiff.proto.metadata.v1.Uuid.newBuilder()
                .setMostSignificantBits(mostSignificantBits)
                .setLeastSignificantBits(leastSignificantBits)
                .build();
    }

    public boolean isZero() {
        return mostSignificantBits == 0L && leastSignificantBits == 0L;
    }

    @Override
    public int compareTo(Uuid other) {
        int high = Long.compare(mostSignificantBits, other.mostSignificantBits);
        return high != 0 ? high : Long.compare(leastSignificantBits, other.leastSignificantBits);
    }

    @Override
    public String toString() {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(mostSignificantBits).putLong(leastSignificantBits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }
}
