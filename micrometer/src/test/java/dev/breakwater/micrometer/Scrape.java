package dev.breakwater.micrometer;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads Prometheus text format: series lines, their names and label keys. */
final class Scrape {
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private Scrape() {}

  /** The sample lines (no comments, no blank lines). */
  static List<String> series(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
        .collect(Collectors.toList());
  }

  static String name(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    return line.substring(0, brace >= 0 && brace < space ? brace : space);
  }

  static Set<String> names(List<String> lines) {
    return lines.stream().map(Scrape::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The label keys of a line, sorted. */
  static Set<String> labelKeys(String line) {
    int brace = line.indexOf('{');
    Set<String> keys = new TreeSet<>();
    if (brace < 0 || brace > line.indexOf(' ')) {
      return keys;
    }
    Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  /** The value of one label of a line, or null. */
  static String labelValue(String line, String key) {
    Matcher m = Pattern.compile("[{,]" + key + "=\"([^\"]*)\"").matcher(line);
    return m.find() ? m.group(1) : null;
  }

  /** "name{sorted label keys}" for every series, as a set. */
  static Set<String> shapes(List<String> lines) {
    return lines.stream().map(l -> name(l) + labelKeys(l))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
