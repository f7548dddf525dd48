package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.RegistryEvent;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads get-or-create the same new name: exactly one breaker is created, both get that
 * instance, and one ADDED event is announced. A check-then-put registry would create two.
 *
 * <p>Result: (both got the same instance, ADDED events, registry size).
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "one breaker, one event, shared by both")
@Outcome(expect = FORBIDDEN, desc = "two breakers, two events, or a lost registration")
@org.openjdk.jcstress.annotations.State
public class RegistryGetOrCreateTest {
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private final AtomicInteger added = new AtomicInteger();
  private CircuitBreaker first;
  private CircuitBreaker second;

  /** Creates the listener before the actors run. */
  public RegistryGetOrCreateTest() {
    registry.onEvent((event, b) -> {
      if (event == RegistryEvent.ADDED) {
        added.incrementAndGet();
      }
    });
  }

  /**
   * First caller.
   *
   * @param r results
   */
  @Actor
  public void actor1(III_Result r) {
    first = registry.breaker("exchange");
  }

  /**
   * Second caller.
   *
   * @param r results
   */
  @Actor
  public void actor2(III_Result r) {
    second = registry.breaker("exchange");
  }

  /**
   * What both saw.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(III_Result r) {
    r.r1 = first == second && registry.isRegistered(first) ? 1 : 0;
    r.r2 = added.get();
    r.r3 = registry.size();
  }
}
