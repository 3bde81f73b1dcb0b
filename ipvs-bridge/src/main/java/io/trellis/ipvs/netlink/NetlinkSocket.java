package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.libc.LinuxConstants.SOCK_CLOEXEC;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_NETLINK;
import static io.trellis.ipvs.netlink.NetlinkConstants.EINTR;
import static io.trellis.ipvs.netlink.NetlinkConstants.MSG_DONTWAIT;
import static io.trellis.ipvs.netlink.NetlinkConstants.MSG_TRUNC;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_CAP_ACK;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_EXT_ACK;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_GENERIC;
import static io.trellis.ipvs.netlink.NetlinkConstants.NETLINK_ROUTE;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_ACK;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_DUMP;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_REQUEST;
import static io.trellis.ipvs.netlink.NetlinkConstants.SOCKADDR_NL_SIZE;
import static io.trellis.ipvs.netlink.NetlinkConstants.SOCK_RAW;
import static io.trellis.ipvs.netlink.NetlinkConstants.SOL_NETLINK;

import io.trellis.ipvs.NativeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A netlink socket (NETLINK_ROUTE unless asked otherwise, or NETLINK_GENERIC) that sends one
 * request at a time and reads the kernel's answer to it.
 *
 * <p><b>Namespace.</b> The socket acts on the network namespace its creating thread was in when
 * {@link #open()} ran, for its whole life, whichever thread uses it later. To act in another
 * namespace, open it inside {@link io.trellis.ipvs.netns.NetworkNamespace#call}; it may then be
 * used (and closed) outside.
 *
 * <p><b>Buffers.</b> The socket owns one direct send buffer and one direct receive buffer,
 * allocated once. Each {@link #message} writes into the send buffer (the returned builder is a
 * small cursor over it), and replies are parsed in place; parsers copy what they keep. Not
 * thread-safe: one request at a time.
 */
public final class NetlinkSocket implements AutoCloseable {

    /** Turns one data message of a reply into a value; returns {@code null} to leave it out. */
    @FunctionalInterface
    public interface ReplyParser<T> {
        T parse(NetlinkReply reply) throws NetlinkParseException;
    }

    private static final NetlinkLibC LIBC = NetlinkLibC.LIBC;
    private static final int SEND_BUFFER_SIZE = 8 * 1024;
    // net/netlink/af_netlink.c builds dump datagrams of at most 32 KiB; twice that leaves room for
    // a single large reply. A bigger datagram is reported, never silently cut (MSG_TRUNC).
    private static final int RECEIVE_BUFFER_SIZE = 64 * 1024;

    private final int fd;
    private final int protocol;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(SEND_BUFFER_SIZE);
    private final ByteBuffer receiveBuffer =
            ByteBuffer.allocateDirect(RECEIVE_BUFFER_SIZE).order(ByteOrder.nativeOrder());
    private final ReplyDecoder decoder = new ReplyDecoder();
    private NetlinkMessage current;
    private int sequence;
    /** The last exchange ended in an exception, perhaps before all its replies were read. */
    private boolean abandoned;
    private boolean closed;

    private NetlinkSocket(int fd, int protocol) {
        this.fd = fd;
        this.protocol = protocol;
    }

    /** Opens a NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static NetlinkSocket open() throws NativeException {
        return open(NETLINK_ROUTE);
    }

    /**
     * Opens a socket of netlink {@code protocol} (NETLINK_ROUTE, NETLINK_GENERIC) in the calling
     * thread's network namespace.
     */
    public static NetlinkSocket open(int protocol) throws NativeException {
        String name = protocolName(protocol) + " socket";
        int fd = NativeException.check(LIBC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol), "open", name);
        try {
            ByteBuffer scratch = ByteBuffer.allocateDirect(SOCKADDR_NL_SIZE).order(ByteOrder.nativeOrder());
            // Errors then carry the kernel's explanation, and not a copy of our request.
            scratch.putInt(0, 1);
            NativeException.check(LIBC.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, scratch, 4),
                    "enable extended acks on", name);
            NativeException.check(LIBC.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, scratch, 4),
                    "enable capped acks on", name);
            // struct sockaddr_nl with nl_pid 0: the kernel assigns a unique port id.
            scratch.putShort(0, (short) AF_NETLINK).putShort(2, (short) 0).putInt(4, 0).putInt(8, 0);
            NativeException.check(LIBC.bind(fd, scratch, SOCKADDR_NL_SIZE), "bind", name);
        } catch (NativeException e) {
            LIBC.close(fd);
            throw e;
        }
        return new NetlinkSocket(fd, protocol);
    }

    /** The netlink protocol the socket was opened with. */
    public int protocol() {
        return protocol;
    }

    /**
     * Starts a request of {@code type} (an RTM_* value, or a generic netlink family's id) in the
     * send buffer. {@code flags} are the
     * modifiers, such as NLM_F_CREATE | NLM_F_EXCL; NLM_F_REQUEST is always set, and NLM_F_ACK or
     * NLM_F_DUMP by the method that sends it.
     *
     * <p>The buffer holds one request: starting another (say, a lookup of an ifindex) overwrites
     * this one, which can then no longer be sent. So resolve what a request needs first, then
     * build it, then send it.
     */
    public NetlinkMessage message(int type, int flags) {
        ensureOpen();
        current = new NetlinkMessage(sendBuffer).begin(type, NLM_F_REQUEST | flags);
        return current;
    }

    /** Sends {@code request} and waits for its acknowledgement. */
    public void execute(NetlinkMessage request, String operation, Object target) throws IOException {
        exchange(request, NLM_F_ACK, reply -> null, operation, target);
    }

    /** Sends {@code request}, such as a GET of one object, and returns the first value parsed. */
    public <T> Optional<T> query(NetlinkMessage request, ReplyParser<T> parser, String operation, Object target)
            throws IOException {
        return exchange(request, NLM_F_ACK, parser, operation, target).stream().findFirst();
    }

    /**
     * Sends {@code request} as a dump and returns every value parsed from its multi-part reply.
     *
     * @throws NetlinkException with EINTR if the objects changed during the dump; retrying is safe
     */
    public <T> List<T> dump(NetlinkMessage request, ReplyParser<T> parser, String operation, Object target)
            throws IOException {
        return exchange(request, NLM_F_DUMP, parser, operation, target);
    }

    /** Closes the socket; further use throws {@link IllegalStateException}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            // close(2) of a socket can only fail with EBADF, which closed rules out.
            LIBC.close(fd);
        }
    }

    private <T> List<T> exchange(NetlinkMessage request, int flags, ReplyParser<T> parser, String operation,
            Object target) throws IOException {
        if (request != current) {
            throw new IllegalStateException("the request was overwritten by a later message() on this socket,"
                    + " or comes from another socket");
        }
        ensureOpen();
        current = null; // sent at most once: a retry must build it again
        if (abandoned) {
            drainAbandonedExchange();
        }
        int seq = ++sequence;
        ByteBuffer bytes = request.seal(seq, flags);
        int length = request.length();
        abandoned = true;
        // Without an address, send(2) on a netlink socket goes to the kernel (port id 0).
        check(retryInterrupted(() -> LIBC.send(fd, bytes, length, 0)), "send netlink request to", operation, target);
        List<T> values = new ArrayList<>();
        boolean complete = false;
        while (!complete) {
            long received = check(retryInterrupted(() -> LIBC.recv(fd, receiveBuffer, RECEIVE_BUFFER_SIZE, MSG_TRUNC)),
                    "receive netlink reply to", operation, target);
            if (received > RECEIVE_BUFFER_SIZE) {
                throw new NetlinkParseException("reply datagram of " + received + " bytes to " + operation + " "
                        + target + " exceeds the " + RECEIVE_BUFFER_SIZE + "-byte receive buffer");
            }
            complete = decoder.decode(receiveBuffer, (int) received, seq, parser, values, operation, target);
        }
        abandoned = false;
        return values;
    }

    /**
     * Drops what an exchange cut short by an exception left unread. Stale replies would be skipped
     * by sequence number anyway, but an unfinished dump keeps running in the kernel until read to
     * its end, and meanwhile every new dump on this socket fails with EBUSY (netlink_dump_start).
     * Each recv(2) makes the kernel produce the next part; an error (EAGAIN) means nothing is left.
     */
    private void drainAbandonedExchange() {
        while (retryInterrupted(() -> LIBC.recv(fd, receiveBuffer, RECEIVE_BUFFER_SIZE, MSG_DONTWAIT | MSG_TRUNC)) >= 0) {
            // discard
        }
        abandoned = false;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
    }

    private static String protocolName(int protocol) {
        switch (protocol) {
            case NETLINK_ROUTE:
                return "NETLINK_ROUTE";
            case NETLINK_GENERIC:
                return "NETLINK_GENERIC";
            default:
                return "netlink protocol " + protocol;
        }
    }

    /** Repeats a call interrupted by a signal before it did anything (EINTR). */
    private static long retryInterrupted(LongSupplier call) {
        long result;
        do {
            result = call.getAsLong();
        } while (result < 0 && NetlinkLibC.errno() == EINTR);
        return result;
    }

    private static long check(long result, String step, String operation, Object target) throws NativeException {
        if (result < 0) {
            throw new NativeException(step, operation + " " + target, NetlinkLibC.errno());
        }
        return result;
    }
}
