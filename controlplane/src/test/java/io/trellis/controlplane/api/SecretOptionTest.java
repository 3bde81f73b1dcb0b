package io.trellis.controlplane.api;

import static io.trellis.controlplane.store.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.controlplane.store.ClusterSnapshot;
import io.trellis.controlplane.store.Secret;
import io.trellis.controlplane.store.SecretReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretOptionTest {
    private static final ClusterSnapshot VIEW = new ClusterSnapshot(1, null, Map.of(), Map.of(), Map.of(), Map.of(),
            Map.of("id1", new Secret("id1", "db_pw", null, T0, T0, new byte[] {1}),
                    "id2", new Secret("id2", "api_key", null, T0, T0, new byte[] {2})));

    @Test
    void aNameAloneIsReadableByAllAsItsOwnName() {
        assertThat(SecretOption.parse("--secret", "db_pw"))
                .isEqualTo(new SecretOption.Parsed("db_pw", "db_pw", 0, 0, 0444));
    }

    @Test
    void theLongFormTakesTargetOwnerAndAnOctalMode() {
        assertThat(SecretOption.parse("--secret", "source=db_pw,target=password,uid=1000,gid=50,mode=0400"))
                .isEqualTo(new SecretOption.Parsed("db_pw", "password", 1000, 50, 0400));
        assertThat(SecretOption.parse("--secret", "src=db_pw,dst=pw,mode=640"))
                .isEqualTo(new SecretOption.Parsed("db_pw", "pw", 0, 0, 0640));
        assertThat(SecretOption.parse("--secret", "source=db_pw"))
                .isEqualTo(new SecretOption.Parsed("db_pw", "db_pw", 0, 0, 0444));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "source=a,target=x/y | target \"x/y\" must be a file name: no '/', not '.' or '..'",
            "source=a,target=.. | target \"..\" must be a file name",
            "source=a,target=. | target \".\" must be a file name",
            "source=a,target=/etc/passwd | target \"/etc/passwd\" must be a file name",
            "target=x | source is required",
            "source=a,mode=0999 | mode \"0999\" must be octal permission bits",
            "source=a,mode=rw | mode \"rw\" must be octal",
            "source=a,uid=-1 | uid \"-1\" must be a number, 0 or more",
            "source=a,gid=x | gid \"x\" must be a number",
            "source=a,size=1 | unknown field size (use source, target, uid, gid, mode)",
            "source=a,source=b | source is given twice",
            "source=a,,mode=1 | expected KEY=VALUE pairs",
    })
    void badValuesAreOneLineNamingTheFlag(String text, String why) {
        assertThatThrownBy(() -> SecretOption.parse("--secret", text))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("invalid --secret \"" + text + "\": ")
                .hasMessageContaining(why);
    }

    @Test
    void referencesResolveNamesAndRefuseUnknownSecretsAndSharedTargets() {
        List<SecretReference> refs = SecretOption.references(VIEW, "--secret",
                List.of("db_pw", "source=api_key,target=key,uid=1,gid=2,mode=0400"));
        assertThat(refs).containsExactly(new SecretReference("id1", "db_pw", "db_pw", 0, 0, 0444),
                new SecretReference("id2", "api_key", "key", 1, 2, 0400));

        assertThatThrownBy(() -> SecretOption.references(VIEW, "--secret", List.of("nope")))
                .hasMessage("no such secret: nope");
        assertThatThrownBy(() -> SecretOption.references(VIEW, "--secret",
                List.of("source=db_pw,target=x", "source=api_key,target=x")))
                .hasMessage("invalid --secret: two secrets have the target x");
    }
}
