package dev.breakwater;

import java.time.Duration;

/**
 * An immutable snapshot of a breaker's call statistics, from {@link CircuitBreaker#stats()}.
 *
 * <p>Statistics are kept only for breakers whose config has
 * {@link CircuitBreakerConfig.Builder#recordStats()}; for others every count is zero and
 * {@link #isRecording()} says so. Counts cover the breaker's whole life (they are not reset by
 * {@link CircuitBreaker#reset()} or by transitions): each admitted call is counted once, by the
 * outcome reported for it (also when its permit had become stale), each rejection once; nothing
 * is counted while the breaker is DISABLED. The counters are read one after the other without
 * stopping writers, so a snapshot taken under load may be a few calls behind on some counts.
 */
public final class CircuitBreakerStats {
  private static final CircuitBreakerStats NOT_RECORDING =
      new CircuitBreakerStats(false, 0, 0, 0, 0, 0, -1, 0, 0);

  private final boolean recording;
  private final long successful;
  private final long failed;
  private final long ignored;
  private final long rejected;
  private final long transitions;
  private final long sinceLastTransitionNanos;
  private final long latencyNanos;
  private final long timedCalls;

  CircuitBreakerStats(boolean recording, long successful, long failed, long ignored,
      long rejected, long transitions, long sinceLastTransitionNanos, long latencyNanos,
      long timedCalls) {
    this.recording = recording;
    this.successful = successful;
    this.failed = failed;
    this.ignored = ignored;
    this.rejected = rejected;
    this.transitions = transitions;
    this.sinceLastTransitionNanos = sinceLastTransitionNanos;
    this.latencyNanos = latencyNanos;
    this.timedCalls = timedCalls;
  }

  static CircuitBreakerStats notRecording() {
    return NOT_RECORDING;
  }

  /**
   * Whether the breaker records statistics ({@code recordStats()}); if not, every count here is
   * zero because nothing was counted, not because nothing happened.
   *
   * @return whether statistics are recorded
   */
  public boolean isRecording() {
    return recording;
  }

  /**
   * Admitted calls whose outcome counted as a success.
   *
   * @return the count
   */
  public long successfulCalls() {
    return successful;
  }

  /**
   * Admitted calls whose outcome counted as a failure (a slow success is still a success here).
   *
   * @return the count
   */
  public long failedCalls() {
    return failed;
  }

  /**
   * Admitted calls that ended without a verdict (ignored exceptions, cancellations).
   *
   * @return the count
   */
  public long ignoredCalls() {
    return ignored;
  }

  /**
   * Calls not permitted: rejected while OPEN, FORCED_OPEN, or HALF_OPEN with every slot taken.
   *
   * @return the count
   */
  public long rejectedCalls() {
    return rejected;
  }

  /**
   * State transitions made by the breaker (each counted once, by the thread that made it),
   * including those of {@code reset()} and the other controls.
   *
   * @return the count
   */
  public long stateTransitions() {
    return transitions;
  }

  /**
   * {@code successful / (successful + failed)}, a ratio from 0 to 1; 1 when no call has been
   * counted yet (nothing has failed), as the trading lesson defines it.
   *
   * @return the success rate
   */
  public double successRate() {
    long total = successful + failed;
    return total == 0 ? 1.0 : (double) successful / total;
  }

  /**
   * How long ago, as of the snapshot, the last state transition was made; {@code null} if the
   * breaker has made none.
   *
   * @return the time since the last transition, or null
   */
  public Duration timeSinceLastTransition() {
    return sinceLastTransitionNanos < 0 ? null : Duration.ofNanos(sinceLastTransitionNanos);
  }

  /**
   * Calls whose duration was measured: those of {@code call}, {@code supply}, {@code run} and
   * {@code callAsync}, and manual reports given a duration, when the config records latency or
   * detects slow calls. 0 otherwise.
   *
   * @return the number of timed calls
   */
  public long timedCalls() {
    return timedCalls;
  }

  /**
   * The summed duration of the timed calls.
   *
   * @return the total latency
   */
  public Duration totalLatency() {
    return Duration.ofNanos(latencyNanos);
  }

  /**
   * {@link #totalLatency()} divided by {@link #timedCalls()}; zero when no call was timed.
   *
   * @return the average latency
   */
  public Duration averageLatency() {
    return timedCalls == 0 ? Duration.ZERO : Duration.ofNanos(latencyNanos / timedCalls);
  }

  @Override
  public String toString() {
    if (!recording) {
      return "CircuitBreakerStats[not recording]";
    }
    return "CircuitBreakerStats[successful=" + successful + ", failed=" + failed + ", ignored="
        + ignored + ", rejected=" + rejected + ", transitions=" + transitions
        + ", successRate=" + successRate()
        + (timedCalls == 0 ? "" : ", averageLatency=" + averageLatency()) + "]";
  }
}
