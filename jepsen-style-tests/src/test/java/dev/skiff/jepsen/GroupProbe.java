package dev.skiff.jepsen;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.skiff.proto.v1.ConsumerAssignment;
import dev.skiff.proto.v1.DescribeGroupsRequest;
import dev.skiff.proto.v1.DescribedGroup;
import dev.skiff.proto.v1.DescribedGroupMember;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.FindCoordinatorRequest;
import dev.skiff.proto.v1.FindCoordinatorResponse;
import dev.skiff.proto.v1.GroupGrpc;
import dev.skiff.proto.v1.OffsetFetchPartition;
import dev.skiff.proto.v1.OffsetFetchRequest;
import dev.skiff.proto.v1.OffsetFetchResponse;
import dev.skiff.proto.v1.OffsetFetchTopicResponse;
import dev.skiff.proto.v1.TopicPartitions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The checker's own view of a consumer group, straight from the coordinator over raw gRPC (not
 * through the client library under test): who coordinates it, its state and generation, which
 * member owns which partition, and its committed offsets. Every call asks afresh and returns
 * empty when the cluster cannot answer right now (a node is down, the coordinator moves).
 */
final class GroupProbe implements AutoCloseable {
    /** A group as its coordinator describes it; {@code owners} maps partition index to member id. */
    record View(int coordinator, String state, int generation, Map<String, List<Integer>> assignment) {
        int members() {
            return assignment.size();
        }

        /** True if the group is stable with {@code members} members splitting {@code partitions} evenly. */
        boolean stableAndBalanced(int members, int partitions) {
            if (!state.equals("Stable") || assignment.size() != members) {
                return false;
            }
            TreeSet<Integer> all = new TreeSet<>();
            int min = Integer.MAX_VALUE;
            int max = 0;
            int total = 0;
            for (List<Integer> owned : assignment.values()) {
                all.addAll(owned);
                total += owned.size();
                min = Math.min(min, owned.size());
                max = Math.max(max, owned.size());
            }
            return total == partitions && all.size() == partitions && max - min <= 1;
        }
    }

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Map<String, ManagedChannel> byAddress = new HashMap<>();
    private final String group;
    private final String topic;

    GroupProbe(String bootstrap, String group, String topic) {
        this.group = group;
        this.topic = topic;
        for (String hostPort : bootstrap.split(",")) {
            channel(hostPort);
        }
    }

    private ManagedChannel channel(String hostPort) {
        return byAddress.computeIfAbsent(hostPort, hp -> {
            int colon = hp.lastIndexOf(':');
            ManagedChannel c = ManagedChannelBuilder.forAddress(
                            hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)))
                    .usePlaintext()
                    .build();
            channels.add(c);
            return c;
        });
    }

    private GroupGrpc.GroupBlockingStub stub(ManagedChannel c) {
        return GroupGrpc.newBlockingStub(c).withDeadlineAfter(3, TimeUnit.SECONDS);
    }

    /** The coordinator's node id and address, as any live broker answers. */
    Optional<FindCoordinatorResponse> coordinator() {
        for (ManagedChannel c : List.copyOf(channels)) {
            try {
                FindCoordinatorResponse r = stub(c).findCoordinator(FindCoordinatorRequest.newBuilder()
                        .setKey(group)
                        .build());
                if (r.getError() == ErrorCode.NONE) {
                    return Optional.of(r);
                }
            } catch (RuntimeException e) {
                // That broker is down or unreachable: ask the next one.
            }
        }
        return Optional.empty();
    }

    private Optional<GroupGrpc.GroupBlockingStub> coordinatorStub() {
        return coordinator().map(r -> stub(channel(r.getHost() + ":" + r.getPort())));
    }

    Optional<View> describe() {
        try {
            Optional<FindCoordinatorResponse> found = coordinator();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            DescribedGroup g = stub(channel(
                            found.get().getHost() + ":" + found.get().getPort()))
                    .describeGroups(DescribeGroupsRequest.newBuilder()
                            .addGroupIds(group)
                            .build())
                    .getGroups(0);
            if (g.getError() != ErrorCode.NONE) {
                return Optional.empty();
            }
            Map<String, List<Integer>> assignment = new TreeMap<>();
            for (DescribedGroupMember m : g.getMembersList()) {
                List<Integer> owned = new ArrayList<>();
                for (TopicPartitions tps :
                        ConsumerAssignment.parseFrom(m.getMemberAssignment()).getPartitionsList()) {
                    if (tps.getTopic().equals(topic)) {
                        owned.addAll(tps.getPartitionsList());
                    }
                }
                owned.sort(null);
                assignment.put(m.getMemberId(), owned);
            }
            return Optional.of(new View(found.get().getNodeId(), g.getState(), g.getGenerationId(), assignment));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The committed offset of every partition of the topic that has one. */
    Optional<Map<Integer, Long>> committed() {
        try {
            Optional<GroupGrpc.GroupBlockingStub> s = coordinatorStub();
            if (s.isEmpty()) {
                return Optional.empty();
            }
            OffsetFetchResponse r = s.get()
                    .offsetFetch(
                            OffsetFetchRequest.newBuilder().setGroupId(group).build());
            if (r.getError() != ErrorCode.NONE) {
                return Optional.empty();
            }
            Map<Integer, Long> out = new TreeMap<>();
            for (OffsetFetchTopicResponse t : r.getTopicsList()) {
                if (!t.getName().equals(topic)) {
                    continue;
                }
                for (OffsetFetchPartition p : t.getPartitionsList()) {
                    if (p.getError() == ErrorCode.NONE && p.getCommittedOffset() >= 0) {
                        out.put(p.getIndex(), p.getCommittedOffset());
                    }
                }
            }
            return Optional.of(out);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
