package io.trellis.ipsec.keyring;

import io.trellis.ipsec.Configuration;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipsec.esp.SecurityAssociationDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One node's keys for one network (or tunnel) and the SAs derived from them: for every peer, an
 * inbound SA per installed key and one outbound SA under the primary key.
 *
 * <p>Rotation without loss (primary/secondary): a new key is first {@link #install installed}
 * everywhere, so every receiver accepts it next to the current one; only when every node has it does
 * each sender {@link #activate} it; when every sender has switched, the old key is {@link #retire
 * retired}. The leader drives the three steps over the control plane, waiting for all nodes between
 * them; the standalone tunnel drives them from its key file through {@link #update(List)}, which
 * takes the whole desired state (send key first) so each step is just a new file and a SIGHUP.
 *
 * <p>The data plane reads an immutable snapshot published through a volatile field: {@link #inbound}
 * and {@link #outbound} take no lock and allocate nothing. SA objects survive snapshots, so replay
 * windows and counters are kept; the mutators are synchronized and rare.
 */
public final class KeyRing implements SecurityAssociationDatabase {
    private final String local;
    private final long rotationIntervalNs;
    private final LongSupplier nanoClock;

    // Guarded by this; replaced wholesale by commit().
    private Map<Integer, MasterKey> keys = Map.of();
    private MasterKey primary;
    private Set<String> peers = Set.of();
    private Map<SaId, SecurityAssociation> inboundSas = Map.of();
    private Map<String, SecurityAssociation> outboundSas = Map.of();
    private long activatedAtNs;

    private volatile SadSnapshot snapshot = SadSnapshot.EMPTY;

    /** A key ring for node {@code local} rotating every {@link Configuration#rotationIntervalNs()}. */
    public KeyRing(String local) {
        this(local, Configuration.rotationIntervalNs(), System::nanoTime);
    }

    public KeyRing(String local, long rotationIntervalNs, LongSupplier nanoClock) {
        this.local = local;
        this.rotationIntervalNs = rotationIntervalNs;
        this.nanoClock = nanoClock;
    }

    public synchronized void addPeer(String peer) {
        if (peer.equals(local)) {
            throw new IllegalArgumentException("peer " + peer + " is this node: a node has no SA with itself");
        }
        Set<String> next = new LinkedHashSet<>(peers);
        next.add(peer);
        commit(keys, primary, next);
    }

    public synchronized void removePeer(String peer) {
        Set<String> next = new LinkedHashSet<>(peers);
        next.remove(peer);
        commit(keys, primary, next);
    }

    /** Step 1: accept {@code key} from every peer (a secondary key); sending is unchanged. */
    public synchronized void install(MasterKey key) {
        Map<Integer, MasterKey> next = new LinkedHashMap<>(keys);
        put(next, key);
        commit(next, primary, peers);
    }

    /** Step 2, once every peer has installed it: send with key {@code keyId} (the primary key). */
    public synchronized void activate(int keyId) {
        MasterKey key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException(String.format("key %08x is not installed: install it on every node before activating it", keyId));
        }
        commit(keys, key, peers);
    }

    /** Step 3, once every peer sends with a newer key: stop accepting key {@code keyId}. */
    public synchronized void retire(int keyId) {
        if (primary != null && primary.id() == keyId) {
            throw new IllegalStateException(String.format("key %08x is the send key: activate another key before retiring it", keyId));
        }
        Map<Integer, MasterKey> next = new LinkedHashMap<>(keys);
        next.remove(keyId);
        commit(next, primary, peers);
    }

    /**
     * Makes the installed keys exactly {@code desired} and the first of them the send key: the key
     * file's lines, or the leader's key list. Keys not listed are retired.
     */
    public synchronized void update(List<MasterKey> desired) {
        if (desired.isEmpty()) {
            throw new IllegalArgumentException("the key list is empty: it needs at least the key to send with");
        }
        Map<Integer, MasterKey> next = new LinkedHashMap<>();
        for (MasterKey key : desired) {
            MasterKey installed = keys.get(key.id());
            if (installed != null && !installed.equals(key)) {
                throw idCollision(key);
            }
            put(next, key);
        }
        commit(next, desired.get(0), peers);
    }

    /** The inbound SA with this SPI, or null; lock-free and allocation-free, for {@code EspInbound}. */
    @Override
    public SecurityAssociation inbound(int spi) {
        return snapshot.inbound(spi);
    }

    /** The SA to send to {@code peer} on, or null if there is no send key or no such peer; lock-free. */
    public SecurityAssociation outbound(String peer) {
        return snapshot.outbound(peer);
    }

    /** The send key, or null before the first {@link #activate}/{@link #update}. */
    public synchronized MasterKey primary() {
        return primary;
    }

    /** Every installed key, in installation order. */
    public synchronized List<MasterKey> keys() {
        return new ArrayList<>(keys.values());
    }

    /** How long a send key stays primary before {@link #rotationDue()}. */
    public Duration rotationInterval() {
        return Duration.ofNanos(rotationIntervalNs);
    }

    /**
     * True when the send key has been primary for the rotation interval, or an outbound SA's sequence
     * numbers reached {@link SecurityAssociation#REKEY_SEQUENCE_NUMBER}: the leader should start a
     * rotation (generate, install, activate, retire).
     */
    public synchronized boolean rotationDue() {
        if (primary == null) {
            return false;
        }
        if (nanoClock.getAsLong() - activatedAtNs >= rotationIntervalNs) {
            return true;
        }
        for (SecurityAssociation sa : outboundSas.values()) {
            if (sa.rekeyNeeded()) {
                return true;
            }
        }
        return false;
    }

    /** Derives the SAs of the new state, reusing existing ones, and publishes it; changes nothing if it throws. */
    private void commit(Map<Integer, MasterKey> nextKeys, MasterKey nextPrimary, Set<String> nextPeers) {
        Map<SaId, SecurityAssociation> nextInbound = new HashMap<>();
        for (MasterKey key : nextKeys.values()) {
            for (String peer : nextPeers) {
                SaId id = new SaId(key.id(), peer);
                SecurityAssociation sa = inboundSas.get(id);
                nextInbound.put(id, sa != null ? sa : key.inbound(local, peer));
            }
        }
        Map<String, SecurityAssociation> nextOutbound = new HashMap<>();
        if (nextPrimary != null) {
            for (String peer : nextPeers) {
                SecurityAssociation sa = outboundSas.get(peer);
                boolean keep = sa != null && sa.keyId() == nextPrimary.id();
                nextOutbound.put(peer, keep ? sa : nextPrimary.outbound(local, peer));
            }
        }
        SadSnapshot next = SadSnapshot.of(nextInbound.values(), nextOutbound);
        if (nextPrimary != null && (primary == null || primary.id() != nextPrimary.id())) {
            activatedAtNs = nanoClock.getAsLong();
        }
        keys = nextKeys;
        primary = nextPrimary;
        peers = nextPeers;
        inboundSas = nextInbound;
        outboundSas = nextOutbound;
        snapshot = next;
    }

    private static void put(Map<Integer, MasterKey> keys, MasterKey key) {
        MasterKey installed = keys.putIfAbsent(key.id(), key);
        if (installed != null && !installed.equals(key)) {
            throw idCollision(key);
        }
    }

    private static IllegalStateException idCollision(MasterKey key) {
        return new IllegalStateException(String.format("key id %08x is already taken by a different key:"
                + " generate another key", key.id()));
    }

    private record SaId(int keyId, String peer) {
    }
}
