package dev.breakwater.examples;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.StateChangeListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Records a breaker's transitions with their times. A transition is announced after the CAS
 * that made it (after the breaker's own log record), so the announcement's time can be late; a
 * test whose single caller calls {@link #callStarting()} before each call gets, for a transition
 * into OPEN, the start of the call that made it: a time at or before the real opening, so
 * {@link #openWaits()} is a lower bound of how long the breaker really stayed OPEN.
 */
final class Transitions implements StateChangeListener {
  /** One transition. */
  record Step(State from, State to, long nanos) {
    @Override
    public String toString() {
      return from + "->" + to;
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private volatile long callStart = Long.MIN_VALUE;

  /** The single caller is about to make a call. */
  void callStarting() {
    callStart = System.nanoTime();
  }

  static Transitions of(CircuitBreaker breaker) {
    Transitions t = new Transitions();
    breaker.onStateChange(t);
    return t;
  }

  @Override
  public synchronized void onStateChange(CircuitBreaker breaker, State from, State to) {
    long now = System.nanoTime();
    long start = callStart;
    steps.add(new Step(from, to, to == State.OPEN && start != Long.MIN_VALUE ? start : now));
  }

  synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  /**
   * Waits, at most {@code max}, until the last recorded transition is {@code from -> to}. A
   * transition made on another thread (a health check's, another caller's) is visible in
   * {@link CircuitBreaker#state()} as soon as its CAS succeeds, but reaches this listener only
   * after it: a test that saw the new state and then reads {@link #steps()} must wait for it.
   */
  void awaitLast(State from, State to, Duration max) {
    String step = from + "->" + to;
    Field.await(() -> {
      List<Step> now = steps();
      return !now.isEmpty() && now.get(now.size() - 1).toString().equals(step);
    }, max, "the listener to record " + step + " (recorded: " + this + ")");
  }

  /** Each OPEN -> HALF_OPEN wait: from the transition into OPEN to the one out of it. */
  synchronized List<Long> openWaits() {
    List<Long> waits = new ArrayList<>();
    long openedAt = -1;
    for (Step s : steps) {
      if (s.to() == State.OPEN) {
        openedAt = s.nanos();
      } else if (s.from() == State.OPEN && s.to() == State.HALF_OPEN && openedAt >= 0) {
        waits.add(s.nanos() - openedAt);
        openedAt = -1;
      }
    }
    return waits;
  }

  @Override
  public synchronized String toString() {
    return steps.stream().map(Step::toString).collect(Collectors.joining(", "));
  }
}
