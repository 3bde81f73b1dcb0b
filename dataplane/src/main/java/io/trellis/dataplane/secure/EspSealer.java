package io.trellis.dataplane.secure;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.dataplane.offload.DatagramRun;
import io.trellis.dataplane.offload.GatherRun;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.vxlan.IpProtocol;
import java.nio.ByteBuffer;

/**
 * One sending thread's ESP encapsulation: turns VXLAN payloads (VXLAN header + frame, as the switch
 * hands them over) into ESP-in-UDP payloads (docs/encryption.md §1): ESP header and IV, the inner UDP
 * header, the VXLAN datagram, padding, trailer, ICV. The kernel adds the outer IP and UDP headers.
 *
 * <p>Each datagram is gathered into a heap staging array and sealed there in place: JCA's AES-GCM
 * (ACCP or SunJCE) works on arrays, and given direct memory would copy it into fresh arrays itself.
 * The ESP packet is then copied once into the direct output buffer the socket sends from. A TSO run
 * keeps one stride: every full datagram grows by the same overhead, and the shorter last one stays
 * shorter, as UDP GSO requires.
 *
 * <p>Owned by one thread; nothing is allocated per packet (the buffers grow only for a larger run
 * than any before). Buffer ownership: both buffers are this object's, unpooled, never released.
 */
final class EspSealer {
    /** Holds a 64 KB TSO run at the smallest MSS the segmenter accepts, plus ESP overhead per datagram. */
    private static final int OUTPUT_INITIAL = 256 * 1024;
    private static final int STAGE_LENGTH = 65_536 + EspFlyweight.PAYLOAD_OFFSET + InnerUdp.LENGTH + EspFlyweight.TAILROOM;

    private final EspOutbound outbound;
    private final ByteBuf stage = Unpooled.wrappedBuffer(new byte[STAGE_LENGTH]);
    private ByteBuf output = direct(OUTPUT_INITIAL);
    private int stride;

    EspSealer(EspCounters counters) {
        this.outbound = new EspOutbound(counters);
    }

    /** The direct buffer the last {@link #seal} or {@link #sealRun} wrote into, from index 0. */
    ByteBuf output() {
        return output;
    }

    /** Bytes from one ESP datagram to the next in {@link #output()} after {@link #sealRun}: the UDP_SEGMENT size. */
    int stride() {
        return stride;
    }

    /**
     * Seals one VXLAN datagram into {@link #output()} at index 0.
     *
     * @return its length, or {@link EspOutbound#SEQUENCE_EXHAUSTED} (counted by the ESP counters)
     */
    int seal(SecurityAssociation sa, ByteBuf buf, int offset, int length) {
        return sealAt(sa, buf, offset, length, InnerUdp.sourcePort(buf, offset, length), 0);
    }

    /**
     * Seals every datagram of {@code run} into {@link #output()}, {@link #stride()} bytes apart.
     *
     * @return the total length (the last datagram may be shorter than the stride), or
     *         {@link EspOutbound#SEQUENCE_EXHAUSTED}: then nothing is to be sent
     */
    int sealRun(SecurityAssociation sa, DatagramRun run) {
        stride = EspFlyweight.packetLength(InnerUdp.LENGTH + run.stride());
        ensureOutput((long) run.count() * stride);
        int port = InnerUdp.sourcePort(run.buffer(), run.offset(), run.datagramLength(0));
        int end = 0;
        for (int i = 0; i < run.count(); i++) {
            int n = sealAt(sa, run.buffer(), run.datagramOffset(i), run.datagramLength(i), port, i * stride);
            if (n < 0) {
                return n;
            }
            end = i * stride + n;
        }
        return end;
    }

    /**
     * Like {@link #sealRun}, from a gathered run: each datagram's headers and payload are staged
     * straight from where the segmenter left them, without first copying the run into one buffer.
     */
    int sealGather(SecurityAssociation sa, GatherRun run) {
        stride = EspFlyweight.packetLength(InnerUdp.LENGTH + run.stride());
        ensureOutput((long) run.count() * stride);
        int port = InnerUdp.sourcePort(run.headerBuffer(), run.headerOffset(0), run.datagramLength(0));
        int headers = run.headerLength();
        int end = 0;
        for (int i = 0; i < run.count(); i++) {
            int length = run.datagramLength(i);
            int payload = EspFlyweight.PAYLOAD_OFFSET;
            InnerUdp.write(stage, payload, port, length);
            stage.setBytes(payload + InnerUdp.LENGTH, run.headerBuffer(), run.headerOffset(i), headers);
            stage.setBytes(payload + InnerUdp.LENGTH + headers, run.payloadBuffer(), run.payloadOffset(i),
                    run.payloadLength(i));
            int n = outbound.encrypt(sa, stage, payload, InnerUdp.LENGTH + length, IpProtocol.UDP_NUMBER);
            if (n < 0) {
                return n;
            }
            output.setBytes(i * stride, stage, 0, n);
            end = i * stride + n;
        }
        return end;
    }

    private int sealAt(SecurityAssociation sa, ByteBuf buf, int offset, int length, int sourcePort, int at) {
        int payload = EspFlyweight.PAYLOAD_OFFSET;
        InnerUdp.write(stage, payload, sourcePort, length);
        stage.setBytes(payload + InnerUdp.LENGTH, buf, offset, length);
        int n = outbound.encrypt(sa, stage, payload, InnerUdp.LENGTH + length, IpProtocol.UDP_NUMBER);
        if (n > 0) {
            ensureOutput(at + n);
            output.setBytes(at, stage, 0, n);
        }
        return n;
    }

    private void ensureOutput(long length) {
        if (length > output.capacity()) {
            output = direct((int) Math.min(Integer.MAX_VALUE - 8, Math.max(length, 2L * output.capacity())));
        }
    }

    /** Wrapped, not pooled: written on every packet, so it must not be leak-tracked (as the segmenter's run buffer). */
    private static ByteBuf direct(int capacity) {
        return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity));
    }
}
