package dev.skiff.client;

/** The outcome of creating one topic; {@code created} is false if it already existed (with ifNotExists). */
public record CreatedTopic(String name, String topicId, int numPartitions, int replicationFactor, boolean created) {}
