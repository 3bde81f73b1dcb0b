package io.trellis.daemon.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogbackConfigurationTest {

    /** Loads the shipped logback.xml into a fresh context, leaving the test JVM's logging alone. */
    private static LoggerContext configure(String levelProperty) throws JoranException {
        LoggerContext context = new LoggerContext();
        if (levelProperty != null) {
            context.putProperty("trellis.log.level", levelProperty);
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogbackConfigurationTest.class.getResource("/logback.xml"));
        return context;
    }

    @Test
    void logsLogfmtToStderrAtInfoWithNoisyLibrariesQuieted() throws JoranException {
        LoggerContext context = configure(null);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.ratis.server").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.ratis.thirdparty.io.grpc").getEffectiveLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("io.netty.channel").getEffectiveLevel()).isEqualTo(Level.WARN);

        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout())
                .isInstanceOf(LogfmtLayout.class);
        context.stop();
    }

    @Test
    void levelFollowsTheTrellisLogLevelProperty() throws JoranException {
        LoggerContext context = configure("debug");

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        context.stop();
    }
}
