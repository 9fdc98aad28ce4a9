package dev.eden.artifacts.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every request a client sends (each attempt), as the S3 operation and its {@code Range}
 * header: a real seam of the SDK, for tests that count requests.
 */
final class RequestLog implements ExecutionInterceptor {
  /** One request as sent: the operation (e.g. {@code GetObject}) and its Range header, or null. */
  record Sent(String operation, String range) {}

  private final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.add(new Sent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
        context.httpRequest().firstMatchingHeader("Range").orElse(null)));
  }

  /** The requests of {@code operation} since the last {@link #clear()}. */
  List<Sent> of(String operation) {
    return sent.stream().filter(s -> s.operation().equals(operation)).toList();
  }

  List<Sent> all() {
    return List.copyOf(sent);
  }

  void clear() {
    sent.clear();
  }
}
