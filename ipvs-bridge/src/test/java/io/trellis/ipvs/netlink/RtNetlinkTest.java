package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.trellis.ipvs.netns.Commands;
import io.trellis.ipvs.netns.NetworkNamespace;
import io.trellis.ipvs.netns.ScratchMountDir;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every test works in fresh namespaces, so the host's interfaces are never touched, and checks the
 * result with {@code ip}/{@code bridge} run inside them (tests may shell out; the product never).
 */
@Tag("netns")
class RtNetlinkTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

    private static ScratchMountDir scratch;
    private NetworkNamespace ns;
    private RtNetlink rt;

    // Made here rather than in @BeforeAll, so that without root each test is skipped on its own.
    @BeforeEach
    void openSocketInFreshNamespaceOrSkip() throws Exception {
        if (scratch == null) {
            scratch = ScratchMountDir.createOrSkip();
        }
        ns = NetworkNamespace.create(scratch.resolve("a"));
        rt = ns.call(RtNetlink::open);
    }

    @AfterEach
    void closeSocketAndDeleteNamespaces() throws IOException {
        if (rt != null) {
            rt.close();
        }
        if (scratch != null) {
            scratch.deleteAll();
        }
    }

    @AfterAll
    static void removeScratchDir() throws IOException {
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void socketKeepsActingInNamespaceItWasOpenedIn() throws Exception {
        rt.createBridge("nltest-br0"); // from the test thread, which is in the host namespace

        assertThat(ip(ns, "-j", "link", "show", "nltest-br0")).contains("\"ifname\":\"nltest-br0\"");
        try (RtNetlink host = RtNetlink.open()) {
            assertThat(host.linkIndex("nltest-br0")).isEmpty();
        }
    }

    @Test
    void linkTakesUpDownMtuAndMacAndIsListedUntilDeleted() throws Exception {
        rt.createBridge("br0");
        rt.setMtu("br0", 1400);
        rt.setAddress("br0", MAC);
        rt.setUp("br0");

        assertThat(ip(ns, "-j", "link", "show", "br0"))
                .contains("\"UP\"", "\"mtu\":1400", "\"address\":\"02:00:00:00:00:01\"");
        Link br0 = rt.listLinks().stream().filter(link -> link.name().equals("br0")).findFirst().orElseThrow();
        assertThat(br0).extracting(Link::kind, Link::mtu, Link::mac, Link::isUp).containsExactly("bridge", 1400, MAC, true);
        assertThat(rt.listLinks()).extracting(Link::name).containsExactlyInAnyOrder("lo", "br0");

        rt.setDown("br0");
        assertThat(ip(ns, "-j", "link", "show", "br0")).doesNotContain("\"UP\"");
        assertThat(rt.link("br0")).hasValueSatisfying(link -> assertThat(link.isUp()).isFalse());

        rt.deleteLink("br0");
        assertThat(rt.linkIndex("br0")).isEmpty();
        assertThat(ip(ns, "-j", "link", "show")).doesNotContain("br0");
    }

    @Test
    void gsoMaxSegmentsIsCapped() throws Exception {
        rt.createBridge("br0");
        rt.setGsoMaxSegments("br0", 44);
        assertThat(ip(ns, "-d", "-j", "link", "show", "br0")).contains("\"gso_max_segs\":44");
    }

    @Test
    void linkIsFoundRenamedRaisedAndDeletedByIndex() throws Exception {
        rt.createBridge("br0");
        int index = rt.linkIndex("br0").orElseThrow();

        rt.rename("br0", "br1");
        rt.setUp(index);

        assertThat(rt.link(index)).hasValueSatisfying(link -> {
            assertThat(link.name()).isEqualTo("br1");
            assertThat(link.isUp()).isTrue();
        });
        rt.deleteLink(index);
        assertThat(rt.link(index)).isEmpty();
    }

    @Test
    void dummyLinkIsCreatedWhereKernelHasTheDriver() throws Exception {
        try {
            rt.createDummy("d0");
        } catch (NetlinkException e) {
            Assumptions.assumeTrue(e.errno() != NetlinkConstants.EOPNOTSUPP, () -> "no dummy driver: " + e.getMessage());
            throw e;
        }

        assertThat(ip(ns, "-d", "-j", "link", "show", "d0")).contains("\"info_kind\":\"dummy\"");
    }

    @Test
    void vethPeerIsCreatedDirectlyInSecondNamespace() throws Exception {
        NetworkNamespace other = NetworkNamespace.create(scratch.resolve("b"));

        rt.createVeth("v0", "v1", other.path());

        assertThat(ip(ns, "-d", "-j", "link", "show", "v0")).contains("\"info_kind\":\"veth\"");
        assertThat(ip(other, "-d", "-j", "link", "show", "v1")).contains("\"info_kind\":\"veth\"");
        assertThat(rt.linkIndex("v1")).isEmpty();
    }

    @Test
    void linkMovesIntoPinnedNamespace() throws Exception {
        NetworkNamespace other = NetworkNamespace.create(scratch.resolve("b"));
        rt.createVeth("v0", "v1", null);

        rt.moveToNamespace("v1", other.path());

        assertThat(rt.linkIndex("v1")).isEmpty();
        assertThat(ip(other, "-j", "link", "show", "v1")).contains("\"ifname\":\"v1\"");
    }

    @Test
    void ipv4AndIpv6AddressesAreAddedListedAndDeleted() throws Exception {
        rt.createVeth("v0", "v1", null);
        InetAddress v4 = InetAddress.getByName("10.1.0.1");
        InetAddress v6 = InetAddress.getByName("fd00::1");

        rt.addAddress("v0", v4, 24);
        rt.addAddress("v0", v6, 64);

        assertThat(ip(ns, "-j", "addr", "show", "v0"))
                .contains("\"local\":\"10.1.0.1\",\"prefixlen\":24", "\"local\":\"fd00::1\",\"prefixlen\":64");
        int index = rt.linkIndex("v0").orElseThrow();
        assertThat(rt.listAddresses("v0")).extracting(LinkAddress::index, LinkAddress::address, LinkAddress::prefixLength)
                .containsExactlyInAnyOrder(
                        tuple(index, v4, 24),
                        tuple(index, v6, 64));

        rt.deleteAddress("v0", v4, 24);
        assertThat(ip(ns, "-j", "addr", "show", "v0")).doesNotContain("10.1.0.1").contains("fd00::1");
        assertThat(rt.listAddresses("v0")).extracting(LinkAddress::address).containsExactly(v6);
    }

    @Test
    void routesViaGatewayAndOnLinkAreAddedListedAndDeleted() throws Exception {
        rt.createVeth("v0", "v1", null);
        rt.setUp("v0");
        rt.setUp("v1");
        rt.addAddress("v0", InetAddress.getByName("10.1.0.1"), 24);
        rt.addAddress("v0", InetAddress.getByName("fd00::1"), 64);
        int v0 = rt.linkIndex("v0").orElseThrow();
        InetAddress gateway = InetAddress.getByName("10.1.0.254");
        InetAddress gateway6 = InetAddress.getByName("fd00::fe");

        rt.addRoute(IpPrefix.parse("10.2.0.0/16"), gateway, "v0");
        rt.addRoute(IpPrefix.parse("10.3.0.0/16"), null, "v0");
        rt.addRoute(IpPrefix.parse("fd02::/48"), gateway6, null);

        assertThat(ip(ns, "-j", "route", "show"))
                .contains("\"dst\":\"10.2.0.0/16\",\"gateway\":\"10.1.0.254\",\"dev\":\"v0\"")
                .contains("\"dst\":\"10.3.0.0/16\",\"dev\":\"v0\",\"scope\":\"link\"");
        assertThat(ip(ns, "-6", "-j", "route", "show")).contains("\"dst\":\"fd02::/48\",\"gateway\":\"fd00::fe\"");
        assertThat(rt.listRoutes()).contains(
                new Route(IpPrefix.parse("10.2.0.0/16"), gateway, v0, RouteCodec.RTPROT_BOOT, 0, RouteCodec.RTN_UNICAST),
                new Route(IpPrefix.parse("10.3.0.0/16"), null, v0, RouteCodec.RTPROT_BOOT, RouteCodec.RT_SCOPE_LINK,
                        RouteCodec.RTN_UNICAST),
                new Route(IpPrefix.parse("fd02::/48"), gateway6, v0, RouteCodec.RTPROT_BOOT, 0, RouteCodec.RTN_UNICAST));

        rt.deleteRoute(IpPrefix.parse("10.2.0.0/16"), gateway, null);
        rt.deleteRoute(IpPrefix.parse("fd02::/48"), null, "v0");

        assertThat(ip(ns, "-j", "route", "show")).doesNotContain("10.2.0.0/16").contains("10.3.0.0/16");
        assertThat(rt.listRoutes()).extracting(route -> route.destination().toString())
                .doesNotContain("10.2.0.0/16", "fd02:0:0:0:0:0:0:0/48").contains("10.3.0.0/16");
    }

    @Test
    void permanentNeighbourIsAddedAndDeleted() throws Exception {
        rt.createVeth("v0", "v1", null);
        InetAddress neighbour = InetAddress.getByName("10.1.0.9");

        rt.addNeighbour("v0", neighbour, MAC, true);

        assertThat(ip(ns, "-j", "neigh", "show", "dev", "v0"))
                .contains("\"dst\":\"10.1.0.9\",\"lladdr\":\"02:00:00:00:00:01\",\"state\":[\"PERMANENT\"]");
        rt.deleteNeighbour("v0", neighbour);
        assertThat(ip(ns, "-j", "neigh", "show", "dev", "v0")).doesNotContain("10.1.0.9");
    }

    @Test
    void linkIsAttachedToBridge() throws Exception {
        rt.createBridge("br0");
        rt.createVeth("v0", "v1", null);

        rt.setMaster("v0", "br0");

        assertThat(ip(ns, "-j", "link", "show", "v0")).contains("\"master\":\"br0\"");
        assertThat(rt.link("v0").orElseThrow().masterIndex()).isEqualTo(rt.linkIndex("br0").orElseThrow());
    }

    @Test
    void vxlanReportsVniAddressesPortUnderlayAndSwitches() throws Exception {
        rt.createVeth("v0", "v1", null);
        VxlanSpec spec = VxlanSpec.of(42, ipv4("10.0.0.1"), 4789).withRemote(ipv4("10.0.0.2")).withUnderlay("v0")
                .withLearning(false).withUdpChecksumTx(false).withArpProxy(true);

        rt.createVxlan("vx0", spec);

        assertThat(ip(ns, "-d", "-j", "link", "show", "vx0")).contains("\"info_kind\":\"vxlan\"", "\"id\":42",
                "\"remote\":\"10.0.0.2\"", "\"local\":\"10.0.0.1\"", "\"link\":\"v0\"", "\"port\":4789",
                "\"learning\":false", "\"udp_csum\":false", "\"proxy\":true");
        assertThat(rt.link("vx0").orElseThrow().kind()).isEqualTo("vxlan");
    }

    @Test
    void fdbHoldsTwoRemotesForAllZeroMacUntilOneIsDeleted() throws Exception {
        rt.createVxlan("vx0", VxlanSpec.of(42, ipv4("10.0.0.1"), 4789).withLearning(false));
        Inet4Address first = ipv4("10.0.0.2");
        Inet4Address second = ipv4("10.0.0.3");

        rt.appendFdb("vx0", MacAddress.ZERO, first);
        rt.appendFdb("vx0", MacAddress.ZERO, second);

        assertThat(bridge(ns, "-j", "fdb", "show", "dev", "vx0"))
                .contains("\"mac\":\"00:00:00:00:00:00\",\"dst\":\"10.0.0.2\"", "\"mac\":\"00:00:00:00:00:00\",\"dst\":\"10.0.0.3\"");
        List<FdbEntry> entries = rt.listFdb("vx0");
        assertThat(entries).extracting(FdbEntry::mac).containsOnly(MacAddress.ZERO);
        assertThat(entries).extracting(FdbEntry::remote).containsExactlyInAnyOrder(first, second);
        assertThat(entries).allSatisfy(entry -> assertThat(entry.flags() & NeighbourCodec.NTF_SELF).isNotZero());

        rt.deleteFdb("vx0", MacAddress.ZERO, first);

        assertThat(bridge(ns, "-j", "fdb", "show", "dev", "vx0")).doesNotContain("10.0.0.2").contains("10.0.0.3");
        assertThat(rt.listFdb("vx0")).extracting(FdbEntry::remote).containsExactly(second);
    }

    @Test
    void dumpAbandonedHalfwayDoesNotDisturbTheNextRequest() throws Exception {
        for (int i = 0; i < 60; i++) { // about 2 KB each: the dump spans several datagrams
            rt.createBridge("br" + i);
        }
        try (NetlinkSocket socket = ns.call(NetlinkSocket::open)) {
            NetlinkMessage request = socket.message(LinkCodec.RTM_GETLINK, 0).ifinfomsg(0, 0, 0, 0);
            assertThatThrownBy(() -> socket.dump(request, reply -> {
                throw new NetlinkParseException("test gives up on the first link");
            }, "list", "links")).isInstanceOf(NetlinkParseException.class);

            NetlinkMessage again = socket.message(LinkCodec.RTM_GETLINK, 0).ifinfomsg(0, 0, 0, 0);
            assertThat(socket.dump(again, LinkCodec::parse, "list", "links")).hasSize(61);
        }
    }

    @Test
    void creatingExistingLinkFailsWithEexist() throws Exception {
        rt.createBridge("br0");

        assertThatThrownBy(() -> rt.createBridge("br0"))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(17))
                .hasMessage("create link br0: File exists (errno 17)");
    }

    @Test
    void deletingMissingLinkFailsWithEnodev() {
        assertThatThrownBy(() -> rt.deleteLink("nope0"))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(19))
                .hasMessageStartingWith("delete link nope0: No such device (errno 19)");
    }

    @Test
    void missingUnderlayFailsNamingIt() {
        assertThatThrownBy(() -> rt.createVxlan("vx0", VxlanSpec.of(42, ipv4("10.0.0.1"), 4789).withUnderlay("nope0")))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(19))
                .hasMessageStartingWith("find link nope0: No such device (errno 19)");
    }

    @Test
    void outOfRangeMtuFailsWithEinvalAndKernelsReason() throws Exception {
        rt.createBridge("br0");

        assertThatThrownBy(() -> rt.setMtu("br0", 10))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(22);
                    assertThat(e.kernelMessage()).hasValue("mtu less than device minimum");
                })
                .hasMessage("set MTU 10 on link br0: Invalid argument (errno 22): mtu less than device minimum");
    }

    private static Inet4Address ipv4(String literal) throws IOException {
        return (Inet4Address) InetAddress.getByName(literal);
    }

    private static String ip(NetworkNamespace namespace, String... args) throws Exception {
        return Commands.run(command(namespace, "ip", args));
    }

    private static String bridge(NetworkNamespace namespace, String... args) throws Exception {
        return Commands.run(command(namespace, "bridge", args));
    }

    private static String[] command(NetworkNamespace namespace, String tool, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "nsenter";
        command[1] = "--net=" + namespace.path();
        command[2] = tool;
        System.arraycopy(args, 0, command, 3, args.length);
        return command;
    }
}
