package dev.breakwater.stress.vthreads;

import dev.breakwater.Bulkhead;
import dev.breakwater.BulkheadFullException;
import dev.breakwater.CallNotPermittedException;
import dev.breakwater.CircuitBreaker;
import dev.breakwater.CircuitBreakerConfig;
import dev.breakwater.Pipeline;
import dev.breakwater.Retry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Runs 10,000 virtual threads through a pipeline, retry (2 attempts, a real 2 ms
 * {@code Thread.sleep} backoff) &gt; breaker &gt; bulkhead (limit 50, waiting up to 30 s for a
 * permit: the bulkhead is full the whole time and most threads park in it) around an operation
 * that sleeps 1 ms and fails one first attempt in five, while a JFR recording captures every
 * {@code jdk.VirtualThreadPinned} event (threshold 0: any pinned park or sleep, however short).
 * Prints one summary line; exits 0 only if no thread pinned its carrier, the bulkhead never ran
 * more than its limit at once, every permit came back, and all calls ended within the time
 * bound.
 *
 * <p>Compiled for Java 17 (like the core); virtual threads are reached by reflection
 * ({@code Executors.newVirtualThreadPerTaskExecutor()}), so it needs a JDK 21+ at run time and
 * exits 2 on an older one. Meant for JDK 24+ (JEP 491: {@code synchronized} no longer pins), run
 * by {@code VirtualThreadPinningTest} with JDK 25:
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp stress-tests/target/jcstress.jar \
 *     dev.breakwater.stress.vthreads.PinningCheck [threads] [--control]
 * </pre>
 *
 * <p>{@code --control} adds one call that sleeps inside a class initializer, which still pins on
 * JDK 25 (a virtual thread cannot unmount while it runs {@code <clinit>}): the check must then
 * report at least one pinned event and exit 1, which shows the recording really sees pinning.
 */
public final class PinningCheck {
  /** The pinned-thread event (JDK 21+). */
  static final String PINNED = "jdk.VirtualThreadPinned";
  static final int LIMIT = 50;
  static final Duration TIME_BOUND = Duration.ofSeconds(60);

  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger maxInside = new AtomicInteger();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder full = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder other = new LongAdder();
  private final java.util.concurrent.atomic.AtomicBoolean reported =
      new java.util.concurrent.atomic.AtomicBoolean();

  private PinningCheck() {}

  /**
   * Runs the check.
   *
   * @param args {@code [threads] [--control]}
   * @throws Exception if the recording cannot be written or read
   */
  public static void main(String[] args) throws Exception {
    int threads = 10_000;
    boolean control = false;
    for (String a : args) {
      if (a.equals("--control")) {
        control = true;
      } else {
        threads = Integer.parseInt(a);
      }
    }
    Logger.getLogger("dev.breakwater.CircuitBreaker").setLevel(Level.OFF);
    System.exit(new PinningCheck().run(threads, control));
  }

  private int run(int threads, boolean control) throws Exception {
    ExecutorService virtual;
    try {
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      virtual = (ExecutorService) m.invoke(null);
    } catch (NoSuchMethodException noVirtualThreads) {
      System.out.println("PinningCheck: SKIPPED: no virtual threads on Java "
          + Runtime.version());
      return 2;
    }
    warmUp(virtual);
    CircuitBreaker breaker = CircuitBreaker.of("pinning", CircuitBreakerConfig.builder()
        .failureThreshold(1_000).build()); // stays CLOSED: failures are random, 1 in 5
    Bulkhead bulkhead = Bulkhead.builder("pinning").maxConcurrentCalls(LIMIT)
        .maxWait(Duration.ofSeconds(30)).build();
    Pipeline<String> pipeline = Pipeline.<String>builder()
        .retry(Retry.builder().maxAttempts(2).fixedBackoff(Duration.ofMillis(2))
            .jitter(Retry.Jitter.NONE).build()) // default sleeper: Thread.sleep
        .breaker(breaker)
        .bulkhead(bulkhead)
        .build();

    Path jfr = Files.createTempFile("pinning-check", ".jfr");
    long startNanos;
    long elapsedNanos;
    boolean finished;
    try (Recording recording = new Recording()) {
      recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      startNanos = System.nanoTime();
      CountDownLatch done = new CountDownLatch(threads);
      for (int i = 0; i < threads; i++) {
        final boolean pinOnce = control && i == threads / 2;
        virtual.execute(() -> {
          try {
            call(pipeline, pinOnce);
          } finally {
            done.countDown();
          }
        });
      }
      finished = done.await(TIME_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      elapsedNanos = System.nanoTime() - startNanos;
      recording.stop();
      recording.dump(jfr);
    } finally {
      virtual.shutdownNow();
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
    Files.deleteIfExists(jfr);
    long pinned = 0;
    RecordedEvent firstPinned = null;
    for (RecordedEvent e : events) {
      if (e.getEventType().getName().equals(PINNED)) {
        pinned++;
        if (firstPinned == null) {
          firstPinned = e;
        }
      }
    }
    int running = bulkhead.runningCalls();
    boolean pass = finished && pinned == 0 && maxInside.get() <= LIMIT && running == 0
        && other.sum() == 0;
    System.out.printf("PinningCheck: %s: %d virtual threads in %d ms on Java %s%s: pinned events"
        + " %d; bulkhead max concurrent %d (limit %d), permits held at the end %d; calls ok %d,"
        + " failed after retry %d, bulkhead full %d, breaker rejected %d, unexpected %d;"
        + " attempts %d; breaker %s%n",
        pass ? "PASS" : "FAIL", threads, TimeUnit.NANOSECONDS.toMillis(elapsedNanos),
        Runtime.version(), finished ? "" : " (TIMED OUT after " + TIME_BOUND + ")", pinned,
        maxInside.get(), LIMIT, running, ok.sum(), failed.sum(), full.sum(), rejected.sum(),
        other.sum(), attempts.sum(), breaker.state());
    if (firstPinned != null) {
      System.out.println("PinningCheck: first pinned event: " + firstPinned);
      if (firstPinned.getStackTrace() != null) { // the event's text shows 5 frames; say more
        System.out.println("PinningCheck: its stack (up to 40 frames):");
        firstPinned.getStackTrace().getFrames().stream().limit(40).forEach(f ->
            System.out.println("    " + f.getMethod().getType().getName() + "."
                + f.getMethod().getName() + " line " + f.getLineNumber()));
      }
    }
    return pass ? 0 : 1;
  }

  /**
   * Before the recording starts: calls through a pipeline of the same shape (own instances), on
   * virtual threads, made by this class's own {@link #call} and {@link #operation} on a
   * throw-away instance (own counters). So every class on the path is loaded and initialized and
   * every {@code invokedynamic} call site on it (the operation's lambda, {@code Math::max}, the
   * policies' own) is linked. Both are one-offs at start-up that JDK 25 still pins for: a virtual
   * thread that waits for another one's class initializer, or for a monitor inside call-site
   * linkage (seen: {@code MethodType.makeImpl} contending on a {@code ReferenceQueue} lock while
   * thousands of threads linked the operation's lambda at once, "Freeze or preempt failed"). They
   * are not the policies' behaviour; the recording then sees only the steady state.
   */
  private static void warmUp(ExecutorService virtual) throws Exception {
    Pipeline<String> p = Pipeline.<String>builder()
        .retry(Retry.builder().maxAttempts(2).fixedBackoff(Duration.ofMillis(1))
            .jitter(Retry.Jitter.NONE).build())
        .breaker(CircuitBreaker.of("warm-up", CircuitBreakerConfig.builder()
            .failureThreshold(1_000).build()))
        .bulkhead(Bulkhead.builder("warm-up").maxConcurrentCalls(2)
            .maxWait(Duration.ofSeconds(1)).build())
        .build();
    PinningCheck warm = new PinningCheck();
    List<Future<?>> warming = new ArrayList<>();
    for (int t = 0; t < 4; t++) { // a few threads, so the bulkhead's wait path runs too
      warming.add(virtual.submit(() -> {
        for (int i = 0; i < 25; i++) {
          warm.call(p, false); // 1 in 5 first attempts fail: the retry's path runs too
        }
      }));
    }
    for (Future<?> f : warming) {
      f.get(30, TimeUnit.SECONDS);
    }
    if (warm.other.sum() != 0 || warm.attempts.sum() < 100) {
      throw new IllegalStateException("warm-up did not run as expected: attempts "
          + warm.attempts.sum() + ", unexpected " + warm.other.sum());
    }
  }

  private void call(Pipeline<String> pipeline, boolean pinOnce) {
    try {
      pipeline.call(() -> operation(pinOnce));
      ok.increment();
    } catch (IOException e) {
      failed.increment();
    } catch (BulkheadFullException e) {
      full.increment();
    } catch (CallNotPermittedException e) {
      rejected.increment();
    } catch (Exception | Error e) {
      other.increment();
      if (!reported.getAndSet(true)) { // the first one only: a stalled run interrupts thousands
        e.printStackTrace();
      }
    }
  }

  /** Sleeps 1 ms inside the bulkhead; the first attempt fails one time in five. */
  private String operation(boolean pinOnce) throws Exception {
    int now = inside.incrementAndGet();
    maxInside.accumulateAndGet(now, Math::max);
    try {
      attempts.increment();
      if (pinOnce) {
        return PinsInInit.VALUE; // the control: sleeps in <clinit>
      }
      Thread.sleep(1);
      if (ThreadLocalRandom.current().nextInt(5) == 0) {
        throw new IOException("the dependency failed");
      }
      return "ok";
    } finally {
      inside.decrementAndGet();
    }
  }

  /** The control's class: its initializer parks the virtual thread that runs it (pins). */
  private static final class PinsInInit {
    static final String VALUE = init();

    private static String init() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "ok";
    }
  }
}
