package io.trellis.dataplane.secure;

import io.trellis.dataplane.table.LongLongMap;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipsec.esp.SecurityAssociationDatabase;
import io.trellis.ipsec.keyring.KeyRing;
import io.trellis.ipsec.keyring.MasterKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data plane's security policy and SA database for every encrypted network of this node: one
 * {@link KeyRing} per VNI (its keys come from the key file or, later, the control plane) and the
 * peers of each network (the remote VTEPs its endpoints live on).
 *
 * <p>Node names, from which SAs are derived (docs/encryption.md §3), are the VTEPs' underlay IPv4
 * addresses in dotted-quad form, as {@code InetAddress.getHostAddress()} writes them: the data plane
 * knows peers by address, and both ends of a pair see the same two addresses, swapped.
 *
 * <p>Networks are kept apart: {@link #owns} tells the receiver whether an SA belongs to the network
 * a decrypted VXLAN header names, so a node holding one network's key cannot inject into another.
 *
 * <p>Threads: the mutators are synchronized and rare; {@link #inbound}, {@link #outbound} and
 * {@link #owns} read an immutable snapshot through a volatile field, take no lock and allocate
 * nothing.
 */
public final class EspKeys implements SecurityAssociationDatabase {
    private final String local;
    // Guarded by this.
    private final Map<Integer, KeyRing> rings = new TreeMap<>();
    private final Map<Integer, Set<Integer>> peers = new TreeMap<>();
    /** Rings of removed networks, with their replay state, for when a network comes back. */
    private final Map<Integer, KeyRing> dormant = new TreeMap<>();

    private volatile Snapshot snapshot = Snapshot.EMPTY;

    /** Keys for the node whose VTEP has underlay address {@code localVtep}. */
    public EspKeys(int localVtep) {
        this.local = name(localVtep);
    }

    /** Node name of a VTEP: its address in dotted-quad form. */
    public static String name(int ipv4) {
        return (ipv4 >>> 24) + "." + (ipv4 >>> 16 & 0xFF) + "." + (ipv4 >>> 8 & 0xFF) + "." + (ipv4 & 0xFF);
    }

    /**
     * Makes {@code keys} the network's keys, the first one the send key ({@link KeyRing#update}): the
     * key file's lines, or the leader's list for a rotation step.
     *
     * @throws IllegalArgumentException if the list is empty, or a key is another network's key: one
     *                                  key (one key file) serves one VNI in a process
     * @throws IllegalStateException    if a key was retired before or its id collides with another's
     */
    public synchronized void setKeys(int vni, List<MasterKey> keys) {
        for (MasterKey key : keys) {
            for (Map.Entry<Integer, KeyRing> other : rings.entrySet()) {
                if (other.getKey() != vni && other.getValue().keys().contains(key)) {
                    throw new IllegalArgumentException(String.format("key %08x is already the key of VNI %d: one key"
                            + " (one key file) serves one VNI, so give VNI %d a key of its own", key.id(), other.getKey(), vni));
                }
            }
        }
        ring(vni).update(keys);
        publish();
    }

    /**
     * The remote VTEPs network {@code vni} exchanges traffic with; replaces the previous set. This
     * node's own address is ignored: an endpoint the control plane placed here before it was attached
     * is not a peer (a node has no SA with itself).
     */
    public synchronized void setPeers(int vni, Collection<Integer> remoteVteps) {
        KeyRing ring = ring(vni);
        Set<Integer> next = new HashSet<>(remoteVteps);
        next.removeIf(vtep -> name(vtep).equals(local));
        Set<Integer> previous = peers.getOrDefault(vni, Set.of());
        for (int vtep : previous) {
            if (!next.contains(vtep)) {
                ring.removePeer(name(vtep));
            }
        }
        for (int vtep : next) {
            if (!previous.contains(vtep)) {
                ring.addPeer(name(vtep));
            }
        }
        peers.put(vni, next);
        publish();
    }

    /**
     * Forgets network {@code vni}: its SAs stop sending and receiving at once. Its key ring is kept
     * aside, not dropped, so that if the network comes back its replay windows and retired keys do too
     * (captured packets stay refused); its peers are removed, so they get new outbound SAs then.
     */
    public synchronized void remove(int vni) {
        KeyRing ring = rings.remove(vni);
        if (ring != null) {
            for (int vtep : peers.getOrDefault(vni, Set.of())) {
                ring.removePeer(name(vtep));
            }
            ring.withdrawSendKey(); // back, it sends only once it is given keys again
            dormant.put(vni, ring);
        }
        peers.remove(vni);
        publish();
    }

    /** The key ring of network {@code vni}, or null: for {@code rotationDue()} and diagnostics. */
    public synchronized KeyRing keyRing(int vni) {
        return rings.get(vni);
    }

    private KeyRing ring(int vni) {
        return rings.computeIfAbsent(vni, v -> {
            KeyRing earlier = dormant.remove(v);
            return earlier != null ? earlier : new KeyRing(local, v);
        });
    }

    private void publish() {
        int[] vnis = new int[rings.size()];
        KeyRing[] byVni = new KeyRing[rings.size()];
        int i = 0;
        for (Map.Entry<Integer, KeyRing> e : rings.entrySet()) { // a TreeMap: sorted for the binary search
            vnis[i] = e.getKey();
            byVni[i++] = e.getValue();
        }
        Set<Integer> vteps = new HashSet<>();
        peers.values().forEach(vteps::addAll);
        String[] names = new String[vteps.size()];
        LongLongMap.Builder index = new LongLongMap.Builder();
        int n = 0;
        for (int vtep : vteps) {
            names[n] = name(vtep);
            index.put(vtep & 0xFFFF_FFFFL, n++);
        }
        snapshot = new Snapshot(vnis, byVni, index.build(), names);
    }

    /**
     * The inbound SA with this SPI in any network, or null. SPIs are drawn at random by their senders
     * (docs/encryption.md §3), so two networks' SPIs collide only by chance (2^-32 per pair); the first
     * network in VNI order wins then, and {@link #owns} still refuses a packet that names the other.
     */
    @Override
    public SecurityAssociation inbound(int spi) {
        KeyRing[] r = snapshot.rings;
        for (KeyRing ring : r) {
            SecurityAssociation sa = ring.inbound(spi);
            if (sa != null) {
                return sa;
            }
        }
        return null;
    }

    /** A peer's new SA with this SPI, in any network: see {@link KeyRing#candidates}. Slow path. */
    @Override
    public List<SecurityAssociation> candidates(int spi, String source) {
        KeyRing[] r = snapshot.rings;
        if (r.length == 1) {
            return r[0].candidates(spi, source);
        }
        List<SecurityAssociation> all = new ArrayList<>();
        for (KeyRing ring : r) {
            all.addAll(ring.candidates(spi, source));
        }
        return all;
    }

    @Override
    public boolean adopt(SecurityAssociation sa, long sequenceNumber) {
        for (KeyRing ring : snapshot.rings) {
            if (ring.adopt(sa, sequenceNumber)) {
                return true;
            }
        }
        return false;
    }

    /** The SA protecting network {@code vni}'s traffic to {@code remoteVtep}, or null (no key, unknown peer). */
    public SecurityAssociation outbound(int vni, int remoteVtep) {
        Snapshot s = snapshot;
        KeyRing ring = s.ring(vni);
        if (ring == null) {
            return null;
        }
        long peer = s.peerIndex.get(remoteVtep & 0xFFFF_FFFFL);
        return peer == LongLongMap.MISSING ? null : ring.outbound(s.peerNames[(int) peer]);
    }

    /** True if {@code sa} is one of network {@code vni}'s inbound SAs: the packet may enter that network. */
    public boolean owns(int vni, SecurityAssociation sa) {
        KeyRing ring = snapshot.ring(vni);
        return ring != null && ring.inbound(sa.spi()) == sa;
    }

    private record Snapshot(int[] vnis, KeyRing[] rings, LongLongMap peerIndex, String[] peerNames) {
        static final Snapshot EMPTY = new Snapshot(new int[0], new KeyRing[0], LongLongMap.EMPTY, new String[0]);

        KeyRing ring(int vni) {
            int i = Arrays.binarySearch(vnis, vni);
            return i >= 0 ? rings[i] : null;
        }
    }
}
