/**
 * The {@code skiff} command line (DESIGN §9): topics, configs, console producer and consumer,
 * dump-log and the perf tests, with Kafka's flags and output. It talks to the cluster only through
 * {@code dev.skiff.client}. Exit codes: 0 success, 1 user error (one line on stderr), 2 cluster
 * unreachable.
 */
package dev.skiff.cli;
