package dev.breakwater;

import static dev.breakwater.CircuitBreaker.State.CLOSED;
import static dev.breakwater.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listeners and the System.Logger announcements. */
class ListenerTest {
  final FakeTicker ticker = new FakeTicker();
  final CircuitBreaker b = CircuitBreaker.of("db", CircuitBreakerConfig.builder()
      .failureThreshold(1).successThreshold(1).openTimeout(Duration.ofSeconds(1))
      .ticker(ticker).build());

  final Logger jul = Logger.getLogger(CircuitBreaker.class.getName());
  final List<LogRecord> logged = new ArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (logged) {
        logged.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  Level previousLevel;

  @BeforeEach
  void captureLogs() {
    previousLevel = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.setUseParentHandlers(false); // captured here, not printed
    jul.addHandler(capture);
  }

  @AfterEach
  void restoreLogs() {
    jul.removeHandler(capture);
    jul.setUseParentHandlers(true);
    jul.setLevel(previousLevel);
  }

  void cycle() {
    b.onFailure(b.tryAcquire());
    ticker.advance(Duration.ofSeconds(2));
    b.onSuccess(b.tryAcquire());
  }

  @Test
  void listenersAreCalledInRegistrationOrderOncePerTransition() {
    List<String> calls = new ArrayList<>();
    b.onStateChange((br, from, to) -> calls.add("A " + from + "->" + to))
        .onStateChange((br, from, to) -> calls.add("B " + from + "->" + to));
    cycle();
    assertThat(calls).containsExactly(
        "A CLOSED->OPEN", "B CLOSED->OPEN",
        "A OPEN->HALF_OPEN", "B OPEN->HALF_OPEN",
        "A HALF_OPEN->CLOSED", "B HALF_OPEN->CLOSED");
  }

  @Test
  void theListenerSeesTheBreakerAndItsNewState() {
    List<CircuitBreaker.State> seen = new ArrayList<>();
    b.onStateChange((br, from, to) -> {
      assertThat(br).isSameAs(b);
      seen.add(br.state());
    });
    b.onFailure(b.tryAcquire());
    assertThat(seen).containsExactly(OPEN);
  }

  @Test
  void aThrowingListenerCorruptsNothingAndIsLogged() throws Exception {
    Recorder after = new Recorder();
    b.onStateChange((br, from, to) -> {
      throw new IllegalStateException("listener bug");
    }).onStateChange((br, from, to) -> {
      throw new OutOfMemoryError("pretend");
    }).onStateChange(after);
    assertThat(b.call(() -> "ok")).isEqualTo("ok");
    b.onFailure(b.tryAcquire()); // the transition that triggers the throwing listeners
    assertThat(b.state()).isEqualTo(OPEN);
    ticker.advance(Duration.ofSeconds(2));
    assertThat(b.call(() -> "probe")).isEqualTo("probe"); // close through the high-level API
    assertThat(b.state()).isEqualTo(CLOSED);
    assertThat(after.events()).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    synchronized (logged) {
      assertThat(logged).filteredOn(r -> r.getThrown() != null).hasSize(6);
      assertThat(logged).filteredOn(r -> r.getThrown() != null)
          .allMatch(r -> r.getLevel() == Level.WARNING);
    }
  }

  @Test
  void transitionsAreLoggedWarningWhenOpeningInfoOtherwise() {
    cycle();
    b.forceOpen();
    b.reset();
    List<String> lines = new ArrayList<>();
    synchronized (logged) {
      for (LogRecord r : logged) {
        lines.add(r.getLevel() + " " + java.text.MessageFormat.format(r.getMessage(),
            r.getParameters()));
      }
    }
    assertThat(lines).containsExactly(
        "WARNING CircuitBreaker 'db' CLOSED -> OPEN",
        "INFO CircuitBreaker 'db' OPEN -> HALF_OPEN",
        "INFO CircuitBreaker 'db' HALF_OPEN -> CLOSED",
        "WARNING CircuitBreaker 'db' CLOSED -> FORCED_OPEN",
        "INFO CircuitBreaker 'db' FORCED_OPEN -> CLOSED");
  }

  @Test
  void listenersCanBeRemoved() {
    Recorder r = new Recorder();
    b.onStateChange(r);
    assertThat(b.removeStateChangeListener(r)).isTrue();
    assertThat(b.removeStateChangeListener(r)).isFalse();
    cycle();
    assertThat(r.events()).isEmpty();
  }

  @Test
  void aNullListenerIsRejected() {
    assertThatThrownBy(() -> b.onStateChange(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
  }
}
