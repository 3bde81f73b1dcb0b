package io.trellis.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpvsadmListingTest {
    @Test
    void readsServicesAndRealServersSkippingTheHeaders() {
        String listing = """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  172.30.0.11:8080 rr
                  -> 10.0.0.5:80                  Masq    1      0          0
                  -> 10.0.0.6:80                  Masq    1      1          0
                FWM  257 mh
                  -> 10.0.1.3:0                   Masq    1      0          0
                UDP  172.30.0.11:53 lc
                """;
        assertThat(IpvsadmListing.rows(listing)).containsExactly("FWM 257 mh -> 10.0.1.3:0",
                "TCP 172.30.0.11:8080 rr -> 10.0.0.5:80", "TCP 172.30.0.11:8080 rr -> 10.0.0.6:80", "UDP 172.30.0.11:53 lc");
    }
}
