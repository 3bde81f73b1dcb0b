package io.trellis.vxlan;

import io.trellis.vxlan.packet.VxlanPacketDecoder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.packet.VxlanPacketDecoder.Layer;
import io.trellis.vxlan.arp.ArpFlyweight;
import io.trellis.vxlan.checksum.InternetChecksum;
import io.trellis.vxlan.ethernet.EthernetFlyweight;
import io.trellis.vxlan.icmp.IcmpFlyweight;
import io.trellis.vxlan.icmp.Icmpv6Flyweight;
import io.trellis.vxlan.ipv4.Ipv4Flyweight;
import io.trellis.vxlan.ipv6.Ipv6Flyweight;
import io.trellis.vxlan.tcp.TcpFlyweight;
import io.trellis.vxlan.udp.UdpFlyweight;
import io.trellis.vxlan.vxlan.VxlanFlyweight;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing (jqwik) of every parser in the module: arbitrary bytes and mutated
 * captures go through every flyweight's {@code check()}, the getters of whatever passed, and all
 * three entry points of the layered decoder, strict and lenient. Nothing may throw, and decoding
 * must not write to the packet. Buffers have exactly the packet's capacity, so a read past the
 * packet would throw.
 */
class ParserFuzzTest {
    private static final List<byte[]> CAPTURES = new ArrayList<>();
    /** Where layers start in the captures: outer IPv4, outer UDP, VXLAN, inner Ethernet, inner L3, inner L4, ICMPv6. */
    private static final int[] OFFSETS = {0, 14, 34, 42, 50, 64, 84, 104};

    static {
        for (String name : Captures.COMPLETE) {
            CAPTURES.add(Captures.bytes(name));
        }
        for (String name : Captures.PARTIAL) {
            CAPTURES.add(Captures.bytes(name));
        }
    }

    private final VxlanPacketDecoder strict = new VxlanPacketDecoder();
    private final VxlanPacketDecoder lenient = new VxlanPacketDecoder(VxlanFlyweight.UDP_PORT, false, false);
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();
    private final VxlanFlyweight vxlan = new VxlanFlyweight();
    private long sink;

    @Property(tries = 150_000, shrinking = ShrinkingMode.BOUNDED)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF) // coverage is still checked
    void arbitraryBytesNeverThrow(@ForAll("arbitraryPackets") byte[] packet) {
        exercise(packet);
        Statistics.collect(packet.length / 250 * 250);
        Statistics.coverage(checker -> checker.check(1750).percentage(p -> p > 5.0));
    }

    @Property(tries = 150_000, shrinking = ShrinkingMode.BOUNDED)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void mutatedCapturesNeverThrow(@ForAll("mutatedCaptures") byte[] packet) {
        exercise(packet);
        // The generator must keep reaching deep layers, not just break the outer headers.
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        Statistics.label("underlay").collect(strict.decodeUnderlayFrame(buf, 0, packet.length) == Malformed.NONE);
        Statistics.label("underlay").coverage(checker -> checker.check(true).percentage(p -> p > 10.0));
        Statistics.label("datagram").collect(packet.length < 42 ? Layer.NONE
                : lenient.decodeDatagram(buf, 42, packet.length - 42) == Malformed.NONE ? Layer.NONE : lenient.failedLayer());
        Statistics.label("datagram").coverage(checker -> {
            for (Layer layer : new Layer[]{Layer.VXLAN, Layer.INNER_ETHERNET, Layer.INNER_ARP, Layer.INNER_IPV4,
                    Layer.INNER_IPV6, Layer.INNER_TCP, Layer.INNER_ICMP}) {
                checker.check(layer).percentage(p -> p > 0.5);
            }
        });
    }

    /**
     * 0 to 2000 random bytes with uniformly spread lengths. Most come from a plain random source
     * (jqwik's element-wise array generator costs ~10× more per byte); 1 in 20 from jqwik's
     * generator, which mixes in its edge cases (empty, all-zero, extreme values).
     */
    @Provide
    Arbitrary<byte[]> arbitraryPackets() {
        Arbitrary<byte[]> fast = Arbitraries.randomValue(random -> {
            byte[] bytes = new byte[random.nextInt(2001)];
            random.nextBytes(bytes);
            return bytes;
        });
        Arbitrary<byte[]> jqwik = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000)
                .withSizeDistribution(RandomDistribution.uniform());
        return Arbitraries.frequencyOf(Tuple.of(19, fast), Tuple.of(1, jqwik));
    }

    /**
     * Captures truncated, extended, bit-flipped or overwritten with boundary values; half of them
     * get their checksums repaired afterwards so the mutation gets past the checksum of the layer
     * it hit and reaches the parsing behind it.
     */
    @Provide
    Arbitrary<byte[]> mutatedCaptures() {
        return Arbitraries.randomValue(ParserFuzzTest::mutate);
    }

    static byte[] mutate(Random random) {
        byte[] p = CAPTURES.get(random.nextInt(CAPTURES.size())).clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(5)) {
                case 0 -> p = Arrays.copyOf(p, random.nextInt(p.length + 1));
                case 1 -> {
                    byte[] longer = Arrays.copyOf(p, p.length + 1 + random.nextInt(64));
                    for (int i = p.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    p = longer;
                }
                case 2 -> {
                    for (int i = 0, n = 1 + random.nextInt(8); i < n && p.length > 0; i++) {
                        int bit = random.nextInt(p.length * 8);
                        p[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    }
                }
                default -> {
                    int[] boundary = {0x00, 0xFF, 0x80, 0x7F, 0x01, 0x0F, 0xF0, 0x45, 0x4F};
                    for (int i = 0, n = 1 + random.nextInt(4); i < n && p.length > 0; i++) {
                        p[random.nextInt(p.length)] = (byte) (random.nextBoolean()
                                ? boundary[random.nextInt(boundary.length)] : random.nextInt(256));
                    }
                }
            }
        }
        if (random.nextBoolean()) {
            repairChecksums(Unpooled.wrappedBuffer(p));
        }
        return p;
    }

    /** Recomputes inner L4, inner IPv4, outer IPv4 and outer UDP checksums where the bytes allow it. */
    private static void repairChecksums(ByteBuf p) {
        final int n = p.capacity();
        if (n >= 104 && p.getUnsignedShort(62) == 0x86DD && p.getUnsignedByte(70) == 58) {
            int length = Math.min(p.getUnsignedShort(68), n - 104);
            if (length >= 4) {
                p.setShort(106, 0);
                p.setShort(106, InternetChecksum.checksum(p, 104, length, InternetChecksum.pseudoHeaderSumIpv6(p, 64, 58, length)));
            }
        }
        if (n >= 84 && p.getUnsignedShort(62) == 0x0800 && (p.getUnsignedByte(64) & 0xF0) == 0x40) {
            int headerLength = (p.getUnsignedByte(64) & 0xF) * 4;
            int l4 = 64 + headerLength;
            int length = Math.min(p.getUnsignedShort(66) - headerLength, n - l4);
            int protocol = p.getUnsignedByte(73);
            int field = protocol == 6 ? 16 : protocol == 17 ? 6 : protocol == 1 ? 2 : -1;
            if (field >= 0 && length >= field + 2) {
                p.setShort(l4 + field, 0);
                int pseudo = protocol == 1 ? 0 : InternetChecksum.pseudoHeaderSumIpv4(p, 64, protocol, length);
                p.setShort(l4 + field, InternetChecksum.checksum(p, l4, length, pseudo));
            }
            repairIpv4Header(p, 64);
        }
        repairIpv4Header(p, 14);
        if (n >= 42 && p.getUnsignedShort(38) >= 8 && 34 + p.getUnsignedShort(38) <= n) {
            int length = p.getUnsignedShort(38);
            p.setShort(40, 0);
            p.setShort(40, InternetChecksum.checksum(p, 34, length, InternetChecksum.pseudoHeaderSumIpv4(p, 14, 17, length)));
        }
    }

    private static void repairIpv4Header(ByteBuf p, int at) {
        if (p.capacity() < at + 20 || (p.getUnsignedByte(at) & 0xF0) != 0x40) {
            return;
        }
        int headerLength = Math.min((p.getUnsignedByte(at) & 0xF) * 4, p.capacity() - at);
        if (headerLength >= 12) {
            p.setShort(at + 10, 0);
            p.setShort(at + 10, InternetChecksum.checksum(p, at, headerLength));
        }
    }

    private void exercise(byte[] packet) {
        byte[] before = packet.clone();
        ByteBuf buf = Unpooled.wrappedBuffer(packet);
        for (int offset : OFFSETS) {
            if (offset <= packet.length) {
                checkEveryFlyweight(buf, offset, packet.length - offset);
            }
        }
        for (VxlanPacketDecoder decoder : new VxlanPacketDecoder[]{strict, lenient}) {
            assertConsistent(decoder, decoder.decodeUnderlayFrame(buf, 0, packet.length));
            for (int offset : new int[]{0, 42, 50}) {
                if (offset <= packet.length) {
                    assertConsistent(decoder, decoder.decodeDatagram(buf, offset, packet.length - offset));
                    assertConsistent(decoder, decoder.decodeInnerFrame(buf, offset, packet.length - offset));
                }
            }
        }
        assertThat(packet).as("decoding never writes").isEqualTo(before);
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(packet.length);
    }

    /** Every flyweight at {@code offset}; where check() passes, the getters must work too. */
    private void checkEveryFlyweight(ByteBuf buf, int offset, int length) {
        if (ethernet.wrap(buf, offset, length).check().isNone()) {
            sink += ethernet.destination() + ethernet.source() + ethernet.etherType() + ethernet.vlanId() + ethernet.payloadLength();
        }
        if (arp.wrap(buf, offset, length).check().isNone()) {
            sink += arp.operation() + arp.senderHardwareAddress() + arp.targetProtocolAddress();
        }
        if (ipv4.wrap(buf, offset, length).check().isNone()) {
            sink += ipv4.totalLength() + ipv4.source() + ipv4.destination() + ipv4.payloadLength() + ipv4.fragmentOffset();
        }
        if (ipv6.wrap(buf, offset, length).check().isNone()) {
            sink += ipv6.sourceLow() + ipv6.destinationHigh() + ipv6.flowLabel() + ipv6.payloadLength();
        }
        if (udp.wrap(buf, offset, length).check().isNone()) {
            sink += udp.sourcePort() + udp.payloadLength() + (udp.checksumValid(0) ? 1 : 0);
        }
        if (tcp.wrap(buf, offset, length).check().isNone()) {
            sink += tcp.mss() + tcp.findOption(TcpFlyweight.OPTION_TIMESTAMPS) + tcp.findOption(TcpFlyweight.OPTION_SACK)
                    + tcp.payloadLength() + tcp.sequenceNumber() + (tcp.checksumValid(0) ? 1 : 0);
        }
        if (icmp.wrap(buf, offset, length).check().isNone()) {
            sink += icmp.type() + icmp.nextHopMtu() + icmp.bodyLength();
        }
        if (icmpv6.wrap(buf, offset, length).check().isNone()) {
            sink += icmpv6.mtu() + icmpv6.bodyLength() + (icmpv6.checksumValid(0) ? 1 : 0);
        }
        if (vxlan.wrap(buf, offset, length).check().isNone()) {
            sink += vxlan.vni() + vxlan.payloadLength();
        }
    }

    private void assertConsistent(VxlanPacketDecoder decoder, Malformed result) {
        assertThat(result).isNotNull();
        assertThat(decoder.failedLayer() == Layer.NONE).isEqualTo(result == Malformed.NONE);
        if (result == Malformed.NONE && decoder.has(Layer.INNER_TCP)) {
            sink += decoder.tcp().mss() + decoder.tcp().payloadLength();
        }
    }
}
