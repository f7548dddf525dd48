package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The rows of one or more JMH JSON result files ({@code -rf json}), reduced to what the report
 * and the checker need: benchmark, implementation, threads, score and error, allocation per
 * operation and the admitted / rejected counters.
 */
public final class JmhResults {

  /**
   * One benchmark run (one parameter combination).
   *
   * @param benchmark class simple name and method, e.g. {@code ClosedBenchmark.callSuccess}
   * @param impl the {@code impl} parameter, or {@code ""} when there is none
   * @param threads threads that ran it
   * @param score the primary score (ns/op, per thread)
   * @param error the 99.9% confidence half-width JMH reports (NaN with one iteration)
   * @param unit the score's unit
   * @param allocNorm {@code gc.alloc.rate.norm} in B/op, NaN without {@code -prof gc}
   * @param allocError its error
   * @param admitted the {@code admitted} counter, -1 if absent
   * @param rejected the {@code rejected} counter, -1 if absent
   */
  public record Row(String benchmark, String impl, int threads, double score, double error,
      String unit, double allocNorm, double allocError, double admitted, double rejected) {

    /**
     * Total throughput over all threads, in million operations per second.
     *
     * @return threads / score, scaled
     */
    public double totalMops() {
      return threads * 1_000.0 / score;
    }
  }

  private final List<Row> rows;
  private final JsonNode first;

  private JmhResults(List<Row> rows, JsonNode first) {
    this.rows = rows;
    this.first = first;
  }

  /**
   * Reads and merges result files.
   *
   * @param files JMH JSON files
   * @return their rows
   * @throws IOException if a file cannot be read or parsed
   */
  public static JmhResults read(List<File> files) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    JsonNode first = null;
    for (File f : files) {
      JsonNode array = json.readTree(f);
      if (array == null || !array.isArray()) {
        throw new IOException(f + " is not a JMH JSON result (expected an array)");
      }
      for (JsonNode n : array) {
        if (first == null) {
          first = n;
        }
        rows.add(row(n));
      }
    }
    return new JmhResults(Collections.unmodifiableList(rows), first);
  }

  private static Row row(JsonNode n) {
    String full = n.path("benchmark").asText();
    int dot = full.lastIndexOf('.', full.lastIndexOf('.') - 1);
    String shortName = full.substring(dot + 1);
    JsonNode pm = n.path("primaryMetric");
    JsonNode sm = n.path("secondaryMetrics");
    return new Row(shortName, n.path("params").path("impl").asText(""),
        n.path("threads").asInt(1), pm.path("score").asDouble(Double.NaN),
        number(pm.path("scoreError")), pm.path("scoreUnit").asText(),
        sm.path("gc.alloc.rate.norm").path("score").asDouble(Double.NaN),
        number(sm.path("gc.alloc.rate.norm").path("scoreError")),
        sm.has("admitted") ? sm.path("admitted").path("score").asDouble() : -1,
        sm.has("rejected") ? sm.path("rejected").path("score").asDouble() : -1);
  }

  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN; // JMH writes "NaN" as a string
  }

  /**
   * All rows.
   *
   * @return the rows, in file order
   */
  public List<Row> rows() {
    return rows;
  }

  /**
   * Finds a row.
   *
   * @param benchmark e.g. {@code ClosedBenchmark.callSuccess}
   * @param impl the implementation, {@code ""} for none
   * @param threads thread count
   * @return the row, if that run is in the results
   */
  public Optional<Row> find(String benchmark, String impl, int threads) {
    for (Row r : rows) {
      if (r.benchmark().equals(benchmark) && r.impl().equals(impl) && r.threads() == threads) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * A field of the first result (the JVM description is the same for all).
   *
   * @param field e.g. {@code jdkVersion}, {@code vmName}, {@code jvmArgs}
   * @return its text, or "" if absent
   */
  public String run(String field) {
    if (first == null) {
      return "";
    }
    JsonNode v = first.path(field);
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(x.asText()));
      return String.join(" ", parts);
    }
    return v.asText("");
  }

  /**
   * Whether no result was read.
   *
   * @return true for empty input
   */
  public boolean isEmpty() {
    return rows.isEmpty();
  }
}
