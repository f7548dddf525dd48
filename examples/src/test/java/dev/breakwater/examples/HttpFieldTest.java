package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.CircuitBreakerStats;
import dev.breakwater.Fallback;
import dev.breakwater.Pipeline;
import dev.breakwater.Retry;
import dev.breakwater.Timeout;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JDK {@code HttpServer} downstream on a free loopback port, made slow, failing (500),
 * connection-resetting and stopped, called by the JDK {@code HttpClient} through a breaker
 * ({@code call}, {@code callAsync}) and an asynchronous pipeline.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFieldTest {
  private Downstream downstream;
  private ExecutorService clientThreads;
  private HttpClient http;

  @BeforeEach
  void start() {
    downstream = Downstream.start();
    clientThreads = Executors.newFixedThreadPool(4);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500))
        .executor(clientThreads).build();
  }

  @AfterEach
  void stop() {
    if (downstream != null) {
      downstream.close();
    }
    clientThreads.shutdownNow();
  }

  private HttpRequest get() {
    return HttpRequest.newBuilder(downstream.uri("/quote")).timeout(Duration.ofSeconds(5))
        .GET().build();
  }

  private static void assertConserved(CircuitBreaker breaker, long calls) {
    CircuitBreakerStats s = breaker.stats();
    assertThat(s.successfulCalls() + s.failedCalls() + s.rejectedCalls() + s.ignoredCalls())
        .as("%s", s).isEqualTo(calls);
  }

  @Test
  void serverErrors_tripViaRecordResult_andItClosesWhenHealthyAgain() throws Exception {
    Duration openTimeout = Duration.ofMillis(300);
    CircuitBreaker breaker = CircuitBreaker.of("api", CircuitBreakerConfig.builder()
        .failureThreshold(3).successThreshold(1).openTimeout(openTimeout)
        .recordResult(HttpResponse.class, r -> r.statusCode() >= 500)
        .recordStats().build());
    Transitions transitions = Transitions.of(breaker);
    long calls = 0;
    for (int i = 0; i < 10; i++, calls++) {
      assertThat(breaker.call(() -> http.send(get(), HttpResponse.BodyHandlers.ofString()))
          .statusCode()).isEqualTo(200);
    }
    downstream.status(500);
    long before = downstream.requests();
    List<Long> failing = new ArrayList<>();
    for (int i = 0; i < 20 && breaker.state() == State.CLOSED; i++, calls++) {
      transitions.callStarting();
      long start = System.nanoTime();
      HttpResponse<String> r = breaker.call(() -> http.send(get(),
          HttpResponse.BodyHandlers.ofString()));
      failing.add(System.nanoTime() - start);
      assertThat(r.statusCode()).isEqualTo(500); // returned to the caller, counted as failure
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(downstream.requests() - before).as("500s that reached the server").isEqualTo(3);

    List<Long> rejections = new ArrayList<>();
    for (int i = 0; i < 100; i++, calls++) {
      long start = System.nanoTime();
      try {
        breaker.call(() -> http.send(get(), HttpResponse.BodyHandlers.ofString()));
      } catch (CallNotPermittedException expected) {
        rejections.add(System.nanoTime() - start);
      }
    }
    assertThat(rejections).hasSize(100);
    assertThat(downstream.requests() - before).as("nothing more reached it").isEqualTo(3);

    downstream.healthy();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (breaker.state() != State.CLOSED) {
      assertThat(System.nanoTime() - deadline).as("CLOSED within 10 s").isNegative();
      try {
        breaker.call(() -> http.send(get(), HttpResponse.BodyHandlers.ofString()));
      } catch (CallNotPermittedException stillOpen) {
        Field.pause(10);
      }
      calls++;
    }
    assertThat(transitions.openWaits().get(0)).isGreaterThanOrEqualTo(openTimeout.toNanos());
    assertConserved(breaker, calls);
    long failingMedian = Field.median(failing);
    long rejectionMedian = Field.median(rejections);
    assertThat(rejectionMedian * 10).isLessThanOrEqualTo(failingMedian);
    Field.report("http 500", String.format(
        "OPEN after 3 responses >= 500 (recordResult), 0 requests reached the server while"
            + " OPEN; rejection median %s vs a 500 round trip %s (%dx); CLOSED again after the"
            + " open timeout (%s): %s", Field.time(rejectionMedian), Field.time(failingMedian),
        failingMedian / Math.max(1, rejectionMedian),
        Field.time(transitions.openWaits().get(0)), transitions));
  }

  @Test
  void connectionResets_tripCallAsync_andRejectionsAreFailedStages() throws Exception {
    CircuitBreaker breaker = CircuitBreaker.of("api", CircuitBreakerConfig.builder()
        .failureThreshold(3).openTimeout(Duration.ofSeconds(30)).recordStats().build());
    long calls = 0;
    for (int i = 0; i < 5; i++, calls++) {
      assertThat(breaker.callAsync(() -> http.sendAsync(get(),
          HttpResponse.BodyHandlers.ofString())).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .statusCode()).isEqualTo(200);
    }
    downstream.resetConnections();
    long before = downstream.requests();
    int ioFailures = 0;
    List<Long> failing = new ArrayList<>();
    for (int i = 0; i < 20 && breaker.state() == State.CLOSED; i++, calls++) {
      long start = System.nanoTime();
      CompletableFuture<HttpResponse<String>> f = breaker.callAsync(() -> http.sendAsync(get(),
          HttpResponse.BodyHandlers.ofString())).toCompletableFuture();
      try {
        f.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(IOException.class);
        ioFailures++;
      }
      failing.add(System.nanoTime() - start);
    }
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(ioFailures).isEqualTo(3);
    long reached = downstream.requests() - before;

    List<Long> rejections = new ArrayList<>();
    for (int i = 0; i < 100; i++, calls++) {
      long start = System.nanoTime();
      CompletableFuture<HttpResponse<String>> f = breaker.callAsync(() -> http.sendAsync(get(),
          HttpResponse.BodyHandlers.ofString())).toCompletableFuture();
      assertThat(f).isCompletedExceptionally(); // at once, never a throw
      try {
        f.join();
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(CallNotPermittedException.class);
      }
      rejections.add(System.nanoTime() - start);
    }
    assertThat(downstream.requests() - before).isEqualTo(reached);
    assertConserved(breaker, calls);
    long failingMedian = Field.median(failing);
    long rejectionMedian = Field.median(rejections);
    assertThat(rejectionMedian * 10).isLessThanOrEqualTo(failingMedian);
    Field.report("http reset", String.format(
        "callAsync: OPEN after 3 IOExceptions (connection closed without a response; %d"
            + " requests reached the server, the JDK client retries a GET once), then 100 of"
            + " 100 rejected as failed stages; rejection median %s vs failing call %s (%dx)",
        reached, Field.time(rejectionMedian), Field.time(failingMedian),
        failingMedian / Math.max(1, rejectionMedian)));
  }

  @Test
  void asyncPipeline_timeoutRetryFallback_boundsEveryCaller_thenRecoversAfterAStop()
      throws Exception {
    Duration limit = Duration.ofMillis(100);
    Duration backoff = Duration.ofMillis(20);
    CircuitBreaker breaker = CircuitBreaker.of("api", CircuitBreakerConfig.builder()
        .failureThreshold(3).successThreshold(1).openTimeout(Duration.ofMillis(300))
        .recordStats().build());
    Transitions transitions = Transitions.of(breaker);
    String fallback = "last known quote";
    Pipeline<String> pipeline = Pipeline.<String>builder()
        .fallback(Fallback.value(fallback))
        .retry(Retry.builder().maxAttempts(2).fixedBackoff(backoff).build())
        .breaker(breaker)
        .timeout(Timeout.of(limit))
        .build();
    assertThat(pipeline.callAsync(this::quote).get(5, TimeUnit.SECONDS)).startsWith("ok ");

    Duration slow = Duration.ofSeconds(2);
    downstream.latency(slow);
    int callers = 4;
    Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong fallbacks = new AtomicLong();
    AtomicLong other = new AtomicLong();
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      runs.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 5; i++) {
          long start = System.nanoTime();
          String answer = pipeline.callAsync(this::quote).join();
          latencies.add(System.nanoTime() - start);
          (fallback.equals(answer) ? fallbacks : other).incrementAndGet();
        }
      }, clientThreadsForCallers()));
    }
    CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    long max = Field.max(latencies);
    long bound = 2 * limit.toNanos() + backoff.toNanos(); // two attempts and the wait between
    long slack = Duration.ofMillis(150).toNanos();
    assertThat(fallbacks.get()).isEqualTo(callers * 5);
    assertThat(other.get()).isZero();
    assertThat(max).as("slowest caller %s", Field.time(max)).isLessThanOrEqualTo(bound + slack);
    assertThat(max * 4).isLessThan(slow.toNanos());
    assertThat(breaker.state()).isEqualTo(State.OPEN);

    downstream.stop();
    downstream.healthy();
    // probes against a stopped server fail (connection refused) and re-open it
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (transitions.steps().stream().noneMatch(s -> s.toString().equals("HALF_OPEN->OPEN"))) {
      assertThat(System.nanoTime() - deadline).as("a failed probe within 10 s").isNegative();
      assertThat(pipeline.callAsync(this::quote).get(5, TimeUnit.SECONDS)).isEqualTo(fallback);
      Field.pause(20);
    }
    downstream.restart();
    long restarted = System.nanoTime();
    String answer = fallback;
    while (breaker.state() != State.CLOSED || fallback.equals(answer)) {
      assertThat(System.nanoTime() - deadline).as("CLOSED within 10 s").isNegative();
      answer = pipeline.callAsync(this::quote).get(5, TimeUnit.SECONDS);
      Field.pause(20);
    }
    long closedAfter = System.nanoTime() - restarted;
    assertThat(answer).startsWith("ok ");
    Field.report("http pipeline", String.format(
        "fallback > retry(2) > breaker > timeout(%s) against a %s server: %d of %d callers"
            + " answered by the fallback, slowest %s (median %s, bound 2 x timeout + %s);"
            + " stopped server: probe failed, restarted: CLOSED %s later; %s",
        Field.time(limit.toNanos()), Field.time(slow.toNanos()), fallbacks.get(),
        callers * 5, Field.time(max), Field.time(Field.median(latencies)),
        Field.time(backoff.toNanos()), Field.time(closedAfter), transitions));
  }

  private ExecutorService callerThreads;

  private ExecutorService clientThreadsForCallers() {
    if (callerThreads == null) {
      callerThreads = Executors.newFixedThreadPool(4);
    }
    return callerThreads;
  }

  @AfterEach
  void stopCallers() {
    if (callerThreads != null) {
      callerThreads.shutdownNow();
    }
  }

  /** One quote: the body of a 2xx answer, else a failed stage. */
  private CompletableFuture<String> quote() {
    return http.sendAsync(get(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
      if (r.statusCode() >= 500) {
        throw new CompletionException(new IOException("HTTP " + r.statusCode()));
      }
      return r.body();
    });
  }
}
