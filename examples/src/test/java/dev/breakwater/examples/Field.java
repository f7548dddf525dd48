package dev.breakwater.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** What the field tests share: the skipping rule, bounded waits, medians and the report. */
final class Field {
  private Field() {}

  /** Where every measured figure is appended (the README's numbers come from here). */
  static final Path RESULTS = Path.of("target", "field-results.txt");

  /**
   * Skips the calling test loudly when a server is not installed, or fails it when the
   * environment says {@code CI=true} (CI must run the field tests, never skip them).
   */
  static void require(boolean installed, String what, String debianPackage) {
    if (installed) {
      return;
    }
    String message = what + " not installed: apt-get install " + debianPackage;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message + " (CI=true: the field tests must run, not be skipped)");
    }
    System.err.println("*** SKIPPING field test: " + message + " ***");
    Assumptions.assumeTrue(false, message);
  }

  /** Polls {@code condition} every 5 ms for at most {@code max}; fails with {@code what}. */
  static void await(BooleanSupplier condition, Duration max, String what) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        fail("not within " + max + ": " + what);
      }
      pause(5);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The median of some durations in nanoseconds (the upper one of an even count). */
  static long median(Collection<Long> nanos) {
    if (nanos.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  static long max(Collection<Long> nanos) {
    return nanos.stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  /** Nanoseconds as a short human figure: 412 ns, 3.1 µs, 201 ms. */
  static String time(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
    if (nanos < 10_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
  }

  /** Prints a measured figure and appends it to {@link #RESULTS}. */
  static void report(String test, String line) {
    String out = "[field] " + test + ": " + line;
    System.out.println(out);
    try {
      Files.createDirectories(RESULTS.getParent());
      Files.writeString(RESULTS, out + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("could not write " + RESULTS + ": " + e);
    }
  }
}
