package dev.skiff.client.testing;

import dev.skiff.client.Errors;
import dev.skiff.client.TopicPartition;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.InitProducerIdRequest;
import dev.skiff.proto.v1.InitProducerIdResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The fake cluster's idempotent-producer state, with the broker's rules (DESIGN §6): per partition
 * and producer id the epoch and the last 5 batches; a retry of one of them is answered with its
 * original base offset, a gap is OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH,
 * an unknown id not at sequence 0 UNKNOWN_PRODUCER_ID. Guarded by the cluster's monitor.
 */
final class FakeProducerState {
    record Check(Errors error, long duplicateBaseOffset) {}

    private record Sent(int firstSequence, int lastSequence, long baseOffset) {}

    private static final class Entry {
        short epoch;
        final ArrayDeque<Sent> batches = new ArrayDeque<>();
    }

    private final Map<TopicPartition, Map<Long, Entry>> partitions = new HashMap<>();
    private long nextProducerId = 7000;

    synchronized InitProducerIdResponse initProducerId(InitProducerIdRequest request) {
        InitProducerIdResponse.Builder out = InitProducerIdResponse.newBuilder().setError(ErrorCode.NONE);
        if (request.getProducerId() >= 0) {
            return out.setProducerId(request.getProducerId())
                    .setProducerEpoch(request.getProducerEpoch() + 1)
                    .build();
        }
        return out.setProducerId(nextProducerId++).setProducerEpoch(0).build();
    }

    private static int lastSequence(ByteBuffer b) {
        long last = (long) b.getInt(b.position() + 53) + b.getInt(b.position() + 23);
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    synchronized Check check(TopicPartition tp, ByteBuffer b) {
        long producerId = b.getLong(b.position() + 43);
        if (producerId < 0) {
            return new Check(null, -1);
        }
        short epoch = b.getShort(b.position() + 51);
        int first = b.getInt(b.position() + 53);
        Entry e = partitions.computeIfAbsent(tp, k -> new HashMap<>()).get(producerId);
        if (e == null) {
            return new Check(first == 0 ? null : Errors.UNKNOWN_PRODUCER_ID, -1);
        }
        if (epoch < e.epoch) {
            return new Check(Errors.INVALID_PRODUCER_EPOCH, -1);
        }
        if (epoch > e.epoch) {
            return new Check(first == 0 ? null : Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, -1);
        }
        int last = lastSequence(b);
        for (Sent s : e.batches) {
            if (s.firstSequence() == first && s.lastSequence() == last) {
                return new Check(null, s.baseOffset());
            }
        }
        long expected = (long) e.batches.getLast().lastSequence() + 1;
        int next = (int) (expected > Integer.MAX_VALUE ? 0 : expected);
        return new Check(first == next ? null : Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, -1);
    }

    synchronized void appended(TopicPartition tp, ByteBuffer b, long baseOffset) {
        long producerId = b.getLong(b.position() + 43);
        if (producerId < 0) {
            return;
        }
        short epoch = b.getShort(b.position() + 51);
        Entry e = partitions.computeIfAbsent(tp, k -> new HashMap<>()).computeIfAbsent(producerId, k -> new Entry());
        if (e.epoch != epoch) {
            e.epoch = epoch;
            e.batches.clear();
        }
        if (e.batches.size() == 5) {
            e.batches.removeFirst();
        }
        e.batches.addLast(new Sent(b.getInt(b.position() + 53), lastSequence(b), baseOffset));
    }
}
