package io.trellis.daemon.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * Formats an event as one logfmt line: {@code ts}, {@code level}, {@code logger} (the class's simple
 * name), {@code msg}, then MDC entries (sorted by key) and the SLF4J 2 key-value pairs in call order.
 * A throwable adds {@code err="Class: message"} and its stack trace on the following lines, each
 * indented by a tab so that log shippers fold them into the event (a line starting with whitespace
 * continues the previous one).
 */
public final class LogfmtLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256);
        line.append("ts=").append(TIMESTAMP.format(event.getInstant()));
        field(line, "level", event.getLevel().toString().toLowerCase(Locale.ROOT));
        field(line, "logger", simpleName(event.getLoggerName()));
        field(line, "msg", event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            new TreeMap<>(mdc).forEach((key, value) -> field(line, key, value));
        }
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            pairs.forEach(pair -> field(line, pair.key, String.valueOf(pair.value)));
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(line, "err", headline(thrown));
        }
        line.append('\n');
        if (thrown != null) {
            appendStackTrace(line, thrown, "\t");
        }
        return line.toString();
    }

    private static String simpleName(String loggerName) {
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }

    private static void field(StringBuilder line, String key, String value) {
        line.append(' ');
        appendKey(line, key);
        line.append('=');
        appendValue(line, value == null ? "null" : value);
    }

    /** A key cannot be quoted in logfmt: characters that would end it become {@code _}. */
    private static void appendKey(StringBuilder line, String key) {
        if (key == null || key.isEmpty()) {
            line.append('_');
            return;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            line.append(c <= ' ' || c == '=' || c == '"' ? '_' : c);
        }
    }

    /**
     * Quoted only when needed, as go-logfmt does: when empty or holding a space, {@code =},
     * {@code "} or a control character. Inside quotes {@code \} and {@code "} are escaped and control
     * characters written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code u00XX}.
     */
    private static void appendValue(StringBuilder line, String value) {
        if (!needsQuotes(value)) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> line.append('\\').append(c);
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    private static boolean needsQuotes(String value) {
        if (value.isEmpty()) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static String headline(IThrowableProxy thrown) {
        return thrown.getMessage() == null ? thrown.getClassName() : thrown.getClassName() + ": " + thrown.getMessage();
    }

    /**
     * The stack trace as {@code Throwable.printStackTrace} lays it out, minus the headline already in
     * {@code err}, with a tab before every line. Newlines in nested headlines are escaped so no line
     * starts without a tab.
     */
    private static void appendStackTrace(StringBuilder out, IThrowableProxy thrown, String indent) {
        StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
        int common = thrown.getCommonFrames();
        for (int i = 0; i < frames.length - common; i++) {
            out.append(indent).append('\t').append(frames[i].getSTEAsString()).append('\n');
        }
        if (common > 0) {
            out.append(indent).append("\t... ").append(common).append(" more\n");
        }
        IThrowableProxy[] suppressed = thrown.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy s : suppressed) {
                out.append(indent).append("\tSuppressed: ").append(oneLine(headline(s))).append('\n');
                appendStackTrace(out, s, indent + "\t");
            }
        }
        IThrowableProxy cause = thrown.getCause();
        if (cause != null) {
            out.append(indent).append("Caused by: ").append(oneLine(headline(cause))).append('\n');
            appendStackTrace(out, cause, indent);
        }
    }

    private static String oneLine(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }
}
