#!/usr/bin/env bash
# make bench: Keyward under load beside the ceiling of its HTTP front end (a bare
# com.sun.net.httpserver handler, with and without one AES-GCM encryption), all in one run, on
# SQLite always and on PostgreSQL, MariaDB and Redis (redis-findex) when they answer. Prints the
# table with each scenario's ratio to the ceilings, checks the targets, and writes the same as
# JSON to bench/results/<UTC time>.json. Everything it makes (data dirs, databases, the Redis
# database it used) is removed at the end, also on failure.
#
#   make bench                               (compiles keyward and bench/src, then runs this)
#   KW_CP=DIR BENCH_CP=DIR bench/run.sh      (against another build's classes)
#   knobs: BENCH_SECONDS (4) BENCH_WARMUP (2) BENCH_CONNECTIONS (32) BENCH_KEYS (100000)
#          BENCH_KEYS_MYSQL (10000: filling MariaDB is the slowest step) BENCH_KEYS_REDIS (30000: filling
#          redis-findex 100,000 keys took 48-65 s of the 5 minutes; the 100,000-key targets are SQLite's and
#          PostgreSQL's) BENCH_BACKENDS ("sqlite postgresql mysql redis-findex")
#          BENCH_SCENARIOS (comma-separated; default all on SQLite, encrypt-64B,create-key,locate-tag elsewhere)
#          BENCH_REPL_SECONDS (6, 0 skips the replication lag run) BENCH_REPL_RATE (50)
#          BENCH_KMIP (1; 0 skips the KMIP scenarios) BENCH_KMIP_SCENARIOS (comma-separated; default all of
#          kmip-encrypt-64B,kmip-get,kmip-create,kmip-json-encrypt-64B,https-encrypt-64B)
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)

KW_CP=${KW_CP:-build/keyward.jar}
BENCH_CP=${BENCH_CP:-build/bench-classes}
SECONDS_EACH=${BENCH_SECONDS:-4}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-32}
KEYS=${BENCH_KEYS:-100000}
KEYS_MYSQL=${BENCH_KEYS_MYSQL:-10000}
KEYS_REDIS=${BENCH_KEYS_REDIS:-30000}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql mysql redis-findex}
LIBS=$(ls lib/*.jar | tr '\n' ':')
CP="$BENCH_CP:$KW_CP:$LIBS"
[ -e "$KW_CP" ] || { echo "bench: $KW_CP is missing; run 'make build' (or use 'make bench')" >&2; exit 1; }
[ -e "$BENCH_CP/keyward/bench/Bench.class" ] || { echo "bench: no bench classes in $BENCH_CP; use 'make bench'" >&2; exit 1; }

# The servers run with the launcher's own JVM flags (bin/keyward.in, KEYWARD_JAVA_OPTS honoured),
# so the bench measures what operators run, and the ceiling runs with exactly the same.
launcher_opts() {
  local line
  line=$(sed -n '/^exec java/,/keyward.Main/p' bin/keyward.in | tr -d '\\\n')
  line=${line#exec java }
  line=${line%%-cp *}
  eval "printf '%s\n' $line"
}
mapfile -t SERVER_OPTS < <(launcher_opts)
CLIENT_OPTS=(-Xms256m -Xmx1g -XX:+UseSerialGC)

WORK=$(mktemp -d /tmp/kw-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
PG_DB="" MY_DB="" REDIS_DB=""
cleanup() {
  local rc=$?
  [ -z "$PG_DB" ] || psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ -z "$MY_DB" ] || mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $MY_DB" >/dev/null 2>&1 || true
  [ -z "$REDIS_DB" ] || redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  if [ $rc -ne 0 ]; then
    echo "bench failed; server logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

bench() { java "${CLIENT_OPTS[@]}" -cp "$CP" keyward.bench.Bench "$@"; }
keyward() { java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main "$@"; }
measure_flags() { echo "--out=$RESULTS --warmup=$WARMUP --seconds=$SECONDS_EACH --connections=$CONNS"; }
# the JIT needs about 8 s under load before the first scenario's window (Measure); the backends
# after SQLite run only three scenarios, so they get a shorter server warm-up to keep within 5 minutes
server_warmup() { [ "$1" = sqlite ] && echo 6 || echo 3; }

echo "bench: ${SECONDS_EACH}s per scenario after ${WARMUP}s warm-up, $CONNS connections; server JVM: ${SERVER_OPTS[*]}"

# ---- the ceiling: same load generator, same JVM flags, nothing but com.sun.net.httpserver
# shellcheck disable=SC2046
bench measure --label=ceiling-bare --ceiling --server-warmup=3 $(measure_flags) --log="$WORK/ceiling-bare.log" \
  -- java "${SERVER_OPTS[@]}" -cp "$CP" keyward.bench.Bench ceiling
# shellcheck disable=SC2046
bench measure --label=ceiling-aes-gcm --ceiling --server-warmup=3 $(measure_flags) --log="$WORK/ceiling-aes.log" \
  -- java "${SERVER_OPTS[@]}" -cp "$CP" keyward.bench.Bench ceiling --aes

# run_backend TYPE KEYS SCENARIOS FLAGS...: init a fresh data dir, fill it, measure the server on it
run_backend() {
  local type=$1 keys=$2 scenarios=$3; shift 3
  local dir=$WORK/$type
  keyward init --data-dir "$dir" "$@" >/dev/null
  bench fill --keys="$keys" --out="$RESULTS" --data-dir="$dir" "$@"
  # a server's planner statistics after a bulk load are those of an empty table until autovacuum
  # (or InnoDB's background recalculation) catches up, a minute or so later: measure after that
  case $type in
    postgresql) psql -h 127.0.0.1 -U postgres -d "$PG_DB" -qc ANALYZE ;;
    mysql) mysql -h 127.0.0.1 -u root "$MY_DB" -e "ANALYZE TABLE kw_keys, kw_key_tags, kw_key_versions, kw_key_grants" >/dev/null ;;
  esac
  # shellcheck disable=SC2046
  bench measure --label="$type" --scenarios="$scenarios" --keys="$keys" --data-dir="$dir" $(measure_flags) \
    --server-warmup="$(server_warmup "$type")" \
    --log="$WORK/$type.log" -- java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main server --data-dir="$dir" "$@" \
    ${PAIRED[@]+"${PAIRED[@]}"}
}
# on SQLite the first scenario (encrypt-64B) is measured in alternation with the AES ceiling,
# which runs beside the server for that: its ratio, the issue's target, then holds on a machine
# whose speed drifts within a minute (Measure)
PAIRED=()

ALL=${BENCH_SCENARIOS:-encrypt-64B,transit-encrypt-64B,encrypt-4KiB,decrypt-64B,decrypt-4KiB,batch-encrypt-100,datakey,sign-ecdsa-p256,sign-ed25519,create-key,locate-tag}
FEW=${BENCH_SCENARIOS:-encrypt-64B,create-key,locate-tag}
for b in $BACKENDS; do
  case $b in
    sqlite)
      PAIRED=(-- java "${SERVER_OPTS[@]}" -cp "$CP" keyward.bench.Bench ceiling --aes)
      run_backend sqlite "$KEYS" "$ALL" --database-type=sqlite
      PAIRED=() ;;
    postgresql)
      if psql -h 127.0.0.1 -U postgres -d test -qAtc 'SELECT 1' >/dev/null 2>&1; then
        PG_DB=kwbench_$$_$RANDOM
        psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $PG_DB" >/dev/null
        run_backend postgresql "$KEYS" "$FEW" --database-type=postgresql --database-url="postgres://postgres@127.0.0.1:5432/$PG_DB"
        psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null; PG_DB=""
      else
        echo "bench: PostgreSQL at 127.0.0.1:5432 does not answer; skipped"
      fi ;;
    mysql)
      if mysql -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1; then
        MY_DB=kwbench_$$_$RANDOM
        mysql -h 127.0.0.1 -u root -e "CREATE DATABASE $MY_DB"
        run_backend mysql "$KEYS_MYSQL" "$FEW" --database-type=mysql --database-url="mysql://root@127.0.0.1:3306/$MY_DB"
        mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $MY_DB"; MY_DB=""
      else
        echo "bench: MariaDB at 127.0.0.1:3306 does not answer; skipped"
      fi ;;
    redis-findex)
      if [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ]; then
        # a Redis database of our own (Keyward's key prefix is fixed), the first empty one from 15 down
        for n in $(seq 15 -1 1); do
          if [ "$(redis-cli -n "$n" dbsize)" = 0 ]; then REDIS_DB=$n; break; fi
        done
        [ -n "$REDIS_DB" ] || { echo "bench: no empty Redis database; redis-findex skipped"; continue; }
        head -c 24 /dev/urandom | base64 > "$WORK/redis.password"
        run_backend redis-findex "$KEYS_REDIS" "$FEW" --database-type=redis-findex --database-url="redis://127.0.0.1:6379/$REDIS_DB" \
          --redis-master-password-file="$WORK/redis.password"
        redis-cli -n "$REDIS_DB" flushdb >/dev/null; REDIS_DB=""
      else
        echo "bench: Redis at 127.0.0.1:6379 does not answer; skipped"
      fi ;;
    *) echo "bench: unknown backend '$b'" >&2; exit 2 ;;
  esac
done

# ---- KMIP (docs/kmip.md): a SQLite server with HTTPS and the KMIP port, its client certificate made
# here with openssl, loaded over persistent TLS connections (binary TTLV, JSON TTLV, and REST over the
# same HTTPS for comparison); BENCH_KMIP=0 skips it
if [ "${BENCH_KMIP:-1}" != 0 ]; then
  echo "bench: KMIP over mutual TLS (SQLite, $CONNS connections)"
  c=$WORK/kmip-certs d=$WORK/kmip
  mkdir -p "$c"
  (
    cd "$c"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj /CN=bench-ca -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    for who in server:localhost:server.ext client:bench-kmip:client.ext; do
      IFS=: read -r f cn ext <<< "$who"
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$f.key" -out "$f.csr" -subj "/CN=$cn" 2>/dev/null
      openssl x509 -req -in "$f.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "$ext" -out "$f.pem" 2>/dev/null
    done
    openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:bench
  )
  keyward init --data-dir "$d" --database-type=sqlite >/dev/null
  keyward create-user bench-kmip --data-dir "$d" | tail -1 > "$c/token"
  # shellcheck disable=SC2046
  bench kmip --label=sqlite+tls --certs="$c" --token-file="$c/token" --log="$WORK/kmip.log" $(measure_flags) \
    ${BENCH_KMIP_SCENARIOS:+--scenarios=$BENCH_KMIP_SCENARIOS} \
    -- java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main server --data-dir="$d" --database-type=sqlite \
    --tls-cert-file="$c/server.pem" --tls-key-file="$c/server.key" --clients-ca-cert-file="$c/ca.pem"
fi

mkdir -p bench/results
# replication lag: three SQLite nodes in one JVM over pinned mTLS (full mesh), single writes one at
# a time, then steady key creation on one; p50/p99/max of both go to the table and the targets
if [ "${BENCH_REPL_SECONDS:-6}" != 0 ]; then
  echo "bench: replication lag (3 nodes: 50 single writes, then ${BENCH_REPL_SECONDS:-6} s at ${BENCH_REPL_RATE:-50} writes/s)"
  java "${CLIENT_OPTS[@]}" -Dsun.net.httpserver.nodelay=true -cp "$CP" keyward.bench.ReplicationLag \
    "${BENCH_REPL_SECONDS:-6}" "${BENCH_REPL_RATE:-50}" 2>/dev/null | grep -v '^20[0-9][0-9]-' \
    | tee "$WORK/replication.out" | grep -v '^{' || echo "bench: replication lag run failed"
  grep '^{' "$WORK/replication.out" > "bench/results/$STAMP-replication.json" 2>/dev/null || true
  grep '^{' "$WORK/replication.out" >> "$RESULTS" 2>/dev/null || true
fi
bench report "$RESULTS" "bench/results/$STAMP.json" --git="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --seconds=$(( $(date +%s) - T0 ))
echo "bench: $(( $(date +%s) - T0 )) s in all"
