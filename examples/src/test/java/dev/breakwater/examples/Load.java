package dev.breakwater.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * A bounded background load for the field tests: {@code workers} threads each run a step for
 * {@code i = w, w + 1, ...} (w the worker's index, so the workers start on different keys) until
 * {@link #stop()} or {@code limit} steps, whichever comes first — a load that a failing test
 * forgets to stop still ends by itself.
 */
final class Load {
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread[] threads;

  private Load(String name, int workers, int limit, long pauseMillis, IntConsumer step) {
    threads = new Thread[workers];
    for (int w = 0; w < workers; w++) {
      int first = w;
      threads[w] = new Thread(() -> {
        for (int i = first; i < first + limit && !stop.get(); i++) {
          step.accept(i);
          if (pauseMillis > 0) {
            Field.pause(pauseMillis);
          }
        }
      }, name + "-" + w);
      threads[w].setDaemon(true);
    }
  }

  /**
   * Starts the load.
   *
   * @param name the threads' name prefix
   * @param workers how many threads
   * @param limit the most steps a thread makes
   * @param pauseMillis a pause after each step (0: none)
   * @param step what a step does with its index
   */
  static Load start(String name, int workers, int limit, long pauseMillis, IntConsumer step) {
    Load load = new Load(name, workers, limit, pauseMillis, step);
    for (Thread t : load.threads) {
      t.start();
    }
    return load;
  }

  /** Stops the load and asserts that every thread has ended within 10 s. */
  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
      assertThat(t.isAlive()).as("load thread %s ended", t.getName()).isFalse();
    }
  }
}
