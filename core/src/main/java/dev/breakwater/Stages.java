package dev.breakwater;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** Plumbing shared by the asynchronous policies: starting a stage and linking two stages. */
final class Stages {
  private Stages() {}

  /** The cause a stage's failure stands for: a CompletionException's or ExecutionException's. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Starts {@code operation} and returns a future that completes like its stage; a throw or a
   * null stage becomes a failed future. Nothing is ever thrown.
   */
  static <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<? extends T>> operation) {
    CompletionStage<? extends T> stage;
    try {
      stage = Objects.requireNonNull(operation.get(), "operation returned a null stage");
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    link(stage, out);
    return out;
  }

  /**
   * Starts {@code operation} and returns a future that completes like its stage and runs
   * {@code onDone} exactly once when that future completes in any way (the stage's outcome, or a
   * caller's cancel or complete, which also cancels the operation's stage).
   */
  static <T> CompletableFuture<T> guard(Supplier<? extends CompletionStage<? extends T>> operation,
      Runnable onDone) {
    CompletableFuture<T> out = new CompletableFuture<>();
    // registered first, so it runs however out is completed (a future completes once)
    out.whenComplete((v, t) -> onDone.run());
    CompletionStage<? extends T> stage;
    try {
      stage = Objects.requireNonNull(operation.get(), "operation returned a null stage");
    } catch (Throwable t) {
      out.completeExceptionally(t);
      return out;
    }
    link(stage, out);
    return out;
  }

  /**
   * Completes {@code out} like {@code inner} (unwrapping CompletionException), and cancels
   * {@code inner} if {@code out} is completed first by anyone else (a cancel, a timeout).
   */
  static <T> void link(CompletionStage<? extends T> inner, CompletableFuture<T> out) {
    inner.whenComplete((v, t) -> {
      if (t == null) {
        out.complete(v);
      } else {
        out.completeExceptionally(unwrap(t));
      }
    });
    out.whenComplete((v, t) -> {
      if (t != null) {
        cancel(inner);
      }
    });
  }

  /** Cancels a stage if it can be cancelled (a Future); does nothing to one that is done. */
  static void cancel(CompletionStage<?> stage) {
    if (stage instanceof java.util.concurrent.Future) {
      ((java.util.concurrent.Future<?>) stage).cancel(true);
    } else {
      try {
        stage.toCompletableFuture().cancel(true);
      } catch (UnsupportedOperationException notAFuture) {
        // a stage that cannot be cancelled: it will complete on its own
      }
    }
  }

  /** Whether {@code t} is a cancellation (of this stage or one it waited for). */
  static boolean isCancellation(Throwable t) {
    return unwrap(t) instanceof CancellationException;
  }
}
