package dev.breakwater;

/**
 * Told about breakers added to, removed from, replaced in or evicted from a
 * {@link CircuitBreakerRegistry}, exactly once per event, on the thread that caused it, after the
 * registry already reflects it. A listener that throws is logged (at {@code WARNING}) and
 * otherwise ignored, as a {@link StateChangeListener} is.
 */
@FunctionalInterface
public interface RegistryListener {

  /**
   * Called after {@code event} happened to {@code breaker}.
   *
   * @param event what happened
   * @param breaker the breaker it happened to (for {@link RegistryEvent#REPLACED}, the new one)
   */
  void onEvent(RegistryEvent event, CircuitBreaker breaker);
}
