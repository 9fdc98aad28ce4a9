package dev.eden.artifacts.s3.testing;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The main class of the server process that {@link S3TestServer} starts: it runs s3proxy's own
 * main, and halts the process as soon as the test JVM that started it is gone. A shutdown hook in
 * the test JVM kills the server on every orderly exit; this covers the others (a fork killed by a
 * timeout, {@code kill -9}), so no server outlives its tests. JDK only: it runs beside the s3proxy
 * jar on the server's class path.
 *
 * <p>Arguments: the test JVM's process id, then s3proxy's own arguments.
 */
public final class S3ProxyLauncher {
  private S3ProxyLauncher() {}

  public static void main(String[] args) throws Throwable {
    long parent = Long.parseLong(args[0]);
    Thread watchdog = new Thread(() -> {
      Optional<ProcessHandle> handle = ProcessHandle.of(parent);
      try {
        while (handle.isPresent() && handle.get().isAlive()) {
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(0);
    }, "s3-test-server-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Class.forName("org.gaul.s3proxy.Main")
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
