package io.trellis.daemon.runtime.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image the Docker tests run: busybox from this machine (the {@code busybox-static} package) on an
 * empty base, built by Testcontainers without any registry, and kept under a fixed tag between runs.
 */
final class TestImage {
    static final String NAME = "trellis-test/busybox:1";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private TestImage() {
    }

    /** Skips the calling test with one line unless Docker answers and the image can be built. */
    static String build() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to pin container namespaces");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (apt install busybox-static)");
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "needs a running Docker daemon at /var/run/docker.sock");
        return new ImageFromDockerfile(NAME, false)
                .withFileFromPath("busybox", BUSYBOX)
                .withDockerfileFromBuilder(b -> b.from("scratch")
                        .copy("busybox", "/bin/busybox")
                        .run("/bin/busybox", "--install", "-s", "/bin")
                        .run("/bin/busybox", "mkdir", "-p", "/tmp", "/etc", "/run")
                        .build())
                .get();
    }
}
