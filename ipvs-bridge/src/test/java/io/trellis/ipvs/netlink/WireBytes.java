package io.trellis.ipvs.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Lets tests of other packages (such as the IPVS client's) build requests and decode replies
 * without a socket: what {@link NetlinkSocket} does around its send and receive calls.
 */
public final class WireBytes {

    private WireBytes() {
    }

    /** A request of {@code type} with NLM_F_REQUEST, as {@link NetlinkSocket#message} begins it. */
    public static NetlinkMessage request(int type) {
        return new NetlinkMessage(ByteBuffer.allocateDirect(8 * 1024)).begin(type, NetlinkConstants.NLM_F_REQUEST);
    }

    /**
     * The request as sent with sequence number {@code seq}: {@code flags} is what the socket adds,
     * NLM_F_ACK for {@code execute} and {@code query}, NLM_F_DUMP for {@code dump}.
     */
    public static String sealed(NetlinkMessage message, int seq, int flags) {
        ByteBuffer buffer = message.seal(seq, flags);
        byte[] copy = new byte[message.length()];
        buffer.get(0, copy);
        return HexFormat.of().formatHex(copy);
    }

    /**
     * Decodes received datagrams as the socket does for the request of sequence {@code seq}.
     *
     * @throws IllegalStateException if the last datagram does not end the exchange
     */
    public static <T> List<T> decode(int seq, NetlinkSocket.ReplyParser<T> parser, String operation, Object target,
            byte[]... datagrams) throws NetlinkException, NetlinkParseException {
        ReplyDecoder decoder = new ReplyDecoder();
        List<T> values = new ArrayList<>();
        boolean complete = false;
        for (byte[] datagram : datagrams) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(datagram.length).order(ByteOrder.nativeOrder());
            buffer.put(0, datagram);
            complete = decoder.decode(buffer, datagram.length, seq, parser, values, operation, target);
        }
        if (!complete) {
            throw new IllegalStateException("the datagrams do not end the exchange");
        }
        return values;
    }

    /** Hex, whitespace ignored. */
    public static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
