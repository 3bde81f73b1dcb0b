package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.ipsec.esp.EspCounters;
import io.trellis.ipsec.esp.EspFlyweight;
import io.trellis.ipsec.esp.EspInbound;
import io.trellis.ipsec.esp.EspOutbound;
import io.trellis.ipsec.esp.InboundResult;
import io.trellis.ipsec.esp.SecurityAssociation;
import io.trellis.ipsec.keyring.MasterKey;
import io.trellis.vxlan.ipv4.Ipv4Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class EspKeysTest {
    static final int A = Ipv4Address.parse("192.0.2.1");
    static final int B = Ipv4Address.parse("192.0.2.2");
    static final int C = Ipv4Address.parse("192.0.2.3");
    static final MasterKey RED = MasterKey.of(new byte[16]);
    static final MasterKey BLUE = MasterKey.of(new byte[32]);

    @Test
    void namesNodesByTheirDottedQuad() {
        assertThat(EspKeys.name(Ipv4Address.parse("10.0.255.1"))).isEqualTo("10.0.255.1");
        assertThat(EspKeys.name(-1)).isEqualTo("255.255.255.255");
    }

    @Test
    void bothEndsDeriveMatchingSasPerNetwork() {
        EspKeys a = new EspKeys(A);
        EspKeys b = new EspKeys(B);
        for (EspKeys k : List.of(a, b)) {
            k.setPeers(100, List.of(A, B)); // its own address is ignored
            k.setKeys(100, List.of(RED));
        }
        SecurityAssociation out = a.outbound(100, B);
        assertThat(out).isNotNull();
        assertThat(b.inbound(out.spi())).as("learnt from the first packet, not before").isNull();
        assertThat(deliver(a, b, 100)).isEqualTo(InboundResult.OK);
        SecurityAssociation in = b.inbound(out.spi());
        assertThat(in).isNotNull();
        assertThat(in.peer()).isEqualTo("192.0.2.1");
        assertThat(b.owns(100, in)).isTrue();
        assertThat(a.outbound(100, A)).isNull();
    }

    @Test
    void anSaOfOneNetworkDoesNotOwnAnother() {
        EspKeys b = new EspKeys(B);
        b.setPeers(100, List.of(A));
        b.setKeys(100, List.of(RED));
        b.setPeers(200, List.of(A));
        b.setKeys(200, List.of(BLUE));
        EspKeys a = new EspKeys(A);
        a.setPeers(100, List.of(B));
        a.setKeys(100, List.of(RED));
        assertThat(deliver(a, b, 100)).isEqualTo(InboundResult.OK);
        SecurityAssociation red = b.inbound(a.outbound(100, B).spi());
        assertThat(b.owns(100, red)).isTrue();
        assertThat(b.owns(200, red)).isFalse();
        assertThat(b.owns(300, red)).isFalse();
    }

    /** A packet from {@code from} to {@code to} on {@code vni}: what {@code to}'s receiver makes of it. */
    static InboundResult deliver(EspKeys from, EspKeys to, int vni) {
        return decrypt(to, packet(from, vni, B));
    }

    static byte[] packet(EspKeys from, int vni, int toVtep) {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[EspFlyweight.packetLength(40)]);
        int n = new EspOutbound(new EspCounters()).encrypt(from.outbound(vni, toVtep), buf, EspFlyweight.PAYLOAD_OFFSET, 40, 17);
        byte[] packet = new byte[n];
        buf.getBytes(0, packet);
        return packet;
    }

    static InboundResult decrypt(EspKeys to, byte[] packet) {
        return new EspInbound(to, new EspCounters()).decrypt(Unpooled.wrappedBuffer(packet.clone()), 0, packet.length);
    }

    @Test
    void oneKeyServesOneVni() {
        EspKeys a = new EspKeys(A);
        a.setPeers(100, List.of(B));
        a.setKeys(100, List.of(RED));
        SecurityAssociation sending = a.outbound(100, B);
        assertThatIllegalArgumentException().isThrownBy(() -> a.setKeys(200, List.of(BLUE, RED)))
                .withMessage(String.format("key %08x is already the key of VNI 100: one key (one key file) serves one VNI,"
                        + " so give VNI 200 a key of its own", RED.id()));
        assertThat(a.keyRing(200)).as("nothing changed").isNull();
        assertThat(a.outbound(100, B)).isSameAs(sending);
        a.setKeys(200, List.of(BLUE));
        assertThat(a.keyRing(200).vni()).isEqualTo(200);
    }

    /** A network removed and added again keeps its replay windows: captured packets stay refused. */
    @Test
    void aNetworkThatComesBackKeepsItsReplayState() {
        EspKeys a = new EspKeys(A);
        EspKeys b = new EspKeys(B);
        for (EspKeys k : List.of(a, b)) {
            k.setPeers(100, List.of(A, B));
            k.setKeys(100, List.of(RED));
        }
        byte[] captured = packet(a, 100, B);
        assertThat(decrypt(b, captured)).isEqualTo(InboundResult.OK);
        b.remove(100);
        assertThat(decrypt(b, captured)).isEqualTo(InboundResult.BAD_SPI);
        b.setPeers(100, List.of(A));
        b.setKeys(100, List.of(RED));
        assertThat(decrypt(b, captured)).isEqualTo(InboundResult.REPLAYED);
        assertThat(decrypt(b, packet(a, 100, B))).isEqualTo(InboundResult.OK);
    }

    @Test
    void noKeyOrUnknownPeerMeansNoSa() {
        EspKeys a = new EspKeys(A);
        a.setPeers(100, List.of(B));
        assertThat(a.outbound(100, B)).isNull(); // peers but no key yet: nothing may be sent
        a.setKeys(100, List.of(RED));
        assertThat(a.outbound(100, C)).isNull();
        assertThat(a.outbound(200, B)).isNull();
        a.setPeers(100, List.of(C));
        assertThat(a.outbound(100, B)).isNull();
        assertThat(a.outbound(100, C)).isNotNull();
        a.remove(100);
        assertThat(a.outbound(100, C)).isNull();
    }

    @Test
    void rotationKeepsTheSaOfAKeyThatStays() {
        EspKeys a = new EspKeys(A);
        a.setPeers(100, List.of(B));
        a.setKeys(100, List.of(RED));
        SecurityAssociation first = a.outbound(100, B);
        a.setKeys(100, List.of(RED, BLUE));
        assertThat(a.outbound(100, B)).isSameAs(first);
        a.setKeys(100, List.of(BLUE, RED));
        assertThat(a.outbound(100, B).keyId()).isEqualTo(BLUE.id());
    }
}
