package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.Resources;
import org.junit.jupiter.api.Test;

/** CPUs and memory read as Docker reads them; a reservation above its limit refused. */
class ResourceOptionsTest {

    @Test
    void cpusAreDecimalsInBillionths() {
        assertThat(ResourceOptions.nanoCpus("--limit-cpu", "0.5")).isEqualTo(500_000_000L);
        assertThat(ResourceOptions.nanoCpus("--limit-cpu", "2")).isEqualTo(2_000_000_000L);
        assertThat(ResourceOptions.nanoCpus("--limit-cpu", "0.000000001")).isEqualTo(1);
        assertThatThrownBy(() -> ResourceOptions.nanoCpus("--limit-cpu", "0.0000000001"))
                .hasMessage("invalid --limit-cpu \"0.0000000001\": must be more than 0, in steps of 0.000000001");
        assertThatThrownBy(() -> ResourceOptions.nanoCpus("--reserve-cpu", "0"))
                .hasMessageStartingWith("invalid --reserve-cpu \"0\": must be more than 0");
        assertThatThrownBy(() -> ResourceOptions.nanoCpus("--limit-cpu", "half"))
                .hasMessage("invalid --limit-cpu \"half\": expected a number of CPUs like 0.5 or 2");
        assertThat(ResourceOptions.cpus(1_500_000_000L)).isEqualTo("1.5");
    }

    @Test
    void memoryTakesBinarySuffixes() {
        assertThat(ResourceOptions.bytes("--limit-memory", "256m")).isEqualTo(256L << 20);
        assertThat(ResourceOptions.bytes("--limit-memory", "1g")).isEqualTo(1L << 30);
        assertThat(ResourceOptions.bytes("--limit-memory", "1.5G")).isEqualTo(3L << 29);
        assertThat(ResourceOptions.bytes("--limit-memory", "512k")).isEqualTo(512L << 10);
        assertThat(ResourceOptions.bytes("--limit-memory", "100b")).isEqualTo(100);
        assertThat(ResourceOptions.bytes("--limit-memory", "1024")).isEqualTo(1024);
        assertThat(ResourceOptions.bytes("--limit-memory", "64MiB")).isEqualTo(64L << 20);
        assertThatThrownBy(() -> ResourceOptions.bytes("--reserve-memory", "lots"))
                .hasMessage("invalid --reserve-memory \"lots\": expected a size like 256m, 1g or 512k");
        assertThatThrownBy(() -> ResourceOptions.bytes("--reserve-memory", "0m"))
                .hasMessage("invalid --reserve-memory \"0m\": must be at least 1 byte");
        assertThat(ResourceOptions.memory(256L << 20)).isEqualTo("256MiB");
        assertThat(ResourceOptions.memory(3L << 29)).isEqualTo("1.5GiB");
    }

    @Test
    void aReservationAboveItsLimitIsRefused() {
        assertThat(new ResourceOptions("1", "1g", "0.5", "256m").create())
                .isEqualTo(new Resources(1_000_000_000L, 1L << 30, 500_000_000L, 256L << 20));
        assertThatThrownBy(() -> new ResourceOptions("0.5", null, "1", null).create())
                .hasMessage("--reserve-cpu 1 is more than --limit-cpu 0.5");
        assertThatThrownBy(() -> new ResourceOptions(null, "256m", null, "1g").create())
                .hasMessage("--reserve-memory 1GiB is more than --limit-memory 256MiB");
        Resources current = new Resources(0, 512L << 20, 0, 0);
        assertThatThrownBy(() -> new ResourceOptions(null, null, null, "1g").applyTo(current))
                .hasMessage("--reserve-memory 1GiB is more than --limit-memory 512MiB");
        assertThat(new ResourceOptions(null, null, "2", null).applyTo(current))
                .isEqualTo(new Resources(0, 512L << 20, 2_000_000_000L, 0));
    }
}
