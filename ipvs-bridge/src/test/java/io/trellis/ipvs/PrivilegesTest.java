package io.trellis.ipvs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrivilegesTest {

    @Test
    void isRootMatchesEffectiveUidInProcStatus() throws IOException {
        // "Uid:\treal\teffective\tsaved\tfs"
        String uids = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();

        assertThat(Privileges.isRoot()).isEqualTo(uids.split("\\s+")[2].equals("0"));
    }

    @Test
    void missingForNetnsIsEmptyExactlyForRootOnNamespaceKernel() {
        boolean able = Privileges.isRoot() && Files.exists(Path.of("/proc/self/ns/net"));

        assertThat(Privileges.missingForNetns().isEmpty()).isEqualTo(able);
        Privileges.missingForNetns().ifPresent(reason -> assertThat(reason).doesNotContain("\n"));
    }
}
