package io.trellis.ipvs.netlink;

import static io.trellis.ipvs.netlink.CapturedReplies.ADDRESS_DONE;
import static io.trellis.ipvs.netlink.CapturedReplies.ADDRESS_DUMP;
import static io.trellis.ipvs.netlink.CapturedReplies.ADDRESS_SEQ;
import static io.trellis.ipvs.netlink.CapturedReplies.FDB_DUMP;
import static io.trellis.ipvs.netlink.CapturedReplies.FDB_SEQ;
import static io.trellis.ipvs.netlink.CapturedReplies.LINK_ACK;
import static io.trellis.ipvs.netlink.CapturedReplies.LINK_REPLY;
import static io.trellis.ipvs.netlink.CapturedReplies.LINK_SEQ;
import static io.trellis.ipvs.netlink.CapturedReplies.MTU_ERROR;
import static io.trellis.ipvs.netlink.CapturedReplies.MTU_ERROR_SEQ;
import static io.trellis.ipvs.netlink.CapturedReplies.ROUTE_DUMP;
import static io.trellis.ipvs.netlink.CapturedReplies.ROUTE_SEQ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reply path on the kernel's own bytes, and on every way of breaking them. */
class ReplyDecoderTest {

    private final ReplyDecoder decoder = new ReplyDecoder();

    @Test
    void linkReplyIsParsedAndItsAckEndsTheExchange() throws Exception {
        List<Link> links = new ArrayList<>();

        assertThat(decode(LINK_REPLY, LINK_SEQ, LinkCodec::parse, links)).isFalse();
        assertThat(decode(LINK_ACK, LINK_SEQ, LinkCodec::parse, links)).isTrue();

        assertThat(links).singleElement().satisfies(link -> {
            assertThat(link.index()).isEqualTo(2);
            assertThat(link.name()).isEqualTo("br0");
            assertThat(link.kind()).isEqualTo("bridge");
            assertThat(link.mtu()).isEqualTo(1500);
            assertThat(link.mac()).isNotNull();
            assertThat(link.isUp()).isFalse();
        });
    }

    @Test
    void errorCarriesErrnoAndExtendedAckMessage() {
        assertThatThrownBy(() -> decode(MTU_ERROR, MTU_ERROR_SEQ, reply -> null, new ArrayList<>()))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(22);
                    assertThat(e.kernelMessage()).hasValue("mtu less than device minimum");
                })
                .hasMessage("test br0: Invalid argument (errno 22): mtu less than device minimum");
    }

    @Test
    void uncappedErrorIsReadPastTheEchoedRequest() {
        // Without NETLINK_CAP_ACK the kernel echoes the whole request (here 20 bytes) before the TLVs.
        ByteBuffer datagram = ByteBuffer.allocate(16 + 4 + 20 + 8).order(ByteOrder.nativeOrder());
        datagram.putInt(datagram.capacity()).putShort((short) NetlinkConstants.NLMSG_ERROR)
                .putShort((short) NetlinkConstants.NLM_F_ACK_TLVS).putInt(7).putInt(0);
        datagram.putInt(-17);
        datagram.putInt(20).putShort((short) 16).putShort((short) 0x605).putInt(7).putInt(0).putInt(0xdeadbeef);
        datagram.putShort((short) 8).putShort((short) NetlinkConstants.NLMSGERR_ATTR_MSG).put("why\0".getBytes());

        assertThatThrownBy(() -> decode(datagram.array(), 7, reply -> null, new ArrayList<>()))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.kernelMessage()).hasValue("why"))
                .hasMessage("test br0: File exists (errno 17): why");
    }

    @Test
    void echoedRequestLongerThanTheErrorIsAParseError() {
        ByteBuffer datagram = ByteBuffer.allocate(16 + 4 + 16).order(ByteOrder.nativeOrder());
        datagram.putInt(datagram.capacity()).putShort((short) NetlinkConstants.NLMSG_ERROR)
                .putShort((short) NetlinkConstants.NLM_F_ACK_TLVS).putInt(7).putInt(0);
        datagram.putInt(-17).putInt(0x7ffffffd); // 4 + this overflows the offset of the TLVs

        assertThatThrownBy(() -> decode(datagram.array(), 7, reply -> null, new ArrayList<>()))
                .isInstanceOf(NetlinkParseException.class)
                .hasMessageContaining("echoes a request of 2147483645 bytes");
    }

    @Test
    void addressDumpIsParsedUntilDone() throws Exception {
        List<LinkAddress> addresses = new ArrayList<>();

        assertThat(decode(ADDRESS_DUMP, ADDRESS_SEQ, AddressCodec::parse, addresses)).isFalse();
        assertThat(decode(ADDRESS_DONE, ADDRESS_SEQ, AddressCodec::parse, addresses)).isTrue();

        assertThat(addresses).extracting(address -> address.address().getHostAddress() + "/" + address.prefixLength())
                .containsExactly("127.0.0.1/8", "10.1.0.1/24", "fd00:0:0:0:0:0:0:1/64", "0:0:0:0:0:0:0:1/128");
    }

    @Test
    void routeDumpKeepsOnlyTheMainTable() throws Exception {
        List<Route> routes = new ArrayList<>();

        decode(ROUTE_DUMP, ROUTE_SEQ, RouteCodec::parse, routes);

        // On lo even the prefix of 10.1.0.1/24 is a local-table route, so main holds one.
        assertThat(routes).containsExactly(new Route(IpPrefix.parse("10.2.0.0/16"), InetAddress.getByName("10.1.0.254"),
                1, RouteCodec.RTPROT_BOOT, NetlinkConstants.RT_SCOPE_UNIVERSE, RouteCodec.RTN_UNICAST));
    }

    @Test
    void fdbDumpListsEachRemoteOfTheVxlanDevice() throws Exception {
        List<FdbEntry> entries = new ArrayList<>();

        decode(FDB_DUMP, FDB_SEQ, NeighbourCodec::parseFdb, entries);

        assertThat(entries).filteredOn(entry -> entry.index() == 3).extracting(FdbEntry::mac, FdbEntry::remote)
                .containsExactlyInAnyOrder(
                        tuple(MacAddress.ZERO, InetAddress.getByName("10.0.0.2")),
                        tuple(MacAddress.ZERO, InetAddress.getByName("10.0.0.3")));
    }

    @Test
    void messagesAnsweringAnotherRequestAreSkipped() throws Exception {
        List<LinkAddress> addresses = new ArrayList<>();

        assertThat(decode(ADDRESS_DUMP, ADDRESS_SEQ + 1, AddressCodec::parse, addresses)).isFalse();
        assertThat(decode(MTU_ERROR, ADDRESS_SEQ + 1, AddressCodec::parse, addresses)).isFalse();

        assertThat(addresses).isEmpty();
    }

    @Test
    void everyTruncationFailsWithParseErrorOnly() {
        for (Object[] capture : CapturedReplies.all()) {
            byte[] datagram = (byte[]) capture[0];
            for (int length = 1; length < datagram.length; length++) {
                byte[] cut = Arrays.copyOf(datagram, length);
                Throwable thrown = catchAll(cut, (int) capture[1]);
                // Cut at a message boundary, the rest simply has not arrived yet.
                if (thrown != null) {
                    assertThat(thrown).as("%d of %d bytes", length, datagram.length)
                            .isInstanceOf(NetlinkParseException.class);
                }
            }
        }
    }

    @Test
    void truncatedMessagesWithConsistentLengthsFailWithParseErrorOnly() {
        // The nlmsghdr agrees with the cut, so the damage is only found inside: headers, attributes.
        for (Object[] capture : CapturedReplies.all()) {
            byte[] datagram = (byte[]) capture[0];
            int first = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()).getInt(0);
            for (int length = NetlinkConstants.NLMSG_HDRLEN; length < first; length++) {
                byte[] cut = Arrays.copyOf(datagram, length);
                ByteBuffer.wrap(cut).order(ByteOrder.nativeOrder()).putInt(0, length);
                assertTypedOrNone(catchAll(cut, (int) capture[1]), "message cut to " + length + " bytes");
            }
        }
    }

    @Test
    void randomCorruptionFailsWithTypedErrorsOnly() {
        Random random = new Random(20240611);
        Object[][] captures = CapturedReplies.all();
        for (int round = 0; round < 50_000; round++) {
            Object[] capture = captures[random.nextInt(captures.length)];
            byte[] datagram = ((byte[]) capture[0]).clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                datagram[random.nextInt(datagram.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(datagram.length + 1) : datagram.length;
            assertTypedOrNone(catchAll(Arrays.copyOf(datagram, length), (int) capture[1]), "round " + round);
        }
    }

    @Test
    void randomBytesFailWithTypedErrorsOnly() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] datagram = new byte[random.nextInt(200)];
            random.nextBytes(datagram);
            if (datagram.length >= 16) {
                // A plausible header, so the bytes get past the first check and into the parsers.
                ByteBuffer header = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
                header.putInt(0, 16 + random.nextInt(datagram.length - 15)).putInt(8, 1);
                header.putShort(4, (short) (1 + random.nextInt(30)));
            }
            assertTypedOrNone(catchAll(datagram, 1), "round " + round);
        }
    }

    private <T> boolean decode(byte[] datagram, int seq, NetlinkSocket.ReplyParser<T> parser, List<T> out)
            throws Exception {
        // Exactly the received bytes and nothing after them, so any overread would surface.
        ByteBuffer buffer = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
        return decoder.decode(buffer, datagram.length, seq, parser, out, "test", "br0");
    }

    /** Runs every codec on every message, as the union of what {@link RtNetlink} might ask for. */
    private Throwable catchAll(byte[] datagram, int seq) {
        try {
            decode(datagram, seq, reply -> {
                LinkCodec.parse(reply);
                AddressCodec.parse(reply);
                RouteCodec.parse(reply);
                return NeighbourCodec.parseFdb(reply);
            }, new ArrayList<>());
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** A corrupted reply may still be a valid NLMSG_ERROR, so NetlinkException is an answer too. */
    private static void assertTypedOrNone(Throwable thrown, String what) {
        if (thrown != null) {
            assertThat(thrown).as(what).isInstanceOfAny(NetlinkParseException.class, NetlinkException.class);
        }
    }
}
