package dev.breakwater.micrometer;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Exports Breakwater breakers to Micrometer: a {@link MeterBinder} for a whole
 * {@link CircuitBreakerRegistry} or for one {@link CircuitBreaker}, under one of two
 * {@link NamingScheme}s.
 *
 * <pre>{@code
 * BreakwaterMetrics.ofRegistry(breakers, NamingScheme.NATIVE).bindTo(meterRegistry);
 * }</pre>
 *
 * <p><b>What a call costs: nothing.</b> Every meter is a gauge, function counter or function timer
 * that reads the breaker's {@link CircuitBreaker#state() state},
 * {@link CircuitBreaker#stats() statistics} and {@link CircuitBreaker#metrics() window} when the
 * meter registry is scraped (or published); no listener, event or allocation is added to the
 * call path. A scrape allocates the snapshots it reads.
 *
 * <p><b>A registry</b> is followed: breakers present when {@link #bindTo} is called are bound at
 * once, breakers added later when they are added, a removed or evicted breaker's meters are
 * removed from the meter registry, a replaced breaker's meters are moved to its replacement, and
 * a reconfigured breaker's meters are registered again (its config decides which meters it can
 * have: statistics, window, slow-call detection). A breaker bound alone ({@link #ofBreaker}) keeps
 * the meters its config allowed when it was bound.
 *
 * <p><b>Meters it cannot provide</b> are not registered, rather than exported as zeros: without
 * {@code recordStats()} there are no call counts, without a sliding window no window meters.
 * {@link #unavailableMeters()} lists them per breaker, and the binder logs them to the
 * {@code System.Logger} {@code dev.breakwater.micrometer}: at {@code INFO} for the first breaker
 * with a given set of gaps, at {@code DEBUG} for the others (10,000 alike breakers log one line).
 *
 * <p><b>Failures</b> of a meter function (a {@code LatencyRecorder} of the user's that throws, say)
 * are caught: the meter reads NaN for that scrape, the failure is logged, and the scrape and the
 * breaker go on. Registry events are handled under this binder's lock, never on the call path.
 */
public final class BreakwaterMetrics implements MeterBinder {

  private final CircuitBreakerRegistry registry;
  private final CircuitBreaker breaker;
  private final NamingScheme scheme;
  private final List<Binding> bindings = new CopyOnWriteArrayList<>();

  private BreakwaterMetrics(CircuitBreakerRegistry registry, CircuitBreaker breaker,
      NamingScheme scheme) {
    this.registry = registry;
    this.breaker = breaker;
    this.scheme = scheme;
  }

  /**
   * A binder for every breaker of {@code registry}, present and future.
   *
   * @param registry the breakers, non-null
   * @param scheme the meter names, non-null
   * @return a binder; call {@link #bindTo(MeterRegistry)} to register the meters
   * @throws NullPointerException if an argument is null
   */
  public static BreakwaterMetrics ofRegistry(CircuitBreakerRegistry registry,
      NamingScheme scheme) {
    Objects.requireNonNull(registry, "registry must not be null");
    Objects.requireNonNull(scheme, "scheme must not be null");
    return new BreakwaterMetrics(registry, null, scheme);
  }

  /**
   * A binder for one breaker. For a breaker that lives in a registry, bind the registry instead:
   * only then are removals, replacements and reconfigurations followed.
   *
   * @param breaker the breaker, non-null
   * @param scheme the meter names, non-null
   * @return a binder; call {@link #bindTo(MeterRegistry)} to register the meters
   * @throws NullPointerException if an argument is null
   */
  public static BreakwaterMetrics ofBreaker(CircuitBreaker breaker, NamingScheme scheme) {
    Objects.requireNonNull(breaker, "breaker must not be null");
    Objects.requireNonNull(scheme, "scheme must not be null");
    return new BreakwaterMetrics(null, breaker, scheme);
  }

  /**
   * Registers the meters in {@code meterRegistry} (and, for a registry binder, keeps them in step
   * with the registry from now on). Binding the same binder to several meter registries binds
   * each of them.
   *
   * @param meterRegistry where the meters go, non-null
   * @throws NullPointerException if {@code meterRegistry} is null
   */
  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    Objects.requireNonNull(meterRegistry, "meterRegistry must not be null");
    Binding binding = new Binding(meterRegistry, scheme, registry);
    bindings.add(binding);
    if (registry == null) {
      binding.bind(breaker);
      return;
    }
    // Listen first, then reconcile the snapshot's names: a breaker added in between is seen by
    // both (reconciling is idempotent), and one removed in between is found absent and skipped.
    registry.onEvent(binding::onEvent);
    for (CircuitBreaker b : registry.breakers()) {
      binding.reconcile(b.name(), null);
    }
  }

  /**
   * The meters this binder could not register, per breaker name, as of now: meter names of the
   * chosen scheme that a breaker's config does not allow (see {@link NamingScheme}). Breakers
   * for which every meter is registered are absent.
   *
   * @return an unmodifiable snapshot, sorted by breaker name
   */
  public Map<String, Set<String>> unavailableMeters() {
    Map<String, Set<String>> all = new TreeMap<>();
    for (Binding b : bindings) {
      b.collectUnavailable(all);
    }
    return Collections.unmodifiableMap(all);
  }

  /**
   * The naming scheme given at creation.
   *
   * @return the scheme
   */
  public NamingScheme scheme() {
    return scheme;
  }

  @Override
  public String toString() {
    return "BreakwaterMetrics[" + scheme + ", "
        + (registry != null ? registry : breaker.name()) + "]";
  }
}
