package dev.breakwater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeoutTest {
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private Timeout timeout(Duration d) {
    return Timeout.builder(d).scheduler(scheduler).executor(pool).build();
  }

  @Test
  void anAsyncStageThatIsLateFailsWithTimeoutExceptionAndIsCancelled() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> f = timeout(Duration.ofSeconds(1)).callAsync(() -> slow);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).hasCauseInstanceOf(TimeoutException.class);
    assertThat(slow).isCancelled();
  }

  @Test
  void anAsyncStageInTimeCancelsItsTimer() {
    CompletableFuture<String> quick = new CompletableFuture<>();
    CompletableFuture<String> f = timeout(Duration.ofSeconds(1)).callAsync(() -> quick);
    assertThat(scheduler.pending()).isEqualTo(1);
    quick.complete("ok");
    assertThat(f).isCompletedWithValue("ok");
    assertThat(scheduler.pending()).isZero(); // no timer left behind
  }

  @Test
  void aSyncCallIsAbandonedAndInterruptedAtTheTimeout() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(1);
    Timeout t = timeout(Duration.ofSeconds(5));
    CompletableFuture<Object> caller = CompletableFuture.supplyAsync(() -> {
      try {
        return t.call(() -> {
          started.countDown();
          try {
            new CountDownLatch(1).await(); // blocks until interrupted
          } catch (InterruptedException e) {
            interrupted.set(true);
          } finally {
            ended.countDown();
          }
          return "late";
        });
      } catch (Exception e) {
        return e;
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofSeconds(5)); // the fake clock reaches the timeout
    assertThat(caller.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).isTrue();
  }

  @Test
  void aSyncCallInTimeReturnsItsResultOrItsException() throws Exception {
    Timeout t = timeout(Duration.ofSeconds(5));
    assertThat(t.call(() -> "ok")).isEqualTo("ok");
    assertThatThrownBy(() -> t.call(() -> {
      throw new IOException("down");
    })).isInstanceOf(IOException.class).hasMessage("down");
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void withoutAnExecutorOnJdk17ASyncTimeoutSaysWhatItNeeds() {
    Timeout t = Timeout.builder(Duration.ofSeconds(1)).scheduler(scheduler).build();
    if (Timeout.virtualThreadsAvailable()) {
      return; // JDK 21+: runs on a virtual thread (covered when the suite runs on JDK 25)
    }
    assertThatThrownBy(() -> t.call(() -> "x")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("executor");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> Timeout.of(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> Timeout.of(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timeout");
  }
}
