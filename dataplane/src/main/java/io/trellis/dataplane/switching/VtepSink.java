package io.trellis.dataplane.switching;

import io.netty.buffer.ByteBuf;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;

/**
 * Where the switch sends encapsulated VXLAN payloads (VXLAN header + inner frame) for a remote
 * VTEP; the kernel adds the outer IPv4/UDP headers. Same ownership rule as {@link FrameSink}: the
 * sink copies or retains what it needs before returning.
 */
@FunctionalInterface
public interface VtepSink {
    boolean send(ByteBuf buf, int offset, int length, int remoteVtep);

    /**
     * A run of equal-stride datagrams from the TSO segmenter. A VTEP with UDP GSO sends each of the
     * run's sends as one {@code UDP_SEGMENT} send; this default sends them one by one.
     */
    default boolean sendRun(DatagramRun run, int remoteVtep) {
        boolean all = true;
        for (int i = 0; i < run.count(); i++) {
            all &= send(run.buffer(), run.datagramOffset(i), run.datagramLength(i), remoteVtep);
        }
        return all;
    }

    /**
     * A run whose payloads are still in the TSO frame (see {@link GatherRun}): a VTEP with UDP GSO
     * sends each of its sends as one gathering {@code sendmsg}. This default copies the run into
     * one buffer and hands it to {@link #sendRun}, so a sink (or a decorator around one) that only
     * knows contiguous runs sends the same bytes, one copy later.
     */
    default boolean sendGather(GatherRun run, int remoteVtep) {
        return sendRun(run.contiguous(), remoteVtep);
    }
}
