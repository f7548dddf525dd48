package dev.breakwater;

/** What happened to a breaker in a {@link CircuitBreakerRegistry}. */
public enum RegistryEvent {
  /** A breaker was created and registered by {@code breaker(name, ...)}. */
  ADDED,
  /** A breaker was removed by {@link CircuitBreakerRegistry#remove(String)}. */
  REMOVED,
  /**
   * A breaker was replaced by a fresh one ({@link CircuitBreakerRegistry#replace}); the event
   * carries the new breaker.
   */
  REPLACED,
  /**
   * A registered breaker was given a new config in place
   * ({@link CircuitBreakerRegistry#reconfigure}); the event carries that same breaker.
   */
  RECONFIGURED,
  /** A CLOSED, idle breaker was evicted (see {@link CircuitBreakerRegistry.Builder#evictIdleAfter}). */
  EVICTED
}
