package dev.breakwater.examples.trading;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for an exchange's order endpoint: a JDK {@link HttpServer} on 127.0.0.1 (a free
 * port) with a switchable {@link Fault}.
 *
 * <h2>Protocol</h2>
 * {@code POST /order} with the headers {@code X-Order-Id}, {@code X-Timestamp} (epoch
 * milliseconds when the client sent it) and {@code X-Recv-Window} (milliseconds). The exchange
 * accepts an order only if it processes it within the receive window (as Binance's
 * {@code recvWindow}): an order that reaches the matching engine too late is answered 408 and
 * <em>not</em> accepted, so a client that gave up on an attempt after more than the window can
 * safely send the order elsewhere. Accepting is idempotent per order id (a retried order is
 * accepted once). Answers: 200 {@code FILLED <exchange> <id>}; 408 when the window has passed;
 * 503 while {@link Fault#DOWN}. {@code GET /health} answers 200, or 503 while down.
 *
 * <h2>Faults</h2>
 * {@link Fault#HEALTHY} answers at once; {@link Fault#DOWN} answers 503 at once without accepting
 * anything; {@link Fault#SLOW} processes each request after {@link #slowLatency()} (the wait
 * holds no thread: the answer is scheduled). Switching takes effect for requests that arrive
 * afterwards.
 *
 * <p>Loading this class sets the system property {@code sun.net.httpserver.nodelay} to
 * {@code true} unless it is set already (the JDK server otherwise answers ~40 ms late when
 * Nagle's algorithm meets delayed ACKs); the JDK reads it once, when its first server starts,
 * so it applies to every JDK {@code HttpServer} of the JVM created after that.
 */
public final class Exchange implements AutoCloseable {

  /** What the exchange does with the requests it receives. */
  public enum Fault {
    /** Processes orders at once. */
    HEALTHY,
    /** Answers 503 Service Unavailable at once and accepts nothing. */
    DOWN,
    /** Processes each order after the slow latency. */
    SLOW
  }

  static {
    // The JDK server leaves Nagle's algorithm on by default; with the client's delayed ACKs that
    // adds ~40 ms to an answer written in two parts. Read once, when the first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String name;
  private final HttpServer server;
  private final ExecutorService handlers;
  private final ScheduledExecutorService delayer;
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private volatile Fault fault = Fault.HEALTHY;
  private volatile Duration slowLatency = Duration.ofSeconds(1);

  private Exchange(String name) throws IOException {
    this.name = name;
    this.handlers = Executors.newFixedThreadPool(8, daemon(name + "-http"));
    this.delayer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-slow"));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.createContext("/order", this::order);
    server.createContext("/health", this::health);
    server.setExecutor(handlers);
    server.start();
  }

  /**
   * Starts a healthy exchange on 127.0.0.1 and a free port.
   *
   * @param name the exchange's name, as in its answers; non-blank
   * @return the running exchange; {@link #close()} stops it
   * @throws IOException if no port could be bound
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Exchange start(String name) throws IOException {
    Objects.requireNonNull(name, "name must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank: '" + name + "'");
    }
    return new Exchange(name);
  }

  /**
   * The exchange's name.
   *
   * @return the name given to {@link #start(String)}
   */
  public String name() {
    return name;
  }

  /**
   * The base URI, {@code http://127.0.0.1:<port>}.
   *
   * @return where the exchange listens
   */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * The current fault.
   *
   * @return what the exchange does now
   */
  public Fault fault() {
    return fault;
  }

  /**
   * Switches the fault for the requests that arrive from now on.
   *
   * @param fault the new behaviour; non-null
   */
  public void setFault(Fault fault) {
    this.fault = Objects.requireNonNull(fault, "fault must not be null");
  }

  /**
   * How long {@link Fault#SLOW} delays each request.
   *
   * @return the added latency (default 1 s)
   */
  public Duration slowLatency() {
    return slowLatency;
  }

  /**
   * Sets how long {@link Fault#SLOW} delays each request.
   *
   * @param latency in [1 ms, 1 min]
   * @throws IllegalArgumentException if out of range
   */
  public void setSlowLatency(Duration latency) {
    Objects.requireNonNull(latency, "latency must not be null");
    if (latency.toMillis() < 1 || latency.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("latency must be in [PT0.001S, PT1M]: " + latency);
    }
    this.slowLatency = latency;
  }

  /**
   * The ids of the orders this exchange accepted, each once.
   *
   * @return an unmodifiable snapshot
   */
  public Set<String> acceptedOrders() {
    return Set.copyOf(accepted);
  }

  /**
   * How many order requests arrived, whatever their answer.
   *
   * @return the number of {@code POST /order} requests so far
   */
  public long requests() {
    return requests.get();
  }

  /**
   * How many orders were refused because their receive window had passed.
   *
   * @return the number of 408 answers so far
   */
  public long expiredOrders() {
    return expired.get();
  }

  /** Stops the server (open connections are closed) and its threads. */
  @Override
  public void close() {
    server.stop(0);
    delayer.shutdownNow();
    handlers.shutdownNow();
  }

  @Override
  public String toString() {
    return "Exchange{" + name + " at " + uri() + ", " + fault + "}";
  }

  // ------------------------------------------------------------------ handlers

  private void order(HttpExchange ex) {
    requests.incrementAndGet();
    try (var in = ex.getRequestBody()) {
      in.readAllBytes();
    } catch (IOException e) {
      ex.close();
      return;
    }
    Fault f = fault;
    if (f == Fault.DOWN) {
      answer(ex, 503, name + " unavailable");
    } else if (f == Fault.SLOW) {
      try {
        delayer.schedule(() -> process(ex), slowLatency.toNanos(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        ex.close();
      }
    } else {
      process(ex);
    }
  }

  private void process(HttpExchange ex) {
    String id = ex.getRequestHeaders().getFirst("X-Order-Id");
    long sent = parse(ex.getRequestHeaders().getFirst("X-Timestamp"));
    long window = parse(ex.getRequestHeaders().getFirst("X-Recv-Window"));
    if (id == null || id.isBlank() || sent < 0 || window < 0) {
      answer(ex, 400, "X-Order-Id, X-Timestamp and X-Recv-Window are required");
      return;
    }
    if (System.currentTimeMillis() > sent + window) {
      expired.incrementAndGet();
      answer(ex, 408, "recvWindow passed: " + id);
      return;
    }
    accepted.add(id);
    answer(ex, 200, "FILLED " + name + " " + id);
  }

  private void health(HttpExchange ex) {
    if (fault == Fault.DOWN) {
      answer(ex, 503, name + " unavailable");
    } else {
      answer(ex, 200, "OK");
    }
  }

  private static long parse(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void answer(HttpExchange ex, int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = ex.getResponseBody()) {
      ex.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException clientGone) {
      // The client gave up (its attempt timed out); nothing to answer.
    } finally {
      ex.close();
    }
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
