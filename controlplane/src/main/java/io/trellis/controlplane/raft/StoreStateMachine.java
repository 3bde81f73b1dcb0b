package io.trellis.controlplane.raft;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.micrometer.core.instrument.Timer;
import io.trellis.controlplane.store.ReplicatedState;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
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
import org.apache.ratis.util.AtomicFileOutputStream;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis state machine: hands committed entries to a {@link ReplicatedState} as opaque bytes
 * and stores its snapshots as single files in the group's {@code sm/} directory.
 *
 * <p>Threading: Ratis calls {@link #applyTransaction} and {@link #takeSnapshot} from one thread
 * (the StateMachineUpdater) and apply completes before returning, so a snapshot always sees a state
 * that matches {@link #getLastAppliedTermIndex()} without any locking here.
 */
final class StoreStateMachine extends BaseStateMachine {

    private final ReplicatedState state;
    private final Timer applyLatency;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    StoreStateMachine(ReplicatedState state, Timer applyLatency) {
        this.state = Objects.requireNonNull(state, "state");
        this.applyLatency = Objects.requireNonNull(applyLatency, "applyLatency");
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        // Ratis asserts this lifecycle (RUNNING -> PAUSED -> RUNNING) when it installs a snapshot.
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    /** Called before Ratis swaps in a snapshot received from the leader. */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot just installed from the leader; the log resumes after its index. */
    @Override
    public void reinitialize() throws IOException {
        // loadLatestSnapshot rescans the directory: the cached snapshot info is from before the install.
        load(storage.loadLatestSnapshot());
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    /**
     * Applies one committed entry. An exception from {@link ReplicatedState#apply} (a bug: rejections
     * are replies) is deliberately not caught: Ratis then stops this server instead of marking the
     * entry applied, because skipping it would silently make this replica diverge.
     */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] command = entry.getStateMachineLogEntry().getLogData().toByteArray();
        byte[] reply = applyLatency.record(() -> state.apply(entry.getIndex(), command));
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        // Copied: the state may hand out a shared reply array (e.g. a constant "ok").
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    /**
     * Writes {@code snapshot.<term>_<index>} through a temp file that is fsynced and renamed, then its
     * {@code .md5}: Ratis counts only snapshots with an MD5 file when it deletes old ones, and prefers
     * them when it looks for the latest.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last.getIndex() <= RaftLog.INVALID_LOG_INDEX) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        MessageDigest md5 = MD5FileUtil.newMD5();
        AtomicFileOutputStream atomic = new AtomicFileOutputStream(file);
        try {
            OutputStream out = new BufferedOutputStream(new DigestOutputStream(atomic, md5));
            state.writeSnapshot(out);
            out.close(); // flushes, fsyncs the temp file and renames it into place
        } catch (IOException | RuntimeException e) {
            atomic.abort(); // a failed write must not be renamed into place
            throw e;
        }
        MD5Hash digest = MD5Hash.newInstance(md5.digest());
        MD5FileUtil.saveMD5File(file, digest);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), digest), last));
        return last.getIndex();
    }

    @Override
    public void close() {
        getLifeCycle().checkStateAndClose();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return; // a new group: the log replays from its first entry
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null && !expected.equals(MD5FileUtil.computeMd5ForFile(file))) {
            throw new IOException("Snapshot " + file + " is corrupt: its content does not match "
                    + MD5FileUtil.getDigestFileForFile(file) + ".");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            state.readSnapshot(in);
        }
        // Unconditional: after a snapshot install the index jumps forward past entries never applied here.
        setLastAppliedTermIndex(snapshot.getTermIndex());
    }
}
