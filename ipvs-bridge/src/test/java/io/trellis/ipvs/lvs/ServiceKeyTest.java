package io.trellis.ipvs.lvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ServiceKeyTest {

    @Test
    void printsLikeIpvsadm() throws Exception {
        assertThat(ServiceKey.tcp(InetAddress.getByName("10.0.0.2"), 80)).hasToString("TCP 10.0.0.2:80");
        assertThat(ServiceKey.udp(InetAddress.getByName("fd00::1"), 53)).hasToString("UDP [fd00::1]:53");
        assertThat(ServiceKey.fwmark(5)).hasToString("FWM 5");
        assertThat(ServiceKey.fwmark(-1)).hasToString("FWM 4294967295");
    }

    @Test
    void ipv6IsWrittenAsInetNtopWritesIt() throws Exception {
        assertThat(HostPort.ipv6(InetAddress.getByName("::").getAddress())).isEqualTo("::");
        assertThat(HostPort.ipv6(InetAddress.getByName("1:0:0:2:0:0:0:0").getAddress())).isEqualTo("1:0:0:2::");
        assertThat(HostPort.ipv6(InetAddress.getByName("1:0:0:2:3:0:0:4").getAddress())).isEqualTo("1::2:3:0:0:4");
        assertThat(HostPort.ipv6(InetAddress.getByName("2001:db8:0:1:1:1:1:1").getAddress()))
                .isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    @Test
    void keysThatNameNoServiceAreRefused() throws Exception {
        InetAddress address = InetAddress.getByName("10.0.0.2");

        assertThatThrownBy(() -> ServiceKey.fwmark(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServiceKey(IpvsProtocol.TCP, address, 80, 5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceKey.tcp(address, 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceKey.tcp(null, 80)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void netmaskIsAPrefixLengthOfTheKeysFamily() throws Exception {
        ServiceKey v4 = ServiceKey.tcp(InetAddress.getByName("10.0.0.2"), 80);
        ServiceKey v6 = ServiceKey.tcp(InetAddress.getByName("fd00::1"), 80);

        assertThat(VirtualService.of(v4, "rr").netmask()).isEqualTo(32);
        assertThat(VirtualService.of(v6, "rr").netmask()).isEqualTo(128);
        assertThatThrownBy(() -> new VirtualService(v4, "rr", 0, 0, 33, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
