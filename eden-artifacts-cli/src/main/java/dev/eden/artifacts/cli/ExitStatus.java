package dev.eden.artifacts.cli;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ProblemType;
import dev.eden.artifacts.client.ArtifactDigestMismatchException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The command's exit statuses, one per outcome class, and the one line that names a failure. The
 * mapping is keyed on the problem {@code type} URI the server sent, never on the HTTP status alone,
 * and lives here only; {@code --help} and the README show {@link #HELP}.
 */
final class ExitStatus {
  static final int OK = 0;
  /** A failure of the command itself: a bug. */
  static final int FAILURE = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int FORBIDDEN = 4;
  static final int UNAUTHORIZED = 5;
  static final int PAYLOAD_TOO_LARGE = 6;
  static final int BAD_REQUEST = 7;
  static final int DIGEST_MISMATCH = 8;
  static final int IO = 9;
  static final int SERVER = 10;

  /** Status → what it means, in the order {@code --help} lists them. */
  static final Map<String, String> HELP = help();

  private ExitStatus() {}

  private static Map<String, String> help() {
    Map<String, String> help = new LinkedHashMap<>();
    help.put(Integer.toString(OK), "success");
    help.put(Integer.toString(FAILURE), "the command itself failed (a bug: run with --debug and report it)");
    help.put(Integer.toString(USAGE), "usage: a bad or missing argument, option or setting");
    help.put(Integer.toString(NOT_FOUND), "not found: no such artifact here (not-found)");
    help.put(Integer.toString(FORBIDDEN), "forbidden: another worker's artifact (forbidden)");
    help.put(Integer.toString(UNAUTHORIZED), "unauthorized: the bearer was refused (unauthorized)");
    help.put(Integer.toString(PAYLOAD_TOO_LARGE), "payload too large: over the server's cap (payload-too-large)");
    help.put(Integer.toString(BAD_REQUEST), "bad request, or an experiment the server does not serve "
        + "(bad-request, experiment-id-mismatch)");
    help.put(Integer.toString(DIGEST_MISMATCH), "digest mismatch: the bytes do not hash to the server's SHA-256");
    help.put(Integer.toString(IO), "transport or I/O failure: no connection, a time-out, a broken "
        + "transfer, a local file that cannot be read or written, or standard output closed "
        + "before the end (as by | head: the rest is not fetched or checked)");
    help.put(Integer.toString(SERVER), "server error: an internal error (internal), an unknown problem "
        + "type, or an answer the contract does not allow (such as a proxy's error page)");
    return java.util.Collections.unmodifiableMap(help);
  }

  /** The exit status and the message for a failure that ended a command. */
  record Outcome(int status, String title, String detail) {
    /** {@code eden-artifacts: <title>: <detail>}, one line. */
    String line() {
      String text = detail == null || detail.isBlank() ? title : title + ": " + detail;
      return "eden-artifacts: " + text.replaceAll("[\\r\\n]+", " ");
    }
  }

  /** What {@code failure} means for the user. */
  static Outcome of(Throwable failure) {
    if (failure instanceof ArtifactException e) {
      return ofAnswer(e);
    }
    if (failure instanceof ArtifactDigestMismatchException e) {
      return new Outcome(DIGEST_MISMATCH, "digest mismatch", e.getMessage());
    }
    if (failure instanceof StdoutClosedException e) {
      return new Outcome(IO, "cannot write to standard output", e.detail());
    }
    if (failure instanceof NoSuchFileException e) {
      return new Outcome(IO, "no such file", e.getFile());
    }
    if (failure instanceof AccessDeniedException e) {
      return new Outcome(IO, "permission denied", e.getFile());
    }
    if (failure instanceof FileSystemException e) {
      return new Outcome(IO, "file error", e.getMessage());
    }
    if (failure instanceof UnknownHostException e) {
      return new Outcome(IO, "unknown host", e.getMessage());
    }
    if (failure instanceof ConnectException e) {
      return new Outcome(IO, "cannot connect", e.getMessage());
    }
    if (failure instanceof SocketTimeoutException e) {
      return new Outcome(IO, "timed out", e.getMessage());
    }
    if (failure instanceof IOException e) {
      return new Outcome(IO, "transfer failed", messageOf(e));
    }
    return new Outcome(FAILURE, "unexpected failure", messageOf(failure));
  }

  private static Outcome ofAnswer(ArtifactException e) {
    Optional<ProblemType> type = ProblemType.fromUri(e.typeUri());
    int status = type.map(t -> switch (t) {
      case NOT_FOUND -> NOT_FOUND;
      case FORBIDDEN -> FORBIDDEN;
      case UNAUTHORIZED -> UNAUTHORIZED;
      case PAYLOAD_TOO_LARGE -> PAYLOAD_TOO_LARGE;
      case BAD_REQUEST, EXPERIMENT_ID_MISMATCH -> BAD_REQUEST;
      case INTERNAL -> SERVER;
    }).orElse(SERVER);
    String title = e.remoteProblem().map(p -> p.title()).filter(t -> t != null && !t.isBlank())
        .orElseGet(() -> type.map(ProblemType::title).orElse("HTTP " + e.status()));
    String detail = e.getMessage();
    return new Outcome(status, title, title.equals(detail) ? null : detail);
  }

  private static String messageOf(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
