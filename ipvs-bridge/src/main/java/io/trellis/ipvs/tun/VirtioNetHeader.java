package io.trellis.ipvs.tun;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/**
 * Flyweight over {@code struct virtio_net_hdr_v1} (include/uapi/linux/virtio_net.h), the 12 bytes
 * a TAP opened with a vnet header puts before every frame read and expects before every frame
 * written. It says whether the frame's L4 checksum is still to be computed (NEEDS_CSUM with
 * csum_start/csum_offset) or already checked (DATA_VALID), and whether the frame is a GSO
 * super-frame to cut into gso_size pieces after hdr_len bytes of headers. Segmenting and
 * checksumming are the data plane's job; this only names the fields.
 *
 * <p>Fields are little-endian: virtio 1.0 says so, and tun uses the CPU's order for the legacy
 * header unless told otherwise (TUNSETVNETLE), which on x86-64 and arm64 is the same. Offsets
 * count from the start of the Ethernet frame, that is, the first byte after this header.
 *
 * <p>Wrap a buffer (direct or heap; its position, limit and byte order are ignored) or a native
 * address, then read or write fields; {@code wrap} allocates nothing, so one instance can be
 * reused per frame. Not thread-safe.
 */
public final class VirtioNetHeader {

    /** sizeof(struct virtio_net_hdr_v1), also virtio_net_hdr_mrg_rxbuf: what TAPs here use. */
    public static final int LENGTH = 12;
    /** sizeof(struct virtio_net_hdr), the layout without num_buffers and tun's default. */
    public static final int LEGACY_LENGTH = 10;

    public static final int FLAGS_OFFSET = 0;
    public static final int GSO_TYPE_OFFSET = 1;
    public static final int HDR_LEN_OFFSET = 2;
    public static final int GSO_SIZE_OFFSET = 4;
    public static final int CSUM_START_OFFSET = 6;
    public static final int CSUM_OFFSET_OFFSET = 8;
    public static final int NUM_BUFFERS_OFFSET = 10;

    /** VIRTIO_NET_HDR_F_NEEDS_CSUM: store the checksum of [csum_start, end) at csum_start + csum_offset. */
    public static final int F_NEEDS_CSUM = 1;
    /** VIRTIO_NET_HDR_F_DATA_VALID: the checksum was already verified. */
    public static final int F_DATA_VALID = 2;

    /** VIRTIO_NET_HDR_GSO_NONE: an ordinary frame. */
    public static final int GSO_NONE = 0;
    /** VIRTIO_NET_HDR_GSO_TCPV4: TCP over IPv4 to segment (TSO). */
    public static final int GSO_TCPV4 = 1;
    /** VIRTIO_NET_HDR_GSO_TCPV6: TCP over IPv6 to segment. */
    public static final int GSO_TCPV6 = 4;
    /** VIRTIO_NET_HDR_GSO_UDP_L4: UDP over IPv4 or IPv6 to segment (USO). */
    public static final int GSO_UDP_L4 = 5;
    /** VIRTIO_NET_HDR_GSO_ECN: ORed into gso_type; the TCP segments carry CWR. */
    public static final int GSO_ECN = 0x80;

    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private ByteBuffer buffer;
    private int offset;
    private long address;

    /** Views the header at {@code offset} of {@code buffer}. */
    public VirtioNetHeader wrap(ByteBuffer buffer, int offset) {
        if (offset < 0 || offset > buffer.capacity() - LENGTH) {
            throw new IndexOutOfBoundsException("virtio-net header at " + offset
                    + " does not fit a buffer of capacity " + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Views the header at a native address, for example a Netty {@code ByteBuf.memoryAddress()}. */
    public VirtioNetHeader wrap(long address) {
        this.buffer = null;
        this.address = address;
        return this;
    }

    /** Zeroes all 12 bytes: no flags, no GSO — the header for a plain, fully checksummed frame. */
    public VirtioNetHeader clear() {
        for (int i = 0; i < LENGTH; i++) {
            put(i, (byte) 0);
        }
        return this;
    }

    public int flags() {
        return get(FLAGS_OFFSET) & 0xff;
    }

    public VirtioNetHeader flags(int flags) {
        put(FLAGS_OFFSET, (byte) flags);
        return this;
    }

    public boolean needsChecksum() {
        return (flags() & F_NEEDS_CSUM) != 0;
    }

    public boolean dataValid() {
        return (flags() & F_DATA_VALID) != 0;
    }

    /** The raw gso_type byte: a {@code GSO_*} value, possibly with {@link #GSO_ECN}. */
    public int gsoType() {
        return get(GSO_TYPE_OFFSET) & 0xff;
    }

    public VirtioNetHeader gsoType(int gsoType) {
        put(GSO_TYPE_OFFSET, (byte) gsoType);
        return this;
    }

    /** gso_type without the ECN bit. */
    public int gsoProtocol() {
        return gsoType() & ~GSO_ECN;
    }

    public boolean gsoEcn() {
        return (gsoType() & GSO_ECN) != 0;
    }

    /** Bytes of Ethernet, IP and TCP/UDP headers, repeated before each segment (a hint on write). */
    public int hdrLen() {
        return getU16(HDR_LEN_OFFSET);
    }

    public VirtioNetHeader hdrLen(int hdrLen) {
        putU16(HDR_LEN_OFFSET, hdrLen);
        return this;
    }

    /** Payload bytes per segment (the MSS for TCP). */
    public int gsoSize() {
        return getU16(GSO_SIZE_OFFSET);
    }

    public VirtioNetHeader gsoSize(int gsoSize) {
        putU16(GSO_SIZE_OFFSET, gsoSize);
        return this;
    }

    /** Where checksumming starts: the L4 header's offset in the frame. */
    public int csumStart() {
        return getU16(CSUM_START_OFFSET);
    }

    public VirtioNetHeader csumStart(int csumStart) {
        putU16(CSUM_START_OFFSET, csumStart);
        return this;
    }

    /** Where the checksum goes, counted from csum_start: 16 for TCP, 6 for UDP. */
    public int csumOffset() {
        return getU16(CSUM_OFFSET_OFFSET);
    }

    public VirtioNetHeader csumOffset(int csumOffset) {
        putU16(CSUM_OFFSET_OFFSET, csumOffset);
        return this;
    }

    /** Merged receive buffers: tun writes 0 on read and ignores it on write. */
    public int numBuffers() {
        return getU16(NUM_BUFFERS_OFFSET);
    }

    public VirtioNetHeader numBuffers(int numBuffers) {
        putU16(NUM_BUFFERS_OFFSET, numBuffers);
        return this;
    }

    @Override
    public String toString() {
        return "VirtioNetHeader[flags " + flags() + ", gso_type " + gsoType() + ", hdr_len " + hdrLen()
                + ", gso_size " + gsoSize() + ", csum_start " + csumStart() + ", csum_offset "
                + csumOffset() + ", num_buffers " + numBuffers() + "]";
    }

    private int getU16(int field) {
        return (get(field) & 0xff) | (get(field + 1) & 0xff) << 8;
    }

    private void putU16(int field, int value) {
        put(field, (byte) value);
        put(field + 1, (byte) (value >>> 8));
    }

    private byte get(int field) {
        return buffer != null ? buffer.get(offset + field) : MEMORY.getByte(address + field);
    }

    private void put(int field, byte value) {
        if (buffer != null) {
            buffer.put(offset + field, value);
        } else {
            MEMORY.putByte(address + field, value);
        }
    }
}
