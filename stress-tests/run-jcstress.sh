#!/usr/bin/env bash
# Runs the Breakwater jcstress suite and fails unless every expected test really ran and passed.
#
# usage: stress-tests/run-jcstress.sh [MODE] [extra jcstress options...]
#   MODE  quick (default, CI): jcstress -m quick (5 x 200 ms per configuration), one VM flag set
#           (see one_config below): about 2 minutes on 2 cores
#         sanity | default | tough | stress: the jcstress presets, every probed configuration
#           -> all on the CI selection: dev.breakwater.stress.* (2-actor tests); must be exactly
#              EXPECTED_CI_TESTS distinct tests, every configuration passed
#         manycore  -> dev.breakwater.stress.manycore.* (3-4 actors; needs >= 4 cores),
#                      jcstress mode from $MANYCORE_MODE (default quick)
#         control   -> the deliberately broken control; passes only if its bug WAS observed,
#                      jcstress mode from $CONTROL_MODE (default quick)
# env:    JCSTRESS_CONFIGS=one|all (one VM flag set, or every set jcstress probes; default: one
#         for quick and control, all otherwise), JAVA (default: $JAVA_HOME/bin/java or java), JCSTRESS_JAR (default target/jcstress.jar),
#         JCSTRESS_WORKDIR (default target/jcstress-run/MODE; wiped first)
#
# jcstress writes results/ and jcstress-results-*.bin.gz into its working directory, so it runs
# in JCSTRESS_WORKDIR, never in the project root (whose results/ holds committed summaries).
# jcstress exits 0 when it skipped tests ("No scheduling is possible": more actors than cores) or
# matched nothing, so the exit code alone proves nothing: the Results: line is parsed instead.
set -euo pipefail

# The number of @JCStressTest classes directly in dev.breakwater.stress (the CI selection).
# Change it together with the tests: the run fails unless exactly this many distinct tests report
# results (jcstress's "planned" count is per configuration, not per test).
readonly EXPECTED_CI_TESTS=49
readonly EXPECTED_MANYCORE_TESTS=3
readonly EXPECTED_CONTROL_TESTS=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-quick}"
if [[ $# -gt 0 ]]; then shift; fi

# One VM flag set (C2's code-motion randomizers on), no split per-actor compilation: 2
# configurations per test on JDK 17 instead of the 28 that jcstress probes (4 flag sets x 7
# compilation splits), ~2 min instead of ~50 for -m quick. JCSTRESS_CONFIGS=all restores them.
one_config=(-sc false -jvmArgs "-XX:+UnlockDiagnosticVMOptions -XX:+StressLCM -XX:+StressGCM -XX:+StressIGVN -XX:+StressCCP")
case "$mode" in
  quick)
    jmode=quick; regex='^dev\.breakwater\.stress\.[A-Za-z0-9_]+$'; expected=$EXPECTED_CI_TESTS
    configs="${JCSTRESS_CONFIGS:-one}" ;;
  sanity|default|tough|stress)
    jmode="$mode"; regex='^dev\.breakwater\.stress\.[A-Za-z0-9_]+$'; expected=$EXPECTED_CI_TESTS
    configs="${JCSTRESS_CONFIGS:-all}" ;;
  manycore)
    jmode="${MANYCORE_MODE:-quick}"; regex='^dev\.breakwater\.stress\.manycore\.[A-Za-z0-9_]+$'
    expected=$EXPECTED_MANYCORE_TESTS; configs="${JCSTRESS_CONFIGS:-all}" ;;
  control)
    jmode="${CONTROL_MODE:-quick}"; regex='^dev\.breakwater\.stress\.control\.[A-Za-z0-9_]+$'
    expected=$EXPECTED_CONTROL_TESTS; configs="${JCSTRESS_CONFIGS:-one}" ;;
  *)
    echo "run-jcstress.sh: unknown mode '$mode' (quick|sanity|default|tough|stress|manycore|control)" >&2
    exit 2 ;;
esac
case "$configs" in
  one) preset=("${one_config[@]}") ;;
  all) preset=() ;;
  *) echo "run-jcstress.sh: JCSTRESS_CONFIGS must be one or all: $configs" >&2; exit 2 ;;
esac

if [[ -z "${JAVA:-}" ]]; then
  if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
fi
jar="${JCSTRESS_JAR:-$here/target/jcstress.jar}"
if [[ ! -f "$jar" ]]; then
  echo "run-jcstress.sh: $jar not found; build it with ./mvnw -B -f stress-tests/pom.xml package -DskipTests" >&2
  exit 2
fi
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
workdir="${JCSTRESS_WORKDIR:-$here/target/jcstress-run/$mode}"
rm -rf "$workdir"
mkdir -p "$workdir"
log="$workdir/jcstress.log"

echo "run-jcstress.sh: mode=$mode (jcstress -m $jmode, $configs VM configuration set), tests '$regex', expecting $expected," \
  "$(nproc) CPUs, $("$JAVA" -version 2>&1 | head -n 1), workdir $workdir"
start=$(date +%s)
set +e
(cd "$workdir" && "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$jar" \
    -m "$jmode" ${preset[@]+"${preset[@]}"} -t "$regex" "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

fail() {
  echo "run-jcstress.sh: FAILED ($mode): $*  [log: $log]" >&2
  exit 1
}

if grep -q 'FATAL:' "$log"; then fail "jcstress printed FATAL:"; fi
if grep -q 'No scheduling is possible' "$log"; then
  fail "some tests were skipped (more actors than CPUs): $(grep -c 'No scheduling is possible' "$log") x 'No scheduling is possible'"
fi
# The last progress line is the final tally. "planned" counts test *configurations* (each test
# runs under several VM flag sets and compilation modes; how many depends on the JDK and mode),
# so the number of distinct tests is checked separately below.
line="$(grep -oE 'Results: [0-9]+ planned; [0-9]+ passed, [0-9]+ failed, [0-9]+ soft errs, [0-9]+ hard errs' "$log" | tail -n 1 || true)"
if [[ -z "$line" ]]; then fail "no 'Results:' line in the jcstress output (exit code $rc)"; fi
read -r planned passed failed soft hard < <(sed -E \
  's/^Results: ([0-9]+) planned; ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) soft errs, ([0-9]+) hard errs/\1 \2 \3 \4 \5/' \
  <<<"$line")
if (( planned == 0 )); then fail "nothing planned"; fi
if (( passed != planned || failed != 0 || soft != 0 || hard != 0 )); then fail "$line"; fi
if (( rc != 0 )); then fail "jcstress exited with $rc"; fi
# Distinct tests that ran: the per-test sections of the final report ("N matching test
# results" under Interesting / Failed / Error / All remaining) and the per-test HTML pages.
reported=$(sed -n '/^RUN RESULTS:/,$p' "$log" | grep -oE '[0-9]+ matching test results?' \
  | awk '{s += $1} END {print s + 0}')
pages=$(find "$workdir/results" -maxdepth 1 -name 'dev.breakwater.*.html' | wc -l)
if (( reported != expected || pages != expected )); then
  fail "$reported tests reported, $pages result pages; expected $expected tests"
fi

if [[ "$mode" == control ]]; then
  # The control's broken gate must have been caught admitting twice ("1, 1, 1" observed > 0).
  # Report table row: "  1, 1, 1   4,585,079   16.14%  Interesting  BUG SEEN ..."
  seen="$(sed -n -E 's/^ *1, 1, 1 +([0-9,]+) +[0-9.]+% +Interesting.*/\1/p' "$log" | head -n 1 | tr -d ,)"
  if [[ -z "$seen" || "$seen" == 0 ]]; then
    fail "the control's double admission was not observed: this machine/mode may be too weak to trust a green run"
  fi
  echo "run-jcstress.sh: control bug observed $seen times (as it should be)"
fi
echo "run-jcstress.sh: OK ($mode): $line in ${elapsed}s"
