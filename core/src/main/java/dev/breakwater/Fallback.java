package dev.breakwater;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a {@link Pipeline} answers instead of a failure: a value, a function of the failure, or
 * another call (failover to a backup dependency). Typed by the result: a {@code Fallback<Integer>}
 * does not compile into a {@code Pipeline<String>}.
 *
 * <pre>{@code
 * Fallback<Quote> cached = Fallback.from(failure -> cache.last(symbol));
 * Fallback<Order> failover = Fallback.to(() -> backup.send(order))   // another call
 *     .on(CallNotPermittedException.class, IOException.class);       // only for these
 * }</pre>
 *
 * <p>By default a fallback handles every {@link Exception} (not {@link Error}s);
 * {@link #on(Class[])} and {@link #when(Predicate)} narrow it. A failure it does not handle
 * passes through unchanged. If the fallback itself throws, that exception is the result, with
 * the original failure added to it as suppressed.
 *
 * @param <T> the result type
 */
public final class Fallback<T> {
  private final Function<? super Throwable, ? extends CompletionStage<? extends T>> async;
  private final Callable<? extends T> call;
  private final Function<? super Throwable, ? extends T> function;
  private final Predicate<? super Throwable> handles;
  private final String description;

  private Fallback(Function<? super Throwable, ? extends T> function, Callable<? extends T> call,
      Function<? super Throwable, ? extends CompletionStage<? extends T>> async,
      Predicate<? super Throwable> handles, String description) {
    this.function = function;
    this.call = call;
    this.async = async;
    this.handles = handles;
    this.description = description;
  }

  private static final Predicate<Throwable> EXCEPTIONS = t -> t instanceof Exception;

  /**
   * Answers {@code value} (may be null).
   *
   * @param <T> the result type
   * @param value the answer
   * @return a fallback to a constant
   */
  public static <T> Fallback<T> value(T value) {
    return new Fallback<>(t -> value, null, null, EXCEPTIONS, "value");
  }

  /**
   * Answers {@code function} applied to the failure.
   *
   * @param <T> the result type
   * @param function computes the answer from the failure; non-null
   * @return a fallback to a function of the failure
   */
  public static <T> Fallback<T> from(Function<? super Throwable, ? extends T> function) {
    Objects.requireNonNull(function, "function must not be null");
    return new Fallback<>(function, null, null, EXCEPTIONS, "function");
  }

  /**
   * Answers with another call, for instance the same request to a backup (failover). In an
   * asynchronous pipeline the call runs on the thread that completed the failed stage; use
   * {@link #toAsync} for a call that is itself asynchronous.
   *
   * @param <T> the result type
   * @param call the backup call; non-null
   * @return a failover fallback
   */
  public static <T> Fallback<T> to(Callable<? extends T> call) {
    Objects.requireNonNull(call, "call must not be null");
    return new Fallback<>(null, call, null, EXCEPTIONS, "failover");
  }

  /**
   * Answers with another asynchronous call (failover in an asynchronous pipeline); in a
   * synchronous pipeline its stage is awaited.
   *
   * @param <T> the result type
   * @param call starts the backup call from the failure; non-null
   * @return an asynchronous failover fallback
   */
  public static <T> Fallback<T> toAsync(
      Function<? super Throwable, ? extends CompletionStage<? extends T>> call) {
    Objects.requireNonNull(call, "call must not be null");
    return new Fallback<>(null, null, call, EXCEPTIONS, "async failover");
  }

  /**
   * This fallback, applied only to failures that are instances of one of {@code types}.
   *
   * @param types the failures to handle ({@code Throwable} subclasses); at least one, no null
   * @return a narrowed copy
   */
  public Fallback<T> on(Class<?>... types) {
    Objects.requireNonNull(types, "types must not be null");
    if (types.length == 0) {
      throw new IllegalArgumentException("types must name at least one exception type: []");
    }
    Class<?>[] copy = types.clone();
    for (Class<?> c : copy) {
      Objects.requireNonNull(c, "types must not contain null");
      if (!Throwable.class.isAssignableFrom(c)) {
        throw new IllegalArgumentException("types must be Throwable types: " + c.getName());
      }
    }
    StringBuilder names = new StringBuilder();
    for (Class<?> c : copy) {
      names.append(names.length() == 0 ? "" : ", ").append(c.getSimpleName());
    }
    return new Fallback<>(function, call, async, t -> {
      for (Class<?> c : copy) {
        if (c.isInstance(t)) {
          return true;
        }
      }
      return false;
    }, description + " on " + names);
  }

  /**
   * This fallback, applied only to failures {@code predicate} accepts (instead of the default,
   * every {@link Exception}).
   *
   * @param predicate decides which failures to handle; non-null
   * @return a narrowed copy
   */
  public Fallback<T> when(Predicate<? super Throwable> predicate) {
    Objects.requireNonNull(predicate, "predicate must not be null");
    return new Fallback<>(function, call, async, predicate, description + " when predicate");
  }

  /** Whether this fallback answers {@code failure}; a throwing predicate means no. */
  boolean handles(Throwable failure) {
    try {
      return handles.test(failure);
    } catch (RuntimeException predicateFailure) {
      failure.addSuppressed(predicateFailure);
      return false;
    }
  }

  /** The answer to {@code failure} (which {@link #handles} accepted), computed on this thread. */
  T apply(Throwable failure) throws Exception {
    try {
      if (function != null) {
        return function.apply(failure);
      }
      if (call != null) {
        return call.call();
      }
      return Stages.start(() -> async.apply(failure)).get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = Stages.unwrap(e);
      cause.addSuppressed(failure);
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw (Error) cause;
    } catch (Exception | Error e) {
      if (e != failure) {
        e.addSuppressed(failure);
      }
      throw e;
    }
  }

  /** The answer to {@code failure} as a stage (asynchronous pipelines). */
  CompletableFuture<T> applyAsync(Throwable failure) {
    if (async != null) {
      return Stages.start(() -> async.apply(failure));
    }
    try {
      return CompletableFuture.completedFuture(apply(failure));
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  @Override
  public String toString() {
    return "Fallback (" + description + ")";
  }
}
