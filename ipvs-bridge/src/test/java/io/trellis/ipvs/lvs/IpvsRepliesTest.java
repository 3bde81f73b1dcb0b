package io.trellis.ipvs.lvs;

import static io.trellis.ipvs.lvs.CapturedIpvsReplies.DESTINATION_DONE;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.DESTINATION_DUMP;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.EXISTS_ERROR;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.INFO;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.INFO_ACK;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.IPV6_DESTINATION_DONE;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.IPV6_DESTINATION_DUMP;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.POLICY_ERROR;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.SERVICE;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.SERVICE_ACK;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.SERVICE_DONE;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.SERVICE_DUMP;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.TIMEOUTS;
import static io.trellis.ipvs.lvs.CapturedIpvsReplies.TIMEOUTS_ACK;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET;
import static io.trellis.ipvs.netlink.NetlinkConstants.AF_INET6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.ipvs.netlink.NetlinkException;
import io.trellis.ipvs.netlink.NetlinkParseException;
import io.trellis.ipvs.netlink.WireBytes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel's IPVS answers (see {@link CapturedIpvsReplies}) read into records, as the client reads them. */
class IpvsRepliesTest {

    private final InetAddress vip = address("10.0.0.2");

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "captured on a little-endian host");
    }

    @Test
    void serviceDumpGivesEveryServiceWithItsSettingsAndCounters() throws Exception {
        List<VirtualService> services = WireBytes.decode(4, IpvsReplies::service, "list", "IPVS services",
                SERVICE_DUMP, SERVICE_DONE);

        assertThat(services).extracting(service -> service.key().toString())
                .containsExactly("UDP 10.0.0.2:53", "TCP 10.0.0.2:80", "TCP [fd00::1]:443", "FWM 5");
        assertThat(services.get(0)).satisfies(udp -> {
            assertThat(udp.scheduler()).isEqualTo("rr");
            assertThat(udp.flags()).isEqualTo(IpvsConstants.IP_VS_SVC_F_PERSISTENT); // without IP_VS_SVC_F_HASHED
            assertThat(udp.timeoutSeconds()).isEqualTo(300);
            assertThat(udp.netmask()).isEqualTo(32);
            assertThat(udp.stats().connections()).isEqualTo(1);
            assertThat(udp.stats().inPackets()).isEqualTo(2);
            assertThat(udp.stats().inBytes()).isEqualTo(256);
        });
        assertThat(services.get(1)).satisfies(tcp -> {
            assertThat(tcp.key()).isEqualTo(ServiceKey.tcp(vip, 80));
            assertThat(tcp.scheduler()).isEqualTo("wrr");
            assertThat(tcp.flags()).isZero();
            assertThat(tcp.timeoutSeconds()).isZero();
            // the rates had decayed to this by the time of the dump (the estimator runs every 2 s)
            assertThat(tcp.stats()).isEqualTo(new IpvsStats(3, 3, 0, 180, 0, 0, 0, 0, 5, 0));
        });
        assertThat(services.get(2).netmask()).isEqualTo(128);
        assertThat(services.get(2).scheduler()).isEqualTo("sh");
        assertThat(services.get(3)).satisfies(fwmark -> {
            assertThat(fwmark.key()).isEqualTo(ServiceKey.fwmark(5));
            assertThat(fwmark.scheduler()).isEqualTo("mh");
            assertThat(fwmark.flags()).isEqualTo(IpvsConstants.IP_VS_SVC_F_SCHED1 | IpvsConstants.IP_VS_SVC_F_SCHED2);
        });
    }

    @Test
    void oneServiceIsAnsweredBeforeItsAck() throws Exception {
        List<VirtualService> services = WireBytes.decode(6, IpvsReplies::service, "get IPVS service",
                ServiceKey.tcp(vip, 80), SERVICE, SERVICE_ACK);

        assertThat(services).singleElement().satisfies(service -> {
            assertThat(service.key()).isEqualTo(ServiceKey.tcp(vip, 80));
            assertThat(service.stats().connections()).isEqualTo(3);
        });
    }

    @Test
    void the64BitCountersArePreferredAndThe32BitOnesAreTheFallback() throws Exception {
        byte[] wrong32 = SERVICE.clone();
        int stats32 = indexOf(wrong32, "5c000a00"); // IPVS_SVC_ATTR_STATS, 92 bytes
        wrong32[stats32 + 4 + 4] = 99;              // its IPVS_STATS_ATTR_CONNS
        byte[] only32 = SERVICE.clone();
        only32[indexOf(only32, "7c000c00") + 2] = 0x0d; // IPVS_SVC_ATTR_STATS64 becomes an unknown type

        assertThat(WireBytes.decode(6, IpvsReplies::service, "get", "x", wrong32, SERVICE_ACK).get(0).stats()
                .connections()).isEqualTo(3);
        assertThat(WireBytes.decode(6, IpvsReplies::service, "get", "x", only32, SERVICE_ACK).get(0).stats())
                .isEqualTo(WireBytes.decode(6, IpvsReplies::service, "get", "x", SERVICE, SERVICE_ACK).get(0).stats());
    }

    @Test
    void destinationDumpGivesMethodWeightThresholdsConnectionsAndCounters() throws Exception {
        List<RealServer> servers = WireBytes.decode(5, reply -> IpvsReplies.destination(reply, AF_INET), "list",
                "destinations", DESTINATION_DUMP, DESTINATION_DONE);

        assertThat(servers).containsExactly(
                new RealServer(address("10.0.0.4"), 80, 1, ForwardMethod.ROUTE, 100, 10, 1, 0, 0,
                        new IpvsStats(1, 1, 0, 60, 0, 0, 0, 0, 1, 0)),
                new RealServer(address("10.0.0.3"), 8080, 2, ForwardMethod.MASQ, 0, 0, 2, 0, 0,
                        new IpvsStats(2, 2, 0, 120, 0, 0, 0, 0, 4, 0)));
    }

    @Test
    void ipv6DestinationIsReadFromTheWholeUnion() throws Exception {
        List<RealServer> servers = WireBytes.decode(9, reply -> IpvsReplies.destination(reply, AF_INET6), "list",
                "destinations", IPV6_DESTINATION_DUMP, IPV6_DESTINATION_DONE);

        assertThat(servers).singleElement().satisfies(server -> {
            assertThat(server.address()).isEqualTo(address("fd00::2"));
            assertThat(server.port()).isEqualTo(443);
            assertThat(server.method()).isEqualTo(ForwardMethod.MASQ);
        });
    }

    @Test
    void destinationWithoutItsOwnFamilyHasTheServicesFamily() throws Exception {
        byte[] old = DESTINATION_DUMP.clone();
        // as before Linux 3.18: IPVS_DEST_ATTR_ADDR_FAMILY of both destinations becomes an unknown type
        for (int at = indexOf(old, "06000b00"); at >= 0; at = indexOf(old, "06000b00")) {
            old[at + 2] = 0x3f;
        }

        assertThat(WireBytes.decode(5, reply -> IpvsReplies.destination(reply, AF_INET), "list", "x", old,
                DESTINATION_DONE)).extracting(RealServer::address)
                .containsExactly(address("10.0.0.4"), address("10.0.0.3"));
    }

    @Test
    void infoGivesVersionAndTableSize() throws Exception {
        assertThat(WireBytes.decode(2, IpvsReplies::info, "get", "IPVS version", INFO, INFO_ACK))
                .containsExactly(new IpvsInfo("1.2.1", 4096));
    }

    @Test
    void timeoutsAreTheConfigAnswer() throws Exception {
        assertThat(WireBytes.decode(3, IpvsReplies::timeouts, "get", "IPVS timeouts", TIMEOUTS, TIMEOUTS_ACK))
                .containsExactly(new Timeouts(900, 120, 300));
    }

    @Test
    void refusalCarriesTheKernelsExplanation() {
        assertThatThrownBy(() -> WireBytes.decode(7, reply -> null, "set IPVS timeouts", "tcp 5", POLICY_ERROR))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(34))
                .hasMessage("set IPVS timeouts tcp 5: Numerical result out of range (errno 34):"
                        + " Attribute failed policy validation");
    }

    @Test
    void existingServiceIsRefusedWithEexist() {
        assertThatThrownBy(() -> WireBytes.decode(8, reply -> null, "add IPVS service", ServiceKey.tcp(vip, 80),
                EXISTS_ERROR))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.kernelMessage()).isEmpty())
                .hasMessage("add IPVS service TCP 10.0.0.2:80: File exists (errno 17)");
    }

    @Test
    void serviceOfAnUnknownProtocolIsMalformed() {
        byte[] sctpish = SERVICE.clone();
        sctpish[indexOf(sctpish, "0600020006000000") + 4] = 99; // IPVS_SVC_ATTR_PROTOCOL 99

        assertThatThrownBy(() -> WireBytes.decode(6, IpvsReplies::service, "get", "x", sctpish, SERVICE_ACK))
                .isInstanceOf(NetlinkParseException.class)
                .hasMessageContaining("IPVS service of unknown protocol 99");
    }

    /** Where the bytes {@code hex} first start in {@code bytes}, or -1. */
    private static int indexOf(byte[] bytes, String hex) {
        byte[] pattern = HexFormat.of().parseHex(hex);
        for (int at = 0; at + pattern.length <= bytes.length; at++) {
            if (Arrays.equals(bytes, at, at + pattern.length, pattern, 0, pattern.length)) {
                return at;
            }
        }
        return -1;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
