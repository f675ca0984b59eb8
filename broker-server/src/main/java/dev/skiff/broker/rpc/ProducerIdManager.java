package dev.skiff.broker.rpc;

import dev.skiff.metadata.ControllerDecisions;
import dev.skiff.metadata.Decision;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.ProducerIdBlock;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.InitProducerIdRequest;
import dev.skiff.proto.v1.InitProducerIdResponse;
import java.util.function.Function;

/**
 * Answers InitProducerId from this broker's block of producer ids, asking the active controller for
 * the next block ({@link ControllerDecisions#allocateProducerIds}) when it is used up. Blocks never
 * overlap, so no two producers ever share an id, whichever brokers they asked.
 *
 * <p>Threads: any gRPC thread; {@link #handle} is synchronized, so one allocation runs at a time.
 */
public final class ProducerIdManager {
    /** Kafka's limit: an epoch this high gets a fresh producer id instead of a bump. */
    static final int EPOCH_MAX = Short.MAX_VALUE - 1;

    private final int brokerId;
    private final Function<Function<MetadataImage, Decision<ProducerIdBlock>>, Decision<ProducerIdBlock>> controller;
    private long next = -1;
    private long end = -1;

    /** @param controller decides and commits through the controller, as ControllerClient.run does */
    public ProducerIdManager(
            int brokerId,
            Function<Function<MetadataImage, Decision<ProducerIdBlock>>, Decision<ProducerIdBlock>> controller) {
        this.brokerId = brokerId;
        this.controller = controller;
    }

    public synchronized InitProducerIdResponse handle(InitProducerIdRequest request) {
        if (!request.getTransactionalId().isEmpty()) {
            return error(
                    ErrorCode.INVALID_REQUEST,
                    "transactional.id '" + request.getTransactionalId() + "': skiff does not support transactions;"
                            + " leave transactional.id unset (idempotence works without it)");
        }
        long producerId = request.getProducerId();
        int epoch = request.getProducerEpoch();
        boolean fresh = producerId == -1 && epoch == -1;
        if (!fresh && (producerId < 0 || epoch < 0 || epoch > Short.MAX_VALUE)) {
            return error(
                    ErrorCode.INVALID_REQUEST,
                    "producer_id " + producerId + " with producer_epoch " + epoch + ": send -1 and -1 for a new"
                            + " producer, or an id and its current epoch (0.." + Short.MAX_VALUE + ") to bump it");
        }
        if (!fresh && epoch < EPOCH_MAX) {
            return InitProducerIdResponse.newBuilder()
                    .setError(ErrorCode.NONE)
                    .setProducerId(producerId)
                    .setProducerEpoch(epoch + 1)
                    .build();
        }
        if (next < 0 || next >= end) {
            Decision<ProducerIdBlock> d =
                    controller.apply(image -> ControllerDecisions.allocateProducerIds(image, brokerId));
            if (d instanceof Decision.Refused<ProducerIdBlock> refused) {
                return error(
                        refused.error(),
                        "no producer id available: the controller gave no new block (" + refused.message()
                                + "); retry");
            }
            ProducerIdBlock block = ((Decision.Accepted<ProducerIdBlock>) d).value();
            next = block.firstProducerId();
            end = block.nextProducerId();
        }
        return InitProducerIdResponse.newBuilder()
                .setError(ErrorCode.NONE)
                .setProducerId(next++)
                .setProducerEpoch(0)
                .build();
    }

    private static InitProducerIdResponse error(ErrorCode code, String message) {
        return InitProducerIdResponse.newBuilder()
                .setError(code)
                .setErrorMessage(message)
                .setProducerId(-1)
                .setProducerEpoch(-1)
                .build();
    }
}
