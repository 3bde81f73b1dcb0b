package io.trellis.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.switching.FrameSink;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.ipvs.NativeException;
import io.trellis.dataplane.offload.Offload;
import io.trellis.dataplane.offload.PartialChecksum;
import io.trellis.dataplane.offload.TcpCoalescer;
import io.trellis.ipvs.netlink.RtNetlink;
import io.trellis.ipvs.tun.TapDevice;
import java.io.IOException;
import io.trellis.ipvs.tun.VirtioNetHeader;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A switch port backed by a TAP device opened with a virtio-net header. Its reader thread (an agent
 * with one duty: read a batch, switch every frame, flush the VTEP) is the only thread that reads
 * the device; any thread may write frames to it through {@link #sink()}.
 *
 * <p>Buffers: the read buffers are direct, allocated once and reused for every batch. Each read
 * puts the 12-byte virtio-net header at 0 and the frame right after it, so the 8-byte VXLAN header
 * is later written in place over the end of the consumed virtio header. Writes go through a
 * per-thread scratch buffer: header + frame must be one contiguous write.
 */
public final class TapPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TapPort.class);
    public static final int BATCH_DEFAULT = 64;
    /** With TSO a read returns up to 64 KB, so fewer, larger buffers. */
    public static final int BATCH_OFFLOAD = 16;
    /** Without offloads a frame is MTU-sized; room for the Ethernet/VLAN header and virtio header. */
    private static final int FRAME_BUFFER = 2048;
    private static final int TSO_FRAME_BUFFER = VirtioNetHeader.LENGTH + 65_550;
    private static final int VNET = VirtioNetHeader.LENGTH;
    private static final int POLL_MILLIS = 1000;

    private final TapDevice tap;
    private final VirtualSwitch sw;
    private final Runnable afterBatch;
    private final ByteBuffer[] buffers;
    private final ByteBuf[] views;
    private final int[] sizes;
    private final Thread reader;
    private final LongAdder writeFailures = new LongAdder();
    private volatile int vni;
    private volatile Port port;
    private volatile boolean running = true;

    private final TcpCoalescer coalescer;

    /**
     * @param afterBatch called after each batch (the VTEP's flush)
     * @param offload    decides the read buffer size and how frames from the VTEP are coalesced
     */
    public TapPort(TapDevice tap, VirtualSwitch sw, Runnable afterBatch, Offload offload) {
        if (!tap.isNonBlocking() || tap.vnetHeaderLength() != VNET) {
            throw new IllegalArgumentException("TAP " + tap.name()
                    + " must be open non-blocking with a " + VNET + "-byte virtio-net header");
        }
        this.tap = tap;
        this.sw = sw;
        this.afterBatch = afterBatch;
        boolean tso = !tap.offloads().isEmpty();
        int batch = tso ? BATCH_OFFLOAD : BATCH_DEFAULT;
        int bufferSize = tso ? TSO_FRAME_BUFFER : FRAME_BUFFER;
        this.coalescer = offload.newCoalescer(this::writeVnetNow);
        this.buffers = new ByteBuffer[batch];
        this.views = new ByteBuf[batch];
        this.sizes = new int[batch];
        for (int i = 0; i < batch; i++) {
            buffers[i] = ByteBuffer.allocateDirect(bufferSize);
            views[i] = Unpooled.wrappedBuffer(buffers[i]); // a view for the codecs; no copy, no leak tracking
        }
        this.reader = new Thread(this::run, "tap-" + tap.name());
        this.reader.setDaemon(true);
    }

    /**
     * One TSO frame per UDP GSO send (see {@link Offload#tapGsoMaxSegments}). Only an optimisation:
     * a kernel that refuses the attribute keeps 64 KB frames, which take two sends.
     */
    public static void capGsoSegments(RtNetlink nl, String tapName, Offload offload) {
        int segments = offload.tapGsoMaxSegments(SwitchContext.MAX_DATAGRAM_DEFAULT);
        if (segments > 0) {
            try {
                nl.setGsoMaxSegments(tapName, segments);
            } catch (IOException e) {
                // older kernels: frames stay up to 64 KB
            }
        }
    }

    /** Attaches the port to its network (the switch tables must already contain {@code port}) and starts reading. */
    public TapPort start(int vni, Port port) {
        this.vni = vni;
        this.port = port;
        reader.start();
        return this;
    }

    /** Re-points the reader after the tables were rebuilt (port indexes may change). */
    public void rebind(int vni, Port port) {
        this.vni = vni;
        this.port = port;
    }

    /** Where the switch writes frames for this port. */
    public FrameSink sink() {
        return sink;
    }

    private final FrameSink sink = new FrameSink() {
        @Override
        public boolean send(ByteBuf buf, int offset, int length) {
            return write(buf, offset, length);
        }

        @Override
        public boolean sendVnet(ByteBuf buf, int vnetOffset, int length) {
            return writeVnetNow(buf, vnetOffset, length);
        }

        @Override
        public boolean receive(ByteBuf buf, int offset, int length) {
            coalescer.offer(buf, offset, length); // VTEP receive thread only
            return true;
        }

        @Override
        public void flush() {
            coalescer.flush();
        }
    };

    /** Virtio header + frame as one TAP write: GSO frames from local TAPs and the coalescer's output. */
    private boolean writeVnetNow(ByteBuf buf, int offset, int length) {
        try {
            return tap.write(buf.memoryAddress() + offset, length) > 0;
        } catch (NativeException e) {
            writeFailures.increment();
            return false;
        }
    }

    private boolean write(ByteBuf buf, int offset, int length) {
        Writer w = WRITERS.get();
        if (length > w.out.capacity() - VNET) {
            writeFailures.increment();
            return false;
        }
        VirtioNetHeader h = w.header.clear();
        if (w.partial.isPartial(buf, offset, length)) {
            h.flags(VirtioNetHeader.F_NEEDS_CSUM).csumStart(w.partial.csumStart()).csumOffset(w.partial.csumOffset());
        }
        w.outView.setBytes(VNET, buf, offset, length);
        try {
            return tap.write(w.address, VNET + length) > 0;
        } catch (NativeException e) {
            writeFailures.increment();
            return false;
        }
    }

    /** One writing thread's scratch: a direct buffer for header + frame, and the flyweights. */
    private static final class Writer {
        final ByteBuffer out = ByteBuffer.allocateDirect(FRAME_BUFFER + 16 * 1024);
        final ByteBuf outView = Unpooled.wrappedBuffer(out);
        final long address = outView.memoryAddress();
        final VirtioNetHeader header = new VirtioNetHeader().wrap(out, 0);
        final PartialChecksum partial = new PartialChecksum();
    }

    private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(Writer::new);

    private void run() {
        try (SwitchContext ctx = new SwitchContext()) {
            while (running) {
                if (!tap.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                int n = tap.readBatch(buffers, sizes, 0);
                Port p = port;
                int v = vni;
                for (int i = 0; i < n; i++) {
                    sw.fromTap(ctx, v, p, views[i], 0, sizes[i]);
                }
                if (n > 0) {
                    afterBatch.run();
                }
            }
        } catch (NativeException e) {
            if (running) {
                LOG.error("TAP {} failed, port stopped: {}", tap.name(), e.getMessage());
            }
        }
    }

    public String name() {
        return tap.name();
    }

    public long writeFailures() {
        return writeFailures.sum();
    }

    /** Stops the reader and closes the device. */
    @Override
    public void close() {
        running = false;
        try {
            tap.wakeup();
        } catch (NativeException e) {
            // already closed
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tap.close();
    }
}
