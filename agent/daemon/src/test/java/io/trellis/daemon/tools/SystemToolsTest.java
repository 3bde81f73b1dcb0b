package io.trellis.daemon.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemToolsTest {
    @TempDir
    Path dir;

    @Test
    void findsTheFirstExecutableInTheFixedDirectoriesAndNamesThemWhenMissing() throws Exception {
        Path first = Files.createDirectory(dir.resolve("sbin"));
        Path second = Files.createDirectory(dir.resolve("bin"));
        Files.createFile(first.resolve("nsenter")); // not executable: skipped
        Path real = Files.createFile(second.resolve("nsenter"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        SystemTools tools = new SystemTools(List.of(first, second));

        assertThat(tools.resolve("nsenter")).isEqualTo(real);
        assertThatThrownBy(() -> tools.resolve("unshare"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("unshare not found in " + first + ", " + second + "; install the package that provides it");
    }
}
