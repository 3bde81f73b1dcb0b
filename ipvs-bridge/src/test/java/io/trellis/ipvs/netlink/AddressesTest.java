package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** {@link MacAddress} and {@link IpPrefix}: the text forms callers pass in. */
class AddressesTest {

    @Test
    void macAddressParsesEitherCaseAndPrintsLowerCase() {
        MacAddress mac = MacAddress.parse("02:42:AC:11:00:02");

        assertThat(mac).hasToString("02:42:ac:11:00:02")
                .isEqualTo(MacAddress.of(mac.bytes()))
                .isEqualTo(MacAddress.parse("02:42:ac:11:00:02"));
        assertThat(MacAddress.ZERO).hasToString("00:00:00:00:00:00");
    }

    @Test
    void macAddressConvertsToAndFromTheDataPlanesLong() {
        assertThat(MacAddress.parse("02:42:c6:33:64:01").toLong()).isEqualTo(0x02_42_c6_33_64_01L);
        assertThat(MacAddress.of(0xff_ff_ff_ff_ff_ffL)).hasToString("ff:ff:ff:ff:ff:ff");
        assertThat(MacAddress.of(0x33_33_00_00_00_16L).toLong()).isEqualTo(0x33_33_00_00_00_16L);
        assertThat(MacAddress.ZERO.toLong()).isZero();
    }

    @Test
    void malformedMacAddressIsRefusedNamingTheFormat() {
        for (String bad : new String[] {"02-42-ac-11-00-02", "02.42.ac.11.00.02", "0242.ac11.0002", "02:42-ac:11:00:02",
                "", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "02:42:ac:11:00:0g", "02:42:ac:11:00:011",
                "2:42:ac:11:00:02", " 02:42:ac:11:00:02", "\u0660\u0662:42:ac:11:00:02"}) {
            assertThatThrownBy(() -> MacAddress.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("MAC address '" + bad + "' must be six colon-separated hex octets,"
                            + " such as 02:42:ac:11:00:02");
        }
        assertThatThrownBy(() -> MacAddress.parse(null)).hasMessageStartingWith("MAC address 'null' must be");
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
