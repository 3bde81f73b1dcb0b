package io.trellis.testing.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * The image the Docker tests run: busybox from this machine (the {@code busybox-static} package) on an
 * empty base, built through Testcontainers' Engine client without any registry, kept under a fixed tag.
 */
public final class DockerTestImage {
    public static final String NAME = "trellis-test/busybox:1";
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String DOCKERFILE = String.join("\n",
            "FROM scratch",
            "COPY busybox /bin/busybox",
            "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]",
            "RUN [\"/bin/busybox\", \"mkdir\", \"-p\", \"/tmp\", \"/etc\", \"/run\"]",
            "");

    private DockerTestImage() {
    }

    /** Skips the calling test with one line unless Docker answers; builds the image once. */
    public static String build() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to pin container namespaces");
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "needs " + BUSYBOX + " (apt install busybox-static)");
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "needs a running Docker daemon at /var/run/docker.sock");
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(NAME).exec();
            return NAME;
        } catch (NotFoundException missing) {
            // built below
        }
        Path context = Files.createTempDirectory("trellis-image");
        try {
            Files.copy(BUSYBOX, context.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
            docker.buildImageCmd(context.toFile()).withTags(Set.of(NAME)).withPull(false).start().awaitImageId();
            return NAME;
        } finally {
            for (String f : new String[] {"busybox", "Dockerfile"}) {
                Files.deleteIfExists(context.resolve(f));
            }
            Files.deleteIfExists(context);
        }
    }
}
