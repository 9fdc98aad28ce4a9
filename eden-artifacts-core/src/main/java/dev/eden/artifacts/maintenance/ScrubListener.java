package dev.eden.artifacts.maintenance;

import dev.eden.artifacts.ArtifactMetadata;

/**
 * Hears what a {@linkplain Scrubber scrub} finds while it runs, so damage can be reported (or a
 * progress shown) before the whole store is read. Both methods do nothing by default; implement
 * the ones you need.
 *
 * <p>Called on the thread that runs {@link Scrubber#scrub}, one artifact at a time in listing
 * order, so an implementation needs no synchronisation of its own for one run. An exception thrown
 * by a method stops the scrub and propagates from {@code scrub}.
 */
public interface ScrubListener {
  /** A listener that does nothing: the report's counts are all the caller wants. */
  ScrubListener NONE = new ScrubListener() {};

  /**
   * {@code finding} was found; called before {@link #artifactChecked} for the same artifact. The
   * scrub keeps no list of findings (a badly damaged store could have millions): keep what you
   * need here.
   */
  default void damageFound(ScrubFinding finding) {}

  /** {@code artifact} has been checked, intact or not. */
  default void artifactChecked(ArtifactMetadata artifact) {}
}
