#!/usr/bin/env bash
# The trading demo: the same fault script with and without the breaker, live in the terminal,
# then results/demo/trading-demo.png and results/demo/SUMMARY.md. See examples/DEMO.md.
#   ./examples/run-demo.sh            about a minute (two 30 s runs)
#   ./examples/run-demo.sh --quick    about 20 s (two 10 s runs)
#   ./examples/run-demo.sh --out DIR  write the results elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

core_jar=core/target/breakwater-core-0.1.0-SNAPSHOT.jar
examples_jar=examples/target/breakwater-examples-0.1.0-SNAPSHOT.jar
classpath_file=examples/target/demo.classpath

# Build when a jar is missing or older than a source file of core or examples.
stale() {
  [[ ! -f $core_jar || ! -f $examples_jar || ! -f $classpath_file ]] && return 0
  [[ -n $(find core/src/main examples/src/main examples/pom.xml core/pom.xml pom.xml \
      -newer "$examples_jar" -type f -print -quit) ]] && return 0
  find core/src/main -newer "$core_jar" -type f -print -quit | grep -q . && return 0
  return 1
}

if stale; then
  echo "building core and examples (once) ..."
  # One reactor run: core resolves to core/target, nothing is installed into ~/.m2.
  ./mvnw -B -q package org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -pl core,examples -am -DskipTests \
      -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=runtime
fi

# The examples module's runtime classpath, with this checkout's core jar first.
cp="$examples_jar:$core_jar:$(cat "$classpath_file")"
# slf4j.internal.verbosity: the examples pom pairs slf4j-api 2 with slf4j-nop 1.7, and SLF4J says
# so at start-up; the demo needs no logging from Java-WebSocket either way.
exec java -Xmx512m -XX:+UseSerialGC -Djava.awt.headless=true -Dslf4j.internal.verbosity=ERROR \
    -cp "$cp" dev.breakwater.examples.trading.Demo "$@"
