package io.trellis.controlplane.atrest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * Where a manager keeps the Raft data keys ({@link KeyRing}): sealed with a key-encryption key (KEK)
 * in {@code raft.key}; the KEK itself in {@code unlock.key} next to it, unless the swarm is
 * autolocked, in which case the user holds it as an unlock key ({@code SWMKEY-1-…}) and a restarted
 * manager waits for {@code swarm unlock}. A {@code raft.key} written before rings holds one bare key
 * and reads as a ring of one.
 */
public final class DataKeyStore {
    public static final String UNLOCK_KEY_PREFIX = "SWMKEY-1-";
    private static final byte[] AAD = "trellis-raft-data-key-v1".getBytes(StandardCharsets.US_ASCII);

    private final Path sealedDataKey;
    private final Path kekFile;

    public DataKeyStore(Path dir) {
        this.sealedDataKey = dir.resolve("raft.key");
        this.kekFile = dir.resolve("unlock.key");
    }

    public boolean exists() {
        return Files.exists(sealedDataKey);
    }

    /** True when the KEK is not on disk: {@link #unlock} is needed after a restart. */
    public boolean isLocked() {
        return exists() && !Files.exists(kekFile);
    }

    /** Stores {@code ring} under a new KEK; with {@code autolock} returns the unlock key instead of storing it. */
    public String store(KeyRing ring, boolean autolock) throws IOException {
        byte[] kek = SealedBox.newKey();
        writePrivate(sealedDataKey, new SealedBox(kek).seal(ring.encode(), AAD));
        if (autolock) {
            Files.deleteIfExists(kekFile);
            return UNLOCK_KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(kek);
        }
        writePrivate(kekFile, kek);
        return null;
    }

    /**
     * Stores {@code ring} sealed with the swarm's unlock key, which stays off disk: an autolocked
     * swarm's managers all open their data keys with the same unlock key.
     */
    public void storeLocked(KeyRing ring, String unlockKey) throws IOException {
        writePrivate(sealedDataKey, new SealedBox(kekOf(unlockKey)).seal(ring.encode(), AAD));
        Files.deleteIfExists(kekFile);
    }

    /** A new unlock key (not stored anywhere); {@link #storeLocked} seals with it. */
    public static String newUnlockKey() {
        return UNLOCK_KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(SealedBox.newKey());
    }

    private static byte[] kekOf(String unlockKey) {
        String k = unlockKey == null ? "" : unlockKey.strip();
        if (!k.startsWith(UNLOCK_KEY_PREFIX)) {
            throw new IllegalArgumentException("invalid unlock key: it must start with " + UNLOCK_KEY_PREFIX);
        }
        byte[] kek;
        try {
            kek = Base64.getUrlDecoder().decode(k.substring(UNLOCK_KEY_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid unlock key: not base64url");
        }
        if (kek.length != SealedBox.KEY_LENGTH) {
            throw new IllegalArgumentException("invalid unlock key: wrong length");
        }
        return kek;
    }

    /** The data keys, when the KEK is on disk. */
    public KeyRing load() throws IOException {
        if (isLocked()) {
            throw new LockedException("the swarm is locked: run trellis swarm unlock with the unlock key");
        }
        return open(Files.readAllBytes(kekFile));
    }

    /** The data keys, opened with the user's unlock key; one clear line when it is not the right key. */
    public KeyRing unlock(String unlockKey) throws IOException {
        byte[] kek = kekOf(unlockKey);
        try {
            return open(kek);
        } catch (SealedBox.SealedBoxException e) {
            throw new IllegalArgumentException("the unlock key is not this swarm's");
        }
    }

    private KeyRing open(byte[] kek) throws IOException {
        byte[] plain = new SealedBox(kek).open(Files.readAllBytes(sealedDataKey), AAD);
        try {
            return KeyRing.decode(plain);
        } catch (IllegalArgumentException e) {
            throw new IOException(sealedDataKey + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The data key cannot be read until the user unlocks the swarm. */
    public static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        public LockedException(String message) {
            super(message);
        }
    }
}
