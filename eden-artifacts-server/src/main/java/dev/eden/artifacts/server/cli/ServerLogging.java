package dev.eden.artifacts.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.eden.artifacts.server.AccessLog;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The runnable server's logging, set up in code by its {@code main} (never by a {@code logback.xml}
 * in the jar, which would configure the logging of every application that embeds the library): the
 * access log ({@value AccessLog#LOGGER_NAME}), message only, to standard output; every other line to
 * standard error at {@code INFO}, Jetty and Hikari at {@code WARN}. Given {@code
 * -Dlogback.configurationFile=FILE}, Logback reads that file instead and nothing is done here.
 */
final class ServerLogging {
  static final String CONFIGURATION_FILE = "logback.configurationFile";
  private static final String STDERR_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} [%thread] %level %logger - %msg%n";

  private ServerLogging() {}

  static void configure() {
    if (System.getProperty(CONFIGURATION_FILE) != null) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      return; // another SLF4J provider was put on the class path: its own configuration applies
    }
    LoggerContext context = (LoggerContext) factory;
    context.reset();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console(context, "stderr", "System.err", STDERR_PATTERN));
    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
    Logger access = context.getLogger(AccessLog.LOGGER_NAME);
    access.setLevel(Level.INFO);
    access.setAdditive(false);
    access.addAppender(console(context, "access", "System.out", "%msg%n"));
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name,
      String target, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setTarget(target);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
