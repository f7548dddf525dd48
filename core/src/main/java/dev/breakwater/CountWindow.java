package dev.breakwater;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count-based window: the outcomes of the last {@code size} calls of the current CLOSED
 * period, with their totals maintained incrementally.
 *
 * <h2>Algorithm</h2>
 * Each recorder takes a ticket from {@code cursor} ({@code getAndIncrement}), swaps its outcome
 * into slot {@code ticket % size} ({@code getAndSet}) and learns the outcome it evicted, then adds
 * {@code (inserted - evicted)} to {@code totals} with one {@code getAndAdd}. If the slot already
 * holds an identical outcome, the swap would change nothing: the recorder leaves it and writes
 * nothing. A plain success recorded while the window is full of plain successes takes no ticket
 * at all: the steady state of a healthy dependency is one volatile read, no shared write.
 *
 * <h2>What is exact and what is approximate</h2>
 * <ul>
 *   <li>Exact: every outcome enters a slot by exactly one atomic swap and leaves it by exactly one
 *       (the swap of the recorder that evicts it), and both are added to {@code totals} exactly
 *       once. So no outcome is lost or counted twice within a generation, and when no record is
 *       in progress {@code totals} equals the slots' contents. (A plain success recorded into a
 *       full window of plain successes is not written: inserting it and evicting the oldest is
 *       the identity on the window's contents.)
 *   <li>Approximate, while records are in progress: a recorder's swap and its {@code getAndAdd}
 *       are two steps, so {@code totals} may lag the slots by the outcomes of recorders caught
 *       between them (at most one per concurrently recording thread). The lag can only hide the
 *       newest outcomes or anticipate their evictions; the recorder that completes re-evaluates
 *       the rates with its own update included, so a threshold crossing is never missed, only
 *       decided by the thread whose outcome completes it.
 *   <li>Approximate order: a slot is reused every {@code size} tickets; a recorder delayed for a
 *       whole lap may evict a newer outcome than the one {@code size} tickets before it. The
 *       window then holds {@code size} recent outcomes rather than exactly the last {@code size}.
 * </ul>
 */
final class CountWindow extends SlidingWindow {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(byte[].class);

  final int size;
  /** The totals of a full window of plain successes. */
  private final long fullOfSuccesses;

  CountWindow(CircuitBreakerConfig c) {
    super(c);
    this.size = c.slidingWindowSize();
    this.fullOfSuccesses = size * WindowTotals.of(WindowTotals.PRESENT);
    start(new Period(0, size));
  }

  @Override
  boolean hasShapeOf(CircuitBreakerConfig c) {
    return c.slidingWindowType() == SlidingWindowType.COUNT_BASED && c.slidingWindowSize() == size;
  }

  /** The outcomes of one CLOSED period. Never reused for another period. */
  static final class Period extends SlidingWindow.Period {
    private static final VarHandle CURSOR;
    private static final VarHandle TOTALS;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        CURSOR = lookup.findVarHandle(Period.class, "cursor", long.class);
        TOTALS = lookup.findVarHandle(Period.class, "totals", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final byte[] outcomes;
    @SuppressWarnings("unused") // accessed through CURSOR
    private volatile long cursor;
    @SuppressWarnings("unused") // accessed through TOTALS
    private volatile long totals;

    Period(int generation, int size) {
      super(generation);
      this.outcomes = new byte[size];
    }

    long totals() {
      return (long) TOTALS.getVolatile(this);
    }

    /** Tickets taken so far; for tests in this package. */
    long cursor() {
      return (long) CURSOR.getVolatile(this);
    }
  }

  @Override
  Period newPeriod(int generation) {
    return new Period(generation, size);
  }

  @Override
  boolean record(CircuitBreaker breaker, int generation, int outcome, long now) {
    SlidingWindow.Period current = current();
    Period p = (Period) (current.generation() == generation ? current
        : period(breaker, generation));
    if (p == null) {
      return false; // the breaker has left this generation: the outcome is stale
    }
    // Healthy steady state: the window is full and holds only plain successes. Inserting one more
    // and evicting the oldest (a success too) leaves it exactly as it is, so write nothing: the
    // record linearizes at this read, before any record still between its swap and its add.
    // This keeps the common path read-only, so threads on a healthy breaker share its cache
    // lines instead of bouncing them.
    if (outcome == WindowTotals.PRESENT && p.totals() == fullOfSuccesses) {
      return false;
    }
    long ticket = (long) Period.CURSOR.getAndAdd(p, 1L);
    int slot = (int) (ticket % size);
    byte inserted = (byte) outcome;
    // Identical outcome already there: swapping it in would change nothing, so don't write.
    // The record linearizes at this read; an evictor racing on the slot sees the same value.
    if ((byte) SLOTS.getAcquire(p.outcomes, slot) == inserted) {
      return false; // the totals did not change, so neither did the verdict
    }
    byte evicted = (byte) SLOTS.getAndSet(p.outcomes, slot, inserted);
    long delta = WindowTotals.of(inserted) - WindowTotals.of(evicted);
    if (delta == 0) {
      return false;
    }
    long totals = (long) Period.TOTALS.getAndAdd(p, delta) + delta;
    return WindowTotals.exceeds(totals, minimumCalls, failurePercent, slowPercent);
  }

  /** The latest period; for tests in this package. */
  Period latest() {
    return (Period) current();
  }

  @Override
  boolean needsClock() {
    return false;
  }

  @Override
  WindowMetrics metrics(int generation, long now) {
    Period p = (Period) current();
    long t = generation < 0 || p.generation() == generation ? p.totals() : 0;
    return new WindowMetrics(SlidingWindowType.COUNT_BASED, WindowTotals.calls(t),
        WindowTotals.failed(t), WindowTotals.slow(t), minimumCalls);
  }

  @Override
  SlidingWindowType type() {
    return SlidingWindowType.COUNT_BASED;
  }
}
