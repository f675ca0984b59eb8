package dev.skiff.broker.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.metadata.Decision;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.ProducerIdBlock;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.v1.ErrorCode;
import dev.skiff.proto.v1.InitProducerIdRequest;
import dev.skiff.proto.v1.InitProducerIdResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** InitProducerId answers: ids from the broker's block, a new block when it runs out, epoch bumps. */
class ProducerIdManagerTest {
    private final List<Long> blocksGiven = new ArrayList<>();
    private long nextFree = 5000;
    private boolean controllerDown;

    private Decision<ProducerIdBlock> controller(Function<MetadataImage, Decision<ProducerIdBlock>> decide) {
        if (controllerDown) {
            return new Decision.Refused<>(ErrorCode.NOT_CONTROLLER, "no active controller");
        }
        ProducerIdBlock block = new ProducerIdBlock(1, nextFree, nextFree + ProducerIdBlock.SIZE);
        blocksGiven.add(nextFree);
        nextFree += ProducerIdBlock.SIZE;
        return new Decision.Accepted<>(block, MetadataBatch.getDefaultInstance());
    }

    private static InitProducerIdRequest request(long producerId, int epoch) {
        return InitProducerIdRequest.newBuilder()
                .setProducerId(producerId)
                .setProducerEpoch(epoch)
                .build();
    }

    @Test
    void idsComeFromTheBlockAndANewBlockIsAskedForWhenItRunsOut() {
        ProducerIdManager m = new ProducerIdManager(1, this::controller);
        for (int i = 0; i < ProducerIdBlock.SIZE; i++) {
            InitProducerIdResponse r = m.handle(request(-1, -1));
            assertEquals(5000 + i, r.getProducerId());
            assertEquals(0, r.getProducerEpoch());
        }
        assertEquals(6000, m.handle(request(-1, -1)).getProducerId());
        assertEquals(List.of(5000L, 6000L), blocksGiven);
    }

    @Test
    void anExistingProducerGetsItsEpochBumpedAndANewIdAtTheEpochLimit() {
        ProducerIdManager m = new ProducerIdManager(1, this::controller);
        InitProducerIdResponse bumped = m.handle(request(42, 3));
        assertEquals(42, bumped.getProducerId());
        assertEquals(4, bumped.getProducerEpoch());
        InitProducerIdResponse fresh = m.handle(request(42, ProducerIdManager.EPOCH_MAX));
        assertEquals(5000, fresh.getProducerId());
        assertEquals(0, fresh.getProducerEpoch());
    }

    @Test
    void badRequestsAndAMissingControllerAreClearErrors() {
        ProducerIdManager m = new ProducerIdManager(1, this::controller);
        InitProducerIdResponse txn =
                m.handle(request(-1, -1).toBuilder().setTransactionalId("t").build());
        assertEquals(ErrorCode.INVALID_REQUEST, txn.getError());
        assertEquals(ErrorCode.INVALID_REQUEST, m.handle(request(7, -1)).getError());
        controllerDown = true;
        InitProducerIdResponse down = m.handle(request(-1, -1));
        assertEquals(ErrorCode.NOT_CONTROLLER, down.getError());
        assertEquals(-1, down.getProducerId());
        controllerDown = false;
        assertEquals(ErrorCode.NONE, m.handle(request(-1, -1)).getError());
    }
}
