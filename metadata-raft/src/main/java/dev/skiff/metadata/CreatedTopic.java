package dev.skiff.metadata;

/** The answer to an accepted topic creation, as CreateTopics reports it. */
public record CreatedTopic(String name, Uuid topicId, int partitions, int replicationFactor) {}
