package dev.skiff.client;

import java.util.List;

/**
 * A partition being moved, as Kafka's {@code PartitionReassignment}: {@code replicas} lists the
 * target replicas first and then the ones leaving; {@code addingReplicas} are catching up, {@code
 * removingReplicas} leave once every target replica is in sync.
 */
public record PartitionReassignment(
        List<Integer> replicas, List<Integer> addingReplicas, List<Integer> removingReplicas, List<Integer> isr) {
    public PartitionReassignment {
        replicas = List.copyOf(replicas);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
        isr = List.copyOf(isr);
    }

    /** The replicas the partition will have once the move completes. */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }
}
