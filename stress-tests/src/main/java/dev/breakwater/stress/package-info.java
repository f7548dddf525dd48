/**
 * jcstress tests on the real breakwater-core classes, one or more per concurrency property of
 * the breaker. Every test here has at most two actors, because jcstress silently skips a test
 * with more actors than the machine has cores and CI has two; these are the tests
 * {@code stress-tests/run-jcstress.sh} counts. Tests with more actors live in
 * {@code dev.breakwater.stress.manycore}; deliberately broken controls in
 * {@code dev.breakwater.stress.control}.
 */
package dev.breakwater.stress;
