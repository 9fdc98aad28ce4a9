package dev.eden.artifacts.server.cli;

/**
 * A command cannot start for a reason outside the command line (a bucket that does not exist or
 * does not answer, say): {@link ServerMain} prints the message as one line, without a stack trace,
 * and exits with status 1.
 */
final class StartupFailure extends Exception {
  private static final long serialVersionUID = 1L;

  StartupFailure(String message) {
    super(message);
  }
}
