package dev.breakwater;

import java.time.Duration;

/**
 * Thrown (or used to fail a stage) when a {@link CircuitBreaker} does not admit a call.
 *
 * <p>It carries the breaker's name, the state that rejected the call and how long until the
 * breaker may admit a probe. It is created without a stack trace, since the place of a rejection
 * is the caller's own and a stack trace per rejection would cost more than the breaker saves, and
 * its message is built only when asked for.
 */
public final class CallNotPermittedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String breakerName;
  private final CircuitBreaker.State state;
  private final long retryAfterNanos;

  /**
   * Creates an exception for a rejection.
   *
   * @param breakerName the rejecting breaker's name
   * @param state the state that rejected the call: {@code OPEN}, {@code HALF_OPEN} or
   *     {@code FORCED_OPEN}
   * @param retryAfterNanos nanoseconds until a probe may be admitted: 0 in HALF_OPEN (as soon as
   *     a probe slot frees), {@link Long#MAX_VALUE} in FORCED_OPEN (not until reset)
   */
  public CallNotPermittedException(
      String breakerName, CircuitBreaker.State state, long retryAfterNanos) {
    super(null, null, false, false);
    this.breakerName = breakerName;
    this.state = state;
    this.retryAfterNanos = Math.max(0, retryAfterNanos);
  }

  /**
   * The name of the breaker that rejected the call.
   *
   * @return the breaker's name
   */
  public String breakerName() {
    return breakerName;
  }

  /**
   * The state that rejected the call.
   *
   * @return {@code OPEN}, {@code HALF_OPEN} or {@code FORCED_OPEN}
   */
  public CircuitBreaker.State state() {
    return state;
  }

  /**
   * Nanoseconds, as of the rejection, until the breaker may admit a probe: 0 in HALF_OPEN (a
   * slot may free at any time), {@link Long#MAX_VALUE} in FORCED_OPEN (only
   * {@link CircuitBreaker#reset()} reopens the flow).
   *
   * @return the wait in nanoseconds
   */
  public long retryAfterNanos() {
    return retryAfterNanos;
  }

  /**
   * {@link #retryAfterNanos()} as a {@link Duration}.
   *
   * @return the wait until a probe may be admitted
   */
  public Duration retryAfter() {
    return Duration.ofNanos(retryAfterNanos);
  }

  @Override
  public String getMessage() {
    switch (state) {
      case HALF_OPEN:
        return "CircuitBreaker '" + breakerName + "' is HALF_OPEN and all probe slots are taken";
      case FORCED_OPEN:
        return "CircuitBreaker '" + breakerName + "' is FORCED_OPEN until reset()";
      default:
        return "CircuitBreaker '" + breakerName + "' is " + state + "; next probe in "
            + Duration.ofNanos(retryAfterNanos);
    }
  }
}
