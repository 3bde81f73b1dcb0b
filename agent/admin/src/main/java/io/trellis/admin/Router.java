package io.trellis.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dispatches requests by method and path template ({@code /services/{id}/logs}). Routes are tried
 * in registration order; register them all before the server starts. An unknown path answers 404,
 * a known path with another method 405 with {@code Allow} (RFC 9110 §15.5.6).
 */
public final class Router implements AdminHandler {
    private final List<Route> routes = new ArrayList<>();

    public Router get(String template, AdminHandler handler) {
        return add("GET", template, handler);
    }

    public Router post(String template, AdminHandler handler) {
        return add("POST", template, handler);
    }

    public Router put(String template, AdminHandler handler) {
        return add("PUT", template, handler);
    }

    public Router delete(String template, AdminHandler handler) {
        return add("DELETE", template, handler);
    }

    private Router add(String method, String template, AdminHandler handler) {
        routes.add(new Route(method, Route.parse(template), handler));
        return this;
    }

    @Override
    public AdminResponse handle(AdminRequest request) throws Exception {
        String[] segments = Route.segments(request.path());
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = route.match(segments);
            if (params == null) {
                continue;
            }
            if (route.method.equals(request.method())) {
                return route.handler.handle(request.withPathParams(params));
            }
            allowed.add(route.method);
        }
        if (allowed.isEmpty()) {
            return AdminResponse.error(404, "no such endpoint: " + request.path());
        }
        String allow = String.join(", ", allowed);
        return AdminResponse.error(405, request.method() + " is not allowed on " + request.path() + "; use " + allow)
                .withHeader("Allow", allow);
    }

    private record Route(String method, String[] template, AdminHandler handler) {

        static String[] parse(String template) {
            if (!template.startsWith("/")) {
                throw new IllegalArgumentException("route template must start with '/': " + template);
            }
            String[] segments = segments(template);
            Set<String> names = new LinkedHashSet<>();
            for (String segment : segments) {
                if (isParam(segment) && (segment.length() == 2 || !names.add(segment))) {
                    throw new IllegalArgumentException("empty or repeated parameter " + segment + " in " + template);
                }
            }
            return segments;
        }

        /** Path segments without empty ones, so {@code /services/} matches {@code /services}. */
        static String[] segments(String path) {
            return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        }

        static boolean isParam(String segment) {
            return segment.startsWith("{") && segment.endsWith("}");
        }

        /** The path parameters when {@code path} fits this template, {@code null} otherwise. */
        Map<String, String> match(String[] path) {
            if (path.length != template.length) {
                return null;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < path.length; i++) {
                if (isParam(template[i])) {
                    params.put(template[i].substring(1, template[i].length() - 1), path[i]);
                } else if (!template[i].equals(path[i])) {
                    return null;
                }
            }
            return params;
        }
    }
}
