package io.trellis.ipvs.udp;

import io.trellis.ipvs.NativeException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Sends a buffer of equal-sized datagrams as one {@code sendmsg} with a {@code UDP_SEGMENT} control
 * message (Linux 4.18+, include/uapi/linux/udp.h): the kernel cuts it into datagrams, so a 64 KB
 * run costs one syscall, straight from the caller's direct memory, on the caller's thread. Works on
 * any UDP socket fd, e.g. the one Netty's channel owns. {@link #sendGathered} takes the stream from
 * several buffers (iovecs), e.g. per-datagram headers and payloads that stay where they were read.
 * One instance per thread (it keeps the msghdr, iovecs, address and control message in its own
 * native memory, written once or per call, never allocated per call).
 */
public final class UdpGsoSender {
    private static final UdpLibC LIBC = LibraryLoader.create(UdpLibC.class).load("c");
    private static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
    /** include/linux/socket.h + netinet/in.h + linux/udp.h */
    private static final int AF_INET = 2;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;
    /**
     * Most iovecs of one gathering send: a header and a payload for each of up to 128 segments
     * (UDP_MAX_SEGMENTS is 64, or 128 on recent kernels); far under UIO_MAXIOV (1024).
     */
    public static final int MAX_IOVECS = 256;
    /** x86_64 layouts: struct msghdr 56 bytes, sockaddr_in 16, cmsghdr 16 + u16 data padded to 24, iovec 16. */
    private static final int MSGHDR = 0;
    private static final int SOCKADDR = 56;
    private static final int CMSG = 72;
    private static final int IOVEC = 96;
    private static final int IOVEC_SIZE = 16;
    private static final int SIZE = IOVEC + MAX_IOVECS * IOVEC_SIZE;
    private static final int CMSG_LEN = 16 + 2;
    private static final int CMSG_SPACE = 24;

    private final int fd;
    private final Pointer mem = Memory.allocateDirect(RUNTIME, SIZE, true);
    private final long base = mem.address();

    public UdpGsoSender(int fd) {
        this.fd = fd;
        mem.putLong(MSGHDR, base + SOCKADDR);           // msg_name
        mem.putInt(MSGHDR + 8, 16);                      // msg_namelen
        mem.putLong(MSGHDR + 16, base + IOVEC);          // msg_iov
        mem.putLong(MSGHDR + 24, 1);                     // msg_iovlen
        mem.putShort(SOCKADDR, (short) AF_INET);         // sin_family, host order
        mem.putLong(CMSG, CMSG_LEN);                     // cmsg_len
        mem.putInt(CMSG + 8, SOL_UDP);                   // cmsg_level
        mem.putInt(CMSG + 12, UDP_SEGMENT);              // cmsg_type
    }

    /**
     * Sends {@code length} bytes at {@code address} to {@code ipv4:port}, cut into datagrams of
     * {@code segmentSize} (the last may be shorter); {@code segmentSize} ≥ length sends one datagram.
     *
     * @return false when the socket buffer is full (EAGAIN): the caller may queue or drop
     */
    public boolean send(long address, int length, int ipv4, int port, int segmentSize) throws NativeException {
        mem.putLong(IOVEC, address);
        mem.putLong(IOVEC + 8, length);
        return sendIovecs(1, length, ipv4, port, segmentSize);
    }

    /**
     * Sets iovec {@code index} of the next {@link #sendGathered} to {@code length} bytes at
     * {@code address} (direct memory that stays valid until that call returns).
     */
    public void iovec(int index, long address, int length) {
        if (index < 0 || index >= MAX_IOVECS) {
            throw new IndexOutOfBoundsException("iovec index " + index + " must be 0 to " + (MAX_IOVECS - 1));
        }
        long at = IOVEC + (long) index * IOVEC_SIZE;
        mem.putLong(at, address);
        mem.putLong(at + 8, length);
    }

    /**
     * Sends iovecs 0 to {@code count − 1} (set with {@link #iovec}), {@code length} bytes in all, as
     * one stream cut into datagrams of {@code segmentSize}: the kernel concatenates the iovecs
     * first, so a datagram may span several of them (e.g. a header and its payload).
     *
     * @return false when the socket buffer is full (EAGAIN): nothing was sent
     */
    public boolean sendGathered(int count, int length, int ipv4, int port, int segmentSize) throws NativeException {
        if (count < 1 || count > MAX_IOVECS) {
            throw new IllegalArgumentException("iovec count " + count + " must be 1 to " + MAX_IOVECS);
        }
        return sendIovecs(count, length, ipv4, port, segmentSize);
    }

    private boolean sendIovecs(int count, int length, int ipv4, int port, int segmentSize) throws NativeException {
        mem.putLong(MSGHDR + 24, count);                 // msg_iovlen
        mem.putShort(SOCKADDR + 2, Short.reverseBytes((short) port));   // network order on little-endian x86
        mem.putInt(SOCKADDR + 4, Integer.reverseBytes(ipv4));
        if (segmentSize < length) {
            mem.putShort(CMSG + 16, (short) segmentSize);
            mem.putLong(MSGHDR + 32, base + CMSG);
            mem.putLong(MSGHDR + 40, CMSG_SPACE);
        } else {
            mem.putLong(MSGHDR + 32, 0);
            mem.putLong(MSGHDR + 40, 0);
        }
        long n = LIBC.sendmsg(fd, mem, MSG_DONTWAIT);
        if (n >= 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == EAGAIN) {
            return false;
        }
        throw new NativeException("sendmsg UDP_SEGMENT", "fd " + fd, errno);
    }
}
