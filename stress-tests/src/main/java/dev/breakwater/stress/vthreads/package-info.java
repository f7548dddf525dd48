/**
 * The virtual-thread pinning check ({@link dev.breakwater.stress.vthreads.PinningCheck}): not a
 * jcstress test, a main program run on JDK 25 by {@code VirtualThreadPinningTest} (JUnit, in the
 * {@code test} phase). Compiled for Java 17 like the rest; virtual threads are reached by
 * reflection.
 */
package dev.breakwater.stress.vthreads;
