package dev.breakwater;

import java.util.ArrayList;
import java.util.List;

/** A listener that records every announced transition. */
final class Recorder implements StateChangeListener {
  final List<String> events = new ArrayList<>();

  @Override
  public synchronized void onStateChange(
      CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
    events.add(from + "->" + to);
  }

  synchronized List<String> events() {
    return new ArrayList<>(events);
  }
}
