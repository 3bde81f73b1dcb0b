package io.trellis.dataplane.lb;

import io.trellis.dataplane.balance.Hashes;

/**
 * One flow as {@link Conntrack} keys it, filled per packet into a per-thread instance: the network
 * (VNI), the protocol, the client's address and port (for ICMP echo: the echo identifier) and the
 * service port (0 for ICMP), plus the VIP on the client's side or the backend on the reply's side.
 * Lookups fill in the other address and the entry's state.
 */
public final class FlowKey {
    int vni;
    int protocol;
    int client;
    int clientPort;
    int port;
    int vip;
    int backend;
    int state;

    /** The fields both directions share; {@link #vip(int)} or {@link #backend(int)} completes the key. */
    public FlowKey set(int vni, int protocol, int client, int clientPort, int port) {
        this.vni = vni;
        this.protocol = protocol;
        this.client = client;
        this.clientPort = clientPort & 0xFFFF;
        this.port = port & 0xFFFF;
        this.vip = 0;
        this.backend = 0;
        this.state = Conntrack.FREE;
        return this;
    }

    public FlowKey vip(int address) {
        this.vip = address;
        return this;
    }

    public FlowKey backend(int address) {
        this.backend = address;
        return this;
    }

    public int vip() {
        return vip;
    }

    public int backend() {
        return backend;
    }

    /**
     * After a hit: whether the flow's backend is its client, a task reaching its own service. Such
     * a flow's packets get the VIP as their source as well (see {@link VipNat}).
     */
    public boolean hairpin() {
        return backend == client;
    }

    /** The entry's state after a hit: one of {@code Conntrack.TCP_*}, {@code UDP}, {@code ICMP}. */
    public int state() {
        return state;
    }

    /**
     * The client side's 5-tuple (client address and port, VIP, service port, protocol) hashed, for
     * {@code maglev}: a flow gets the same backend from every snapshot, on every node, with the same
     * backends. For ICMP echo the identifier stands for the client port. Allocation-free.
     */
    long flowHash() {
        long addresses = (client & 0xFFFF_FFFFL) << 32 | (vip & 0xFFFF_FFFFL);
        long ports = (long) clientPort << 32 | (long) port << 8 | protocol & 0xFF;
        return Hashes.mix64(Hashes.mix64(addresses) ^ ports);
    }

    /** Client address, client port and service port in one word: the part of the key both directions share. */
    long clientWord() {
        return (client & 0xFFFF_FFFFL) << 32 | (long) clientPort << 16 | port;
    }

    /** Network and protocol in one int. */
    int tag() {
        return vni << 8 | protocol & 0xFF;
    }
}
