#!/usr/bin/env bash
# Compile and test a subset of packages in a private output dir, so that several people (or
# helpers) can work at once without touching build/. Usage:
#   dev/check.sh NAME "src dirs..." "test dirs..." [extra junit args]
# e.g. dev/check.sh json "src/keyward/json" "test/keyward/json"
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1; srcs=$2; tests=${3:-}; shift 3 || shift $#
H=/tmp/kw-$name; rm -rf "$H"; mkdir -p "$H/c" "$H/t"
FLAGS=(--release 17 -Xlint:all -Werror -encoding UTF-8 -g)
javac "${FLAGS[@]}" -cp 'lib/*' -d "$H/c" $(find $srcs -name '*.java')
[ -n "$tests" ] || exit 0
javac "${FLAGS[@]}" -cp "$H/c:lib/*:lib/test/*" -d "$H/t" $(find $tests -name '*.java')
(for t in $tests; do cd "$t" 2>/dev/null && find . -type f ! -name '*.java' -exec cp --parents {} "$H/t/" \; ; cd - >/dev/null; done) || true
java -Dsun.net.httpserver.nodelay=true -jar lib/test/junit-platform-console-standalone-1.11.4.jar execute \
  --disable-banner --details=tree --details-theme=ascii \
  -cp "$H/t:$H/c:$(ls lib/*.jar | tr '\n' ':')" --scan-classpath "$H/t" "$@"
