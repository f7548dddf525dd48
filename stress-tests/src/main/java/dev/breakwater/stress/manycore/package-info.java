/**
 * jcstress tests with three or more actors, for a machine with at least that many cores
 * ({@code run-jcstress.sh manycore}). On a 2-core machine jcstress skips them ("No scheduling is
 * possible"), so they are not in the CI selection.
 */
package dev.breakwater.stress.manycore;
