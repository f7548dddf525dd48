package dev.breakwater.examples.trading;

import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.Fallback;
import dev.breakwater.Pipeline;
import dev.breakwater.Retry;
import dev.breakwater.Timeout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends orders to a primary exchange and, while that fails, to a backup.
 *
 * <p>{@link #withBreaker} builds the lesson's router, one {@link Pipeline} per order:
 *
 * <pre>
 * fallback (to the backup, on CallNotPermittedException, IOException, TimeoutException)
 *   retry (3 attempts, exponential backoff 50 ms, x2, at most 200 ms)
 *     breaker (the primary's, from the registry's "exchange" config)
 *       timeout (the attempt timeout)
 *         HTTP POST /order to the primary
 * </pre>
 *
 * and the backup is reached through the same retry, its own breaker and timeout. An open primary
 * breaker sends an order to the backup at once, without touching the primary.
 *
 * <p>{@link #retryOnly} is the comparison: the plain HTTP client with the same retry, the
 * attempt timeout as the request's timeout, no breaker and no failover; an order fails when the
 * retries run out.
 *
 * <p>Each attempt carries the order id, the time it was sent and a receive window of a quarter
 * of the attempt timeout (see {@link Exchange}): an exchange that processes it later refuses it.
 * So an attempt the router gave up on is not filled behind its back, and an order is filled by
 * one exchange only, as long as an answer takes less than the remaining three quarters of the
 * timeout to come back (on loopback it takes well under a millisecond; a stall of the whole JVM
 * longer than that is the one way to a double fill). Thread-safe: any number of threads may call
 * {@link #place}.
 */
public final class OrderRouter implements AutoCloseable {

  /**
   * Where an order was filled.
   *
   * @param orderId the order
   * @param exchange the exchange that accepted it
   * @param failover whether it was sent to the backup
   */
  public record Fill(String orderId, String exchange, boolean failover) { }

  /** Thrown when an exchange answers anything but 200; an {@link IOException}, so retried. */
  static final class ExchangeException extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    ExchangeException(String exchange, int status, String body) {
      super(exchange + " answered " + status + ": " + body);
      this.status = status;
    }
  }

  private final String primaryName;
  private final URI primaryOrders;
  private final String backupName;
  private final URI backupOrders;
  private final Duration attemptTimeout;
  private final long recvWindowMillis;
  private final HttpClient http;
  private final ExecutorService timeoutThreads;
  private final Retry retry;
  private final Timeout timeout;
  private final CircuitBreaker primaryBreaker;
  private final Pipeline<Fill> toBackup;
  private final Pipeline<Fill> plain;

  private final LongAdder placed = new LongAdder();
  private final LongAdder filledPrimary = new LongAdder();
  private final LongAdder filledBackup = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder primaryAttempts = new LongAdder();
  private final LongAdder primaryAttemptsOk = new LongAdder();

  private OrderRouter(String primaryName, URI primary, String backupName, URI backup,
      Duration attemptTimeout, CircuitBreakerRegistry registry, String configName) {
    this.primaryName = primaryName;
    this.primaryOrders = primary.resolve("/order");
    this.backupName = backupName;
    this.backupOrders = backup == null ? null : backup.resolve("/order");
    this.attemptTimeout = attemptTimeout;
    this.recvWindowMillis = Math.max(1, attemptTimeout.toMillis() / 4);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(attemptTimeout).build();
    Retry retry = Retry.builder().maxAttempts(3)
        .exponentialBackoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200))
        .jitter(Retry.Jitter.PROPORTIONAL).proportionalJitter(0.2)
        .retryOn(IOException.class, TimeoutException.class)
        .build();
    this.retry = retry;
    if (registry == null) {
      this.timeoutThreads = null;
      this.timeout = null;
      this.primaryBreaker = null;
      this.toBackup = null;
      this.plain = Pipeline.<Fill>builder().retry(retry).build();
      return;
    }
    this.plain = null;
    this.timeoutThreads = Executors.newCachedThreadPool(Exchange.daemon("order-attempt"));
    this.timeout = Timeout.builder(attemptTimeout).executor(timeoutThreads).build();
    this.primaryBreaker = registry.breaker(primaryName, configName);
    this.toBackup = Pipeline.<Fill>builder()
        .retry(retry).breaker(registry.breaker(backupName, configName)).timeout(timeout).build();
  }

  /**
   * The pipeline for one order: its fallback sends that order to the backup. (Built per order
   * because the fallback's call is the order's; the policies inside are shared.)
   */
  private Pipeline<Fill> routed(String orderId) {
    return Pipeline.<Fill>builder()
        .fallback(Fallback.to(() -> toBackup.call(() -> send(backupName, backupOrders, orderId,
            true))).on(CallNotPermittedException.class, IOException.class, TimeoutException.class))
        .retry(retry)
        .breaker(primaryBreaker)
        .timeout(timeout)
        .build();
  }

  /**
   * The lesson's router: retry, breaker and timeout around the primary, failover to the backup.
   * Both breakers come from {@code registry} under the exchanges' names and config
   * {@code configName}.
   *
   * @param registry where the breakers are created (or found); non-null
   * @param configName a config added to the registry, e.g. {@code "exchange"}
   * @param primary the primary exchange's name and base URI
   * @param backup the backup exchange's
   * @param attemptTimeout the longest one attempt may take, in [10 ms, 1 min]
   * @return a router; {@link #close()} it when done
   * @throws IllegalArgumentException if an argument is out of range, the names are equal, or
   *     the registry has no config {@code configName}
   */
  public static OrderRouter withBreaker(CircuitBreakerRegistry registry, String configName,
      Exchange primary, Exchange backup, Duration attemptTimeout) {
    Objects.requireNonNull(registry, "registry must not be null");
    Objects.requireNonNull(configName, "configName must not be null");
    Objects.requireNonNull(primary, "primary must not be null");
    Objects.requireNonNull(backup, "backup must not be null");
    checkTimeout(attemptTimeout);
    if (primary.name().equals(backup.name())) {
      throw new IllegalArgumentException("backup must differ from primary: " + backup.name());
    }
    if (!registry.configs().containsKey(configName)) {
      throw new IllegalArgumentException("configName must be a config of the registry "
          + registry.configs().keySet() + ": " + configName);
    }
    return new OrderRouter(primary.name(), primary.uri(), backup.name(), backup.uri(),
        attemptTimeout, registry, configName);
  }

  /**
   * The comparison router: the plain HTTP client and the same retry, no breaker, no failover.
   *
   * @param primary the exchange every order goes to
   * @param attemptTimeout the request timeout of each attempt, in [10 ms, 1 min]
   * @return a router
   * @throws IllegalArgumentException if {@code attemptTimeout} is out of range
   */
  public static OrderRouter retryOnly(Exchange primary, Duration attemptTimeout) {
    Objects.requireNonNull(primary, "primary must not be null");
    checkTimeout(attemptTimeout);
    return new OrderRouter(primary.name(), primary.uri(), null, null, attemptTimeout, null, null);
  }

  private static void checkTimeout(Duration attemptTimeout) {
    Objects.requireNonNull(attemptTimeout, "attemptTimeout must not be null");
    if (attemptTimeout.toMillis() < 10 || attemptTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("attemptTimeout must be in [PT0.01S, PT1M]: "
          + attemptTimeout);
    }
  }

  /**
   * Places one order: sends it until an exchange fills it or the policies give up.
   *
   * @param orderId a unique id; non-blank
   * @return where it was filled
   * @throws Exception the last failure when no exchange filled it
   * @throws IllegalArgumentException if {@code orderId} is blank
   */
  public Fill place(String orderId) throws Exception {
    Objects.requireNonNull(orderId, "orderId must not be null");
    if (orderId.isBlank()) {
      throw new IllegalArgumentException("orderId must not be blank: '" + orderId + "'");
    }
    placed.increment();
    Pipeline<Fill> pipeline = plain != null ? plain : routed(orderId);
    try {
      Fill fill = pipeline.call(() -> send(primaryName, primaryOrders, orderId, false));
      (fill.failover() ? filledBackup : filledPrimary).increment();
      return fill;
    } catch (Exception e) {
      failed.increment();
      throw e;
    }
  }

  private Fill send(String exchange, URI orders, String orderId, boolean failover)
      throws IOException, InterruptedException {
    if (!failover) {
      primaryAttempts.increment();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(orders)
        .header("X-Order-Id", orderId)
        .header("X-Timestamp", Long.toString(System.currentTimeMillis()))
        .header("X-Recv-Window", Long.toString(recvWindowMillis))
        .POST(HttpRequest.BodyPublishers.ofString("BUY 0.01 BTCUSDT " + orderId));
    // With a breaker the Timeout policy bounds the attempt (this is only a backstop); without,
    // the plain client's request timeout is the bound.
    request.timeout(timeoutThreads == null ? attemptTimeout : attemptTimeout.multipliedBy(2));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new ExchangeException(exchange, response.statusCode(), response.body());
    }
    if (!failover) {
      primaryAttemptsOk.increment();
    }
    return new Fill(orderId, exchange, failover);
  }

  /**
   * The primary's breaker.
   *
   * @return the breaker, or null for a {@link #retryOnly} router
   */
  public CircuitBreaker primaryBreaker() {
    return primaryBreaker;
  }

  /**
   * Orders placed so far.
   *
   * @return calls of {@link #place}
   */
  public long placed() {
    return placed.sum();
  }

  /**
   * Orders filled by the primary.
   *
   * @return the count
   */
  public long filledByPrimary() {
    return filledPrimary.sum();
  }

  /**
   * Orders filled by the backup: the failovers that worked.
   *
   * @return the count
   */
  public long failovers() {
    return filledBackup.sum();
  }

  /**
   * Orders no exchange filled.
   *
   * @return the count
   */
  public long failed() {
    return failed.sum();
  }

  /**
   * Attempts sent to the primary (each retry counts).
   *
   * @return the count
   */
  public long primaryAttempts() {
    return primaryAttempts.sum();
  }

  /**
   * Attempts the primary answered with a fill.
   *
   * @return the count
   */
  public long primaryAttemptsFilled() {
    return primaryAttemptsOk.sum();
  }

  /**
   * Calls the primary's breaker rejected without sending them: the calls it cut off.
   *
   * @return the breaker's rejected-call count (0 without a breaker)
   */
  public long cutOff() {
    return primaryBreaker == null ? 0 : primaryBreaker.stats().rejectedCalls();
  }

  /** Stops the attempt threads (the HTTP client's own threads are daemons). */
  @Override
  public void close() {
    if (timeoutThreads != null) {
      timeoutThreads.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "OrderRouter{" + primaryName + (backupName == null ? ", retry only" : " -> "
        + backupName) + "}\n" + (plain != null ? plain : routed("example")).describe();
  }
}
