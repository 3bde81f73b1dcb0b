package io.trellis.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogfmtLayoutTest {
    private static final Instant AT = Instant.parse("2026-11-25T20:15:57.123Z");

    private final LoggerContext context = newContext();
    private final Logger logger = context.getLogger("io.trellis.controlplane.orchestrator.Orchestrator");
    private final LogfmtLayout layout = new LogfmtLayout();

    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what SLF4J's service provider does at start-up
        return context;
    }

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, level, message, thrown, args);
        event.setInstant(AT);
        return event;
    }

    @Test
    void writesOneLineWithTimestampLevelLoggerAndMessage() {
        String line = layout.doLayout(event(Level.INFO, "reconciled {} services", null, 3));

        assertThat(line).isEqualTo(
                "ts=2026-11-25T20:15:57.123Z level=info logger=Orchestrator msg=\"reconciled 3 services\"\n");
    }

    @Test
    void appendsMdcSortedThenKeyValuePairsInCallOrder() {
        LoggingEvent event = event(Level.WARN, "restarting", null);
        event.setMDCPropertyMap(Map.of("node", "node1", "component", "worker"));
        event.addKeyValuePair(new KeyValuePair("task", "web.1"));
        event.addKeyValuePair(new KeyValuePair("attempt", 2));

        assertThat(layout.doLayout(event)).isEqualTo("ts=2026-11-25T20:15:57.123Z level=warn logger=Orchestrator "
                + "msg=restarting component=worker node=node1 task=web.1 attempt=2\n");
    }

    @Test
    void quotesAndEscapesOnlyWhereLogfmtNeedsIt() {
        LoggingEvent event = event(Level.DEBUG, "m", null);
        event.addKeyValuePair(new KeyValuePair("path", "C:\\tmp"));
        event.addKeyValuePair(new KeyValuePair("expr", "a=b"));
        event.addKeyValuePair(new KeyValuePair("quote", "say \"hi\" \\o/"));
        event.addKeyValuePair(new KeyValuePair("lines", "one\ntwo\tthree\u0001"));
        event.addKeyValuePair(new KeyValuePair("empty", ""));
        event.addKeyValuePair(new KeyValuePair("nothing", null));
        event.addKeyValuePair(new KeyValuePair("bad key=", "v"));

        assertThat(layout.doLayout(event)).isEqualTo("ts=2026-11-25T20:15:57.123Z level=debug logger=Orchestrator "
                + "msg=m path=C:\\tmp expr=\"a=b\" quote=\"say \\\"hi\\\" \\\\o/\" "
                + "lines=\"one\\ntwo\\tthree\\u0001\" empty=\"\" nothing=null bad_key_=v\n");
    }

    @Test
    void throwableBecomesErrFieldWithTheStackTraceOnTabIndentedLines() {
        IllegalStateException thrown = new IllegalStateException("apply failed",
                new IOException("disk full\nretry later"));

        String text = layout.doLayout(event(Level.ERROR, "commit {} lost", thrown, 42));
        String[] lines = text.split("\n");

        assertThat(lines[0]).isEqualTo("ts=2026-11-25T20:15:57.123Z level=error logger=Orchestrator "
                + "msg=\"commit 42 lost\" err=\"java.lang.IllegalStateException: apply failed\"");
        assertThat(lines[1]).startsWith("\t\tat io.trellis.daemon.logging.LogfmtLayoutTest.");
        assertThat(text).contains("\n\tCaused by: java.io.IOException: disk full\\nretry later\n");
        assertThat(text).containsPattern("\n\t\t\\.\\.\\. \\d+ more\n");
        assertThat(Arrays.copyOfRange(lines, 1, lines.length)).allSatisfy(line -> assertThat(line).startsWith("\t"));
        assertThat(text).endsWith("\n");
    }

    @Test
    void keyValuePairsFromTheFluentApiReachTheLine() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        layout.setContext(context);
        layout.start();
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(sink);
        appender.start();
        logger.addAppender(appender);

        logger.atInfo().addKeyValue("service", "web").addKeyValue("replicas", 3).log("scaled");

        assertThat(sink.toString(StandardCharsets.UTF_8))
                .matches("ts=\\S+Z level=info logger=Orchestrator msg=scaled service=web replicas=3\n");
        appender.stop();
        close(sink);
    }

    private static void close(ByteArrayOutputStream sink) {
        try {
            sink.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
