package dev.eden.artifacts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Root of every failure this library reports as a problem: one a service in this process raised
 * (the server renders it as problem+json), or one a client rebuilt from a server's answer (the
 * client throws it). Each subclass maps to exactly one {@link ProblemType}, so an HTTP binding
 * renders it and a client rebuilds it without guessing. Unchecked: an answer is not a transport
 * failure.
 *
 * <p>A rebuilt failure is an instance of the same public class a service would throw, so
 * {@code catch (ArtifactNotFoundException e)} works the same in-process and over the wire, and it
 * carries the {@linkplain #remoteProblem() problem the server sent}, including a {@code type} URI
 * outside {@link ProblemType} (another server's vocabulary).
 *
 * <p>The message is the problem's {@code detail}: it is written for the caller and never carries
 * secrets or internals.
 */
public abstract class ArtifactException extends RuntimeException {
  private static final long serialVersionUID = 2L;

  private final ProblemType type;
  private final ProblemDetails remote;

  protected ArtifactException(ProblemType type, String detail) {
    this(type, detail, null);
  }

  protected ArtifactException(ProblemType type, String detail, Throwable cause) {
    super(detail, cause);
    this.type = requireNonNull(type, "type");
    this.remote = null;
  }

  /**
   * A failure rebuilt from a problem answer of a type in this library's vocabulary. The message is
   * the problem's detail, else its title, else its type URI.
   *
   * @throws IllegalArgumentException if {@code remote.type()} is not {@code type.uri()}
   */
  protected ArtifactException(ProblemType type, ProblemDetails remote) {
    super(messageOf(requireNonNull(remote, "remote")));
    this.type = requireNonNull(type, "type");
    if (!type.uri().equals(remote.type())) {
      throw new IllegalArgumentException(
          "problem type " + remote.type() + " is not " + type.uri());
    }
    this.remote = remote;
  }

  /**
   * A failure rebuilt from an answer whose type URI is outside {@link ProblemType} (including
   * {@link ProblemDetails#ABOUT_BLANK} for an answer without a problem body). Such a failure is
   * {@linkplain #type() reported} as {@link ProblemType#INTERNAL}.
   *
   * @throws IllegalArgumentException if {@code remote.type()} is one of {@link ProblemType}: those
   *     have their own class
   */
  protected ArtifactException(String message, ProblemDetails remote) {
    super(message);
    requireNonNull(remote, "remote");
    if (ProblemType.fromUri(remote.type()).isPresent()) {
      throw new IllegalArgumentException(
          "problem type " + remote.type() + " has its own exception class");
    }
    this.type = ProblemType.INTERNAL;
    this.remote = remote;
  }

  private static String messageOf(ProblemDetails problem) {
    if (problem.detail() != null) {
      return problem.detail();
    }
    return problem.title() != null ? problem.title() : problem.type();
  }

  /**
   * The problem type this failure is reported as by this library's server. A failure rebuilt from
   * an answer whose type URI is outside this vocabulary is reported as
   * {@link ProblemType#INTERNAL}: an answer this library cannot classify is never passed on as one of its
   * own types (WIRE-CONTRACT §6, the vocabulary is closed). To key on what a server sent, use
   * {@link #typeUri()}.
   */
  public ProblemType type() {
    return type;
  }

  /**
   * The problem {@code type} URI: what the server sent for a rebuilt failure (any URI), otherwise
   * {@code type().uri()}. Never null.
   */
  public String typeUri() {
    return remote != null ? remote.type() : type.uri();
  }

  /** The HTTP status: the answer's for a rebuilt failure, otherwise {@code type().status()}. */
  public int status() {
    return remote != null ? remote.status() : type.status();
  }

  /** The problem detail: same as {@link #getMessage()}. */
  public String detail() {
    return getMessage();
  }

  /**
   * The problem as the server sent it, for a failure a client rebuilt from an answer; empty for a
   * failure raised in this process.
   */
  public Optional<ProblemDetails> remoteProblem() {
    return Optional.ofNullable(remote);
  }
}
