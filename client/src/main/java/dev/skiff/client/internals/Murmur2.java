package dev.skiff.client.internals;

/**
 * Kafka's murmur2 (seed 0x9747b28c), written from the algorithm, so that a keyed record lands on
 * the partition where Kafka's default partitioner would put it: {@code toPositive(hash(key)) % n}.
 */
public final class Murmur2 {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {}

    public static int hash(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int whole = length / 4;
        for (int i = 0; i < whole; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff)
                    + ((data[i4 + 1] & 0xff) << 8)
                    + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = length & ~3;
        int rest = length % 4;
        if (rest == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (rest >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (rest >= 1) {
            h ^= data[tail] & 0xff;
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /** Kafka's {@code Utils.toPositive}: clears the sign bit (not {@code Math.abs}). */
    public static int toPositive(int n) {
        return n & 0x7fffffff;
    }

    /** The partition Kafka's default partitioner picks for a keyed record. */
    public static int partitionForKey(byte[] key, int numPartitions) {
        return toPositive(hash(key)) % numPartitions;
    }
}
