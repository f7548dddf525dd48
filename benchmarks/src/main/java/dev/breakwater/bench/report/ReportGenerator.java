package dev.breakwater.bench.report;

import static dev.breakwater.bench.report.Targets.fmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.bench.report.JmhResults.Row;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Turns the JMH JSON and the footprint JSON into {@code REPORT.md} and PNG charts (XChart,
 * headless).
 *
 * <pre>
 * java -cp benchmarks.jar dev.breakwater.bench.report.ReportGenerator \
 *     --out results [--footprint results/footprint.json] [--command "..."] results/jmh.json
 * </pre>
 */
public final class ReportGenerator {

  /** Implementations in table order, with display names. */
  static final Map<String, String> IMPLS = new LinkedHashMap<>();

  static {
    IMPLS.put("none", "no breaker (operation alone)");
    IMPLS.put("breakwater", "**Breakwater**");
    IMPLS.put("resilience4j", "Resilience4j 2.4.0 (default, SYNCHRONIZED)");
    IMPLS.put("resilience4j-lockfree", "Resilience4j 2.4.0 (LOCK_FREE)");
    IMPLS.put("resilience4j-nostack", "Resilience4j 2.4.0 (no stack traces)");
    IMPLS.put("failsafe", "Failsafe 3.3.2");
    IMPLS.put("synchronized", "textbook `synchronized`");
  }

  /** Failure-rate window implementations (issue 5), in table order, with display names. */
  static final Map<String, String> WINDOW_IMPLS = new LinkedHashMap<>();

  static {
    WINDOW_IMPLS.put("none", "no breaker (operation alone)");
    WINDOW_IMPLS.put("breakwater-count", "**Breakwater, COUNT_BASED(100)**");
    WINDOW_IMPLS.put("breakwater-time", "**Breakwater, TIME_BASED(10 s)**");
    WINDOW_IMPLS.put("resilience4j-count", "Resilience4j, COUNT_BASED(100), SYNCHRONIZED");
    WINDOW_IMPLS.put("resilience4j-lockfree-count", "Resilience4j, COUNT_BASED(100), LOCK_FREE");
    WINDOW_IMPLS.put("failsafe-count", "Failsafe, 50 of the last 100");
    WINDOW_IMPLS.put("resilience4j-time", "Resilience4j, TIME_BASED(10 s), SYNCHRONIZED");
    WINDOW_IMPLS.put("resilience4j-lockfree-time", "Resilience4j, TIME_BASED(10 s), LOCK_FREE");
    WINDOW_IMPLS.put("failsafe-time", "Failsafe, 50% over 10 s");
  }

  /** Chart colours of {@link #WINDOW_IMPLS}, in order: Breakwater blue, Resilience4j orange. */
  static final Color[] WINDOW_PALETTE = {new Color(0x9e9e9e), new Color(0x1565c0),
      new Color(0x00acc1), new Color(0xef6c00), new Color(0xffa726), new Color(0x2e7d32),
      new Color(0xbf360c), new Color(0xffcc80), new Color(0x81c784)};

  /** Window cases: the 1-thread benchmark, its scaling prefix, and their charts. */
  static final List<Scaling> WINDOW_SCALING = List.of(
      new Scaling("Failure-rate window, CLOSED success via call()", "WindowBenchmark.callSuccess",
          "WindowBenchmark.callSuccess_t", "windows-call.png", false),
      new Scaling("Failure-rate window, 10% failures (manual API)", "WindowBenchmark.manualFail10",
          "WindowBenchmark.manualFail10_t", "windows-fail10.png", false));

  static final Color[] PALETTE = {new Color(0x9e9e9e), new Color(0x1565c0), new Color(0x64b5f6),
      new Color(0xef6c00),
      new Color(0xffa726), new Color(0xffcc80), new Color(0x2e7d32), new Color(0x8e24aa)};

  /**
   * A single-thread case.
   *
   * @param id anchor and chart label
   * @param title heading
   * @param bench JMH benchmark
   * @param description what it measures
   * @param zeroAlloc whether Breakwater must not allocate here
   */
  record Case(String id, String title, String bench, String description, boolean zeroAlloc) {}

  static final List<Case> CASES = List.of(
      new Case("closed call", "1. CLOSED, success, high-level API", "ClosedBenchmark.callSuccess",
          "`call` / `executeSupplier` / `FailsafeExecutor.get` / `synchronized call` around an "
              + "operation that returns a field. The no-breaker row is the operation alone.",
          true),
      new Case("closed manual", "2. CLOSED, success, manual permit API",
          "ClosedBenchmark.manualSuccess",
          "`tryAcquire` + `onSuccess` (Resilience4j: `tryAcquirePermission` + `onSuccess(0, ns)`; "
              + "Failsafe: `tryAcquirePermit` + `recordSuccess`).", true),
      new Case("closed 1/10 fail", "3. CLOSED, a failure every 10 calls (manual API)",
          "ClosedBenchmark.manualFailEveryN",
          "Counters really move: Breakwater writes its word twice per 10 calls; none of the "
              + "breakers trips.", true),
      new Case("open manual", "4a. OPEN rejection, manual API", "OpenBenchmark.manualReject",
          "`tryAcquire` answering rejected, an hour before the next probe. Breakwater reads "
              + "the word and the clock.", true),
      new Case("open call", "4b. OPEN rejection, high-level API, exception caught",
          "OpenBenchmark.callReject",
          "The caller catches the library's rejection exception. Resilience4j with its default "
              + "(stack traces) and with `writableStackTraceEnabled(false)`; Failsafe and the "
              + "textbook breaker have no such option; Breakwater's exception never has one.",
          false),
      new Case("half-open probe", "5a. HALF_OPEN, probe admitted and success reported",
          "HalfOpenBenchmark.probe",
          "Steady state: a HALF_OPEN period survives 1,000 probes (success threshold 1023, one "
              + "in flight); every 1,000 calls it is re-armed inside the measured method "
              + "(Breakwater: one probe fails and the ticker jumps past the open timeout, so the "
              + "next call re-enters HALF_OPEN; peers: their OPEN then HALF_OPEN transitions). "
              + "The re-arm's cost and allocation are amortised over the 1,000 calls.", false),
      new Case("half-open reject", "5b. HALF_OPEN, rejection beyond halfOpenMaxCalls",
          "HalfOpenBenchmark.rejectBeyondMax",
          "One probe slot, held forever; every call is rejected. Breakwater reads the clock "
              + "here (hung-probe check).", false));

  /**
   * A scaling case.
   *
   * @param title heading
   * @param one the 1-thread benchmark
   * @param prefix the ScalingBenchmark method prefix
   * @param file chart file
   * @param target whether the 1.5x target applies
   */
  record Scaling(String title, String one, String prefix, String file, boolean target) {}

  static final List<Scaling> SCALING = List.of(
      new Scaling("CLOSED success, high-level API", "ClosedBenchmark.callSuccess",
          "ScalingBenchmark.closedCall_t", "scaling-closed-call.png", true),
      new Scaling("CLOSED success, manual API", "ClosedBenchmark.manualSuccess",
          "ScalingBenchmark.closedManual_t", "scaling-closed-manual.png", true),
      new Scaling("OPEN rejection, manual API", "OpenBenchmark.manualReject",
          "ScalingBenchmark.openReject_t", "scaling-open-manual.png", false));

  static final int[] THREADS = {1, 2, 4};

  private ReportGenerator() {}

  /**
   * Writes the report.
   *
   * @param args see the class comment
   * @throws IOException if writing fails
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    File outDir = new File("results");
    File footprintFile = null;
    String command = "";
    List<File> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out":
          outDir = new File(args[++i]);
          break;
        case "--footprint":
          footprintFile = new File(args[++i]);
          break;
        case "--command":
          command = args[++i];
          break;
        default:
          files.add(new File(args[i]));
      }
    }
    JmhResults r = JmhResults.read(files);
    JsonNode fp = footprintFile != null && footprintFile.isFile()
        ? new ObjectMapper().readTree(footprintFile) : null;
    File charts = new File(outDir, "charts");
    if (!charts.isDirectory() && !charts.mkdirs()) {
      throw new IOException("cannot create " + charts);
    }
    String md = report(r, fp, charts, command, files);
    Path out = new File(outDir, "REPORT.md").toPath();
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " and " + charts);
  }

  static String report(JmhResults r, JsonNode fp, File charts, String command, List<File> files)
      throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder md = new StringBuilder();
    md.append("# Breakwater benchmark report\n\n");
    md.append("Generated ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME))
        .append(" by `ReportGenerator` from ");
    for (File f : files) {
      md.append('`').append(f.getName()).append("` ");
    }
    md.append(fp != null ? "and `footprint.json`" : "").append(".\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| CPU | ").append(cpuModel()).append(" |\n");
    md.append("| Cores (available to the JVM) | ").append(cores).append(" |\n");
    md.append("| JDK | ").append(r.run("jdkVersion")).append(", ").append(r.run("vmName"))
        .append(' ').append(r.run("vmVersion")).append(" |\n");
    md.append("| JVM flags | `").append(r.run("jvmArgs")).append("` |\n");
    md.append("| JMH | ").append(r.run("jmhVersion")).append(", ").append(r.run("forks"))
        .append(" fork(s), ").append(r.run("warmupIterations")).append(" x ")
        .append(r.run("warmupTime")).append(" warm-up, ").append(r.run("measurementIterations"))
        .append(" x ").append(r.run("measurementTime")).append(" measurement, `-prof gc` |\n");
    if (!command.isEmpty()) {
      md.append("| Command | `").append(command.trim()).append("` |\n");
    }
    md.append("\nScores are average time per operation per thread (ns/op) with JMH's 99.9% "
        + "confidence half-width (±). **× BW** is the row's time divided by Breakwater's "
        + "(above 1: slower than Breakwater). **B/op** is `gc.alloc.rate.norm`. The target column "
        + "applies Breakwater's target to every row, so a peer's row says whether it would meet "
        + "the same bar. 1-thread rows and the 2/4-thread rows come from the same code on the "
        + "same kind of shared breaker. In the charts, a marker is a score and its whisker "
        + "JMH's error interval; a whisker with no cap at the bottom (top) reaches zero "
        + "(infinity): the run could not bound it there. Only measured points are drawn: the x "
        + "axes have a place for each measured case or thread count and nothing between, and a "
        + "missing run leaves a gap in its line.\n\n");

    // ---- targets
    md.append("## Targets (issues 3, 5, 10 and 11)\n\n| Target | Bar | Measured (Breakwater) | Verdict |\n"
        + "|---|---|---|---|\n");
    List<Targets.Result> targets = Targets.evaluate(r, fp, cores);
    for (Targets.Result t : targets) {
      md.append("| ").append(t.title()).append(" | ").append(t.target()).append(" | ")
          .append(t.figure()).append(" | ").append(verdict(t.verdict()));
      if (!t.note().isEmpty()) {
        md.append(" — ").append(t.note());
      }
      md.append(" |\n");
    }
    List<String> problems = Targets.sanity(r);
    md.append('\n').append(problems.isEmpty()
        ? "Benchmark sanity: every rejection benchmark rejected every call and every admission "
            + "benchmark admitted every call (JMH `@AuxCounters`).\n"
        : "**Benchmark sanity problems:** " + String.join("; ", problems) + "\n");

    // ---- single-thread cases
    md.append("\n## Single-thread cases\n\n![ns/op per case, log scale](charts/cases.png)\n\n");
    for (Case c : CASES) {
      md.append("### ").append(c.title()).append("\n\n").append(c.description()).append("\n\n");
      Optional<Row> bw = r.find(c.bench(), "breakwater", 1);
      double limit = limitFor(r, c);
      String bar = Double.isNaN(limit) ? (c.zeroAlloc() ? "0 B/op" : "—")
          : "<= " + fmt(limit) + " ns" + (c.zeroAlloc() ? ", 0 B/op" : "");
      md.append("| Implementation | ns/op | × BW | B/op | Admitted / rejected | Target | Met? |\n"
          + "|---|---:|---:|---:|---|---|---|\n");
      for (String impl : IMPLS.keySet()) {
        Optional<Row> row = r.find(c.bench(), impl, 1);
        if (row.isEmpty()) {
          continue;
        }
        Row x = row.get();
        boolean met = (Double.isNaN(limit) || x.score() <= limit)
            && (!c.zeroAlloc() || x.allocNorm() < Targets.ZERO_ALLOC);
        boolean applies = !impl.equals("none") && (!Double.isNaN(limit) || c.zeroAlloc());
        md.append("| ").append(IMPLS.get(impl)).append(" | ").append(Targets.ns(x).replace(" ns", ""))
            .append(" | ").append(bw.map(b -> fmt(x.score() / b.score())).orElse("—"))
            .append(" | ").append(alloc(x)).append(" | ").append(counters(x)).append(" | ")
            .append(applies ? bar : "—").append(" | ")
            .append(applies ? (met ? "met" : "**not met**") : "—").append(" |\n");
      }
      md.append('\n');
    }
    casesChart(r, new File(charts, "cases.png"));

    // ---- floors
    md.append("## Floors\n\n| Primitive | ns/op | B/op |\n|---|---:|---:|\n");
    String[][] floors = {{"FloorBenchmark.volatileRead", "volatile read", "1"},
        {"FloorBenchmark.casUncontended", "uncontended CAS (read + compareAndSet)", "1"},
        {"FloorBenchmark.casContended", "CAS on one field shared by 2 threads", "2"},
        {"FloorBenchmark.nanoTime", "`System.nanoTime()`", "1"}};
    for (String[] f : floors) {
      r.find(f[0], "", Integer.parseInt(f[2])).ifPresent(x -> md.append("| ").append(f[1])
          .append(" | ").append(Targets.ns(x).replace(" ns", "")).append(" | ").append(alloc(x))
          .append(" |\n"));
    }

    // ---- scaling
    md.append("\n## Thread scaling (one breaker shared by all threads)\n\n")
        .append("ns/op is per thread; Mops/s is the total over all threads. This machine has ")
        .append(cores).append(" cores")
        .append(cores < 4 ? ": **the 4-thread runs are oversubscribed** (each thread gets about "
            + fmt(100.0 * cores / 4) + "% of a core, so per-thread time grows even when nothing "
            + "is shared; compare total throughput instead)" : "")
        .append(". Target (CLOSED rows): per-thread ns/op at 2 and 4 threads within 1.5x of the "
            + "1-thread figure.\n\n");
    for (Scaling s : SCALING) {
      scalingSection(md, r, s, IMPLS, PALETTE, charts, cores);
    }

    // ---- failure-rate windows
    if (r.find("WindowBenchmark.callSuccess", "breakwater-count", 1).isPresent()
        || r.find("WindowBenchmark.manualFail10", "breakwater-count", 1).isPresent()) {
      windowSection(md, r, charts, cores);
    }

    // ---- the cached clock, registry and statistics
    OperationsSection.append(md, r, fp);

    // ---- Micrometer metrics export
    MetricsSection.append(md, r);

    // ---- footprint
    md.append("## Footprint (JOL)\n\n");
    if (fp == null) {
      md.append("No `footprint.json` was given.\n\n");
    } else {
      md.append("**Whole graph**: every byte reachable from one breaker (config, name, clock "
          + "included). **Per breaker**: what one more breaker costs when built from the same "
          + "config object and name, i.e. size(graph(a) ∪ graph(b)) − size(graph(b)); shared "
          + "config and singletons drop out, per-breaker copies stay (Failsafe copies its config "
          + "into each breaker). **Registry**: heap (after full GCs) of a `ConcurrentHashMap` "
          + "of ").append(String.format(Locale.ROOT, "%,d", fp.path("registrySize").asInt()))
          .append(" names to breakers, and the "
          + "breakers' share of it (the same map holding one shared dummy value subtracted). "
          + "JVM: ").append(fp.path("jdk").asText()).append(", ")
          .append(fp.path("jolDetails").asText().lines().filter(l -> l.contains("Compressed")
              || l.contains("alignment")).map(l -> l.replace("#", "").trim()).reduce((a, b) -> a + "; " + b)
              .orElse("")).append(". Rows marked *window* are breakers with a failure-rate "
          + "window (50% of 100 calls or of 10 s, as in the window benchmarks), measured after "
          + "100 recorded calls, so windows that allocate as they fill are measured full "
          + "(Breakwater's time window with calls in each of its 10 buckets; the peers' time "
          + "windows saw real time, Resilience4j's SYNCHRONIZED one allocates every bucket up "
          + "front). The 40-byte target is for the default, consecutive-failure breaker.\n\n"
          + "![bytes per breaker](charts/footprint.png)\n\n");
      md.append("| Implementation | Whole graph (B) | Per breaker, unshared (B) | × BW | "
          + "Registry heap (MB) | Per breaker in registry (B) | Target <= 40 B |\n"
          + "|---|---:|---:|---:|---:|---:|---|\n");
      double bwUnshared = Double.NaN;
      for (JsonNode b : fp.path("breakers")) {
        if (b.path("impl").asText().equals("breakwater")) {
          bwUnshared = b.path("unsharedBytes").asDouble();
        }
      }
      for (JsonNode b : fp.path("breakers")) {
        long unshared = b.path("unsharedBytes").asLong();
        String name = b.path("impl").asText();
        boolean window = WINDOW_IMPLS.containsKey(name);
        md.append("| ").append(IMPLS.getOrDefault(name, WINDOW_IMPLS.getOrDefault(name, name))
                .replace("**", "")).append(window ? " *window*" : "")
            .append(" | ").append(b.path("graphBytes").asLong()).append(" | ").append(unshared)
            .append(" (").append(b.path("unsharedObjects").asLong()).append(" obj.) | ")
            .append(fmt(unshared / bwUnshared)).append(" | ")
            .append(fmt(b.path("registryHeapBytes").asDouble() / 1e6)).append(" | ")
            .append(fmt(b.path("registryBytesPerBreaker").asDouble())).append(" | ")
            .append(window ? "— (window)" : unshared <= 40 ? "met" : "**not met**").append(" |\n");
      }
      footprintChart(fp, new File(charts, "footprint.png"));
    }

    md.append("\n## How these numbers were made\n\n")
        .append("- Every implementation runs the same benchmark method through a thin adapter "
            + "(`Subject`); each parameter value runs in its own JVM fork, so the adapter call is "
            + "monomorphic and inlined (the no-breaker row measures it).\n")
        .append("- Configurations: every breaker trips after 5 consecutive failures "
            + "(Resilience4j: its default 50% of a 100-call window); OPEN states are an hour from "
            + "their next probe. Resilience4j's manual `onSuccess` is given a duration of 0 "
            + "instead of a timed one. Failsafe's executor is built once and reused.\n")
        .append("- Breakwater's `System.Logger` is switched off in the benchmarks: the HALF_OPEN "
            + "steady state makes thousands of transitions per second, each logged at WARNING "
            + "or INFO otherwise.\n")
        .append("- Counters (`@AuxCounters`) prove each case measured its state: see the "
            + "Admitted / rejected column. Counting costs a per-thread field increment (a fraction "
            + "of a nanosecond), included in every manual and rejection row and in their "
            + "no-breaker rows, but not in the floors.\n")
        .append("- Issue 3's targets apply to Breakwater's default configuration (consecutive "
            + "failures); issue 5's to its failure-rate windows (`WindowBenchmark`).\n")
        .append("- A shared 2-core virtual machine is noisy: differences under ~1 ns, and the "
            + "4-thread figures, are indicative only.\n");
    return md.toString();
  }

  /** The failure-rate window cases of issue 5: one-thread table, clock reads, scaling. */
  static void windowSection(StringBuilder md, JmhResults r, File charts, int cores)
      throws IOException {
    md.append("## Failure-rate windows (issue 5)\n\n")
        .append("Every breaker here opens at 50% failures once it has seen 20 calls, over the last "
            + "100 calls (COUNT_BASED) or the last 10 seconds (TIME_BASED; Breakwater: 10 buckets "
            + "of 1 s). Failsafe's count form is \"50 failures of the last 100 executions\" (it "
            + "has no separate minimum). The breaker is shared by all threads and keeps recording: "
            + "the count windows evict one outcome per call once full, the time windows roll a "
            + "bucket every second. No call was rejected in any row (counters below). Targets, on "
            + "one thread: at most 15 ns/op above the no-breaker baseline with a count-based "
            + "window, 25 ns/op with a time-based one, and 0 B/op; peers' rows are held to the "
            + "bar of their window type.\n\n![failure-rate windows, one thread](charts/windows.png)"
            + "\n\n");
    String[][] cases = {{"WindowBenchmark.callSuccess", "success via `call()`"},
        {"WindowBenchmark.manualFail10", "10% failures, manual API"}};
    md.append("| Implementation");
    for (String[] c : cases) {
      md.append(" | ").append(c[1]).append(", ns/op | × BW count | B/op");
    }
    md.append(" | Admitted / rejected (failures case) | Target | Met? |\n|---");
    for (int i = 0; i < cases.length; i++) {
      md.append("|---:|---:|---:");
    }
    md.append("|---|---|---|\n");
    for (String impl : WINDOW_IMPLS.keySet()) {
      boolean time = impl.endsWith("-time");
      double allowance = time ? 25 : 15;
      boolean any = false;
      boolean met = true;
      StringBuilder line = new StringBuilder("| ").append(WINDOW_IMPLS.get(impl));
      Row failRow = null;
      for (String[] c : cases) {
        Optional<Row> row = r.find(c[0], impl, 1);
        Optional<Row> ref = r.find(c[0], "breakwater-count", 1);
        Optional<Row> base = r.find(c[0], "none", 1);
        if (row.isEmpty()) {
          line.append(" | — | — | —");
          met = false;
          continue;
        }
        any = true;
        Row x = row.get();
        if (c[0].endsWith("Fail10")) {
          failRow = x;
        }
        line.append(" | ").append(Targets.ns(x).replace(" ns", "")).append(" | ")
            .append(ref.map(b -> fmt(x.score() / b.score())).orElse("—")).append(" | ")
            .append(alloc(x));
        met &= base.isPresent() && x.score() - base.get().score() <= allowance
            && x.allocNorm() < Targets.ZERO_ALLOC;
      }
      if (!any) {
        continue;
      }
      boolean applies = !impl.equals("none");
      line.append(" | ").append(failRow == null ? "—" : counters(failRow)).append(" | ")
          .append(applies ? "<= baseline + " + fmt(allowance) + " ns, 0 B/op" : "—").append(" | ")
          .append(applies ? (met ? "met" : "**not met**") : "—").append(" |\n");
      md.append(line);
    }
    md.append('\n');
    windowsChart(r, cases, new File(charts, "windows.png"));

    // clock reads
    Optional<Row> nano = r.find("FloorBenchmark.nanoTime", "", 1);
    md.append("**Clock reads.** Breakwater's count-based window never reads the clock. Its "
        + "time-based window reads it once per recorded outcome, to find the outcome's bucket: "
        + "`call()` reads it once, after the operation; the manual API reads it in `onSuccess` / "
        + "`onFailure` (or takes the caller's duration-stamped report). With slow-call detection "
        + "on, `call()` reads it twice (start and end) and the end reading also picks the bucket. "
        + "Rejections and the CLOSED admission never read it.");
    if (nano.isPresent()) {
      md.append(" On this machine one `System.nanoTime()` costs ").append(Targets.ns(nano.get()))
          .append(" (floor above)");
      for (String[] c : cases) {
        Optional<Row> t = r.find(c[0], "breakwater-time", 1);
        Optional<Row> n = r.find(c[0], "breakwater-count", 1);
        if (t.isPresent() && n.isPresent()) {
          md.append("; time window minus count window, ").append(c[1]).append(": ")
              .append(fmt(t.get().score() - n.get().score())).append(" ns");
        }
      }
      md.append(". The clock read is most of what the time window costs over the count window. "
          + "The count window's per-call work is a shared atomic increment (and a byte swap "
          + "when the evicted outcome differs); the time window's is the clock, an atomic add to "
          + "the current bucket, and for failures and the first calls of a bucket, a sum over "
          + "the ten buckets.");
    }
    md.append("\n\n");
    md.append("### Thread scaling with a window\n\nThe count window orders outcomes with one "
        + "shared cursor (an atomic increment per recorded call) and the time window adds each "
        + "outcome to a shared bucket, so unlike the consecutive-failure path, every recorded "
        + "call writes a shared cache line: per-thread time grows with threads. The peers' "
        + "windows write shared state too (under a lock, or by CAS on an immutable snapshot).\n\n");
    for (Scaling s : WINDOW_SCALING) {
      scalingSection(md, r, s, WINDOW_IMPLS, WINDOW_PALETTE, charts, cores);
    }
  }

  /** One scaling table and its two charts. */
  static void scalingSection(StringBuilder md, JmhResults r, Scaling s, Map<String, String> impls,
      Color[] palette, File charts, int cores) throws IOException {
    md.append("### ").append(s.title()).append("\n\n![").append(s.title())
        .append(" per thread](charts/").append(s.file()).append(") ![").append(s.title())
        .append(" total](charts/").append(s.file().replace(".png", "-throughput.png"))
        .append(")\n\n");
    md.append("| Implementation | 1 thread | 2 threads | 4 threads").append(cores < 4
        ? " (oversubscribed)" : "").append(" | Mops/s at 1 / 2 / 4 | B/op at 2 / 4 |")
        .append(s.target() ? " 2t / 4t within 1.5x? |" : "").append('\n')
        .append("|---|---:|---:|---:|---|---|").append(s.target() ? "---|" : "").append('\n');
    for (String impl : impls.keySet()) {
      Row[] rows = new Row[3];
      for (int i = 0; i < 3; i++) {
        rows[i] = scalingRow(r, s, impl, THREADS[i]).orElse(null);
      }
      if (rows[0] == null && rows[1] == null) {
        continue;
      }
      md.append("| ").append(impls.get(impl));
      for (int i = 0; i < 3; i++) {
        md.append(" | ").append(rows[i] == null ? "—" : Targets.ns(rows[i]).replace(" ns", ""));
        if (i > 0 && rows[i] != null && rows[0] != null) {
          md.append(" (").append(fmt(rows[i].score() / rows[0].score())).append("x)");
        }
      }
      md.append(" | ");
      for (int i = 0; i < 3; i++) {
        md.append(i > 0 ? " / " : "").append(rows[i] == null ? "—" : fmt(rows[i].totalMops()));
      }
      md.append(" | ").append(rows[1] == null ? "—" : alloc(rows[1])).append(" / ")
          .append(rows[2] == null ? "—" : alloc(rows[2]));
      if (s.target()) {
        md.append(" | ");
        if (impl.equals("none") || rows[0] == null) {
          md.append("—");
        } else {
          for (int i = 1; i < 3; i++) {
            md.append(i > 1 ? " / " : "").append(rows[i] == null ? "—"
                : rows[i].score() / rows[0].score() <= 1.5 ? "met" : "**not met**");
          }
        }
      }
      md.append(" |\n");
    }
    md.append('\n');
    scalingChart(r, s, impls, palette, new File(charts, s.file()), false);
    scalingChart(r, s, impls, palette,
        new File(charts, s.file().replace(".png", "-throughput.png")), true);
  }

  static double limitFor(JmhResults r, Case c) {
    switch (c.bench()) {
      case "ClosedBenchmark.callSuccess":
        return r.find(c.bench(), "none", 1).map(x -> x.score() + 5).orElse(Double.NaN);
      case "ClosedBenchmark.manualSuccess":
        return r.find(c.bench(), "none", 1).map(x -> x.score() + 3).orElse(Double.NaN);
      case "OpenBenchmark.manualReject":
        return r.find("FloorBenchmark.nanoTime", "", 1).map(x -> x.score() + 3)
            .orElse(Double.NaN);
      case "OpenBenchmark.callReject":
        return 60;
      case "HalfOpenBenchmark.probe":
        return 15;
      default:
        return Double.NaN;
    }
  }

  static Optional<Row> scalingRow(JmhResults r, Scaling s, String impl, int threads) {
    return threads == 1 ? r.find(s.one(), impl, 1) : r.find(s.prefix() + threads, impl, threads);
  }

  static String alloc(Row x) {
    if (Double.isNaN(x.allocNorm())) {
      return "n/a";
    }
    return x.allocNorm() < 0.01 ? "0" : String.format(Locale.ROOT, "%.2f", x.allocNorm());
  }

  static String counters(Row x) {
    if (x.admitted() < 0) {
      return "—";
    }
    return count(x.admitted()) + " / " + count(x.rejected());
  }

  static String count(double n) {
    return n == 0 ? "0" : String.format(Locale.ROOT, "%.3g", n);
  }

  static String verdict(Targets.Verdict v) {
    return v == Targets.Verdict.MET ? "**met**" : v == Targets.Verdict.NOT_MET ? "**NOT MET**"
        : "no data";
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: fall through
    }
    return System.getProperty("os.arch") + " (model unknown)";
  }

  /** Short names for chart legends. */
  static final Map<String, String> SHORT = Map.ofEntries(Map.entry("none", "no breaker"),
      Map.entry("breakwater", "Breakwater"), Map.entry("resilience4j", "Resilience4j"),
      Map.entry("resilience4j-lockfree", "Resilience4j LOCK_FREE"),
      Map.entry("resilience4j-nostack", "Resilience4j no stack"),
      Map.entry("failsafe", "Failsafe"), Map.entry("synchronized", "synchronized"),
      Map.entry("breakwater-count", "Breakwater count"),
      Map.entry("breakwater-time", "Breakwater time"),
      Map.entry("resilience4j-count", "R4j count"), Map.entry("resilience4j-time", "R4j time"),
      Map.entry("resilience4j-lockfree-count", "R4j LOCK_FREE count"),
      Map.entry("resilience4j-lockfree-time", "R4j LOCK_FREE time"),
      Map.entry("failsafe-count", "Failsafe count"), Map.entry("failsafe-time", "Failsafe time"));

  static String plain(String impl) {
    return SHORT.getOrDefault(impl, impl);
  }

  // -------------------------------------------------------------------------------- charts

  // Every time chart draws JMH's 99.9% error interval of each point as a whisker (with caps); a
  // whisker that runs to the bottom of the chart means the interval reaches zero or below. Only
  // measured points are drawn: the x axis has a position for each measured case or thread count
  // and nothing in between, and a missing run leaves a gap.

  /** Chart markers, one per implementation (colour and shape both tell them apart). */
  static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND,
      SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN,
      SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL, SeriesMarkers.RECTANGLE};

  /**
   * A measured point and its error interval.
   *
   * @param x position (category index plus the implementation's small offset)
   * @param y the score
   * @param lo the interval's low end (NaN: no interval; zero or below: to the axis)
   * @param hi its high end (NaN: no interval; infinite: to the axis)
   */
  record Point(double x, double y, double lo, double hi) {}

  /**
   * One implementation on a chart.
   *
   * @param name legend name
   * @param color its colour
   * @param marker its marker
   * @param points its points, in x order; a point with a NaN y is a gap
   */
  record Series(String name, Color color, Marker marker, List<Point> points) {}

  static Point point(double x, Row row) {
    return new Point(x, row.score(), row.score() - row.error(), row.score() + row.error());
  }

  static void casesChart(JmhResults r, File file) throws IOException {
    List<String> labels = new ArrayList<>();
    List<String> benches = new ArrayList<>();
    for (Case c : CASES) {
      labels.add(c.id());
      benches.add(c.bench());
    }
    dotChart(r, "Time per operation, one thread (ns/op, log scale; lower is better)", 1400, 650,
        labels, benches, IMPLS, PALETTE, file);
  }

  static void windowsChart(JmhResults r, String[][] cases, File file) throws IOException {
    List<String> labels = new ArrayList<>();
    List<String> benches = new ArrayList<>();
    for (String[] c : cases) {
      labels.add(c[1].replace("`", ""));
      benches.add(c[0]);
    }
    dotChart(r, "Failure-rate windows, one thread (ns/op, log scale; lower is better)", 1200, 600,
        labels, benches, WINDOW_IMPLS, WINDOW_PALETTE, file);
  }

  /**
   * One column per benchmark, one marker with its error whisker per implementation present,
   * side by side within the column; log scale.
   */
  static void dotChart(JmhResults r, String title, int width, int height, List<String> labels,
      List<String> benches, Map<String, String> impls, Color[] palette, File file)
      throws IOException {
    List<String> present = new ArrayList<>();
    for (String impl : impls.keySet()) {
      for (String bench : benches) {
        if (r.find(bench, impl, 1).isPresent()) {
          present.add(impl);
          break;
        }
      }
    }
    double step = Math.min(0.12, 0.8 / Math.max(1, present.size()));
    List<Series> series = new ArrayList<>();
    int color = 0;
    for (String impl : impls.keySet()) {
      int k = present.indexOf(impl);
      if (k >= 0) {
        double offset = (k - (present.size() - 1) / 2.0) * step;
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < benches.size(); i++) {
          double x = i + offset;
          r.find(benches.get(i), impl, 1).ifPresent(row -> pts.add(point(x, row)));
        }
        series.add(new Series(plain(impl), palette[color], MARKERS[color % MARKERS.length],
            pts));
      }
      color++;
    }
    XYChart chart = new XYChartBuilder().width(width).height(height)
        .title(title + "; whiskers: JMH 99.9% error").xAxisTitle("case")
        .yAxisTitle("ns/op").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    categoryAxis(chart, labels, step / 2);
    plotIntervals(chart, series, false, capWidth(width, labels.size() + step));
    BitmapEncoder.saveBitmap(chart, file.getPath(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void scalingChart(JmhResults r, Scaling s, Map<String, String> impls, Color[] palette,
      File file, boolean throughput) throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    List<String> labels = new ArrayList<>();
    for (int t : THREADS) {
      labels.add(t + (t > cores ? " (oversubscribed)" : ""));
    }
    List<String> present = new ArrayList<>();
    for (String impl : impls.keySet()) {
      for (int t : THREADS) {
        if (scalingRow(r, s, impl, t).isPresent()) {
          present.add(impl);
          break;
        }
      }
    }
    double step = 0.035;
    List<Series> series = new ArrayList<>();
    int color = 0;
    for (String impl : impls.keySet()) {
      int k = present.indexOf(impl);
      if (k >= 0) {
        double offset = (k - (present.size() - 1) / 2.0) * step;
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < THREADS.length; i++) {
          int t = THREADS[i];
          double x = i + offset;
          Optional<Row> row = scalingRow(r, s, impl, t);
          if (row.isEmpty()) {
            pts.add(new Point(x, Double.NaN, Double.NaN, Double.NaN)); // a gap, not a segment
          } else if (!throughput) {
            pts.add(point(x, row.get()));
          } else {
            Row x0 = row.get();
            double lo = t * 1_000.0 / (x0.score() + x0.error());
            double hi = x0.score() - x0.error() > 0 ? t * 1_000.0 / (x0.score() - x0.error())
                : Double.isNaN(x0.error()) ? Double.NaN : Double.POSITIVE_INFINITY;
            pts.add(new Point(x, x0.totalMops(), lo, hi));
          }
        }
        series.add(new Series(plain(impl), palette[color], MARKERS[color % MARKERS.length],
            pts));
      }
      color++;
    }
    XYChart chart = new XYChartBuilder().width(950).height(520)
        .title(s.title() + (throughput ? ": total Mops/s (log; higher is better)"
            : ": ns/op per thread (log; lower is better)"))
        .xAxisTitle("threads sharing one breaker (measured: 1, 2, 4; whiskers: JMH 99.9% error)")
        .yAxisTitle(throughput ? "million ops/s, all threads" : "ns/op per thread").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    categoryAxis(chart, labels, 0.3);
    plotIntervals(chart, series, true, capWidth(950 - 200, THREADS.length - 1 + 0.6));
    BitmapEncoder.saveBitmap(chart, file.getPath(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Makes the x axis categorical: positions 0..n-1 are labelled, every other tick is blank, no
   * vertical grid lines.
   */
  static void categoryAxis(XYChart chart, List<String> labels, double pad) {
    chart.getStyler().setXAxisMin(-0.5 - pad);
    chart.getStyler().setXAxisMax(labels.size() - 0.5 + pad);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.setCustomXAxisTickLabelsFormatter(x -> {
      long i = Math.round(x);
      if (Math.abs(x - i) < 1e-6 && i >= 0 && i < labels.size()) {
        return labels.get((int) i);
      }
      return blank(x);
    });
  }

  /** Half the width of a whisker's cap, about 5 pixels, in x units. */
  static double capWidth(int plotPixels, double span) {
    return 5 * span / plotPixels;
  }

  /**
   * An invisible tick label that differs for every tick (at quarter steps over +-16): XChart
   * retries its tick layout until all labels differ, forever if two blanks are alike. Seven
   * characters, each a space or a no-break space.
   */
  static String blank(double x) {
    long k = Math.floorMod(Math.round(x * 4) + 64, 128);
    StringBuilder b = new StringBuilder(7);
    for (int bit = 6; bit >= 0; bit--) {
      b.append((k >> bit & 1) == 0 ? ' ' : '\u00a0');
    }
    return b.toString();
  }

  /**
   * Adds the series (markers, joined by lines if asked, only between neighbouring measured
   * points) and their error whiskers, and fixes the log axis to whole decades around all of it.
   */
  static void plotIntervals(XYChart chart, List<Series> series, boolean joined, double cap) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        for (double v : new double[] {p.y(), p.lo(), p.hi()}) {
          if (v > 0 && Double.isFinite(v)) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
        }
      }
    }
    if (max == 0) {
      return; // nothing measured
    }
    double axisMin = Math.pow(10, Math.floor(Math.log10(min)));
    double axisMax = Math.pow(10, Math.ceil(Math.log10(max)));
    if (axisMax <= axisMin) {
      axisMax = axisMin * 10;
    }
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(axisMin);
    chart.getStyler().setYAxisMax(axisMax);
    chart.getStyler().setMarkerSize(9);
    int whiskers = 0;
    for (Series s : series) {
      double[] xs = new double[s.points().size()];
      double[] ys = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = s.points().get(i).x();
        ys[i] = s.points().get(i).y();
      }
      XYSeries main = chart.addSeries(s.name(), xs, ys);
      main.setXYSeriesRenderStyle(joined ? XYSeries.XYSeriesRenderStyle.Line
          : XYSeries.XYSeriesRenderStyle.Scatter);
      main.setMarker(s.marker());
      main.setMarkerColor(s.color());
      main.setLineColor(s.color());
      main.setLineStyle(new BasicStroke(2f));
      for (Point p : s.points()) {
        if (Double.isNaN(p.y()) || Double.isNaN(p.lo()) || Double.isNaN(p.hi())) {
          continue;
        }
        boolean toBottom = !(p.lo() > axisMin);
        boolean toTop = !(p.hi() < axisMax);
        double lo = toBottom ? axisMin : p.lo();
        double hi = toTop ? axisMax : p.hi();
        // one path: top cap, down the whisker, bottom cap (caps only where the interval ends)
        List<Double> wx = new ArrayList<>();
        List<Double> wy = new ArrayList<>();
        if (!toTop) {
          wx.addAll(List.of(p.x() - cap, p.x() + cap));
          wy.addAll(List.of(hi, hi));
        }
        wx.addAll(List.of(p.x(), p.x()));
        wy.addAll(List.of(hi, lo));
        if (!toBottom) {
          wx.addAll(List.of(p.x() - cap, p.x() + cap));
          wy.addAll(List.of(lo, lo));
        }
        XYSeries w = chart.addSeries("\u200b" + (whiskers++), wx, wy);
        w.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        w.setMarker(SeriesMarkers.NONE);
        w.setLineColor(s.color());
        w.setLineStyle(new BasicStroke(1.3f));
        w.setShowInLegend(false);
      }
    }
  }

  /**
   * Bytes per breaker, one pair of bars per implementation: short names, slanted so that they
   * cannot run into each other, and each bar's figure written on it.
   */
  static void footprintChart(JsonNode fp, File file) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(1300).height(650)
        .title("Bytes per breaker (log scale; lower is better; \"window\": a failure-rate window, "
            + "measured full)")
        .xAxisTitle("implementation").yAxisTitle("bytes").build();
    style(chart.getStyler());
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(10.0);
    chart.getStyler().setXAxisLabelRotation(35);
    chart.getStyler().setXAxisLabelAlignmentVertical(org.knowm.xchart.style.AxesChartStyler.TextAlignment.Right);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(10f));
    chart.getStyler().setLabelsPosition(1.0);
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    List<String> labels = new ArrayList<>();
    List<Double> graph = new ArrayList<>();
    List<Double> unshared = new ArrayList<>();
    for (JsonNode b : fp.path("breakers")) {
      String impl = b.path("impl").asText();
      labels.add(plain(impl) + (WINDOW_IMPLS.containsKey(impl) ? " (window)" : ""));
      graph.add(b.path("graphBytes").asDouble());
      unshared.add(b.path("unsharedBytes").asDouble());
    }
    chart.addSeries("whole graph", labels, graph).setFillColor(PALETTE[0]);
    chart.addSeries("per breaker (unshared)", labels, unshared).setFillColor(PALETTE[1]);
    BitmapEncoder.saveBitmap(chart, file.getPath(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void style(Styler st) {
    if (st instanceof org.knowm.xchart.style.AxesChartStyler) {
      ((org.knowm.xchart.style.AxesChartStyler) st).setPlotGridLinesColor(new Color(0xe0e0e0));
    }
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setChartTitleBoxVisible(false);
    st.setPlotBorderVisible(false);
  }
}
