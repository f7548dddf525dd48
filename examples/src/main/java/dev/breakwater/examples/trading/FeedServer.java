package dev.breakwater.examples.trading;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * An exchange's market-data stream: a Java-WebSocket {@link WebSocketServer} on 127.0.0.1 that
 * pushes a tick ({@code {"symbol":"BTCUSDT","seq":17,"price":42001.50}}) to every connected
 * client at a fixed interval. {@link #stop()} takes it down (clients are disconnected and new
 * connections are refused) and {@link #restart()} brings it back on the same port.
 */
public final class FeedServer implements AutoCloseable {
  private static final int BIND_TRIES = 20;

  private final String symbol;
  private final ScheduledExecutorService ticker;
  private final AtomicLong seq = new AtomicLong();
  private volatile int port;
  private volatile Ticks server;

  private FeedServer(String symbol, Duration interval) throws IOException {
    this.symbol = symbol;
    this.server = bind(0);
    this.port = server.getPort();
    this.ticker = Executors.newSingleThreadScheduledExecutor(Exchange.daemon("feed-ticker"));
    long nanos = interval.toNanos();
    ticker.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Starts a feed on 127.0.0.1 and a free port.
   *
   * @param symbol the instrument of the ticks, e.g. {@code "BTCUSDT"}; non-blank
   * @param tickInterval time between ticks, in [1 ms, 10 s]
   * @return the running server
   * @throws IOException if it could not bind
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static FeedServer start(String symbol, Duration tickInterval) throws IOException {
    Objects.requireNonNull(symbol, "symbol must not be null");
    Objects.requireNonNull(tickInterval, "tickInterval must not be null");
    if (symbol.isBlank()) {
      throw new IllegalArgumentException("symbol must not be blank: '" + symbol + "'");
    }
    if (tickInterval.toMillis() < 1 || tickInterval.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("tickInterval must be in [PT0.001S, PT10S]: "
          + tickInterval);
    }
    return new FeedServer(symbol, tickInterval);
  }

  /**
   * Where clients connect.
   *
   * @return {@code ws://127.0.0.1:<port>/}
   */
  public URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /**
   * Whether the server is running.
   *
   * @return false between {@link #stop()} and {@link #restart()}
   */
  public boolean isUp() {
    return server != null;
  }

  /**
   * How many ticks were broadcast (each counted once, whatever the number of clients).
   *
   * @return ticks sent so far
   */
  public long ticksSent() {
    return seq.get();
  }

  /**
   * Stops the server: clients are disconnected, new connections refused. Does nothing if it is
   * already stopped.
   *
   * @throws InterruptedException if interrupted while waiting for the server thread
   */
  public synchronized void stop() throws InterruptedException {
    Ticks s = server;
    if (s != null) {
      server = null;
      s.stop(1_000);
    }
  }

  /**
   * Starts the server again on the same port. Does nothing if it is running.
   *
   * @throws IOException if the port could not be bound again
   */
  public synchronized void restart() throws IOException {
    if (server == null) {
      server = bind(port);
    }
  }

  /** Stops the server and the ticker thread. */
  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void tick() {
    Ticks s = server;
    if (s == null) {
      return;
    }
    long n = seq.incrementAndGet();
    double price = 42_000 + 50 * Math.sin(n / 20.0) + (n % 7) * 0.25;
    s.broadcast(String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"seq\":%d,\"price\":%.2f}",
        symbol, n, price));
  }

  /** Binds a new server; retries briefly while a just-closed socket still holds the port. */
  private static Ticks bind(int port) throws IOException {
    IOException last = null;
    for (int i = 0; i < BIND_TRIES; i++) {
      Ticks s = new Ticks(new InetSocketAddress("127.0.0.1", port));
      s.setReuseAddr(true);
      s.start();
      try {
        if (!s.started.await(5, TimeUnit.SECONDS)) {
          throw new IOException("feed server did not start on port " + port);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting the feed server", e);
      }
      if (s.failure == null) {
        return s;
      }
      last = new IOException("could not bind 127.0.0.1:" + port, s.failure);
      try {
        s.stop(100);
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw last;
      }
    }
    throw last;
  }

  /** The Java-WebSocket server; it only accepts connections, the ticks are broadcast to it. */
  private static final class Ticks extends WebSocketServer {
    final CountDownLatch started = new CountDownLatch(1);
    volatile Exception failure;

    Ticks(InetSocketAddress address) {
      super(address);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
      // Ticks start with the next broadcast.
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
      // Nothing to clean up: the server keeps no per-connection state.
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
      // Clients do not talk back.
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
      if (conn == null) { // the server itself failed, e.g. while binding
        failure = ex;
        started.countDown();
      }
    }

    @Override
    public void onStart() {
      started.countDown();
    }
  }
}
