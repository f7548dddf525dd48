/**
 * Breakwater: a lock-free circuit breaker whose state and counters live in one 64-bit word.
 *
 * <p>The module exports {@code dev.breakwater} only; everything else is internal.
 */
module dev.breakwater {
  exports dev.breakwater;
}
