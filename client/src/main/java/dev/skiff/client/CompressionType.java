package dev.skiff.client;

import java.util.Locale;

/** Compression codecs of RecordBatch v2, named as in {@code compression.type}. */
public enum CompressionType {
    NONE,
    GZIP,
    SNAPPY,
    LZ4,
    ZSTD;

    /** The config spelling: {@code none}, {@code gzip}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config value; the error lists what is accepted. */
    public static CompressionType forName(String name) {
        for (CompressionType t : values()) {
            if (t.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown compression type '" + name + "'; use one of none, gzip, snappy, lz4, zstd");
    }
}
