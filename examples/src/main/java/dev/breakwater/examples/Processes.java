package dev.breakwater.examples;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running commands with bounded waits, and deleting temp folders (internal to the helpers). */
final class Processes {
  private Processes() {}

  /**
   * Runs {@code command} to its end, at most {@code max}, output to {@code log}; throws with the
   * log's tail if it fails or runs too long (it is then killed).
   */
  static void run(List<String> command, Path log, Duration max) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    boolean done;
    try {
      done = p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command, e);
    }
    if (!done) {
      p.destroyForcibly();
      throw new IOException("still running after " + max + ": " + command + "\n" + tail(log));
    }
    if (p.exitValue() != 0) {
      throw new IOException("exit " + p.exitValue() + ": " + command + "\n" + tail(log));
    }
  }

  /** Kills {@code p} (SIGKILL) and waits at most 10 s for it to be gone. */
  static void kill(ProcessHandle p) {
    p.destroyForcibly();
    try {
      p.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception notGoneInTime) {
      // reported by the caller's own checks (the port stays open)
    }
  }

  /** The last 2,000 characters of a log file, for error messages. */
  static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= 2_000 ? s : s.substring(s.length() - 2_000);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Whether an executable file exists at {@code path}. */
  static boolean executable(Path path) {
    File f = path.toFile();
    return f.isFile() && f.canExecute();
  }

  /** The first executable named {@code name} on the PATH, or null. */
  static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (executable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** Deletes a folder and everything under it; best effort (never throws). */
  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
