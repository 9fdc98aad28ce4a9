package dev.eden.artifacts.testkit.conformance;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Where the server under test is and which credentials the conformance suite may use. Immutable
 * and thread-safe; {@link #toString()} never shows a bearer.
 *
 * <p>Every input can come from a system property or an environment variable (the property wins):
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>system property</th><th>environment variable</th><th></th></tr>
 *   <tr><td>{@code eden.conformance.baseUrl}</td><td>{@code EDEN_CONFORMANCE_BASE_URL}</td><td>required</td></tr>
 *   <tr><td>{@code eden.conformance.experimentId}</td><td>{@code EDEN_CONFORMANCE_EXPERIMENT_ID}</td><td>required</td></tr>
 *   <tr><td>{@code eden.conformance.adminBearer}</td><td>{@code EDEN_CONFORMANCE_ADMIN_BEARER}</td><td>required, {@code admin:<token>}</td></tr>
 *   <tr><td>{@code eden.conformance.workerBearer}</td><td>{@code EDEN_CONFORMANCE_WORKER_BEARER}</td><td>required, {@code wkr_…:<secret>}</td></tr>
 *   <tr><td>{@code eden.conformance.otherWorkerBearer}</td><td>{@code EDEN_CONFORMANCE_OTHER_WORKER_BEARER}</td><td>required, a second worker</td></tr>
 *   <tr><td>{@code eden.conformance.adminsGroupWorkerBearer}</td><td>{@code EDEN_CONFORMANCE_ADMINS_GROUP_WORKER_BEARER}</td><td>optional, a worker in {@code admins}</td></tr>
 *   <tr><td>{@code eden.conformance.maxArtifactBytes}</td><td>{@code EDEN_CONFORMANCE_MAX_ARTIFACT_BYTES}</td><td>optional, the server's cap</td></tr>
 *   <tr><td>{@code eden.conformance.otherExperimentId}</td><td>{@code EDEN_CONFORMANCE_OTHER_EXPERIMENT_ID}</td><td>optional, a second served experiment</td></tr>
 *   <tr><td>{@code eden.conformance.timeoutSeconds}</td><td>{@code EDEN_CONFORMANCE_TIMEOUT_SECONDS}</td><td>optional, per request, default 60</td></tr>
 *   <tr><td>{@code eden.conformance.requireHttpSemantics}</td><td>{@code EDEN_CONFORMANCE_REQUIRE_HTTP_SEMANTICS}</td><td>optional, {@code true} or {@code false} (default)</td></tr>
 * </table>
 */
public final class ConformanceConfig {
  /** An input: its system property and environment variable names. */
  public enum Input {
    BASE_URL("baseUrl", "BASE_URL"),
    EXPERIMENT_ID("experimentId", "EXPERIMENT_ID"),
    ADMIN_BEARER("adminBearer", "ADMIN_BEARER"),
    WORKER_BEARER("workerBearer", "WORKER_BEARER"),
    OTHER_WORKER_BEARER("otherWorkerBearer", "OTHER_WORKER_BEARER"),
    ADMINS_GROUP_WORKER_BEARER("adminsGroupWorkerBearer", "ADMINS_GROUP_WORKER_BEARER"),
    MAX_ARTIFACT_BYTES("maxArtifactBytes", "MAX_ARTIFACT_BYTES"),
    OTHER_EXPERIMENT_ID("otherExperimentId", "OTHER_EXPERIMENT_ID"),
    TIMEOUT_SECONDS("timeoutSeconds", "TIMEOUT_SECONDS"),
    REQUIRE_HTTP_SEMANTICS("requireHttpSemantics", "REQUIRE_HTTP_SEMANTICS");

    private final String property;
    private final String variable;

    Input(String property, String variable) {
      this.property = "eden.conformance." + property;
      this.variable = "EDEN_CONFORMANCE_" + variable;
    }

    /** The system property name, for example {@code eden.conformance.baseUrl}. */
    public String property() {
      return property;
    }

    /** The environment variable name, for example {@code EDEN_CONFORMANCE_BASE_URL}. */
    public String variable() {
      return variable;
    }
  }

  private final URI baseUrl;
  private final String experimentId;
  private final String adminBearer;
  private final String workerBearer;
  private final String otherWorkerBearer;
  private final String adminsGroupWorkerBearer;
  private final Long maxArtifactBytes;
  private final String otherExperimentId;
  private final Duration timeout;
  private final boolean requireHttpSemantics;

  private ConformanceConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.experimentId = b.experimentId;
    this.adminBearer = b.adminBearer;
    this.workerBearer = b.workerBearer;
    this.otherWorkerBearer = b.otherWorkerBearer;
    this.adminsGroupWorkerBearer = b.adminsGroupWorkerBearer;
    this.maxArtifactBytes = b.maxArtifactBytes;
    this.otherExperimentId = b.otherExperimentId;
    this.timeout = b.timeout;
    this.requireHttpSemantics = b.requireHttpSemantics;
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder filled from system properties and environment variables (property first).
   *
   * @throws IllegalArgumentException if a number or URL given there is malformed
   */
  public static Builder builderFromEnvironment() {
    return builderFrom(System::getProperty, System::getenv);
  }

  /**
   * The configuration from system properties and environment variables.
   *
   * @throws IllegalArgumentException naming every missing required input (both of its names) or
   *     the malformed one
   */
  public static ConformanceConfig fromEnvironment() {
    return builderFromEnvironment().build();
  }

  /** A builder filled from the two lookups; visible for tests of the lookup order. */
  static Builder builderFrom(UnaryOperator<String> properties, UnaryOperator<String> variables) {
    Builder b = new Builder();
    for (Input input : Input.values()) {
      String value = properties.apply(input.property());
      if (value == null || value.isBlank()) {
        value = variables.apply(input.variable());
      }
      if (value != null && !value.isBlank()) {
        b.set(input, value.trim());
      }
    }
    return b;
  }

  /** Base URL of the server; {@code /v0/...} paths are resolved against it. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** An experiment the server serves. */
  public String experimentId() {
    return experimentId;
  }

  /** The admin credential, {@code admin:<token>} (what follows {@code Bearer }). */
  public String adminBearer() {
    return adminBearer;
  }

  /** A worker credential, {@code wkr_…:<secret>}. */
  public String workerBearer() {
    return workerBearer;
  }

  /** A second worker's credential, not in {@code admins}. */
  public String otherWorkerBearer() {
    return otherWorkerBearer;
  }

  /** A worker in the {@code admins} group, if given. */
  public Optional<String> adminsGroupWorkerBearer() {
    return Optional.ofNullable(adminsGroupWorkerBearer);
  }

  /** The server's maximum artifact size in bytes, if given. */
  public OptionalLong maxArtifactBytes() {
    return maxArtifactBytes == null ? OptionalLong.empty() : OptionalLong.of(maxArtifactBytes);
  }

  /** A second experiment served by the same server with the same credentials, if given. */
  public Optional<String> otherExperimentId() {
    return Optional.ofNullable(otherExperimentId);
  }

  /** Time-out of each request. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Whether the server under test is known to offer every feature of the HTTP semantics group
   * (spec §9.7): then a feature it does not offer fails the check instead of skipping it.
   * Default {@code false}.
   */
  public boolean requireHttpSemantics() {
    return requireHttpSemantics;
  }

  @Override
  public String toString() {
    return "ConformanceConfig{baseUrl=" + baseUrl + ", experimentId=" + experimentId
        + ", adminsGroupWorker=" + (adminsGroupWorkerBearer != null)
        + ", maxArtifactBytes=" + maxArtifactBytes
        + ", otherExperimentId=" + otherExperimentId + ", timeout=" + timeout
        + ", requireHttpSemantics=" + requireHttpSemantics + "}";
  }

  /** Collects inputs; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private URI baseUrl;
    private String experimentId;
    private String adminBearer;
    private String workerBearer;
    private String otherWorkerBearer;
    private String adminsGroupWorkerBearer;
    private Long maxArtifactBytes;
    private String otherExperimentId;
    private Duration timeout = Duration.ofSeconds(60);
    private boolean requireHttpSemantics;

    private Builder() {}

    /**
     * Sets an input from its text form, as found in a property or variable.
     *
     * @throws IllegalArgumentException if a URL or number is malformed
     */
    public Builder set(Input input, String value) {
      requireNonNull(input, "input");
      requireNonNull(value, "value");
      return switch (input) {
        case BASE_URL -> baseUrl(URI.create(value));
        case EXPERIMENT_ID -> experimentId(value);
        case ADMIN_BEARER -> adminBearer(value);
        case WORKER_BEARER -> workerBearer(value);
        case OTHER_WORKER_BEARER -> otherWorkerBearer(value);
        case ADMINS_GROUP_WORKER_BEARER -> adminsGroupWorkerBearer(value);
        case MAX_ARTIFACT_BYTES -> maxArtifactBytes(parseLong(input, value));
        case OTHER_EXPERIMENT_ID -> otherExperimentId(value);
        case TIMEOUT_SECONDS -> timeout(Duration.ofSeconds(parseLong(input, value)));
        case REQUIRE_HTTP_SEMANTICS -> requireHttpSemantics(parseBoolean(input, value));
      };
    }

    /** The server under test, e.g. {@code http://127.0.0.1:8080}. Required, not null. */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** The experiment id the server serves. Required, not null. */
    public Builder experimentId(String experimentId) {
      this.experimentId = requireNonNull(experimentId, "experimentId");
      return this;
    }

    /** A bearer of the built-in admin. Required, not null. */
    public Builder adminBearer(String adminBearer) {
      this.adminBearer = requireNonNull(adminBearer, "adminBearer");
      return this;
    }

    /** A bearer of an ordinary worker. Required, not null. */
    public Builder workerBearer(String workerBearer) {
      this.workerBearer = requireNonNull(workerBearer, "workerBearer");
      return this;
    }

    /** A bearer of a second ordinary worker, for the forbidden checks. Required, not null. */
    public Builder otherWorkerBearer(String otherWorkerBearer) {
      this.otherWorkerBearer = requireNonNull(otherWorkerBearer, "otherWorkerBearer");
      return this;
    }

    /** Optional; {@code null} clears it. */
    public Builder adminsGroupWorkerBearer(String bearer) {
      this.adminsGroupWorkerBearer = bearer;
      return this;
    }

    /** Optional; {@code null} clears it. */
    public Builder maxArtifactBytes(Long maxArtifactBytes) {
      if (maxArtifactBytes != null && maxArtifactBytes < 1) {
        throw new IllegalArgumentException("maxArtifactBytes must be positive: " + maxArtifactBytes);
      }
      this.maxArtifactBytes = maxArtifactBytes;
      return this;
    }

    /** Optional; {@code null} clears it. */
    public Builder otherExperimentId(String otherExperimentId) {
      this.otherExperimentId = otherExperimentId;
      return this;
    }

    /**
     * Per-request timeout; default 60 seconds.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Whether a feature of the HTTP semantics group that the server does not offer fails its
     * checks instead of skipping them; default {@code false}. Set it for a server that is meant
     * to offer them all, so that losing one cannot pass as a skip.
     */
    public Builder requireHttpSemantics(boolean requireHttpSemantics) {
      this.requireHttpSemantics = requireHttpSemantics;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming every missing required input, or a bad base URL
     */
    public ConformanceConfig build() {
      List<String> missing = new ArrayList<>();
      require(baseUrl, Input.BASE_URL, missing);
      require(experimentId, Input.EXPERIMENT_ID, missing);
      require(adminBearer, Input.ADMIN_BEARER, missing);
      require(workerBearer, Input.WORKER_BEARER, missing);
      require(otherWorkerBearer, Input.OTHER_WORKER_BEARER, missing);
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "conformance inputs missing: " + String.join(", ", missing));
      }
      String scheme = baseUrl.getScheme();
      if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          || baseUrl.getHost() == null) {
        throw new IllegalArgumentException("base URL must be an absolute http(s) URL: " + baseUrl);
      }
      return new ConformanceConfig(this);
    }

    private static void require(Object value, Input input, List<String> missing) {
      if (value == null) {
        missing.add(input.property() + " / " + input.variable());
      }
    }

    private static boolean parseBoolean(Input input, String value) {
      if (value.equalsIgnoreCase("true")) {
        return true;
      }
      if (value.equalsIgnoreCase("false")) {
        return false;
      }
      throw new IllegalArgumentException(
          input.property() + " / " + input.variable() + " must be true or false: " + value);
    }

    private static long parseLong(Input input, String value) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            input.property() + " / " + input.variable() + " must be a whole number: " + value, e);
      }
    }
  }
}
