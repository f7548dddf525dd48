#!/usr/bin/env bash
# The three one-line mutants of the window-defects issue, applied to the fixed core one at a time:
# each must make its jcstress test fail. Run from anywhere; restores every file it touches.
# apply one mutant, build core + stress jar (reactor, offline), run one jcstress test, restore
set -u
cd "$(dirname "$0")/.."
run() {
  local name="$1" file="$2" line="$3" from="$4" to="$5" test="$6"
  python3 - "$file" "$line" "$from" "$to" <<'PY'
import sys
f, line, a, b = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
lines = open(f).read().split('\n')
assert a in lines[line-1], (lines[line-1], a)
lines[line-1] = lines[line-1].replace(a, b)
open(f, 'w').write('\n'.join(lines))
PY
  ./mvnw -q -o -B package -pl core,stress-tests -DskipTests > ${TMPDIR:-/tmp}/mut-build.log 2>&1 || { echo "$name: BUILD FAILED"; tail -20 ${TMPDIR:-/tmp}/mut-build.log; git checkout -- "$file"; return; }
  (cd stress-tests/target && mkdir -p mut && cd mut && timeout 600 java -jar ../jcstress.jar -t "^dev\.breakwater\.stress\.$test\$" -m quick > "${TMPDIR:-/tmp}/mut-$name.log" 2>&1)
  echo "$name -> $test:"; grep -E "Results:|FORBIDDEN|\[FAILED\]|\[OK\]" "${TMPDIR:-/tmp}/mut-$name.log" | tail -4
  git checkout -- "$file"
}
run period-plain-write core/src/main/java/dev/breakwater/SlidingWindow.java 128 "if (CURRENT.compareAndSet(this, p, fresh)) {" "CURRENT.setVolatile(this, fresh); if (true) {" WindowNewPeriodCountTest
run verdict-other-periods core/src/main/java/dev/breakwater/TimeWindow.java 251 "b != null && b.period == p" "b != null" WindowOldGenerationTimeTest
run forceopen-plain-write core/src/main/java/dev/breakwater/CircuitBreaker.java 626 "} while (!cas(w, next));" "} while (false); WORD.setVolatile(this, next);" ForceOpenVsTripTest
./mvnw -q -o -B package -pl core,stress-tests -DskipTests > /dev/null 2>&1
git status --short core
