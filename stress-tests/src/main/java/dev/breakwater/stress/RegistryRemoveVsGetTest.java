package dev.breakwater.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import dev.breakwater.RegistryEvent;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@code remove(name)} races {@code breaker(name)} on a registered name: the getter receives
 * either the old instance (registered when it looked, removed right after: the registry then says
 * so through {@code isRegistered} and the REMOVED event names it) or a fresh one (created after
 * the remove, and registered). Never a breaker that is unregistered without a REMOVED event, and
 * never two registered instances.
 *
 * <p>Result: (got the old instance, got instance registered, REMOVED events for the old one,
 * registry size).
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "got the old one, then it was removed")
@Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE_INTERESTING,
    desc = "removed first, then a fresh one was created")
@Outcome(expect = FORBIDDEN, desc = "an unregistered breaker without a REMOVED event, or a leak")
@org.openjdk.jcstress.annotations.State
public class RegistryRemoveVsGetTest {
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
  private final CircuitBreaker old = registry.breaker("db");
  private final ConcurrentLinkedQueue<CircuitBreaker> removed = new ConcurrentLinkedQueue<>();
  private CircuitBreaker got;

  /** Listens for removals before the actors run. */
  public RegistryRemoveVsGetTest() {
    registry.onEvent((event, b) -> {
      if (event == RegistryEvent.REMOVED) {
        removed.add(b);
      }
    });
  }

  /**
   * Removes the name.
   *
   * @param r results
   */
  @Actor
  public void remover(IIII_Result r) {
    registry.remove("db");
  }

  /**
   * Gets or creates it.
   *
   * @param r results
   */
  @Actor
  public void getter(IIII_Result r) {
    got = registry.breaker("db");
  }

  /**
   * What the getter holds, and what the registry says about it.
   *
   * @param r results
   */
  @Arbiter
  public void arbiter(IIII_Result r) {
    r.r1 = got == old ? 1 : 0;
    r.r2 = registry.isRegistered(got) ? 1 : 0;
    r.r3 = removed.size() == 1 && removed.peek() == old ? 1 : 0;
    r.r4 = registry.size();
  }
}
