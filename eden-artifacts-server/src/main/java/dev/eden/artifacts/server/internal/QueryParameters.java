package dev.eden.artifacts.server.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads parameters from a raw {@code application/x-www-form-urlencoded} query string. Not API. */
public final class QueryParameters {
  private QueryParameters() {}

  /**
   * Every decoded value of parameter {@code name}, in order.
   *
   * @throws IllegalArgumentException if a matching value is not valid percent-encoded UTF-8
   */
  public static List<String> values(String rawQuery, String name) {
    List<String> values = new ArrayList<>(1);
    if (rawQuery == null || rawQuery.isEmpty()) {
      return values;
    }
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      if (URLDecoder.decode(rawName, StandardCharsets.UTF_8).equals(name)) {
        values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }
}
