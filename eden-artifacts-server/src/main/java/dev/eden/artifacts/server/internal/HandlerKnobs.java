package dev.eden.artifacts.server.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.ArtifactHandler;

/**
 * The settings of {@link ArtifactHandler} that are not API, for this module's adapters and tests:
 * which {@link MultipartReader} parses deposit bodies. Public builders never take an internal
 * type, so the handler hands these knobs to this class once, from its static initialiser (the
 * pattern of OkHttp's {@code Internal}). Not API; thread-safe.
 */
public final class HandlerKnobs {
  /** What {@link ArtifactHandler} implements for this class; installed exactly once. */
  public interface Knobs {
    void multipartReader(ArtifactHandler.Builder builder, MultipartReader.Factory multipartReader);

    ArtifactHandler preferringMultipartReader(ArtifactHandler handler, MultipartReader.Factory multipartReader);
  }

  private static volatile Knobs knobs;

  private HandlerKnobs() {}

  /**
   * Called by {@link ArtifactHandler}'s static initialiser.
   *
   * @throws IllegalStateException on a second call, or when called from anywhere else
   */
  public static synchronized void install(Knobs handlerKnobs) {
    // Only the handler itself may install its knobs: anyone else would break its initialisation.
    Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    if (caller != ArtifactHandler.class) {
      throw new IllegalStateException("only ArtifactHandler installs its knobs");
    }
    if (knobs != null) {
      throw new IllegalStateException("the handler's knobs are already installed");
    }
    knobs = requireNonNull(handlerKnobs, "handlerKnobs");
  }

  /**
   * Pins the reader the built handler parses deposit bodies with; an adapter's preference (see
   * {@link #preferringMultipartReader}) then no longer applies. Default: Apache Commons FileUpload
   * ({@link MultipartForm#FACTORY}).
   *
   * @return {@code builder}
   */
  public static ArtifactHandler.Builder multipartReader(
      ArtifactHandler.Builder builder, MultipartReader.Factory multipartReader) {
    knobs().multipartReader(requireNonNull(builder, "builder"), requireNonNull(multipartReader, "multipartReader"));
    return builder;
  }

  /**
   * {@code handler} parsing deposit bodies with {@code multipartReader}, unless its builder pinned
   * a reader (then {@code handler} itself). The embedded Jetty server uses it for Jetty's parser.
   */
  public static ArtifactHandler preferringMultipartReader(
      ArtifactHandler handler, MultipartReader.Factory multipartReader) {
    return knobs().preferringMultipartReader(
        requireNonNull(handler, "handler"), requireNonNull(multipartReader, "multipartReader"));
  }

  private static Knobs knobs() {
    Knobs installed = knobs;
    if (installed == null) {
      // Every caller holds a handler or a builder, so the handler class is initialised already;
      // this only guards against a future way of getting one without it.
      try {
        Class.forName(ArtifactHandler.class.getName(), true, HandlerKnobs.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      installed = knobs;
    }
    return installed;
  }
}
