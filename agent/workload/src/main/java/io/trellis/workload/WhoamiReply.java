package io.trellis.workload;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the http workload answers: who served the request, and what it saw of the client. */
record WhoamiReply(WorkloadIdentity identity, String client, String method, String path) {

    /** Field names double as JSON keys, so the two forms read the same. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("task", identity.taskName());
        fields.put("task-id", identity.taskId());
        fields.put("service", identity.serviceName());
        fields.put("node", identity.nodeHostname());
        fields.put("client", client);
        fields.put("method", method);
        fields.put("path", path);
        return fields;
    }

    String text() {
        StringBuilder text = new StringBuilder();
        fields().forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.toString();
    }

    String json() {
        StringBuilder json = new StringBuilder("{");
        fields().forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            quote(json, name).append(':');
            quote(json, value);
        });
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
