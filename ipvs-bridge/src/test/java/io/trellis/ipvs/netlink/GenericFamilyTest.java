package io.trellis.ipvs.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Family lookup through nlctrl: the request ipvsadm sends, the answer Linux 6.1 gives, and this kernel live. */
class GenericFamilyTest {

    /**
     * The CTRL_CMD_NEWFAMILY answer for "IPVS" (id 0x20, version 1, 17 operations) that Linux
     * 6.1.0-57-amd64 sent to ipvsadm 1.31: captured with {@code strace -xx} in a VM; nlmsghdr as
     * strace decoded it (388 bytes, type nlctrl), sequence number set to 9, then the capped ACK.
     */
    static final byte[] IPVS_FAMILY = WireBytes.hex("""
            84010000100000000900000000000000
            010200000900020049505653000000000600010020000000080003000100000008000400000000000800050006000000
            44010600140001000800010001000000080002000b000000140002000800010002000000080002000b00000014000300
            0800010003000000080002000b000000140004000800010004000000080002000f000000140005000800010005000000
            080002000b000000140006000800010006000000080002000b000000140007000800010007000000080002000b000000
            140008000800010008000000080002000d000000140009000800010009000000080002000b00000014000a0008000100
            0a000000080002000b00000014000b00080001000b000000080002000d00000014000c00080001000c00000008000200
            0b00000014000d00080001000d000000080002000b00000014000e00080001000f000000080002000b00000014000f00
            0800010010000000080002000b000000140010000800010011000000080002000b000000
            """);
    static final byte[] ACK = WireBytes.hex("""
            240000000200000109000000000000000000000020000000100005000900000000000000
            """);

    @Test
    void lookupIsTheRequestIpvsadmSends() {
        assumeLittleEndian();
        NetlinkMessage request = GenericFamily.lookup(WireBytes.request(GenericFamily.GENL_ID_CTRL), "IPVS");

        // ipvsadm 1.31 (libnl 3.7) in the VM, strace -xx: nlmsg_len=32, nlmsg_type=nlctrl,
        // NLM_F_REQUEST|NLM_F_ACK, then "\x03\x01\x00\x00\x09\x00\x02\x00\x49\x50\x56\x53\x00\x00\x00\x00".
        // Only the sequence number and port id (ours: 0, the kernel's) differ.
        assertThat(WireBytes.sealed(request, 9, NetlinkConstants.NLM_F_ACK)).isEqualTo(""
                + "20000000" + "1000" + "0500" + "09000000" + "00000000" // nlmsghdr: 32 bytes, GENL_ID_CTRL
                + "03010000"                                             // genlmsghdr: CTRL_CMD_GETFAMILY, v1
                + "0900" + "0200" + "4950565300" + "000000");            // CTRL_ATTR_FAMILY_NAME "IPVS\0"
    }

    @Test
    void answerGivesTheFamilyIdAndVersion() throws Exception {
        assumeLittleEndian();

        assertThat(WireBytes.decode(9, GenericFamily::parse, "resolve", "IPVS", IPVS_FAMILY, ACK))
                .containsExactly(new GenericFamily("IPVS", 0x20, 1));
    }

    @Test
    void answerWithoutAnIdIsMalformed() {
        assumeLittleEndian();
        byte[] broken = IPVS_FAMILY.clone();
        broken[16 + 16 + 2] = 9; // CTRL_ATTR_FAMILY_ID becomes an unknown attribute 9

        assertThatThrownBy(() -> WireBytes.decode(9, GenericFamily::parse, "resolve", "IPVS", broken, ACK))
                .isInstanceOf(NetlinkParseException.class)
                .hasMessageContaining("without CTRL_ATTR_FAMILY_NAME or CTRL_ATTR_FAMILY_ID");
    }

    @Test
    void thisKernelResolvesTheControllerItselfAndNotAnUnknownFamily() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkConstants.NETLINK_GENERIC)) {
            assertThat(GenericFamily.resolve(socket, "nlctrl")).hasValueSatisfying(family ->
                    assertThat(family.id()).isEqualTo(GenericFamily.GENL_ID_CTRL));
            assertThat(GenericFamily.resolve(socket, "no-such-family")).isEmpty();
        }
    }

    @Test
    void routeSocketIsRefused() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            assertThatThrownBy(() -> GenericFamily.resolve(socket, "IPVS"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NETLINK_GENERIC");
        }
    }

    private static void assumeLittleEndian() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "golden bytes are little-endian");
    }
}
