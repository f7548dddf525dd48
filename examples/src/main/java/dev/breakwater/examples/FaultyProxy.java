package dev.breakwater.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 and a free port, put between a client and a server
 * to make the server slow, silent or broken without touching it.
 *
 * <ul>
 *   <li>{@link #pass()}: bytes are forwarded both ways as they come;
 *   <li>{@link #delay(Duration)}: every chunk the server sends is held that long before the
 *       client gets it (chunks keep their order and do not queue up behind each other's delays:
 *       a reply read at time t reaches the client at t + delay);
 *   <li>{@link #blackhole()}: connections are accepted and kept open, but nothing is forwarded
 *       in either direction (the client's requests vanish, as behind a dead firewall; a new
 *       connection is still connected to the server, so that it works after {@link #pass()});
 *   <li>{@link #reset()}: every open connection is reset (TCP RST) and new ones are reset as
 *       soon as they are accepted.
 * </ul>
 *
 * <p>Switching from delay to another mode while replies are held lets later bytes overtake
 * them; tests switch modes between calls.
 *
 * <p>Threads are bounded: one acceptor, one delay thread, and two pump threads per connection
 * for at most {@code maxConnections} connections (a connection beyond that is reset).
 * {@link #close()} closes the listening socket and every connection and stops every thread.
 */
public final class FaultyProxy implements AutoCloseable {
  /** What the proxy does to the traffic. */
  public enum Mode {
    /** Forward everything. */
    PASS,
    /** Hold each chunk from the server for the delay. */
    DELAY,
    /** Accept, never forward. */
    BLACKHOLE,
    /** Reset every connection. */
    RESET
  }

  private final int targetPort;
  private final ServerSocket listener;
  private final ExecutorService pumps;
  private final ScheduledExecutorService delayer;
  private final Thread acceptor;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile Mode mode = Mode.PASS;
  private volatile long delayNanos;
  private volatile boolean closed;

  /**
   * Starts a proxy to 127.0.0.1:{@code targetPort} on a free port, in {@link Mode#PASS}, for
   * at most 16 connections at once.
   *
   * @param targetPort the server's port, in [1, 65535]
   * @return the running proxy
   * @throws IllegalArgumentException if the port is out of range
   */
  public static FaultyProxy start(int targetPort) {
    return start(targetPort, 16);
  }

  /**
   * Starts a proxy to 127.0.0.1:{@code targetPort} on a free port, in {@link Mode#PASS}.
   *
   * @param targetPort the server's port, in [1, 65535]
   * @param maxConnections connections open at once, in [1, 256]; more are reset
   * @return the running proxy
   * @throws IllegalArgumentException if an argument is out of range
   * @throws UncheckedIOException if it cannot listen
   */
  public static FaultyProxy start(int targetPort, int maxConnections) {
    FreePort.checkPort(targetPort);
    if (maxConnections < 1 || maxConnections > 256) {
      throw new IllegalArgumentException("maxConnections must be in [1, 256]: " + maxConnections);
    }
    try {
      return new FaultyProxy(targetPort, maxConnections);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1", e);
    }
  }

  private FaultyProxy(int targetPort, int maxConnections) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(FreePort.LOOPBACK, 0), 50);
    this.pumps = new ThreadPoolExecutor(0, 2 * maxConnections, 10, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> daemon(r, "faulty-proxy-pump"));
    this.delayer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> daemon(r, "faulty-proxy-delay"));
    this.acceptor = daemon(this::acceptLoop, "faulty-proxy-accept");
    acceptor.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * The port clients connect to.
   *
   * @return the proxy's port on 127.0.0.1
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Connections accepted so far.
   *
   * @return the count since start
   */
  public long acceptedConnections() {
    return accepted.get();
  }

  /**
   * The current mode.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /** Forwards everything from now on. */
  public void pass() {
    mode = Mode.PASS;
  }

  /**
   * Holds every chunk from the server for {@code delay} from now on.
   *
   * @param delay in [0, 1 min]
   * @throws IllegalArgumentException if out of range
   */
  public void delay(Duration delay) {
    Objects.requireNonNull(delay, "delay must not be null");
    if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("delay must be in [PT0S, PT1M]: " + delay);
    }
    delayNanos = delay.toNanos();
    mode = Mode.DELAY;
  }

  /** Forwards nothing from now on; connections stay open. */
  public void blackhole() {
    mode = Mode.BLACKHOLE;
  }

  /** Resets every open connection, and every new one from now on. */
  public void reset() {
    mode = Mode.RESET;
    for (Socket s : sockets) {
      abort(s);
    }
  }

  /** Closes the listener and every connection; stops every thread (bounded: 5 s). */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      quietClose(s);
    }
    pumps.shutdownNow();
    delayer.shutdownNow();
    try {
      acceptor.join(5_000);
      pumps.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (mode == Mode.RESET) {
        abort(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(FreePort.LOOPBACK, targetPort), 1_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        abort(client); // the server is down: the client sees its connection reset
        quietClose(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      try {
        pumps.execute(() -> pump(client, server, false));
        pumps.execute(() -> pump(server, client, true));
      } catch (RejectedExecutionException full) {
        abort(client);
        abort(server);
      }
    }
  }

  /** Copies {@code from} to {@code to}, applying the mode to each chunk read. */
  private void pump(Socket from, Socket to, boolean fromServer) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        Mode m = mode;
        if (m == Mode.BLACKHOLE) {
          continue; // swallowed
        }
        if (m == Mode.RESET) {
          break;
        }
        if (m == Mode.DELAY && fromServer && delayNanos > 0) {
          byte[] chunk = Arrays.copyOf(buffer, n);
          // one delay thread, same delay for every chunk: FIFO, so the order is kept
          delayer.schedule(() -> write(to, chunk), delayNanos, TimeUnit.NANOSECONDS);
        } else {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException | RejectedExecutionException e) {
      // a side closed or was reset; close both below
    } finally {
      if (mode == Mode.RESET) {
        abort(from);
        abort(to);
      } else {
        quietClose(from);
        quietClose(to);
      }
    }
  }

  private void write(Socket to, byte[] chunk) {
    try {
      OutputStream out = to.getOutputStream();
      out.write(chunk);
      out.flush();
    } catch (IOException e) {
      quietClose(to);
    }
  }

  /** Closes with SO_LINGER 0: the peer gets a TCP RST. */
  private void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    quietClose(s);
  }

  private void quietClose(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public String toString() {
    return "FaultyProxy(127.0.0.1:" + port() + " -> " + targetPort + ", " + mode + ")";
  }
}
