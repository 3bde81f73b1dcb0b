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
        // B learned A's SA from its first packet: the SPI A drew at random.
        assertThat(b.ring.inbound(a.ring.outbound(B).spi())).isNotNull();
        assertThat(a.ring.inbound(b.ring.outbound(A).spi())).isNotNull();
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
        // No installed key makes the unknown SPI's packets authentic: the receiver has no SA for them.
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
        int k1FromB = b.ring.outbound(A).spi();
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
        assertThat(a.ring.inbound(k1FromB)).as("K1 retired").isNull();
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

    /** A retired key would come back with empty replay windows: a reload listing it again is refused and changes nothing. */
    @Test
    void aRetiredKeyNeverComesBack() {
        KeyRing ring = new KeyRing(A, TimeUnit.HOURS.toNanos(12), System::nanoTime);
        ring.addPeer(B);
        ring.update(List.of(k1, k2));
        ring.update(List.of(k2, k1));
        ring.update(List.of(k2));
        SecurityAssociation sending = ring.outbound(B);
        assertThatIllegalStateException().isThrownBy(() -> ring.update(List.of(k2, k1)))
                .withMessage(String.format("key %08x was retired: a retired key never comes back (its SAs' replay state"
                        + " is gone), generate a new key", k1.id()));
        assertThatIllegalStateException().isThrownBy(() -> ring.install(k1));
        assertThat(ring.keys()).containsExactly(k2);
        assertThat(ring.outbound(B)).isSameAs(sending);
    }

    /**
     * Item C: re-adding a peer must not reset replay protection. The receiver keeps its window across
     * removePeer/addPeer, and a sender that re-adds a peer sends on a new SA (new SPI, new key), after
     * which the old SA's packets are refused.
     */
    @Test
    void replaysAfterAPeerIsReAddedAreDroppedAndCounted() {
        Node a = new Node(A, B);
        Node b = new Node(B, A);
        a.ring.update(List.of(k1));
        b.ring.update(List.of(k1));
        byte[] captured = a.send(payload(1));
        byte[] capturedLater = a.send(payload(2));
        assertThat(b.receive(captured)).isNotNull();

        b.ring.removePeer(A); // the receiver forgets the peer and learns it again
        b.ring.addPeer(A);
        assertThat(b.receive(captured)).as("replay after the receiver re-added the peer").isNull();
        assertThat(b.counters.drops(InboundResult.REPLAYED)).isEqualTo(1);

        int oldSpi = a.ring.outbound(B).spi();
        a.ring.removePeer(B); // the sender re-adds the receiver: a new SA
        a.ring.addPeer(B);
        assertThat(a.ring.outbound(B).spi()).isNotEqualTo(oldSpi);
        assertThat(b.receive(a.send(payload(3)))).isEqualTo(payload(3));
        assertThat(b.receive(capturedLater)).as("a never-delivered packet of the replaced SA").isNull();
        assertThat(b.receive(captured)).isNull();
        assertThat(b.counters.drops(InboundResult.BAD_SPI)).isEqualTo(2);
        assertThat(b.ring.inbound(oldSpi)).isNull();
    }

    /**
     * A receiver that never saw a peer's older SA (it restarted since) adopts the newest one and then
     * refuses packets of older ones: SAs count from their sender's clock, so an older SA's numbers are
     * lower. A replayed capture cannot push the live SA out.
     */
    @Test
    void aPeersOlderSaIsNotAdoptedOverANewerOne() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        Node old = new Node(A, B, new KeyRing(A, 0, TimeUnit.HOURS.toNanos(12), System::nanoTime, clock::get, RANDOM));
        old.ring.update(List.of(k1));
        byte[] captured = old.send(payload(1));
        clock.addAndGet(1_000_000);
        Node restarted = new Node(A, B, new KeyRing(A, 0, TimeUnit.HOURS.toNanos(12), System::nanoTime, clock::get, RANDOM));
        restarted.ring.update(List.of(k1));
        Node b = new Node(B, A);
        b.ring.update(List.of(k1));
        assertThat(b.receive(restarted.send(payload(2)))).isEqualTo(payload(2));
        assertThat(b.receive(captured)).isNull();
        assertThat(b.counters.drops(InboundResult.BAD_SPI)).isEqualTo(1);
        assertThat(b.receive(restarted.send(payload(3)))).as("the live SA is still the one in use").isEqualTo(payload(3));
    }

    /**
     * Item B: SAs created from the same key file, between the same nodes, on the same VNI, with their
     * counters starting at the same number (two tunnels sharing a key file, or restarts after the clock
     * was set back or a VM snapshot restored) never share (key, nonce): their packets carry the same
     * sequence numbers and IVs, so equal keys would show as equal ciphertext and ICV at equal numbers.
     * 200 SAs, 3 packets each; and the receiver derives each one's key from the SPI alone.
     */
    @Test
    void sasFromOneKeyFileNeverShareKeyAndNonceEvenWithTheClockMovedBack() {
        long clockStuck = 1_700_000_000_000_000_000L;
        java.util.Set<String> ciphertexts = new java.util.HashSet<>();
        java.util.Set<Long> ivs = new java.util.HashSet<>();
        java.util.Set<Integer> spis = new java.util.HashSet<>();
        for (int tunnel = 0; tunnel < 200; tunnel++) {
            Node a = new Node(A, B, new KeyRing(A, 0, TimeUnit.HOURS.toNanos(12), System::nanoTime, () -> clockStuck, new SecureRandom()));
            a.ring.update(List.of(k1));
            spis.add(a.ring.outbound(B).spi());
            for (int i = 0; i < 3; i++) {
                byte[] packet = a.send(payload(0)); // same payload every time: only the key can differ
                ivs.add(java.nio.ByteBuffer.wrap(packet).getLong(EspFlyweight.IV_OFFSET));
                assertThat(ciphertexts.add(java.util.HexFormat.of().formatHex(packet, EspFlyweight.PAYLOAD_OFFSET, packet.length)))
                        .as("tunnel %d packet %d repeats another SA's ciphertext and ICV", tunnel, i).isTrue();
                if (tunnel < 20) { // a receiver derives the same key from the SPI (a fresh one each time; deriving is slow)
                    assertThat(new Node(B, A, receiverFor(k1)).receive(packet)).isEqualTo(payload(0));
                }
            }
        }
        assertThat(ivs).as("the nonces are the same in every SA: the clock was moved back").hasSize(3);
        assertThat(spis).hasSize(200);
    }

    private static KeyRing receiverFor(MasterKey key) {
        KeyRing ring = new KeyRing(B, TimeUnit.HOURS.toNanos(12), System::nanoTime);
        ring.update(List.of(key));
        return ring;
    }

    @Test
    void oneKeyOnTwoVnisDerivesDifferentSas() {
        KeyRing vni1 = new KeyRing(A, 1, TimeUnit.HOURS.toNanos(12), System::nanoTime, () -> 5L, new Random(1));
        KeyRing vni2 = new KeyRing(A, 2, TimeUnit.HOURS.toNanos(12), System::nanoTime, () -> 5L, new Random(1));
        Node one = new Node(A, B, vni1);
        Node two = new Node(A, B, vni2);
        one.ring.update(List.of(k1));
        two.ring.update(List.of(k1));
        assertThat(one.ring.outbound(B).spi()).as("same random draw").isEqualTo(two.ring.outbound(B).spi());
        byte[] p1 = one.send(payload(0));
        byte[] p2 = two.send(payload(0));
        assertThat(java.util.Arrays.copyOf(p1, EspFlyweight.PAYLOAD_OFFSET)).isEqualTo(java.util.Arrays.copyOf(p2, EspFlyweight.PAYLOAD_OFFSET));
        assertThat(p1).as("the VNI is part of the key").isNotEqualTo(p2);
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
        EspInbound inbound = new EspInbound(ring, new EspCounters());
        for (int i = 0; i < 50; i++) {
            peers[i] = "10.0.1." + i;
            Node peer = new Node(peers[i], A);
            peer.ring.update(List.of(k1, k2));
            byte[] packet = peer.send(payload(i));
            assertThat(inbound.decrypt(Unpooled.wrappedBuffer(packet), 0, packet.length)).isEqualTo(InboundResult.OK);
            spis[i] = peer.ring.outbound(A).spi();
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
