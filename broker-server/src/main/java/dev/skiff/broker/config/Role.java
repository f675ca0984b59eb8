package dev.skiff.broker.config;

import java.util.Locale;

/** {@code process.roles}: what a node does. */
public enum Role {
    /** Serves clients and holds partition replicas. */
    BROKER,
    /** Votes in the metadata quorum; the Raft leader is the active controller. */
    CONTROLLER;

    static Role parse(String raw) {
        try {
            return valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + raw.trim() + "'; use broker, controller or both", e);
        }
    }
}
