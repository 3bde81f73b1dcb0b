package io.trellis.daemon.cluster;

import io.trellis.api.Json;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.protocol.ClusterMessages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * A node's client for the managers' cluster port: HTTPS with this node's certificate, trusting
 * only managers of its cluster (or, while joining, the CA the token names). JDK HttpClient, so
 * idle connections are reused between heartbeats.
 */
public final class ClusterClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http;

    private ClusterClient(SSLContext context) {
        this.http = HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** For a member: presents {@code tls}' certificate and accepts managers of the same cluster only. */
    public static ClusterClient member(NodeTls tls) {
        return new ClusterClient(tls.sslContext(ClusterTrust.managers(tls.ca(), tls.identity().clusterId())));
    }

    /** For a member whose certificate may be renewed while the client lives. */
    public static ClusterClient member(javax.net.ssl.KeyManager keys, NodeTls tls) {
        return new ClusterClient(NodeTls.sslContext(keys, ClusterTrust.managers(tls.ca(), tls.identity().clusterId())));
    }

    /** For a node that has no certificate yet; {@code trust} pins the CA (see TokenPinnedTrust). */
    public static ClusterClient anonymous(TrustManager trust) {
        return new ClusterClient(NodeTls.anonymous(trust));
    }

    public <T> T post(String manager, String path, Object body, Class<T> reply, Duration timeout)
            throws ClusterException {
        return send(manager, HttpRequest.newBuilder(uri(manager, path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
                .header("Content-Type", "application/json"), reply, timeout);
    }

    public <T> T get(String manager, String path, Class<T> reply, Duration timeout) throws ClusterException {
        return send(manager, HttpRequest.newBuilder(uri(manager, path)).GET(), reply, timeout);
    }

    private <T> T send(String manager, HttpRequest.Builder request, Class<T> reply, Duration timeout)
            throws ClusterException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ClusterException("cannot reach manager " + manager + ": " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while talking to manager " + manager, e);
        }
        if (response.statusCode() / 100 != 2) {
            ClusterMessages.Refusal refusal;
            try {
                refusal = Json.read(response.body(), ClusterMessages.Refusal.class);
            } catch (IllegalArgumentException e) {
                refusal = new ClusterMessages.Refusal("HTTP " + response.statusCode(), null);
            }
            throw new ClusterException(response.statusCode(), refusal.message(), refusal.leader());
        }
        try {
            return Json.read(response.body(), reply);
        } catch (IllegalArgumentException e) {
            throw new ClusterException("manager " + manager + " sent an unreadable reply: " + e.getMessage(), e);
        }
    }

    private static URI uri(String manager, String path) {
        return URI.create("https://" + manager + path);
    }

    /** The most telling line of a connection failure: a certificate check beats "handshake failed". */
    public static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException && t.getMessage() != null) {
                return "TLS handshake failed (" + t.getMessage() + ")";
            }
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
