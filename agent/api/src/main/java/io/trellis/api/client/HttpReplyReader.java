package io.trellis.api.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 reply (RFC 9112) from a connection the client will close afterwards: the
 * status line, headers, and a body framed by {@code Content-Length}, chunked encoding or EOF.
 */
final class HttpReplyReader {
    private static final int MAX_LINE = 64 * 1024;
    private static final int COPY_BUFFER = 8 * 1024;

    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;

    private HttpReplyReader(InputStream in, int status, Map<String, String> headers) {
        this.in = in;
        this.status = status;
        this.headers = headers;
    }

    /** Reads up to the end of the headers, skipping interim 1xx replies. */
    static HttpReplyReader readHead(InputStream in) throws IOException {
        while (true) {
            String statusLine = readLine(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("the agent sent a malformed status line: " + statusLine);
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("the agent sent a malformed status line: " + statusLine, e);
            }
            Map<String, String> headers = new HashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            if (status >= 200) {
                return new HttpReplyReader(in, status, headers);
            }
        }
    }

    int status() {
        return status;
    }

    /** Copies the body to {@code out}, flushing after each chunk so streamed lines show at once. */
    void copyBody(OutputStream out) throws IOException {
        if (status == 204 || status == 304) {
            return;
        }
        String transferEncoding = headers.getOrDefault("transfer-encoding", "");
        String contentLength = headers.get("content-length");
        if (transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            copyChunked(out);
        } else if (contentLength != null) {
            copyExactly(parseLength(contentLength), out);
        } else {
            in.transferTo(out);
        }
        out.flush();
    }

    private void copyChunked(OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';'); // chunk extensions, RFC 9112 §7.1.1
            String size = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            // Hex digits only: Long.parseLong would also take a sign, and a negative size.
            if (size.isEmpty() || size.length() > 15 || !size.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IOException("the agent sent a malformed chunk size: " + sizeLine);
            }
            long length = HexFormat.fromHexDigitsToLong(size);
            if (length == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields carry nothing the client needs
                }
                return;
            }
            copyExactly(length, out);
            out.flush();
            if (!readLine(in).isEmpty()) {
                throw new IOException("the agent sent a chunk longer than its declared size");
            }
        }
    }

    private void copyExactly(long length, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(length, 1))];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw truncated();
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IOException("the agent sent a malformed Content-Length: " + value, e);
        }
    }

    /** One line without its CRLF (a bare LF is tolerated, RFC 9112 §2.2). */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw truncated();
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("the agent sent a header line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static EOFException truncated() {
        return new EOFException("the agent closed the connection before its reply was complete");
    }
}
