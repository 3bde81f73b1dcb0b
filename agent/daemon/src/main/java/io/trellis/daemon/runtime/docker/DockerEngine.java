package io.trellis.daemon.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The node's Docker Engine, reached over its Unix socket with docker-java. Whether it answers is asked
 * again at each use, so a daemon started after the agent is found, and one that stopped is reported.
 */
public final class DockerEngine implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final Path socket;
    private final DockerClient client;

    public DockerEngine(Path socket) {
        this.socket = socket;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix://" + socket)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .maxConnections(32)
                .build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    public DockerClient client() {
        return client;
    }

    /** Empty when the engine answers a ping; else why not, in one line. */
    public Optional<String> unavailable() {
        if (!Files.exists(socket)) {
            return Optional.of("no Docker daemon: " + socket + " does not exist");
        }
        try {
            client.pingCmd().exec();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("the Docker daemon at " + socket + " does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException ignored) {
            // closing a pool of idle connections
        }
    }
}
