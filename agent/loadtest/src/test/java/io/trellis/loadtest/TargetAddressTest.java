package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetAddressTest {

    @Test
    void aNameOrIpv4AddressAndAPort() {
        assertThat(TargetAddress.parse("web:8080")).isEqualTo(new TargetAddress("web", 8080));
        assertThat(TargetAddress.parse("127.0.0.1:80").toString()).isEqualTo("127.0.0.1:80");
    }

    @Test
    void anIpv6AddressInBrackets() {
        TargetAddress target = TargetAddress.parse("[::1]:8080");

        assertThat(target.host()).isEqualTo("::1");
        assertThat(target.port()).isEqualTo(8080);
        assertThat(target).hasToString("[::1]:8080");
    }
}
