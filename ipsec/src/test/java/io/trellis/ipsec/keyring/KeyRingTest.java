package io.trellis.ipsec.keyring;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipsec.esp.CipherSuite;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.EspInbound;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.testing.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KeyRingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String A = "10.0.0.1";
    private static final String B = "10.0.0.2";

    private final MasterKey k1 = MasterKey.generate(CipherSuite.AES_128_GCM, RANDOM);
    private final MasterKey k2 = MasterKey.generate(CipherSuite.AES_256_GCM, RANDOM);

    /** One end of a tunnel: its key ring and its per-thread ESP codecs. */
    private static final class Node {
        final String name;
        final String peer;
        final KeyRing ring;
        final EspCounters counters = new EspCounters();
        final EspOutbound outbound = new EspOutbound(counters);
        final EspInbound inbound;

        Node(String name, String peer, KeyRing ring) {
            this.name = name;
            this.peer = peer;
            this.ring = ring;
            this.inbound = new EspInbound(ring, counters);
            ring.addPeer(peer);
        }

        Node(String name, String peer) {
            this(name, peer, new KeyRing(name, TimeUnit.HOURS.toNanos(12), System::nanoTime));
        }

        /** An ESP packet to the peer carrying {@code payload}. */
        byte[] send(byte[] payload) {
            ByteBuf buf = Unpooled.wrappedBuffer(new byte[EspFlyweight.packetLength(payload.length) + 4]);
            buf.setBytes(EspFlyweight.PAYLOAD_OFFSET, payload);
            int length = outbound.encrypt(ring.outbound(peer), buf, EspFlyweight.PAYLOAD_OFFSET, payload.length, 17);
            byte[] packet = new byte[length];
            buf.getBytes(0, packet);
            return packet;
        }

        /** The payload of {@code packet}, or null if it was dropped. */
        byte[] receive(byte[] packet) {
            ByteBuf buf = Unpooled.wrappedBuffer(packet.clone());
            if (inbound.decrypt(buf, 0, packet.length) != InboundResult.OK) {
                return null;
            }
            byte[] payload = new byte[inbound.payloadLength()];
            buf.getBytes(inbound.payloadOffset(), payload);
            return payload;
        }
    }

    private static byte[] payload(long n) {
        byte[] payload = new byte[200];
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (n >>> (8 * i));
        }
        return payload;
    }

    @Test
    void tunnelEndsWithTheSameKeyTalk() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k1));
        assertThat(b.receive(a.send(payload(1)))).isEqualTo(payload(1));
        assertThat(a.receive(b.send(payload(2)))).isEqualTo(payload(2));
        assertThat(a.ring.outbound(B).spi()).isEqualTo(k1.spi(A, B));
        assertThat(b.ring.inbound(k1.spi(A, B))).isNotNull();
    }

    @Test
    void endsWithDifferentKeysGetNothingThroughAndCountIt() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k2));
        for (int i = 0; i < 10; i++) {
            assertThat(b.receive(a.send(payload(i)))).isNull();
        }
        // Different keys derive different SPIs: the receiver has no SA for them.
        assertThat(b.counters.drops(InboundResult.BAD_SPI)).isEqualTo(10);
    }

    /**
     * 2 × 120,000 packets through a reordering network (up to 64 in flight per direction) while both
     * ends rotate from K1 to K2 in the three steps, at different moments: not one packet is rejected.
     */
    @Test
    void rotatingWhileTrafficFlowsLosesNoPacket() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k1));
        Random random = new Random(4106);
        List<byte[]> aToB = new ArrayList<>();
        List<byte[]> bToA = new ArrayList<>();
        long delivered = 0;
        int total = 120_000;
        for (int i = 0; i < total; i++) {
            switch (i) {
                case 30_000: b.ring.update(List.of(k1, k2)); break; // step 1: install, B first
                case 35_000: a.ring.update(List.of(k1, k2)); break;
                case 50_000: a.ring.update(List.of(k2, k1)); break; // step 2: A sends with K2
                case 60_000: b.ring.update(List.of(k2, k1)); break;
                case 80_000: a.ring.update(List.of(k2)); break;     // step 3: retire K1
                case 85_000: b.ring.update(List.of(k2)); break;
                default: break;
            }
            aToB.add(a.send(payload(i)));
            bToA.add(b.send(payload(i)));
            delivered += deliverOne(aToB, b, random, 32) + deliverOne(bToA, a, random, 32);
        }
        while (!aToB.isEmpty() || !bToA.isEmpty()) {
            delivered += deliverOne(aToB, b, random, 0) + deliverOne(bToA, a, random, 0);
        }
        assertThat(a.counters.drops() + b.counters.drops()).as("packets rejected").isZero();
        assertThat(delivered).isEqualTo(2L * total);
        assertThat(a.ring.outbound(B).keyId()).isEqualTo(k2.id());
        assertThat(b.ring.outbound(A).keyId()).isEqualTo(k2.id());
        assertThat(a.ring.inbound(k1.spi(B, A))).as("K1 retired").isNull();
    }

    /** Delivers a random in-flight packet if more than {@code keep} are in flight; returns 1 if it did. */
    private static int deliverOne(List<byte[]> inFlight, Node to, Random random, int keep) {
        if (inFlight.size() <= keep) {
            return 0;
        }
        byte[] packet = inFlight.remove(random.nextInt(inFlight.size()));
        assertThat(to.receive(packet)).as("packet to %s", to.name).isNotNull();
        return 1;
    }

    @Test
    void retiredKeyIsNoLongerAccepted() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k2, k1));
        byte[] late = a.send(payload(1));
        b.ring.retire(k1.id());
        assertThat(b.receive(late)).isNull();
        assertThat(b.counters.drops(InboundResult.BAD_SPI)).isEqualTo(1);
    }

    @Test
    void replayWindowsSurviveKeyAndPeerChanges() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k1));
        byte[] packet = a.send(payload(1));
        assertThat(b.receive(packet)).isNotNull();
        b.ring.install(k2);
        b.ring.addPeer("10.0.0.3");
        b.ring.update(List.of(k1, k2));
        assertThat(b.receive(packet)).isNull();
        assertThat(b.counters.drops(InboundResult.REPLAYED)).isEqualTo(1);
    }

    @Test
    void restartedSenderIsAcceptedAndNeverRepeatsASequenceNumber() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k1));
        for (int i = 0; i < 100; i++) {
            assertThat(b.receive(a.send(payload(i)))).isNotNull();
        }
        long before = a.ring.outbound(B).lastSequenceNumber();
        Node restarted = new Node(A, B);
        restarted.ring.update(List.of(k1));
        assertThat(Long.compareUnsigned(restarted.ring.outbound(B).lastSequenceNumber(), before)).isPositive();
        assertThat(b.receive(restarted.send(payload(7)))).isEqualTo(payload(7));
    }

    @Test
    void stepsAreCheckedAndExplained() {
        KeyRing ring = new KeyRing(A, 1, System::nanoTime);
        ring.install(k1);
        assertThatIllegalStateException().isThrownBy(() -> ring.activate(k2.id()))
                .withMessage(String.format("key %08x is not installed: install it on every node before activating it", k2.id()));
        ring.activate(k1.id());
        assertThatIllegalStateException().isThrownBy(() -> ring.retire(k1.id()))
                .withMessage(String.format("key %08x is the send key: activate another key before retiring it", k1.id()));
        assertThatIllegalArgumentException().isThrownBy(() -> ring.update(List.of()))
                .withMessage("the key list is empty: it needs at least the key to send with");
        assertThatIllegalArgumentException().isThrownBy(() -> ring.addPeer(A));
        ring.install(k2);
        ring.activate(k2.id());
        ring.retire(k1.id());
        assertThat(ring.keys()).containsExactly(k2);
        assertThat(ring.primary()).isEqualTo(k2);
    }

    @Test
    void rotationIsDueAfterTheInterval() {
        AtomicLong now = new AtomicLong(1_000);
        KeyRing ring = new KeyRing(A, TimeUnit.HOURS.toNanos(12), now::get);
        ring.addPeer(B);
        assertThat(ring.rotationDue()).as("no key yet").isFalse();
        ring.update(List.of(k1));
        now.addAndGet(TimeUnit.HOURS.toNanos(12) - 1);
        assertThat(ring.rotationDue()).isFalse();
        ring.update(List.of(k1, k2)); // installing does not restart the clock
        now.addAndGet(1);
        assertThat(ring.rotationDue()).isTrue();
        ring.update(List.of(k2, k1)); // activating does
        assertThat(ring.rotationDue()).isFalse();
    }

    @Test
    void aReceiverRefusesTwoSasWithOneSpi() {
        SecurityAssociation one = SecurityAssociation.inbound(0x1234, new byte[20], "x", 1);
        SecurityAssociation two = SecurityAssociation.inbound(0x1234, new byte[20], "y", 2);
        assertThatIllegalStateException().isThrownBy(() -> SadSnapshot.of(List.of(one, two), Map.of()))
                .withMessageContaining("have the same SPI");
    }

    @Test
    void lookupsAllocateNothing() {
        KeyRing ring = new KeyRing(A, TimeUnit.HOURS.toNanos(12), System::nanoTime);
        for (int i = 0; i < 50; i++) {
            ring.addPeer("10.0.1." + i);
        }
        ring.update(List.of(k1, k2));
        int[] spis = new int[50];
        String[] peers = new String[50];
        for (int i = 0; i < 50; i++) {
            peers[i] = "10.0.1." + i;
            spis[i] = k2.spi(peers[i], A);
        }
        AllocationMeter meter = new AllocationMeter();
        long found = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long before = meter.allocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                found += ring.inbound(spis[i % 50]) != null ? 1 : 0;
                found += ring.outbound(peers[i % 50]) != null ? 1 : 0;
            }
            if (round == 1) {
                assertThat(meter.allocatedBytes() - before).isLessThan(1024);
            }
        }
        assertThat(found).isEqualTo(800_000);
    }
}
