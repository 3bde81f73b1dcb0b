package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** {@link MacAddress} and {@link IpPrefix}: the text forms callers pass in. */
class AddressesTest {

    @Test
    void macAddressRoundTripsInLowerCase() {
        MacAddress mac = MacAddress.parse("02:42:AC:11:00:02");

        assertThat(mac).hasToString("02:42:ac:11:00:02").isEqualTo(MacAddress.of(mac.bytes()));
        assertThat(MacAddress.ZERO).hasToString("00:00:00:00:00:00");
    }

    @Test
    void malformedMacAddressIsRefusedNamingTheFormat() {
        assertThatThrownBy(() -> MacAddress.parse("02-42-ac-11-00-02"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MAC address '02-42-ac-11-00-02' must be six colon-separated hex octets,"
                        + " such as 02:42:ac:11:00:02");
    }

    @Test
    void prefixParsesIpv4AndIpv6Literals() throws Exception {
        assertThat(IpPrefix.parse("10.2.0.0/16")).isEqualTo(new IpPrefix(InetAddress.getByName("10.2.0.0"), 16));
        assertThat(IpPrefix.parse("fd02::/48").address()).isEqualTo(InetAddress.getByName("fd02::"));
    }

    @Test
    void prefixNeverResolvesNames() {
        // "999.1.1.1" and "01.2.3.4" are not literals InetAddress reads; it would look them up in DNS.
        for (String text : new String[] {"localhost/8", "999.1.1.1/8", "01.2.3.4/8", "10.0.0.0", "10.0.0.0/x"}) {
            assertThatThrownBy(() -> IpPrefix.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be an IPv4 or IPv6 literal, a slash and a length");
        }
    }

    @Test
    void prefixLengthMustFitTheAddress() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix length 33 of 10.0.0.0 must be 0 to 32");
    }
}
