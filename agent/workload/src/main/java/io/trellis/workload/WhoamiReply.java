package io.trellis.workload;

import java.util.List;

/** What the http workload answers: who served the request, and what it saw of the client. */
record WhoamiReply(WorkloadIdentity identity, ClientOrigin origin, String method, String path) {

    /**
     * One line of the text form and one member of the JSON form. The address fields take traefik/whoami's
     * names ({@code RemoteAddr:} in text, {@code remoteAddr} in JSON), which users of load balancers know.
     */
    private record Field(String label, String key, String value) {
        static Field named(String name, String value) {
            return new Field(name, name, value);
        }
    }

    private List<Field> fields() {
        return List.of(
                Field.named("task", identity.taskName()),
                Field.named("task-id", identity.taskId()),
                Field.named("service", identity.serviceName()),
                Field.named("node", identity.nodeHostname()),
                new Field("RemoteAddr", "remoteAddr", origin.remoteAddr()),
                new Field("ClientAddr", "clientAddr", origin.clientAddr()),
                new Field("ProxyProtocol", "proxyProtocol", origin.proxyProtocol()),
                Field.named("method", method),
                Field.named("path", path));
    }

    String text() {
        StringBuilder text = new StringBuilder();
        for (Field field : fields()) {
            text.append(field.label()).append(": ").append(field.value()).append('\n');
        }
        return text.toString();
    }

    String json() {
        StringBuilder json = new StringBuilder("{");
        for (Field field : fields()) {
            if (json.length() > 1) {
                json.append(',');
            }
            quote(json, field.key()).append(':');
            quote(json, field.value());
        }
        return json.append("}\n").toString();
    }

    /** A JSON string (RFC 8259 §7); hand-written to keep the workload free of a JSON library. */
    private static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
