package dev.eden.artifacts.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import okhttp3.OkHttp;

/** The library's own name and version, for the {@code User-Agent} header. */
public final class ClientInfo {
  public static final String NAME = "eden-artifacts-client";
  public static final String VERSION = loadVersion();

  private ClientInfo() {
  }

  /** For example {@code eden-artifacts-client/0.1.0 okhttp/5.5.1}. */
  public static String userAgent() {
    return NAME + "/" + VERSION + " okhttp/" + OkHttp.VERSION;
  }

  private static String loadVersion() {
    try (InputStream in = ClientInfo.class.getResourceAsStream(
        "/dev/eden/artifacts/client/client.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.isBlank() && !version.startsWith("${")) {
          return version.trim();
        }
      }
    } catch (IOException ignored) {
      // Fall through: the User-Agent still names the library.
    }
    return "unknown";
  }
}
