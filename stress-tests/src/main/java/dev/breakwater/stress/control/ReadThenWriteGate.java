package dev.breakwater.stress.control;

/**
 * A deliberately broken admission gate: "at most {@code max} in flight" checked with a volatile
 * read and then taken with a separate volatile write, the bug a CAS exists to prevent. Not a copy
 * of the breaker: just the smallest model of its HALF_OPEN slot take with the CAS removed.
 */
public final class ReadThenWriteGate {
  private final int max;
  private volatile int inFlight;

  /**
   * A gate with {@code max} slots.
   *
   * @param max slots
   */
  public ReadThenWriteGate(int max) {
    this.max = max;
  }

  /**
   * Takes a slot if one looks free: read, decide, write (racy on purpose).
   *
   * @return whether a slot was taken
   */
  public boolean tryAcquire() {
    int n = inFlight;
    if (n < max) {
      inFlight = n + 1; // two threads that both read n both get in
      return true;
    }
    return false;
  }

  /**
   * Slots taken.
   *
   * @return the in-flight count
   */
  public int inFlight() {
    return inFlight;
  }
}
