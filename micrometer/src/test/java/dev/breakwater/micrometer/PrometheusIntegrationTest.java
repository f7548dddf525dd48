package dev.breakwater.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's {@code prometheus} package) scrapes a JDK {@code HttpServer} that
 * serves a {@link PrometheusMeterRegistry} bound with {@link NamingScheme#NATIVE}; breakers are
 * driven through every state; then every PromQL expression of the shipped Grafana dashboard must
 * return series, and the shipped alert rule (with a short {@code for:}) must fire.
 *
 * <p>Everything runs on 127.0.0.1 on free ports, with its own config, rules file and data
 * directory in a temp folder; Prometheus is stopped by the process this test started. Without the
 * {@code prometheus} binary the test is skipped with a message, unless {@code CI=true}: then it
 * fails.
 */
class PrometheusIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration STEP = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Path dir;
  private HttpServer endpoint;
  private Process prometheus;
  private ScheduledExecutorService traffic;
  private int prometheusPort;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("breakwater-prometheus-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (traffic != null) {
      traffic.shutdownNow();
      traffic.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (prometheus != null) {
      prometheus.destroy();                                        // SIGTERM: a clean shutdown
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (endpoint != null) {
      endpoint.stop(0);
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  static Path prometheusBinary() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Paths.get(d, "prometheus");
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The binary, or: with {@code CI=true} a failure, otherwise a skip with a loud message naming
   * the package.
   */
  static Path requirePrometheus(Path binary, String ci, java.io.PrintStream err) {
    if (binary != null) {
      return binary;
    }
    String message = "PrometheusIntegrationTest needs the `prometheus` binary on the PATH: "
        + "install Debian's package `prometheus` (apt-get install prometheus)";
    if ("true".equals(ci)) {
      fail(message + " -- CI=true, so its absence is a failure (.ci/run installs it as root)");
    }
    err.println("*** SKIPPED: " + message + " ***");
    Assumptions.abort(message);
    return null;
  }

  @Test
  void withoutTheBinaryItSkipsLoudlyButFailsUnderCi() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> requirePrometheus(null, "true", err))
        .isInstanceOf(AssertionError.class).hasMessageContaining("apt-get install prometheus");
    assertThatThrownBy(() -> requirePrometheus(null, null, err))
        .isInstanceOf(org.opentest4j.TestAbortedException.class)
        .hasMessageContaining("Debian's package `prometheus`");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("*** SKIPPED: ")
        .contains("apt-get install prometheus");
    assertThat(requirePrometheus(Paths.get("/bin/true"), "true", err))
        .isEqualTo(Paths.get("/bin/true"));
  }

  @Test
  void everyDashboardExpressionReturnsSeriesAndTheOpenAlertFires() throws Exception {
    Path binary = requirePrometheus(prometheusBinary(), System.getenv("CI"), System.err);

    // --- breakers in every state, statistics on, windows with slow-call detection
    // Two clocks: one the traffic moves (slow calls), one that stands still, so that the open
    // breakers' open timeout never passes while the test runs.
    FakeTicker ticker = new FakeTicker();
    FakeTicker still = new FakeTicker();
    FakeTicker probeClock = new FakeTicker();
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.builder()
        .defaultConfig(Breakers.windowed(still).recordStats().build())
        .addConfig("moving", Breakers.windowed(ticker).recordStats().build())
        .addConfig("probe", Breakers.windowed(probeClock).recordStats().build())
        .build();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakwaterMetrics.ofRegistry(breakers, NamingScheme.NATIVE).bindTo(meters);
    CircuitBreaker healthy = breakers.breaker("healthy", "moving");
    CircuitBreaker watched = breakers.breaker("watched", "moving");
    CircuitBreaker failing = breakers.breaker("failing");
    CircuitBreaker probing = breakers.breaker("probing", "probe");
    CircuitBreaker forced = breakers.breaker("forced");
    CircuitBreaker disabled = breakers.breaker("disabled");
    Breakers.succeed(healthy, ticker, Duration.ofMillis(1));
    Breakers.open(failing, still);
    Breakers.open(probing, probeClock);
    Breakers.halfOpen(probing, probeClock);
    forced.forceOpen();
    disabled.disable();
    watched.metricsOnly();
    // traffic, so that rates have something to show: every outcome, rejections on the open one
    traffic = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "it-traffic");
      t.setDaemon(true);
      return t;
    });
    traffic.scheduleAtFixedRate(() -> {
      try {
        Breakers.succeed(healthy, ticker, Duration.ofMillis(1));
        Breakers.succeed(healthy, ticker, Duration.ofMillis(150));    // slow
        Breakers.fail(watched, ticker, Duration.ofMillis(1));
        Breakers.ignored(watched);
        failing.tryAcquire();                                       // rejected (OPEN)
        forced.tryAcquire();                                        // rejected (FORCED_OPEN)
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, 0, 50, TimeUnit.MILLISECONDS);
    assertThat(failing.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(probing.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);

    // --- the scrape endpoint
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext("/metrics", exchange -> {
      byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    endpoint.start();
    int endpointPort = endpoint.getAddress().getPort();

    // --- Prometheus: own config, rules (the shipped rule with a short `for`), data dir, port
    Path module = Paths.get(System.getProperty("user.dir"));
    String shippedRules = Files.readString(module.resolve("prometheus/breakwater-alerts.yml"));
    assertThat(shippedRules).contains("for: 1m");
    Files.writeString(dir.resolve("rules.yml"), shippedRules.replace("for: 1m", "for: 2s"));
    Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + dir.resolve("rules.yml"),
        "scrape_configs:",
        "  - job_name: breakwater",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + endpointPort + "']",
        ""));
    prometheusPort = freePort();
    Path log = dir.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--web.listen-address=127.0.0.1:" + prometheusPort,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await("Prometheus ready on 127.0.0.1:" + prometheusPort, () -> {
        try {
          return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
          return false;
        }
      });
      await("a scrape of all six breakers", () ->
          query("count(breakwater_circuitbreaker_state)").size() == 1
              && query("count(breakwater_circuitbreaker_state)").get(0).get("value").get(1)
                  .asText().equals("6"));
      assertThat(valueOf("breakwater_circuitbreaker_state{name=\"probing\"}")).isEqualTo(2);
      assertThat(valueOf("breakwater_circuitbreaker_state{name=\"forced\"}")).isEqualTo(3);

      // --- every expression of the dashboard returns series
      JsonNode dashboard = JSON.readTree(module.resolve("grafana/breakwater-dashboard.json")
          .toFile());
      Map<String, String> expressions = dashboardExpressions(dashboard);
      assertThat(expressions).hasSizeGreaterThanOrEqualTo(6);
      for (Map.Entry<String, String> e : expressions.entrySet()) {
        String promql = e.getValue().replace("$__rate_interval", "10s")
            .replace("$name", ".+");
        await(e.getKey() + " returns series: " + promql, () -> !query(promql).isEmpty());
      }

      // --- the alert fires for the breaker that has been open, and only for OPEN / HALF_OPEN
      await("BreakwaterCircuitBreakerOpen firing for 'failing'", () ->
          firing("BreakwaterCircuitBreakerOpen").contains("failing"));
      List<String> firing = firing("BreakwaterCircuitBreakerOpen");
      assertThat(firing).contains("failing").doesNotContain("healthy", "forced", "disabled",
          "watched");
    } catch (AssertionError | RuntimeException e) {
      System.err.println("--- prometheus log ---\n" + Files.readString(log));
      throw e;
    }
  }

  /** Panel title (and refId) to PromQL, plus the template variable's metric. */
  private static Map<String, String> dashboardExpressions(JsonNode dashboard) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.put(panel.get("title").asText() + " / " + target.get("refId").asText(),
            target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      String definition = variable.path("definition").asText("");
      if (definition.startsWith("label_values(")) {   // label_values(metric, label): the metric
        out.put("variable " + variable.get("name").asText(),
            definition.substring("label_values(".length(), definition.indexOf(',')).trim());
      }
    }
    return out;
  }

  private List<String> firing(String alert) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    JsonNode body = JSON.readTree(get("/api/v1/alerts").body());
    for (JsonNode a : body.path("data").path("alerts")) {
      if (alert.equals(a.path("labels").path("alertname").asText())
          && "firing".equals(a.path("state").asText())) {
        names.add(a.path("labels").path("name").asText());
      }
    }
    return names;
  }

  private double valueOf(String promql) throws IOException, InterruptedException {
    List<JsonNode> result = query(promql);
    assertThat(result).as(promql).hasSize(1);
    return Double.parseDouble(result.get(0).get("value").get(1).asText());
  }

  private List<JsonNode> query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response = get("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(response.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError("query failed: " + promql + " -> " + response.body());
    }
    List<JsonNode> result = new ArrayList<>();
    body.path("data").path("result").forEach(result::add);
    return result;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code check} every 200 ms for at most 30 s. */
  private void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      if (!prometheus.isAlive()) {
        throw new AssertionError("prometheus exited (" + prometheus.exitValue() + ") while waiting"
            + " for " + what);
      }
      if (check.ok()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
      }
      Thread.sleep(STEP.toMillis());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
