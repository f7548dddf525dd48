package dev.breakwater.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A downstream HTTP service (the JDK's {@code HttpServer}) on 127.0.0.1 and a free port whose
 * behaviour a test switches while it runs: healthy, slow, failing with 500, resetting
 * connections, or stopped.
 *
 * <p>Every request to any path is answered by the current behaviour; a healthy answer is
 * {@code 200} with the body {@code ok <n>}, n the request's number. Requests are served by at
 * most 16 threads. {@link #stop()} closes the port (clients get connection refused) and
 * {@link #restart()} opens the same port again.
 *
 * <p>The JDK server writes a response's headers and body in two packets; with Nagle's algorithm
 * and the client's delayed ACK every answer would then take about 40 ms. This class sets the
 * JDK's {@code sun.net.httpserver.nodelay} property to {@code true} (unless it is set already)
 * before the first server is created, so loopback answers take what the server really needs.
 */
public final class Downstream implements AutoCloseable {
  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final int port;
  private final ExecutorService handlers;
  private final AtomicLong requests = new AtomicLong();
  private volatile HttpServer server;
  private volatile int status = 200;
  private volatile long latencyMillis;
  private volatile boolean resetting;

  private Downstream(int port) {
    this.port = port;
    this.handlers = new ThreadPoolExecutor(16, 16, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "downstream-" + port);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Starts a healthy downstream on a free 127.0.0.1 port.
   *
   * @return the running server
   * @throws UncheckedIOException if it cannot listen
   */
  public static Downstream start() {
    Downstream d = new Downstream(FreePort.find());
    d.restart();
    return d;
  }

  /**
   * The URI of a path on it.
   *
   * @param path starting with {@code /}
   * @return {@code http://127.0.0.1:<port><path>}
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public URI uri(String path) {
    Objects.requireNonNull(path, "path must not be null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * The port it listens on (the same after a restart).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Requests that reached it (whatever the answer).
   *
   * @return the count since start
   */
  public long requests() {
    return requests.get();
  }

  /** Answers 200 at once from now on. */
  public void healthy() {
    resetting = false;
    latencyMillis = 0;
    status = 200;
  }

  /**
   * Waits {@code latency} before answering, from now on (the status is unchanged).
   *
   * @param latency in [0, 1 min]
   * @throws IllegalArgumentException if out of range
   */
  public void latency(Duration latency) {
    Objects.requireNonNull(latency, "latency must not be null");
    if (latency.isNegative() || latency.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("latency must be in [PT0S, PT1M]: " + latency);
    }
    latencyMillis = latency.toMillis();
  }

  /**
   * Answers with {@code code} from now on.
   *
   * @param code an HTTP status in [200, 599]
   * @throws IllegalArgumentException if out of range
   */
  public void status(int code) {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("code must be in [200, 599]: " + code);
    }
    status = code;
  }

  /** Closes every exchange without a response from now on (the client's connection drops). */
  public void resetConnections() {
    resetting = true;
  }

  /** Stops listening; clients get connection refused. Does nothing if stopped. */
  public synchronized void stop() {
    HttpServer s = server;
    if (s != null) {
      server = null;
      s.stop(0);
    }
  }

  /**
   * Listens again on the same port (healthy settings are kept as they were).
   *
   * @throws UncheckedIOException if the port was taken meanwhile
   * @throws IllegalStateException if it is running
   */
  public synchronized void restart() {
    if (server != null) {
      throw new IllegalStateException("already running on port " + port);
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(FreePort.LOOPBACK, port), 50);
      s.setExecutor(handlers);
      s.createContext("/", this::handle);
      s.start();
      server = s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    long n = requests.incrementAndGet();
    try (InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
    }
    if (resetting) {
      exchange.close(); // no response headers: the connection is closed without an answer
      return;
    }
    long wait = latencyMillis;
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.close();
        return;
      }
    }
    int code = status;
    byte[] body = (code == 200 ? "ok " + n : "error " + code).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops the server and its threads. */
  @Override
  public void close() {
    stop();
    handlers.shutdownNow();
  }

  @Override
  public String toString() {
    return "Downstream(127.0.0.1:" + port + (server != null ? ", running)" : ", stopped)");
  }
}
