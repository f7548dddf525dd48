package dev.breakwater.bench;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The protected operation of every benchmark: returns a field, the cheapest call that still has
 * a result to consume. One instance implements the functional interface each library asks for,
 * so every implementation runs exactly the same code inside the breaker, and the no-breaker
 * baseline runs it alone.
 */
public final class Operation
    implements Supplier<Object>, Callable<Object>, dev.failsafe.function.CheckedSupplier<Object> {

  private final Object payload;

  /**
   * Creates an operation returning {@code payload}.
   *
   * @param payload the result of every call
   */
  public Operation(Object payload) {
    this.payload = payload;
  }

  @Override
  public Object get() {
    return payload;
  }

  @Override
  public Object call() {
    return payload;
  }
}
