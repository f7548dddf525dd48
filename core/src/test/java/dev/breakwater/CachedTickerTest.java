package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The opt-in cached clock: one refresher thread for the whole JVM, readings that follow
 * {@code nanoTime()} within the resolution and never go back, and a thread that stops once no
 * cached ticker is reachable. These tests watch a real thread, so they wait for it (bounded),
 * but never assert on how long anything took.
 */
class CachedTickerTest {

  static long refresherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("breakwater-ticker") && t.isAlive()).count();
  }

  /** Waits, at most 10 s, for the refresher to move a ticker past {@code value}. */
  static long awaitPast(Ticker t, long value) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    long v;
    while ((v = t.read()) <= value && System.nanoTime() - deadline < 0) {
      Thread.sleep(1);
    }
    return v;
  }

  @Test
  void readingsFollowNanoTimeWithinTheResolutionAndNeverGoBack() throws Exception {
    CachedTicker t = Ticker.cached(Duration.ofMillis(1));
    long first = t.read();
    long later = awaitPast(t, first);
    assertThat(later).isGreaterThan(first);
    long previous = t.read();
    for (int i = 0; i < 100_000; i++) {
      long v = t.read();
      long after = System.nanoTime();
      assertThat(v).isGreaterThanOrEqualTo(previous); // never backwards
      assertThat(v - after).isLessThanOrEqualTo(0); // never ahead of the true time
      previous = v;
    }
  }

  @Test
  void oneThreadServesEveryCachedTickerAndEveryBreaker() throws Exception {
    List<CircuitBreaker> breakers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Ticker ticker = i % 2 == 0 ? Ticker.cached() : Ticker.cached(Duration.ofMillis(5));
      breakers.add(CircuitBreaker.of("b" + i,
          CircuitBreakerConfig.builder().ticker(ticker).build()));
    }
    assertThat(Ticker.cached()).isSameAs(Ticker.cached());
    assertThat(refresherThreads()).isEqualTo(1);
    Ticker coarse = breakers.get(1).config().ticker();
    awaitPast(coarse, coarse.read()); // the 5 ms ones are refreshed too
    assertThat(breakers).hasSize(100);
  }

  @Test
  void theThreadStopsOnceNoCachedTickerIsReachable() throws Exception {
    CachedTicker t = Ticker.cached(Duration.ofMillis(2));
    WeakReference<CachedTicker> ref = new WeakReference<>(t);
    assertThat(CachedTicker.Refresher.isRunning()).isTrue();
    assertThat(refresherThreads()).isEqualTo(1);
    t = null;
    // Nothing in this JVM keeps a cached ticker any more (the other tests' tickers were local to
    // them, and the shared default is held weakly): collect until the thread has stopped.
    long deadline = System.nanoTime() + 30_000_000_000L;
    while ((ref.get() != null || refresherThreads() > 0) && System.nanoTime() - deadline < 0) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).isNull();
    assertThat(refresherThreads()).isZero();
    assertThat(CachedTicker.Refresher.isRunning()).isFalse();
    // and the next cached ticker starts it again
    CachedTicker again = Ticker.cached(Duration.ofMillis(1));
    awaitPast(again, again.read());
    assertThat(refresherThreads()).isEqualTo(1);
  }

  @Test
  void aBreakerOnACachedTickerTimesOutItsOpenState() throws Exception {
    CachedTicker ticker = Ticker.cached(Duration.ofMillis(1));
    CircuitBreaker b = CircuitBreaker.of("c", CircuitBreakerConfig.builder().failureThreshold(1)
        .openTimeout(Duration.ofMillis(20)).ticker(ticker).build());
    b.onFailure(b.tryAcquire());
    long opened = ticker.read();
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    awaitPast(ticker, opened + 25_000_000L);
    assertThat(b.tryAcquire()).isNotEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
  }

  @Test
  void resolutionIsValidated() {
    assertThatThrownBy(() -> Ticker.cached(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("resolution must not be null");
    assertThatThrownBy(() -> Ticker.cached(Duration.ofNanos(9_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resolution must be in [PT0.00001S, PT1S]: PT0.000009999S");
    assertThatThrownBy(() -> Ticker.cached(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resolution must be in [PT0.00001S, PT1S]: PT2S");
    assertThat(Ticker.cached(Duration.ofMillis(3)).resolution()).isEqualTo(Duration.ofMillis(3));
  }
}
