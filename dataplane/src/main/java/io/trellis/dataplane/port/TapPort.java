package io.trellis.dataplane.port;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.switching.FrameSink;
import io.trellis.dataplane.switching.Port;
import io.trellis.dataplane.switching.SwitchContext;
import io.trellis.dataplane.switching.VirtualSwitch;
import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.tun.TapDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A switch port backed by a TAP device. Its reader thread (an agent with one duty: read a batch,
 * switch every frame, flush the VTEP) is the only thread that reads the device; any thread may
 * write frames to it through {@link #sink()}.
 *
 * <p>Buffers: the read buffers are direct, allocated once and reused for every batch; each frame is
 * read {@link VirtualSwitch#HEADROOM} bytes in, so the VXLAN header is written in place.
 */
public final class TapPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TapPort.class);
    public static final int BATCH_DEFAULT = 64;
    /** Frame buffers hold an MTU-sized frame plus Ethernet/VLAN header and headroom. */
    private static final int FRAME_BUFFER = 2048;
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

    /**
     * @param afterBatch called after each batch (the VTEP's flush)
     */
    public TapPort(TapDevice tap, VirtualSwitch sw, Runnable afterBatch, int batch) {
        if (!tap.isNonBlocking()) {
            throw new IllegalArgumentException("TAP " + tap.name() + " must be open in non-blocking mode for batched reads");
        }
        this.tap = tap;
        this.sw = sw;
        this.afterBatch = afterBatch;
        this.buffers = new ByteBuffer[batch];
        this.views = new ByteBuf[batch];
        this.sizes = new int[batch];
        for (int i = 0; i < batch; i++) {
            buffers[i] = ByteBuffer.allocateDirect(FRAME_BUFFER);
            views[i] = Unpooled.wrappedBuffer(buffers[i]); // a view for the codecs; no copy, no leak tracking
        }
        this.reader = new Thread(this::run, "tap-" + tap.name());
        this.reader.setDaemon(true);
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

    /** Where the switch writes frames for this port: straight from the caller's buffer into the TAP. */
    public FrameSink sink() {
        return this::write;
    }

    private boolean write(ByteBuf buf, int offset, int length) {
        try {
            if (buf.hasMemoryAddress()) {
                return tap.write(buf.memoryAddress() + offset, length) > 0;
            }
            ByteBuffer nio = buf.nioBuffer(offset, length);
            if (nio.isDirect()) {
                return tap.write(nio) > 0;
            }
            writeFailures.increment(); // heap buffers never reach here in production
            return false;
        } catch (NativeException e) {
            writeFailures.increment();
            return false;
        }
    }

    private void run() {
        try (SwitchContext ctx = new SwitchContext()) {
            while (running) {
                if (!tap.awaitReadable(POLL_MILLIS)) {
                    continue;
                }
                int n = tap.readBatch(buffers, sizes, VirtualSwitch.HEADROOM);
                Port p = port;
                int v = vni;
                for (int i = 0; i < n; i++) {
                    sw.fromPort(ctx, v, p, views[i], VirtualSwitch.HEADROOM, sizes[i]);
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
