/** Harness, workloads and checker for fault tests against real node processes (DESIGN §10). */
package dev.skiff.jepsen;
