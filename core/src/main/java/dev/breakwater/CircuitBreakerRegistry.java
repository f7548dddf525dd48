package dev.breakwater;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Named breakers, one per dependency (or per host, tenant, route or exchange endpoint), created
 * on first use from a default or a named config, with registry-wide listeners and a status table.
 *
 * <pre>{@code
 * CircuitBreakerRegistry registry = CircuitBreakerRegistry.builder()
 *     .defaultConfig(CircuitBreakerConfig.defaults())
 *     .addConfig("exchange", CircuitBreakerConfig.aggressive())
 *     .build();
 * CircuitBreaker binance = registry.breaker("binance");            // default config
 * CircuitBreaker kraken = registry.breaker("kraken", "exchange");   // a named config
 * registry.onStateChange((b, from, to) -> alert(b.name() + " " + from + " -> " + to));
 * System.out.println(registry.statusTable());
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Get-or-create.</b> {@code breaker(name, ...)} for a registered name is one
 *       {@link ConcurrentHashMap#get} (lock-free, no allocation). For a new name, exactly one
 *       breaker is created however many threads ask at once, every one of them gets that
 *       instance, and one {@link RegistryEvent#ADDED} is announced. The config passed with a
 *       name (or named) is used only when the breaker is created.
 *   <li><b>Remove versus get-or-create.</b> A breaker returned by {@code breaker(name)} was the
 *       one registered under {@code name} at some instant during the call. A concurrent
 *       {@link #remove} may take it out right after; the caller can tell with
 *       {@link #isRegistered(CircuitBreaker)}, and the {@link RegistryEvent#REMOVED} event names
 *       that instance. A removed breaker keeps working for whoever holds it, but it is no longer
 *       in {@link #breakers()}, the status table or the registry-wide listeners, and the next
 *       {@code breaker(name)} creates a fresh one.
 *   <li><b>Registry-wide listeners</b> ({@link #onStateChange}) see every transition of every
 *       registered breaker, present and future, exactly once, in the same way as a breaker's own
 *       listeners; they cost a registered breaker no memory (all its breakers share one listener
 *       array until someone adds a listener to one of them).
 *   <li><b>Bounded, opt-in</b> ({@link Builder#maxBreakers}): creating a breaker beyond the
 *       limit first evicts idle breakers if idle eviction is on, and otherwise throws
 *       {@link IllegalStateException}: existing breakers, which may be protecting something,
 *       are never dropped to make room, and the registry never grows without bound.
 *   <li><b>Idle eviction, opt-in</b> ({@link Builder#evictIdleAfter}): a breaker is evicted only
 *       if it is CLOSED with nothing pending (no consecutive failure counted, no failed or slow
 *       call in its window) and has been idle for the given time: not looked up in this registry
 *       and, if its config records statistics, not called. An OPEN, HALF_OPEN or operator-held
 *       breaker is never evicted. Without statistics the registry cannot see calls made through
 *       a reference held elsewhere, so with eviction on either look breakers up per use or turn
 *       statistics on. Eviction runs when a breaker is created (at most once per half idle
 *       period) and when {@link #evictIdle()} is called; there is no background thread.
 * </ul>
 * With both off (the default) the registry adds nothing to a breaker's paths and nothing per
 * breaker beyond the map's entry.
 */
public final class CircuitBreakerRegistry {
  private static final System.Logger LOG =
      System.getLogger(CircuitBreakerRegistry.class.getName());
  private static final StateChangeListener[] NO_STATE_LISTENERS = new StateChangeListener[0];
  private static final RegistryListener[] NO_REGISTRY_LISTENERS = new RegistryListener[0];

  private final CircuitBreakerConfig defaultConfig;
  private final Map<String, CircuitBreakerConfig> configs;
  private final int maxBreakers;
  private final long idleNanos;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  /** Entries in {@link #breakers}, reserved before a creation so the bound is never passed. */
  private final AtomicInteger count = new AtomicInteger();
  /** Per name, when idle eviction is on: the last activity seen. Null when it is off. */
  private final ConcurrentHashMap<String, Activity> activity;
  private final AtomicLong lastSweep;
  private final AtomicReference<StateChangeListener[]> stateListeners =
      new AtomicReference<>(NO_STATE_LISTENERS);
  private final AtomicReference<RegistryListener[]> registryListeners =
      new AtomicReference<>(NO_REGISTRY_LISTENERS);
  /** The one listener every breaker of this registry starts with; relays to the registry's. */
  private final StateChangeListener relay = this::relay;
  private final StateChangeListener[] breakerListeners = {relay};

  private CircuitBreakerRegistry(Builder b) {
    this.defaultConfig = b.defaultConfig;
    this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(b.configs));
    this.maxBreakers = b.maxBreakers;
    this.idleNanos = b.idle == null ? 0 : b.idle.toNanos();
    this.ticker = b.ticker;
    this.activity = idleNanos > 0 ? new ConcurrentHashMap<>() : null;
    this.lastSweep = new AtomicLong(ticker.read());
  }

  /**
   * A registry with {@link CircuitBreakerConfig#defaults()} as its default config, no named
   * configs, no bound and no eviction.
   *
   * @return a new registry
   */
  public static CircuitBreakerRegistry ofDefaults() {
    return builder().build();
  }

  /**
   * Starts building a registry.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ get-or-create

  /**
   * The breaker named {@code name}, created with the default config if there is none.
   *
   * @param name the breaker's name, non-null
   * @return the registered breaker
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalStateException if the breaker would be created beyond {@code maxBreakers}
   */
  public CircuitBreaker breaker(String name) {
    return breaker(name, defaultConfig);
  }

  /**
   * The breaker named {@code name}, created with the config registered as {@code configName} if
   * there is none.
   *
   * @param name the breaker's name, non-null
   * @param configName a name given to {@link Builder#addConfig}
   * @return the registered breaker
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if no config is registered as {@code configName}
   * @throws IllegalStateException if the breaker would be created beyond {@code maxBreakers}
   */
  public CircuitBreaker breaker(String name, String configName) {
    return breaker(name, namedConfig(configName));
  }

  /**
   * The breaker named {@code name}, created with {@code config} if there is none. An existing
   * breaker keeps its own config: {@code config} is used on creation only.
   *
   * @param name the breaker's name, non-null
   * @param config the config for a new breaker, non-null
   * @return the registered breaker
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the breaker would be created beyond {@code maxBreakers}
   */
  public CircuitBreaker breaker(String name, CircuitBreakerConfig config) {
    Objects.requireNonNull(name, "name must not be null");
    CircuitBreaker b = breakers.get(name);
    if (b != null) {
      if (activity != null) {
        touch(name);
      }
      return b; // the hit path: one lock-free map read, nothing allocated
    }
    Objects.requireNonNull(config, "config must not be null");
    return create(name, config);
  }

  private CircuitBreaker create(String name, CircuitBreakerConfig config) {
    if (activity != null && count.get() >= maxBreakers) {
      evictIdle(); // make room first, outside the map's compute
    }
    CircuitBreaker[] created = new CircuitBreaker[1];
    // computeIfAbsent runs the function at most once per absent key, atomically: exactly one
    // breaker is created per name however many threads race here.
    CircuitBreaker b = breakers.computeIfAbsent(name, n -> {
      reserve();
      created[0] = CircuitBreaker.create(n, config, breakerListeners);
      return created[0];
    });
    if (created[0] == b) {
      if (activity != null) {
        activity.put(name, new Activity(ticker.read(), calls(b)));
      }
      announce(RegistryEvent.ADDED, b);
      if (activity != null) {
        maybeSweep();
      }
    } else if (activity != null) {
      touch(name);
    }
    return b;
  }

  /** Takes one place under the bound, or throws. */
  private void reserve() {
    // CAS loop: retried only when another creation or removal changed the count.
    for (;;) {
      int n = count.get();
      if (n >= maxBreakers) {
        throw new IllegalStateException("the registry is full: maxBreakers is " + maxBreakers
            + (activity == null ? "" : " and no breaker is idle")
            + "; remove breakers or raise the limit");
      }
      if (count.compareAndSet(n, n + 1)) {
        return;
      }
    }
  }

  // ------------------------------------------------------------------ queries

  /**
   * The breaker registered as {@code name}, if any; never creates one.
   *
   * @param name the name, non-null
   * @return the breaker, or empty
   */
  public Optional<CircuitBreaker> find(String name) {
    Objects.requireNonNull(name, "name must not be null");
    return Optional.ofNullable(breakers.get(name));
  }

  /**
   * Whether {@code breaker} is the one registered under its name right now.
   *
   * @param breaker a breaker, non-null
   * @return whether it is registered here
   */
  public boolean isRegistered(CircuitBreaker breaker) {
    Objects.requireNonNull(breaker, "breaker must not be null");
    return breakers.get(breaker.name()) == breaker;
  }

  /**
   * The number of registered breakers.
   *
   * @return the count
   */
  public int size() {
    return breakers.size();
  }

  /**
   * A snapshot of the registered breakers, safe to iterate while the registry changes.
   *
   * @return the breakers, in no particular order
   */
  public Collection<CircuitBreaker> breakers() {
    return Collections.unmodifiableList(new ArrayList<>(breakers.values()));
  }

  /**
   * The default config.
   *
   * @return the config of {@link #breaker(String)}
   */
  public CircuitBreakerConfig defaultConfig() {
    return defaultConfig;
  }

  /**
   * The named configs.
   *
   * @return an unmodifiable map from name to config
   */
  public Map<String, CircuitBreakerConfig> configs() {
    return configs;
  }

  // ------------------------------------------------------------------ changes

  /**
   * Removes the breaker registered as {@code name} and announces {@link RegistryEvent#REMOVED}.
   * The removed breaker keeps working for whoever holds it; the registry's listeners no longer
   * see its transitions.
   *
   * @param name the name, non-null
   * @return whether a breaker was removed
   */
  public boolean remove(String name) {
    Objects.requireNonNull(name, "name must not be null");
    CircuitBreaker b = breakers.remove(name);
    if (b == null) {
      return false;
    }
    forget(name, b);
    announce(RegistryEvent.REMOVED, b);
    return true;
  }

  /**
   * Registers a fresh breaker with {@code config} as {@code name}, in place of the current one
   * if any ({@link RegistryEvent#REPLACED}, carrying the new breaker) or as a new one
   * ({@link RegistryEvent#ADDED}). The fresh breaker starts CLOSED with zero counts: this is
   * for when a new breaker is wanted; the old one keeps working for whoever holds it.
   *
   * @param name the name, non-null
   * @param config the new breaker's config, non-null
   * @return the new breaker
   */
  public CircuitBreaker replace(String name, CircuitBreakerConfig config) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(config, "config must not be null");
    CircuitBreaker[] old = new CircuitBreaker[1];
    CircuitBreaker fresh = breakers.compute(name, (n, current) -> {
      if (current == null) {
        reserve();
      }
      old[0] = current;
      return CircuitBreaker.create(n, config, breakerListeners);
    });
    if (old[0] != null) {
      old[0].removeStateChangeListener(relay);
    }
    if (activity != null) {
      activity.put(name, new Activity(ticker.read(), calls(fresh)));
    }
    announce(old[0] == null ? RegistryEvent.ADDED : RegistryEvent.REPLACED, fresh);
    return fresh;
  }

  /**
   * Gives the breaker registered as {@code name} a new config <em>in place</em>, and announces
   * {@link RegistryEvent#RECONFIGURED}: the same instance (every holder sees the change) keeps
   * its state, its generation (permits handed out before stay valid), its backoff level, its
   * probes in flight, its consecutive failures, its listeners and, while the window keeps its
   * shape and statistics stay on, its window counts and statistics. New thresholds judge from
   * the next outcome on; an OPEN breaker keeps the deadline it had and the new open timeout
   * applies from its next opening. A change of window shape (type, size, bucket length) starts
   * an empty window. The full rules are in {@code core/DESIGN.md}, "Reconfiguration". Use
   * {@link #replace} for a fresh breaker instead.
   *
   * @param name the name, non-null
   * @param config the new config, non-null
   * @return whether a breaker of that name was registered (and reconfigured)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code config}'s ticker has another time base than the
   *     breaker's (see {@link Ticker})
   */
  public boolean reconfigure(String name, CircuitBreakerConfig config) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(config, "config must not be null");
    CircuitBreaker b = breakers.get(name);
    if (b == null) {
      return false;
    }
    b.reconfigure(config);
    announce(RegistryEvent.RECONFIGURED, b);
    return true;
  }

  /**
   * {@link #reconfigure(String, CircuitBreakerConfig)} with the config registered as
   * {@code configName}.
   *
   * @param name the name, non-null
   * @param configName a name given to {@link Builder#addConfig}
   * @return whether a breaker of that name was registered (and reconfigured)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if no config is registered as {@code configName}
   */
  public boolean reconfigure(String name, String configName) {
    return reconfigure(name, namedConfig(configName));
  }

  /** The config registered as {@code configName}; IAE naming the registered ones otherwise. */
  private CircuitBreakerConfig namedConfig(String configName) {
    Objects.requireNonNull(configName, "configName must not be null");
    CircuitBreakerConfig config = configs.get(configName);
    if (config == null) {
      throw new IllegalArgumentException("configName must be one of " + configs.keySet()
          + ": " + configName);
    }
    return config;
  }

  private void forget(String name, CircuitBreaker b) {
    count.decrementAndGet();
    if (activity != null) {
      activity.remove(name);
    }
    b.removeStateChangeListener(relay);
  }

  // ------------------------------------------------------------------ eviction

  /** Last activity of a name: the ticker at the last lookup or observed call, and the calls. */
  private static final class Activity {
    volatile long at;
    volatile long calls;

    Activity(long at, long calls) {
      this.at = at;
      this.calls = calls;
    }
  }

  private void touch(String name) {
    Activity a = activity.get(name);
    if (a != null) {
      a.at = ticker.read();
    }
  }

  private static long calls(CircuitBreaker b) {
    CircuitBreakerStats s = b.stats();
    return s.successfulCalls() + s.failedCalls() + s.ignoredCalls() + s.rejectedCalls();
  }

  private void maybeSweep() {
    long now = ticker.read();
    long last = lastSweep.get();
    // at most one sweep per half idle period; the CAS elects the sweeper
    if (now - last >= idleNanos / 2 && lastSweep.compareAndSet(last, now)) {
      evictIdle();
    }
  }

  /**
   * Evicts every breaker that is idle (see the class comment) and CLOSED with nothing pending,
   * announcing {@link RegistryEvent#EVICTED} for each. Does nothing unless
   * {@link Builder#evictIdleAfter} was set.
   *
   * @return the number of breakers evicted
   */
  public int evictIdle() {
    if (activity == null) {
      return 0;
    }
    int evicted = 0;
    long now = ticker.read();
    for (Map.Entry<String, CircuitBreaker> e : breakers.entrySet()) {
      String name = e.getKey();
      CircuitBreaker b = e.getValue();
      Activity a = activity.get(name);
      if (a == null) {
        continue; // being created or removed right now
      }
      long calls = calls(b);
      if (calls != a.calls) {
        a.calls = calls; // called since the last look: active
        a.at = now;
        continue;
      }
      if (now - a.at < idleNanos || !isQuiet(b)) {
        continue;
      }
      // remove(key, value): only this instance, and only if still registered
      if (breakers.remove(name, b)) {
        forget(name, b);
        announce(RegistryEvent.EVICTED, b);
        evicted++;
      }
    }
    return evicted;
  }

  /** CLOSED with nothing pending: no consecutive failure, no failed or slow call in the window. */
  private static boolean isQuiet(CircuitBreaker b) {
    if (b.state() != CircuitBreaker.State.CLOSED || b.failureCount() != 0) {
      return false;
    }
    WindowMetrics m = b.metrics();
    return m.failedCalls() == 0 && m.slowCalls() == 0;
  }

  // ------------------------------------------------------------------ listeners

  /**
   * Registers a listener for the transitions of every breaker of this registry, present and
   * future, until it is removed from the registry. Called as a breaker's own listeners are
   * (exactly once per transition, on the transitioning thread, exceptions caught and logged).
   *
   * @param listener the listener, non-null
   * @return this registry
   */
  public CircuitBreakerRegistry onStateChange(StateChangeListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    stateListeners.updateAndGet(a -> append(a, listener));
    return this;
  }

  /**
   * Registers a listener for breakers added, removed, replaced or evicted.
   *
   * @param listener the listener, non-null
   * @return this registry
   */
  public CircuitBreakerRegistry onEvent(RegistryListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    registryListeners.updateAndGet(a -> append(a, listener));
    return this;
  }

  private static <T> T[] append(T[] array, T element) {
    T[] next = Arrays.copyOf(array, array.length + 1);
    next[array.length] = element;
    return next;
  }

  private void relay(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
    for (StateChangeListener l : stateListeners.get()) {
      try {
        l.onStateChange(breaker, from, to);
      } catch (Throwable listenerFailure) {
        log("a registry StateChangeListener threw on " + breaker.name() + " " + from + " -> "
            + to, listenerFailure);
      }
    }
  }

  private void announce(RegistryEvent event, CircuitBreaker breaker) {
    for (RegistryListener l : registryListeners.get()) {
      try {
        l.onEvent(event, breaker);
      } catch (Throwable listenerFailure) {
        log("a RegistryListener threw on " + event + " " + breaker.name(), listenerFailure);
      }
    }
  }

  private static void log(String message, Throwable t) {
    try {
      LOG.log(System.Logger.Level.WARNING, message, t);
    } catch (Throwable loggingFailure) {
      // a broken logging backend must not break the registry
    }
  }

  // ------------------------------------------------------------------ status table

  /**
   * A human-readable table of every registered breaker, one row each, worst first (OPEN, then
   * FORCED_OPEN, HALF_OPEN, METRICS_ONLY, DISABLED, CLOSED; within a state, highest failure
   * count or rate first), with aligned columns: name, state, failures (consecutive count and
   * threshold, or the window's failure rate and calls), rejected calls (when statistics are
   * recorded) and the next probe (for an OPEN breaker: the time left, or "due" once a probe may
   * go: the breaker reads OPEN until a call arrives, and the table says so).
   *
   * @return the table, with a header line, ending in a newline
   */
  public String statusTable() {
    List<Row> rows = new ArrayList<>();
    for (CircuitBreaker b : breakers.values()) {
      rows.add(new Row(b));
    }
    rows.sort(Comparator.comparingInt((Row r) -> r.severity)
        .thenComparing(Comparator.comparingDouble((Row r) -> r.failureShare).reversed())
        .thenComparing(r -> r.name));
    boolean stats = rows.stream().anyMatch(r -> r.rejected != null);
    List<String[]> cells = new ArrayList<>();
    cells.add(stats ? new String[] {"NAME", "STATE", "FAILURES", "REJECTED", "NEXT PROBE"}
        : new String[] {"NAME", "STATE", "FAILURES", "NEXT PROBE"});
    for (Row r : rows) {
      cells.add(stats ? new String[] {r.name, r.state, r.failures, r.rejected == null ? "-"
          : r.rejected, r.nextProbe} : new String[] {r.name, r.state, r.failures, r.nextProbe});
    }
    int[] widths = new int[cells.get(0).length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        out.append(line[i]);
        if (i < line.length - 1) {
          out.append(" ".repeat(widths[i] - line[i].length() + 2));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** One line of the status table, read from a breaker once. */
  private static final class Row {
    final String name;
    final String state;
    final int severity;
    final double failureShare;
    final String failures;
    final String rejected;
    final String nextProbe;

    Row(CircuitBreaker b) {
      name = b.name();
      CircuitBreaker.State s = b.state();
      state = s.name();
      severity = severity(s);
      CircuitBreakerConfig c = b.config();
      if (c.slidingWindowType() != null) {
        WindowMetrics m = b.metrics();
        failureShare = m.calls() == 0 ? 0 : (double) m.failedCalls() / m.calls();
        failures = m.calls() == 0 ? "0 calls"
            : String.format(java.util.Locale.ROOT, "%.1f%% of %d", 100 * failureShare, m.calls());
      } else {
        int f = b.failureCount();
        failureShare = (double) f / c.failureThreshold();
        failures = f + "/" + c.failureThreshold();
      }
      CircuitBreakerStats st = b.stats();
      rejected = st.isRecording() ? Long.toString(st.rejectedCalls()) : null;
      Duration left = b.remainingOpenTime();
      switch (s) {
        case OPEN:
          nextProbe = left.isZero() ? "due" : "in " + human(left);
          break;
        case FORCED_OPEN:
          nextProbe = left.toNanos() == Long.MAX_VALUE ? "on reset()"
              : left.isZero() ? "due" : "in " + human(left);
          break;
        case HALF_OPEN:
          nextProbe = "probing (" + b.probesInFlight() + " in flight)";
          break;
        default:
          nextProbe = "-";
      }
    }

    private static int severity(CircuitBreaker.State s) {
      switch (s) {
        case OPEN:
          return 0;
        case FORCED_OPEN:
          return 1;
        case HALF_OPEN:
          return 2;
        case METRICS_ONLY:
          return 3;
        case DISABLED:
          return 4;
        default:
          return 5;
      }
    }
  }

  /** A short human form of a duration: 850ms, 12.3s, 4m05s, 2h10m, 3d04h. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1_000) {
      return Math.max(ms, d.isZero() ? 0 : 1) + "ms";
    }
    if (ms < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = d.getSeconds();
    if (s < 3_600) {
      return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3_600, (s % 3_600) / 60);
    }
    return String.format(java.util.Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3_600);
  }

  @Override
  public String toString() {
    return "CircuitBreakerRegistry{size=" + size() + ", configs=" + configs.keySet() + "}";
  }

  /** Settings of a {@link CircuitBreakerRegistry}. Not thread-safe. */
  public static final class Builder {
    private CircuitBreakerConfig defaultConfig = CircuitBreakerConfig.defaults();
    private final Map<String, CircuitBreakerConfig> configs = new LinkedHashMap<>();
    private int maxBreakers = Integer.MAX_VALUE;
    private Duration idle;
    private Ticker ticker = Ticker.systemTicker();

    Builder() {}

    /**
     * The config of breakers created without one (default {@link CircuitBreakerConfig#defaults()}).
     *
     * @param config non-null
     * @return this builder
     */
    public Builder defaultConfig(CircuitBreakerConfig config) {
      this.defaultConfig = Objects.requireNonNull(config, "defaultConfig must not be null");
      return this;
    }

    /**
     * Registers a config under a name, for {@link CircuitBreakerRegistry#breaker(String, String)}.
     * A later call with the same name replaces it.
     *
     * @param name non-null
     * @param config non-null
     * @return this builder
     */
    public Builder addConfig(String name, CircuitBreakerConfig config) {
      Objects.requireNonNull(name, "config name must not be null");
      configs.put(name, Objects.requireNonNull(config, "config must not be null"));
      return this;
    }

    /**
     * The most breakers the registry holds (default: no limit). See the class comment for what
     * happens at the limit.
     *
     * @param max in [1, 2147483647]
     * @return this builder
     */
    public Builder maxBreakers(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxBreakers must be in [1, 2147483647]: " + max);
      }
      this.maxBreakers = max;
      return this;
    }

    /**
     * Evicts breakers that are CLOSED with nothing pending and idle for {@code idle} (default:
     * never). See the class comment for what "idle" means.
     *
     * @param idle in [1 ms, 365 days]
     * @return this builder
     */
    public Builder evictIdleAfter(Duration idle) {
      Objects.requireNonNull(idle, "idle must not be null");
      if (idle.compareTo(Duration.ofMillis(1)) < 0
          || idle.compareTo(CircuitBreakerConfig.MAX_OPEN_TIMEOUT) > 0) {
        throw new IllegalArgumentException("evictIdleAfter must be in [PT0.001S, "
            + CircuitBreakerConfig.MAX_OPEN_TIMEOUT + "]: " + idle);
      }
      this.idle = idle;
      return this;
    }

    /**
     * The time source of idle eviction (default {@link System#nanoTime()}); tests pass a fake.
     *
     * @param ticker non-null
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return a new, empty registry
     */
    public CircuitBreakerRegistry build() {
      return new CircuitBreakerRegistry(this);
    }
  }
}
