package dev.breakwater.examples.trading;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The faults a {@link TradingScenario} injects, as a list of phases run one after the other:
 * what the primary exchange does and whether its market-data server is up.
 *
 * <pre>{@code
 * FaultScript script = FaultScript.standard(Duration.ofSeconds(2), Duration.ofSeconds(3),
 *     Duration.ofSeconds(3), Duration.ofSeconds(4));   // healthy, down, slow, recovery
 * }</pre>
 *
 * @param phases the phases in order; at least one
 */
public record FaultScript(List<Phase> phases) {

  /**
   * One step of the script.
   *
   * @param name shown on screen and in the results, e.g. {@code "primary down"}; non-blank
   * @param primaryFault what the primary exchange does during the phase; non-null
   * @param feedUp whether the primary's market-data server runs during the phase
   * @param duration how long the phase lasts, in [100 ms, 10 min]
   */
  public record Phase(String name, Exchange.Fault primaryFault, boolean feedUp,
      Duration duration) {
    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code name} is blank or {@code duration} out of range
     */
    public Phase {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(primaryFault, "primaryFault must not be null");
      Objects.requireNonNull(duration, "duration must not be null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank: '" + name + "'");
      }
      if (duration.toMillis() < 100 || duration.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("duration must be in [PT0.1S, PT10M]: " + duration);
      }
    }
  }

  /**
   * Copies and checks the phases.
   *
   * @throws IllegalArgumentException if {@code phases} is empty
   */
  public FaultScript {
    Objects.requireNonNull(phases, "phases must not be null");
    phases = List.copyOf(phases);
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("phases must not be empty: []");
    }
  }

  /**
   * The lesson's script: healthy, then the primary down (503 on every order, its market-data
   * server stopped), then the primary slow (every order delayed by the exchange's slow latency;
   * the market-data server restarted), then recovery (healthy).
   *
   * @param healthy how long everything works first
   * @param down how long the primary answers 503 and its feed is down
   * @param slow how long the primary is slow
   * @param recovery how long everything works at the end
   * @return the four-phase script
   */
  public static FaultScript standard(Duration healthy, Duration down, Duration slow,
      Duration recovery) {
    return new FaultScript(List.of(
        new Phase("healthy", Exchange.Fault.HEALTHY, true, healthy),
        new Phase("primary down", Exchange.Fault.DOWN, false, down),
        new Phase("primary slow", Exchange.Fault.SLOW, true, slow),
        new Phase("recovery", Exchange.Fault.HEALTHY, true, recovery)));
  }

  /**
   * The sum of the phases' durations.
   *
   * @return how long the script runs
   */
  public Duration totalDuration() {
    Duration total = Duration.ZERO;
    for (Phase p : phases) {
      total = total.plus(p.duration());
    }
    return total;
  }
}
