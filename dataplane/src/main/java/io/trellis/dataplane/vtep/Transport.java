package io.trellis.dataplane.vtep;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import java.util.Locale;

/** The Netty transport the VTEP socket runs on ({@code --transport auto|epoll|io_uring|nio}). */
public enum Transport {
    EPOLL, IO_URING, NIO;

    /** io_uring where the kernel and Netty's native library allow it, else epoll, else NIO. */
    public static Transport auto() {
        if (IoUring.isAvailable()) {
            return IO_URING;
        }
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The best transport for the offload choice: UDP GRO needs epoll in Netty 4.2, and with offloads
     * the transport matters less than the syscall count (docs/architecture.md), so epoll wins then.
     */
    public static Transport auto(boolean wantUdpOffloads) {
        if (wantUdpOffloads && EPOLL.supportsUdpOffloads()) {
            return EPOLL;
        }
        return auto();
    }

    /** Parses the flag value; "auto" picks the best available. One-line error for anything else. */
    public static Transport parse(String value) {
        return parse(value, false);
    }

    /** As {@link #parse(String)}, "auto" taking the offload choice into account. */
    public static Transport parse(String value, boolean wantUdpOffloads) {
        String v = value.toLowerCase(Locale.ROOT).replace('-', '_');
        switch (v) {
            case "auto":
                return auto(wantUdpOffloads);
            case "epoll":
            case "io_uring":
            case "nio":
                Transport t = valueOf(v.toUpperCase(Locale.ROOT));
                t.requireAvailable();
                return t;
            default:
                throw new IllegalArgumentException("invalid --transport \"" + value + "\": use auto, epoll, io_uring or nio");
        }
    }

    void requireAvailable() {
        Throwable cause = this == EPOLL ? Epoll.unavailabilityCause() : this == IO_URING ? IoUring.unavailabilityCause() : null;
        if (cause != null) {
            throw new IllegalArgumentException("transport " + label() + " is not available here: " + cause.getMessage());
        }
    }

    public IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case EPOLL:
                return EpollIoHandler.newFactory();
            case IO_URING:
                return IoUringIoHandler.newFactory();
            default:
                return NioIoHandler.newFactory();
        }
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        switch (this) {
            case EPOLL:
                return EpollDatagramChannel.class;
            case IO_URING:
                return IoUringDatagramChannel.class;
            default:
                return NioDatagramChannel.class;
        }
    }

    /** Whether this transport can send one buffer as many datagrams (UDP_SEGMENT). */
    public boolean supportsUdpSegmentation() {
        switch (this) {
            case EPOLL:
                return EpollDatagramChannel.isSegmentedDatagramPacketSupported();
            case IO_URING:
                return IoUringDatagramChannel.isSegmentedDatagramPacketSupported();
            default:
                return false;
        }
    }

    /** A UDP_SEGMENT send of {@code content}, cut into datagrams of {@code segmentSize}. */
    public Object segmented(io.netty.buffer.ByteBuf content, int segmentSize, java.net.InetSocketAddress to) {
        return new io.netty.channel.unix.SegmentedDatagramPacket(content, segmentSize, to);
    }

    /** Whether the VTEP can both send with UDP_SEGMENT and receive with UDP_GRO here. */
    public boolean supportsUdpOffloads() {
        return this == EPOLL && Epoll.isAvailable() && supportsUdpSegmentation();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
