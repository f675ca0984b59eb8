/**
 * Partition assignors of consumer groups (range, round-robin, cooperative-sticky): pure functions
 * that the group's leader member runs in the client, as in Kafka.
 */
package dev.skiff.client.internals.assignor;
