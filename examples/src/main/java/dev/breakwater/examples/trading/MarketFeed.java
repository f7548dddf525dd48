package dev.breakwater.examples.trading;

import dev.breakwater.CircuitBreaker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A market-data client that stays connected: a JDK {@link java.net.http.WebSocket} to a
 * {@link FeedServer}, reconnected after every drop, each connection attempt gated by a
 * {@link CircuitBreaker}.
 *
 * <p>One supervisor thread does the work. For each attempt it asks the breaker for a permit
 * ({@link CircuitBreaker#tryAcquire()}); if the breaker is open it waits until a probe may go
 * ({@link CircuitBreaker#remainingOpenTime()}) instead of hammering a server that is down. A
 * refused or timed-out connection is reported as a failure
 * ({@link CircuitBreaker#onFailure(long)}) and followed by an exponential backoff (doubling, capped,
 * with ±20% jitter); an established connection is a success and resets the backoff. Then the
 * thread waits, without polling, for the connection to close.
 */
public final class MarketFeed implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final long MIN_GATE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final URI uri;
  private final CircuitBreaker breaker;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final HttpClient client;
  private final Thread supervisor;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong drops = new AtomicLong();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong gated = new AtomicLong();
  private volatile boolean running = true;
  private volatile WebSocket socket;
  private volatile String lastTick;

  private MarketFeed(URI uri, CircuitBreaker breaker, Duration initialBackoff,
      Duration maxBackoff) {
    this.uri = uri;
    this.breaker = breaker;
    this.initialBackoffNanos = initialBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    this.supervisor = new Thread(this::supervise, "market-feed-" + breaker.name());
    supervisor.setDaemon(true);
  }

  /**
   * Starts connecting to {@code uri} in the background.
   *
   * @param uri the feed, {@code ws://...}; non-null
   * @param breaker gates the connection attempts and records their outcomes; non-null
   * @param initialBackoff wait after the first failed attempt, in [1 ms, 1 min]
   * @param maxBackoff the cap of the doubling wait, in [initialBackoff, 1 min]
   * @return the running feed; {@link #close()} stops it
   * @throws IllegalArgumentException if an argument is out of range or {@code uri} is not ws
   */
  public static MarketFeed start(URI uri, CircuitBreaker breaker, Duration initialBackoff,
      Duration maxBackoff) {
    Objects.requireNonNull(uri, "uri must not be null");
    Objects.requireNonNull(breaker, "breaker must not be null");
    Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
    Objects.requireNonNull(maxBackoff, "maxBackoff must not be null");
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("uri must be ws:// or wss://: " + uri);
    }
    Duration minute = Duration.ofMinutes(1);
    if (initialBackoff.toMillis() < 1 || initialBackoff.compareTo(minute) > 0) {
      throw new IllegalArgumentException("initialBackoff must be in [PT0.001S, PT1M]: "
          + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0 || maxBackoff.compareTo(minute) > 0) {
      throw new IllegalArgumentException("maxBackoff must be in [initialBackoff ("
          + initialBackoff + "), PT1M]: " + maxBackoff);
    }
    MarketFeed feed = new MarketFeed(uri, breaker, initialBackoff, maxBackoff);
    feed.supervisor.start();
    return feed;
  }

  /**
   * Whether a connection is open now.
   *
   * @return true while connected
   */
  public boolean isConnected() {
    return socket != null;
  }

  /**
   * Ticks received over all connections.
   *
   * @return the count so far
   */
  public long ticks() {
    return ticks.get();
  }

  /**
   * Connections established, the first one included.
   *
   * @return the count so far
   */
  public long connects() {
    return connects.get();
  }

  /**
   * Connections established after the first: how often the feed came back.
   *
   * @return {@code max(0, connects() - 1)}
   */
  public long reconnects() {
    return Math.max(0, connects.get() - 1);
  }

  /**
   * Connections that were open and closed or failed.
   *
   * @return the count so far
   */
  public long drops() {
    return drops.get();
  }

  /**
   * Connection attempts that failed (refused, timed out, handshake failed); each was reported
   * to the breaker.
   *
   * @return the count so far
   */
  public long connectFailures() {
    return connectFailures.get();
  }

  /**
   * Times the breaker did not allow an attempt (it was open), so the feed waited instead.
   *
   * @return the count so far
   */
  public long gatedAttempts() {
    return gated.get();
  }

  /**
   * The last tick received, as sent.
   *
   * @return the tick's JSON text, or null before the first
   */
  public String lastTick() {
    return lastTick;
  }

  /** Stops reconnecting and closes the connection; waits up to 2 s for the supervisor. */
  @Override
  public void close() {
    running = false;
    supervisor.interrupt();
    WebSocket s = socket;
    if (s != null) {
      s.abort();
    }
    try {
      supervisor.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ supervisor

  private void supervise() {
    long backoff = initialBackoffNanos;
    try {
      while (running) {
        long permit = breaker.tryAcquire();
        if (permit == CircuitBreaker.REJECTED) {
          gated.incrementAndGet(); // open: wait until a probe may go, do not knock
          long wait = Math.max(MIN_GATE_WAIT_NANOS, breaker.remainingOpenTime().toNanos());
          TimeUnit.NANOSECONDS.sleep(Math.min(wait, maxBackoffNanos));
          continue;
        }
        Connection connection = new Connection();
        WebSocket ws;
        try {
          ws = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT)
              .buildAsync(uri, connection).get(2 * CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          breaker.onFailure(permit);
          connectFailures.incrementAndGet();
          TimeUnit.NANOSECONDS.sleep(jitter(backoff));
          backoff = Math.min(maxBackoffNanos, backoff * 2);
          continue;
        } catch (InterruptedException e) {
          breaker.onIgnored(permit);
          throw e;
        }
        breaker.onSuccess(permit);
        connects.incrementAndGet();
        backoff = initialBackoffNanos;
        socket = ws;
        try {
          connection.closed.get(); // until the server drops us or close() aborts
        } catch (ExecutionException impossible) {
          // closed is only ever completed normally
        } finally {
          socket = null;
          drops.incrementAndGet();
          ws.abort();
        }
      }
    } catch (InterruptedException stop) {
      // close() was called
    }
  }

  private static long jitter(long nanos) {
    return (long) (nanos * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
  }

  /** Listens to one connection: counts ticks, signals its end. */
  private final class Connection implements WebSocket.Listener {
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        lastTick = partial.toString();
        partial.setLength(0);
        ticks.incrementAndGet();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(null);
    }
  }
}
