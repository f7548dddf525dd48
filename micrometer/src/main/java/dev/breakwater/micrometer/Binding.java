package dev.breakwater.micrometer;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.RegistryEvent;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The meters of one binder in one meter registry, by breaker name. Every change is made under
 * this object's lock: registry events are rare and never on a call's path, and the lock keeps
 * "remove the old meters, register the new ones" in one piece when events race.
 */
final class Binding {
  static final System.Logger LOG = System.getLogger("dev.breakwater.micrometer");

  private final MeterRegistry meterRegistry;
  private final NamingScheme scheme;
  /** The registry followed, or null for a single breaker. */
  private final CircuitBreakerRegistry registry;
  private final Map<String, BreakerMeters> byName = new HashMap<>();
  /** The sets of unavailable meters already logged at INFO: a registry of 10,000 alike
   *  breakers logs one line, not 10,000. */
  private final Set<Set<String>> logged = new HashSet<>();

  Binding(MeterRegistry meterRegistry, NamingScheme scheme, CircuitBreakerRegistry registry) {
    this.meterRegistry = meterRegistry;
    this.scheme = scheme;
    this.registry = registry;
  }

  void onEvent(RegistryEvent event, CircuitBreaker breaker) {
    switch (event) {
      case ADDED:
      case REPLACED:   // carries the new breaker: bind() drops the old one's meters first
        bind(breaker);
        break;
      case RECONFIGURED:
        rebind(breaker);
        break;
      case REMOVED:
      case EVICTED:
        unbind(breaker);
        break;
      default:
        break;
    }
  }

  /**
   * Binds {@code breaker} unless it already is, replacing another breaker of the same name; for
   * a registry, only while {@code breaker} is registered (an ADDED event may be handled after the
   * REMOVED event of the same breaker).
   */
  synchronized void bind(CircuitBreaker breaker) {
    if (registry != null && !registry.isRegistered(breaker)) {
      return;
    }
    BreakerMeters current = byName.get(breaker.name());
    if (current != null && current.breaker == breaker) {
      return;
    }
    if (current != null) {
      current.removeFrom(meterRegistry);
    }
    BreakerMeters meters = scheme == NamingScheme.NATIVE
        ? NativeMeters.register(meterRegistry, breaker)
        : Resilience4jMeters.register(meterRegistry, breaker);
    byName.put(breaker.name(), meters);
    if (!meters.unavailable.isEmpty()) {
      boolean first = logged.add(new HashSet<>(meters.unavailable.keySet()));
      LOG.log(first ? Level.INFO : Level.DEBUG, () -> "breaker " + breaker.name()
          + (first ? " (and any later breaker with the same gaps, logged at DEBUG)" : "")
          + ": not exported (" + scheme + "): " + String.join("; ", meters.unavailable.values()));
    }
  }

  /** Registers the meters of a reconfigured breaker again: its config decides which it has. */
  synchronized void rebind(CircuitBreaker breaker) {
    BreakerMeters current = byName.get(breaker.name());
    if (current != null && current.breaker == breaker) {
      current.removeFrom(meterRegistry);
      byName.remove(breaker.name());
    }
    bind(breaker);
  }

  synchronized void unbind(CircuitBreaker breaker) {
    BreakerMeters current = byName.get(breaker.name());
    if (current != null && current.breaker == breaker) {
      current.removeFrom(meterRegistry);
      byName.remove(breaker.name());
    }
  }

  synchronized void collectUnavailable(Map<String, Set<String>> into) {
    for (BreakerMeters m : byName.values()) {
      if (!m.unavailable.isEmpty()) {
        into.computeIfAbsent(m.breaker.name(), k -> new TreeSet<>())
            .addAll(m.unavailable.keySet());
      }
    }
  }

  /** Number of breakers bound (tests). */
  synchronized int size() {
    return byName.size();
  }

  /** One breaker's registered meters and the meters it could not have, with the reason. */
  static final class BreakerMeters {
    final CircuitBreaker breaker;
    final Meter[] meters;
    final Map<String, String> unavailable;

    BreakerMeters(CircuitBreaker breaker, Meter[] meters, Map<String, String> unavailable) {
      this.breaker = breaker;
      this.meters = meters;
      this.unavailable = unavailable;
    }

    void removeFrom(MeterRegistry registry) {
      for (Meter m : meters) {
        registry.remove(m);
      }
    }
  }
}
