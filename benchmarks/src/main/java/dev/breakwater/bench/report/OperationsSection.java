package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.bench.report.JmhResults.Row;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's sections for issues 10 (the cached clock), 11 (registry lookups, call
 * statistics, registry footprint) and 12 (composition): tables of the measured rows; the verdicts are in the targets
 * table ({@link OperationsTargets}).
 */
final class OperationsSection {
  private OperationsSection() {}

  static void append(StringBuilder md, JmhResults r, JsonNode fp) {
    if (r.find("CachedClockBenchmark.openReject", "breakwater", 1).isPresent()) {
      md.append("## The cached clock (issue 10)\n\n")
          .append("The paths that read the clock once per call, with the default ticker "
              + "(`System.nanoTime()`) and with `Ticker.cached()` (a volatile read of a value one "
              + "daemon thread refreshes every millisecond; durations it measures are off by up "
              + "to a millisecond). Floors from the same run: volatile read ")
          .append(floor(r, "FloorBenchmark.volatileRead")).append(", uncontended CAS ")
          .append(floor(r, "FloorBenchmark.casUncontended")).append(", `System.nanoTime()` ")
          .append(floor(r, "FloorBenchmark.nanoTime")).append(", no-breaker `call()` baseline ")
          .append(r.find("ClosedBenchmark.callSuccess", "none", 1).map(Targets::ns).orElse("—"))
          .append(".\n\n| Path | default ticker, ns/op | B/op | `Ticker.cached()`, ns/op | B/op |"
              + "\n|---|---:|---:|---:|---:|\n");
      row(md, r, "OPEN rejection via `tryAcquire()`", "CachedClockBenchmark.openReject",
          "breakwater", "breakwater-cached", 1);
      row(md, r, "HALF_OPEN rejection, every slot taken", "CachedClockBenchmark.halfOpenReject",
          "breakwater", "breakwater-cached", 1);
      row(md, r, "TIME_BASED(10 s) window, success via `call()`",
          "CachedClockBenchmark.timeWindowSuccess", "breakwater", "breakwater-cached", 1);
      md.append('\n');
    }
    if (r.find("RegistryBenchmark.hit", "breakwater", 1).isPresent()
        || r.find("StatsBenchmark.callSuccess", "breakwater-stats", 1).isPresent()) {
      md.append("## Registry and statistics (issue 11)\n\n")
          .append("**Lookup of an existing name** in a registry of 10,000 breakers, each thread "
              + "its own hot name: Breakwater's `registry.breaker(name)`, Resilience4j's "
              + "`registry.circuitBreaker(name)`, and the floor, `ConcurrentHashMap.get` of the "
              + "same key in a map of the same size.\n\n"
              + "| Registry | 1 thread, ns/op | B/op | 2 threads, ns/op per thread | B/op |\n"
              + "|---|---:|---:|---:|---:|\n");
      for (String[] impl : new String[][] {{"map", "`ConcurrentHashMap.get` (floor)"},
          {"breakwater", "**Breakwater**"}, {"resilience4j", "Resilience4j 2.4"}}) {
        pair(md, r, impl[1], "RegistryBenchmark.hit", "RegistryBenchmark.hit2", impl[0]);
      }
      md.append("\n**CLOSED success via `call()` with call statistics**, one breaker shared by "
          + "the threads.\n\n| Statistics | 1 thread, ns/op | B/op | 2 threads, ns/op per thread "
          + "| B/op |\n|---|---:|---:|---:|---:|\n");
      for (String[] impl : new String[][] {{"breakwater", "off (default)"},
          {"breakwater-stats", "`recordStats()`"}, {"breakwater-latency", "`recordLatency()`"}}) {
        pair(md, r, impl[1], "StatsBenchmark.callSuccess", "StatsBenchmark.callSuccess2",
            impl[0]);
      }
      md.append('\n');
    }
    if (r.find("PipelineBenchmark.composed", "breakwater", 1).isPresent()) {
      md.append("## Composition (issue 12)\n\n")
          .append("Each library's idiomatic composition, built once: fallback, then retry (3 "
              + "attempts), then breaker (default config), then bulkhead (25), around the same "
              + "successful call; Resilience4j 2.4 `Decorators...decorate()`, Failsafe 3.3 "
              + "`Failsafe.with(fallback, retryPolicy, circuitBreaker, bulkhead)`. Floors from "
              + "the same run: uncontended CAS ")
          .append(floor(r, "FloorBenchmark.casUncontended")).append(".\n\n")
          .append("| Recipe | no breaker (the call) | **Breakwater** | B/op | Resilience4j | B/op "
              + "| Failsafe | B/op |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (String[] b : new String[][] {
          {"fallback + retry + breaker + bulkhead", "PipelineBenchmark.composed", "1"},
          {"bulkhead acquire + release, 1 thread", "PipelineBenchmark.bulkhead", "1"},
          {"bulkhead acquire + release, 2 threads (per thread)", "PipelineBenchmark.bulkhead2", "2"},
          {"retry, no failure", "PipelineBenchmark.retry", "1"}}) {
        int threads = Integer.parseInt(b[2]);
        md.append("| ").append(b[0]).append(" | ")
            .append(r.find(b[1], "none", threads).map(v -> Targets.ns(v).replace(" ns", ""))
                .orElse("—"));
        for (String impl : new String[] {"breakwater", "resilience4j", "failsafe"}) {
          Optional<Row> x = r.find(b[1], impl, threads);
          md.append(" | ").append(x.map(v -> Targets.ns(v).replace(" ns", "")).orElse("—"))
              .append(" | ").append(x.map(ReportGenerator::alloc).orElse("—"));
        }
        md.append(" |\n");
      }
      md.append('\n');
    }
    if (fp != null && fp.path("registries").size() > 0) {
      md.append("**Registry footprint**: JOL's bytes per registered breaker (a registry's graph "
          + "with 10,000 breakers minus the empty registry's and the names': the breaker, its "
          + "map entry, its share of the table), and the heap a registry of 1,000,000 breakers "
          + "takes as a whole (after full GCs; names excluded).\n\n| Registry | JOL, B per "
          + "breaker | 1,000,000 breakers, heap | per breaker |\n|---|---:|---:|---:|\n");
      for (JsonNode row : fp.path("registries")) {
        String impl = row.path("impl").asText();
        String name = impl.equals("breakwater") ? "**Breakwater**"
            : impl.equals("breakwater-stats") ? "**Breakwater**, `recordStats()`"
            : impl.equals("resilience4j") ? "Resilience4j 2.4 (default config)" : impl;
        md.append("| ").append(name).append(" | ")
            .append(Targets.fmt(row.path("jolBytesPerBreaker").asDouble())).append(" | ")
            .append(String.format(Locale.ROOT, "%,.1f MB",
                row.path("registryHeapBytes").asDouble() / 1e6)).append(" | ")
            .append(Targets.fmt(row.path("registryBytesPerBreaker").asDouble())).append(" B |\n");
      }
      md.append('\n');
    }
  }

  private static String floor(JmhResults r, String bench) {
    return r.find(bench, "", 1).map(Targets::ns).orElse("—");
  }

  private static void row(StringBuilder md, JmhResults r, String title, String bench, String a,
      String b, int threads) {
    md.append("| ").append(title);
    for (String impl : new String[] {a, b}) {
      Optional<Row> x = r.find(bench, impl, threads);
      md.append(" | ").append(x.map(v -> Targets.ns(v).replace(" ns", "")).orElse("—"))
          .append(" | ").append(x.map(ReportGenerator::alloc).orElse("—"));
    }
    md.append(" |\n");
  }

  private static void pair(StringBuilder md, JmhResults r, String title, String one, String two,
      String impl) {
    md.append("| ").append(title);
    for (String[] bt : new String[][] {{one, "1"}, {two, "2"}}) {
      Optional<Row> x = r.find(bt[0], impl, Integer.parseInt(bt[1]));
      md.append(" | ").append(x.map(v -> Targets.ns(v).replace(" ns", "")).orElse("—"))
          .append(" | ").append(x.map(ReportGenerator::alloc).orElse("—"));
    }
    md.append(" |\n");
  }
}
