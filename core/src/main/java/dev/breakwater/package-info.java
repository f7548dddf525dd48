/**
 * A lock-free, allocation-free circuit breaker.
 *
 * <p>Start with {@link dev.breakwater.CircuitBreaker}: {@code CircuitBreaker.ofDefaults("redis")}
 * gives a breaker that opens after five consecutive failures, and {@link
 * dev.breakwater.CircuitBreaker#call(java.util.concurrent.Callable)} protects a call with it.
 * {@link dev.breakwater.CircuitBreakerConfig} holds every setting; one config object is meant to be
 * shared by many breakers.
 *
 * <h2>Memory-ordering vocabulary</h2>
 * All of a breaker's mutable state is one {@code long} (see {@code BreakerWord} for the bit
 * layout). It is read with <em>volatile</em> (acquire) semantics and changed only by a
 * <em>CAS</em> (volatile read-modify-write). Nothing is ever written with a plain or
 * release-only store, so every thread agrees on one total order of words, and any field a thread
 * reads after observing a word (the config, the listener array) was published before it.
 */
package dev.breakwater;
