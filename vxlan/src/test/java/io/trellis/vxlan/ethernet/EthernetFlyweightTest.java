package io.trellis.vxlan.ethernet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.trellis.vxlan.Malformed;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EthernetFlyweightTest {
    private static final long DST = 0x02_42_0a_00_00_05L;
    private static final long SRC = 0x02_42_0a_00_00_06L;

    @Test
    void untaggedHeaderRoundTrips() {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            assertThat(EthernetEncoder.write(buf, 4, DST, SRC, EtherType.IPV4_VALUE)).isEqualTo(14);
            EthernetFlyweight eth = new EthernetFlyweight().wrap(buf, 4, 60);
            assertThat(eth.check()).isEqualTo(Malformed.NONE);
            assertThat(eth.destination()).isEqualTo(DST);
            assertThat(eth.source()).isEqualTo(SRC);
            assertThat(eth.typeField()).isEqualTo(0x0800);
            assertThat(eth.etherType()).isEqualTo(EtherType.IPV4_VALUE);
            assertThat(eth.hasVlanTag()).isFalse();
            assertThat(eth.vlanId()).isEqualTo(-1);
            assertThat(eth.headerLength()).isEqualTo(14);
            assertThat(eth.payloadOffset()).isEqualTo(18);
            assertThat(eth.payloadLength()).isEqualTo(46);
            assertThat(buf.readerIndex()).isZero();
            assertThat(buf.writerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void vlanTaggedFrameExposesTheTagAndTheInnerType() {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            assertThat(EthernetEncoder.writeTagged(buf, 0, DST, SRC, 100, 5, EtherType.ARP_VALUE)).isEqualTo(18);
            EthernetFlyweight eth = new EthernetFlyweight().wrap(buf, 0, 64);
            assertThat(eth.check()).isEqualTo(Malformed.NONE);
            assertThat(eth.hasVlanTag()).isTrue();
            assertThat(eth.typeField()).isEqualTo(EtherType.VLAN_VALUE);
            assertThat(eth.vlanTci()).isEqualTo(5 << 13 | 100);
            assertThat(eth.vlanId()).isEqualTo(100);
            assertThat(eth.priority()).isEqualTo(5);
            assertThat(eth.dropEligible()).isFalse();
            assertThat(eth.etherType()).isEqualTo(EtherType.ARP_VALUE);
            assertThat(eth.headerLength()).isEqualTo(18);
            assertThat(eth.payloadOffset()).isEqualTo(18);
            // Setters act on the tag and on the inner type.
            eth.vlanId(4094).etherType(EtherType.IPV6_VALUE);
            assertThat(eth.vlanId()).isEqualTo(4094);
            assertThat(eth.priority()).isEqualTo(5);
            assertThat(buf.getUnsignedShort(16)).isEqualTo(EtherType.IPV6_VALUE);
            assertThat(buf.getUnsignedShort(12)).isEqualTo(EtherType.VLAN_VALUE);
        } finally {
            buf.release();
        }
    }

    @Test
    void vlanTaggedFrameThatStopsInsideTheTagIsTruncated() {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            EthernetEncoder.writeTagged(buf, 0, DST, SRC, 7, 0, EtherType.IPV4_VALUE);
            EthernetFlyweight eth = new EthernetFlyweight();
            assertThat(eth.wrap(buf, 0, 17).check()).isEqualTo(Malformed.TRUNCATED);
            assertThat(eth.wrap(buf, 0, 18).check()).isEqualTo(Malformed.NONE);
            assertThat(eth.wrap(buf, 0, 13).check()).isEqualTo(Malformed.TRUNCATED);
            assertThat(eth.wrap(buf, 0, 0).check()).isEqualTo(Malformed.TRUNCATED);
        } finally {
            buf.release();
        }
    }

    @Test
    void encoderRejectsOutOfRangeTags() {
        ByteBuf buf = Unpooled.buffer(64);
        try {
            assertThatThrownBy(() -> EthernetEncoder.writeTagged(buf, 0, DST, SRC, 4096, 0, 0x0800))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VLAN id 4096");
            assertThatThrownBy(() -> EthernetEncoder.writeTagged(buf, 0, DST, SRC, 1, 8, 0x0800))
                    .hasMessageContaining("priority 8");
        } finally {
            buf.release();
        }
    }

    @Test
    void wrapOutsideTheBufferIsRefused() {
        ByteBuf buf = Unpooled.buffer(16, 16);
        assertThatThrownBy(() -> new EthernetFlyweight().wrap(buf, 8, 9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new EthernetFlyweight().wrap(buf, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(new EthernetFlyweight().wrap(buf, 16, 0).check()).isEqualTo(Malformed.TRUNCATED);
        buf.release();
    }

    @Test
    void etherTypeIsAnOpenEnum() {
        assertThat(EtherType.valueOf(0x0800)).isSameAs(EtherType.IPV4);
        assertThat(EtherType.valueOf(0x0806)).isSameAs(EtherType.ARP);
        assertThat(EtherType.valueOf(0x86DD)).isSameAs(EtherType.IPV6);
        assertThat(EtherType.valueOf(0x8100)).isSameAs(EtherType.VLAN);
        EtherType lldp = EtherType.valueOf(0x88CC);
        assertThat(lldp.intValue()).isEqualTo(0x88CC);
        assertThat(lldp).hasToString("UNKNOWN(0x88cc)").isEqualTo(EtherType.valueOf(0x88CC));
        assertThat(lldp.hashCode()).isEqualTo(EtherType.valueOf(0x88CC).hashCode());
        assertThatThrownBy(() -> EtherType.valueOf(0x10000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void macBitsTellGroupBroadcastAndLocalAddresses() {
        assertThat(MacBits.isBroadcast(MacBits.BROADCAST)).isTrue();
        assertThat(MacBits.isBroadcast(0x02_42_c6_33_64_01L)).isFalse();
        assertThat(MacBits.isMulticast(MacBits.BROADCAST)).isTrue();
        assertThat(MacBits.isMulticast(0x33_33_00_00_00_16L)).isTrue();
        assertThat(MacBits.isMulticast(0x02_42_c6_33_64_01L)).isFalse();
        assertThat(MacBits.isLocallyAdministered(0x02_42_c6_33_64_01L)).isTrue();
        assertThat(MacBits.isLocallyAdministered(0x00_1b_21_00_00_01L)).isFalse();
    }
}
