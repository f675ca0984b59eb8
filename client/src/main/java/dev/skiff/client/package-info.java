/**
 * The skiff client library: {@link dev.skiff.client.Producer}, {@link dev.skiff.client.Consumer}
 * and {@link dev.skiff.client.Admin}, configured with Kafka's property names and speaking skiff's
 * gRPC API (DESIGN §7). Records are plain bytes; serialization is the caller's.
 */
package dev.skiff.client;
