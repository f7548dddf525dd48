package dev.breakwater.examples.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.CircuitBreaker.State;
import dev.breakwater.examples.trading.TradingScenario.Outcome;
import dev.breakwater.examples.trading.TradingScenario.Result;
import dev.breakwater.examples.trading.TradingScenario.Transition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the trading scenario once with the breaker (a 2 + 3 + 3 + 4 s script, 20 orders/s) and
 * checks what the lesson promises. Counts and orderings only, with margins: the machine may be
 * a loaded 2-core one. Hence also a generous attempt timeout (1 s: receive window 250 ms, 750 ms
 * for an answer to come back) and a slow phase well above it (3 s per order).
 */
class TradingScenarioTest {
  private static Result result;
  private static final List<String> LOG = new CopyOnWriteArrayList<>();

  @BeforeAll
  @Timeout(90)
  static void runOnce() throws Exception {
    result = TradingScenario.builder()
        .script(FaultScript.standard(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(3), Duration.ofSeconds(4)))
        .ordersPerSecond(20)
        .attemptTimeout(Duration.ofSeconds(1))
        .slowLatency(Duration.ofSeconds(3))
        .log(LOG::add)
        .build()
        .run();
  }

  @Test
  void everyOrderIsFilledByExactlyOneExchange() {
    assertThat(result.outcomes()).hasSizeGreaterThanOrEqualTo(200); // 12 s x 20/s = 240
    for (Outcome o : result.outcomes()) {
      assertThat(o.exchange()).as("order %s (%s) was not filled", o.orderId(), o.phase())
          .isNotNull();
      boolean byPrimary = result.acceptedBy().get(TradingScenario.PRIMARY).contains(o.orderId());
      boolean byBackup = result.acceptedBy().get(TradingScenario.BACKUP).contains(o.orderId());
      assertThat(byPrimary ^ byBackup).as("order %s accepted by primary %s, backup %s",
          o.orderId(), byPrimary, byBackup).isTrue();
      assertThat(o.exchange()).isEqualTo(byPrimary ? TradingScenario.PRIMARY
          : TradingScenario.BACKUP);
    }
    int accepted = result.acceptedBy().values().stream().mapToInt(java.util.Set::size).sum();
    assertThat(accepted).isEqualTo(result.outcomes().size());
    assertThat(result.filledTwice()).isZero();
    assertThat(result.failed()).isZero();
  }

  @Test
  void ordersWhilePrimaryIsDownGoToTheBackup() {
    List<Outcome> down = inPhase("primary down");
    assertThat(down).hasSizeGreaterThan(30); // 3 s x 20/s = 60
    assertThat(down).allMatch(o -> TradingScenario.BACKUP.equals(o.exchange()));
    assertThat(result.failovers()).isGreaterThanOrEqualTo(down.size());
    assertThat(result.cutOff()).as("calls the open breaker kept from the primary")
        .isGreaterThan(0);
    // Healthy and recovered: most orders stay on the primary.
    assertThat(inPhase("healthy")).filteredOn(o -> TradingScenario.PRIMARY.equals(o.exchange()))
        .hasSizeGreaterThan(inPhase("healthy").size() / 2);
  }

  @Test
  void primaryBreakerOpensAndClosesAgainAtRecovery() {
    List<Transition> primary = result.transitions().stream()
        .filter(t -> t.breaker().equals(TradingScenario.PRIMARY)).collect(Collectors.toList());
    // The primary goes down at 2 s and is healthy again at 8 s. (On a very loaded machine the
    // breaker may also trip earlier, on timeouts the load causes: that is not asserted against.)
    assertThat(primary).as("opened while the primary was down or slow")
        .anyMatch(t -> t.from() == State.CLOSED && t.to() == State.OPEN
            && t.seconds() >= 2.0 && t.seconds() < 8.0);
    Transition last = primary.get(primary.size() - 1);
    assertThat(last.to()).isEqualTo(State.CLOSED);
    assertThat(last.seconds()).as("closed during recovery (from 8 s)").isGreaterThanOrEqualTo(8.0);
    assertThat(result.samples().get(result.samples().size() - 1).primaryState())
        .isEqualTo(State.CLOSED);
  }

  @Test
  void statusTableIsPrintedOnEveryTransitionAndTheAlertFires() {
    assertThat(result.statusTables()).hasSameSizeAs(result.transitions());
    assertThat(result.statusTables()).allMatch(t -> t.startsWith("NAME")
        && t.contains(TradingScenario.PRIMARY) && t.contains(TradingScenario.BACKUP));
    assertThat(result.statusTables()).anyMatch(t -> t.contains(TradingScenario.PRIMARY + "  ")
        && t.contains("OPEN"));
    assertThat(result.alerts()).contains("ALERT: binance OPEN", "RESOLVED: binance CLOSED");
    assertThat(result.alerts().indexOf("ALERT: binance OPEN"))
        .isLessThan(result.alerts().lastIndexOf("RESOLVED: binance CLOSED"));
    assertThat(LOG).anyMatch(line -> line.endsWith("] ALERT: binance OPEN"));
    assertThat(LOG).anyMatch(line -> line.contains("binance CLOSED -> OPEN")
        && line.contains("NEXT PROBE"));
  }

  @Test
  void feedReconnectsAfterItsServerIsRestarted() {
    assertThat(result.feedReconnectsAfterRestart()).isGreaterThanOrEqualTo(1);
    assertThat(result.feedTicksAfterRestart()).isGreaterThan(0);
    assertThat(result.transitions()).anyMatch(t -> t.breaker().equals(TradingScenario.FEED)
        && t.to() == State.OPEN);
    assertThat(result.transitions()).anyMatch(t -> t.breaker().equals(TradingScenario.FEED)
        && t.to() == State.CLOSED);
  }

  @Test
  void samplesCoverTheScript() {
    assertThat(result.samples()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(result.samples()).anyMatch(s -> s.primaryState() == State.OPEN);
    assertThat(result.latency().getTotalCount()).isEqualTo(result.outcomes().size());
  }

  @Test
  void badInputIsRejectedNamingTheParameter() {
    assertThatThrownBy(() -> TradingScenario.builder().ordersPerSecond(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ordersPerSecond");
    assertThatThrownBy(() -> new FaultScript.Phase("x", Exchange.Fault.DOWN, true,
        Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> new FaultScript(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("phases");
    assertThatThrownBy(() -> Exchange.start(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
  }

  private static List<Outcome> inPhase(String phase) {
    return result.outcomes().stream().filter(o -> o.phase().equals(phase))
        .collect(Collectors.toList());
  }
}
