package dev.breakwater;

import java.util.function.Predicate;

/**
 * One {@code recordResult} rule of a config: which results of one type count as failures. The
 * predicate is only ever given a result that is an instance of the rule's type (or any result,
 * {@code null} included, for a rule about every result), so it cannot see a result of a type it
 * was not written for.
 */
final class ResultRule {
  /** The class results must belong to; {@code null} for a rule about every result. */
  private final Class<?> type;
  private final Predicate<Object> predicate;

  private ResultRule(Class<?> type, Predicate<Object> predicate) {
    this.type = type;
    this.predicate = predicate;
  }

  @SuppressWarnings("unchecked") // applied only to instances of T: see matches()
  static <T> ResultRule of(Class<T> type, Predicate<? super T> predicate) {
    return new ResultRule(type, (Predicate<Object>) predicate);
  }

  static ResultRule any(Predicate<Object> predicate) {
    return new ResultRule(null, predicate);
  }

  boolean matches(Object result) {
    if (type != null && !type.isInstance(result)) {
      return false;
    }
    return predicate.test(result);
  }

  @Override
  public String toString() {
    return (type == null ? "any" : type.getSimpleName()) + ": " + predicate;
  }
}
