package io.trellis.daemon.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LbChoiceTest {
    private static final String MISSING = "IPVS is not available in this kernel";

    @Test
    void autoTakesIpvsWhereItAnswersAndSaysWhyNotElsewhere() {
        assertThat(LbChoice.resolve("auto", Optional::empty).mode()).isEqualTo(LbMode.IPVS);
        LbChoice fallback = LbChoice.resolve("auto", () -> Optional.of(MISSING));
        assertThat(fallback.mode()).isEqualTo(LbMode.USERSPACE);
        assertThat(fallback.reason()).isEqualTo("VIPs are balanced in user space: " + MISSING);
        assertThat(fallback.notKernel()).isEqualTo(MISSING);
    }

    @Test
    void ipvsInsistsAndUserspaceAsksNothing() {
        assertThat(LbChoice.resolve("ipvs", Optional::empty).mode()).isEqualTo(LbMode.IPVS);
        assertThatThrownBy(() -> LbChoice.resolve("ipvs", () -> Optional.of(MISSING)))
                .hasMessage("--lb ipvs: " + MISSING);
        AtomicInteger asked = new AtomicInteger();
        LbChoice user = LbChoice.resolve("userspace", () -> {
            asked.incrementAndGet();
            return Optional.empty();
        });
        assertThat(user.mode()).isEqualTo(LbMode.USERSPACE);
        assertThat(asked).hasValue(0);
        assertThatThrownBy(() -> LbChoice.resolve("kube-proxy", Optional::empty))
                .hasMessage("--lb must be ipvs, userspace or auto, not 'kube-proxy'");
    }

    @Test
    void mapsTheServiceAlgorithmsToIpvsSchedulers() {
        assertThat(IpvsVipTables.scheduler("rr")).isEqualTo("rr");
        assertThat(IpvsVipTables.scheduler("least-conn")).isEqualTo("lc");
        assertThat(IpvsVipTables.scheduler("maglev")).isEqualTo("mh");
    }
}
