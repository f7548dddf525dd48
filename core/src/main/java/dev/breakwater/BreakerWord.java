package dev.breakwater;

/**
 * The one place that knows the bit layout of a breaker's 64-bit state word.
 *
 * <p>Every piece of mutable state of a {@link CircuitBreaker} lives in one {@code long} that is
 * only ever changed by compare-and-set. The two top bits hold the state; the next sixteen hold
 * the <em>generation</em>, bumped by every transition and every reset; the low 46 bits are a
 * payload whose layout depends on the state:
 *
 * <pre>
 *  63 62 61            46 45      40 39  35 34                                      0
 * +-----+----------------+----------+------+----------------------------------------+
 * | 0 0 |   generation   |            unused (0)           |   failures (16 bits)   |  CLOSED
 * +-----+----------------+----------+------+----------------------------------------+
 * | 0 1 |   generation   |  level   |shift |  deadline (35 bits, units of 2^shift ns)|  OPEN
 * +-----+----------------+----------+------+----------------------------------------+
 *
 *  63 62 61            46 45      40 39        30 29        20 19    14 13 12         0
 * +-----+----------------+----------+------------+------------+--------+--+------------+
 * | 1 0 |   generation   |  level   |  inFlight  | successes  | sShift |F | since (13) |  HALF_OPEN
 * +-----+----------------+----------+------------+------------+--------+--+------------+
 * | 1 1 |   generation   |mode|          mode-specific (44 bits)                      |  held (below)
 * +-----+----------------+-------------------------------------------------------------+
 *
 *  held: an operator's state; the 2-bit mode (bits 45-44) says which
 *  45 44 43    39 38                                                              0
 * +-----+--------+------------------------------------------------------------------+
 * | 0 0 |                              0                                           |  FORCED_OPEN
 * | 0 1 |                              0                                           |  DISABLED
 * | 1 0 |                    unused (0)                     |  failures (16 bits)  |  METRICS_ONLY
 * | 1 1 | shift  |   deadline (39 bits, units of 2^shift ns)                        |  FORCED_OPEN until
 * +-----+--------+------------------------------------------------------------------+
 * </pre>
 *
 * <ul>
 *   <li><b>failures</b> (CLOSED): consecutive failures, 0..65535. The failure threshold is at
 *       most {@link #MAX_FAILURES}; reaching it leaves CLOSED, so the field never overflows.
 *   <li><b>level</b> (OPEN, HALF_OPEN): how many times in a row the breaker re-opened from
 *       HALF_OPEN, saturating at {@link #MAX_LEVEL}; picks the backed-off open timeout. CLOSED has
 *       no level: closing resets the backoff to its base.
 *   <li><b>shift</b>, <b>deadline</b> (OPEN): the ticker value at which a probe may be admitted,
 *       rounded <em>up</em> to units of {@code 2^shift} ns and kept modulo {@code 2^35}; the
 *       config that opened the breaker picks the shift so that its open timeout is below
 *       {@code 2^24} units. The word carries its own unit, so it reads the same under any config
 *       (a breaker reconfigured while OPEN keeps the deadline it had).
 *   <li><b>inFlight</b>, <b>successes</b> (HALF_OPEN): probes admitted and not yet reported, and
 *       successes reported, both 0..1023.
 *   <li><b>sShift</b>, <b>F</b>, <b>since</b> (HALF_OPEN): F (bit 13) is set when a caller found
 *       every probe slot taken, and since is the ticker value it read then, rounded down to
 *       units of {@code 2^sShift} ns and kept modulo {@code 2^13}; the stamping config picks the
 *       shift so that its open timeout is below {@code 2^9} units. Every change of inFlight
 *       clears F. Used only to detect hung probes: while F is set, every probe in flight was
 *       admitted before {@code since}. A reader whose config has another unit (the breaker was
 *       reconfigured) cannot compare and stamps again, which is never early.
 *   <li><b>mode</b> (held): FORCED_OPEN (until reset), DISABLED (admit everything, record
 *       nothing), METRICS_ONLY (admit everything, count, never trip: its <b>failures</b> field
 *       is the CLOSED one's, saturating), or FORCED_OPEN until a deadline kept like OPEN's, with
 *       its unit's <b>shift</b> in the word (the duration is not in the config).
 * </ul>
 *
 * <p>A permit handed out by {@code tryAcquire} is the generation of the word that admitted it. Any
 * state change bumps the generation, so "the permit's generation equals the current word's" is
 * exactly "no transition or reset happened since this call was admitted" (modulo {@code 2^16}
 * generations; see {@code core/DESIGN.md}).
 *
 * <p>All methods are pure functions of their arguments.
 */
final class BreakerWord {
  private BreakerWord() {}

  // ---- states (equal to CircuitBreaker.State ordinals) ----
  static final int CLOSED = 0;
  static final int OPEN = 1;
  static final int HALF_OPEN = 2;
  static final int FORCED_OPEN = 3;

  // ---- common fields ----
  static final int STATE_SHIFT = 62;
  static final int GENERATION_SHIFT = 46;
  static final int GENERATION_BITS = 16;
  static final long GENERATION_MASK = (1L << GENERATION_BITS) - 1;
  /** The largest generation, and so the largest valid permit. */
  static final int MAX_GENERATION = (int) GENERATION_MASK;

  // ---- CLOSED ----
  static final int FAILURES_BITS = 16;
  static final long FAILURES_MASK = (1L << FAILURES_BITS) - 1;
  static final int MAX_FAILURES = (int) FAILURES_MASK;

  // ---- OPEN and HALF_OPEN ----
  static final int LEVEL_SHIFT = 40;
  static final int LEVEL_BITS = 6;
  static final long LEVEL_MASK = (1L << LEVEL_BITS) - 1;
  static final int MAX_LEVEL = (int) LEVEL_MASK;

  // ---- OPEN ----
  static final int DEADLINE_BITS = 35;
  static final long DEADLINE_MASK = (1L << DEADLINE_BITS) - 1;
  static final int DEADLINE_SHIFT_SHIFT = 35;
  static final long DEADLINE_SHIFT_MASK = (1L << 5) - 1;
  /** The largest deadline unit, {@code 2^24} ns (16.8 ms): the lateness bound at the cap. */
  static final int MAX_DEADLINE_SHIFT = 24;
  /** The longest open timeout is kept below {@code 2^MAX_TIMEOUT_UNIT_BITS} deadline units. */
  static final int MAX_TIMEOUT_UNIT_BITS = 24;

  // ---- HALF_OPEN ----
  static final int IN_FLIGHT_SHIFT = 30;
  static final int SUCCESSES_SHIFT = 20;
  static final int PROBE_BITS = 10;
  static final long PROBE_MASK = (1L << PROBE_BITS) - 1;
  static final int MAX_PROBES = (int) PROBE_MASK;
  static final long IN_FLIGHT_ONE = 1L << IN_FLIGHT_SHIFT;
  static final long SUCCESS_ONE = 1L << SUCCESSES_SHIFT;
  static final int SINCE_BITS = 13;
  static final long SINCE_MASK = (1L << SINCE_BITS) - 1;
  /** HALF_OPEN: set when a caller found every slot taken and stamped {@code since}. */
  static final long FULL_SEEN = 1L << SINCE_BITS;
  static final int SINCE_SHIFT_SHIFT = SINCE_BITS + 1;
  static final long SINCE_SHIFT_MASK = (1L << 6) - 1;
  /** The stamp's fields: unit, flag and time, replaced together. */
  static final long STAMP_MASK = (SINCE_SHIFT_MASK << SINCE_SHIFT_SHIFT) | FULL_SEEN | SINCE_MASK;
  /** The open timeout is kept below {@code 2^HUNG_TIMEOUT_UNIT_BITS} "since" units. */
  static final int HUNG_TIMEOUT_UNIT_BITS = 9;

  // ---- held (state code 3): an operator's state, told apart by a mode ----
  static final int MODE_SHIFT = 44;
  static final long MODE_MASK = 3;
  static final int MODE_FORCED_OPEN = 0;
  static final int MODE_DISABLED = 1;
  static final int MODE_METRICS_ONLY = 2;
  static final int MODE_FORCED_UNTIL = 3;
  static final int UNTIL_SHIFT_SHIFT = 39;
  static final long UNTIL_SHIFT_MASK = (1L << 5) - 1;
  static final int UNTIL_DEADLINE_BITS = 39;
  static final long UNTIL_DEADLINE_MASK = (1L << UNTIL_DEADLINE_BITS) - 1;

  // ---- public states: CircuitBreaker.State ordinals ----
  static final int PUBLIC_DISABLED = 4;
  static final int PUBLIC_METRICS_ONLY = 5;

  // ---- accessors ----
  static int state(long w) {
    return (int) (w >>> STATE_SHIFT);
  }

  /** The public state ({@code CircuitBreaker.State} ordinal) of any word. */
  static int publicState(long w) {
    int state = state(w);
    if (state != FORCED_OPEN) {
      return state;
    }
    switch (mode(w)) {
      case MODE_DISABLED:
        return PUBLIC_DISABLED;
      case MODE_METRICS_ONLY:
        return PUBLIC_METRICS_ONLY;
      default:
        return FORCED_OPEN; // indefinitely or until a deadline
    }
  }

  /** Whether the word counts outcomes in a CLOSED-like period: CLOSED or METRICS_ONLY. */
  static boolean isRecording(long w) {
    int state = state(w);
    return state == CLOSED || (state == FORCED_OPEN && mode(w) == MODE_METRICS_ONLY);
  }

  /** The mode of a held word (state code 3). */
  static int mode(long w) {
    return (int) ((w >>> MODE_SHIFT) & MODE_MASK);
  }

  static int untilShift(long w) {
    return (int) ((w >>> UNTIL_SHIFT_SHIFT) & UNTIL_SHIFT_MASK);
  }

  static int generation(long w) {
    return (int) ((w >>> GENERATION_SHIFT) & GENERATION_MASK);
  }

  static int nextGeneration(long w) {
    return (int) ((generation(w) + 1) & GENERATION_MASK);
  }

  static int failures(long w) {
    return (int) (w & FAILURES_MASK);
  }

  static int level(long w) {
    return (int) ((w >>> LEVEL_SHIFT) & LEVEL_MASK);
  }

  static long deadline(long w) {
    return w & DEADLINE_MASK;
  }

  /** The OPEN word's deadline unit, as a power of two. */
  static int deadlineShift(long w) {
    return (int) ((w >>> DEADLINE_SHIFT_SHIFT) & DEADLINE_SHIFT_MASK);
  }

  static int inFlight(long w) {
    return (int) ((w >>> IN_FLIGHT_SHIFT) & PROBE_MASK);
  }

  static int successes(long w) {
    return (int) ((w >>> SUCCESSES_SHIFT) & PROBE_MASK);
  }

  static long since(long w) {
    return w & SINCE_MASK;
  }

  /** The HALF_OPEN word's "since" unit, as a power of two (meaningful while F is set). */
  static int sinceShift(long w) {
    return (int) ((w >>> SINCE_SHIFT_SHIFT) & SINCE_SHIFT_MASK);
  }

  // ---- constructors ----
  private static long header(int state, int generation) {
    return ((long) state << STATE_SHIFT) | ((generation & GENERATION_MASK) << GENERATION_SHIFT);
  }

  static long closed(int generation, int failures) {
    return header(CLOSED, generation) | (failures & FAILURES_MASK);
  }

  /** The OPEN word; {@code deadlineUnits} in units of {@code 2^shift} ns. */
  static long open(int generation, int level, int shift, long deadlineUnits) {
    return header(OPEN, generation)
        | ((level & LEVEL_MASK) << LEVEL_SHIFT)
        | ((shift & DEADLINE_SHIFT_MASK) << DEADLINE_SHIFT_SHIFT)
        | (deadlineUnits & DEADLINE_MASK);
  }

  static long halfOpen(int generation, int level, int inFlight, int successes, long sinceUnits) {
    return header(HALF_OPEN, generation)
        | ((level & LEVEL_MASK) << LEVEL_SHIFT)
        | ((inFlight & PROBE_MASK) << IN_FLIGHT_SHIFT)
        | ((successes & PROBE_MASK) << SUCCESSES_SHIFT)
        | (sinceUnits & SINCE_MASK);
  }

  /**
   * The HALF_OPEN word {@code w} marked "every slot seen taken at {@code sinceUnits}", in units
   * of {@code 2^shift} ns.
   */
  static long fullSeenAt(long w, int shift, long sinceUnits) {
    return (w & ~STAMP_MASK) | ((shift & SINCE_SHIFT_MASK) << SINCE_SHIFT_SHIFT) | FULL_SEEN
        | (sinceUnits & SINCE_MASK);
  }

  /** The HALF_OPEN word {@code w} without its stamp: what every change of inFlight leaves. */
  static long unstamped(long w) {
    return w & ~STAMP_MASK;
  }

  static boolean isFullSeen(long w) {
    return (w & FULL_SEEN) != 0;
  }

  static long forcedOpen(int generation) {
    return header(FORCED_OPEN, generation);
  }

  static long disabled(int generation) {
    return header(FORCED_OPEN, generation) | ((long) MODE_DISABLED << MODE_SHIFT);
  }

  static long metricsOnly(int generation, int failures) {
    return header(FORCED_OPEN, generation) | ((long) MODE_METRICS_ONLY << MODE_SHIFT)
        | (failures & FAILURES_MASK);
  }

  /** FORCED_OPEN until {@code deadlineUnits} (units of {@code 2^shift} ns, shift at most 25). */
  static long forcedOpenUntil(int generation, int shift, long deadlineUnits) {
    return header(FORCED_OPEN, generation) | ((long) MODE_FORCED_UNTIL << MODE_SHIFT)
        | ((shift & UNTIL_SHIFT_MASK) << UNTIL_SHIFT_SHIFT) | (deadlineUnits & UNTIL_DEADLINE_MASK);
  }

  // ---- time ----

  /**
   * The deadline {@code timeoutNanos} after {@code now}, in deadline units, rounded up so that
   * the breaker never leaves OPEN early. Signed shifts keep the mapping continuous where a ticker
   * crosses zero.
   */
  static long deadlineUnits(long now, long timeoutNanos, int shift) {
    // not masked: OPEN keeps it modulo 2^35, a timed FORCED_OPEN modulo 2^39 (the constructors)
    return (now + timeoutNanos + ((1L << shift) - 1)) >> shift;
  }

  /**
   * Units left until the OPEN word's deadline, as seen at {@code now}: positive while the
   * breaker must keep rejecting, zero or negative once a probe may go. The difference is taken
   * modulo {@code 2^35} and sign-extended, so a ticker that wraps is harmless.
   */
  static long remainingUnits(long w, long now) {
    int shift = deadlineShift(w);
    long diff = deadline(w) - ((now >> shift) & DEADLINE_MASK);
    return (diff << (64 - DEADLINE_BITS)) >> (64 - DEADLINE_BITS);
  }

  /**
   * Units left until a timed FORCED_OPEN word's deadline, as {@link #remainingUnits} does for
   * OPEN, on the 39-bit field (continuous across a ticker wrap for shifts up to 25).
   */
  static long remainingUntilUnits(long w, long now) {
    int shift = untilShift(w);
    long diff = (w & UNTIL_DEADLINE_MASK) - ((now >> shift) & UNTIL_DEADLINE_MASK);
    return (diff << (64 - UNTIL_DEADLINE_BITS)) >> (64 - UNTIL_DEADLINE_BITS);
  }

  static long sinceUnits(long now, int shift) {
    return (now >> shift) & SINCE_MASK;
  }

  /** Units elapsed since the HALF_OPEN word's {@code since}, modulo {@code 2^13}. */
  static long elapsedSinceUnits(long w, long now) {
    int shift = sinceShift(w);
    return (((now >> shift) & SINCE_MASK) - since(w)) & SINCE_MASK;
  }

  static String toString(long w) {
    switch (state(w)) {
      case CLOSED:
        return "CLOSED[gen=" + generation(w) + ", failures=" + failures(w) + "]";
      case OPEN:
        return "OPEN[gen=" + generation(w) + ", level=" + level(w) + ", deadline=" + deadline(w)
            + "<<" + deadlineShift(w) + "]";
      case HALF_OPEN:
        return "HALF_OPEN[gen=" + generation(w) + ", level=" + level(w) + ", inFlight="
            + inFlight(w) + ", successes=" + successes(w)
            + (isFullSeen(w) ? ", fullSince=" + since(w) + "<<" + sinceShift(w) : "") + "]";
      default:
        switch (mode(w)) {
          case MODE_DISABLED:
            return "DISABLED[gen=" + generation(w) + "]";
          case MODE_METRICS_ONLY:
            return "METRICS_ONLY[gen=" + generation(w) + ", failures=" + failures(w) + "]";
          case MODE_FORCED_UNTIL:
            return "FORCED_OPEN[gen=" + generation(w) + ", until=" + (w & UNTIL_DEADLINE_MASK)
                + " << " + untilShift(w) + "]";
          default:
            return "FORCED_OPEN[gen=" + generation(w) + "]";
        }
    }
  }
}
