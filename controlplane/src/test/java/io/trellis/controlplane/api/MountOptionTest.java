package io.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountOptionTest {

    @Test
    void theThreeTypesInDockersLongAndShortKeys() {
        assertThat(MountOption.parse("--mount", "type=volume,source=data,target=/var/lib/db"))
                .isEqualTo(Mount.volume("data", "/var/lib/db", false));
        assertThat(MountOption.parse("--mount", "src=data,dst=/var/lib/db,readonly"))
                .isEqualTo(Mount.volume("data", "/var/lib/db", true));
        assertThat(MountOption.parse("--mount", "type=bind,source=/srv/www,destination=/www,ro=true"))
                .isEqualTo(Mount.bind("/srv/www", "/www", true));
        assertThat(MountOption.parse("--mount", "type=bind,src=/srv/www/,target=/www/../site,ro=0"))
                .isEqualTo(Mount.bind("/srv/www", "/site", false));
        assertThat(MountOption.parse("--mount", "type=tmpfs,target=/cache,tmpfs-size=64m"))
                .isEqualTo(Mount.tmpfs("/cache", 64L << 20));
        assertThat(MountOption.parse("--mount", "type=TMPFS,target=/cache"))
                .isEqualTo(Mount.tmpfs("/cache", 0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "type=volume,source=data | target is required",
            "source=data,target=var/lib | target \"var/lib\" must be an absolute path",
            "source=data,target=/ | target cannot be /",
            "source=data,target=/run/secrets | target /run/secrets is where the secrets go",
            "source=data,target=/run/secrets/x | target /run/secrets/x is where the secrets go",
            "source=data,target=/run/x/../secrets | target /run/secrets is where the secrets go",
            "type=volume,target=/data | a volume needs a source (its name)",
            "source=-data,target=/data | volume name \"-data\" must be 2-255 of [a-zA-Z0-9_.-]",
            "source=d,target=/data | volume name \"d\" must be",
            "source=a/b,target=/data | volume name \"a/b\" must be",
            "type=bind,source=srv,target=/x | bind source \"srv\" must be an absolute path",
            "type=bind,target=/x | a bind mount needs a source",
            "type=tmpfs,source=x,target=/x | a tmpfs takes no source",
            "type=volume,source=data,target=/x,tmpfs-size=1m | tmpfs-size is for type=tmpfs only",
            "type=tmpfs,target=/x,tmpfs-size=lots | tmpfs-size \"lots\": expected a size like 256m",
            "type=nfs,target=/x | type \"nfs\" is not volume, bind or tmpfs",
            "source=data,target=/x,readonly=maybe | readonly \"maybe\" is not true, false, 1 or 0",
            "source=data,target=/x,volume-nocopy | unknown or unsupported field volume-nocopy",
            "source=data,target=/x,target=/y | target is given twice",
            "source=data,,target=/x | expected KEY=VALUE pairs",
            "source,target=/x | source needs a value",
    })
    void badValuesAreOneLineNamingTheFlagAndTheValue(String text, String why) {
        assertThatThrownBy(() -> MountOption.parse("--mount", text))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("invalid --mount")
                .hasMessageContaining(why)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void twoMountsAtOneTargetAreRefused() {
        assertThatThrownBy(() -> MountOption.parseAll("--mount",
                List.of("source=a1,target=/data", "type=tmpfs,target=/data/")))
                .isInstanceOf(ApiException.class)
                .hasMessage("invalid --mount: two mounts have the target /data");
    }

    @Test
    void anUpdateRemovesByTargetThenAddsAndRefusesUnknownTargetsAndClashes() {
        List<Mount> current = List.of(Mount.volume("data", "/data", false), Mount.tmpfs("/cache", 0));

        assertThat(MountOption.update("db", current, List.of("type=bind,src=/etc/ssl,dst=/cache,ro"), List.of("/cache")))
                .containsExactly(Mount.volume("data", "/data", false), Mount.bind("/etc/ssl", "/cache", true));
        assertThatThrownBy(() -> MountOption.update("db", current, List.of(), List.of("/nope")))
                .hasMessage("service db has no mount at /nope");
        assertThatThrownBy(() -> MountOption.update("db", current, List.of("src=more,dst=/data"), List.of()))
                .hasMessage("invalid --mount-add: two mounts have the target /data");
    }
}
