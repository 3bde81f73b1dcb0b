package io.trellis.controlplane.atrest;

import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.ReplicatedState;
import io.trellis.controlplane.store.StoreBatch;
import io.trellis.controlplane.store.StoreCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encryption at rest for the replicated log: entries are sealed before they are proposed, so the
 * Raft log on disk (and on the wire between managers) holds only ciphertext, and opened just
 * before the store applies them; snapshots are sealed the same way. The managers share a
 * {@link KeyRing} (it travels with the manager join over mTLS); the key-encryption key that
 * protects it on disk is what {@code --autolock} keeps off disk.
 *
 * <p>Entry format: {@code 2 | keyId(4) | SealedBox}; entries written before key IDs existed are a
 * bare SealedBox (which starts with its version, 1) and open with the ring's first key.
 *
 * <p>Rotation ({@link #rotate}): an entry carrying the next key wrapped for each manager. A replica
 * adds the key when it applies that entry and finds a copy for itself; only then does its
 * {@link #sealing} proposer use it, so every entry sealed with a key comes after the entry that
 * introduces it, in every replica's log. A replica without a copy (no longer a manager) goes on,
 * but opens nothing sealed with that key.
 */
public final class EncryptedLog {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptedLog.class);
    private static final byte[] ENTRY_AAD = "trellis-raft-entry-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAPSHOT_AAD = "trellis-raft-snapshot-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYED_ENTRY_AAD = "trellis-raft-entry-v2:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYED_SNAPSHOT_AAD = "trellis-raft-snapshot-v2:".getBytes(StandardCharsets.US_ASCII);
    /** First byte of an entry with a key ID; SealedBox's own version byte (1) marks the older ones. */
    static final byte KEYED = 2;
    private static final int HEADER_LENGTH = 5;
    /** A snapshot with a header; older ones start with their (non-negative) length. */
    private static final int SNAPSHOT_MARKER = -2;
    private static final int MAX_CARRIED = 65_535;
    private static final int MAX_ENTRY = 1 << 24;
    /** What the store gets for a rotation entry: nothing to change, so every replica's store moves on alike. */
    private static final byte[] NO_OP = StoreCodec.encode(new StoreBatch(List.of()));

    private volatile KeyRing ring;
    /** Key ID to the sealed entry that introduced it here, to tell a caller whether its rotation won. */
    private final Map<Integer, byte[]> introducedBy = new ConcurrentHashMap<>();
    private final Set<Integer> reportedMissing = ConcurrentHashMap.newKeySet();

    public EncryptedLog(KeyRing ring) {
        this.ring = ring;
    }

    /** A ring of one key (a swarm that never rotated). */
    public EncryptedLog(byte[] dataKey) {
        this(KeyRing.of(dataKey));
    }

    /** The keys this replica holds now; what a joining manager is given. */
    public KeyRing ring() {
        return ring;
    }

    /** Seals entries on their way into the log, with the newest key this replica has applied. */
    public Proposer sealing(Proposer inner) {
        return entry -> inner.propose(seal(entry));
    }

    private byte[] seal(byte[] plain) {
        KeyRing r = ring;
        int id = r.newestId();
        byte[] header = ByteBuffer.allocate(HEADER_LENGTH).put(KEYED).putInt(id).array();
        return r.box(id).seal(header, plain, aad(KEYED_ENTRY_AAD, id));
    }

    /**
     * Proposes key {@code newest + 1}, wrapped for each of {@code managers} (node ID to node key),
     * through {@code inner} (the unsealed proposer). Completes with the new key's ID once applied
     * here; fails with {@link IllegalStateException} when another rotation took that ID first (its
     * copies may have been made for other managers: rotate again).
     */
    public CompletableFuture<Integer> rotate(Proposer inner, Map<String, PublicKey> managers) {
        if (managers.isEmpty()) {
            throw new IllegalArgumentException("a data key needs at least one manager to hold it");
        }
        int id = ring.newestId() + 1;
        byte[] sealed = seal(RotationEntry.create(id, SealedBox.newKey(), managers).encode());
        return inner.propose(sealed).thenApply(reply -> {
            if (!Arrays.equals(introducedBy.get(id), sealed)) {
                throw new IllegalStateException("data key " + id + " did not take: another rotation introduced it "
                        + "first, or the managers changed meanwhile");
            }
            return id;
        });
    }

    /** Opens entries and snapshots on their way out of the log into {@code inner}; no copy of a rotated key is for it. */
    public ReplicatedState opening(ReplicatedState inner) {
        return new Opening(inner, null, NodeKeys.NONE, RingKeeper.NONE);
    }

    /**
     * Opens entries and snapshots on their way out of the log into {@code inner}. A rotation entry
     * counts only when its copies are for exactly {@code managers} (node IDs; read just before it is
     * applied, so every replica decides alike): one computed from a manager set that changed before
     * it committed would leave a new manager without the key, or hand it to a demoted one. When it
     * counts and holds a copy for {@code self}, its key joins the ring, which {@code keeper} stores first.
     */
    public ReplicatedState opening(ReplicatedState inner, Supplier<Set<String>> managers, NodeKeys self,
                                   RingKeeper keeper) {
        return new Opening(inner, managers, self, keeper);
    }

    /** Whether a stored entry opens with this ring (used to tell "wrong unlock key" from corruption). */
    public boolean opens(byte[] entry) {
        try {
            return open(ring, entry) != null;
        } catch (SealedBox.SealedBoxException e) {
            return false;
        }
    }

    /**
     * The plain entry; null when it was sealed with a key this replica does not hold.
     *
     * @throws SealedBox.SealedBoxException when it does not open (tampered, or not ours)
     */
    private static byte[] open(KeyRing r, byte[] entry) {
        if (entry.length > 0 && entry[0] == KEYED) {
            if (entry.length < HEADER_LENGTH) {
                throw new SealedBox.SealedBoxException("truncated entry header");
            }
            int id = keyIdOf(entry);
            SealedBox box = r.box(id);
            return box == null ? null
                    : box.open(entry, HEADER_LENGTH, entry.length - HEADER_LENGTH, aad(KEYED_ENTRY_AAD, id));
        }
        return r.box(r.firstId()).open(entry, ENTRY_AAD);
    }

    private static int keyIdOf(byte[] entry) {
        return ByteBuffer.wrap(entry, 1, 4).getInt();
    }

    /** The key ID is authenticated too: an entry relabelled with another ID does not open. */
    private static byte[] aad(byte[] label, int keyId) {
        return ByteBuffer.allocate(label.length + 4).put(label).putInt(keyId).array();
    }

    private void reportMissing(int keyId) {
        if (reportedMissing.add(keyId)) {
            LOG.warn("log entries sealed with data key {} do not open here: this manager never received that key "
                    + "(it is not a manager any more, or was not one when the key was rotated)", keyId);
        }
    }

    /** The replicated state with the log's sealing taken off; holds the rotations applied so far. */
    private final class Opening implements ReplicatedState {
        private final ReplicatedState inner;
        /** Null: every rotation counts (tools without a store to check against). */
        private final Supplier<Set<String>> managers;
        private final NodeKeys self;
        private final RingKeeper keeper;
        /**
         * Every rotation entry applied, sealed as in the log and in log order. Snapshots carry them:
         * a manager that lagged behind the leader's log gets a snapshot instead, sealed with a key
         * it may only find in one of them.
         */
        private volatile List<byte[]> rotations = List.of();

        Opening(ReplicatedState inner, Supplier<Set<String>> managers, NodeKeys self, RingKeeper keeper) {
            this.inner = inner;
            this.managers = managers;
            this.self = self;
            this.keeper = keeper;
        }

        @Override
        public byte[] apply(long index, byte[] entry) {
            byte[] plain;
            try {
                plain = open(ring, entry);
                if (plain == null) {
                    reportMissing(keyIdOf(entry));
                    plain = new byte[0];
                }
            } catch (SealedBox.SealedBoxException e) {
                // Every replica rejects it alike: the store answers undecodable entries with an error reply.
                plain = new byte[0];
            }
            if (RotationEntry.is(plain)) {
                follow(entry, plain);
                return inner.apply(index, NO_OP);
            }
            return inner.apply(index, plain);
        }

        private void follow(byte[] sealed, byte[] plain) {
            RotationEntry rotation;
            try {
                rotation = RotationEntry.decode(plain);
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring a malformed data key rotation: {}", e.getMessage());
                return;
            }
            if (managers != null && !rotation.copies().keySet().equals(managers.get())) {
                LOG.info("data key {} was wrapped for managers {}, but the managers are now {}: void, the proposer "
                        + "rotates again", rotation.keyId(), rotation.copies().keySet(), managers.get());
                return;
            }
            List<byte[]> next = new ArrayList<>(rotations);
            next.add(sealed);
            rotations = List.copyOf(next);
            introducedBy.putIfAbsent(rotation.keyId(), sealed);
            adopt(rotation);
        }

        /** Adds the rotation's key when this replica lacks it and holds a copy. */
        private void adopt(RotationEntry rotation) {
            KeyRing r = ring;
            int id = rotation.keyId();
            if (r.contains(id)) {
                return; // applied before (a restart replays the log), or another rotation took the ID first
            }
            if (!rotation.copies().containsKey(self.nodeId())) {
                LOG.warn("data key {} was not given to this node: it is no longer a manager, and entries sealed with "
                        + "that key stay closed here", id);
                return;
            }
            byte[] key = null;
            for (PrivateKey k : self.privateKeys()) {
                try {
                    key = rotation.unwrap(self.nodeId(), k);
                    break;
                } catch (SealedBox.SealedBoxException e) {
                    // wrapped for another of this node's keys (a renewal in between): try the next
                }
            }
            if (key == null) {
                LOG.error("this node's copy of data key {} does not open with its node key; entries sealed with it "
                        + "stay closed here (demote and promote this manager again to get the ring anew)", id);
                return;
            }
            KeyRing next = r.with(id, key);
            try {
                keeper.keep(next);
            } catch (IOException | RuntimeException e) {
                // Used anyway: after a restart, replaying this entry adds the key again.
                LOG.error("storing data key {} on disk failed: {}", id, e.getMessage());
            }
            ring = next;
            LOG.info("data key {} received; this manager seals new entries with it", id);
        }

        @Override
        public long appliedIndex() {
            return inner.appliedIndex();
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            inner.writeSnapshot(plain);
            KeyRing r = ring;
            int id = r.newestId();
            byte[] header = snapshotHeader(id, rotations);
            byte[] sealed = r.box(id).seal(plain.toByteArray(), snapshotAad(header));
            DataOutputStream d = new DataOutputStream(out);
            d.write(header);
            d.writeInt(sealed.length);
            d.write(sealed);
            d.flush();
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            DataInputStream d = new DataInputStream(in);
            int first = d.readInt();
            if (first >= 0) { // written before key IDs: sealed with the first key, no rotations
                byte[] sealed = readExactly(d, first);
                KeyRing r = ring;
                restore(r.box(r.firstId()), sealed, SNAPSHOT_AAD);
                rotations = List.of();
                return;
            }
            if (first != SNAPSHOT_MARKER) {
                throw new IOException("corrupt snapshot: unknown format " + first);
            }
            int id = d.readInt();
            int count = d.readInt();
            if (count < 0 || count > MAX_CARRIED) {
                throw new IOException("corrupt snapshot: " + count + " rotations");
            }
            List<byte[]> carried = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                carried.add(readExactly(d, d.readInt()));
            }
            // In log order: each was sealed with a key from before it, so a replica that lagged
            // behind learns the keys one after the other, as if it had applied the entries.
            for (byte[] sealedRotation : carried) {
                try {
                    byte[] plain = open(ring, sealedRotation);
                    if (plain != null && RotationEntry.is(plain)) {
                        RotationEntry rotation = RotationEntry.decode(plain);
                        introducedBy.putIfAbsent(rotation.keyId(), sealedRotation);
                        adopt(rotation);
                    }
                } catch (SealedBox.SealedBoxException | IllegalArgumentException e) {
                    LOG.warn("a data key rotation carried in the snapshot does not open: {}", e.getMessage());
                }
            }
            SealedBox box = ring.box(id);
            if (box == null) {
                throw new IOException("cannot open the snapshot: it is sealed with data key " + id
                        + ", which this manager does not hold (it holds " + ring.ids() + ")");
            }
            byte[] sealed = readExactly(d, d.readInt());
            restore(box, sealed, snapshotAad(snapshotHeader(id, carried)));
            rotations = List.copyOf(carried);
        }

        private void restore(SealedBox box, byte[] sealed, byte[] aad) throws IOException {
            byte[] plain;
            try {
                plain = box.open(sealed, aad);
            } catch (SealedBox.SealedBoxException e) {
                throw new IOException("cannot open the snapshot: " + e.getMessage(), e);
            }
            inner.readSnapshot(new ByteArrayInputStream(plain));
        }
    }

    private static byte[] readExactly(DataInputStream d, int length) throws IOException {
        if (length < 0 || length > (1 << 30)) {
            throw new IOException("corrupt snapshot: length " + length);
        }
        byte[] bytes = d.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("corrupt snapshot: truncated");
        }
        return bytes;
    }

    /** {@code marker | keyId | count | (length | sealed rotation)*}. */
    private static byte[] snapshotHeader(int keyId, List<byte[]> rotations) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_MARKER);
            out.writeInt(keyId);
            out.writeInt(rotations.size());
            for (byte[] r : rotations) {
                if (r.length > MAX_ENTRY) {
                    throw new IllegalStateException("a data key rotation of " + r.length + " bytes");
                }
                out.writeInt(r.length);
                out.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The header is authenticated with the state: its key ID and rotations cannot be swapped. */
    private static byte[] snapshotAad(byte[] header) {
        return ByteBuffer.allocate(KEYED_SNAPSHOT_AAD.length + header.length).put(KEYED_SNAPSHOT_AAD).put(header)
                .array();
    }
}
