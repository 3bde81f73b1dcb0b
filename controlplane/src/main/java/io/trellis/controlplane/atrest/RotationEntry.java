package io.trellis.controlplane.atrest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The log entry that introduces data key {@code keyId}: the key wrapped ({@link KeyWrap}) once for
 * each manager's node key, so only the managers of the moment of rotation learn it. It travels
 * sealed with the key in use before it, like every entry. Plain format:
 * {@code magic(4) | keyId(4) | count(2) | (nodeId (modified UTF-8) | length(2) | wrapped)*}; the
 * magic starts with a zero byte, which no store batch (JSON) does.
 */
record RotationEntry(int keyId, SortedMap<String, byte[]> copies) {
    private static final byte[] MAGIC = {0, 'T', 'K', 1};

    RotationEntry {
        copies = Collections.unmodifiableSortedMap(new TreeMap<>(copies));
    }

    /** Key {@code keyId} = {@code key}, wrapped for each of {@code managers} (node ID to node key). */
    static RotationEntry create(int keyId, byte[] key, Map<String, PublicKey> managers) {
        TreeMap<String, byte[]> copies = new TreeMap<>();
        managers.forEach((nodeId, publicKey) -> copies.put(nodeId, KeyWrap.wrap(publicKey, key, context(keyId, nodeId))));
        return new RotationEntry(keyId, copies);
    }

    /** The key from {@code nodeId}'s copy; null when there is none for it. */
    byte[] unwrap(String nodeId, PrivateKey own) {
        byte[] copy = copies.get(nodeId);
        return copy == null ? null : KeyWrap.unwrap(own, copy, context(keyId, nodeId));
    }

    /** A copy is bound to its key ID and node: moved to another slot it does not open. */
    private static byte[] context(int keyId, String nodeId) {
        return ("trellis-data-key-v1:" + keyId + ":" + nodeId).getBytes(StandardCharsets.UTF_8);
    }

    static boolean is(byte[] plain) {
        if (plain.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (plain[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(keyId);
            out.writeShort(copies.size());
            for (Map.Entry<String, byte[]> c : copies.entrySet()) {
                out.writeUTF(c.getKey());
                out.writeShort(c.getValue().length);
                out.write(c.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when {@code plain} is not a well-formed rotation entry */
    static RotationEntry decode(byte[] plain) {
        if (!is(plain)) {
            throw new IllegalArgumentException("not a data key rotation");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            in.skipNBytes(MAGIC.length);
            int keyId = in.readInt();
            int count = in.readUnsignedShort();
            TreeMap<String, byte[]> copies = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String nodeId = in.readUTF();
                int length = in.readUnsignedShort();
                byte[] wrapped = in.readNBytes(length);
                if (wrapped.length != length) {
                    throw new IllegalArgumentException("truncated data key rotation");
                }
                copies.put(nodeId, wrapped);
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes after a data key rotation");
            }
            return new RotationEntry(keyId, copies);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated data key rotation", e);
        }
    }
}
