package dev.eden.artifacts.client.internal;

import dev.eden.artifacts.client.ProblemDetails;

/**
 * Implemented by every exception the client builds from a problem+json answer. Not API: callers use
 * {@link ProblemDetails#of(Throwable)}.
 */
public interface ProblemCarrier {
  ProblemDetails problem();
}
