package dev.eden.artifacts.client;

import dev.eden.artifacts.ArtifactException;
import dev.eden.artifacts.ProblemDetails;
import dev.eden.artifacts.ProblemType;

/**
 * A slice was asked to start past the end of the artifact ({@link StoreClient#openArtifact(String,
 * long)} with an offset greater than the artifact's size): the server answered {@code 416 Range Not
 * Satisfiable} (RFC 9110 §15.5.17), or, not taking ranges, sent fewer bytes than the offset. An
 * offset equal to the size is not an error: it opens an empty stream.
 *
 * <p>An {@link ArtifactException}, unchecked: the server answered. {@link #typeUri()} is what the
 * server sent ({@code about:blank} for this project's server, or when the answer had no problem
 * body), {@link #status()} the answer's status, {@link #type()} {@link ProblemType#INTERNAL}.
 * Immutable.
 */
public class RangeNotSatisfiableException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final long artifactSize;

  /**
   * @param offset the offset asked for, in bytes
   * @param artifactSize the artifact's size in bytes, from {@code Content-Range: bytes *}{@code /N},
   *     or {@code -1} if the answer did not say
   * @param problem what the server sent (its type is not one of {@link ProblemType})
   * @throws IllegalArgumentException if {@code problem.type()} is one of {@link ProblemType}
   */
  public RangeNotSatisfiableException(long offset, long artifactSize, ProblemDetails problem) {
    super("offset " + offset + " is past the end of the artifact"
        + (artifactSize >= 0 ? " (" + artifactSize + " bytes)" : ""), problem);
    this.offset = offset;
    this.artifactSize = artifactSize;
  }

  /** The offset asked for, in bytes. */
  public long offset() {
    return offset;
  }

  /** The artifact's size in bytes as the server announced it, or {@code -1} if it did not. */
  public long artifactSize() {
    return artifactSize;
  }
}
