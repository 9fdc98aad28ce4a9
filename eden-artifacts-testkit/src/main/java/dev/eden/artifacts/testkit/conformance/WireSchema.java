package dev.eden.artifacts.testkit.conformance;

import static java.util.Objects.requireNonNull;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON Schemas of the project's {@code spec/schemas} folder, loaded from the classpath
 * ({@code dev/eden/artifacts/spec/}), so that tests validate real wire bodies against the same
 * files the spec publishes.
 *
 * <p>Thread-safe: each schema is parsed once, on first use, and is immutable afterwards.
 */
public enum WireSchema {
  /** A metadata record ({@code artifact-metadata.schema.json}). */
  ARTIFACT_METADATA("artifact-metadata.schema.json"),
  /** The body of a 201 deposit answer ({@code deposit-response.schema.json}). */
  DEPOSIT_RESPONSE("deposit-response.schema.json"),
  /** A problem+json error body ({@code problem.schema.json}). */
  PROBLEM("problem.schema.json"),
  /** Extension: a page of the admin listing ({@code admin-artifact-page.schema.json}). */
  ADMIN_ARTIFACT_PAGE("admin-artifact-page.schema.json"),
  /** Extension: an experiment's admin summary ({@code admin-summary.schema.json}). */
  ADMIN_SUMMARY("admin-summary.schema.json"),
  /** Extension: the admin API's experiment index ({@code admin-experiments.schema.json}). */
  ADMIN_EXPERIMENTS("admin-experiments.schema.json");

  /** Classpath folder that holds the schema files. */
  public static final String RESOURCE_FOLDER = "dev/eden/artifacts/spec/";

  private final String fileName;
  private volatile Schema schema;

  WireSchema(String fileName) {
    this.fileName = fileName;
  }

  /** The schema's file name, for example {@code problem.schema.json}. */
  public String fileName() {
    return fileName;
  }

  /**
   * Validates a JSON document.
   *
   * @param json the document text; must not be {@code null}
   * @return one readable message per violation; empty when the document is valid. Text that is not
   *     JSON at all yields a single message saying so.
   */
  public List<String> validate(String json) {
    requireNonNull(json, "json");
    List<Error> errors;
    try {
      errors = schema().validate(json, InputFormat.JSON);
    } catch (RuntimeException notJson) {
      return List.of("not a JSON document: " + notJson.getMessage());
    }
    return errors.stream().map(Error::toString).collect(Collectors.toUnmodifiableList());
  }

  private Schema schema() {
    Schema loaded = schema;
    if (loaded == null) {
      synchronized (this) {
        loaded = schema;
        if (loaded == null) {
          loaded = load();
          schema = loaded;
        }
      }
    }
    return loaded;
  }

  private Schema load() {
    String resource = RESOURCE_FOLDER + fileName;
    ClassLoader loader = WireSchema.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema not on the classpath: " + resource);
      }
      SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
      return registry.getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
  }
}
