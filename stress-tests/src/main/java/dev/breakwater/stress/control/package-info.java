/**
 * Deliberately broken models (not Breakwater code) whose bad outcomes are
 * {@code ACCEPTABLE_INTERESTING}: they show the harness can see the bug the real tests forbid.
 * Excluded from the CI selection; run with {@code stress-tests/run-jcstress.sh control}.
 */
package dev.breakwater.stress.control;
