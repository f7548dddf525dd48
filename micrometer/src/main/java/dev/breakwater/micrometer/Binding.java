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
 * "remove the old meters, register the new ones" in one piece when events race. For a registry,
 * each event reconciles one name with the registry (see {@link #onEvent}).
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

  /**
   * Brings the meters of {@code breaker}'s name in line with what the registry holds under that
   * name now. Events of different threads may be handled in any order (a REPLACED after the
   * REMOVED that followed it, say), but each is announced after the registry changed, so the
   * event handled last sees the final state: reconciling by name, rather than applying each
   * event, always ends with exactly the registered breakers bound.
   */
  void onEvent(RegistryEvent event, CircuitBreaker breaker) {
    reconcile(breaker.name(), event == RegistryEvent.RECONFIGURED ? breaker : null);
  }

  /**
   * For a registry: binds the breaker registered as {@code name}, if any, and drops the meters
   * of any other breaker of that name; registers them again if {@code reconfigured} is the
   * registered breaker (its config decides which meters it can have).
   */
  synchronized void reconcile(String name, CircuitBreaker reconfigured) {
    CircuitBreaker registered = registry.find(name).orElse(null);
    BreakerMeters current = byName.get(name);
    if (current != null && (current.breaker != registered || current.breaker == reconfigured)) {
      current.removeFrom(meterRegistry);
      byName.remove(name);
      current = null;
    }
    if (registered != null && current == null) {
      register(registered);
    }
  }

  /** Binds a single breaker (no registry to follow). */
  synchronized void bind(CircuitBreaker breaker) {
    if (!byName.containsKey(breaker.name())) {
      register(breaker);
    }
  }

  private void register(CircuitBreaker breaker) {
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
