package dev.breakwater.examples.trading;

import dev.breakwater.examples.trading.TradingScenario.Sample;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The demo's live view of one run. On a terminal ({@code System.console() != null}) it redraws
 * one screen in place every second with ANSI cursor moves: the registry's status table, orders
 * per second by outcome, calls cut off, caller latency percentiles of the last second, the
 * market feed, and the latest events (transitions, alerts). Elsewhere (a pipe, a CI log) it
 * prints one line per second and every event as it happens, status tables included.
 */
final class Dashboard {
  private static final String HOME = "\033[H";
  private static final String CLEAR_SCREEN = "\033[2J";
  private static final String CLEAR_LINE = "\033[K";
  private static final String CLEAR_BELOW = "\033[J";
  private static final String HIDE_CURSOR = "\033[?25l";
  private static final String SHOW_CURSOR = "\033[?25h";
  private static final int EVENT_LINES = 8;
  private static final int ALERT_LINES = 4;

  private final PrintStream out;
  private final boolean ansi;
  private final String title;
  private final double scriptSeconds;
  private final Deque<String> events = new ArrayDeque<>();
  private final Deque<String> alerts = new ArrayDeque<>();
  private long orders;
  private long failovers;
  private long failed;
  private long cutOff;

  Dashboard(PrintStream out, boolean ansi, String title, double scriptSeconds) {
    this.out = out;
    this.ansi = ansi;
    this.title = title;
    this.scriptSeconds = scriptSeconds;
  }

  /** Clears the screen (terminal) or prints the title (plain). */
  synchronized void begin() {
    if (ansi) {
      out.print(HIDE_CURSOR + CLEAR_SCREEN + HOME);
      out.println(title);
      out.println("starting servers ...");
    } else {
      out.println("== " + title.replace("\n", "\n== "));
    }
    out.flush();
  }

  /** Shows the cursor again (terminal). */
  synchronized void end() {
    if (ansi) {
      out.print(SHOW_CURSOR);
      out.flush();
    }
  }

  /** A log line from the scenario: a phase change, a transition with its table, an alert. */
  synchronized void event(String text) {
    if (!ansi) {
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
      return;
    }
    // On screen only the first line of a transition: the live table shows the states.
    String first = text.lines().findFirst().orElse("");
    boolean alert = first.contains("] ALERT: ") || first.contains("] RESOLVED: ");
    Deque<String> to = alert ? alerts : events;
    to.addLast(first);
    while (to.size() > (alert ? ALERT_LINES : EVENT_LINES)) {
      to.removeFirst();
    }
  }

  /** One second of the run. */
  synchronized void sample(Sample s) {
    orders += s.latencyCount();
    failovers += s.filledBackup();
    failed += s.failed();
    cutOff += s.cutOff();
    if (ansi) {
      draw(s);
    } else {
      out.println(line(s));
    }
    out.flush();
  }

  private String line(Sample s) {
    return String.format(Locale.ROOT, "t=%5.1fs %-13s | %s | orders/s %s %3d  %s %3d  failed %3d"
        + " | cut off/s %3d | latency ms p50 %s p99 %s max %s | feed %s",
        s.seconds(), s.phase(), s.primaryState() == null ? "no breaker"
            : TradingScenario.PRIMARY + " " + s.primaryState(),
        TradingScenario.PRIMARY, s.filledPrimary(), TradingScenario.BACKUP, s.filledBackup(),
        s.failed(), s.cutOff(), ms(s.p50Micros()), ms(s.p99Micros()), ms(s.maxMicros()),
        s.primaryState() == null ? "-" : (s.feedConnected() ? "up " : "DOWN") + " "
            + s.ticks() + " ticks/s");
  }

  private void draw(Sample s) {
    StringBuilder b = new StringBuilder(HOME);
    title.lines().forEach(l -> row(b, l));
    int width = 40;
    int done = (int) Math.min(width, Math.round(width * s.seconds() / scriptSeconds));
    row(b, String.format(Locale.ROOT, "t = %5.1f s of %.0f s  [%s%s]  %s", s.seconds(),
        scriptSeconds, "#".repeat(done), "-".repeat(width - done), s.phase()));
    row(b, "");
    if (s.statusTable().isEmpty()) {
      row(b, "  no breaker: every order goes to " + TradingScenario.PRIMARY);
    } else {
      s.statusTable().lines().forEach(l -> row(b, "  " + l));
    }
    row(b, "");
    row(b, String.format(Locale.ROOT, "orders/s     by %s %4d   failover to %s %4d   failed %4d",
        TradingScenario.PRIMARY, s.filledPrimary(), TradingScenario.BACKUP, s.filledBackup(),
        s.failed()));
    row(b, String.format(Locale.ROOT, "%-12s attempts/s %4d   cut off by the breaker/s %4d",
        TradingScenario.PRIMARY, s.primaryAttempts(), s.cutOff()));
    row(b, String.format(Locale.ROOT, "so far       orders %5d  failovers %5d  failed %5d"
        + "  cut off %5d", orders, failovers, failed, cutOff));
    row(b, String.format(Locale.ROOT, "latency ms   p50 %6s  p90 %6s  p99 %6s  max %6s  (%d orders)",
        ms(s.p50Micros()), ms(s.p90Micros()), ms(s.p99Micros()), ms(s.maxMicros()),
        s.latencyCount()));
    if (s.primaryState() != null) {
      row(b, String.format(Locale.ROOT, "market feed  %-9s   ticks/s %4d   reconnects %d",
          s.feedConnected() ? "CONNECTED" : "DOWN", s.ticks(), s.feedReconnects()));
    }
    row(b, "");
    row(b, "alerts:");
    for (String a : alerts) {
      row(b, "  " + a);
    }
    row(b, "events:");
    for (String e : events) {
      row(b, "  " + e);
    }
    b.append(CLEAR_BELOW);
    out.print(b);
  }

  private static void row(StringBuilder b, String text) {
    b.append(text).append(CLEAR_LINE).append('\n');
  }

  static String ms(long micros) {
    if (micros >= 100_000) {
      return String.format(Locale.ROOT, "%.0f", micros / 1000.0);
    }
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }
}
