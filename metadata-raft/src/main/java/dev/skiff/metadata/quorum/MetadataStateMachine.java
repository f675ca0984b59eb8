package dev.skiff.metadata.quorum;

import dev.skiff.metadata.ApplyResult;
import dev.skiff.metadata.MetadataFormatException;
import dev.skiff.metadata.MetadataImage;
import dev.skiff.metadata.MetadataSnapshots;
import dev.skiff.proto.metadata.v1.BatchOutcome;
import dev.skiff.proto.metadata.v1.MetadataBatch;
import dev.skiff.proto.metadata.v1.MetadataSnapshot;
import dev.skiff.proto.v1.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of the metadata log: it only translates. Each committed entry is a
 * {@link MetadataBatch}, applied through the pure {@link MetadataImage#apply}; a rejected batch
 * leaves the image as it was and is answered with a {@link BatchOutcome} carrying the error, the
 * same on every node. Snapshots are one file per snapshot in Ratis' {@link
 * SimpleStateMachineStorage}, holding a {@link MetadataSnapshot}.
 *
 * <p>Threads: Ratis calls {@link #applyTransaction}, {@link #notifyTermIndexUpdated}, {@link
 * #takeSnapshot} and {@link #reinitialize} on its single apply thread, in log order; that thread
 * alone writes {@link #applied} (and {@link #initialize}, before that thread starts). Any thread
 * may read it.
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<ImageListener> imageListeners = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> leaderListeners = new CopyOnWriteArrayList<>();
    private final AppliedWaiters waiters = new AppliedWaiters();
    private volatile AppliedImage applied = AppliedImage.INITIAL;

    AppliedImage applied() {
        return applied;
    }

    void addImageListener(ImageListener listener) {
        imageListeners.add(listener);
    }

    void addLeaderListener(IntConsumer listener) {
        leaderListeners.add(listener);
    }

    CompletableFuture<AppliedImage> awaitApplied(long index) {
        return waiters.await(index);
    }

    void failWaiters(String reason) {
        waiters.failAll(reason);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle()
                .startAndTransition(
                        () -> {
                            storage.init(raftStorage);
                            loadSnapshot(storage.getLatestSnapshot());
                        },
                        IOException.class);
    }

    /**
     * Before Ratis installs a snapshot from the leader (this node fell behind the leader's purged
     * log). Ratis checks that the state machine is paused before it calls {@link #reinitialize}.
     */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After Ratis installed a snapshot from the leader: load it; the log resumes after it. */
    @Override
    public void reinitialize() throws IOException {
        LOG.info("node {} installed a metadata snapshot from the leader", getId());
        loadSnapshot(storage.loadLatestSnapshot());
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** On the leader, before the entry is appended: refuse what no node could apply. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        ByteString content = request.getMessage().getContent();
        Optional<MetadataBatch> batch = decode(content);
        Optional<SubmitResult.Failed> problem = batch.isEmpty()
                ? Optional.of(new SubmitResult.Failed(ErrorCode.INVALID_REQUEST, "undecodable metadata batch"))
                : BatchAdmission.problem(batch.get(), content.size());
        problem.ifPresent(p -> trx.setException(new StateMachineException(p.error() + ": " + p.message())));
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long term = entry.getTerm();
        long index = entry.getIndex();
        AppliedImage before = applied;
        Optional<MetadataBatch> batch = decode(entry.getStateMachineLogEntry().getLogData());
        BatchOutcome outcome;
        AppliedImage after;
        if (batch.isEmpty()) {
            // Every node reads the same bytes, so every node rejects them alike.
            outcome = outcome(ErrorCode.INVALID_RECORD, "entry " + index + " is not a metadata batch", -1);
            after = new AppliedImage(before.image(), term, index);
        } else {
            ApplyResult result = before.image().apply(batch.get());
            if (result instanceof ApplyResult.Rejected rejected) {
                if (rejected.error() == ErrorCode.UNSUPPORTED_VERSION) {
                    // Skipping what this node cannot read would make its image diverge from the
                    // nodes that can: stop instead (Ratis closes the server), loudly.
                    String message = "metadata log entry " + index + " cannot be applied by node " + getId() + ": "
                            + rejected.message() + "; this node's metadata quorum stops rather than diverge";
                    LOG.error(message);
                    throw new IllegalStateException(message);
                }
                LOG.debug("rejected the metadata batch at index {}: {}", index, rejected.message());
                outcome = outcome(rejected.error(), rejected.message(), rejected.recordIndex());
                after = new AppliedImage(before.image(), term, index);
            } else {
                outcome = outcome(ErrorCode.NONE, "", -1);
                after = new AppliedImage(((ApplyResult.Applied) result).image(), term, index);
            }
        }
        updateLastAppliedTermIndex(term, index);
        publish(before, after);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(outcome.toByteArray())));
    }

    /** Configuration and no-op entries: the image stays, its index moves on. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        AppliedImage before = applied;
        publish(before, new AppliedImage(before.image(), term, index));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        int leader = MetadataQuorum.nodeIdOf(newLeaderId);
        for (IntConsumer listener : leaderListeners) {
            try {
                listener.accept(leader);
            } catch (RuntimeException e) {
                LOG.error("a leader listener failed on the change to leader {}", leader, e);
            }
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        AppliedImage current = applied;
        if (current.index() <= 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(current.term(), current.index());
        if (!file.exists()) {
            SnapshotFiles.write(
                    file.toPath(), MetadataSnapshots.encode(current.image(), current.term(), current.index()));
        }
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(
                new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), current.term(), current.index()));
        LOG.info("took a metadata snapshot at index {} (term {}): {}", current.index(), current.term(), file);
        return current.index();
    }

    private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        Path path = snapshot.getFile().getPath();
        if (!Files.exists(path)) {
            throw new MetadataFormatException("the metadata snapshot " + path + " is gone");
        }
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(path.toFile(), md5);
        }
        MetadataSnapshot data = MetadataSnapshots.parse(SnapshotFiles.read(path));
        if (data.getLastAppliedTerm() != snapshot.getTerm() || data.getLastAppliedIndex() != snapshot.getIndex()) {
            throw new MetadataFormatException("the metadata snapshot " + path + " is named for term "
                    + snapshot.getTerm() + " index " + snapshot.getIndex() + " but holds term "
                    + data.getLastAppliedTerm() + " index " + data.getLastAppliedIndex());
        }
        MetadataImage image = MetadataSnapshots.restore(data);
        setLastAppliedTermIndex(TermIndex.valueOf(snapshot.getTerm(), snapshot.getIndex()));
        AppliedImage before = applied;
        publish(before, new AppliedImage(image, snapshot.getTerm(), snapshot.getIndex()));
        LOG.info("loaded the metadata snapshot {} (index {}, term {})", path, snapshot.getIndex(), snapshot.getTerm());
    }

    private void publish(AppliedImage before, AppliedImage after) {
        applied = after;
        if (after.image() != before.image()) {
            for (ImageListener listener : imageListeners) {
                try {
                    listener.onImage(before, after);
                } catch (RuntimeException e) {
                    LOG.error("an image listener failed on the image at index {}", after.index(), e);
                }
            }
        }
        waiters.completeUpTo(after);
    }

    private static Optional<MetadataBatch> decode(ByteString bytes) {
        try {
            return Optional.of(MetadataBatch.parseFrom(bytes.asReadOnlyByteBuffer()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    private static BatchOutcome outcome(ErrorCode error, String message, int recordIndex) {
        return BatchOutcome.newBuilder()
                .setError(error)
                .setErrorMessage(message)
                .setRecordIndex(recordIndex)
                .build();
    }
}
