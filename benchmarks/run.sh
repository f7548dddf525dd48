#!/usr/bin/env bash
# Builds Breakwater and its benchmarks, runs the benchmark suite, the JOL footprint probe, the
# report generator and the target checker. Needs only a JDK (17+); Maven comes from ../mvnw.
#
#   benchmarks/run.sh              full suite, 164 runs (~18 min on an idle 2-core machine), into
#                                  benchmarks/results-local/ (not committed)
#   benchmarks/run.sh --publish    the same, then copied into results/, the committed report
#                                  (only once every step succeeded; review, commit)
#   benchmarks/run.sh --quick      Breakwater + baseline + nanoTime floor, short iterations, one
#                                  fork (~1.5 min), into benchmarks/target/quick/, lenient check
#   benchmarks/run.sh --report-only [--from DIR]
#                                  no benchmarks: re-renders REPORT.md and the charts from the
#                                  JMH and footprint JSON already in DIR (default: the output
#                                  folder), e.g. --from results --out /tmp/charts
#   options: --no-build (reuse benchmarks/target/benchmarks.jar), --out DIR (output folder)
#
# Progress (run n of N, elapsed, ETA, each result) is printed as JMH reports it; JMH's full
# output goes to jmh*.log in the output folder. On a shared machine wrap it:
# flock /tmp/bw-heavy.lock benchmarks/run.sh. BENCH_JAVA_OPTS adds options to the JMH host JVM
# (e.g. -Djmh.ignoreLock=true).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=0
build=1
publish=0
report_only=0
out=""
from=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --publish) publish=1 ;;
    --report-only) report_only=1 ;;
    --from) from="$2"; shift ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$publish" = 1 ] && [ "$quick" = 1 ]; then
  echo "--publish is for the full suite: quick figures do not go into results/" >&2
  exit 2
fi
if [ -z "$out" ]; then
  if [ "$quick" = 1 ]; then out="benchmarks/target/quick"; else out="benchmarks/results-local"; fi
fi
[ -n "$from" ] || from="$out"
# --publish: everything is made in $out first and copied into results/ at the very end, so a run
# that fails or is interrupted leaves the committed results as they were
published="results"

# -- say up front what this run does and where it writes
if [ "$report_only" = 1 ]; then
  echo "Breakwater benchmarks: report only (no benchmarks run), from $from/ into $out/"
elif [ "$quick" = 1 ]; then
  echo "Breakwater benchmarks: quick run (~1.5 min), Breakwater and the baseline only"
  echo "Results go to $out/"
else
  echo "Breakwater benchmarks: full suite, every case and implementation (~18 min on an idle"
  echo "2-core machine, most of it JMH; progress below)"
fi
if [ "$quick" = 0 ]; then
  if [ "$publish" = 1 ]; then
    echo "Results go to $out/, then to results/ once every step succeeded: --publish REPLACES the"
    echo "COMMITTED report (review it with git diff before committing)"
  elif [ "$report_only" = 0 ]; then
    echo "Results go to $out/ (not committed); benchmarks/run.sh --publish writes the committed"
    echo "results/ instead"
  fi
fi

java="java"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
jar="benchmarks/target/benchmarks.jar"
# shellcheck disable=SC2206 # word splitting intended: a list of JVM options
host_opts=(${BENCH_JAVA_OPTS:-})

if [ "$build" = 1 ]; then
  echo "== build"
  if grep -q '<module>benchmarks</module>' pom.xml; then
    ./mvnw -B -q package -DskipTests -pl benchmarks -am
  else
    # the root pom does not list the module yet: install core (and the parent), build alone
    ./mvnw -B -q install -DskipTests -pl core -am
    ./mvnw -B -q -f benchmarks/pom.xml package -DskipTests
  fi
fi
[ -f "$jar" ] || { echo "missing $jar (run without --no-build)" >&2; exit 1; }
mkdir -p "$out"

hms() { # seconds -> m:ss or h:mm:ss
  local s=$1
  if [ "$s" -ge 3600 ]; then printf '%d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
  else printf '%d:%02d' $((s / 60)) $((s % 60)); fi
}

# jmh LOG JSON REGEX [JMH options...]: runs JMH with its full output into LOG and shows progress
# here: run n of N (N from JMH's own listing, -p overrides included), elapsed, ETA, each result.
jmh() {
  local log="$1" json="$2" regex="$3"
  shift 3
  local total
  total=$("$java" -jar "$jar" -lp "$@" "$regex" | awk '
      /^Benchmarks:/ { next }
      /^[^ ]/ { if (cur) total += cur; cur = 1; next }
      /^  param / { v = $0; sub(/.*= \{/, "", v); sub(/\}$/, "", v); cur *= split(v, a, ", ") }
      END { total += cur; print total + 0 }')
  local t0
  t0=$(date +%s)
  : > "$log"
  set +e
  "$java" ${host_opts[@]+"${host_opts[@]}"} -jar "$jar" "$@" -rf json -rff "$json" "$regex" 2>&1 | {
    exec 3>>"$log"
    n=0; bench=""; params=""; result=0
    while IFS= read -r line; do
      printf '%s\n' "$line" >&3
      case "$line" in
        "# Benchmark: "*) bench="${line#"# Benchmark: dev.breakwater.bench."}"; params="" ;;
        "# Parameters: "*) params=" ${line#"# Parameters: "}" ;;
        "# Run progress: "*)
          n=$((n + 1))
          el=$(( $(date +%s) - t0 ))
          if [ "$n" -gt 1 ]; then # from the runs done so far
            eta="ETA $(hms $(( el * (total - n + 1) / (n - 1) )))"
          else # JMH's estimate (iteration times only) before any run is done
            IFS=: read -r h m s <<< "${line##*ETA }"
            eta="ETA $(hms $((10#$h * 3600 + 10#$m * 60 + 10#$s)))"
          fi
          printf '[%3d/%d] %s elapsed, %s  %s%s\n' "$n" "$total" "$(hms "$el")" "$eta" \
            "$bench" "$params" ;;
        "Result \""*) result=1 ;;
        *"<failure>"*|*Exception*) printf '%s\n' "$line" ;;
        *)
          if [ "$result" = 1 ]; then
            printf '          %s\n' "$(printf '%s' "$line" | sed 's/^ *//')"
            result=0
          fi ;;
      esac
    done
  }
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    echo "JMH failed (exit $rc); the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit "$rc"
  fi
  echo "        $total runs in $(hms $(( $(date +%s) - t0 ))) -> $json"
}

start=$(date +%s)
if [ "$report_only" = 1 ]; then
  shopt -s nullglob
  results=("$from"/jmh*.json)
  shopt -u nullglob
  [ "${#results[@]}" -gt 0 ] || { echo "no jmh*.json in $from/" >&2; exit 1; }
  if [ "$from" != "$out" ]; then
    for f in "${results[@]}" "$from"/jmh*.log "$from/footprint.json"; do
      [ -f "$f" ] && cp "$f" "$out/"
    done
    results=("${results[@]/#"$from"/"$out"}")
  fi
  command="benchmarks/run.sh --report-only --from $from"
elif [ "$quick" = 1 ]; then
  rm -f "$out"/jmh*.json "$out"/jmh*.log
  opts=(-f 1 -wi 2 -w 400ms -i 3 -r 400ms -foe true -prof gc)
  echo "== JMH (quick): CLOSED cases, CLOSED scaling, nanoTime floor — none + breakwater"
  jmh "$out/jmh-closed.log" "$out/jmh-closed.json" \
    '^dev\.breakwater\.bench\.(ClosedBenchmark|ScalingBenchmark\.closed.*|FloorBenchmark\.nanoTime)' \
    "${opts[@]}" -p impl=none,breakwater
  echo "== JMH (quick): OPEN, HALF_OPEN, OPEN scaling — breakwater"
  jmh "$out/jmh-rejections.log" "$out/jmh-rejections.json" \
    '^dev\.breakwater\.bench\.(OpenBenchmark|HalfOpenBenchmark|ScalingBenchmark\.open.*)' \
    "${opts[@]}" -p impl=breakwater
  echo "== JMH (quick): failure-rate windows, one thread — none + breakwater count/time"
  jmh "$out/jmh-windows.log" "$out/jmh-windows.json" \
    '^dev\.breakwater\.bench\.WindowBenchmark\.(callSuccess|manualFail10)$' \
    "${opts[@]}" -p impl=none,breakwater-count,breakwater-time
  results=("$out/jmh-closed.json" "$out/jmh-rejections.json" "$out/jmh-windows.json")
  footprint_impls=(breakwater breakwater-count breakwater-time)
  command="benchmarks/run.sh --quick"
else
  rm -f "$out"/jmh*.json "$out"/jmh*.log
  echo "== JMH (full): every case, every implementation, 1/2/4 threads, -prof gc"
  jmh "$out/jmh.log" "$out/jmh.json" \
    '^dev\.breakwater\.bench\.(ClosedBenchmark|OpenBenchmark|HalfOpenBenchmark|FloorBenchmark|ScalingBenchmark|WindowBenchmark|CachedClockBenchmark|RegistryBenchmark|StatsBenchmark|PipelineBenchmark|MetricsBenchmark|ScrapeBenchmark)\.' \
    -f 1 -wi 3 -w 500ms -i 8 -r 500ms -foe true -prof gc
  results=("$out/jmh.json")
  footprint_impls=()
  command="benchmarks/run.sh$([ "$publish" = 1 ] && echo " --publish")"
fi

if [ "$report_only" = 0 ]; then
  echo "== footprint (JOL, and whole registries of 1,000,000 breakers; about 3 minutes)"
  "$java" -Xmx10g -Djdk.attach.allowAttachSelf=true -cp "$jar" dev.breakwater.bench.FootprintProbe \
    "$out/footprint.json" "${footprint_impls[@]}"
fi

echo "== report"
"$java" -cp "$jar" dev.breakwater.bench.report.ReportGenerator --out "$out" \
  --footprint "$out/footprint.json" --command "$command" "${results[@]}"
publish() {
  [ "$publish" = 1 ] || return 0
  mkdir -p "$published/charts"
  cp "$out"/REPORT.md "$published/"
  if [ -f "$out"/footprint.json ]; then cp "$out"/footprint.json "$published/"; fi
  rm -f "$published"/jmh*.json "$published"/jmh*.log
  cp "$out"/jmh*.json "$out"/jmh*.log "$published/" 2>/dev/null || true
  cp "$out"/charts/*.png "$published/charts/"
  echo "== published into $published/ (committed): git diff --stat $published/ shows what changed"
}

if [ "$report_only" = 1 ]; then
  publish
  echo "== done: $out/REPORT.md (re-rendered; no benchmark ran). Its CPU and core lines describe"
  echo "   this machine: re-render on the machine that measured, or keep the old REPORT.md"
  exit 0
fi

echo "== targets ($(hms $(( $(date +%s) - start ))) of benchmarking)"
if [ "$quick" = 1 ]; then
  "$java" -cp "$jar" dev.breakwater.bench.report.TargetChecker --lenient \
    --footprint "$out/footprint.json" "${results[@]}"
else
  # strict verdicts; an unmet target is reported in REPORT.md, not a failure of this script
  "$java" -cp "$jar" dev.breakwater.bench.report.TargetChecker \
    --footprint "$out/footprint.json" "${results[@]}" \
    || echo "some targets are not met: see $out/REPORT.md"
fi
publish
echo "== done: $out/REPORT.md"
