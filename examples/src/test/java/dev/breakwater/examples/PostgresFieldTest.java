package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL (Debian's package) in a temp folder on a free loopback port, reached through
 * HikariCP, crashed ({@code pg_ctl stop -m immediate}) under load and restarted while a breaker
 * guards it. Skipped loudly without PostgreSQL, failed if {@code CI=true}.
 */
@org.junit.jupiter.api.Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresFieldTest {
  private static final int ROWS = 20;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  @BeforeAll
  static void postgresInstalled() {
    Field.require(PostgresServer.isInstalled(),
        "PostgreSQL (/usr/lib/postgresql/*/bin/{initdb,pg_ctl,postgres})", "postgresql");
  }

  /** Reads a price through the breaker, from the last value read when it fails or rejects. */
  private static final class CachedPrices {
    final Map<Integer, Long> cache = new ConcurrentHashMap<>();
    final Queue<Long> ok = new ConcurrentLinkedQueue<>();
    final Queue<Long> failed = new ConcurrentLinkedQueue<>();
    /** When each failed call started ({@code System.nanoTime()}). */
    final Queue<Long> failedStarts = new ConcurrentLinkedQueue<>();
    final Queue<Long> rejected = new ConcurrentLinkedQueue<>();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong unserved = new AtomicLong();
    final CircuitBreaker breaker;
    final HikariDataSource pool;

    CachedPrices(CircuitBreaker breaker, HikariDataSource pool) {
      this.breaker = breaker;
      this.pool = pool;
    }

    Long price(int id) {
      calls.incrementAndGet();
      long start = System.nanoTime();
      Long value;
      try {
        value = breaker.call(() -> query(id));
        ok.add(System.nanoTime() - start);
        cache.put(id, value);
      } catch (CallNotPermittedException e) {
        rejected.add(System.nanoTime() - start);
        value = cache.get(id);
      } catch (Exception e) {
        failed.add(System.nanoTime() - start);
        failedStarts.add(start);
        value = cache.get(id);
      }
      if (value == null) {
        unserved.incrementAndGet();
      }
      return value;
    }

    private long query(int id) throws java.sql.SQLException {
      try (Connection c = pool.getConnection();
           PreparedStatement ps = c.prepareStatement("SELECT px FROM quotes WHERE id = ?")) {
        ps.setInt(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
  }

  private static HikariDataSource pool(PostgresServer pg) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.jdbcUrl());
    config.setUsername(PostgresServer.USER);
    config.setPoolName("field-pg");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(250);
    config.addDataSourceProperty("connectTimeout", "1");   // pgjdbc, seconds
    config.addDataSourceProperty("socketTimeout", "5");    // pgjdbc, seconds
    return new HikariDataSource(config);
  }

  @Test
  void stoppedMidLoad_breakerOpensInsteadOfEveryCallerWaitingForThePool_restartedCloses()
      throws Exception {
    int threshold = 3;
    int workers = 2;
    try (PostgresServer pg = PostgresServer.start();
         HikariDataSource pool = pool(pg)) {
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE quotes (id int PRIMARY KEY, px bigint NOT NULL)");
        s.execute("INSERT INTO quotes SELECT i, i * 10 FROM generate_series(0, " + (ROWS - 1)
            + ") AS i");
      }
      CircuitBreaker breaker = CircuitBreaker.of("postgres", CircuitBreakerConfig.builder()
          .failureThreshold(threshold).successThreshold(1).openTimeout(Duration.ofMillis(500))
          .recordStats().build());
      Transitions transitions = Transitions.of(breaker);
      CachedPrices prices = new CachedPrices(breaker, pool);
      for (int id = 0; id < ROWS; id++) {
        assertThat(prices.price(id)).isEqualTo(id * 10L); // warms the cache
      }

      AtomicLong wrong = new AtomicLong();
      Load load = Load.start("pg-load", workers, 20_000, 1, i -> { // 1 ms pauses: a shared host
        int id = i % ROWS;
        Long px = prices.price(id);
        if (px == null || px != id * 10L) {
          wrong.incrementAndGet();
        }
      });
      Field.await(() -> prices.ok.size() >= 200, Duration.ofSeconds(15), "200 queries");
      long stopping = System.nanoTime();
      pg.stopImmediately();
      Field.await(() -> !transitions.steps().isEmpty(), Duration.ofSeconds(15), "OPEN");
      long openedAt = transitions.steps().get(0).nanos(); // announced after the CAS
      long openedAfter = openedAt - stopping;
      Field.await(() -> prices.rejected.size() >= 500, Duration.ofSeconds(15),
          "500 rejections");
      load.stop();
      int failedWhileDown = prices.failed.size();
      // failed calls that started before the breaker opened: those that opened it and those
      // in flight on the other thread (later ones are probes, after the open timeout)
      long failedAtOpen = prices.failedStarts.stream().filter(t -> t - openedAt < 0).count();

      // the breaker opened within failureThreshold failed calls (+ one in flight elsewhere)
      // and held every later caller off the pool: no further failures until a probe
      assertThat(failedAtOpen).isBetween((long) threshold, (long) threshold + workers - 1);
      long rejection = Field.median(prices.rejected);
      long slowestRejection = Field.max(prices.rejected);
      long failing = Field.median(prices.failed);
      assertThat(rejection * 1_000).as("median rejection %s vs the pool's connection timeout",
          Field.time(rejection)).isLessThan(CONNECTION_TIMEOUT.toNanos());
      assertThat(slowestRejection * 10).as("slowest rejection %s",
          Field.time(slowestRejection)).isLessThan(CONNECTION_TIMEOUT.toNanos());
      assertThat(rejection * 100).as("median rejection %s vs median failed call %s",
          Field.time(rejection), Field.time(failing)).isLessThan(failing);
      assertThat(wrong.get()).as("requests not served their value").isZero();

      pg.restart();
      long restarted = System.nanoTime();
      transitions.callStarting();
      for (int i = 0; breaker.state() != State.CLOSED; i++) {
        assertThat(System.nanoTime() - restarted).as("CLOSED within 15 s of the restart")
            .isLessThan(Duration.ofSeconds(15).toNanos());
        transitions.callStarting();
        assertThat(prices.price(i % ROWS)).isEqualTo((i % ROWS) * 10L);
        Field.pause(20);
      }
      long closedAfter = System.nanoTime() - restarted;
      transitions.awaitLast(State.HALF_OPEN, State.CLOSED, Duration.ofSeconds(5));
      assertThat(prices.price(7)).isEqualTo(70L);
      assertThat(prices.unserved.get()).isZero();
      assertThat(transitions.steps().get(0).toString()).isEqualTo("CLOSED->OPEN");
      assertThat(transitions.steps().get(transitions.steps().size() - 1).toString())
          .isEqualTo("HALF_OPEN->CLOSED");

      CircuitBreakerStats stats = breaker.stats();
      assertThat(stats.successfulCalls() + stats.failedCalls() + stats.rejectedCalls()
          + stats.ignoredCalls()).isEqualTo(prices.calls.get());
      assertThat(stats.failedCalls()).isEqualTo(prices.failed.size());
      assertThat(stats.rejectedCalls()).isEqualTo(prices.rejected.size());

      Field.report("postgres stopped", String.format(
          "pg_ctl stop -m immediate under 2 callers: OPEN %s later after %d failed calls"
              + " (failed calls took %s; Hikari connectionTimeout %s); %d callers"
              + " rejected, median %s, slowest %s (%dx faster than the pool's timeout),"
              + " all served from the cache; restarted: CLOSED %s later (%d failed calls in"
              + " all, %d while down); %s",
          Field.time(openedAfter), failedAtOpen,
          prices.failed.stream().map(Field::time).toList(),
          Field.time(CONNECTION_TIMEOUT.toNanos()),
          prices.rejected.size(), Field.time(rejection), Field.time(slowestRejection),
          CONNECTION_TIMEOUT.toNanos() / Math.max(1, rejection), Field.time(closedAfter),
          prices.failed.size(), failedWhileDown, transitions));
    }
  }
}
