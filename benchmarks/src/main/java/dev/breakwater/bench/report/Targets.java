package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.bench.report.JmhResults.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets of issues 3, 5, 10 and 11 (the last two in {@link OperationsTargets}), evaluated against measured results. One definition serves the report
 * and the checker, so they cannot disagree.
 *
 * <p>Each target has a strict verdict (the figure against the target), a {@link Kind} (timing
 * is noise on a shared machine; allocation and footprint are not), and two gross-regression
 * flags for timing targets: the figure is more than 3x the target's bound (for an "above the
 * baseline" target, 3x the baseline plus the allowance; for thread scaling, 3x the allowed ratio,
 * times the oversubscription factor when there are more threads than cores), and whether JMH's
 * error interval itself lies entirely beyond that bar (score - error of the measured row above
 * 3x the bound computed from score + error of the reference rows). The checker's lenient mode
 * fails only on the second: a busy 2-core machine can make one short run look 10x slow, with an
 * error interval to match; it does not move a whole interval beyond 3x the target.
 */
public final class Targets {

  /** What a target measures, which decides how a lenient check treats it. */
  public enum Kind {
    /** Time per operation or a ratio of times: noise on a shared machine. */
    TIME,
    /** Bytes allocated per operation ({@code -prof gc}): not noise. */
    ALLOC,
    /** Bytes per breaker (JOL): exact. */
    FOOTPRINT
  }

  /** A strict verdict. */
  public enum Verdict {
    /** The figure meets the target. */
    MET,
    /** It does not. */
    NOT_MET,
    /** The results lack a run the target needs. */
    NO_DATA
  }

  /**
   * One evaluated target.
   *
   * @param id a short stable name
   * @param title what is measured
   * @param target the bar, in words
   * @param figure the measured figure, in words (with JMH's error)
   * @param verdict strict verdict
   * @param kind timing, allocation or footprint
   * @param gross whether the figure is beyond the gross-regression bar (timing: 3x the bound;
   *     allocation and footprint, which are not noise: the target itself)
   * @param grossBeyondError whether JMH's error interval lies entirely beyond that bar (the
   *     lenient mode fails a timing target only then); equals {@code gross} for the exact kinds
   * @param required whether the lenient mode needs this target's data (smoke runs have no
   *     footprint or peer data)
   * @param note context (e.g. oversubscription), or ""
   */
  public record Result(String id, String title, String target, String figure, Verdict verdict,
      Kind kind, boolean gross, boolean grossBeyondError, boolean required, String note) {}

  /** Allocation below this counts as zero (JMH's own bookkeeping shows as ~0.001 B/op). */
  public static final double ZERO_ALLOC = 0.1;
  /** The gross-regression factor for timing targets. */
  public static final double GROSS = 3.0;

  /** Benchmarks whose Breakwater rows must not allocate: CLOSED paths and OPEN manual. */
  static final List<String> ZERO_ALLOC_CLOSED = List.of("ClosedBenchmark.callSuccess",
      "ClosedBenchmark.manualSuccess", "ClosedBenchmark.manualFailEveryN",
      "ScalingBenchmark.closedCall_t2", "ScalingBenchmark.closedCall_t4",
      "ScalingBenchmark.closedManual_t2", "ScalingBenchmark.closedManual_t4");
  static final List<String> ZERO_ALLOC_OPEN = List.of("OpenBenchmark.manualReject",
      "ScalingBenchmark.openReject_t2", "ScalingBenchmark.openReject_t4");

  /** Breakwater's failure-rate window implementations (issue 5). */
  static final List<String> WINDOW_IMPLS = List.of("breakwater-count", "breakwater-time");
  /** Window benchmarks: every row of Breakwater's windows must not allocate. */
  static final List<String> ZERO_ALLOC_WINDOW = List.of("WindowBenchmark.callSuccess",
      "WindowBenchmark.callSuccess_t2", "WindowBenchmark.callSuccess_t4",
      "WindowBenchmark.manualFail10", "WindowBenchmark.manualFail10_t2",
      "WindowBenchmark.manualFail10_t4");

  /** Benchmarks in which every call must be rejected. */
  static final List<String> ALL_REJECTED = List.of("OpenBenchmark.manualReject",
      "OpenBenchmark.callReject", "HalfOpenBenchmark.rejectBeyondMax",
      "CachedClockBenchmark.openReject", "CachedClockBenchmark.halfOpenReject",
      "ScalingBenchmark.openReject_t2", "ScalingBenchmark.openReject_t4");
  /** Benchmarks in which every call must be admitted. */
  static final List<String> ALL_ADMITTED = List.of("ClosedBenchmark.manualSuccess",
      "ClosedBenchmark.manualFailEveryN", "HalfOpenBenchmark.probe",
      "ScalingBenchmark.closedManual_t2", "ScalingBenchmark.closedManual_t4",
      "WindowBenchmark.manualFail10", "WindowBenchmark.manualFail10_t2",
      "WindowBenchmark.manualFail10_t4", "CachedClockBenchmark.timeWindowSuccess",
      "StatsBenchmark.callSuccess", "StatsBenchmark.callSuccess2",
      "MetricsBenchmark.callSuccess");

  private Targets() {}

  /**
   * Evaluates every target.
   *
   * @param r the JMH results
   * @param footprint the footprint JSON, or null
   * @param cores the machine's core count (for the oversubscription note)
   * @return the results, in the order of the issue
   */
  public static List<Result> evaluate(JmhResults r, JsonNode footprint, int cores) {
    return evaluate(r, footprint, cores, 1);
  }

  /**
   * Evaluates every target, with the gross-regression bars of the timing targets widened for a
   * busy machine.
   *
   * @param r the JMH results
   * @param footprint the footprint JSON, or null
   * @param cores the machine's core count (for the oversubscription note)
   * @param busy at least 1: how many times slower the machine's load makes a thread's wall-clock
   *     time (runnable threads per core); multiplies the gross bars (for thread scaling, the
   *     larger of it and the oversubscription factor is used). Verdicts are unchanged.
   * @return the results, in the order of the issue
   */
  public static List<Result> evaluate(JmhResults r, JsonNode footprint, int cores, double busy) {
    double b = Math.max(1, busy);
    List<Result> out = new ArrayList<>();
    out.add(aboveBaseline(r, "closed-call", "CLOSED success via call()",
        "ClosedBenchmark.callSuccess", "breakwater", "none", "no-breaker baseline", 5, b));
    out.add(aboveBaseline(r, "closed-manual", "CLOSED success via tryAcquire()+onSuccess()",
        "ClosedBenchmark.manualSuccess", "breakwater", "none", "no-breaker baseline", 3, b));
    out.add(openManual(r, b));
    out.add(absolute(r, "open-call", "OPEN rejection via call(), exception caught",
        "OpenBenchmark.callReject", 60, b));
    out.add(absolute(r, "half-open-probe", "HALF_OPEN probe admitted + success reported",
        "HalfOpenBenchmark.probe", 15, b));
    out.add(zeroAlloc(r, "alloc-closed", "Allocation per call, CLOSED (call, manual, failures, "
        + "2 and 4 threads)", ZERO_ALLOC_CLOSED, List.of("breakwater")));
    out.add(zeroAlloc(r, "alloc-open", "Allocation per call, OPEN via tryAcquire() "
        + "(1, 2, 4 threads)", ZERO_ALLOC_OPEN, List.of("breakwater")));
    for (int t : new int[] {2, 4}) {
      out.add(scaling(r, "ClosedBenchmark.callSuccess", "ScalingBenchmark.closedCall_t" + t,
          "CLOSED call()", t, cores, b));
      out.add(scaling(r, "ClosedBenchmark.manualSuccess", "ScalingBenchmark.closedManual_t" + t,
          "CLOSED manual", t, cores, b));
    }
    out.add(footprint(footprint));
    out.addAll(evaluateWindows(r, b));
    out.addAll(OperationsTargets.evaluate(r, footprint, b));
    return out;
  }

  /**
   * Evaluates the targets of issue 5 (failure-rate windows, one thread): at most 15 ns/op above
   * the no-breaker baseline with a count-based window of 100 calls, 25 ns/op with a 10-second
   * time-based window, in both window cases, and no allocation at 1, 2 or 4 threads.
   *
   * @param r the JMH results
   * @param busy the gross bars' factor, see {@link #evaluate(JmhResults, JsonNode, int, double)}
   * @return the results
   */
  public static List<Result> evaluateWindows(JmhResults r, double busy) {
    List<Result> out = new ArrayList<>();
    String[][] cases = {{"WindowBenchmark.callSuccess", "success via call()"},
        {"WindowBenchmark.manualFail10", "10% failures, manual API"}};
    for (String[] c : cases) {
      out.add(aboveBaseline(r, "window-count-" + c[0].substring(16), "COUNT_BASED(100) window, "
          + c[1], c[0], "breakwater-count", "none", "no-breaker baseline", 15, busy));
      Result time = aboveBaseline(r, "window-time-" + c[0].substring(16),
          "TIME_BASED(10 s) window, " + c[1], c[0], "breakwater-time", "none",
          "no-breaker baseline", 25, busy);
      Optional<Row> clock = r.find("FloorBenchmark.nanoTime", "", 1);
      Optional<Row> bw = r.find(c[0], "breakwater-time", 1);
      Optional<Row> base = r.find(c[0], "none", 1);
      if (time.verdict() == Verdict.NOT_MET && clock.isPresent() && bw.isPresent()
          && base.isPresent()) {
        double work = bw.get().score() - base.get().score() - clock.get().score();
        String why = "the window reads the clock once per outcome, and one System.nanoTime() "
            + "costs " + ns(clock.get()) + " on this machine (floor), leaving "
            + fmt(25 - clock.get().score()) + " ns of the bar for everything else; the window's "
            + "own work above baseline + clock is " + fmt(work) + " ns";
        time = new Result(time.id(), time.title(), time.target(), time.figure(), time.verdict(),
            time.kind(), time.gross(), time.grossBeyondError(), time.required(),
            time.note().isEmpty() ? why : time.note() + "; " + why);
      }
      out.add(time);
    }
    out.add(zeroAlloc(r, "alloc-window", "Allocation per call, windows (count and time; "
        + "1, 2 and 4 threads)", ZERO_ALLOC_WINDOW, WINDOW_IMPLS));
    return out;
  }

  /**
   * Checks that each benchmark measured the state it claims to: rejection benchmarks admitted
   * nothing, admission benchmarks rejected nothing. Any finding means the benchmark is broken.
   *
   * @param r the results
   * @return descriptions of violations; empty when all is well
   */
  public static List<String> sanity(JmhResults r) {
    List<String> problems = new ArrayList<>();
    for (Row row : r.rows()) {
      String what = row.benchmark() + " [" + row.impl() + ", " + row.threads() + "t]";
      if (ALL_REJECTED.contains(row.benchmark())
          && (row.admitted() > 0 || row.rejected() == 0)) {
        problems.add(what + " should reject every call: admitted " + (long) row.admitted()
            + ", rejected " + (long) row.rejected());
      }
      if (ALL_ADMITTED.contains(row.benchmark())
          && (row.rejected() > 0 || row.admitted() == 0)) {
        problems.add(what + " should admit every call: admitted " + (long) row.admitted()
            + ", rejected " + (long) row.rejected());
      }
    }
    return problems;
  }

  // --------------------------------------------------------------------------------- kinds

  static Result aboveBaseline(JmhResults r, String id, String title, String bench,
      String impl, String baseImpl, String baseName, double allowance, double busy) {
    String target = "<= " + baseName + " + " + fmt(allowance) + " ns/op";
    Optional<Row> bw = r.find(bench, impl, 1);
    Optional<Row> base = r.find(bench, baseImpl, 1);
    if (bw.isEmpty() || base.isEmpty()) {
      return noData(id, title, target, true);
    }
    double delta = bw.get().score() - base.get().score();
    String figure = ns(bw.get()) + " - " + ns(base.get()) + " = " + fmt(delta) + " ns above";
    double bar = busy * GROSS * (base.get().score() + allowance);
    boolean certain = low(bw.get()) > busy * GROSS * (high(base.get()) + allowance);
    return new Result(id, title, target, figure, delta <= allowance ? Verdict.MET : Verdict.NOT_MET,
        Kind.TIME, bw.get().score() > bar, certain, true,
        noise(delta - allowance, bw.get(), base.get()));
  }

  private static Result openManual(JmhResults r, double busy) {
    String id = "open-manual";
    String title = "OPEN rejection via tryAcquire()";
    String target = "<= System.nanoTime() floor + 3 ns/op";
    Optional<Row> bw = r.find("OpenBenchmark.manualReject", "breakwater", 1);
    Optional<Row> floor = r.find("FloorBenchmark.nanoTime", "", 1);
    if (bw.isEmpty() || floor.isEmpty()) {
      return noData(id, title, target, true);
    }
    double delta = bw.get().score() - floor.get().score();
    String figure = ns(bw.get()) + " - nanoTime " + ns(floor.get()) + " = " + fmt(delta)
        + " ns above";
    boolean gross = bw.get().score() > busy * GROSS * (floor.get().score() + 3);
    boolean certain = low(bw.get()) > busy * GROSS * (high(floor.get()) + 3);
    return new Result(id, title, target, figure, delta <= 3 ? Verdict.MET : Verdict.NOT_MET,
        Kind.TIME, gross, certain, true, noise(delta - 3, bw.get(), floor.get()));
  }

  private static Result absolute(JmhResults r, String id, String title, String bench,
      double limit, double busy) {
    String target = "<= " + fmt(limit) + " ns/op";
    Optional<Row> bw = r.find(bench, "breakwater", 1);
    if (bw.isEmpty()) {
      return noData(id, title, target, true);
    }
    double v = bw.get().score();
    return new Result(id, title, target, ns(bw.get()),
        v <= limit ? Verdict.MET : Verdict.NOT_MET, Kind.TIME, v > busy * GROSS * limit,
        low(bw.get()) > busy * GROSS * limit, true, noise(v - limit, bw.get()));
  }

  static Result zeroAlloc(JmhResults r, String id, String title, List<String> benches,
      List<String> impls) {
    String target = "0 B/op (< " + fmt(ZERO_ALLOC) + " counts as zero)";
    double max = Double.NEGATIVE_INFINITY;
    String where = "";
    int found = 0;
    for (String b : benches) {
      for (Row row : r.rows()) {
        if (row.benchmark().equals(b) && impls.contains(row.impl())) {
          found++;
          double a = Double.isNaN(row.allocNorm()) ? Double.POSITIVE_INFINITY : row.allocNorm();
          if (a > max) {
            max = a;
            where = b + " (" + (impls.size() > 1 ? row.impl() + ", " : "") + row.threads() + "t)";
          }
        }
      }
    }
    if (found == 0 || max == Double.POSITIVE_INFINITY) {
      return noData(id, title, target, true);
    }
    String figure = "max " + String.format(Locale.ROOT, "%.3f", max) + " B/op over " + found
        + " runs, at " + where;
    boolean over = max >= ZERO_ALLOC;
    return new Result(id, title, target, figure, over ? Verdict.NOT_MET : Verdict.MET, Kind.ALLOC,
        over, over, true, "");
  }

  private static Result scaling(JmhResults r, String oneThread, String bench, String what,
      int threads, int cores, double busy) {
    String id = "scaling-" + (what.contains("manual") ? "manual" : "call") + "-t" + threads;
    String title = what + ", " + threads + " threads on one breaker, ns/op per thread";
    String target = "<= 1.5x the 1-thread figure";
    Optional<Row> one = r.find(oneThread, "breakwater", 1);
    Optional<Row> many = r.find(bench, "breakwater", threads);
    boolean oversubscribed = threads > cores;
    if (one.isEmpty() || many.isEmpty()) {
      return noData(id, title, target, false);
    }
    double ratio = many.get().score() / one.get().score();
    String figure = ns(many.get()) + " vs " + ns(one.get()) + " = " + fmt(ratio) + "x";
    String note = "";
    double factor = 1;
    if (oversubscribed) {
      factor = (double) threads / cores;
      note = "oversubscribed: " + threads + " threads on " + cores + " cores, each thread runs "
          + "about " + fmt(100.0 / factor) + "% of the time, so per-thread time grows by ~"
          + fmt(factor) + "x with no sharing at all; CPU time per op = " + fmt(ratio / factor)
          + "x the 1-thread figure";
    }
    double bar = GROSS * 1.5 * Math.max(factor, busy);
    // the smallest ratio the two error intervals allow
    boolean certain = low(many.get()) / high(one.get()) > bar;
    return new Result(id, title, target, figure, ratio <= 1.5 ? Verdict.MET : Verdict.NOT_MET,
        Kind.TIME, ratio > bar, certain, false, note);
  }

  private static Result footprint(JsonNode fp) {
    String id = "footprint";
    String title = "Bytes per breaker beyond the shared config and name (JOL)";
    String target = "<= 40 bytes";
    if (fp == null) {
      return noData(id, title, target, false);
    }
    for (JsonNode b : fp.path("breakers")) {
      if (b.path("impl").asText().equals("breakwater")) {
        long bytes = b.path("unsharedBytes").asLong();
        String figure = bytes + " B (" + b.path("graphBytes").asLong()
            + " B whole graph; " + fmt(b.path("registryBytesPerBreaker").asDouble())
            + " B each in a registry of " + fp.path("registrySize").asInt() + ")";
        return new Result(id, title, target, figure, bytes <= 40 ? Verdict.MET : Verdict.NOT_MET,
            Kind.FOOTPRINT, bytes > 40, bytes > 40, false, "");
      }
    }
    return noData(id, title, target, false);
  }

  /**
   * For a figure over its bar by {@code excess}: says whether the excess lies within the
   * combined JMH error of the measurements it was computed from (so this run cannot tell it from
   * noise). Empty when the bar is met.
   */
  static String noise(double excess, Row... rows) {
    if (excess <= 0) {
      return "";
    }
    double err = 0;
    for (Row r : rows) {
      if (Double.isNaN(r.error())) {
        return "";
      }
      err += r.error();
    }
    return excess <= err
        ? "over the bar by " + fmt(excess) + " ns, within the combined error of the "
            + "measurements (± " + fmt(err) + " ns): this run cannot tell it from noise"
        : "over the bar by " + fmt(excess) + " ns, beyond the combined error (± " + fmt(err)
            + " ns)";
  }

  static Result noData(String id, String title, String target, boolean required) {
    Kind kind = id.startsWith("alloc") ? Kind.ALLOC : id.equals("footprint") ? Kind.FOOTPRINT
        : Kind.TIME;
    return new Result(id, title, target, "no data", Verdict.NO_DATA, kind, false, false, required,
        "");
  }

  /** The low end of a row's JMH error interval; NaN without an error (one iteration). */
  static double low(Row row) {
    return row.score() - row.error();
  }

  /** The high end of a row's JMH error interval; NaN without an error (one iteration). */
  static double high(Row row) {
    return row.score() + row.error();
  }

  static String ns(Row row) {
    return fmt(row.score()) + (Double.isNaN(row.error()) ? "" : " ± " + fmt(row.error()))
        + " ns";
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, f, v);
  }
}
