package dev.breakwater.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Prints every target of issues 3 and 5 with its measured figure and verdict, and decides.
 *
 * <pre>
 * java -cp benchmarks.jar dev.breakwater.bench.report.TargetChecker [--lenient]
 *     [--coverage coverage.json] [--footprint results/footprint.json] [--cores N]
 *     results/jmh.json [more.json ...]
 * </pre>
 *
 * <p><b>Strict</b> (default; the full report run): exits 1 if any target is not met or lacks
 * data.
 *
 * <p><b>Lenient</b> ({@code --lenient}; the {@code ./mvnw verify} smoke and
 * {@code run.sh --quick}): what a short run on a busy machine can prove is fatal, timing is
 * informational. Fatal: a run a target needs is missing; with {@code --coverage}, a benchmark
 * method and implementation declared in the jar that did not run; a sanity counter that does not
 * hold (a rejection benchmark that admitted a call, an admission benchmark that rejected one);
 * allocation on a zero-allocation path ({@code -prof gc}, at least
 * {@value Targets#ZERO_ALLOC} B/op: allocation is not noise); a footprint over its bound; and a
 * timing target whose JMH error interval lies entirely beyond the gross-regression bar (3x the
 * target, see {@link Targets}). Every other timing verdict is printed and never fails.
 *
 * <p>On a loaded machine a thread gets only part of a core, and its wall-clock time per
 * operation grows by the same factor in every iteration, which JMH's error interval does not
 * show. So the lenient mode multiplies the timing gross bars by the machine's load: the 1-minute
 * load average over the core count, when above 1 ({@code /proc/loadavg}; {@code --load L}
 * assumes L instead, {@code --load 0} turns this off). It prints the factor it used.
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
    File coverageFile = null;
    double load = Double.NaN;
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
        case "--coverage":
          coverageFile = new File(args[++i]);
          break;
        case "--cores":
          cores = Integer.parseInt(args[++i]);
          break;
        case "--load":
          load = Double.parseDouble(args[++i]);
          break;
        default:
          files.add(new File(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("usage: TargetChecker [--lenient] [--coverage FILE] [--footprint FILE] "
          + "[--cores N] [--load L] JMH.json...");
      System.exit(2);
    }
    JmhResults results = JmhResults.read(files);
    JmhResults coverage = coverageFile == null ? null : JmhResults.read(List.of(coverageFile));
    JsonNode footprint = footprintFile != null && footprintFile.isFile()
        ? new ObjectMapper().readTree(footprintFile) : null;
    if (Double.isNaN(load)) {
      load = loadAverage();
    }
    System.exit(check(results, coverage, footprint, cores, lenient, load) ? 0 : 1);
  }

  /** The 1-minute load average, or 0 where {@code /proc/loadavg} cannot be read. */
  static double loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"));
      return Double.parseDouble(s.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Prints the checks, fatal ones first, and decides.
   *
   * @param results the JMH results
   * @param coverage the unforked pass over every benchmark, or null
   * @param footprint the footprint JSON or null
   * @param cores core count
   * @param lenient lenient mode
   * @param load the load average; in lenient mode, load / cores (when above 1) widens the timing
   *     gross bars
   * @return whether every fatal check passed
   */
  static boolean check(JmhResults results, JmhResults coverage, JsonNode footprint, int cores,
      boolean lenient, double load) {
    double busy = lenient ? Math.max(1, load / cores) : 1;
    List<Targets.Result> targets = Targets.evaluate(results, footprint, cores, busy);
    List<String> fatal = new ArrayList<>(); // printed lines
    List<String> info = new ArrayList<>();
    int failures = 0;
    int fatalChecks = 0;

    // 1. every benchmark ran
    if (coverage != null) {
      TreeSet<String> declared = Coverage.declared();
      List<String> missing = Coverage.missing(coverage, declared);
      fatalChecks++;
      failures += missing.isEmpty() ? 0 : 1;
      fatal.add(line(missing.isEmpty(), "every benchmark runs", "each method x impl in the jar",
          (declared.size() - missing.size()) + " of " + declared.size() + " ran ("
              + coverage.rows().size() + " runs, unforked pass)"));
      for (String m : missing) {
        fatal.add("            did not run: " + m);
      }
    }
    // 2. sanity counters, over the measured runs and the coverage pass
    List<String> problems = new ArrayList<>(Targets.sanity(results));
    int counted = results.rows().size();
    if (coverage != null) {
      for (String p : Targets.sanity(coverage)) {
        problems.add(p + " (coverage pass)");
      }
      counted += coverage.rows().size();
    }
    fatalChecks++;
    failures += problems.isEmpty() ? 0 : 1;
    fatal.add(line(problems.isEmpty(), "sanity counters (@AuxCounters)",
        "rejections admit 0, admissions reject 0", counted + " runs checked"
            + (problems.isEmpty() ? ", all hold" : ", " + problems.size() + " violated")));
    for (String p : problems) {
      fatal.add("            " + p);
    }

    // 3. the targets
    int met = 0;
    int notMet = 0;
    for (Targets.Result t : targets) {
      boolean exact = t.kind() != Targets.Kind.TIME;
      String verdict = t.verdict() == Targets.Verdict.MET ? "MET"
          : t.verdict() == Targets.Verdict.NOT_MET ? "NOT MET" : "NO DATA";
      boolean isFatal;
      boolean fails;
      if (!lenient) {
        isFatal = true;
        fails = t.verdict() != Targets.Verdict.MET;
      } else if (t.verdict() == Targets.Verdict.NO_DATA) {
        if (!t.required()) { // e.g. no footprint in the CI smoke: nothing to check
          fatal.add(String.format("  [%-7s] %-64s target %-38s not in this run", "skip",
              t.title(), t.target()));
          continue;
        }
        isFatal = true;
        fails = true;
        verdict += " (a run this check needs is missing)";
      } else if (exact) {
        isFatal = true;
        fails = t.verdict() != Targets.Verdict.MET;
      } else if (t.grossBeyondError()) {
        isFatal = true;
        fails = true;
        verdict += ", GROSS REGRESSION: the whole error interval is beyond "
            + Targets.fmt(Targets.GROSS * busy) + "x the bound";
      } else {
        isFatal = false;
        fails = false;
        if (t.gross()) {
          verdict += "; beyond " + Targets.fmt(Targets.GROSS * busy) + "x the bound, but the "
              + "error interval reaches below that: noise cannot be ruled out";
        }
      }
      if (!exact && t.verdict() != Targets.Verdict.NO_DATA) {
        if (t.verdict() == Targets.Verdict.MET) {
          met++;
        } else {
          notMet++;
        }
      }
      String text = String.format("  [%-7s] %-64s target %-38s measured %s -> %s",
          fails ? "FAIL" : isFatal ? "ok" : t.verdict() == Targets.Verdict.MET ? "met"
              : "not met",
          t.title(), t.target(), t.figure(), verdict);
      List<String> into = isFatal ? fatal : info;
      into.add(text);
      if (!t.note().isEmpty()) {
        into.add("            note: " + t.note());
      }
      if (isFatal) {
        fatalChecks++;
        failures += fails ? 1 : 0;
      }
    }
    if (lenient) {
      long grossTiming = targets.stream().filter(t -> t.kind() == Targets.Kind.TIME
          && t.verdict() != Targets.Verdict.NO_DATA && t.grossBeyondError()).count();
      if (grossTiming == 0) { // the failing ones are listed above
        fatalChecks++;
        fatal.add(line(true, "timing: no gross regression beyond JMH's error",
            "score - error <= " + Targets.fmt(Targets.GROSS * busy) + "x the bound",
            (met + notMet) + " timing targets checked, verdicts below"));
      }
    }

    boolean pass = failures == 0;
    System.out.printf("Breakwater benchmark checks, %s mode (%d runs read%s, %d cores)%n",
        lenient ? "lenient" : "strict", results.rows().size(),
        coverage == null ? "" : " + " + coverage.rows().size() + " in the coverage pass", cores);
    System.out.println(lenient
        ? "FATAL checks (any [FAIL] fails the build): every benchmark runs, sanity counters, "
            + "allocation and footprint (not noise), and timing only where JMH's whole error "
            + "interval is beyond " + Targets.fmt(Targets.GROSS) + "x a target's bound"
            + (busy > 1 ? " (times " + Targets.fmt(busy) + " for this machine's load: "
                + Targets.fmt(load) + " runnable on " + cores + " cores)" : "") + ":"
        : "FATAL checks (strict: every target must be met):");
    fatal.forEach(System.out::println);
    if (lenient) {
      System.out.println("INFORMATIONAL timing verdicts (a short run on a possibly busy machine; "
          + "printed, never fatal):");
      info.forEach(System.out::println);
    }
    System.out.printf("%s: %d of %d fatal checks passed%s%n", pass ? "PASS" : "FAIL",
        fatalChecks - failures, fatalChecks,
        lenient ? "; timing, informational: " + met + " met, " + notMet + " not met" : "");
    return pass;
  }

  private static String line(boolean ok, String title, String target, String figure) {
    return String.format("  [%-7s] %-64s target %-38s measured %s", ok ? "ok" : "FAIL", title,
        target, figure);
  }
}
