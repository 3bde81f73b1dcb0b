package io.trellis.controlplane.atrest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Raft data keys a manager holds, by key ID: new entries are sealed with the newest, older
 * ones stay to open what was sealed before a rotation. IDs grow by one per rotation; the key of a
 * swarm made before rotation existed is ID {@value #FIRST_ID}. Immutable.
 *
 * <p>Encoding: {@code format(1) | count(2) | (id(4) | key(32))*}; 32 bytes alone are the single key
 * that managers stored before the ring, read as a ring of one.
 */
public final class KeyRing {
    public static final int FIRST_ID = 1;
    private static final byte FORMAT = 'R';
    private static final int MAX_KEYS = 65_535;

    private final TreeMap<Integer, byte[]> keys;
    private final Map<Integer, SealedBox> boxes;

    private KeyRing(TreeMap<Integer, byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring holds at least one key");
        }
        TreeMap<Integer, SealedBox> b = new TreeMap<>();
        keys.forEach((id, key) -> b.put(id, new SealedBox(key)));
        this.keys = keys;
        this.boxes = Collections.unmodifiableMap(b);
    }

    /** A ring of one: a new swarm's key, or a key stored before rings existed. */
    public static KeyRing of(byte[] firstKey) {
        TreeMap<Integer, byte[]> m = new TreeMap<>();
        m.put(FIRST_ID, firstKey.clone());
        return new KeyRing(m);
    }

    /** A new swarm's ring: one fresh key. */
    public static KeyRing create() {
        return of(SealedBox.newKey());
    }

    /** This ring plus {@code key} as {@code id}; an ID already held keeps its key. */
    public KeyRing with(int id, byte[] key) {
        if (keys.containsKey(id)) {
            return this;
        }
        if (keys.size() >= MAX_KEYS) {
            throw new IllegalStateException("the data key ring is full");
        }
        TreeMap<Integer, byte[]> m = new TreeMap<>(keys);
        m.put(id, key.clone());
        return new KeyRing(m);
    }

    public int newestId() {
        return keys.lastKey();
    }

    /** The key that opens entries written before key IDs were (no header). */
    public int firstId() {
        return keys.firstKey();
    }

    public boolean contains(int id) {
        return keys.containsKey(id);
    }

    /** The key with {@code id}, or null when this manager never received it. */
    public byte[] key(int id) {
        byte[] k = keys.get(id);
        return k == null ? null : k.clone();
    }

    /** Seals and opens with key {@code id}; null when not held. */
    SealedBox box(int id) {
        return boxes.get(id);
    }

    public SortedSet<Integer> ids() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(keys.keySet()));
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeShort(keys.size());
            for (Map.Entry<Integer, byte[]> e : keys.entrySet()) {
                out.writeInt(e.getKey());
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when {@code bytes} is neither a ring nor a single key */
    public static KeyRing decode(byte[] bytes) {
        if (bytes.length == SealedBox.KEY_LENGTH) {
            return of(bytes);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readByte() != FORMAT) {
                throw new IllegalArgumentException("not a data key ring");
            }
            int count = in.readUnsignedShort();
            if (bytes.length != 3 + count * (4 + SealedBox.KEY_LENGTH)) {
                throw new IllegalArgumentException("a data key ring of " + count + " keys has the wrong length");
            }
            TreeMap<Integer, byte[]> m = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                int id = in.readInt();
                byte[] key = new byte[SealedBox.KEY_LENGTH];
                in.readFully(key);
                if (m.put(id, key) != null) {
                    throw new IllegalArgumentException("data key " + id + " twice in the ring");
                }
            }
            return new KeyRing(m);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated data key ring", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KeyRing other) || !keys.keySet().equals(other.keys.keySet())) {
            return false;
        }
        return keys.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), other.keys.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return keys.keySet().hashCode();
    }

    /** IDs only: the keys never reach a log line. */
    @Override
    public String toString() {
        return "KeyRing" + keys.keySet();
    }
}
