package io.trellis.admin;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An admin API reply: a status and either a complete body (sent with {@code Content-Length}) or a
 * {@link StreamingBody} (sent with chunked encoding). Immutable.
 */
public final class AdminResponse {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final StreamingBody streamingBody;
    private final Map<String, String> headers;

    private AdminResponse(int status, String contentType, byte[] body, StreamingBody streamingBody,
                          Map<String, String> headers) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.streamingBody = streamingBody;
        this.headers = Map.copyOf(headers);
    }

    public static AdminResponse json(int status, byte[] body) {
        return new AdminResponse(status, JSON, body, null, Map.of());
    }

    public static AdminResponse text(int status, String text) {
        return new AdminResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8), null, Map.of());
    }

    /** {@code {"message": "..."}}, the shape Docker's API uses for errors. */
    public static AdminResponse error(int status, String message) {
        String quoted = new String(JsonStringEncoder.getInstance().quoteAsString(message));
        return json(status, ("{\"message\":\"" + quoted + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** A 200 reply whose body {@code body} writes over time. */
    public static AdminResponse stream(String contentType, StreamingBody body) {
        return new AdminResponse(200, contentType, new byte[0], body, Map.of());
    }

    /** A copy with one more header, such as {@code Allow} on a 405. */
    public AdminResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new AdminResponse(status, contentType, body, streamingBody, more);
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The complete body; empty for a streaming reply. */
    public byte[] body() {
        return body;
    }

    /** The body writer of a streaming reply, {@code null} otherwise. */
    public StreamingBody streamingBody() {
        return streamingBody;
    }

    public boolean isStreaming() {
        return streamingBody != null;
    }

    /** Extra headers; the server sets content type, length and connection handling itself. */
    public Map<String, String> headers() {
        return headers;
    }
}
