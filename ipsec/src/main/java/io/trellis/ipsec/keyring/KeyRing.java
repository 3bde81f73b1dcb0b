package io.trellis.ipsec.keyring;

import io.trellis.ipsec.Configuration;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipsec.esp.SecurityAssociationDatabase;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One node's keys for one network (or tunnel) and the SAs derived from them: for every peer, one
 * outbound SA under the primary key and, per installed key, the inbound SA the peer currently sends on.
 *
 * <p>SAs are unique (docs/encryption.md §3): a sender draws a random SPI for every outbound SA it
 * creates and the SA's key is derived from it, the network's VNI, both node names and the direction.
 * A receiver learns a peer's SA from the first packet that verifies under it ({@link #candidates},
 * {@link #adopt}); it replaces the peer's previous SA under that key only if its sequence numbers are
 * newer (they start at the sender's clock), and the SPI it replaces is never accepted again.
 *
 * <p>Replay state is never reset: inbound SAs (and their windows) stay when a peer is removed and come
 * back when it is re-added; a re-added peer gets a new outbound SA, hence a new key; a retired key is
 * never installed again ({@link #update} refuses it), so its SAs cannot come back with empty windows.
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
    /** SPIs of a peer's replaced SAs remembered per key; the oldest is forgotten beyond this. */
    static final int RETIRED_SPIS_PER_PEER = 1024;
    /** Unknown SPIs whose candidates are kept until adopted; more means junk, and the oldest go. */
    private static final int PENDING_SPIS = 64;

    private final String local;
    private final int vni;
    private final long rotationIntervalNs;
    private final LongSupplier nanoClock;
    private final LongSupplier wallClockNanos;
    private final RandomGenerator random;

    // Guarded by this; the maps that make up a state are replaced wholesale by commit().
    private Map<Integer, MasterKey> keys = Map.of();
    private MasterKey primary;
    private Set<String> peers = Set.of();
    private Map<String, SecurityAssociation> outboundSas = Map.of();
    /** Per (key, peer): the SA the peer sends on now and the SPIs it used before. Kept when the peer goes. */
    private final Map<SaId, PeerInbound> inbound = new HashMap<>();
    /** Keys that were installed and then dropped: never again. */
    private final Set<MasterKey> retiredKeys = new HashSet<>();
    private final Map<Integer, List<SecurityAssociation>> pending = new LinkedHashMap<>();
    private long activatedAtNs;

    private volatile SadSnapshot snapshot = SadSnapshot.EMPTY;

    /** A key ring for node {@code local}, outside any network (VNI 0), rotating every {@link Configuration#rotationIntervalNs()}. */
    public KeyRing(String local) {
        this(local, 0);
    }

    /** A key ring for node {@code local} on network {@code vni}, rotating every {@link Configuration#rotationIntervalNs()}. */
    public KeyRing(String local, int vni) {
        this(local, vni, Configuration.rotationIntervalNs(), System::nanoTime, SecurityAssociation::wallClockNanos,
                new SecureRandom());
    }

    public KeyRing(String local, long rotationIntervalNs, LongSupplier nanoClock) {
        this(local, 0, rotationIntervalNs, nanoClock, SecurityAssociation::wallClockNanos, new SecureRandom());
    }

    /**
     * @param wallClockNanos where new outbound SAs start counting (nanoseconds since 1970)
     * @param random         draws the SPI of every outbound SA; a {@link SecureRandom} outside tests
     */
    public KeyRing(String local, int vni, long rotationIntervalNs, LongSupplier nanoClock, LongSupplier wallClockNanos,
                   RandomGenerator random) {
        this.local = local;
        this.vni = vni;
        this.rotationIntervalNs = rotationIntervalNs;
        this.nanoClock = nanoClock;
        this.wallClockNanos = wallClockNanos;
        this.random = random;
    }

    /** The network this ring's SAs are bound to (part of every SA key). */
    public int vni() {
        return vni;
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

    /** Step 3, once every peer sends with a newer key: stop accepting key {@code keyId}, for good. */
    public synchronized void retire(int keyId) {
        if (primary != null && primary.id() == keyId) {
            throw new IllegalStateException(String.format("key %08x is the send key: activate another key before retiring it", keyId));
        }
        Map<Integer, MasterKey> next = new LinkedHashMap<>(keys);
        next.remove(keyId);
        commit(next, primary, peers);
    }

    /**
     * Stops sending: no outbound SA until the next {@link #activate} or {@link #update}. The keys stay
     * installed (not retired), so a network that was removed and comes back keeps its replay state and
     * may be given the same keys again.
     */
    public synchronized void withdrawSendKey() {
        commit(keys, null, peers);
    }

    /**
     * Makes the installed keys exactly {@code desired} and the first of them the send key: the key
     * file's lines, or the leader's key list. Keys not listed are retired for good.
     *
     * @throws IllegalStateException if a listed key was retired before, or its id collides; nothing changes then
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

    @Override
    public synchronized List<SecurityAssociation> candidates(int spi, String source) {
        if (Integer.compareUnsigned(spi, EspFlyweight.MIN_SPI) < 0) {
            return List.of();
        }
        List<String> from;
        if (source == null) {
            from = new ArrayList<>(peers);
        } else if (peers.contains(source)) {
            from = List.of(source);
        } else {
            return List.of(); // peers are known by address: a stranger's packet derives nothing
        }
        List<SecurityAssociation> found = new ArrayList<>();
        for (MasterKey key : keys.values()) {
            for (String peer : from) {
                PeerInbound known = inbound.get(new SaId(key.id(), peer));
                if (known == null || !known.retiredSpis.contains(spi)) {
                    found.add(key.inbound(vni, local, peer, spi));
                }
            }
        }
        if (!found.isEmpty()) {
            if (pending.size() >= PENDING_SPIS) {
                Iterator<Integer> oldest = pending.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            pending.put(spi, found);
        }
        return found;
    }

    @Override
    public synchronized boolean adopt(SecurityAssociation sa, long sequenceNumber) {
        List<SecurityAssociation> offered = pending.get(sa.spi());
        if (offered == null || offered.stream().noneMatch(c -> c == sa)
                || !keys.containsKey(sa.keyId()) || !peers.contains(sa.peer()) || snapshot.inbound(sa.spi()) != null) {
            return false;
        }
        PeerInbound known = inbound.computeIfAbsent(new SaId(sa.keyId(), sa.peer()), id -> new PeerInbound());
        if (known.retiredSpis.contains(sa.spi())) {
            return false;
        }
        // The peer's SAs start counting at its clock: one whose numbers are not newer than what the
        // current SA already delivered was created before it, i.e. this is a replay of an old capture.
        if (known.current != null && Long.compareUnsigned(sequenceNumber, known.current.replayWindow().highest()) <= 0) {
            return false;
        }
        SecurityAssociation previous = known.current;
        known.current = sa;
        try {
            commit(keys, primary, peers);
        } catch (IllegalStateException spiTaken) {
            known.current = previous; // another peer's SA has this SPI (2^-32): refuse this one
            return false;
        }
        if (previous != null) {
            known.retire(previous.spi());
        }
        pending.remove(sa.spi());
        return true;
    }

    /** Derives the outbound SAs of the new state, reusing existing ones, and publishes it; changes nothing if it throws. */
    private void commit(Map<Integer, MasterKey> nextKeys, MasterKey nextPrimary, Set<String> nextPeers) {
        for (MasterKey key : nextKeys.values()) {
            if (retiredKeys.contains(key)) {
                throw new IllegalStateException(String.format("key %08x was retired: a retired key never comes back"
                        + " (its SAs' replay state is gone), generate a new key", key.id()));
            }
        }
        List<SecurityAssociation> nextInbound = new ArrayList<>();
        for (MasterKey key : nextKeys.values()) {
            for (String peer : nextPeers) {
                PeerInbound known = inbound.get(new SaId(key.id(), peer));
                if (known != null && known.current != null) {
                    nextInbound.add(known.current);
                }
            }
        }
        Map<String, SecurityAssociation> nextOutbound = new HashMap<>();
        if (nextPrimary != null) {
            for (String peer : nextPeers) {
                SecurityAssociation sa = outboundSas.get(peer);
                boolean keep = sa != null && sa.keyId() == nextPrimary.id();
                nextOutbound.put(peer, keep ? sa : nextPrimary.outbound(vni, local, peer, newSpi(), wallClockNanos.getAsLong()));
            }
        }
        SadSnapshot next = SadSnapshot.of(nextInbound, nextOutbound);
        if (nextPrimary != null && (primary == null || primary.id() != nextPrimary.id())) {
            activatedAtNs = nanoClock.getAsLong();
        }
        for (MasterKey key : keys.values()) {
            if (!nextKeys.containsKey(key.id())) {
                retiredKeys.add(key);
                inbound.keySet().removeIf(id -> id.keyId() == key.id());
            }
        }
        keys = nextKeys;
        primary = nextPrimary;
        peers = nextPeers;
        outboundSas = nextOutbound;
        snapshot = next;
    }

    /** A random SPI of 256 or more (RFC 4303 §2.1): the new SA's instance value. */
    private int newSpi() {
        int spi;
        do {
            spi = random.nextInt();
        } while (Integer.compareUnsigned(spi, EspFlyweight.MIN_SPI) < 0);
        return spi;
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

    /** What a receiver knows of one peer's SAs under one key. */
    private static final class PeerInbound {
        SecurityAssociation current;
        final LinkedHashSet<Integer> retiredSpis = new LinkedHashSet<>();

        void retire(int spi) {
            retiredSpis.add(spi);
            if (retiredSpis.size() > RETIRED_SPIS_PER_PEER) {
                Iterator<Integer> oldest = retiredSpis.iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }
}
