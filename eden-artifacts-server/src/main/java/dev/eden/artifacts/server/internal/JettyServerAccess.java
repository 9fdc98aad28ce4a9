package dev.eden.artifacts.server.internal;

import static java.util.Objects.requireNonNull;

import dev.eden.artifacts.server.jetty.JettyArtifactServer;
import org.eclipse.jetty.server.Server;

/**
 * The Jetty {@link Server} inside a {@link JettyArtifactServer}, for this module's instrumentation
 * (the metrics package binds Micrometer's Jetty meters to it). The public class never hands it out,
 * so nobody starts or stops it behind the wrapper's back; it installs an accessor here once, from its
 * static initialiser (the pattern of {@link HandlerKnobs}). Not API; thread-safe.
 */
public final class JettyServerAccess {
  /** What {@link JettyArtifactServer} implements for this class; installed exactly once. */
  public interface Accessor {
    Server server(JettyArtifactServer server);
  }

  private static volatile Accessor accessor;

  private JettyServerAccess() {}

  /**
   * Called by {@link JettyArtifactServer}'s static initialiser.
   *
   * @throws IllegalStateException on a second call, or when called from anywhere else
   */
  public static synchronized void install(Accessor serverAccessor) {
    Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
    if (caller != JettyArtifactServer.class) {
      throw new IllegalStateException("only JettyArtifactServer installs its accessor");
    }
    if (accessor != null) {
      throw new IllegalStateException("the accessor is already installed");
    }
    accessor = requireNonNull(serverAccessor, "serverAccessor");
  }

  /** The Jetty server that {@code server} runs; the caller must neither start nor stop it. */
  public static Server server(JettyArtifactServer server) {
    // Holding an instance means the class, and so its static initialiser, has run.
    return accessor.server(requireNonNull(server, "server"));
  }
}
