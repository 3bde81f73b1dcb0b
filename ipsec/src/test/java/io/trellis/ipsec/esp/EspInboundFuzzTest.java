package io.trellis.ipsec.esp;

import io.netty.buffer.ByteBuf;
import io.trellis.ipsec.esp.EspTestSupport.Kind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static io.trellis.ipsec.esp.EspTestSupport.KEYMAT_128;
import static io.trellis.ipsec.esp.EspTestSupport.SPI;
import static io.trellis.ipsec.esp.EspTestSupport.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing (jqwik) of {@link EspInbound}: arbitrary bytes, bytes behind a valid SPI
 * (so they reach the replay window and the cipher), and mutated, truncated or extended genuine
 * packets, on heap and direct buffers of exactly the packet's size (a read past it would throw).
 * Nothing throws, and only an unchanged genuine packet is ever OK.
 */
class EspInboundFuzzTest {
    private static final byte[][] GENUINE = new byte[64][];

    static {
        EspOutbound outbound = new EspOutbound(new EspCounters());
        SecurityAssociation sender = SecurityAssociation.outboundAfter(0xFFFF_FF00L, SPI, KEYMAT_128);
        for (int i = 0; i < GENUINE.length; i++) {
            ByteBuf packet = EspTestSupport.seal(outbound, sender, Kind.HEAP, EspTestSupport.payload(i * 7, i), 17);
            GENUINE[i] = bytes(packet, 0, packet.capacity());
        }
    }

    private final EspCounters counters = new EspCounters();
    private final SecurityAssociation receiver = SecurityAssociation.inbound(SPI, KEYMAT_128, "a", 1);
    private final EspInbound inbound = new EspInbound(EspTestSupport.sad(receiver), counters);

    @Property(tries = 60_000, shrinking = ShrinkingMode.BOUNDED)
    void arbitraryBytesNeverThrowAndNeverPass(@ForAll("packets") byte[] packet, @ForAll boolean direct) {
        ByteBuf buf = EspTestSupport.copy(direct ? Kind.DIRECT : Kind.HEAP, packet);
        InboundResult result = inbound.decrypt(buf, 0, packet.length);
        boolean genuine = Arrays.stream(GENUINE).anyMatch(g -> Arrays.equals(g, packet));
        if (!genuine) {
            assertThat(result).isNotEqualTo(InboundResult.OK);
        }
        assertThat(counters.packetsDecrypted() + counters.drops()).isPositive();
    }

    @Provide
    Arbitrary<byte[]> packets() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> behindValidSpi = random.filter(b -> b.length >= 4).map(b -> {
            ByteBuffer.wrap(b).putInt(0, SPI);
            return b;
        });
        Arbitrary<byte[]> mutated = Arbitraries.integers().between(0, GENUINE.length - 1)
                .flatMap(i -> Arbitraries.longs().map(seed -> mutate(GENUINE[i], new Random(seed))));
        return Arbitraries.frequencyOf(
                Tuple.of(2, random),
                Tuple.of(3, behindValidSpi),
                Tuple.of(5, mutated));
    }

    /** Flips bits, overwrites bytes, truncates or extends, or replays unchanged. */
    private static byte[] mutate(byte[] genuine, Random random) {
        byte[] packet = genuine.clone();
        switch (random.nextInt(5)) {
            case 0:
                return Arrays.copyOf(packet, random.nextInt(packet.length));
            case 1:
                return Arrays.copyOf(packet, packet.length + 1 + random.nextInt(20));
            case 2:
                return packet; // a replay, or the first delivery
            default:
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    packet[random.nextInt(packet.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return packet;
        }
    }
}
