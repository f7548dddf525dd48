package dev.breakwater.micrometer;

/**
 * The meter names a {@link BreakwaterMetrics} binder registers, chosen when it is created.
 *
 * <p>Every meter reads the breaker when it is scraped; none is updated per call.
 */
public enum NamingScheme {

  /**
   * {@code breakwater.circuitbreaker.*} in Micrometer's conventions: base units, ratios from 0
   * to 1, the breaker's name in the tag {@code name}; at most 8 series per breaker.
   *
   * <table>
   *   <caption>Native meters</caption>
   *   <tr><th>meter</th><th>type</th><th>tags</th><th>value</th><th>needs</th></tr>
   *   <tr><td>{@code breakwater.circuitbreaker.state}</td><td>gauge</td><td>name</td>
   *       <td>the state's code: 0 closed, 1 open, 2 half_open, 3 forced_open, 4 disabled,
   *       5 metrics_only (the order of {@code CircuitBreaker.State})</td><td>-</td></tr>
   *   <tr><td>{@code breakwater.circuitbreaker.calls}</td><td>function counter</td>
   *       <td>name, outcome = success | failure | ignored | rejected</td>
   *       <td>calls by outcome since creation (rejected: not permitted)</td>
   *       <td>{@code recordStats()}</td></tr>
   *   <tr><td>{@code breakwater.circuitbreaker.transitions}</td><td>function counter</td>
   *       <td>name</td><td>state transitions since creation</td><td>{@code recordStats()}</td></tr>
   *   <tr><td>{@code breakwater.circuitbreaker.failure.rate}</td><td>gauge</td>
   *       <td>name, threshold</td><td>the window's failure rate, 0 to 1; NaN below the minimum
   *       number of calls; the tag holds {@code failureRateThreshold} as a ratio</td>
   *       <td>a sliding window</td></tr>
   *   <tr><td>{@code breakwater.circuitbreaker.slow.call.rate}</td><td>gauge</td>
   *       <td>name, threshold</td><td>the window's slow-call rate, 0 to 1; NaN below the minimum
   *       number of calls; the tag holds {@code slowCallRateThreshold} as a ratio</td>
   *       <td>a window and {@code slowCallDurationThreshold}</td></tr>
   * </table>
   */
  NATIVE,

  /**
   * The names, tags and value conventions of {@code resilience4j-micrometer} 2.4's
   * {@code TaggedCircuitBreakerMetrics}, so that dashboards and alerts written for Resilience4j
   * keep working: {@code resilience4j.circuitbreaker.state} (one gauge per state, tag
   * {@code state}, 1 for the current one), {@code .buffered.calls} (tag {@code kind} =
   * successful | failed: the window's calls), {@code .slow.calls}, {@code .failure.rate} and
   * {@code .slow.call.rate} (percent, 0 to 100; -1 below the minimum number of calls),
   * {@code .calls} (a function timer, tag {@code kind} = successful | failed | ignored) and
   * {@code .not.permitted.calls} (tag {@code kind} = not_permitted), each with the tag
   * {@code name}.
   *
   * <p>Where Breakwater keeps less than Resilience4j, the difference is stated rather than
   * filled with zeros (see {@link BreakwaterMetrics#unavailableMeters()}):
   *
   * <ul>
   *   <li>{@code .calls}: the count per kind is exact; the core times calls without their
   *       outcome, so each kind's total time is its count times the breaker's mean latency over
   *       all timed calls (needs {@code recordLatency()}; without it the total time is NaN). No
   *       {@code _max} series: a maximum needs an event per call. (A {@code LatencyRecorder}
   *       backed by a Micrometer {@code Timer} would not help: the core hands it durations
   *       without their outcome, and on step-based registries a timer's count is not
   *       cumulative, which the breaker's statistics assume; so none is offered.)
   *   <li>{@code .slow.calls}: the window counts slow calls without their outcome: one series,
   *       {@code kind="all"}, instead of successful and failed.
   *   <li>Window meters ({@code .buffered.calls}, {@code .failure.rate}, and with slow-call
   *       detection {@code .slow.calls}, {@code .slow.call.rate}) exist only for breakers that
   *       have a sliding window (and {@code slowCallDurationThreshold}); {@code .calls} and
   *       {@code .not.permitted.calls} only with {@code recordStats()}.
   * </ul>
   */
  RESILIENCE4J
}
