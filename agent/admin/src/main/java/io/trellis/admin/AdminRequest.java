package io.trellis.admin;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * One admin API request, decoded and detached from Netty.
 *
 * @param method     upper-case HTTP method
 * @param path       percent-decoded path without the query
 * @param query      query parameters in arrival order; a repeated name keeps every value
 * @param pathParams values of the route template's {@code {name}} segments
 * @param body       request body, empty when there is none
 * @param peerCertificates the client's certificate chain, verified by the TLS handshake; empty
 *                   when the connection is not TLS or the client sent none
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query,
                           Map<String, String> pathParams, byte[] body, List<X509Certificate> peerCertificates) {

    public AdminRequest {
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
        body = body == null ? new byte[0] : body;
        peerCertificates = peerCertificates == null ? List.of() : List.copyOf(peerCertificates);
    }

    /** A request that did not come over TLS with a client certificate (the Unix socket, tests). */
    public AdminRequest(String method, String path, Map<String, List<String>> query, Map<String, String> pathParams,
                        byte[] body) {
        this(method, path, query, pathParams, body, List.of());
    }

    /**
     * The JSON body as {@code type}.
     *
     * @throws IllegalArgumentException one line saying what is malformed
     */
    public <T> T bodyAs(Class<T> type) {
        return io.trellis.api.Json.read(body, type);
    }

    /** The first value of a query parameter, or {@code null} when absent. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The value of a {@code {name}} segment of the matched route, or {@code null} when absent. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    AdminRequest withPathParams(Map<String, String> params) {
        return new AdminRequest(method, path, query, params, body, peerCertificates);
    }
}
