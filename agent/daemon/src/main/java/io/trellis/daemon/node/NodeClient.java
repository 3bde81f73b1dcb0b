package io.trellis.daemon.node;

import io.trellis.api.Json;
import io.trellis.controlplane.pki.ClusterTrust;
import io.trellis.controlplane.pki.NodeTls;
import io.trellis.controlplane.protocol.ClusterMessages;
import io.trellis.controlplane.store.Node;
import io.trellis.daemon.cluster.ClusterClient;
import io.trellis.daemon.cluster.ClusterException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A manager's client for nodes' ports ({@link NodePort}): presents the manager's certificate, and accepts
 * the answer only from the node it meant to reach (the certificate's node ID), since an address says little.
 */
public final class NodeClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Until the node answers with headers; a streamed body then takes as long as it takes. */
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final ClusterTrust anyNode;
    private final int port;

    public NodeClient(KeyManager keys, NodeTls tls, int port) {
        this.anyNode = ClusterTrust.anyNode(tls.ca(), tls.identity().clusterId());
        this.http = HttpClient.newBuilder()
                .sslContext(NodeTls.sslContext(keys, anyNode))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
        this.port = port;
    }

    /**
     * Sends a request to {@code node} and returns its body as it streams in; the caller closes it.
     *
     * @param body JSON body for a POST, null for a GET
     * @throws ClusterException one line: unreachable, not the node expected, or the node's refusal
     */
    public InputStream open(Node node, String path, Object body) throws ClusterException {
        String where = node.hostname() + " (" + node.address() + ":" + port + ")";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + authority(node) + path))
                .timeout(HEADERS_TIMEOUT);
        if (body == null) {
            request.GET();
        } else {
            request.POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
                    .header("Content-Type", "application/json");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ClusterException("cannot reach node " + where + ": " + ClusterClient.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while talking to node " + where, e);
        }
        InputStream in = response.body();
        try {
            checkPeer(node, response.sslSession().orElse(null));
            if (response.statusCode() / 100 != 2) {
                String message;
                try {
                    message = Json.read(in.readNBytes(64 * 1024), ClusterMessages.Refusal.class).message();
                } catch (IllegalArgumentException e) {
                    message = "HTTP " + response.statusCode();
                }
                throw new ClusterException(response.statusCode(), "node " + node.hostname() + ": " + message, null);
            }
            return in;
        } catch (IOException | ClusterException | RuntimeException e) {
            closeQuietly(in);
            if (e instanceof ClusterException c) {
                throw c;
            }
            throw new ClusterException("node " + where + " sent an unreadable reply: " + e.getMessage(), e);
        }
    }

    private void checkPeer(Node node, SSLSession session) throws ClusterException {
        try {
            if (session == null) {
                throw new CertificateException("no TLS session");
            }
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
            String id = anyNode.verify(x509).nodeId();
            if (!id.equals(node.id())) {
                throw new CertificateException("the answer came from node " + id + ", not " + node.id());
            }
        } catch (CertificateException | SSLPeerUnverifiedException | ArrayStoreException e) {
            throw new ClusterException("node " + node.hostname() + " could not be verified: " + e.getMessage(), e);
        }
    }

    private String authority(Node node) {
        String host = node.address().contains(":") ? "[" + node.address() + "]" : node.address();
        return host + ":" + port;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing more to do with a reply we are dropping
        }
    }
}
