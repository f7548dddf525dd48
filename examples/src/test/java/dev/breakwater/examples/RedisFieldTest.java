package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import dev.breakwater.HealthCheck;
import dev.breakwater.Pipeline;
import dev.breakwater.SlidingWindowType;
import dev.breakwater.Timeout;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, reached with Lettuce
 * (200 ms command timeouts, reconnecting every 50 ms), killed, restarted and slowed down while a
 * breaker guards it. Skipped loudly without {@code redis-server}, failed if {@code CI=true}.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFieldTest {
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(200);
  private static final int KEYS = 20;
  private static ClientResources resources;

  @BeforeAll
  static void redisInstalled() {
    Field.require(RedisServer.isInstalled(), "redis-server", "redis-server");
    resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(Delay.constant(Duration.ofMillis(50))).build();
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  /** A client whose commands fail after {@code timeout}, reconnecting every 50 ms. */
  private static RedisClient client(int port, Duration timeout) {
    RedisClient client = RedisClient.create(resources, RedisURI.builder()
        .withHost("127.0.0.1").withPort(port).withTimeout(timeout).build());
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
    return client;
  }

  private static void fill(RedisCommands<String, String> sync) {
    for (int i = 0; i < KEYS; i++) {
      sync.set("k" + i, "v" + i);
    }
  }

  /** {@link #fill} after a restart: Lettuce reconnects within 50 ms; retried for up to 10 s. */
  private static void refill(RedisCommands<String, String> sync) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        fill(sync);
        return;
      } catch (RuntimeException notReconnectedYet) {
        assertThat(System.nanoTime() - deadline).as("refilled within 10 s: " + notReconnectedYet)
            .isNegative();
        Field.pause(20);
      }
    }
  }

  /**
   * Reads through the breaker; on any failure or rejection serves the last value read (a local
   * cache), and times every call by its outcome.
   */
  private static final class CachedReads {
    final Map<String, String> cache = new ConcurrentHashMap<>();
    final Queue<Long> ok = new ConcurrentLinkedQueue<>();
    final Queue<Long> failed = new ConcurrentLinkedQueue<>();
    final Queue<Long> rejected = new ConcurrentLinkedQueue<>();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong unserved = new AtomicLong();
    final CircuitBreaker breaker;
    final RedisCommands<String, String> redis;
    Transitions transitions; // told of each call's start, when there is a single caller

    CachedReads(CircuitBreaker breaker, RedisCommands<String, String> redis) {
      this.breaker = breaker;
      this.redis = redis;
    }

    String get(String key) {
      calls.incrementAndGet();
      if (transitions != null) {
        transitions.callStarting();
      }
      long start = System.nanoTime();
      String value;
      try {
        value = breaker.supply(() -> redis.get(key));
        ok.add(System.nanoTime() - start);
        cache.put(key, value);
      } catch (CallNotPermittedException e) {
        rejected.add(System.nanoTime() - start);
        value = cache.get(key);
      } catch (RuntimeException e) {
        failed.add(System.nanoTime() - start);
        value = cache.get(key);
      }
      if (value == null) {
        unserved.incrementAndGet();
      }
      return value;
    }
  }

  @Test
  void killedMidLoad_opensWithinThreshold_rejectsFast_fallbackServesAll_statsExact()
      throws Exception {
    int threshold = 5;
    int workers = 2;
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = client(redis.port(), COMMAND_TIMEOUT);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        fill(connection.sync());
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .failureThreshold(threshold).openTimeout(Duration.ofSeconds(30)).recordStats()
            .build());
        Transitions transitions = Transitions.of(breaker);
        CachedReads reads = new CachedReads(breaker, connection.sync());
        for (int i = 0; i < KEYS; i++) {
          reads.get("k" + i); // warm the cache
        }

        AtomicLong wrong = new AtomicLong();
        Load load = Load.start("redis-load", workers, 20_000, 0, i -> {
          int k = i % KEYS;
          if (!("v" + k).equals(reads.get("k" + k))) {
            wrong.incrementAndGet();
          }
        });
        Field.await(() -> reads.ok.size() >= 300, Duration.ofSeconds(10), "300 reads");
        redis.kill();
        Field.await(() -> breaker.state() == State.OPEN, Duration.ofSeconds(10), "OPEN");
        Field.await(() -> reads.rejected.size() >= 2_000, Duration.ofSeconds(10),
            "2000 rejections");
        load.stop();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(transitions.steps()).extracting(Transitions.Step::to)
            .containsExactly(State.OPEN);
        // opened within failureThreshold failed calls (one more may have been in flight on the
        // other thread), and no call reached the dead server after that
        assertThat(reads.failed.size()).isBetween(threshold, threshold + workers - 1);
        assertThat(wrong.get()).as("requests not served their value").isZero();
        assertThat(reads.unserved.get()).isZero();

        long failing = Field.median(reads.failed);
        long rejection = Field.median(reads.rejected);
        assertThat(rejection * 100).as("OPEN rejection %s vs failing call %s",
            Field.time(rejection), Field.time(failing)).isLessThanOrEqualTo(failing);

        CircuitBreakerStats stats = breaker.stats();
        assertThat(stats.successfulCalls() + stats.failedCalls() + stats.rejectedCalls()
            + stats.ignoredCalls()).isEqualTo(reads.calls.get());
        assertThat(stats.successfulCalls()).isEqualTo(reads.ok.size());
        assertThat(stats.failedCalls()).isEqualTo(reads.failed.size());
        assertThat(stats.rejectedCalls()).isEqualTo(reads.rejected.size());
        assertThat(stats.ignoredCalls()).isZero();

        Field.report("redis killed", String.format(
            "%d calls (%d ok, %d failed, %d rejected), all served (cache); opened after %d"
                + " failed calls; OPEN rejection median %s vs failing Redis call median %s: %dx",
            reads.calls.get(), reads.ok.size(), reads.failed.size(), reads.rejected.size(),
            reads.failed.size(), Field.time(rejection), Field.time(failing),
            failing / Math.max(1, rejection)));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void restarted_halfOpensAfterTheOpenTimeoutWithBackoff_andCloses() throws Exception {
    Duration openTimeout = Duration.ofMillis(300);
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = client(redis.port(), COMMAND_TIMEOUT);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        fill(connection.sync());
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .failureThreshold(3).successThreshold(2).halfOpenMaxCalls(1)
            .openTimeout(openTimeout).openTimeoutBackoff(2.0, Duration.ofSeconds(2))
            .recordStats().build());
        Transitions transitions = Transitions.of(breaker);
        CachedReads reads = new CachedReads(breaker, connection.sync());
        reads.transitions = transitions;
        for (int i = 0; i < KEYS; i++) {
          reads.get("k" + i);
        }
        redis.kill();
        // one caller, a read every 10 ms, until a probe has failed against the dead server
        pollWhile(reads, () -> breaker.backoffLevel() < 1, "a failed probe");
        assertThat(reads.failed.size()).isEqualTo(3 + 1); // the threshold, then one probe
        redis.restart();
        long restarted = System.nanoTime();
        refill(connection.sync()); // through the same Lettuce connection, reconnected
        pollWhile(reads, () -> breaker.state() != State.CLOSED, "CLOSED after the restart");
        long closedAfter = System.nanoTime() - restarted;
        transitions.awaitLast(State.HALF_OPEN, State.CLOSED, Duration.ofSeconds(5));

        List<Transitions.Step> steps = transitions.steps();
        assertThat(steps).extracting(Transitions.Step::toString).startsWith(
            "CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN", "OPEN->HALF_OPEN");
        assertThat(steps.get(steps.size() - 1).toString()).isEqualTo("HALF_OPEN->CLOSED");
        List<Long> waits = transitions.openWaits();
        // never early: the first wait at least the open timeout, the next at least twice it
        assertThat(waits.get(0)).isGreaterThanOrEqualTo(openTimeout.toNanos());
        assertThat(waits.get(1)).isGreaterThanOrEqualTo(2 * openTimeout.toNanos());
        assertThat(reads.unserved.get()).isZero();
        Field.report("redis restarted", String.format(
            "transitions %s; open waits %s (base %s, backoff x2); CLOSED %s after the restart;"
                + " %d real calls failed in all", transitions, waits.stream().map(Field::time)
                .toList(), Field.time(openTimeout.toNanos()), Field.time(closedAfter),
            reads.failed.size()));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void restarted_healthCheckedBreakerClosesWithoutAdmittingARealCallEarly() throws Exception {
    ExecutorService checks = Executors.newSingleThreadExecutor();
    try (RedisServer redis = RedisServer.start()) {
      RedisClient client = client(redis.port(), COMMAND_TIMEOUT);
      try (StatefulRedisConnection<String, String> connection = client.connect();
           StatefulRedisConnection<String, String> pings = client.connect()) {
        fill(connection.sync());
        AtomicLong pingsSent = new AtomicLong();
        HealthCheck ping = HealthCheck.builder(() -> {
          pingsSent.incrementAndGet();
          return "PONG".equals(pings.sync().ping());
        }).executor(checks).build();
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .failureThreshold(3).successThreshold(2)
            .openTimeout(Duration.ofMillis(300)).openTimeoutBackoff(2.0, Duration.ofSeconds(2))
            .healthCheck(ping).recordStats().build());
        Transitions transitions = Transitions.of(breaker);
        AtomicLong reachedWhileNotClosed = new AtomicLong();
        AtomicLong reached = new AtomicLong();
        RedisCommands<String, String> sync = connection.sync();
        RedisCommands<String, String> counted = countingGet(sync, breaker, reached,
            reachedWhileNotClosed);
        CachedReads reads = new CachedReads(breaker, counted);
        for (int i = 0; i < KEYS; i++) {
          reads.get("k" + i);
        }
        redis.kill();
        pollWhile(reads, () -> breaker.backoffLevel() < 1, "a failed health check");
        long pingsWhileDown = pingsSent.get();
        redis.restart();
        refill(sync);
        long rejectedBefore = reads.rejected.size();
        pollWhile(reads, () -> breaker.state() != State.CLOSED, "CLOSED by the health checks");
        // the check thread closed it; its announcement reaches the listener after the CAS
        transitions.awaitLast(State.HALF_OPEN, State.CLOSED, Duration.ofSeconds(5));

        assertThat(reachedWhileNotClosed.get()).as("real calls that reached Redis while not"
            + " CLOSED").isZero();
        assertThat(reads.failed.size()).isEqualTo(3); // only the ones that opened it
        assertThat(transitions.steps()).extracting(Transitions.Step::toString)
            .contains("HALF_OPEN->OPEN")
            .endsWith("OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertThat(reads.unserved.get()).isZero();
        Field.report("redis health-checked", String.format(
            "transitions %s; %d PINGs (%d failed while Redis was down); real calls reaching"
                + " Redis while not CLOSED: %d; %d real calls rejected (served from the cache)"
                + " after the restart until the checks closed it",
            transitions, pingsSent.get(), pingsWhileDown, reachedWhileNotClosed.get(),
            reads.rejected.size() - rejectedBefore));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      checks.shutdownNow();
    }
  }

  /** A view of {@code sync} whose GETs count, and note when the breaker was not CLOSED. */
  @SuppressWarnings("unchecked")
  private static RedisCommands<String, String> countingGet(RedisCommands<String, String> sync,
      CircuitBreaker breaker, AtomicLong reached, AtomicLong reachedWhileNotClosed) {
    return (RedisCommands<String, String>) java.lang.reflect.Proxy.newProxyInstance(
        RedisCommands.class.getClassLoader(), new Class<?>[] {RedisCommands.class},
        (proxy, method, args) -> {
          if (method.getName().equals("get")) {
            reached.incrementAndGet();
            if (breaker.state() != State.CLOSED) {
              reachedWhileNotClosed.incrementAndGet();
            }
          }
          try {
            return method.invoke(sync, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** One read every 10 ms while {@code condition} holds, at most 10 s. */
  private static void pollWhile(CachedReads reads, java.util.function.BooleanSupplier condition,
      String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (int i = 0; condition.getAsBoolean(); i++) {
      assertThat(System.nanoTime() - deadline).as("not within 10 s: " + what).isNegative();
      reads.get("k" + (i % KEYS));
      Field.pause(10);
    }
  }

  @Test
  void madeSlow_slowCallRateOpensIt() throws Exception {
    Duration slow = Duration.ofMillis(100);
    try (RedisServer redis = RedisServer.start();
         FaultyProxy proxy = FaultyProxy.start(redis.port())) {
      RedisClient client = client(proxy.port(), Duration.ofSeconds(2));
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        fill(connection.sync());
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .slidingWindow(SlidingWindowType.COUNT_BASED, 10).minimumNumberOfCalls(10)
            .slowCallDurationThreshold(slow).slowCallRateThreshold(50)
            .openTimeout(Duration.ofSeconds(30)).recordStats().build());
        CachedReads reads = new CachedReads(breaker, connection.sync());
        for (int i = 0; i < 2 * KEYS; i++) {
          reads.get("k" + (i % KEYS));
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        long fast = Field.median(reads.ok);
        int fastCalls = reads.ok.size();

        proxy.delay(Duration.ofMillis(250));
        for (int i = 0; i < 20 && breaker.state() == State.CLOSED; i++) {
          reads.get("k" + (i % KEYS));
        }
        int slowCalls = reads.ok.size() - fastCalls;
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        // 50% of the last 10 calls: 5 slow calls after healthy ones (fewer if a healthy one
        // was slow on this loaded machine), and none failed: slow calls succeed
        assertThat(slowCalls).isBetween(1, 5);
        assertThat(reads.failed).isEmpty();
        List<Long> slowTimes = reads.ok.stream().skip(fastCalls).toList();
        long slowMedian = Field.median(slowTimes);
        assertThat(slowMedian).isGreaterThanOrEqualTo(10 * fast);
        assertThat(breaker.metrics().slowCallRate()).isGreaterThanOrEqualTo(50);
        reads.get("k0");
        assertThat(reads.rejected).hasSize(1);
        Field.report("redis slow", String.format(
            "proxy delay 250 ms, threshold %s: OPEN after %d slow calls (slow-call rate %s%%);"
                + " call median %s healthy vs %s slow (%dx)", Field.time(slow.toNanos()),
            slowCalls, breaker.metrics().slowCallRate(), Field.time(fast),
            Field.time(slowMedian), slowMedian / Math.max(1, fast)));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  @Test
  void blackholed_pipelineTimeoutBoundsEveryCaller() throws Exception {
    Duration limit = Duration.ofMillis(150);
    Duration commandTimeout = Duration.ofSeconds(1);
    ExecutorService abandonable = Executors.newFixedThreadPool(8);
    try (RedisServer redis = RedisServer.start();
         FaultyProxy proxy = FaultyProxy.start(redis.port())) {
      RedisClient client = client(proxy.port(), commandTimeout);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        RedisCommands<String, String> sync = connection.sync();
        fill(sync);
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .failureThreshold(3).openTimeout(Duration.ofSeconds(30)).recordStats().build());
        Pipeline<String> pipeline = Pipeline.<String>builder()
            .breaker(breaker)
            .timeout(Timeout.builder(limit).executor(abandonable).build())
            .build();
        assertThat(pipeline.call(() -> sync.get("k1"))).isEqualTo("v1");

        proxy.blackhole();
        long unboundedStart = System.nanoTime();
        try {
          sync.get("k2"); // what a caller without the pipeline waits: Lettuce's own timeout
        } catch (RuntimeException expected) {
          // RedisCommandTimeoutException
        }
        long unbounded = System.nanoTime() - unboundedStart;

        int callers = 4;
        Queue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong timedOut = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong other = new AtomicLong();
        Thread[] threads = new Thread[callers];
        for (int c = 0; c < callers; c++) {
          threads[c] = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
              long start = System.nanoTime();
              try {
                pipeline.call(() -> sync.get("k3"));
                other.incrementAndGet();
              } catch (TimeoutException e) {
                timedOut.incrementAndGet();
              } catch (CallNotPermittedException e) {
                rejected.incrementAndGet();
              } catch (Exception e) {
                other.incrementAndGet();
              }
              latencies.add(System.nanoTime() - start);
            }
          });
          threads[c].start();
        }
        for (Thread t : threads) {
          t.join(10_000);
        }
        long max = Field.max(latencies);
        long slack = Duration.ofMillis(150).toNanos(); // a loaded 2-core machine
        assertThat(latencies).hasSize(4 * 10);
        assertThat(max).as("slowest caller %s, timeout %s", Field.time(max),
            Field.time(limit.toNanos())).isLessThanOrEqualTo(limit.toNanos() + slack);
        assertThat(unbounded).isGreaterThanOrEqualTo(3 * max);
        assertThat(other.get()).isZero();
        assertThat(timedOut.get()).isBetween(3L, 3L + callers - 1);
        assertThat(rejected.get()).isEqualTo(40 - timedOut.get());
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        Field.report("redis blackholed", String.format(
            "4 callers x 10 calls through breaker > timeout(%s): %d timed out, %d rejected;"
                + " slowest caller %s (median %s) vs %s for a call without the pipeline",
            Field.time(limit.toNanos()), timedOut.get(), rejected.get(), Field.time(max),
            Field.time(Field.median(latencies)), Field.time(unbounded)));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    } finally {
      abandonable.shutdownNow();
    }
  }

  @Test
  void connectionsReset_opensWithinThreshold() throws Exception {
    try (RedisServer redis = RedisServer.start();
         FaultyProxy proxy = FaultyProxy.start(redis.port())) {
      RedisClient client = client(proxy.port(), COMMAND_TIMEOUT);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        fill(connection.sync());
        CircuitBreaker breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.builder()
            .failureThreshold(3).openTimeout(Duration.ofSeconds(30)).recordStats().build());
        CachedReads reads = new CachedReads(breaker, connection.sync());
        for (int i = 0; i < KEYS; i++) {
          reads.get("k" + i);
        }
        long accepted = proxy.acceptedConnections();
        proxy.reset();
        for (int i = 0; i < 20 && breaker.state() == State.CLOSED; i++) {
          reads.get("k" + (i % KEYS));
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(reads.failed).hasSize(3);
        for (int i = 0; i < 100; i++) {
          reads.get("k" + (i % KEYS));
        }
        assertThat(reads.rejected).hasSize(100);
        assertThat(reads.unserved.get()).isZero();
        Field.report("redis reset", String.format(
            "connections reset by the proxy: OPEN after %d failed calls (median %s),"
                + " %d reconnect attempts reset meanwhile; then 100 of 100 rejected (median %s),"
                + " all served from the cache",
            reads.failed.size(), Field.time(Field.median(reads.failed)),
            proxy.acceptedConnections() - accepted, Field.time(Field.median(reads.rejected))));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }
}
