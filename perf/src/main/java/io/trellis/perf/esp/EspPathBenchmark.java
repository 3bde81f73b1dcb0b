package io.trellis.perf.esp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipsec.esp.AesGcmProvider;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.EspInbound;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.SecurityAssociation;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Trellis's ESP as the data plane runs it, with each AES-GCM provider ({@code -Dtrellis.esp.cipher},
 * set before {@link AesGcmProvider} loads; JMH forks a JVM per parameter): {@link #encrypt} seals a
 * 1400-octet payload in a heap buffer, as {@code EspSealer} stages it; {@link #roundTrip} also copies
 * the packet into a direct buffer, as the socket receives it, and decrypts it there
 * ({@code EspReceiver}'s path: a scratch array, plaintext copied back).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EspPathBenchmark {
    static final int PAYLOAD = 1400;

    @Param({"auto", "jdk"})
    public String cipher;

    private ByteBuf heap;
    private ByteBuf direct;
    private SecurityAssociation out;
    private EspOutbound outbound;
    private EspInbound inbound;

    @Setup
    public void setUp() {
        System.setProperty(AesGcmProvider.PROPERTY, cipher);
        if (cipher.equals("auto") && !AesGcmProvider.accp()) {
            throw new IllegalStateException("expected ACCP here: " + AesGcmProvider.status());
        }
        byte[] keymat = new byte[36];
        Arrays.fill(keymat, (byte) 3);
        out = SecurityAssociation.outbound(0x1234, keymat, "b", 0, 0);
        SecurityAssociation in = SecurityAssociation.inbound(0x1234, keymat, "a", 0);
        EspCounters counters = new EspCounters();
        outbound = new EspOutbound(counters);
        inbound = new EspInbound(spi -> spi == in.spi() ? in : null, counters);
        heap = Unpooled.wrappedBuffer(new byte[EspFlyweight.packetLength(PAYLOAD) + 8]);
        direct = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(EspFlyweight.packetLength(PAYLOAD) + 8));
        if (roundTrip() != PAYLOAD) {
            throw new IllegalStateException("the round trip does not deliver the payload");
        }
    }

    @Benchmark
    public int encrypt() {
        return outbound.encrypt(out, heap, EspFlyweight.PAYLOAD_OFFSET, PAYLOAD, 17);
    }

    @Benchmark
    public int roundTrip() {
        int n = outbound.encrypt(out, heap, EspFlyweight.PAYLOAD_OFFSET, PAYLOAD, 17);
        direct.setBytes(0, heap, 0, n);
        return inbound.decrypt(direct, 0, n) == InboundResult.OK ? inbound.payloadLength() : -1;
    }
}
