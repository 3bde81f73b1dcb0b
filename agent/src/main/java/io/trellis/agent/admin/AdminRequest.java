package io.trellis.agent.admin;

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
 */
public record AdminRequest(String method, String path, Map<String, List<String>> query,
                           Map<String, String> pathParams, byte[] body) {

    public AdminRequest {
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
        body = body == null ? new byte[0] : body;
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
        return new AdminRequest(method, path, query, params, body);
    }
}
