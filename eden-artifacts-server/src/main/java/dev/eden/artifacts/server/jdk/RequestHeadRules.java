package dev.eden.artifacts.server.jdk;

import com.sun.net.httpserver.Headers;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The request-head rules the JDK {@code HttpServer} does not enforce itself: exactly one valid
 * {@code Host} on HTTP/1.1 (RFC 9112 §3.2) and unambiguous body framing (RFC 9112 §6.3, RFC 9110
 * §8.6). The embedded Jetty server's parser already refuses all of these. Stateless.
 */
final class RequestHeadRules {
  // RFC 9110 §7.2: Host = uri-host [ ":" port ]; uri-host and port as in RFC 3986 §3.2.2–3.2.3
  // (IP-literal, or a reg-name of unreserved, pct-encoded and sub-delims characters; port = *DIGIT).
  private static final Pattern HOST = Pattern.compile(
      "(?:\\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\\.[A-Za-z0-9\\-._~!$&'()*+,;=:]+)\\]"
          + "|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"
          + "(?::[0-9]*)?");
  // RFC 9110 §8.6: Content-Length = 1*DIGIT: no sign, no spaces inside, no list, no hex.
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private RequestHeadRules() {}

  /**
   * Why a request with this protocol and these headers must be refused with 400 and a closed
   * connection, or empty if its head is acceptable. Header values arrive with the surrounding
   * whitespace already removed by the JDK.
   */
  static Optional<String> violation(String protocol, Headers headers) {
    List<String> hosts = headers.get("Host");
    if (hosts == null || hosts.isEmpty()) {
      if (!"HTTP/1.0".equalsIgnoreCase(protocol)) {
        return Optional.of("an HTTP/1.1 request must carry a Host header");
      }
    } else if (hosts.size() > 1) {
      return Optional.of("a request must carry exactly one Host header");
    } else if (!HOST.matcher(hosts.get(0)).matches()) {
      return Optional.of("the Host header is not a valid host[:port]");
    }
    List<String> lengths = headers.get("Content-Length");
    if (lengths != null) {
      if (lengths.size() != 1 || !isDecimalLength(lengths.get(0))) {
        return Optional.of("Content-Length must be a single decimal number");
      }
      if (headers.containsKey("Transfer-Encoding")) {
        return Optional.of("a request must not carry both Content-Length and Transfer-Encoding");
      }
    }
    return Optional.empty();
  }

  private static boolean isDecimalLength(String value) {
    if (!DIGITS.matcher(value).matches()) {
      return false;
    }
    try {
      Long.parseLong(value);
      return true;
    } catch (NumberFormatException overflow) {
      return false;
    }
  }
}
