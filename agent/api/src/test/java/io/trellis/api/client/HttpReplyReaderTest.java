package io.trellis.api.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class HttpReplyReaderTest {

    private static String read(String wire, int expectedStatus) throws IOException {
        HttpReplyReader reply = HttpReplyReader.readHead(new ByteArrayInputStream(wire.getBytes(ISO_8859_1)));
        assertThat(reply.status()).isEqualTo(expectedStatus);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        reply.copyBody(body);
        return body.toString(ISO_8859_1);
    }

    @Test
    void readsAContentLengthBodyAndIgnoresWhatFollows() throws IOException {
        assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, trailing junk", 200)).isEqualTo("hello");
    }

    @Test
    void decodesChunksWithExtensionsAndTrailers() throws IOException {
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6;name=value\r\nfirst\n\r\n" + "7\r\nsecond\n\r\n" + "0\r\nX-Trailer: 1\r\n\r\n";

        assertThat(read(wire, 200)).isEqualTo("first\nsecond\n");
    }

    @Test
    void skipsInterimRepliesAndToleratesBareLineFeeds() throws IOException {
        assertThat(read("HTTP/1.1 100 Continue\n\nHTTP/1.1 404 Not Found\nContent-Length: 2\n\nno", 404)).isEqualTo("no");
    }

    @Test
    void readsToEndOfStreamWithoutFraming() throws IOException {
        assertThat(read("HTTP/1.0 200 OK\r\n\r\nuntil close", 200)).isEqualTo("until close");
    }

    @Test
    void truncatedChunkedBodyIsAnError() {
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nshort", 200))
                .isInstanceOf(EOFException.class)
                .hasMessage("the agent closed the connection before its reply was complete");
    }

    @Test
    void aChunkSizeThatIsNotHexDigitsIsAnError() {
        // "-5" and "+5" are numbers Long.parseLong(s, 16) takes; a chunk size is hex digits only.
        for (String size : new String[] {"-5", "+5", "", "0x5", "5 5", "1000000000000000"}) {
            assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size
                    + "\r\nhello\r\n0\r\n\r\n", 200)).as(size)
                    .isInstanceOf(IOException.class)
                    .hasMessage("the agent sent a malformed chunk size: " + size);
        }
    }

    @Test
    void malformedStatusLineIsAnError() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH_9.2\r\n\r\n", 0))
                .hasMessage("the agent sent a malformed status line: SSH-2.0-OpenSSH_9.2");
    }
}
