package dev.breakwater.bench.report;

import dev.breakwater.bench.report.JmhResults.Row;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Proves that every benchmark runs: compares a results file with every run this jar's
 * benchmarks declare (each {@code @Benchmark} method, each value of its {@code impl} parameter,
 * at its {@code @Threads} count), as listed in the jar's {@code META-INF/BenchmarkList}. The CI
 * smoke feeds it a short unforked pass over everything ({@code -f 0 -wi 0 -i 1}), which says
 * nothing about speed but fails if an adapter throws, a state cannot be set up or a renamed
 * method drops out of the selection.
 */
final class Coverage {

  private Coverage() {}

  /**
   * Every run the benchmark list declares under {@code dev.breakwater.bench}.
   *
   * @return keys {@code "Class.method [impl, Nt]"}, sorted
   */
  static TreeSet<String> declared() {
    OutputFormat silent = OutputFormatFactory.createFormatInstance(
        new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
    TreeSet<String> keys = new TreeSet<>();
    for (BenchmarkListEntry e : BenchmarkList.defaultList().find(silent,
        List.of("^dev\\.breakwater\\.bench\\."), List.of())) {
      String full = e.getUsername();
      String method = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
      int threads = e.getThreads().orElse(1);
      Map<String, String[]> params = e.getParams().orElse(Map.of());
      String[] impls = params.getOrDefault("impl", new String[] {""});
      for (String impl : impls) {
        keys.add(key(method, impl, threads));
      }
    }
    return keys;
  }

  /**
   * The declared runs that are missing from the results or have no finite score.
   *
   * @param results the coverage pass
   * @param declared from {@link #declared()}
   * @return the missing keys; empty when every declared run ran
   */
  static List<String> missing(JmhResults results, TreeSet<String> declared) {
    TreeSet<String> ran = new TreeSet<>();
    for (Row r : results.rows()) {
      if (Double.isFinite(r.score()) && r.score() > 0) {
        ran.add(key(r.benchmark(), r.impl(), r.threads()));
      }
    }
    List<String> out = new ArrayList<>();
    for (String k : declared) {
      if (!ran.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  static String key(String method, String impl, int threads) {
    return method + " [" + (impl.isEmpty() ? "" : impl + ", ") + threads + "t]";
  }
}
