package io.trellis.dataplane.offload;

import io.netty.buffer.ByteBuf;

/**
 * The same datagrams as a {@link DatagramRun}, but not laid out in one buffer: datagram {@code i}
 * is its headers ({@link #headerLength()} bytes: VXLAN, Ethernet, IP, TCP, written by
 * {@link TcpSegmenter#gather}) at {@link #headerOffset(int)} in {@link #headerBuffer()}, followed
 * by its TCP payload, {@link #payloadLength(int)} bytes left where they are in the TSO frame read
 * from the TAP, at {@link #payloadOffset(int)} in {@link #payloadBuffer()}. A VTEP sends it with one
 * {@code sendmsg(UDP_SEGMENT = stride)} per send whose iovecs alternate header, payload, header,
 * payload…: the kernel concatenates the iovecs before it cuts the stream at the stride, so each
 * datagram is one header and one payload slice and the payload is copied once, by the kernel, not
 * first into a run buffer in Java.
 *
 * <p>{@link #contiguous()} copies the datagrams into the scratch buffer given at construction and
 * returns them as an ordinary {@link DatagramRun}: the fallback for a sink that cannot gather
 * (see {@code VtepSink.sendGather}).
 *
 * <p>A mutable result, reused by the caller for every frame; filled only when the segmenter
 * returns {@link SegmentRejection#NONE}. It points into the caller's buffers, so it is valid only
 * until the frame buffer or the header buffer is reused.
 */
public final class GatherRun {
    private final ByteBuf scratch;
    private final DatagramRun contiguous = new DatagramRun();
    private ByteBuf headers;
    private int headerOffset;
    private int headerLength;
    private ByteBuf payloads;
    private int payloadOffset;
    private int segmentSize;
    private int count;
    private int lastPayload;

    /**
     * @param scratch where {@link #contiguous()} copies the datagrams: a direct buffer of 2 × 64 KB
     *     holds the run of any frame the segmenter gathers; owned by the caller, never released here
     */
    public GatherRun(ByteBuf scratch) {
        this.scratch = scratch;
    }

    void set(ByteBuf headers, int headerOffset, int headerLength, ByteBuf payloads, int payloadOffset,
             int segmentSize, int count, int lastPayload) {
        this.headers = headers;
        this.headerOffset = headerOffset;
        this.headerLength = headerLength;
        this.payloads = payloads;
        this.payloadOffset = payloadOffset;
        this.segmentSize = segmentSize;
        this.count = count;
        this.lastPayload = lastPayload;
    }

    int scratchCapacity() {
        return scratch.capacity();
    }

    /** Number of datagrams (TCP segments), at least 2: a frame that is one segment is not gathered. */
    public int count() {
        return count;
    }

    /** Bytes from one datagram to the next in the sent stream: headers + gso_size; the UDP_SEGMENT value. */
    public int stride() {
        return headerLength + segmentSize;
    }

    /** Where every datagram's headers are, back to back. */
    public ByteBuf headerBuffer() {
        return headers;
    }

    /** Index of datagram {@code i}'s VXLAN header in {@link #headerBuffer()}. */
    public int headerOffset(int i) {
        return headerOffset + i * headerLength;
    }

    /** Bytes of headers per datagram: 8 (VXLAN) + Ethernet + IP + TCP, the same for every datagram. */
    public int headerLength() {
        return headerLength;
    }

    /** The TSO frame the payloads are in (read only). */
    public ByteBuf payloadBuffer() {
        return payloads;
    }

    /** Index of datagram {@code i}'s TCP payload in {@link #payloadBuffer()}. */
    public int payloadOffset(int i) {
        return payloadOffset + i * segmentSize;
    }

    /** TCP payload bytes of datagram {@code i}: gso_size, the last one 1 to gso_size. */
    public int payloadLength(int i) {
        return i == count - 1 ? lastPayload : segmentSize;
    }

    public int datagramLength(int i) {
        return headerLength + payloadLength(i);
    }

    /** Bytes of all datagrams together. */
    public int length() {
        return (count - 1) * stride() + headerLength + lastPayload;
    }

    /** How many datagrams one UDP GSO send may carry at this stride (see {@link DatagramRun}). */
    public int datagramsPerSend() {
        return DatagramRun.datagramsPerSend(stride());
    }

    /** Number of sends the run needs. */
    public int sendCount() {
        int perSend = datagramsPerSend();
        return (count + perSend - 1) / perSend;
    }

    /** Index of send {@code s}'s first datagram. */
    public int firstDatagram(int s) {
        return s * datagramsPerSend();
    }

    /** Number of datagrams in send {@code s}. */
    public int datagramsInSend(int s) {
        return Math.min(datagramsPerSend(), count - firstDatagram(s));
    }

    /** Bytes of send {@code s}. */
    public int sendLength(int s) {
        int first = firstDatagram(s);
        int n = datagramsInSend(s);
        return (n - 1) * stride() + datagramLength(first + n - 1);
    }

    /**
     * Copies datagrams {@code first} to {@code first + n − 1} back to back into {@code out} from
     * {@code outOffset}, as the kernel will see them gathered; returns the bytes written.
     */
    public int copyTo(int first, int n, ByteBuf out, int outOffset) {
        int o = outOffset;
        for (int i = first; i < first + n; i++) {
            out.setBytes(o, headers, headerOffset(i), headerLength);
            o += headerLength;
            int p = payloadLength(i);
            out.setBytes(o, payloads, payloadOffset(i), p);
            o += p;
        }
        return o - outOffset;
    }

    /**
     * The run copied into the scratch buffer as one {@link DatagramRun}, byte for byte what a
     * gathering send puts on the wire; valid until the next call.
     */
    public DatagramRun contiguous() {
        copyTo(0, count, scratch, 0);
        contiguous.set(scratch, 0, count, stride(), headerLength + lastPayload);
        return contiguous;
    }
}
