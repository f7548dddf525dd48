package dev.breakwater;

import static dev.breakwater.CircuitBreaker.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {
  final FakeTicker ticker = new FakeTicker();
  final List<String> events = Collections.synchronizedList(new ArrayList<>());

  CircuitBreakerConfig consecutive(int threshold) {
    return CircuitBreakerConfig.builder().failureThreshold(threshold)
        .openTimeout(Duration.ofSeconds(30)).ticker(ticker).build();
  }

  CircuitBreakerRegistry registry() {
    return CircuitBreakerRegistry.builder().defaultConfig(consecutive(5))
        .addConfig("exchange", consecutive(3)).ticker(ticker).build()
        .onEvent((event, b) -> events.add(event + " " + b.name()));
  }

  static void fail(CircuitBreaker b, int times) {
    for (int i = 0; i < times; i++) {
      long p = b.tryAcquire();
      if (p != REJECTED) {
        b.onFailure(p);
      }
    }
  }

  @Test
  void getOrCreateReturnsTheSameInstanceWithTheRightConfig() {
    CircuitBreakerRegistry r = registry();
    CircuitBreaker a = r.breaker("binance");
    assertThat(r.breaker("binance")).isSameAs(a);
    assertThat(a.config().failureThreshold()).isEqualTo(5);
    CircuitBreaker k = r.breaker("kraken", "exchange");
    assertThat(k.config().failureThreshold()).isEqualTo(3);
    CircuitBreaker redis = r.breaker("redis", consecutive(9));
    assertThat(redis.config().failureThreshold()).isEqualTo(9);
    // a config passed for an existing name is used on creation only
    assertThat(r.breaker("redis", consecutive(1))).isSameAs(redis);
    assertThat(r.breaker("redis", "exchange").config().failureThreshold()).isEqualTo(9);
    assertThat(r.size()).isEqualTo(3);
    assertThat(r.find("binance")).containsSame(a);
    assertThat(r.find("nobody")).isEmpty();
    assertThat(events).containsExactly("ADDED binance", "ADDED kraken", "ADDED redis");
  }

  @Test
  void anUnknownConfigNameIsRejectedNamingTheKnownOnes() {
    assertThatThrownBy(() -> registry().breaker("x", "exchnage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("configName must be one of [exchange]: exchnage");
    assertThatThrownBy(() -> registry().breaker(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
  }

  @Test
  void ofDefaultsUsesTheDefaultConfig() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.ofDefaults();
    assertThat(r.breaker("a").config()).isSameAs(CircuitBreakerConfig.defaults());
    assertThat(r.configs()).isEmpty();
  }

  @Test
  void removeAnnouncesAndTheNextLookupCreatesAFreshBreaker() {
    CircuitBreakerRegistry r = registry();
    CircuitBreaker a = r.breaker("a");
    assertThat(r.remove("a")).isTrue();
    assertThat(r.remove("a")).isFalse();
    assertThat(r.isRegistered(a)).isFalse();
    CircuitBreaker again = r.breaker("a");
    assertThat(again).isNotSameAs(a);
    assertThat(r.isRegistered(again)).isTrue();
    assertThat(events).containsExactly("ADDED a", "REMOVED a", "ADDED a");
  }

  @Test
  void replaceRegistersAFreshBreaker() {
    CircuitBreakerRegistry r = registry();
    CircuitBreaker a = r.breaker("a");
    fail(a, 5);
    CircuitBreaker fresh = r.replace("a", consecutive(2));
    assertThat(fresh).isNotSameAs(a);
    assertThat(fresh.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(r.breaker("a")).isSameAs(fresh);
    assertThat(r.replace("b", consecutive(2)).name()).isEqualTo("b");
    assertThat(events).containsExactly("ADDED a", "REPLACED a", "ADDED b");
  }

  @Test
  void breakersIsASnapshot() {
    CircuitBreakerRegistry r = registry();
    r.breaker("a");
    r.breaker("b");
    var snapshot = r.breakers();
    r.breaker("c");
    assertThat(snapshot).hasSize(2);
    assertThatThrownBy(() -> snapshot.clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void registryListenersSeeEveryRegisteredBreakerPresentAndFutureButNotRemovedOnes() {
    CircuitBreakerRegistry r = registry();
    CircuitBreaker before = r.breaker("before");
    List<String> transitions = Collections.synchronizedList(new ArrayList<>());
    r.onStateChange((b, from, to) -> transitions.add(b.name() + " " + from + "->" + to));
    r.onStateChange((b, from, to) -> {
      throw new IllegalStateException("a broken alert hook");
    });
    CircuitBreaker after = r.breaker("after", "exchange");
    fail(before, 5);
    fail(after, 3);
    CircuitBreaker removed = r.breaker("removed");
    r.remove("removed");
    fail(removed, 5);
    assertThat(removed.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(transitions).containsExactly("before CLOSED->OPEN", "after CLOSED->OPEN");
    // a breaker's own listener works alongside, without touching the others' shared array
    List<String> own = new ArrayList<>();
    after.onStateChange((b, from, to) -> own.add(from + "->" + to));
    after.reset();
    before.reset();
    assertThat(own).containsExactly("OPEN->CLOSED");
    assertThat(transitions).hasSize(4);
  }

  @Test
  void exactlyOneBreakerAndOneAddedEventUnderContention() throws Exception {
    for (int round = 0; round < 50; round++) {
      CircuitBreakerRegistry r = CircuitBreakerRegistry.ofDefaults();
      List<String> added = Collections.synchronizedList(new ArrayList<>());
      r.onEvent((e, b) -> added.add(e + " " + b.name()));
      Set<CircuitBreaker> seen = ConcurrentHashMap.newKeySet();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            return;
          }
          seen.add(r.breaker("contended"));
        });
        th.start();
        threads.add(th);
      }
      go.countDown();
      for (Thread th : threads) {
        th.join();
      }
      assertThat(seen).hasSize(1);
      assertThat(added).containsExactly("ADDED contended");
    }
  }

  @Test
  void aFullRegistryRejectsNewNamesButServesExistingOnes() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().maxBreakers(2).build();
    CircuitBreaker a = r.breaker("a");
    r.breaker("b");
    assertThatThrownBy(() -> r.breaker("c")).isInstanceOf(IllegalStateException.class)
        .hasMessage("the registry is full: maxBreakers is 2; remove breakers or raise the limit");
    assertThat(r.breaker("a")).isSameAs(a);
    r.remove("b");
    assertThat(r.breaker("c").name()).isEqualTo("c");
    assertThat(r.size()).isEqualTo(2);
    assertThatThrownBy(() -> CircuitBreakerRegistry.builder().maxBreakers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBreakers must be in [1, 2147483647]: 0");
  }

  @Test
  void idleEvictionTakesOnlyIdleClosedBreakersWithNothingPending() {
    CircuitBreakerConfig stats = CircuitBreakerConfig.builder().failureThreshold(3)
        .openTimeout(Duration.ofSeconds(30)).ticker(ticker).recordStats().build();
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().defaultConfig(stats)
        .evictIdleAfter(Duration.ofMinutes(10)).ticker(ticker).build()
        .onEvent((event, b) -> events.add(event + " " + b.name()));
    CircuitBreaker idle = r.breaker("idle");
    CircuitBreaker open = r.breaker("open");
    fail(open, 3);
    CircuitBreaker failing = r.breaker("failing");
    fail(failing, 1); // a failure pending
    CircuitBreaker called = r.breaker("called");
    CircuitBreaker looked = r.breaker("looked");
    CircuitBreaker held = r.breaker("held");
    held.disable();
    ticker.advance(Duration.ofMinutes(6));
    r.evictIdle();
    called.onSuccess(called.tryAcquire()); // used through a held reference: stats see it
    r.breaker("looked"); // looked up
    ticker.advance(Duration.ofMinutes(6));
    assertThat(r.evictIdle()).isEqualTo(1);
    assertThat(r.find("idle")).isEmpty();
    assertThat(r.isRegistered(open)).isTrue();
    assertThat(r.isRegistered(failing)).isTrue();
    assertThat(r.isRegistered(called)).isTrue();
    assertThat(r.isRegistered(looked)).isTrue();
    assertThat(r.isRegistered(held)).isTrue();
    assertThat(events).endsWith("EVICTED idle");
    ticker.advance(Duration.ofHours(1)); // OPEN stays however long; the rest go
    assertThat(r.evictIdle()).isEqualTo(2); // called and looked; failing and held stay
    assertThat(r.isRegistered(open)).isTrue();
    assertThat(r.isRegistered(failing)).isTrue();
    assertThat(r.isRegistered(held)).isTrue();
    assertThat(idle.tryAcquire()).isNotEqualTo(REJECTED); // an evicted breaker still works
  }

  @Test
  void aFullRegistryWithEvictionMakesRoomFromIdleBreakers() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().maxBreakers(1)
        .evictIdleAfter(Duration.ofSeconds(1)).ticker(ticker).build();
    r.breaker("old");
    ticker.advance(Duration.ofSeconds(2));
    assertThat(r.breaker("new").name()).isEqualTo("new");
    assertThat(r.find("old")).isEmpty();
  }

  @Test
  void statusTableIsAlignedAndSortedWorstFirst() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().defaultConfig(consecutive(5))
        .addConfig("rate", CircuitBreakerConfig.builder()
            .slidingWindow(SlidingWindowType.COUNT_BASED, 10).minimumNumberOfCalls(10)
            .ticker(ticker).build())
        .build();
    fail(r.breaker("redis"), 2);
    fail(r.breaker("binance"), 5); // OPEN
    CircuitBreaker db = r.breaker("db", "rate");
    fail(db, 3);
    db.onSuccess(db.tryAcquire());
    r.breaker("idle");
    r.breaker("ops").forceOpen();
    ticker.advance(Duration.ofSeconds(12));
    String table = r.statusTable();
    assertThat(table).isEqualTo(
        "NAME     STATE        FAILURES    NEXT PROBE\n"
      + "binance  OPEN         0/5         in 18.0s\n"
      + "ops      FORCED_OPEN  0/5         on reset()\n"
      + "db       CLOSED       75.0% of 4  -\n"
      + "redis    CLOSED       2/5         -\n"
      + "idle     CLOSED       0/5         -\n");
    ticker.advance(Duration.ofSeconds(20));
    assertThat(r.statusTable()).contains("binance  OPEN         0/5         due\n");
  }

  @Test
  void statusTableShowsRejectionsWhenStatsAreRecorded() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.builder().defaultConfig(
        CircuitBreakerConfig.builder().failureThreshold(1).ticker(ticker).recordStats().build())
        .build();
    CircuitBreaker b = r.breaker("api");
    fail(b, 4); // one failure opens it, three rejections
    assertThat(r.statusTable()).isEqualTo(
        "NAME  STATE  FAILURES  REJECTED  NEXT PROBE\n"
      + "api   OPEN   0/1       3         in 1m00s\n");
  }

  @Test
  void theHitPathAllocatesNothing() {
    CircuitBreakerRegistry r = CircuitBreakerRegistry.ofDefaults();
    r.breaker("hot");
    long bytes = AllocationTest.allocatedBy(() -> {
      for (int i = 0; i < 200_000; i++) {
        r.breaker("hot");
      }
    });
    assertThat(bytes).isLessThan(1024);
  }

  @Test
  void humanDurations() {
    assertThat(CircuitBreakerRegistry.human(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(CircuitBreakerRegistry.human(Duration.ofNanos(5))).isEqualTo("1ms");
    assertThat(CircuitBreakerRegistry.human(Duration.ofMillis(12_345))).isEqualTo("12.3s");
    assertThat(CircuitBreakerRegistry.human(Duration.ofSeconds(245))).isEqualTo("4m05s");
    assertThat(CircuitBreakerRegistry.human(Duration.ofMinutes(130))).isEqualTo("2h10m");
    assertThat(CircuitBreakerRegistry.human(Duration.ofHours(76))).isEqualTo("3d04h");
  }
}
