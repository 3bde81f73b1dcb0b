package io.trellis.ipvs.tun;

import static io.trellis.ipvs.tun.TunConstants.CLONE_DEVICE;
import static io.trellis.ipvs.tun.TunConstants.EAGAIN;
import static io.trellis.ipvs.tun.TunConstants.EINTR;
import static io.trellis.ipvs.tun.TunConstants.O_CLOEXEC;
import static io.trellis.ipvs.tun.TunConstants.O_NONBLOCK;
import static io.trellis.ipvs.tun.TunConstants.O_RDWR;

import com.kenai.jffi.MemoryIO;
import io.trellis.ipvs.NativeException;
import io.trellis.ipvs.libc.LibCHolder;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * One queue of a Linux TAP device: Ethernet frames in and out through a descriptor on
 * {@code /dev/net/tun} (Documentation/networking/tuntap.rst). Opened with IFF_TAP | IFF_NO_PI, so
 * a read returns exactly one frame — preceded by a {@link VirtioNetHeader} if the options ask for
 * one — and a write sends exactly one. The interface lives as long as its last queue is open and
 * is created in the network namespace of the thread that opens it; the descriptor then works from
 * any thread. Open inside {@link io.trellis.ipvs.netns.NetworkNamespace#call} to place it elsewhere.
 *
 * <p>Frames move straight between the kernel and the caller's direct buffers or native addresses,
 * with no copy and no allocation. Reads and writes return 0 where a non-blocking descriptor would
 * block (EAGAIN); tun never returns 0 otherwise, as every frame has at least an Ethernet header.
 * Other failures throw {@link NativeException}.
 *
 * <p>Threads: reads and {@link #awaitReadable} from one thread, writes from one (maybe another),
 * {@link #wakeup()} from any. Close only after they have all stopped: a descriptor closed under a
 * blocked call does not wake it, and its number may be reused by the next open.
 */
public final class TapDevice implements AutoCloseable {

    private static final TunLibC LIBC = TunLibCHolder.LIBC;
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private final int fd;
    private final String name;
    private final int vnetHeaderLength;
    private final Offloads offloads;
    private final boolean nonBlocking;
    private final FdPoller poller;
    private boolean closed;

    private TapDevice(int fd, String name, int vnetHeaderLength, Offloads offloads, boolean nonBlocking,
            FdPoller poller) {
        this.fd = fd;
        this.name = name;
        this.vnetHeaderLength = vnetHeaderLength;
        this.offloads = offloads;
        this.nonBlocking = nonBlocking;
        this.poller = poller;
    }

    /**
     * Creates the TAP interface, or attaches another queue to a multi-queue one of that name. An
     * offload the kernel refuses is left off, not an error: see {@link #offloads()}.
     *
     * @throws NativeException if {@code /dev/net/tun} cannot be opened (ENOENT without the tun
     *     driver, EPERM without CAP_NET_ADMIN) or the kernel refuses the interface (EBUSY: the name
     *     is taken by another kind of device or, without multi-queue, by an open TAP; EINVAL:
     *     multi-queue does not match the existing device)
     */
    public static TapDevice open(TapOptions options) throws NativeException {
        int flags = O_RDWR | O_CLOEXEC | (options.nonBlocking() ? O_NONBLOCK : 0);
        int fd = NativeException.check(LIBC.open(CLONE_DEVICE, flags, 0), "open", CLONE_DEVICE);
        try {
            String name = TunIoctls.attach(fd, options);
            int vnetHeaderLength = 0;
            Offloads offloads = Offloads.NONE;
            if (options.vnetHeader()) {
                vnetHeaderLength = VirtioNetHeader.LENGTH;
                TunIoctls.setVnetHeaderLength(fd, name, vnetHeaderLength);
                offloads = OffloadNegotiation.negotiate(options.offloads(),
                        bits -> TunIoctls.trySetOffload(fd, name, bits));
            }
            return new TapDevice(fd, name, vnetHeaderLength, offloads, options.nonBlocking(),
                    new FdPoller(fd, "TAP " + name));
        } catch (NativeException | RuntimeException e) {
            LIBC.close(fd);
            throw e;
        }
    }

    /** The interface name, as the kernel resolved any {@code %d} in the requested one. */
    public String name() {
        return name;
    }

    /** The descriptor, for callers that want to poll it with other descriptors. Owned by this. */
    public int fd() {
        return fd;
    }

    /** 12 if each frame is preceded by a {@link VirtioNetHeader}, else 0. */
    public int vnetHeaderLength() {
        return vnetHeaderLength;
    }

    /** The offloads the kernel accepted: frames read may use exactly these. */
    public Offloads offloads() {
        return offloads;
    }

    public boolean isNonBlocking() {
        return nonBlocking;
    }

    /**
     * Waits until a frame can be read, for at most {@code timeoutMillis} (negative: no limit).
     * Returns true if a read will not block (a frame waits, or an error a read will report), false
     * on timeout or when {@link #wakeup()} ended the wait. Allocates nothing.
     */
    public boolean awaitReadable(int timeoutMillis) throws NativeException {
        return poller.await(timeoutMillis);
    }

    /**
     * Makes the current {@link #awaitReadable} return false at once, or the next one if no thread
     * is waiting. For shutting a reader down: set its stop flag, then call this. Any thread, until
     * {@link #close()}.
     */
    public void wakeup() throws NativeException {
        poller.wakeup();
    }

    /**
     * Reads one frame into {@code dst} between its position and limit, NIO style: the position
     * advances past the frame.
     *
     * @return the frame's length (vnet header included), or 0 if none waits on a non-blocking
     *     device; see {@link #read(long, int)} for frames that do not fit
     */
    public int read(ByteBuffer dst) throws NativeException {
        int position = dst.position();
        int length = read(writableAddress(dst) + position, dst.limit() - position);
        dst.position(position + length);
        return length;
    }

    /**
     * Reads one frame into the {@code length} bytes at {@code address}, for example a Netty
     * {@code ByteBuf.memoryAddress() + writerIndex()}.
     *
     * @return the frame's length, vnet header included, or 0 if none waits on a non-blocking
     *     device. A frame longer than {@code length} is cut to it and the rest dropped, silently:
     *     the result is then {@code length}. Size buffers for the largest frame — MTU + 14
     *     (Ethernet) + vnet header, or 65,535 + 14 + 12 with TSO/USO — or treat a full buffer as
     *     suspect
     */
    public int read(long address, int length) throws NativeException {
        while (true) {
            long result = LIBC.read(fd, address, length);
            if (result >= 0) {
                return (int) result;
            }
            int errno = LibCHolder.errno();
            if (errno == EAGAIN) {
                return 0;
            }
            if (errno != EINTR) {
                throw new NativeException("read from TAP", name, errno);
            }
        }
    }

    /**
     * Writes the bytes between {@code src}'s position and limit as one frame (vnet header first if
     * enabled), advancing the position past them.
     *
     * @return the bytes written, all of them, or 0 if a non-blocking device could not take the frame
     */
    public int write(ByteBuffer src) throws NativeException {
        int position = src.position();
        int written = write(address(src) + position, src.limit() - position);
        src.position(position + written);
        return written;
    }

    /**
     * Writes the {@code length} bytes at {@code address} as one frame.
     *
     * @return {@code length}, or 0 if a non-blocking device could not take the frame
     * @throws NativeException EINVAL for a malformed frame or vnet header, EIO if the interface is down
     */
    public int write(long address, int length) throws NativeException {
        while (true) {
            long result = LIBC.write(fd, address, length);
            if (result >= 0) {
                return (int) result;
            }
            int errno = LibCHolder.errno();
            if (errno == EAGAIN) {
                return 0;
            }
            if (errno != EINTR) {
                throw new NativeException("write to TAP", name, errno);
            }
        }
    }

    /**
     * Reads frames until none is waiting or every buffer holds one (wireguard-go
     * {@code tun.Device.Read(bufs, sizes, offset)}). Frame {@code i} goes to {@code bufs[i]} from
     * index {@code offset} to at most its limit, leaving {@code offset} bytes of headroom in front
     * for encapsulation headers; {@code sizes[i]} gets its length (a frame longer than the room is
     * cut, see {@link #read(long, int)}). Positions and limits are not changed. Needs a
     * non-blocking device: on a blocking one the read after the last waiting frame would wait.
     *
     * @return how many frames were read; 0 if none was waiting. An error after at least one frame
     *     ends the batch early without losing those frames; the next call reports it
     */
    public int readBatch(ByteBuffer[] bufs, int[] sizes, int offset) throws NativeException {
        if (!nonBlocking) {
            throw new IllegalStateException("readBatch needs a TAP opened with nonBlocking: " + name + " blocks");
        }
        if (sizes.length < bufs.length) {
            throw new IllegalArgumentException("sizes holds " + sizes.length + " entries, bufs " + bufs.length);
        }
        for (ByteBuffer buf : bufs) {
            checkRange(buf, offset, buf.limit() - offset);
        }
        for (int i = 0; i < bufs.length; i++) {
            int length;
            try {
                length = read(writableAddress(bufs[i]) + offset, bufs[i].limit() - offset);
            } catch (NativeException e) {
                if (i == 0) {
                    throw e;
                }
                return i;
            }
            if (length == 0) {
                return i;
            }
            sizes[i] = length;
        }
        return bufs.length;
    }

    /**
     * Writes {@code count} frames, frame {@code i} being {@code lengths[i]} bytes of {@code bufs[i]}
     * from index {@code offsets[i]}. Positions and limits are not changed.
     *
     * @return how many frames were written, fewer than {@code count} if a non-blocking device
     *     could not take more. An error after at least one frame ends the batch early; the next
     *     call, starting from the frame that failed, reports it
     */
    public int writeBatch(ByteBuffer[] bufs, int[] offsets, int[] lengths, int count) throws NativeException {
        if (count > bufs.length || count > offsets.length || count > lengths.length) {
            throw new IllegalArgumentException("count " + count + " exceeds bufs (" + bufs.length
                    + "), offsets (" + offsets.length + ") or lengths (" + lengths.length + ")");
        }
        for (int i = 0; i < count; i++) {
            checkRange(bufs[i], offsets[i], lengths[i]);
        }
        for (int i = 0; i < count; i++) {
            int written;
            try {
                written = write(address(bufs[i]) + offsets[i], lengths[i]);
            } catch (NativeException e) {
                if (i == 0) {
                    throw e;
                }
                return i;
            }
            if (written == 0) {
                return i;
            }
        }
        return count;
    }

    /** Detaches this queue; the interface goes with its last queue. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            poller.close();
            LIBC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "TapDevice[" + name + ", fd " + fd + ", vnet header " + vnetHeaderLength + ", offloads "
                + offloads + (nonBlocking ? ", non-blocking]" : "]");
    }

    private static long writableAddress(ByteBuffer buf) {
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        return address(buf);
    }

    /** The native address of index 0, which a sliced buffer has moved already. */
    private static long address(ByteBuffer buf) {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("TAP I/O needs a direct ByteBuffer, not a heap one");
        }
        return MEMORY.getDirectBufferAddress(buf);
    }

    private static void checkRange(ByteBuffer buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.limit()) {
            throw new IndexOutOfBoundsException("frame at " + offset + " of " + length
                    + " bytes does not fit a buffer with limit " + buf.limit());
        }
    }
}
