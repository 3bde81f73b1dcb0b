package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipvs.tun.VirtioNetHeader;
import io.trellis.vxlan.IpProtocol;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EtherType;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies every frame {@link TcpCoalescer} writes, split into its virtio-net header and frame. */
final class RecordingSink implements VnetFrameSink {
    /** One TAP write: the 12-byte header and the frame after it. */
    record Written(byte[] header, byte[] frame) {
        VirtioNetHeader vnet() {
            return new VirtioNetHeader().wrap(ByteBuffer.wrap(header.clone()), 0);
        }

        boolean isGso() {
            return vnet().gsoType() != VirtioNetHeader.GSO_NONE;
        }

        /** TCP segments the frame stands for: its payload cut at gso_size. */
        int segments() {
            VirtioNetHeader vnet = vnet();
            return isGso() ? (payload().length + vnet.gsoSize() - 1) / vnet.gsoSize() : 1;
        }

        byte[] payload() {
            TcpFlyweight tcp = tcp();
            return TcpFrames.bytes(tcp.buffer(), tcp.payloadOffset(), tcp.payloadLength());
        }

        int tcpFlags() {
            return tcp().flags();
        }

        private boolean isV6() {
            return ((frame[12] & 0xFF) << 8 | frame[13] & 0xFF) == EtherType.IPV6_VALUE;
        }

        private TcpFlyweight tcp() {
            ByteBuf f = Unpooled.wrappedBuffer(frame);
            int l4 = isV6() ? 54 : 34;
            int ipEnd = isV6() ? 54 + f.getUnsignedShort(18) : 14 + f.getUnsignedShort(16);
            return new TcpFlyweight().wrap(f, l4, ipEnd - l4);
        }

        /** What the kernel does with a NEEDS_CSUM frame: finish the checksum, which must then verify. */
        boolean completedChecksumVerifies() {
            VirtioNetHeader vnet = vnet();
            ByteBuf f = Unpooled.wrappedBuffer(frame.clone()); // completing writes the checksum field
            if (!PartialChecksum.complete(f, 0, frame.length, vnet.csumStart(), vnet.csumOffset())) {
                return false;
            }
            int l4 = vnet.csumStart();
            int tcpLength = frame.length - l4;
            int pseudo = isV6() ? InternetChecksum.pseudoHeaderSumIpv6(f, 14, IpProtocol.TCP_NUMBER, tcpLength)
                    : InternetChecksum.pseudoHeaderSumIpv4(f, 14, IpProtocol.TCP_NUMBER, tcpLength);
            return new TcpFlyweight().wrap(f, l4, tcpLength).checksumValid(pseudo)
                    && (isV6() || new Ipv4Flyweight().wrap(f, 14, frame.length - 14).check().isNone());
        }
    }

    final List<Written> written = new ArrayList<>();

    @Override
    public void write(ByteBuf buf, int offset, int length) {
        byte[] all = new byte[length];
        buf.getBytes(offset, all);
        written.add(new Written(Arrays.copyOf(all, VirtioNetHeader.LENGTH),
                Arrays.copyOfRange(all, VirtioNetHeader.LENGTH, length)));
    }

    Written only() {
        if (written.size() != 1) {
            throw new AssertionError("expected one frame written, got " + written.size());
        }
        return written.get(0);
    }

    List<byte[]> frames() {
        return written.stream().map(Written::frame).toList();
    }

    /** Segments per write, in order: 1 for a frame written alone. */
    List<Integer> segmentsPerWrite() {
        return written.stream().map(Written::segments).toList();
    }

    /** The TCP payloads of everything written, in order. */
    byte[] payloads() {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        written.forEach(w -> all.writeBytes(w.payload()));
        return all.toByteArray();
    }

    void clear() {
        written.clear();
    }
}
