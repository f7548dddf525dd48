package dev.breakwater.examples.trading;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The trading lesson, run against local servers: two exchanges ({@code binance}, the primary,
 * and {@code kraken}, the backup), the primary's market-data feed, a {@link OrderRouter} fed with
 * orders at a fixed rate, and a {@link FaultScript} that breaks and heals the primary.
 *
 * <p>In {@link Mode#BREAKER} the breakers come from a {@link CircuitBreakerRegistry} with a
 * per-exchange config ({@code "exchange"}: 3 consecutive failures, open timeout doubling after
 * each failed probe) and one for the feed ({@code "feed"}); every transition prints the
 * registry's status table to the log, and a CLOSED to OPEN transition raises an alert
 * ({@code "ALERT: binance OPEN"}; {@code "RESOLVED: binance CLOSED"} when it closes again). The
 * {@link MarketFeed} reconnects through the feed breaker after the script restarts its server. In
 * {@link Mode#RETRY_ONLY} the same orders go to the primary through {@link OrderRouter#retryOnly}
 * and there is no feed: the comparison without a breaker.
 *
 * <p>Orders are issued open-loop: order {@code i} is due at {@code i / rate} seconds and its
 * caller latency is measured from that instant to its answer, so a stalled router is charged for
 * the orders queued behind it (no coordinated omission). Every second a {@link Sample} is taken
 * (rates, the primary breaker's state, the latency percentiles of that second from an
 * HdrHistogram {@link Recorder}) and handed to {@link Builder#onSample}. Everything runs on
 * loopback, bounded in count and time, and is stopped before {@link #run()} returns.
 */
public final class TradingScenario {

  /** Which router the orders go through. */
  public enum Mode {
    /** Retry, breaker and timeout, failover to the backup: the lesson's router. */
    BREAKER,
    /** The plain HTTP client with the same retry: no breaker, no failover. */
    RETRY_ONLY
  }

  /** The primary exchange's name. */
  public static final String PRIMARY = "binance";
  /** The backup exchange's name. */
  public static final String BACKUP = "kraken";
  /** The feed breaker's name. */
  public static final String FEED = "binance-feed";

  /**
   * One second of the run.
   *
   * @param seconds end of the interval, since the script started
   * @param phase the script's phase at the end of the interval
   * @param filledPrimary orders filled by the primary in the interval
   * @param filledBackup orders filled by the backup (failovers) in the interval
   * @param failed orders that failed in the interval
   * @param cutOff calls the primary's breaker rejected in the interval
   * @param primaryAttempts attempts sent to the primary in the interval
   * @param primaryState the primary breaker's state (null without a breaker)
   * @param latencyCount orders answered in the interval
   * @param p50Micros caller latency median, µs (0 when none answered)
   * @param p90Micros 90th percentile, µs
   * @param p99Micros 99th percentile, µs
   * @param maxMicros maximum, µs
   * @param feedConnected whether the feed was connected (false without a feed)
   * @param ticks ticks received in the interval
   * @param feedReconnects reconnects so far
   * @param statusTable the registry's status table at the end of the interval ("" without)
   */
  public record Sample(double seconds, String phase, long filledPrimary, long filledBackup,
      long failed, long cutOff, long primaryAttempts, CircuitBreaker.State primaryState,
      long latencyCount, long p50Micros, long p90Micros, long p99Micros, long maxMicros,
      boolean feedConnected, long ticks, long feedReconnects, String statusTable) { }

  /**
   * A breaker's state change.
   *
   * @param seconds when, since the script started
   * @param breaker the breaker's name
   * @param from the state it left
   * @param to the state it entered
   */
  public record Transition(double seconds, String breaker, CircuitBreaker.State from,
      CircuitBreaker.State to) { }

  /**
   * What became of one order.
   *
   * @param orderId the order
   * @param phase the phase in which it was due
   * @param exchange the exchange that filled it, or null if it failed
   * @param latencyNanos caller latency, from its due time to its answer
   */
  public record Outcome(String orderId, String phase, String exchange, long latencyNanos) { }

  /**
   * Everything a run produced.
   *
   * @param mode the router used
   * @param script the script run
   * @param outcomes every order, in due order
   * @param acceptedBy per exchange name, the ids of the orders it accepted
   * @param primaryAttempts attempts sent to the primary
   * @param cutOff calls the primary's breaker rejected
   * @param transitions every state change of every breaker, in order
   * @param statusTables the status table printed at each transition
   * @param alerts the alerts raised
   * @param samples one per second
   * @param latency caller latency of all orders, µs
   * @param latencySumNanos the sum of all caller latencies
   * @param feedReconnects feed connections after the first
   * @param feedReconnectsAfterRestart feed connections made after the script restarted the feed
   *     server (0 without a feed)
   * @param feedTicksAfterRestart ticks received after that restart
   * @param finalStatusTable the status table at the end ("" without a breaker)
   */
  public record Result(Mode mode, FaultScript script, List<Outcome> outcomes,
      Map<String, Set<String>> acceptedBy, long primaryAttempts, long cutOff,
      List<Transition> transitions, List<String> statusTables, List<String> alerts,
      List<Sample> samples, Histogram latency, long latencySumNanos, long feedReconnects,
      long feedReconnectsAfterRestart, long feedTicksAfterRestart, String finalStatusTable) {

    /**
     * Orders filled by the backup.
     *
     * @return the number of failovers
     */
    public long failovers() {
      return outcomes.stream().filter(o -> BACKUP.equals(o.exchange())).count();
    }

    /**
     * Orders no exchange filled.
     *
     * @return the count
     */
    public long failed() {
      return outcomes.stream().filter(o -> o.exchange() == null).count();
    }

    /**
     * Orders both exchanges accepted (a double fill; 0 is the goal, see {@link OrderRouter}).
     *
     * @return the count
     */
    public long filledTwice() {
      Set<String> backup = acceptedBy.get(BACKUP);
      return acceptedBy.get(PRIMARY).stream().filter(backup::contains).count();
    }
  }

  private final Builder b;

  private TradingScenario(Builder b) {
    this.b = b;
  }

  /**
   * Returns a builder: {@link Mode#BREAKER}, the standard script of 2 + 3 + 3 + 4 seconds, 20
   * orders per second, 300 ms attempt timeout, 1 s slow latency, 500 ms open timeout, 64
   * callers.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs the script once and stops every server and thread it started.
   *
   * @return what happened
   * @throws IOException if a server could not start
   * @throws InterruptedException if interrupted
   */
  public Result run() throws IOException, InterruptedException {
    try (Exchange primary = Exchange.start(PRIMARY);
         Exchange backup = Exchange.start(BACKUP);
         Run run = new Run(primary, backup)) {
      return run.execute();
    }
  }

  /** The state of one run. */
  private final class Run implements AutoCloseable {
    final Exchange primary;
    final Exchange backup;
    final CircuitBreakerRegistry registry;
    final OrderRouter router;
    final FeedServer feedServer;
    final MarketFeed feed;
    final ScheduledExecutorService control =
        java.util.concurrent.Executors.newScheduledThreadPool(2, Exchange.daemon("scenario"));
    final ExecutorService callers;
    final Recorder recorder = new Recorder(3);
    final Histogram total = new Histogram(3);
    final LongAdder latencySum = new LongAdder();
    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final List<String> tables = new CopyOnWriteArrayList<>();
    final List<String> alerts = new CopyOnWriteArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    final LongAdder filledPrimary = new LongAdder();
    final LongAdder filledBackup = new LongAdder();
    final LongAdder failedOrders = new LongAdder();
    volatile String phase;
    volatile long t0;
    volatile long ticksAtRestart = -1;
    volatile long connectsAtRestart = -1;
    // Sampler's previous totals; only the sampler thread touches them (and the final sample,
    // taken after the sampler stopped).
    long lastPrimary;
    long lastBackup;
    long lastFailed;
    long lastCutOff;
    long lastAttempts;
    long lastTicks;

    Run(Exchange primary, Exchange backup) throws IOException {
      this.primary = primary;
      this.backup = backup;
      primary.setSlowLatency(b.slowLatency);
      backup.setSlowLatency(b.slowLatency);
      ThreadPoolExecutor pool = new ThreadPoolExecutor(b.callers, b.callers, 10,
          TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Exchange.daemon("caller"));
      this.callers = pool;
      if (b.mode == Mode.BREAKER) {
        Duration open = b.openTimeout;
        registry = CircuitBreakerRegistry.builder()
            .addConfig("exchange", CircuitBreakerConfig.builder()
                .failureThreshold(3).successThreshold(2).halfOpenMaxCalls(1)
                .openTimeout(open).openTimeoutBackoff(2.0, open.multipliedBy(4))
                .recordStats().build())
            .addConfig("feed", CircuitBreakerConfig.builder()
                .failureThreshold(2).successThreshold(1).halfOpenMaxCalls(1)
                .openTimeout(open).openTimeoutBackoff(2.0, open.multipliedBy(2))
                .recordStats().build())
            .build();
        registry.onStateChange(this::onTransition);
        router = OrderRouter.withBreaker(registry, "exchange", primary, backup, b.attemptTimeout);
        feedServer = FeedServer.start("BTCUSDT", Duration.ofMillis(100));
        feed = MarketFeed.start(feedServer.uri(), registry.breaker(FEED, "feed"),
            Duration.ofMillis(100), open.multipliedBy(2));
      } else {
        registry = null;
        router = OrderRouter.retryOnly(primary, b.attemptTimeout);
        feedServer = null;
        feed = null;
      }
    }

    double seconds() {
      return (System.nanoTime() - t0) / 1e9;
    }

    void onTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
      double at = seconds();
      transitions.add(new Transition(at, breaker.name(), from, to));
      String table = registry.statusTable();
      tables.add(table);
      b.log.accept(String.format(java.util.Locale.ROOT, "[%6.2fs] %s %s -> %s%n%s", at,
          breaker.name(), from, to, table));
      if (from == CircuitBreaker.State.CLOSED && to == CircuitBreaker.State.OPEN) {
        alert(at, "ALERT: " + breaker.name() + " OPEN");
      } else if (to == CircuitBreaker.State.CLOSED) {
        alert(at, "RESOLVED: " + breaker.name() + " CLOSED");
      }
    }

    /** The alert hook: records the message and logs it with its time. */
    void alert(double at, String message) {
      alerts.add(message);
      b.log.accept(String.format(java.util.Locale.ROOT, "[%6.2fs] %s", at, message));
    }

    Result execute() throws InterruptedException, IOException {
      List<FaultScript.Phase> phases = b.script.phases();
      long totalNanos = b.script.totalDuration().toNanos();
      long periodNanos = TimeUnit.SECONDS.toNanos(1) / b.ordersPerSecond;
      long orders = totalNanos / periodNanos;
      warmUp();
      if (feed != null) {
        awaitFirstConnect();
      }
      t0 = System.nanoTime();
      apply(phases.get(0));
      long offset = 0;
      for (int i = 1; i < phases.size(); i++) {
        offset += phases.get(i - 1).duration().toNanos();
        FaultScript.Phase p = phases.get(i);
        control.schedule(() -> switchTo(p), offset, TimeUnit.NANOSECONDS);
      }
      control.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
      for (long i = 0; i < orders; i++) { // bounded: rate x script length
        long due = t0 + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
        String id = "o-" + b.mode.name().charAt(0) + "-" + i;
        String duePhase = phase;
        callers.execute(() -> place(id, duePhase, due));
      }
      callers.shutdown();
      if (!callers.awaitTermination(30, TimeUnit.SECONDS)) { // every order ends within seconds
        b.log.accept("WARNING: orders still in flight after 30 s; stopping them");
        callers.shutdownNow();
      }
      control.shutdownNow();
      control.awaitTermination(5, TimeUnit.SECONDS);
      sample(); // the last (partial) interval
      List<Outcome> all = new ArrayList<>(outcomes.values());
      all.sort((x, y) -> Long.compare(Long.parseLong(x.orderId().substring(4)),
          Long.parseLong(y.orderId().substring(4))));
      return new Result(b.mode, b.script, Collections.unmodifiableList(all),
          Map.of(PRIMARY, primary.acceptedOrders(), BACKUP, backup.acceptedOrders()),
          router.primaryAttempts(), router.cutOff(), List.copyOf(transitions),
          List.copyOf(tables), List.copyOf(alerts), List.copyOf(samples), total.copy(),
          latencySum.sum(), feed == null ? 0 : feed.reconnects(),
          feed == null || connectsAtRestart < 0 ? 0 : feed.connects() - connectsAtRestart,
          feed == null || ticksAtRestart < 0 ? 0 : feed.ticks() - ticksAtRestart,
          registry == null ? "" : registry.statusTable());
    }

    /** Loads the HTTP client and server code paths before the clock starts (no orders). */
    void warmUp() throws InterruptedException {
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 20; i++) { // bounded
        for (Exchange e : List.of(primary, backup)) {
          try {
            client.send(java.net.http.HttpRequest.newBuilder(e.uri().resolve("/health"))
                .timeout(Duration.ofSeconds(2)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
          } catch (IOException ignored) {
            // only a warm-up
          }
        }
      }
    }

    void awaitFirstConnect() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (feed.connects() == 0 && System.nanoTime() - deadline < 0) {
        Thread.sleep(20); // bounded: 5 s at most, once per run
      }
    }

    void switchTo(FaultScript.Phase p) {
      try {
        apply(p);
      } catch (IOException | InterruptedException e) {
        b.log.accept("WARNING: could not switch to phase '" + p.name() + "': " + e);
      }
    }

    void apply(FaultScript.Phase p) throws IOException, InterruptedException {
      primary.setFault(p.primaryFault()); // first: an order labelled with the phase sees its fault
      phase = p.name();
      b.log.accept(String.format(java.util.Locale.ROOT, "[%6.2fs] phase: %s (%s %s, feed %s)",
          seconds(), p.name(), PRIMARY, p.primaryFault(), p.feedUp() ? "up" : "down"));
      if (feedServer != null && p.feedUp() != feedServer.isUp()) {
        if (p.feedUp()) {
          ticksAtRestart = feed.ticks();
          connectsAtRestart = feed.connects();
          feedServer.restart();
        } else {
          feedServer.stop();
        }
      }
    }

    void place(String id, String duePhase, long due) {
      String exchange = null;
      try {
        OrderRouter.Fill fill = router.place(id);
        exchange = fill.exchange();
        (fill.failover() ? filledBackup : filledPrimary).increment();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failedOrders.increment();
      } catch (Exception e) {
        failedOrders.increment();
      }
      long latency = System.nanoTime() - due;
      recorder.recordValue(Math.max(1, latency / 1_000));
      latencySum.add(latency);
      outcomes.put(id, new Outcome(id, duePhase, exchange, latency));
    }

    void sample() {
      double at = seconds();
      Histogram h = recorder.getIntervalHistogram();
      total.add(h);
      long p = filledPrimary.sum();
      long bk = filledBackup.sum();
      long f = failedOrders.sum();
      long c = router.cutOff();
      long a = router.primaryAttempts();
      long t = feed == null ? 0 : feed.ticks();
      boolean empty = h.getTotalCount() == 0;
      Sample s = new Sample(at, phase, p - lastPrimary, bk - lastBackup, f - lastFailed,
          c - lastCutOff, a - lastAttempts,
          router.primaryBreaker() == null ? null : router.primaryBreaker().state(),
          h.getTotalCount(), empty ? 0 : h.getValueAtPercentile(50),
          empty ? 0 : h.getValueAtPercentile(90), empty ? 0 : h.getValueAtPercentile(99),
          empty ? 0 : h.getMaxValue(), feed != null && feed.isConnected(), t - lastTicks,
          feed == null ? 0 : feed.reconnects(), registry == null ? "" : registry.statusTable());
      lastPrimary = p;
      lastBackup = bk;
      lastFailed = f;
      lastCutOff = c;
      lastAttempts = a;
      lastTicks = t;
      samples.add(s);
      try {
        b.onSample.accept(s);
      } catch (RuntimeException e) {
        b.log.accept("WARNING: sample listener failed: " + e);
      }
    }

    @Override
    public void close() {
      callers.shutdownNow();
      control.shutdownNow();
      if (feed != null) {
        feed.close();
      }
      if (feedServer != null) {
        feedServer.close();
      }
      router.close();
    }
  }

  /** Configures a {@link TradingScenario}. */
  public static final class Builder {
    private Mode mode = Mode.BREAKER;
    private FaultScript script = FaultScript.standard(Duration.ofSeconds(2),
        Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(4));
    private int ordersPerSecond = 20;
    private int callers = 64;
    private Duration attemptTimeout = Duration.ofMillis(300);
    private Duration slowLatency = Duration.ofSeconds(1);
    private Duration openTimeout = Duration.ofMillis(500);
    private Consumer<String> log = line -> { };
    private Consumer<Sample> onSample = s -> { };

    private Builder() { }

    /**
     * Which router to use.
     *
     * @param mode non-null; default {@link Mode#BREAKER}
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode must not be null");
      return this;
    }

    /**
     * The faults to inject.
     *
     * @param script non-null
     * @return this builder
     */
    public Builder script(FaultScript script) {
      this.script = Objects.requireNonNull(script, "script must not be null");
      return this;
    }

    /**
     * How many orders are due per second.
     *
     * @param ordersPerSecond in [1, 1000]; default 20
     * @return this builder
     */
    public Builder ordersPerSecond(int ordersPerSecond) {
      if (ordersPerSecond < 1 || ordersPerSecond > 1_000) {
        throw new IllegalArgumentException("ordersPerSecond must be in [1, 1000]: "
            + ordersPerSecond);
      }
      this.ordersPerSecond = ordersPerSecond;
      return this;
    }

    /**
     * How many threads place orders (orders due while all are busy wait in a queue, and their
     * wait counts as caller latency).
     *
     * @param callers in [1, 512]; default 64
     * @return this builder
     */
    public Builder callers(int callers) {
      if (callers < 1 || callers > 512) {
        throw new IllegalArgumentException("callers must be in [1, 512]: " + callers);
      }
      this.callers = callers;
      return this;
    }

    /**
     * The longest one attempt may take (the receive window is a quarter of it).
     *
     * @param timeout in [10 ms, 1 min]; default 300 ms
     * @return this builder
     */
    public Builder attemptTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout must not be null");
      if (timeout.toMillis() < 10 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("timeout must be in [PT0.01S, PT1M]: " + timeout);
      }
      this.attemptTimeout = timeout;
      return this;
    }

    /**
     * How long a slow exchange delays each order.
     *
     * @param latency in [1 ms, 1 min]; default 1 s
     * @return this builder
     */
    public Builder slowLatency(Duration latency) {
      Objects.requireNonNull(latency, "latency must not be null");
      if (latency.toMillis() < 1 || latency.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("latency must be in [PT0.001S, PT1M]: " + latency);
      }
      this.slowLatency = latency;
      return this;
    }

    /**
     * The breakers' base open timeout (it doubles after each failed probe, up to 4 times).
     *
     * @param openTimeout in [10 ms, 1 min]; default 500 ms
     * @return this builder
     */
    public Builder openTimeout(Duration openTimeout) {
      Objects.requireNonNull(openTimeout, "openTimeout must not be null");
      if (openTimeout.toMillis() < 10 || openTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("openTimeout must be in [PT0.01S, PT1M]: "
            + openTimeout);
      }
      this.openTimeout = openTimeout;
      return this;
    }

    /**
     * Where phase changes, transitions with their status table, alerts and warnings go; called
     * from several threads.
     *
     * @param log thread-safe; non-null; default discards
     * @return this builder
     */
    public Builder log(Consumer<String> log) {
      this.log = Objects.requireNonNull(log, "log must not be null");
      return this;
    }

    /**
     * Receives a {@link Sample} every second, on one thread.
     *
     * @param onSample non-null; default discards
     * @return this builder
     */
    public Builder onSample(Consumer<Sample> onSample) {
      this.onSample = Objects.requireNonNull(onSample, "onSample must not be null");
      return this;
    }

    /**
     * Builds the scenario (nothing starts before {@link TradingScenario#run()}).
     *
     * @return a new scenario
     */
    public TradingScenario build() {
      return new TradingScenario(this);
    }
  }
}
