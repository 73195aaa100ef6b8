#!/usr/bin/env bash
# Keyward build: fetch pinned jars (checked against deps.sha256), compile, package, test.
#   ./build.sh deps | compile | test [TEST-SELECTOR...] | test-clusters | bench [BENCH-COMMAND...] | bench-scale | clean
# The Makefile is the front door; this script holds the logic.
set -euo pipefail
cd "$(dirname "$0")"

LIB=lib
OUT=build
# -Xdoclint: a broken {@link} or malformed javadoc fails the build (missing comments do not)
JAVAC_FLAGS=(--release 17 -Xlint:all -Xdoclint:all,-missing -Werror -encoding UTF-8 -g)
VERSION=$(cat VERSION 2>/dev/null || echo 0.0.0)

die() { echo "build.sh: $*" >&2; exit 1; }

jar_name() { # group:artifact:version -> artifact-version.jar
  local a=${1#*:}; echo "${a%%:*}-${1##*:}.jar"
}

expected_sum() {
  awk -v f="$1" '$2 == f {print $1}' deps.sha256
}

verify() { # file
  local f=$1 want got
  want=$(expected_sum "$(basename "$f")")
  [ -n "$want" ] || die "no SHA-256 sum for $(basename "$f") in deps.sha256"
  got=$(sha256sum "$f" | cut -d' ' -f1)
  if [ "$want" != "$got" ]; then
    die "SHA-256 mismatch for $(basename "$f"): expected $want, got $got. Delete it and run again; if it persists, the download is not the pinned artifact."
  fi
}

deps() { # [test]: the runtime jars, and with "test" the test jars too; one Maven call for all missing
  mkdir -p "$LIB" "$LIB/test"
  local want=runtime; [ "${1:-}" = test ] && want=test
  local gav scope name dir missing=()
  while read -r gav scope; do
    case "$gav" in \#*|"") continue ;; esac
    [ "$scope" = test ] && [ "$want" != test ] && continue
    name=$(jar_name "$gav"); dir=$LIB; [ "$scope" = test ] && dir=$LIB/test
    [ -f "$dir/$name" ] || missing+=("$gav")
  done < deps.txt
  if [ ${#missing[@]} -gt 0 ]; then
    command -v mvn >/dev/null || die "need 'mvn' to fetch ${missing[*]} (apt-get install maven), or place the jars in $LIB/ and $LIB/test/"
    echo "fetching ${#missing[@]} jar(s) from Maven Central in one Maven call (about 10-20 s the first time)"
    fetch_jars "${missing[@]}"
  fi
  while read -r gav scope; do
    case "$gav" in \#*|"") continue ;; esac
    [ "$scope" = test ] && [ "$want" != test ] && continue
    name=$(jar_name "$gav"); dir=$LIB; [ "$scope" = test ] && dir=$LIB/test
    verify "$dir/$name"
  done < deps.txt
}

fetch_jars() { # group:artifact:version...: one throwaway pom naming them, copied without their dependencies
  local tmp=$PWD/$OUT/deps gav g a v scope name
  rm -rf "$tmp"; mkdir -p "$tmp/jars"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>keyward</groupId><artifactId>deps</artifactId><version>0</version><dependencies>'
    for gav in "$@"; do
      IFS=: read -r g a v <<<"$gav"
      echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
    done
    echo '</dependencies></project>'
  } > "$tmp/pom.xml"
  mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies -DexcludeTransitive=true \
      -DoutputDirectory="$tmp/jars" >"$tmp/mvn.log" 2>&1 \
    || die "could not fetch ${*} from Maven Central; Maven said: $(grep -m1 ERROR "$tmp/mvn.log" || tail -1 "$tmp/mvn.log")"
  while read -r gav scope; do
    case "$gav" in \#*|"") continue ;; esac
    name=$(jar_name "$gav")
    [ -f "$tmp/jars/$name" ] || continue
    if [ "$scope" = test ]; then mv "$tmp/jars/$name" "$LIB/test/"; else mv "$tmp/jars/$name" "$LIB/"; fi
  done < deps.txt
  rm -rf "$tmp"
}

compile() {
  deps
  rm -rf "$OUT/classes"; mkdir -p "$OUT/classes" bin
  find src -name '*.java' > "$OUT/sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$LIB/*" -d "$OUT/classes" @"$OUT/sources.txt"
  local git=unknown
  git=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  printf 'version=%s\ngit=%s\n' "$VERSION" "$git" > "$OUT/classes/keyward-version.properties"
  jar --create --file "$OUT/keyward.jar" --main-class keyward.Main -C "$OUT/classes" .
  cp bin/keyward.in bin/keyward && chmod 755 bin/keyward
}

compile_tests() {
  rm -rf "$OUT/test-classes"; mkdir -p "$OUT/test-classes"
  find test -name '*.java' > "$OUT/test-sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$OUT/keyward.jar:$LIB/*:$LIB/test/*" -d "$OUT/test-classes" @"$OUT/test-sources.txt"
  # test resources (non-java files under test/)
  (cd test && find . -type f ! -name '*.java' -exec cp --parents {} "../$OUT/test-classes/" \;)
}

run_tests() { # [class|class#method...]: the named classes and methods, else every class but the cluster suite (@Tag("clusters"))
  deps test
  compile
  compile_tests
  compile_bench
  local sel=()
  if [ $# -gt 0 ]; then
    for s in "$@"; do
      case $s in *'#'*) sel+=(--select-method "$s") ;; *) sel+=(--select-class "$s") ;; esac
    done
  else
    sel=(--scan-classpath "$OUT/test-classes" --exclude-tag clusters)
  fi
  junit "$OUT/test-report.txt" "${sel[@]}"
}

run_cluster_tests() { # make test-clusters: only the tests tagged "clusters" (docs/ha.md: they start dev/ clusters)
  deps test
  compile
  compile_tests
  junit "$OUT/cluster-test-report.txt" --scan-classpath "$OUT/test-classes" --include-tag clusters
}

junit() { # report-file selectors...: runs the console launcher, ends with the one summary line
  local report=$1 sel=("${@:2}")
  set +e
  java -Xss2m -Dsun.net.httpserver.nodelay=true -Djava.awt.headless=true \
    -jar "$LIB/test/junit-platform-console-standalone-1.11.4.jar" execute \
    --disable-banner --details=tree --details-theme=ascii \
    -cp "$OUT/test-classes:$OUT/keyward.jar:$(ls $LIB/*.jar | tr '\n' ':')" \
    "${sel[@]}" 2>&1 | tee "$report"
  local rc=${PIPESTATUS[0]}
  set -e
  local ok failed aborted skipped
  ok=$(awk '/tests successful/ {print $2}' "$report" | tail -1)
  failed=$(awk '/tests failed/ {print $2}' "$report" | tail -1)
  aborted=$(awk '/tests aborted/ {print $2}' "$report" | tail -1)
  skipped=$(awk '/tests skipped/ {print $2}' "$report" | tail -1)
  echo "${ok:-0} passed, ${failed:-0} failed, $(( ${skipped:-0} + ${aborted:-0} )) skipped"
  return "$rc"
}

compile_bench() { # also part of make test, so that a change of an API the bench uses cannot break make bench unseen
  rm -rf "$OUT/bench-classes"; mkdir -p "$OUT/bench-classes"
  find bench/src -name '*.java' > "$OUT/bench-sources.txt"
  javac "${JAVAC_FLAGS[@]}" -cp "$OUT/keyward.jar:$LIB/*" -d "$OUT/bench-classes" @"$OUT/bench-sources.txt"
  bash -n bench/run.sh && bash -n bench/scale.sh # the scripts parse (a full bench-scale run takes minutes)
}

bench() { # make bench: the load generator against build/keyward.jar, then bench/run.sh
  compile_bench
  if [ $# -gt 0 ]; then # one Bench command (make bench-audit), not the whole run
    java -Xmx1g -XX:+UseSerialGC -cp "$OUT/bench-classes:$OUT/keyward.jar:$LIB/*" keyward.bench.Bench "$@"
  else
    bench/run.sh
  fi
}

case "${1:-compile}" in
  deps) shift; deps "$@" ;;
  compile) compile ;;
  test) shift; run_tests "$@" ;;
  test-clusters) run_cluster_tests ;;
  clean) rm -rf "$OUT" bin/keyward ;;
  bench) shift; bench "$@" ;;
  bench-scale) compile_bench; bench/scale.sh ;;
  *) die "usage: build.sh deps|compile|test [class...]|test-clusters|bench [command...]|bench-scale|clean" ;;
esac
