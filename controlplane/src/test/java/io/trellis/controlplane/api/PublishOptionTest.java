package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.PortConfig;
import io.trellis.controlplane.store.PortConfig.ProxyProtocolVersion;
import io.trellis.controlplane.store.PortConfig.PublishMode;
import org.junit.jupiter.api.Test;

/** {@code --publish} as Docker reads it, and one line naming the flag and the problem for every bad value. */
class PublishOptionTest {

    @Test
    void shortFormsDefaultToTcpInIngressMode() {
        assertThat(PublishOption.parse("--publish", "8080:80"))
                .isEqualTo(new PortConfig(8080, 80, PortConfig.Protocol.TCP, PublishMode.INGRESS, null));
        assertThat(PublishOption.parse("--publish", "80"))
                .isEqualTo(new PortConfig(0, 80, PortConfig.Protocol.TCP, PublishMode.INGRESS, null));
        assertThat(PublishOption.parse("--publish", "53:53/udp"))
                .isEqualTo(new PortConfig(53, 53, PortConfig.Protocol.UDP, PublishMode.INGRESS, null));
        assertThat(PublishOption.parse("-p", "53/UDP").protocol()).isEqualTo(PortConfig.Protocol.UDP);
    }

    @Test
    void longFormTakesEveryField() {
        assertThat(PublishOption.parse("--publish",
                "published=8443,target=443,protocol=tcp,mode=host,proxy-protocol=v2"))
                .isEqualTo(new PortConfig(8443, 443, PortConfig.Protocol.TCP, PublishMode.HOST,
                        ProxyProtocolVersion.V2));
        assertThat(PublishOption.parse("--publish", "target=80"))
                .isEqualTo(new PortConfig(0, 80, PortConfig.Protocol.TCP, PublishMode.INGRESS,
                        ProxyProtocolVersion.NONE));
        assertThat(PublishOption.parse("--publish", "Target=5353, protocol=udp ,mode=ingress,published=53"))
                .isEqualTo(new PortConfig(53, 5353, PortConfig.Protocol.UDP, PublishMode.INGRESS, null));
        assertThat(PublishOption.parse("--publish", "published=80,target=80,proxy-protocol=v1").proxyProtocol())
                .isEqualTo(ProxyProtocolVersion.V1);
    }

    @Test
    void badPortsAreRefusedNamingWhichPort() {
        refused("0:80", "published port \"0\" must be a number between 1 and 65535");
        refused("65536", "target port \"65536\" must be a number between 1 and 65535");
        refused("abc", "target port \"abc\" must be a number between 1 and 65535");
        refused("8080:abc/tcp", "target port \"abc\" must be a number between 1 and 65535");
        refused("published=65536,target=80", "published port \"65536\" must be a number between 1 and 65535");
        refused("published=8080,target=0", "target port \"0\" must be a number between 1 and 65535");
    }

    @Test
    void badProtocolModeAndFieldsAreRefused() {
        refused("80/sctp", "unknown protocol \"sctp\": use tcp or udp");
        refused("target=80,protocol=sctp", "unknown protocol \"sctp\": use tcp or udp");
        refused("published=80,target=80,mode=bridge", "unknown mode \"bridge\": use ingress or host");
        refused("target=80,color=red", "unknown field color (use published, target, protocol, mode, proxy-protocol)");
        refused("target=80,published=81,target=82", "target is given twice");
        refused("published=8080", "target is required");
        refused("target=80,80", "expected KEY=VALUE pairs separated by commas");
        refused("published=53,target=53,protocol=udp,proxy-protocol=v2", "proxy-protocol works only with protocol=tcp");
        refused("target=80,proxy-protocol=v3", "unknown proxy-protocol \"v3\": use v1, v2 or none");
        refused("target=80,mode=host", "mode=host needs a published port");
        refused("1.2.3.4:80:80", "a host IP cannot be given: published ports listen on every address");
        refused("", "give [PUBLISHED:]TARGET[/PROTOCOL] or published=P,target=T");
    }

    @Test
    void theMessageNamesTheFlagItCameFrom() {
        assertThatThrownBy(() -> PublishOption.parse("--publish-add", "0"))
                .hasMessage("invalid --publish-add \"0\": target port \"0\" must be a number between 1 and 65535");
    }

    private static void refused(String text, String why) {
        assertThatThrownBy(() -> PublishOption.parse("--publish", text))
                .isInstanceOf(ApiException.class)
                .hasMessage("invalid --publish \"" + text + "\": " + why)
                .extracting(e -> ((ApiException) e).kind()).isEqualTo(ApiException.Kind.INVALID);
    }
}
