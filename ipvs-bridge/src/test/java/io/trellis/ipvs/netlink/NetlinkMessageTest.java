package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256);

    @BeforeEach
    void littleEndianHost() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }

    @Test
    void nestedAttributesArePaddedAndSizedLikeTheKernelExpects() {
        NetlinkMessage message = new NetlinkMessage(buffer)
                .begin(LinkCodec.RTM_NEWLINK, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_CREATE
                        | NetlinkConstants.NLM_F_EXCL)
                .ifinfomsg(NetlinkConstants.AF_UNSPEC, 0, 0, 0)
                .putString(LinkCodec.IFLA_IFNAME, "vx0");
        int linkInfo = message.beginNested(LinkCodec.IFLA_LINKINFO);
        message.putString(LinkCodec.IFLA_INFO_KIND, "vxlan");
        int data = message.beginNested(LinkCodec.IFLA_INFO_DATA);
        message.putU32(LinkCodec.IFLA_VXLAN_ID, 42).putBe16(LinkCodec.IFLA_VXLAN_PORT, 4789);
        message.endNested(data).endNested(linkInfo);

        assertThat(bytes(message.seal(7, NetlinkConstants.NLM_F_ACK), message.length())).isEqualTo(""
                + "4c000000" + "1000" + "0506" + "07000000" + "00000000" // nlmsghdr: 76 bytes, ACK|EXCL|CREATE
                + "00000000" + "00000000" + "00000000" + "00000000"       // ifinfomsg
                + "0800" + "0300" + "76783000"                          // IFLA_IFNAME "vx0\0", no padding
                + "2400" + "1200"                                       // IFLA_LINKINFO: 36 bytes, children padded
                + "0a00" + "0100" + "76786c616e00" + "0000"             // IFLA_INFO_KIND "vxlan\0": 10, padded to 12
                + "1400" + "0200"                                       // IFLA_INFO_DATA: 20 bytes
                + "0800" + "0100" + "2a000000"                          // IFLA_VXLAN_ID 42, host order
                + "0600" + "0f00" + "12b5" + "0000");                   // IFLA_VXLAN_PORT 4789, network order
    }

    @Test
    void vxlanRequestCarriesEverySwitchExplicitly() throws Exception {
        VxlanSpec spec = VxlanSpec.of(42, (Inet4Address) InetAddress.getByName("10.0.0.1"), 4789);
        NetlinkMessage message = LinkCodec.createVxlan(new NetlinkMessage(buffer).begin(LinkCodec.RTM_NEWLINK, 0),
                "vx0", spec, 0);

        String hex = bytes(message.seal(1, 0), message.length());

        assertThat(hex).contains("05000700" + "01000000") // IFLA_VXLAN_LEARNING 1, padded
                .contains("05001200" + "01000000")        // IFLA_VXLAN_UDP_CSUM 1, padded
                .contains("05000b00" + "00000000")        // IFLA_VXLAN_PROXY 0, padded
                .contains("08000400" + "0a000001")        // IFLA_VXLAN_LOCAL 10.0.0.1
                .doesNotContain("08000200");              // no IFLA_VXLAN_GROUP without a remote
    }

    @Test
    void startingAgainForgetsTheEarlierRequestAndZeroesPadding() {
        NetlinkMessage message = new NetlinkMessage(buffer).begin(LinkCodec.RTM_SETLINK, 0)
                .ifinfomsg(0, 0, 0, 0).putString(LinkCodec.IFLA_IFNAME, "a-long-name");
        message.begin(LinkCodec.RTM_SETLINK, 0).ifinfomsg(0, 0, 0, 0).putU8(LinkCodec.IFLA_IFNAME, 0x61);

        assertThat(message.length()).isEqualTo(16 + 16 + 8);
        assertThat(bytes(message.seal(1, 0), message.length())).endsWith("0500" + "0300" + "61000000");
    }

    @Test
    void requestLargerThanTheBufferIsRefused() {
        NetlinkMessage message = new NetlinkMessage(ByteBuffer.allocateDirect(40)).begin(LinkCodec.RTM_SETLINK, 0)
                .ifinfomsg(0, 0, 0, 0);

        assertThatThrownBy(() -> message.putBytes(LinkCodec.IFLA_ADDRESS, new byte[6]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("netlink request needs 44 bytes, more than the 40-byte send buffer holds");
    }

    private static String bytes(ByteBuffer buffer, int length) {
        byte[] copy = new byte[length];
        buffer.get(0, copy);
        return HexFormat.of().formatHex(copy);
    }
}
