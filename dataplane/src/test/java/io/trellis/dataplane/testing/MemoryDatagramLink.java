package io.trellis.dataplane.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.dataplane.switching.VtepCounters;
import io.trellis.dataplane.switching.VtepSink;
import java.util.HashMap;
import java.util.Map;

/**
 * An underlay in memory: VXLAN payloads sent by one switch arrive, copied as over a wire, at the
 * switch registered for the destination VTEP address, with the sender's address as their outer
 * source (as a plain VTEP socket hands them over). Lets several data planes talk without root; a
 * sender for an address nobody attached plays an attacker on the underlay.
 */
public final class MemoryDatagramLink {
    private final Map<Integer, VirtualSwitch> switches = new HashMap<>();
    private final Map<Integer, VtepCounters> counters = new HashMap<>();
    private final SwitchContext ctx = new SwitchContext();
    private long lost;

    public synchronized void attach(int vtep, VirtualSwitch sw, VtepCounters c) {
        switches.put(vtep, sw);
        counters.put(vtep, c);
    }

    /** The sink a switch at VTEP address {@code source} (or anyone claiming it) uses to send. */
    public VtepSink sender(int source) {
        return (buf, offset, length, remote) -> deliver(source, buf, offset, length, remote);
    }

    private synchronized boolean deliver(int source, ByteBuf buf, int offset, int length, int remote) {
        VirtualSwitch to = switches.get(remote);
        if (to == null) {
            lost++;
            return true; // like UDP: sent, never arrives
        }
        ByteBuf wire = Unpooled.buffer(length);
        wire.writeBytes(buf, offset, length);
        try {
            to.fromVtep(ctx, source, wire, 0, length, counters.get(remote));
        } finally {
            wire.release();
        }
        return true;
    }

    public synchronized long lost() {
        return lost;
    }
}
