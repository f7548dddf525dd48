package dev.breakwater.bench.report;

import dev.breakwater.bench.report.JmhResults.Row;
import java.util.Locale;
import java.util.Optional;

/**
 * The report's section for issue 13 (the Micrometer binder): a CLOSED call with and without the
 * binder bound, and a Prometheus scrape of 10,000 breakers beside Resilience4j's binder; the
 * verdict on "bound at most unbound + 1 ns" is in the targets table ({@link OperationsTargets}).
 */
final class MetricsSection {
  private MetricsSection() {}

  static void append(StringBuilder md, JmhResults r) {
    boolean calls = r.find("MetricsBenchmark.callSuccess", "breakwater-stats", 1).isPresent();
    boolean scrapes = r.find("ScrapeBenchmark.scrape", "breakwater", 1).isPresent();
    if (!calls && !scrapes) {
      return;
    }
    md.append("## Micrometer metrics (issue 13)\n\n");
    if (calls) {
      md.append("**CLOSED success via `call()`** with `recordStats()`, the breaker bound by "
          + "`BreakwaterMetrics` to a `PrometheusMeterRegistry` or not: the meters read the "
          + "breaker at scrape time only, so the target is bound ≤ unbound + 1 ns, 0 B/op.\n\n"
          + "| Breaker | ns/op | B/op |\n|---|---:|---:|\n");
      for (String[] impl : new String[][] {{"breakwater-stats", "not bound"},
          {"breakwater-stats-bound", "**bound** (native names)"}}) {
        Optional<Row> x = r.find("MetricsBenchmark.callSuccess", impl[0], 1);
        md.append("| ").append(impl[1]).append(" | ")
            .append(x.map(v -> Targets.ns(v).replace(" ns", "")).orElse("—")).append(" | ")
            .append(x.map(ReportGenerator::alloc).orElse("—")).append(" |\n");
      }
      md.append('\n');
    }
    if (scrapes) {
      md.append("**`PrometheusMeterRegistry.scrape()` of 10,000 breakers**, each called once: "
          + "Breakwater's with statistics under the native names (6 series per breaker), "
          + "Resilience4j 2.4's default breakers bound by its `TaggedCircuitBreakerMetrics` "
          + "(22 series per breaker).\n\n"
          + "| Binder | ms per scrape | MB allocated per scrape |\n|---|---:|---:|\n");
      for (String[] impl : new String[][] {{"breakwater", "**Breakwater** (`NamingScheme.NATIVE`)"},
          {"resilience4j", "Resilience4j 2.4 (`TaggedCircuitBreakerMetrics`)"}}) {
        Optional<Row> x = r.find("ScrapeBenchmark.scrape", impl[0], 1);
        md.append("| ").append(impl[1]).append(" | ")
            .append(x.map(v -> String.format(Locale.ROOT, "%.1f ± %.1f", v.score(), v.error()))
                .orElse("—"))
            .append(" | ")
            .append(x.filter(v -> !Double.isNaN(v.allocNorm()))
                .map(v -> String.format(Locale.ROOT, "%.1f", v.allocNorm() / 1e6)).orElse("—"))
            .append(" |\n");
      }
      md.append('\n');
    }
  }
}
