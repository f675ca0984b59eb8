package dev.skiff.client;

/**
 * A broker the cluster knows, fenced or not: node id, client endpoint (empty host and port 0 if
 * it has none), rack (empty if unset), whether it is fenced (it then leads nothing and is in no
 * ISR), and the incarnation it registered with (new at every start of the broker).
 */
public record RegisteredBroker(int id, String host, int port, String rack, boolean fenced, String incarnationId) {}
