package dev.breakwater;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles every {@code ```java} block of the project's {@code README.md} against the core
 * classes, so that the README cannot drift from the API.
 *
 * <p>The convention, also stated at the top of the README's first example:
 * <ul>
 *   <li>A snippet that declares a top-level type (a line starting with {@code class},
 *       {@code interface}, {@code record} or {@code enum}, possibly after modifiers) is a complete
 *       source file and is compiled as it stands.
 *   <li>Any other snippet is statements: its leading {@code import} lines stay imports and the
 *       rest becomes the body of a method {@code void snippet()} with <em>no</em> {@code throws}
 *       clause, so a checked exception must be handled in the snippet itself.
 * </ul>
 * Nothing is imported implicitly: a snippet names every type it uses, exactly as a reader would
 * have to. Snippets compile with {@code --release 17 -Xlint:all -Werror}; each is compiled on its
 * own, against the test classpath. A failure names the snippet's line in the README and gives
 * javac's diagnostics with README line numbers.
 *
 * <p>The README is found by walking up from the working directory to the directory that holds
 * both {@code README.md} and {@code core/}; {@code -Dbreakwater.readme=path} overrides that.
 */
class ReadmeSnippetsTest {
  private static final Pattern OPEN_FENCE = Pattern.compile("^(\\s*)```\\s*java\\b.*$");
  private static final Pattern CLOSE_FENCE = Pattern.compile("^\\s*```\\s*$");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;.*$");
  private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
      "^(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|record|enum|@interface)\\s+(\\w+).*$");

  /** One fenced block: its lines and the README line number of its first line. */
  record Snippet(int firstLine, List<String> lines) {}

  /** Generated source plus, for each of its lines, the README line it came from. */
  record Unit(String className, String source, int[] readmeLine) {}

  @TestFactory
  Stream<DynamicTest> everyJavaSnippetInTheReadmeCompiles() throws IOException {
    Path readme = readme();
    List<Snippet> snippets = extract(Files.readAllLines(readme, StandardCharsets.UTF_8));
    if (snippets.isEmpty()) {
      fail(readme + " has no ```java snippets: nothing would be checked");
    }
    return snippets.stream().map(s -> DynamicTest.dynamicTest(
        "README.md:" + s.firstLine(), () -> compile(readme, s)));
  }

  static Path readme() {
    String override = System.getProperty("breakwater.readme");
    if (override != null) {
      return Path.of(override).toAbsolutePath();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("core"))) {
        return dir.resolve("README.md");
      }
    }
    throw new IllegalStateException("no README.md next to a core/ directory above "
        + Path.of("").toAbsolutePath() + "; set -Dbreakwater.readme=path");
  }

  /** The ```java blocks, in order; an unclosed block is an error. Indentation of the fence is removed. */
  static List<Snippet> extract(List<String> readme) {
    List<Snippet> snippets = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      Matcher open = OPEN_FENCE.matcher(readme.get(i));
      if (!open.matches()) {
        if (readme.get(i).trim().startsWith("```") && !CLOSE_FENCE.matcher(readme.get(i)).matches()) {
          // another language's block: skip to its end so that its content is not read as fences
          int j = i + 1;
          while (j < readme.size() && !CLOSE_FENCE.matcher(readme.get(j)).matches()) {
            j++;
          }
          i = j;
        }
        continue;
      }
      int indent = open.group(1).length();
      List<String> lines = new ArrayList<>();
      int j = i + 1;
      for (; j < readme.size() && !CLOSE_FENCE.matcher(readme.get(j)).matches(); j++) {
        String line = readme.get(j);
        lines.add(line.substring(Math.min(indent, leadingSpaces(line))));
      }
      if (j == readme.size()) {
        throw new IllegalStateException("README.md:" + (i + 1) + ": ```java block is never closed");
      }
      snippets.add(new Snippet(i + 2, lines)); // 1-based line of the block's first line
      i = j;
    }
    return snippets;
  }

  private static int leadingSpaces(String s) {
    int n = 0;
    while (n < s.length() && s.charAt(n) == ' ') {
      n++;
    }
    return n;
  }

  /** Applies the convention (see the class comment) to turn a snippet into a source file. */
  static Unit toUnit(Snippet snippet) {
    List<String> lines = snippet.lines();
    for (String line : lines) {
      Matcher type = TOP_LEVEL_TYPE.matcher(line);
      if (type.matches()) {
        int[] map = new int[lines.size()];
        for (int k = 0; k < map.length; k++) {
          map[k] = snippet.firstLine() + k;
        }
        return new Unit(type.group(1), String.join("\n", lines) + "\n", map);
      }
    }
    // statements: imports (and blank or comment lines among them) first, then the body
    int bodyStart = 0;
    for (int k = 0; k < lines.size(); k++) {
      String t = lines.get(k).trim();
      if (IMPORT.matcher(t).matches()) {
        bodyStart = k + 1;
      } else if (!t.isEmpty() && !t.startsWith("//")) {
        break;
      }
    }
    String className = "ReadmeSnippet" + snippet.firstLine();
    StringBuilder source = new StringBuilder();
    List<Integer> map = new ArrayList<>();
    for (int k = 0; k < bodyStart; k++) {
      source.append(lines.get(k)).append('\n');
      map.add(snippet.firstLine() + k);
    }
    source.append("class ").append(className).append(" {\n");
    map.add(snippet.firstLine() + bodyStart);
    source.append("  void snippet() {\n");
    map.add(snippet.firstLine() + bodyStart);
    for (int k = bodyStart; k < lines.size(); k++) {
      source.append("    ").append(lines.get(k)).append('\n');
      map.add(snippet.firstLine() + k);
    }
    source.append("  }\n}\n");
    map.add(snippet.firstLine() + lines.size() - 1);
    map.add(snippet.firstLine() + lines.size() - 1);
    return new Unit(className, source.toString(), map.stream().mapToInt(Integer::intValue).toArray());
  }

  static void compile(Path readme, Snippet snippet) throws IOException {
    Unit unit = toUnit(snippet);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      fail("no system Java compiler: run the tests on a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(
        URI.create("string:///" + unit.className() + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return unit.source();
      }
    };
    List<String> options = List.of(
        "--release", "17", "-Xlint:all,-path,-processing", "-Werror", "-proc:none",
        "-classpath", System.getProperty("java.class.path"));
    boolean ok;
    try (StandardJavaFileManager standard =
            javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager discarding = new DiscardingFileManager(standard)) {
      ok = javac.getTask(null, discarding, diagnostics, options, null, List.of(file)).call();
    }
    if (!ok) {
      StringBuilder message = new StringBuilder()
          .append("the ```java snippet at ").append(readme).append(':').append(snippet.firstLine())
          .append(" does not compile:\n");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        long line = d.getLineNumber();
        String where = line >= 1 && line <= unit.readmeLine().length
            ? "README.md:" + unit.readmeLine()[(int) line - 1] : "README.md:" + snippet.firstLine();
        message.append(where).append(": ").append(d.getKind().toString().toLowerCase(Locale.ROOT))
            .append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
        if (line >= 1) {
          message.append("    ").append(unit.source().split("\n", -1)[(int) line - 1].strip())
              .append('\n');
        }
      }
      message.append("(convention: a snippet that declares a top-level type is a source file;"
          + " otherwise its imports stay imports and the rest is the body of"
          + " `void snippet()`, which declares no checked exception)\n--- as compiled ---\n")
          .append(unit.source());
      fail(message.toString());
    }
  }

  /** Lets javac write its class files into memory and forgets them. */
  private static final class DiscardingFileManager
      extends ForwardingJavaFileManager<StandardJavaFileManager> {
    DiscardingFileManager(StandardJavaFileManager standard) {
      super(standard);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new SimpleJavaFileObject(
          URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          return new ByteArrayOutputStream();
        }
      };
    }
  }
}
