package dev.skiff.log;

import java.util.Locale;

/** Compression codecs of RecordBatch v2; the id is the value of attribute bits 0-2. */
public enum Compression {
    NONE(0),
    GZIP(1),
    SNAPPY(2),
    LZ4(3),
    ZSTD(4);

    private final int id;

    Compression(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Compression forId(int id) {
        for (Compression c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression id " + id);
    }

    /** Parses a config value such as {@code lz4}; the error lists what is accepted. */
    public static Compression parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown compression '" + name + "'; use one of none, gzip, snappy, lz4, zstd", e);
        }
    }
}
