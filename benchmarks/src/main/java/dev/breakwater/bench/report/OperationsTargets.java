package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.bench.report.JmhResults.Row;
import dev.breakwater.bench.report.Targets.Kind;
import dev.breakwater.bench.report.Targets.Result;
import dev.breakwater.bench.report.Targets.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets of issues 10 (the cached clock), 11 (registry and statistics), 12 (composition)
 * and 13 (the Micrometer binder: bound at most unbound + 1 ns, 0 B/op), each against
 * floors measured in the same run: the volatile-read and uncontended-CAS floors of
 * {@code FloorBenchmark}, the no-breaker baseline of {@code ClosedBenchmark}, a
 * {@code ConcurrentHashMap.get} of the same key. Same conventions as {@link Targets}.
 */
final class OperationsTargets {
  private OperationsTargets() {}

  static List<Result> evaluate(JmhResults r, JsonNode footprint, double busy) {
    List<Result> out = new ArrayList<>();
    // issue 10: with Ticker.cached(), the clock-reading paths
    out.add(aboveFloors(r, "clock-open", "OPEN rejection via tryAcquire(), Ticker.cached()",
        "CachedClockBenchmark.openReject", "breakwater-cached", 4, busy, volatileRead(r)));
    out.add(aboveFloors(r, "clock-half-open",
        "HALF_OPEN rejection (slots taken) via tryAcquire(), Ticker.cached()",
        "CachedClockBenchmark.halfOpenReject", "breakwater-cached", 4, busy, volatileRead(r)));
    out.add(aboveFloors(r, "clock-time-window",
        "TIME_BASED(10 s) window, success via call(), Ticker.cached()",
        "CachedClockBenchmark.timeWindowSuccess", "breakwater-cached", 5, busy, baseline(r),
        cas(r)));
    out.add(Targets.zeroAlloc(r, "alloc-clock", "Allocation per call, clock paths (both tickers)",
        List.of("CachedClockBenchmark.openReject", "CachedClockBenchmark.halfOpenReject",
            "CachedClockBenchmark.timeWindowSuccess"),
        List.of("breakwater", "breakwater-cached")));
    // issue 11: registry lookups and statistics
    out.add(aboveFloors(r, "registry-hit", "Registry lookup of an existing name",
        "RegistryBenchmark.hit", "breakwater", 3, busy,
        named(r, "RegistryBenchmark.hit", "map", "ConcurrentHashMap.get")));
    out.add(ratio(r, "registry-hit-t2", "Registry lookup, 2 threads, per thread",
        "RegistryBenchmark.hit2", "RegistryBenchmark.hit", "breakwater", busy));
    out.add(Targets.zeroAlloc(r, "alloc-registry", "Allocation per lookup (1 and 2 threads)",
        List.of("RegistryBenchmark.hit", "RegistryBenchmark.hit2"), List.of("breakwater")));
    out.add(aboveFloors(r, "stats-call", "CLOSED success via call() with recordStats()",
        "StatsBenchmark.callSuccess", "breakwater-stats", 3, busy, baseline(r), cas(r)));
    out.add(ratio(r, "stats-call-t2", "The same, 2 threads on one breaker, per thread",
        "StatsBenchmark.callSuccess2", "StatsBenchmark.callSuccess", "breakwater-stats", busy));
    out.add(aboveFloors(r, "stats-latency", "CLOSED success via call() with recordLatency()",
        "StatsBenchmark.callSuccess", "breakwater-latency", 3, busy, baseline(r), cas(r),
        nanoTime(r), nanoTime(r)));
    out.add(aboveFloors(r, "stats-off", "CLOSED success via call(), statistics off",
        "StatsBenchmark.callSuccess", "breakwater", 1, busy,
        named(r, "ClosedBenchmark.callSuccess", "breakwater", "Breakwater's CLOSED call() row")));
    out.add(Targets.zeroAlloc(r, "alloc-stats", "Allocation per call with statistics (1 and 2 "
        + "threads, with and without latency)", List.of("StatsBenchmark.callSuccess",
            "StatsBenchmark.callSuccess2"),
        List.of("breakwater", "breakwater-stats", "breakwater-latency")));
    // issue 13: the Micrometer binder adds nothing per call
    out.add(aboveFloors(r, "metrics-bound",
        "CLOSED success via call(), recordStats(), bound by breakwater-micrometer",
        "MetricsBenchmark.callSuccess", "breakwater-stats-bound", 1, busy,
        named(r, "MetricsBenchmark.callSuccess", "breakwater-stats", "the same unbound")));
    out.add(Targets.zeroAlloc(r, "alloc-metrics", "Allocation per call, bound and unbound",
        List.of("MetricsBenchmark.callSuccess"),
        List.of("breakwater-stats", "breakwater-stats-bound", "breakwater-stats-other-bound")));
    out.add(registryFootprint(footprint, "breakwater", 96));
    out.add(registryFootprint(footprint, "breakwater-stats", 200));
    // issue 12: composition
    out.add(aboveFloors(r, "pipeline-composed",
        "Fallback + retry + breaker + bulkhead around a successful call (Pipeline.call)",
        "PipelineBenchmark.composed", "breakwater", 10, busy,
        named(r, "PipelineBenchmark.composed", "none", "no-breaker baseline"),
        named(r, "PipelineBenchmark.bulkhead", "breakwater", "the bulkhead's own cost")));
    out.add(aboveFloors(r, "bulkhead", "Bulkhead acquire + release around the call",
        "PipelineBenchmark.bulkhead", "breakwater", 3, busy,
        named(r, "PipelineBenchmark.bulkhead", "none", "the call"), cas(r), cas(r)));
    out.add(ratio(r, "bulkhead-t2", "Bulkhead acquire + release, 2 threads on one bulkhead, "
        + "per thread", "PipelineBenchmark.bulkhead2", "PipelineBenchmark.bulkhead", "breakwater",
        busy));
    out.add(aboveFloors(r, "retry", "Retry around a call that succeeds",
        "PipelineBenchmark.retry", "breakwater", 3, busy,
        named(r, "PipelineBenchmark.retry", "none", "the call")));
    out.add(Targets.zeroAlloc(r, "alloc-pipeline", "Allocation per call, pipeline, bulkhead "
        + "(1 and 2 threads) and retry", List.of("PipelineBenchmark.composed",
            "PipelineBenchmark.bulkhead", "PipelineBenchmark.bulkhead2", "PipelineBenchmark.retry"),
        List.of("breakwater")));
    return out;
  }

  /** A floor: a measured row and what to call it. */
  private record Floor(String name, Optional<Row> row) {}

  private static Floor volatileRead(JmhResults r) {
    return new Floor("volatile read", r.find("FloorBenchmark.volatileRead", "", 1));
  }

  private static Floor cas(JmhResults r) {
    return new Floor("uncontended CAS", r.find("FloorBenchmark.casUncontended", "", 1));
  }

  private static Floor nanoTime(JmhResults r) {
    return new Floor("nanoTime", r.find("FloorBenchmark.nanoTime", "", 1));
  }

  private static Floor baseline(JmhResults r) {
    return named(r, "ClosedBenchmark.callSuccess", "none", "no-breaker baseline");
  }

  private static Floor named(JmhResults r, String bench, String impl, String name) {
    return new Floor(name, r.find(bench, impl, 1));
  }

  /** At most the sum of the floors + {@code allowance} ns/op (one thread). */
  private static Result aboveFloors(JmhResults r, String id, String title, String bench,
      String impl, double allowance, double busy, Floor... floors) {
    StringBuilder target = new StringBuilder("<= ");
    double sum = 0;
    double high = 0;
    double err = 0;
    for (Floor f : floors) {
      target.append(f.name()).append(" + ");
      if (f.row().isEmpty()) {
        return Targets.noData(id, title, target + Targets.fmt(allowance) + " ns/op", false);
      }
      sum += f.row().get().score();
      high += Targets.high(f.row().get());
      err += f.row().get().error();
    }
    String bar = target + Targets.fmt(allowance) + " ns/op";
    Optional<Row> m = r.find(bench, impl, 1);
    if (m.isEmpty()) {
      return Targets.noData(id, title, bar, false);
    }
    double delta = m.get().score() - sum;
    String figure = Targets.ns(m.get()) + " - " + Targets.fmt(sum) + " = " + Targets.fmt(delta)
        + " ns above";
    boolean gross = m.get().score() > busy * Targets.GROSS * (sum + allowance);
    boolean certain = Targets.low(m.get()) > busy * Targets.GROSS * (high + allowance);
    double excess = delta - allowance;
    String note = excess <= 0 ? "" : excess <= err + m.get().error()
        ? "over the bar by " + Targets.fmt(excess) + " ns, within the combined error (± "
            + Targets.fmt(err + m.get().error()) + " ns): this run cannot tell it from noise"
        : "over the bar by " + Targets.fmt(excess) + " ns, beyond the combined error (± "
            + Targets.fmt(err + m.get().error()) + " ns)";
    return new Result(id, title, bar, figure, delta <= allowance ? Verdict.MET : Verdict.NOT_MET,
        Kind.TIME, gross, certain, false, note);
  }

  /** Two threads at most 1.5x one thread, per thread (both figures from the same class). */
  private static Result ratio(JmhResults r, String id, String title, String two, String one,
      String impl, double busy) {
    String target = "<= 1.5x the 1-thread figure";
    Optional<Row> a = r.find(one, impl, 1);
    Optional<Row> b = r.find(two, impl, 2);
    if (a.isEmpty() || b.isEmpty()) {
      return Targets.noData(id, title, target, false);
    }
    double ratio = b.get().score() / a.get().score();
    double bar = Targets.GROSS * 1.5 * busy;
    return new Result(id, title, target, Targets.ns(b.get()) + " vs " + Targets.ns(a.get())
        + " = " + Targets.fmt(ratio) + "x", ratio <= 1.5 ? Verdict.MET : Verdict.NOT_MET,
        Kind.TIME, ratio > bar, Targets.low(b.get()) / Targets.high(a.get()) > bar, false, "");
  }

  private static Result registryFootprint(JsonNode fp, String impl, int limit) {
    String id = "footprint-registry-" + impl;
    String title = "Bytes per registered breaker (" + (impl.endsWith("stats") ? "with" : "no")
        + " stats), map entry included, name excluded (JOL)";
    String target = "<= " + limit + " bytes";
    if (fp == null) {
      return Targets.noData(id, title, target, false);
    }
    for (JsonNode row : fp.path("registries")) {
      if (row.path("impl").asText().equals(impl)) {
        double bytes = row.path("jolBytesPerBreaker").asDouble();
        String figure = Targets.fmt(bytes) + " B; a registry of "
            + row.path("registryBreakers").asInt() + " takes "
            + String.format(java.util.Locale.ROOT, "%,d", row.path("registryHeapBytes").asLong())
            + " B of heap";
        return new Result(id, title, target, figure,
            bytes <= limit ? Verdict.MET : Verdict.NOT_MET, Kind.FOOTPRINT, bytes > limit,
            bytes > limit, false, "");
      }
    }
    return Targets.noData(id, title, target, false);
  }
}
