package dev.breakwater.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PostgreSQL (Debian's package {@code postgresql}) with its own data folder in a temp
 * folder, started on 127.0.0.1 and a free port with trust authentication, that a test can stop
 * abruptly and start again.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *   HikariConfig hikari = new HikariConfig();
 *   hikari.setJdbcUrl(pg.jdbcUrl());
 *   hikari.setUsername(PostgresServer.USER);
 *   ...
 *   pg.stopImmediately();   // pg_ctl stop -m immediate: connections die, no clean shutdown
 *   pg.restart();
 * }
 * }</pre>
 *
 * <p>The binaries are found under {@code /usr/lib/postgresql/<version>/bin} (the newest
 * version). PostgreSQL refuses to run as root: when this JVM runs as root, the folder is given to
 * the {@code postgres} OS user and every command runs through {@code runuser -u postgres --};
 * otherwise they run as the current user. The Unix socket goes into the temp folder, never the
 * system's. Every wait is bounded (10 s; {@code initdb} 60 s). {@link #close()} stops the server
 * (killing the postmaster by its PID if {@code pg_ctl} fails) and deletes the folder.
 */
public final class PostgresServer implements AutoCloseable {
  /** The database user (the superuser created by {@code initdb}), with trust authentication. */
  public static final String USER = "postgres";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration INITDB_WAIT = Duration.ofSeconds(60);

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private final boolean asPostgresUser;
  private boolean running;

  private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("commands.log");
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /**
   * The newest {@code /usr/lib/postgresql/<version>/bin} that holds {@code postgres},
   * {@code initdb} and {@code pg_ctl}.
   *
   * @return that folder, or null if PostgreSQL is not installed
   */
  public static Path binDir() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    Path best = null;
    int bestVersion = -1;
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
      for (Path v : versions) {
        Path b = v.resolve("bin");
        int version = parseVersion(v.getFileName().toString());
        if (version > bestVersion && Processes.executable(b.resolve("postgres"))
            && Processes.executable(b.resolve("initdb"))
            && Processes.executable(b.resolve("pg_ctl"))) {
          best = b;
          bestVersion = version;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return best;
  }

  private static int parseVersion(String name) {
    try {
      return Integer.parseInt(name.replaceAll("[^0-9].*$", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Whether PostgreSQL's server binaries are installed here.
   *
   * @return true if {@link #binDir()} found them
   */
  public static boolean isInstalled() {
    return binDir() != null;
  }

  /**
   * Creates a data folder with {@code initdb} (trust authentication, no fsync) and starts the
   * server on a free 127.0.0.1 port, waiting until it accepts connections.
   *
   * @return the running server
   * @throws IllegalStateException if PostgreSQL is not installed, or this JVM runs as root and
   *     there is no {@code postgres} OS user
   * @throws IOException if a command fails or runs too long (its output is in the message)
   */
  public static PostgresServer start() throws IOException {
    Path bin = binDir();
    if (bin == null) {
      throw new IllegalStateException("PostgreSQL not installed: apt-get install postgresql");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("breakwater-pg-");
    PostgresServer server = new PostgresServer(bin, dir, FreePort.find(), root);
    try {
      server.init();
      server.launch();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void init() throws IOException {
    if (asPostgresUser) {
      UserPrincipal postgres;
      try {
        postgres = dir.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByName("postgres");
      } catch (IOException e) {
        throw new IllegalStateException("running as root, but there is no postgres OS user"
            + " to run PostgreSQL as (it refuses root)", e);
      }
      Files.setOwner(dir, postgres);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      // the log is appended to by this JVM (root); the commands write through its descriptor
    }
    Files.writeString(log, "", StandardCharsets.UTF_8);
    Processes.run(command(bin.resolve("initdb").toString(), "-D", data.toString(),
        "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-locale"), log, INITDB_WAIT);
  }

  private synchronized void launch() throws IOException {
    if (FreePort.isOpen(port)) {
      throw new IOException("port " + port + " was taken by another process");
    }
    String options = "-p " + port + " -c listen_addresses=127.0.0.1"
        + " -c unix_socket_directories=" + dir + " -c fsync=off -c max_connections=20";
    try {
      Processes.run(command(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
          "-l", dir.resolve("server.log").toString(), "-w", "-t",
          Long.toString(WAIT.toSeconds()), "-o", options, "start"), log, WAIT.plusSeconds(5));
    } catch (IOException e) {
      running = true; // it may have started late: close() stops it (by PID if need be)
      throw new IOException(e.getMessage() + "\nserver.log:\n"
          + Processes.tail(dir.resolve("server.log")), e);
    }
    running = true;
    if (!FreePort.awaitOpen(port, WAIT)) {
      throw new IOException("postgres started but 127.0.0.1:" + port + " is closed\n"
          + Processes.tail(dir.resolve("server.log")));
    }
  }

  private List<String> command(String... args) {
    List<String> c = new ArrayList<>();
    if (asPostgresUser) {
      c.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    c.addAll(List.of(args));
    return c;
  }

  /**
   * The port it listens on (the same after a {@link #restart()}).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * A JDBC URL for the {@code postgres} database.
   *
   * @return {@code jdbc:postgresql://127.0.0.1:<port>/postgres}
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /**
   * Whether the server was started and not stopped since (by this object).
   *
   * @return true while running
   */
  public synchronized boolean isRunning() {
    return running;
  }

  /**
   * Stops the server at once, like a crash ({@code pg_ctl stop -m immediate}: backends quit,
   * clients' connections drop, no checkpoint), and waits until the port is closed (10 s).
   *
   * @throws IOException if {@code pg_ctl} fails or runs too long
   */
  public synchronized void stopImmediately() throws IOException {
    if (!running) {
      return;
    }
    running = false;
    Processes.run(command(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
        "-m", "immediate", "-w", "-t", Long.toString(WAIT.toSeconds()), "stop"), log,
        WAIT.plusSeconds(5));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (FreePort.isOpen(port) && System.nanoTime() - deadline < 0) {
      FreePort.pause(10);
    }
  }

  /**
   * Starts the server again on the same port and data, waiting until it accepts connections
   * (after an immediate stop it first recovers from its log).
   *
   * @throws IllegalStateException if it is running
   * @throws IOException if it does not start in time, or the port was taken meanwhile
   */
  public synchronized void restart() throws IOException {
    if (running) {
      throw new IllegalStateException("already running on port " + port);
    }
    launch();
  }

  /** Stops the server if running (by PID if {@code pg_ctl} fails) and deletes its folder. */
  @Override
  public synchronized void close() {
    try {
      if (running) {
        try {
          stopImmediately();
        } catch (IOException e) {
          System.err.println("pg_ctl stop failed, killing the postmaster: " + e.getMessage());
        }
      }
      killPostmaster();
    } finally {
      Processes.deleteTree(dir);
    }
  }

  /** Kills the postmaster named in {@code postmaster.pid}, if its file is still there. */
  private void killPostmaster() {
    Path pidFile = data.resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
      ProcessHandle.of(Long.parseLong(first)).ifPresent(Processes::kill);
    } catch (IOException | RuntimeException e) {
      System.err.println("could not read " + pidFile + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "PostgresServer(127.0.0.1:" + port + (isRunning() ? ", running)" : ", stopped)");
  }
}
