package dev.eden.artifacts.server;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Hears about every exchange an {@link ArtifactHandler} or {@link AdminHandler} handles: once when
 * it is routed, once when it is over. An access log ({@link AccessLog}) and the Micrometer binding
 * ({@code dev.eden.artifacts.server.metrics.ArtifactMetrics}) are built on it; register one with
 * {@link ArtifactHandler.Builder#addExchangeListener} and {@link AdminHandler.Builder#addExchangeListener}.
 * Both methods do nothing by default.
 *
 * <p>Called on the request's thread, synchronously, so keep it quick; implementations must be
 * thread-safe, as many requests finish at once. Whatever a listener throws is logged and
 * ignored: it never changes an answer. The calls carry no request header, so a listener cannot
 * leak a bearer.
 */
public interface ExchangeListener {
  /** A listener that does nothing. */
  ExchangeListener NONE = new ExchangeListener() {};

  /**
   * The exchange was routed to {@code operation}, before any check (experiment header, bearer, body)
   * ran. Exactly one {@link #exchangeFinished} with the same operation follows, on the same thread,
   * whatever happens.
   */
  default void exchangeStarted(ExchangeEvent.Operation operation) {}

  /** The exchange is over: answered, refused, or cut off. */
  default void exchangeFinished(ExchangeEvent event) {}

  /**
   * One listener that calls each of {@code listeners} in order; a throwing listener does not keep
   * the later ones from being called.
   */
  static ExchangeListener allOf(List<? extends ExchangeListener> listeners) {
    List<ExchangeListener> all = List.copyOf(requireNonNull(listeners, "listeners"));
    if (all.isEmpty()) {
      return NONE;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    return new ExchangeListener() {
      @Override
      public void exchangeStarted(ExchangeEvent.Operation operation) {
        for (ExchangeListener listener : all) {
          ObservedExchange.started(listener, operation);
        }
      }

      @Override
      public void exchangeFinished(ExchangeEvent event) {
        for (ExchangeListener listener : all) {
          ObservedExchange.finished(listener, event);
        }
      }
    };
  }
}
