package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints every target of issue 3 with its measured figure and verdict.
 *
 * <pre>
 * java -cp benchmarks.jar dev.breakwater.bench.report.TargetChecker [--lenient]
 *     [--footprint results/footprint.json] [--cores N] results/jmh.json [more.json ...]
 * </pre>
 *
 * <p>Strict (default): exits 1 if any target is not met or lacks data. {@code --lenient} (CI):
 * exits 1 only on a gross regression (see {@link Targets}) or when a required case is missing.
 * In both modes a benchmark that did not measure the state it claims (a rejection benchmark that
 * admitted a call, ...) fails the check.
 */
public final class TargetChecker {

  private TargetChecker() {}

  /**
   * Runs the check.
   *
   * @param args see the class comment
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    boolean lenient = false;
    File footprintFile = null;
    int cores = Runtime.getRuntime().availableProcessors();
    List<File> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--lenient":
          lenient = true;
          break;
        case "--footprint":
          footprintFile = new File(args[++i]);
          break;
        case "--cores":
          cores = Integer.parseInt(args[++i]);
          break;
        default:
          files.add(new File(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: TargetChecker [--lenient] [--footprint FILE] [--cores N] "
          + "JMH.json...");
      System.exit(2);
    }
    JmhResults results = JmhResults.read(files);
    JsonNode footprint = footprintFile != null && footprintFile.isFile()
        ? new ObjectMapper().readTree(footprintFile) : null;
    System.exit(check(results, footprint, cores, lenient) ? 0 : 1);
  }

  /**
   * Prints the verdicts and decides.
   *
   * @param results the JMH results
   * @param footprint the footprint JSON or null
   * @param cores core count
   * @param lenient lenient mode
   * @return whether the check passes
   */
  static boolean check(JmhResults results, JsonNode footprint, int cores, boolean lenient) {
    boolean pass = true;
    System.out.printf("Breakwater targets (%s mode, %d runs read, %d cores)%n",
        lenient ? "lenient" : "strict", results.rows().size(), cores);
    for (Targets.Result t : Targets.evaluate(results, footprint, cores)) {
      String verdict = t.verdict() == Targets.Verdict.MET ? "MET"
          : t.verdict() == Targets.Verdict.NOT_MET ? "NOT MET" : "NO DATA";
      boolean fails;
      if (lenient) {
        fails = t.gross() || (t.verdict() == Targets.Verdict.NO_DATA && t.required());
        if (t.gross()) {
          verdict += ", GROSS REGRESSION";
        }
      } else {
        fails = t.verdict() != Targets.Verdict.MET;
      }
      pass &= !fails;
      System.out.printf("  [%-7s] %-64s target %-38s measured %s%s%n",
          fails ? "FAIL" : t.verdict() == Targets.Verdict.MET ? "ok" : "tolerated",
          t.title(), t.target(), t.figure(), " -> " + verdict);
      if (!t.note().isEmpty()) {
        System.out.println("            note: " + t.note());
      }
    }
    List<String> problems = Targets.sanity(results);
    for (String p : problems) {
      System.out.println("  [FAIL   ] benchmark sanity: " + p);
    }
    pass &= problems.isEmpty();
    System.out.println(pass ? "PASS" : "FAIL");
    return pass;
  }
}
