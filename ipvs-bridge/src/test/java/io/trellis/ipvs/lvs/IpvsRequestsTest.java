package io.trellis.ipvs.lvs;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.ipvs.netlink.NetlinkConstants;
import io.trellis.ipvs.netlink.NetlinkMessage;
import io.trellis.ipvs.netlink.WireBytes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every request the client sends, byte for byte. The expected payloads were captured from
 * ipvsadm 1.31 (libnl 3.7) against Linux 6.1.0-57-amd64 in a VM, with
 * {@code strace -f -e trace=sendmsg -xx -s 65536 ipvsadm ...}; only the nlmsghdr's sequence number
 * and port id differ (ours: 1 and 0), and the flags where noted. Where ipvsadm sends more than the
 * kernel reads, the test says what we leave out and why. IPVS family id 0x20, as that kernel
 * assigned it.
 */
class IpvsRequestsTest {

    private static final int FAMILY = 0x20;
    private static final int ACK = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK;
    private static final int DUMP = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP;

    // ipvsadm's nested service key (IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED) of `-t 10.0.0.2:80`, as
    // its GET_DEST sends it: AF_INET, IPPROTO_TCP, union nf_inet_addr, port 80 big-endian
    private static final String TCP_KEY = "3000" + "0180"
            + "0600" + "0100" + "0200" + "0000"
            + "0600" + "0200" + "0600" + "0000"
            + "1400" + "0300" + "0a000002" + "000000000000000000000000"
            + "0600" + "0400" + "0050" + "0000";
    // ipvsadm's IPVS_DEST_ATTR_* of `-r 10.0.0.3:8080 -m -w 2`, without its IPVS_DEST_ATTR_TUN_TYPE,
    // _TUN_PORT and _TUN_FLAGS (all 0, which the kernel assumes when they are absent; before 5.2 it
    // has no such attributes)
    private static final String MASQ_DEST_ATTRIBUTES = ""
            + "0600" + "0b00" + "0200" + "0000"                              // ADDR_FAMILY AF_INET
            + "1400" + "0100" + "0a000003" + "000000000000000000000000"      // ADDR
            + "0600" + "0200" + "1f90" + "0000"                              // PORT 8080 big-endian
            + "0800" + "0300" + "00000000"                                   // FWD_METHOD masq
            + "0800" + "0400" + "02000000"                                   // WEIGHT 2
            + "0800" + "0500" + "00000000"                                   // U_THRESH
            + "0800" + "0600" + "00000000";                                  // L_THRESH

    private final InetAddress vip = address("10.0.0.2");
    private final ServiceKey tcp = ServiceKey.tcp(vip, 80);

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void newTcpServiceIsIpvsadmsAddService() {
        // ipvsadm -A -t 10.0.0.2:80 -s rr
        assertThat(sent(IpvsRequests.newService(request(), VirtualService.of(tcp, "rr")), ACK)).isEqualTo(
                header(104, ACK) + "01010000"
                        + "5400" + "0180"
                        + "0600010002000000" + "0600020006000000"
                        + "140003000a000002000000000000000000000000" + "0600040000500000"
                        + "07000600" + "72720000"                           // SCHED_NAME "rr\0"
                        + "0c000700" + "00000000" + "ffffffff"              // FLAGS {0, mask all}
                        + "08000800" + "00000000"                           // TIMEOUT
                        + "08000900" + "ffffffff");                         // NETMASK 255.255.255.255
    }

    @Test
    void newPersistentUdpServiceIsIpvsadmsAddService() {
        // ipvsadm -A -u 10.0.0.2:53 -s wrr -p 300
        VirtualService udp = VirtualService.of(ServiceKey.udp(vip, 53), "wrr").withPersistence(300);

        assertThat(sent(IpvsRequests.newService(request(), udp), ACK)).isEqualTo(
                header(104, ACK) + "01010000"
                        + "5400" + "0180"
                        + "0600010002000000" + "0600020011000000"          // IPPROTO_UDP
                        + "140003000a000002000000000000000000000000" + "0600040000350000"
                        + "08000600" + "77727200"
                        + "0c000700" + "01000000" + "ffffffff"              // IP_VS_SVC_F_PERSISTENT
                        + "08000800" + "2c010000"                           // 300 s
                        + "08000900" + "ffffffff");
    }

    @Test
    void newFwmarkServiceIsIpvsadmsAddService() {
        // ipvsadm -A -f 5 -s mh
        assertThat(sent(IpvsRequests.newService(request(), VirtualService.of(ServiceKey.fwmark(5), "mh")), ACK))
                .isEqualTo(header(76, ACK) + "01010000"
                        + "3800" + "0180"
                        + "0600010002000000" + "0800050005000000"          // AF_INET, FWMARK 5
                        + "07000600" + "6d680000"
                        + "0c000700" + "00000000" + "ffffffff"
                        + "08000800" + "00000000"
                        + "08000900" + "ffffffff");
    }

    @Test
    void newIpv6ServiceCarriesItsNetmaskAsAPrefixLength() {
        // ipvsadm -A -t [fd00::1]:443 -s sh
        VirtualService v6 = VirtualService.of(ServiceKey.tcp(address("fd00::1"), 443), "sh");

        assertThat(sent(IpvsRequests.newService(request(), v6), ACK)).isEqualTo(
                header(104, ACK) + "01010000"
                        + "5400" + "0180"
                        + "060001000a000000" + "0600020006000000"          // AF_INET6
                        + "14000300fd000000000000000000000000000001" + "0600040001bb0000"
                        + "07000600" + "73680000"
                        + "0c000700" + "00000000" + "ffffffff"
                        + "08000800" + "00000000"
                        + "08000900" + "80000000");                         // 128, host order
    }

    @Test
    void setServiceIsIpvsadmsEditService() {
        // ipvsadm -E -t 10.0.0.2:80 -s wrr
        assertThat(sent(IpvsRequests.setService(request(), VirtualService.of(tcp, "wrr")), ACK)).isEqualTo(
                header(104, ACK) + "02010000"
                        + "5400" + "0180"
                        + "0600010002000000" + "0600020006000000"
                        + "140003000a000002000000000000000000000000" + "0600040000500000"
                        + "08000600" + "77727200"
                        + "0c000700" + "00000000" + "ffffffff"
                        + "08000800" + "00000000"
                        + "08000900" + "ffffffff");
    }

    @Test
    void shorterNetmaskIsSentAsANetworkOrderMask() {
        VirtualService service = new VirtualService(tcp, "rr", 0, 0, 24, null);

        assertThat(sent(IpvsRequests.newService(request(), service), ACK)).endsWith("08000900" + "ffffff00");
    }

    @Test
    void deleteServiceCarriesOnlyTheKey() {
        // ipvsadm -D sends the whole service with an empty scheduler; the kernel reads only the key
        assertThat(sent(IpvsRequests.deleteService(request(), tcp), ACK))
                .isEqualTo(header(68, ACK) + "03010000" + TCP_KEY);
        assertThat(sent(IpvsRequests.deleteService(request(), ServiceKey.udp(vip, 53)), ACK))
                .isEqualTo(header(68, ACK) + "03010000" + TCP_KEY.replace("0600020006000000", "0600020011000000")
                        .replace("0600040000500000", "0600040000350000"));
        assertThat(sent(IpvsRequests.deleteService(request(), ServiceKey.fwmark(5)), ACK))
                .isEqualTo(header(40, ACK) + "03010000" + "1400" + "0180" + "0600010002000000" + "0800050005000000");
    }

    @Test
    void getOneServiceCarriesOnlyTheKey() {
        // ipvsadm -L -t 10.0.0.2:80 sends IPVS_CMD_GET_SERVICE with the whole service; the key suffices
        assertThat(sent(IpvsRequests.getService(request(), tcp), ACK))
                .isEqualTo(header(68, ACK) + "04010000" + TCP_KEY);
        assertThat(sent(IpvsRequests.getService(request(), ServiceKey.fwmark(5)), ACK))
                .isEqualTo(header(40, ACK) + "04010000" + "1400" + "0180" + "0600010002000000" + "0800050005000000");
    }

    @Test
    void listServicesIsIpvsadmsDump() {
        // ipvsadm -Ln: the same bytes, with NLM_F_ACK as well (0x305)
        assertThat(sent(IpvsRequests.listServices(request()), DUMP)).isEqualTo(header(20, DUMP) + "04010000");
    }

    @Test
    void newDestinationIsIpvsadmsAddServer() {
        // ipvsadm -a -t 10.0.0.2:80 -r 10.0.0.3:8080 -m -w 2 (its whole service and TUN_* attributes left out)
        RealServer server = RealServer.masq(address("10.0.0.3"), 8080, 2);
        NetlinkMessage message = IpvsRequests.newDestination(request(), tcp, server);

        assertThat(sent(message, ACK))
                .isEqualTo(header(140, ACK) + "05010000" + TCP_KEY + "4800" + "0280" + MASQ_DEST_ATTRIBUTES);
    }

    @Test
    void routedDestinationCarriesMethodAndThresholds() {
        // ipvsadm -a -t 10.0.0.2:80 -r 10.0.0.4:8080 -g -w 1 -x 100 -y 10
        RealServer routed = new RealServer(address("10.0.0.4"), 8080, 1, ForwardMethod.ROUTE, 100, 10, 0, 0, 0, null);

        assertThat(sent(IpvsRequests.newDestination(request(), tcp, routed), ACK)).endsWith(""
                + "0800" + "0300" + "03000000"                                // IP_VS_CONN_F_DROUTE
                + "0800" + "0400" + "01000000"
                + "0800" + "0500" + "64000000"
                + "0800" + "0600" + "0a000000");
    }

    @Test
    void ipv6DestinationCarriesItsOwnFamily() {
        // ipvsadm -a -t [fd00::1]:443 -r [fd00::2]:443 -m
        ServiceKey v6 = ServiceKey.tcp(address("fd00::1"), 443);

        assertThat(sent(IpvsRequests.newDestination(request(), v6, RealServer.masq(address("fd00::2"), 443, 1)), ACK))
                .contains("0600" + "0b00" + "0a000000" + "1400" + "0100" + "fd000000000000000000000000000002"
                        + "0600" + "0200" + "01bb0000");
    }

    @Test
    void setDestinationIsIpvsadmsEditServer() {
        // ipvsadm -e -t 10.0.0.2:80 -r 10.0.0.3:8080 -m -w 2 (weight 5 in the capture)
        RealServer server = RealServer.masq(address("10.0.0.3"), 8080, 2);
        NetlinkMessage message = IpvsRequests.setDestination(request(), tcp, server);

        assertThat(sent(message, ACK))
                .isEqualTo(header(140, ACK) + "06010000" + TCP_KEY + "4800" + "0280" + MASQ_DEST_ATTRIBUTES);
    }

    @Test
    void deleteDestinationCarriesOnlyTheKeys() {
        // ipvsadm -d -t 10.0.0.2:80 -r 10.0.0.3:8080 sends both whole; the kernel reads only the keys
        NetlinkMessage message = IpvsRequests.deleteDestination(request(), tcp, address("10.0.0.3"), 8080);

        assertThat(sent(message, ACK)).isEqualTo(header(108, ACK) + "07010000" + TCP_KEY
                + "2800" + "0280" + MASQ_DEST_ATTRIBUTES.substring(0, 2 * 36));
    }

    @Test
    void listDestinationsIsIpvsadmsDump() {
        // ipvsadm -Ln, per service: the same bytes, with NLM_F_ACK as well (0x305)
        assertThat(sent(IpvsRequests.listDestinations(request(), tcp), DUMP))
                .isEqualTo(header(68, DUMP) + "08010000" + TCP_KEY);
    }

    @Test
    void infoAndTimeoutsAreIpvsadmsRequests() {
        // every ipvsadm run starts with IPVS_CMD_GET_INFO; ipvsadm -L --timeout; ipvsadm --set 900 120 300
        assertThat(sent(IpvsRequests.info(request()), ACK)).isEqualTo(header(20, ACK) + "0f010000");
        assertThat(sent(IpvsRequests.timeouts(request()), ACK)).isEqualTo(header(20, ACK) + "0d010000");
        assertThat(sent(IpvsRequests.setTimeouts(request(), new Timeouts(900, 120, 300)), ACK)).isEqualTo(
                header(44, ACK) + "0c010000" + "0800040084030000" + "0800050078000000" + "080006002c010000");
    }

    private static NetlinkMessage request() {
        return WireBytes.request(FAMILY);
    }

    private static String sent(NetlinkMessage message, int flags) {
        return WireBytes.sealed(message, 1, flags);
    }

    /** nlmsghdr: length, the IPVS family id, flags, sequence 1, port id 0; little-endian. */
    private static String header(int length, int flags) {
        return String.format("%02x%02x0000" + "2000" + "%02x%02x" + "01000000" + "00000000",
                length & 0xff, length >>> 8, flags & 0xff, flags >>> 8);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
