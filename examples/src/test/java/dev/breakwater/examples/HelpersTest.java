package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The helpers themselves: arguments, proxy modes against an echo server, and clean stops. */
@org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelpersTest {

  /** An echo server on a free loopback port: one thread per connection, for a few. */
  private static final class Echo implements AutoCloseable {
    final ServerSocket listener;

    Echo() throws IOException {
      listener = new ServerSocket();
      listener.bind(new InetSocketAddress(FreePort.LOOPBACK, 0));
      Thread t = new Thread(() -> {
        while (!listener.isClosed()) {
          try {
            Socket s = listener.accept();
            Thread echo = new Thread(() -> {
              try (s) {
                s.getInputStream().transferTo(s.getOutputStream());
              } catch (IOException closed) {
                // the client went away
              }
            });
            echo.setDaemon(true);
            echo.start();
          } catch (IOException closed) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }

  /** Sends one byte, returns the echo's round trip in nanoseconds (read timeout 1 s). */
  private static long roundTrip(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    long start = System.nanoTime();
    out.write(42);
    out.flush();
    assertThat(in.read()).isEqualTo(42);
    return System.nanoTime() - start;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(FreePort.LOOPBACK, port), 1_000);
    s.setSoTimeout(1_000);
    return s;
  }

  @Test
  void proxyPassDelayBlackholeReset() throws Exception {
    try (Echo echo = new Echo(); FaultyProxy proxy = FaultyProxy.start(echo.port())) {
      try (Socket s = connect(proxy.port())) {
        long fast = roundTrip(s);
        proxy.delay(Duration.ofMillis(200));
        long delayed = roundTrip(s);
        assertThat(delayed).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(delayed).isGreaterThan(fast);
        proxy.blackhole();
        s.getOutputStream().write(1);
        assertThatThrownBy(() -> s.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
        proxy.reset();
        assertThatThrownBy(() -> {
          s.getOutputStream().write(2);
          s.getInputStream().read();
        }).isInstanceOf(IOException.class);
      }
      // reset at once while in RESET mode: the reset may even reach connect() itself
      assertThatThrownBy(() -> {
        try (Socket s = connect(proxy.port())) {
          s.getOutputStream().write(3);
          s.getOutputStream().flush();
          if (s.getInputStream().read() < 0) {
            throw new IOException("closed");
          }
        }
      }).isInstanceOf(IOException.class);
      proxy.pass();
      try (Socket s = connect(proxy.port())) {
        roundTrip(s);
      }
      assertThat(proxy.acceptedConnections()).isEqualTo(3);
    }
  }

  @Test
  void proxyCloseReleasesItsPort() throws IOException {
    int port;
    // a live upstream: with none, the proxy resets each connection at once, and on a loaded
    // machine that reset can reach the probing connect() before it returns
    try (Echo echo = new Echo(); FaultyProxy proxy = FaultyProxy.start(echo.port())) {
      port = proxy.port();
      assertThat(FreePort.isOpen(port)).isTrue();
    }
    assertThat(FreePort.isOpen(port)).isFalse();
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> FaultyProxy.start(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port must be in [1, 65535]: 0");
    assertThatThrownBy(() -> FaultyProxy.start(80, 0)).isInstanceOf(
        IllegalArgumentException.class).hasMessage("maxConnections must be in [1, 256]: 0");
    assertThatThrownBy(() -> FreePort.awaitOpen(80, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("max must be positive: PT0S");
    assertThatThrownBy(() -> FreePort.awaitOpen(80, null))
        .isInstanceOf(NullPointerException.class).hasMessage("max must not be null");
    try (Downstream d = Downstream.start(); FaultyProxy p = FaultyProxy.start(d.port())) {
      assertThatThrownBy(() -> d.status(99)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("code must be in [200, 599]: 99");
      assertThatThrownBy(() -> d.latency(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> d.uri("quote")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("path must start with /: quote");
      assertThatThrownBy(() -> p.delay(Duration.ofMinutes(2)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> d.restart()).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void downstreamStopClosesThePortAndRestartReopensIt() {
    try (Downstream d = Downstream.start()) {
      assertThat(FreePort.isOpen(d.port())).isTrue();
      d.stop();
      assertThat(FreePort.isOpen(d.port())).isFalse();
      d.restart();
      assertThat(FreePort.isOpen(d.port())).isTrue();
    }
  }

  @Test
  void redisServerKillRestartAndCloseLeaveNothingRunning() throws Exception {
    Field.require(RedisServer.isInstalled(), "redis-server", "redis-server");
    RedisServer redis = RedisServer.start();
    int port = redis.port();
    try (redis) {
      assertThat(redis.isRunning()).isTrue();
      redis.kill();
      assertThat(redis.isRunning()).isFalse();
      assertThat(FreePort.isOpen(port)).isFalse();
      redis.restart();
      assertThat(FreePort.isOpen(port)).isTrue();
      assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
    }
    assertThat(redis.isRunning()).isFalse();
    assertThat(FreePort.isOpen(port)).isFalse();
  }

  @Test
  void transitions_awaitLastWaitsForAnAnnouncementMadeOnAnotherThread() throws Exception {
    dev.breakwater.CircuitBreaker breaker = dev.breakwater.CircuitBreaker.ofDefaults("late");
    Transitions transitions = Transitions.of(breaker);
    transitions.onStateChange(breaker, dev.breakwater.CircuitBreaker.State.CLOSED,
        dev.breakwater.CircuitBreaker.State.OPEN);
    Thread late = new Thread(() -> {
      Field.pause(200); // as a health check's thread announcing after its CAS
      transitions.onStateChange(breaker, dev.breakwater.CircuitBreaker.State.HALF_OPEN,
          dev.breakwater.CircuitBreaker.State.CLOSED);
    });
    late.start();
    transitions.awaitLast(dev.breakwater.CircuitBreaker.State.HALF_OPEN,
        dev.breakwater.CircuitBreaker.State.CLOSED, Duration.ofSeconds(5));
    assertThat(transitions.toString()).isEqualTo("CLOSED->OPEN, HALF_OPEN->CLOSED");
    late.join();
    // and a step that never comes is a failure naming what was recorded, not a hang
    assertThatThrownBy(() -> transitions.awaitLast(dev.breakwater.CircuitBreaker.State.OPEN,
        dev.breakwater.CircuitBreaker.State.HALF_OPEN, Duration.ofMillis(50)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("OPEN->HALF_OPEN")
        .hasMessageContaining("CLOSED->OPEN, HALF_OPEN->CLOSED");
  }
}
