#!/usr/bin/env bash
# The three one-line mutants of the window-defects issue, applied to the fixed core one at a time:
# each must make its jcstress test fail. Run from anywhere; restores every file it touches.
# apply one mutant, build core + stress jar (reactor, offline), run one jcstress test, restore
#
# A mutant is found by content, not by line number (line numbers rot as the core changes): the
# first line containing FROM after the first line containing ANCHOR (the enclosing method's
# signature; empty: from the top). The script stops if ANCHOR or FROM is not found, so a stale
# mutant is an error, never a silent no-op that "passes".
set -u
cd "$(dirname "$0")/.."
run() {
  local name="$1" file="$2" anchor="$3" from="$4" to="$5" test="$6"
  python3 - "$file" "$anchor" "$from" "$to" <<'PY' || { echo "$name: mutant not applicable (source changed): fix mutants.sh"; exit 2; }
import sys
f, anchor, a, b = sys.argv[1:5]
lines = open(f).read().split('\n')
start = 0
if anchor:
    hits = [i for i, l in enumerate(lines) if anchor in l]
    if len(hits) != 1:
        sys.exit("anchor %r found %d times in %s" % (anchor, len(hits), f))
    start = hits[0]
at = next((i for i in range(start, len(lines)) if a in lines[i]), None)
if at is None:
    sys.exit("%r not found after %r in %s" % (a, anchor, f))
lines[at] = lines[at].replace(a, b, 1)
print("  %s:%d: %s" % (f, at + 1, lines[at].strip()))
open(f, 'w').write('\n'.join(lines))
PY
  ./mvnw -q -o -B package -pl core,stress-tests -DskipTests > ${TMPDIR:-/tmp}/mut-build.log 2>&1 || { echo "$name: BUILD FAILED"; tail -20 ${TMPDIR:-/tmp}/mut-build.log; git checkout -- "$file"; return; }
  (cd stress-tests/target && mkdir -p mut && cd mut && timeout 600 java -jar ../jcstress.jar -t "^dev\.breakwater\.stress\.$test\$" -m quick > "${TMPDIR:-/tmp}/mut-$name.log" 2>&1)
  echo "$name -> $test:"; grep -E "Results:|FORBIDDEN|\[FAILED\]|\[OK\]" "${TMPDIR:-/tmp}/mut-$name.log" | tail -4
  git checkout -- "$file"
}
run period-plain-write core/src/main/java/dev/breakwater/SlidingWindow.java "" "if (CURRENT.compareAndSet(this, p, fresh)) {" "CURRENT.setVolatile(this, fresh); if (true) {" WindowNewPeriodCountTest
run verdict-other-periods core/src/main/java/dev/breakwater/TimeWindow.java "private boolean verdict(Period p, long start)" "b != null && b.period == p" "b != null" WindowOldGenerationTimeTest
run forceopen-plain-write core/src/main/java/dev/breakwater/CircuitBreaker.java "private void hold(int target, long nanos)" "} while (!cas(w, next));" "} while (false); WORD.setVolatile(this, next);" ForceOpenVsTripTest
./mvnw -q -o -B package -pl core,stress-tests -DskipTests > /dev/null 2>&1
git status --short core
