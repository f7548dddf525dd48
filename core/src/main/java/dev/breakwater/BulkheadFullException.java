package dev.breakwater;

/**
 * Thrown (or the failure of a returned stage) when a {@link Bulkhead} has no free permit. Carries
 * no stack trace: it is an expected, frequent outcome under overload, and filling a stack trace
 * would cost microseconds exactly when the system can least afford them.
 */
public final class BulkheadFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String bulkheadName;
  private final int maxConcurrentCalls;

  BulkheadFullException(String bulkheadName, int maxConcurrentCalls) {
    super("Bulkhead '" + bulkheadName + "' is full (" + maxConcurrentCalls
        + " concurrent calls)", null, false, false);
    this.bulkheadName = bulkheadName;
    this.maxConcurrentCalls = maxConcurrentCalls;
  }

  /**
   * The name of the bulkhead that rejected the call.
   *
   * @return the bulkhead's name
   */
  public String bulkheadName() {
    return bulkheadName;
  }

  /**
   * Its limit.
   *
   * @return the bulkhead's maximum number of concurrent calls
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }
}
