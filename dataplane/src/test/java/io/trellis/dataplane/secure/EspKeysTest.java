package io.trellis.dataplane.secure;

import static org.assertj.core.api.Assertions.assertThat;

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
        SecurityAssociation red = b.inbound(a.outbound(100, B).spi());
        assertThat(b.owns(100, red)).isTrue();
        assertThat(b.owns(200, red)).isFalse();
        assertThat(b.owns(300, red)).isFalse();
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
