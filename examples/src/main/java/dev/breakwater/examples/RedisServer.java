package dev.breakwater.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} (Debian's package {@code redis-server}) started on 127.0.0.1 and a
 * free port, with no persistence and its own temp folder, that a test can kill and restart.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   RedisClient client = RedisClient.create(redis.uri());
 *   ...
 *   redis.kill();      // SIGKILL: clients see their connection drop
 *   redis.restart();   // the same port again, empty
 * }
 * }</pre>
 *
 * <p>Every wait is bounded by 10 s. {@link #close()} kills the server and deletes its folder.
 * It never touches another Redis (the system's on 6379 included): it only ever signals the
 * process it started.
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Path executable;
  private final Path dir;
  private final int port;
  private Process process;
  private int starts;

  private RedisServer(Path executable, Path dir, int port) {
    this.executable = executable;
    this.dir = dir;
    this.port = port;
  }

  /**
   * The {@code redis-server} executable: on the PATH, else {@code /usr/bin/redis-server}.
   *
   * @return its path, or null if Redis is not installed
   */
  public static Path executable() {
    Path p = Processes.onPath("redis-server");
    if (p == null && Processes.executable(Path.of("/usr/bin/redis-server"))) {
      p = Path.of("/usr/bin/redis-server");
    }
    return p;
  }

  /**
   * Whether {@code redis-server} is installed here.
   *
   * @return true if {@link #executable()} found it
   */
  public static boolean isInstalled() {
    return executable() != null;
  }

  /**
   * Starts a server on a free 127.0.0.1 port and waits (at most 10 s) until it answers
   * {@code PING}.
   *
   * @return the running server
   * @throws IllegalStateException if {@code redis-server} is not installed
   * @throws IOException if it does not start in time (its log is in the message)
   */
  public static RedisServer start() throws IOException {
    Path exe = executable();
    if (exe == null) {
      throw new IllegalStateException("redis-server not installed: apt-get install redis-server");
    }
    Path dir = Files.createTempDirectory("breakwater-redis-");
    RedisServer server = new RedisServer(exe, dir, FreePort.find());
    try {
      server.launch();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private synchronized void launch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running on port " + port);
    }
    if (FreePort.isOpen(port)) {
      throw new IOException("port " + port + " was taken by another process");
    }
    Path log = dir.resolve("redis-" + (++starts) + ".log");
    process = new ProcessBuilder(List.of(executable.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes",
        "--daemonize", "no"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!ping()) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue() + "\n"
            + Processes.tail(log));
      }
      if (System.nanoTime() - deadline >= 0) {
        Processes.kill(process.toHandle());
        throw new IOException("redis-server did not answer PING within " + WAIT + "\n"
            + Processes.tail(log));
      }
      FreePort.pause(10);
    }
  }

  /** One {@code PING} on a fresh connection; true if it answered {@code +PONG}. */
  private boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(FreePort.LOOPBACK, port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = 0;
      while (n < reply.length) {
        int r = in.read(reply, n, reply.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
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
   * A Lettuce URI for it.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Whether the process this object started is alive.
   *
   * @return true while running
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Kills the server with SIGKILL (no shutdown, connections drop at once) and waits at most
   * 10 s until it is gone and its port is closed. Does nothing if it is not running.
   */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    Processes.kill(process.toHandle());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (FreePort.isOpen(port) && System.nanoTime() - deadline < 0) {
      FreePort.pause(10);
    }
  }

  /**
   * Starts the server again on the same port (empty: nothing was saved) and waits until it
   * answers {@code PING}.
   *
   * @throws IllegalStateException if it is still running
   * @throws IOException if it does not start in time, or the port was taken meanwhile
   */
  public void restart() throws IOException {
    launch();
  }

  /** Kills the server (if running) and deletes its folder. */
  @Override
  public synchronized void close() {
    try {
      kill();
    } finally {
      Processes.deleteTree(dir);
    }
  }

  @Override
  public String toString() {
    return "RedisServer(127.0.0.1:" + port + (isRunning() ? ", running)" : ", stopped)");
  }
}
