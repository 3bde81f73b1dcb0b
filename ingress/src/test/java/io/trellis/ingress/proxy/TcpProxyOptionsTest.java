package io.trellis.ingress.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProxyOptionsTest {
    @Test
    void defaultsAreTwoSecondsAndTwoHours() {
        TcpProxyOptions options = TcpProxyOptions.defaults();
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.idleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(options.proxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        assertThat(UdpProxyOptions.defaults().flowIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(UdpProxyOptions.defaults().maxFlows()).isEqualTo(65_536);
    }

    @Test
    void timeoutsAreNeverShortenedOrZero() {
        assertThat(TcpProxyOptions.defaults().withIdleTimeout(Duration.ofNanos(1_500_000)).idleTimeoutMillis()).isEqualTo(2);
        assertThat(TcpProxyOptions.defaults().withIdleTimeout(Duration.ofDays(30)).idleTimeoutMillis())
                .isEqualTo(Duration.ofDays(30).toMillis());
        assertThatThrownBy(() -> TcpProxyOptions.defaults().withIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle timeout");
        assertThatThrownBy(() -> TcpProxyOptions.defaults().withConnectTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect timeout");
        assertThatThrownBy(() -> UdpProxyOptions.defaults().withMaxFlows(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max flows");
    }
}
