package io.trellis.controlplane.atrest;

import io.trellis.controlplane.store.Proposer;
import io.trellis.controlplane.store.ReplicatedState;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encryption at rest for the replicated log: entries are sealed before they are proposed, so the
 * Raft log on disk (and on the wire between managers) holds only ciphertext, and opened just
 * before the store applies them; snapshots are sealed the same way. All managers hold the same
 * data key (it travels with the manager join over mTLS); the key-encryption key that protects it
 * on disk is what {@code --autolock} keeps off disk.
 */
public final class EncryptedLog {
    private static final byte[] ENTRY_AAD = "trellis-raft-entry-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SNAPSHOT_AAD = "trellis-raft-snapshot-v1".getBytes(StandardCharsets.US_ASCII);

    private final SealedBox box;

    public EncryptedLog(byte[] dataKey) {
        this.box = new SealedBox(dataKey);
    }

    /** Seals entries on their way into the log. */
    public Proposer sealing(Proposer inner) {
        return entry -> inner.propose(box.seal(entry, ENTRY_AAD));
    }

    /** Opens entries and snapshots on their way out of the log into {@code inner}. */
    public ReplicatedState opening(ReplicatedState inner) {
        return new ReplicatedState() {
            @Override
            public byte[] apply(long index, byte[] entry) {
                byte[] plain;
                try {
                    plain = box.open(entry, ENTRY_AAD);
                } catch (SealedBox.SealedBoxException e) {
                    // Every replica rejects it alike: the store answers undecodable entries with an error reply.
                    plain = new byte[0];
                }
                return inner.apply(index, plain);
            }

            @Override
            public long appliedIndex() {
                return inner.appliedIndex();
            }

            @Override
            public void writeSnapshot(OutputStream out) throws IOException {
                ByteArrayOutputStream plain = new ByteArrayOutputStream();
                inner.writeSnapshot(plain);
                byte[] sealed = box.seal(plain.toByteArray(), SNAPSHOT_AAD);
                DataOutputStream d = new DataOutputStream(out);
                d.writeInt(sealed.length);
                d.write(sealed);
                d.flush();
            }

            @Override
            public void readSnapshot(InputStream in) throws IOException {
                DataInputStream d = new DataInputStream(in);
                int length = d.readInt();
                if (length < 0 || length > (1 << 30)) {
                    throw new IOException("corrupt snapshot: length " + length);
                }
                byte[] sealed = d.readNBytes(length);
                try {
                    inner.readSnapshot(new java.io.ByteArrayInputStream(box.open(sealed, SNAPSHOT_AAD)));
                } catch (SealedBox.SealedBoxException e) {
                    throw new IOException("cannot open the snapshot: " + e.getMessage(), e);
                }
            }
        };
    }

    /** Whether a stored entry opens with this key (used to tell "wrong unlock key" from corruption). */
    public boolean opens(byte[] entry) {
        try {
            box.open(entry, ENTRY_AAD);
            return true;
        } catch (SealedBox.SealedBoxException e) {
            return false;
        }
    }
}
