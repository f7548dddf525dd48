package dev.breakwater.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-thread counts of what the breaker decided, reported by JMH beside the timing (totals per
 * iteration, summed over threads). They prove that a benchmark measured what it claims: a
 * rejection benchmark must show {@code admitted == 0}, a probe benchmark {@code rejected == 0};
 * the target checker verifies this.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class Counters {

  /** Calls the breaker admitted. */
  public long admitted;

  /** Calls the breaker rejected. */
  public long rejected;

  /** Clears the counts before each iteration. */
  @Setup(Level.Iteration)
  public void clear() {
    admitted = 0;
    rejected = 0;
  }
}
