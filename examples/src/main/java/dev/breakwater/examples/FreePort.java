package dev.breakwater.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;

/**
 * Free loopback ports, and a bounded wait for a port to accept connections.
 *
 * <p>A port found free may be taken by another process before it is used; the servers of this
 * package use it at once and fail loudly (never silently on another server) if it was taken.
 */
public final class FreePort {
  private FreePort() {}

  /** The loopback address every helper of this package binds to: 127.0.0.1. */
  public static final InetAddress LOOPBACK = loopback();

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A port on 127.0.0.1 that was free a moment ago (bound and released by the system's choice).
   *
   * @return a port in [1, 65535]
   * @throws UncheckedIOException if no port can be bound
   */
  public static int find() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(LOOPBACK, 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /**
   * Whether something accepts TCP connections on 127.0.0.1:{@code port} right now.
   *
   * @param port in [1, 65535]
   * @return true if a connection was accepted within 200 ms
   * @throws IllegalArgumentException if {@code port} is out of range
   */
  public static boolean isOpen(int port) {
    checkPort(port);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LOOPBACK, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts connections, polling every 10 ms.
   *
   * @param port in [1, 65535]
   * @param max the longest wait; positive
   * @return true if it opened in time, false otherwise
   * @throws IllegalArgumentException if {@code port} is out of range or {@code max} not positive
   */
  public static boolean awaitOpen(int port, Duration max) {
    checkPort(port);
    Objects.requireNonNull(max, "max must not be null");
    if (max.isNegative() || max.isZero()) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    long deadline = System.nanoTime() + max.toNanos();
    while (!isOpen(port)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      pause(10);
    }
    return true;
  }

  static void checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [1, 65535]: " + port);
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
