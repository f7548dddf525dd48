package dev.breakwater.examples.trading;

import dev.breakwater.examples.trading.TradingScenario.Mode;
import dev.breakwater.examples.trading.TradingScenario.Outcome;
import dev.breakwater.examples.trading.TradingScenario.Result;
import dev.breakwater.examples.trading.TradingScenario.Transition;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The trading demo: runs the {@link FaultScript#standard standard fault script} twice against
 * local servers, once through the breaker pipeline and once with the plain HTTP client and
 * retry only, shows each run live, then writes {@code trading-demo.png} and {@code SUMMARY.md}.
 *
 * <pre>
 * java -cp ... dev.breakwater.examples.trading.Demo [--quick] [--out DIR]
 * </pre>
 *
 * {@code --quick}: two runs of 10 s (about 20 s in all) instead of two of 30 s; {@code --out}:
 * where the results go (default {@code results/demo}).
 */
public final class Demo {
  /** Keeps the breaker's JUL logger configured (OFF) for the whole run. */
  private static final Logger BREAKER_LOG = Logger.getLogger("dev.breakwater.CircuitBreaker");
  private static final int ORDERS_PER_SECOND = 40;
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(300);
  private static final Duration SLOW_LATENCY = Duration.ofSeconds(1);

  private Demo() { }

  /**
   * Runs the demo.
   *
   * @param args {@code --quick}, {@code --out DIR}
   * @throws Exception if a server could not start or the results could not be written
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path out = Paths.get("results", "demo");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--out":
          if (i + 1 >= args.length) {
            usage("--out needs a directory");
            return;
          }
          out = Paths.get(args[++i]);
          break;
        case "-h":
        case "--help":
          usage(null);
          return;
        default:
          usage("unknown argument: " + args[i]);
          return;
      }
    }
    System.setProperty("java.awt.headless", "true");
    BREAKER_LOG.setLevel(Level.OFF); // the screen shows the transitions; keep stderr quiet
    FaultScript script = quick
        ? FaultScript.standard(secs(2), secs(3), secs(2), secs(3))
        : FaultScript.standard(secs(6), secs(8), secs(8), secs(8));
    boolean ansi = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    PrintStream term = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (ansi) { // Ctrl-C during a run must not leave the terminal without a cursor
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        term.print("\033[?25h");
        term.flush();
      }, "demo-cursor"));
    }
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);

    Result with = run(term, ansi, script, Mode.BREAKER,
        "Breakwater trading demo, run 1 of 2: WITH the breaker\n"
            + "fallback (to " + TradingScenario.BACKUP + ") > retry > breaker > timeout > "
            + TradingScenario.PRIMARY);
    Result without = run(term, ansi, script, Mode.RETRY_ONLY,
        "Breakwater trading demo, run 2 of 2: WITHOUT a breaker\n"
            + "retry > plain HTTP client > " + TradingScenario.PRIMARY + " (no failover)");

    Files.createDirectories(out);
    Path png = out.resolve("trading-demo.png");
    DemoChart.write(with, without, png);
    String summary = summary(with, without, script, quick, started, loadBefore);
    Files.writeString(out.resolve("SUMMARY.md"), summary, StandardCharsets.UTF_8);
    term.println();
    term.println(headline(with, without));
    term.println("wrote " + png + " (" + Files.size(png) / 1024 + " KB) and "
        + out.resolve("SUMMARY.md"));
  }

  private static Duration secs(long s) {
    return Duration.ofSeconds(s);
  }

  private static void usage(String error) {
    PrintStream p = error == null ? System.out : System.err;
    if (error != null) {
      p.println(error);
    }
    p.println("usage: Demo [--quick] [--out DIR]");
    p.println("  --quick    two 10 s runs (about 20 s) instead of two 30 s runs");
    p.println("  --out DIR  where trading-demo.png and SUMMARY.md go (default results/demo)");
    if (error != null) {
      System.exit(2);
    }
  }

  private static Result run(PrintStream term, boolean ansi, FaultScript script, Mode mode,
      String title) throws IOException, InterruptedException {
    Dashboard screen = new Dashboard(term, ansi, title, script.totalDuration().toMillis() / 1e3);
    screen.begin();
    try {
      return TradingScenario.builder()
          .mode(mode)
          .script(script)
          .ordersPerSecond(ORDERS_PER_SECOND)
          .attemptTimeout(ATTEMPT_TIMEOUT)
          .slowLatency(SLOW_LATENCY)
          .log(screen::event)
          .onSample(screen::sample)
          .build()
          .run();
    } finally {
      screen.end();
    }
  }

  // ------------------------------------------------------------------ summary

  private static String headline(Result with, Result without) {
    return String.format(Locale.ROOT, "caller time: %.1f s with the breaker, %.1f s without"
        + " (saved %.1f s); p99 %s ms vs %s ms; %d calls cut off; orders failed: %d vs %d",
        with.latencySumNanos() / 1e9, without.latencySumNanos() / 1e9,
        (without.latencySumNanos() - with.latencySumNanos()) / 1e9,
        Dashboard.ms(with.latency().getValueAtPercentile(99)),
        Dashboard.ms(without.latency().getValueAtPercentile(99)), with.cutOff(), with.failed(),
        without.failed());
  }

  static String summary(Result with, Result without, FaultScript script, boolean quick,
      ZonedDateTime started, double loadBefore) {
    StringBuilder s = new StringBuilder();
    s.append("# Trading demo: one fault script, with and without the breaker\n\n");
    s.append("`./examples/run-demo.sh").append(quick ? " --quick" : "").append("` on ")
        .append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(": ").append(machine()).append(String.format(Locale.ROOT,
            ", load average %.2f at the start", loadBefore)).append(".\n\n");
    s.append("Script, run once per column: ");
    s.append(script.phases().stream().map(p -> p.name() + " " + p.duration().toSeconds() + " s"
        + " (" + TradingScenario.PRIMARY + " " + p.primaryFault() + (p.feedUp() ? ""
        : ", feed server stopped") + ")").collect(Collectors.joining(" → ")));
    s.append(String.format(Locale.ROOT, ". %d orders/s due on a fixed schedule (open loop:"
        + " latency counts from the due time); attempt timeout %d ms; a slow %s adds %d ms;"
        + " retry: 3 attempts, backoff 50 ms doubling to 200 ms. With the breaker: fallback"
        + " (failover to %s) > retry > breaker (3 consecutive failures, 500 ms open, doubling"
        + " to 2 s) > timeout. Without: the plain HTTP client with the same retry and the"
        + " attempt timeout as request timeout, no breaker, no failover.%n%n", ORDERS_PER_SECOND,
        ATTEMPT_TIMEOUT.toMillis(), TradingScenario.PRIMARY, SLOW_LATENCY.toMillis(),
        TradingScenario.BACKUP));
    s.append("| | with breaker | without (retry only) |\n|---|---:|---:|\n");
    row(s, "orders", with.outcomes().size(), without.outcomes().size());
    row(s, "filled by " + TradingScenario.PRIMARY, filledBy(with, TradingScenario.PRIMARY),
        filledBy(without, TradingScenario.PRIMARY));
    row(s, "failed over to " + TradingScenario.BACKUP, with.failovers(), without.failovers());
    row(s, "**failed**", with.failed(), without.failed());
    row(s, "filled twice (by both exchanges; should be 0)", with.filledTwice(),
        without.filledTwice());
    row(s, "attempts sent to " + TradingScenario.PRIMARY, with.primaryAttempts(),
        without.primaryAttempts());
    row(s, "**calls cut off** by the breaker (never sent)", with.cutOff(), without.cutOff());
    s.append(String.format(Locale.ROOT, "| **caller time, sum** | %.1f s | %.1f s |%n",
        with.latencySumNanos() / 1e9, without.latencySumNanos() / 1e9));
    latencyRow(s, "caller latency p50", with.latency(), without.latency(), 50);
    latencyRow(s, "**caller latency p99**", with.latency(), without.latency(), 99);
    s.append(String.format(Locale.ROOT, "| caller latency max | %s ms | %s ms |%n",
        Dashboard.ms(with.latency().getMaxValue()), Dashboard.ms(without.latency().getMaxValue())));
    long saved = without.latencySumNanos() - with.latencySumNanos();
    s.append(String.format(Locale.ROOT, "%nThe breaker cut off %d calls to %s and saved the"
        + " callers %.1f s of waiting (%.0f%% of their time without it); p99 went from %s ms to"
        + " %s ms, and %d orders that failed without it were filled.%n%n", with.cutOff(),
        TradingScenario.PRIMARY, saved / 1e9,
        without.latencySumNanos() == 0 ? 0 : 100.0 * saved / without.latencySumNanos(),
        Dashboard.ms(without.latency().getValueAtPercentile(99)),
        Dashboard.ms(with.latency().getValueAtPercentile(99)),
        Math.max(0, without.failed() - with.failed())));
    s.append("Per phase (caller latency p99, ms; failed orders):\n\n");
    s.append("| phase | orders | p99 with | p99 without | failed with | failed without |\n");
    s.append("|---|---:|---:|---:|---:|---:|\n");
    for (FaultScript.Phase p : script.phases()) {
      List<Outcome> w = inPhase(with, p.name());
      List<Outcome> wo = inPhase(without, p.name());
      s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d | %d |%n", p.name(),
          w.size(), Dashboard.ms(p99Micros(w)), Dashboard.ms(p99Micros(wo)),
          w.stream().filter(o -> o.exchange() == null).count(),
          wo.stream().filter(o -> o.exchange() == null).count()));
    }
    s.append("\n").append(TradingScenario.PRIMARY).append(" breaker transitions (run with"
        + " breaker): ");
    List<String> moves = new ArrayList<>();
    for (Transition t : with.transitions()) {
      if (t.breaker().equals(TradingScenario.PRIMARY)) {
        moves.add(String.format(Locale.ROOT, "%.1f s %s→%s", t.seconds(), t.from(), t.to()));
      }
    }
    s.append(String.join(", ", moves)).append(".\n\n");
    s.append(String.format(Locale.ROOT, "Market feed (WebSocket, its own breaker): %d reconnect(s)"
        + " after its server was restarted, %d ticks received since; alerts: %s.%n%n",
        with.feedReconnectsAfterRestart(), with.feedTicksAfterRestart(),
        String.join(", ", with.alerts())));
    s.append("Status table at the end:\n\n```\n").append(with.finalStatusTable()).append("```\n\n");
    s.append("![latency with and without the breaker, breaker state, orders per second]"
        + "(trading-demo.png)\n\n");
    s.append("How to read and rerun it: `examples/DEMO.md`. Timings on a shared machine vary"
        + " from run to run; the counts and the shape do not.\n");
    return s.toString();
  }

  private static long filledBy(Result r, String exchange) {
    return r.outcomes().stream().filter(o -> exchange.equals(o.exchange())).count();
  }

  private static List<Outcome> inPhase(Result r, String phase) {
    return r.outcomes().stream().filter(o -> o.phase().equals(phase))
        .collect(Collectors.toList());
  }

  private static long p99Micros(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return 0;
    }
    Histogram h = new Histogram(3);
    for (Outcome o : outcomes) {
      h.recordValue(Math.max(1, o.latencyNanos() / 1_000));
    }
    return h.getValueAtPercentile(99);
  }

  private static void row(StringBuilder s, String name, long with, long without) {
    s.append("| ").append(name).append(" | ").append(with).append(" | ").append(without)
        .append(" |\n");
  }

  private static void latencyRow(StringBuilder s, String name, Histogram with, Histogram without,
      double percentile) {
    s.append(String.format(Locale.ROOT, "| %s | %s ms | %s ms |%n", name,
        Dashboard.ms(with.getValueAtPercentile(percentile)),
        Dashboard.ms(without.getValueAtPercentile(percentile))));
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      Path info = Paths.get("/proc/cpuinfo");
      if (Files.isReadable(info)) {
        cpu = Files.readAllLines(info).stream().filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
      }
    } catch (IOException | RuntimeException e) {
      // keep "unknown CPU"
    }
    return String.format(Locale.ROOT, "%s, %d cores available, %s %s, JDK %s (%s)", cpu,
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"));
  }
}
