package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.NetlinkConstants.EINTR;
import static io.trellis.ipvs.netlink.NetlinkConstants.MAX_ERRNO;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSGERR_ATTR_MSG;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSGERR_SIZE;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_DONE;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_ERROR;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_FLAGS_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_HDRLEN;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_LEN_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_MIN_TYPE;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_SEQ_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLMSG_TYPE_OFFSET;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_ACK_TLVS;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_CAPPED;
import static io.trellis.ipvs.netlink.NetlinkConstants.NLM_F_DUMP_INTR;
import static io.trellis.ipvs.netlink.NetlinkConstants.align;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits one received datagram into netlink messages and decides when the exchange for a request
 * is over: at its ACK (an NLMSG_ERROR with error 0), at an NLMSG_ERROR carrying an errno, or at the
 * NLMSG_DONE closing a dump. Never sees a socket, so malformed input can be fed to it in tests.
 * Messages with another sequence number are leftovers of an abandoned request and are skipped.
 */
final class ReplyDecoder {

    private final NetlinkReply reply = new NetlinkReply();

    /**
     * Decodes {@code datagram[0, length)}, passing data messages of sequence {@code seq} to
     * {@code parser} and adding what it returns (unless {@code null}) to {@code out}.
     *
     * @return whether the exchange is complete
     * @throws NetlinkException if the kernel refused the request or interrupted the dump
     */
    <T> boolean decode(ByteBuffer datagram, int length, int seq, NetlinkSocket.ReplyParser<T> parser,
            List<T> out, String operation, Object target) throws NetlinkException, NetlinkParseException {
        for (int at = 0; at < length; ) {
            if (length - at < NLMSG_HDRLEN) {
                throw new NetlinkParseException(length - at + " bytes left after the last message,"
                        + " fewer than a " + NLMSG_HDRLEN + "-byte nlmsghdr");
            }
            int messageLength = datagram.getInt(at + NLMSG_LEN_OFFSET);
            if (messageLength < NLMSG_HDRLEN || messageLength > length - at) {
                throw new NetlinkParseException("message at offset " + at + " declares " + messageLength
                        + " bytes, but must be at least " + NLMSG_HDRLEN + " and at most the " + (length - at)
                        + " bytes left in the datagram");
            }
            int type = Short.toUnsignedInt(datagram.getShort(at + NLMSG_TYPE_OFFSET));
            int flags = Short.toUnsignedInt(datagram.getShort(at + NLMSG_FLAGS_OFFSET));
            if (datagram.getInt(at + NLMSG_SEQ_OFFSET) == seq) {
                reply.wrap(datagram, at, messageLength, type, flags);
                if (isComplete(parser, out, operation, target)) {
                    return true;
                }
            }
            at += align(messageLength);
        }
        return false;
    }

    private <T> boolean isComplete(NetlinkSocket.ReplyParser<T> parser, List<T> out, String operation,
            Object target) throws NetlinkException, NetlinkParseException {
        if ((reply.flags() & NLM_F_DUMP_INTR) != 0) {
            // linux/netlink.h: the object list changed while the kernel was dumping it.
            throw new NetlinkException(operation, target, EINTR, "dump interrupted by a concurrent change, retry");
        }
        switch (reply.type()) {
            case NLMSG_ERROR: {
                // struct nlmsgerr; the request is echoed after it unless NLM_F_CAPPED (NETLINK_CAP_ACK).
                int errno = errno(reply.s32(0));
                if (errno != 0) {
                    throw new NetlinkException(operation, target, errno, kernelMessage(errorTlvOffset()));
                }
                return true;
            }
            case NLMSG_DONE: {
                // A dump's final status since Linux 4.x: an int, then extended-ack TLVs.
                int errno = reply.payloadLength() >= 4 ? errno(reply.s32(0)) : 0;
                if (errno != 0) {
                    throw new NetlinkException(operation, target, errno, kernelMessage(4));
                }
                return true;
            }
            default:
                if (reply.type() >= NLMSG_MIN_TYPE) {
                    T value = parser.parse(reply);
                    if (value != null) {
                        out.add(value);
                    }
                }
                return false; // NLMSG_NOOP and unknown control messages carry nothing for us
        }
    }

    /** Where the extended-ack TLVs of an NLMSG_ERROR start, counted from its payload. */
    private int errorTlvOffset() throws NetlinkParseException {
        if ((reply.flags() & NLM_F_CAPPED) != 0) {
            return NLMSGERR_SIZE;
        }
        int echoed = reply.s32(4 + NLMSG_LEN_OFFSET);
        if (echoed < NLMSG_HDRLEN || echoed > reply.payloadLength() - 4) {
            throw new NetlinkParseException("error message echoes a request of " + echoed + " bytes, but must echo "
                    + NLMSG_HDRLEN + " to the " + (reply.payloadLength() - 4) + " bytes after its error code");
        }
        return 4 + echoed;
    }

    /** NLMSGERR_ATTR_MSG of the TLVs at {@code tlvOffset}, or {@code null} without NLM_F_ACK_TLVS. */
    private String kernelMessage(int tlvOffset) throws NetlinkParseException {
        return (reply.flags() & NLM_F_ACK_TLVS) == 0 ? null : reply.attributes(tlvOffset).string(NLMSGERR_ATTR_MSG);
    }

    /** The errno of a kernel status code, which is 0 or a negated errno. */
    private static int errno(int error) throws NetlinkParseException {
        if (error > 0 || error < -MAX_ERRNO) {
            throw new NetlinkParseException("error code " + error + " is not 0 or a negated errno (down to -"
                    + MAX_ERRNO + ")");
        }
        return -error;
    }
}
