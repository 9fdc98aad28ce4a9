package dev.eden.artifacts.server.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * Reads a query in which each parameter may appear at most once, with a non-empty value, and
   * only parameters of {@code allowed} may appear.
   *
   * @throws IllegalArgumentException naming the rule broken (never echoing the query) if a
   *     parameter is unknown, repeated or empty, or not valid percent-encoded UTF-8
   */
  public static Single single(String rawQuery, Set<String> allowed) {
    Map<String, String> values = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new Single(values);
    }
    for (String pair : rawQuery.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the query string is not valid percent-encoded UTF-8");
      }
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(allowed.isEmpty()
            ? "this endpoint takes no query parameters"
            : "the query parameters allowed here are " + String.join(", ", new TreeSet<>(allowed)));
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException("the " + name + " parameter must not be empty");
      }
      if (values.put(name, value) != null) {
        throw new IllegalArgumentException("the " + name + " parameter must be given at most once");
      }
    }
    return new Single(values);
  }

  /** The decoded values of a query read by {@link #single}. Immutable. */
  public static final class Single {
    private final Map<String, String> values;

    private Single(Map<String, String> values) {
      this.values = Map.copyOf(values);
    }

    /** The value of {@code name}, if given. */
    public Optional<String> get(String name) {
      return Optional.ofNullable(values.get(name));
    }
  }
}
