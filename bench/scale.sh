#!/usr/bin/env bash
# make bench-scale: Keyward with many keys. Per backend it fills a deployment (a million keys on
# SQLite, 100,000 on the networked backends), measures the request path on it (start to /ready,
# RSS, locate by one tag, encrypt by name and by id: ScaleProbe), then times every bulk operation
# through the CLI and the servers as an operator runs them, and prints keys/s per operation:
#
#   backup, restore (into an empty database of the same type), rotate-kek (on the restored copy),
#   migrate SQLite -> PostgreSQL (SQLite only), rotate-findex-label (Redis only), and on the SQL
#   backends three nodes of one replication domain: the filled node's start with replication
#   (its changelog baseline), a consumer far behind catching up on every key, a new node's
#   automatic refresh, and refresh-replication-consumer by hand.
#
# Everything it makes (data dirs, databases, Redis databases) is removed at the end, also on failure
# (then the logs are kept and named). Results: bench/results/<UTC time>-scale.tsv and the table.
#
#   make bench-scale
#   knobs: BENCH_SCALE_KEYS (1000000: SQLite) BENCH_SCALE_NET_KEYS (100000: PostgreSQL, MariaDB, Redis)
#          BENCH_SCALE_BACKENDS (sqlite,postgresql,mysql,redis-findex; each skipped if it does not answer)
#          BENCH_SCALE_OPS (comma-separated subset of: probe,backup,restore,rotate-kek,migrate,
#            rotate-findex-label,replication; default all)
#          BENCH_SCALE_PROBE_REQUESTS (2000: requests per request-path measurement)
#          BENCH_SCALE_TIMEOUT (3600: seconds one operation may take before the run gives up)
#          BENCH_SCALE_DB_TIMEOUT_MS (30000: the probed server's db_timeout_ms)
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)

KW_CP=${KW_CP:-build/keyward.jar}
BENCH_CP=${BENCH_CP:-build/bench-classes}
KEYS=${BENCH_SCALE_KEYS:-1000000}
NET_KEYS=${BENCH_SCALE_NET_KEYS:-100000}
BACKENDS=${BENCH_SCALE_BACKENDS:-sqlite,postgresql,mysql,redis-findex}
OPS=${BENCH_SCALE_OPS:-probe,backup,restore,rotate-kek,migrate,rotate-findex-label,replication}
PROBE_REQUESTS=${BENCH_SCALE_PROBE_REQUESTS:-2000}
OP_TIMEOUT=${BENCH_SCALE_TIMEOUT:-3600}
# the probed server's database timeout: on a saturated machine PostgreSQL took over 5 s (the default) to accept
DB_TIMEOUT_MS=${BENCH_SCALE_DB_TIMEOUT_MS:-30000}
LIBS=$(ls lib/*.jar | tr '\n' ':')
[ -e "$KW_CP" ] || { echo "bench-scale: $KW_CP is missing; run 'make build' (or use 'make bench-scale')" >&2; exit 1; }
[ -e "$BENCH_CP/keyward/bench/ScaleProbe.class" ] || { echo "bench-scale: no bench classes in $BENCH_CP; use 'make bench-scale'" >&2; exit 1; }

# servers and CLI commands run with the launcher's JVM flags (bin/keyward.in, KEYWARD_JAVA_OPTS honoured)
launcher_opts() {
  local line
  line=$(sed -n '/^exec java/,/keyward.Main/p' bin/keyward.in | tr -d '\\\n')
  line=${line#exec java }
  line=${line%%-cp *}
  eval "printf '%s\n' $line"
}
mapfile -t SERVER_OPTS < <(launcher_opts)

WORK=$(mktemp -d /tmp/kw-scale.XXXXXX)
RESULTS=$WORK/results.tsv
: > "$RESULTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
PG_DBS=() MY_DBS=() REDIS_DBS=() PIDS=() FAILED=0
cleanup() {
  local rc=$? p d
  for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done
  for p in ${PIDS[@]+"${PIDS[@]}"}; do wait "$p" 2>/dev/null || true; done
  for d in ${PG_DBS[@]+"${PG_DBS[@]}"}; do
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
  done
  for d in ${MY_DBS[@]+"${MY_DBS[@]}"}; do mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
  for d in ${REDIS_DBS[@]+"${REDIS_DBS[@]}"}; do redis-cli -n "$d" flushdb >/dev/null 2>&1 || true; done
  if [ $rc -ne 0 ]; then
    echo "bench-scale failed; logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

say() { echo "bench-scale: $*"; }
has() { [[ ",$2," == *",$1,"* ]]; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
keyward() { java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main "$@"; }
bench() { java -Xms256m -Xmx1g -XX:+UseSerialGC -cp "$BENCH_CP:$KW_CP:$LIBS" keyward.bench.Bench "$@"; }
free_port() { java -cp "$BENCH_CP:$KW_CP" keyward.bench.Bench free-port; }

# record OP BACKEND KEYS MILLIS: one row of the table
record() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RESULTS"
  awk -v op="$1" -v b="$2" -v k="$3" -v ms="$4" 'BEGIN {
    s = ms / 1000; printf "bench-scale: %s on %s: %d keys in %.1f s (%d keys/s)\n", op, b, k, s, (s > 0 ? k / s : 0) }'
}

# timed OP BACKEND KEYS LOG keyward ARGS...: runs the keyward command, its output in LOG with a line of it shown every 10 s
timed() {
  local op=$1 backend=$2 keys=$3 log=$4; shift 4
  local t0 rc
  say "$op on $backend ($keys keys)..."
  t0=$(now_ms)
  set +e
  [ "$1" = keyward ] || { echo "bench-scale: timed runs keyward commands only" >&2; exit 2; }
  shift
  timeout "$OP_TIMEOUT" java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main "$@" 2>&1 | tee "$log" | throttle "  $op: "
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then # shown and left out of the table; the operations after it still run
    echo "bench-scale: $op on $backend FAILED (status $rc); its output: $log" >&2
    FAILED=$((FAILED + 1))
    return 0
  fi
  record "$op" "$backend" "$keys" $(( $(now_ms) - t0 ))
}

# passes one line every 10 s through (progress without flooding), and always the last one
throttle() {
  local last=-10 line=""
  while IFS= read -r line; do
    if (( SECONDS - last >= 10 )); then echo "$1$line"; last=$SECONDS; line=""; fi
  done
  [ -z "$line" ] || echo "$1$line"
}

# ---- databases: new_db TYPE NAME prints the flags of a fresh, empty database of that type
new_db() {
  local type=$1 name=$2 db n
  case $type in
    sqlite) echo "--database-type=sqlite" ;;
    postgresql)
      db=kwscale_$$_${name}_$RANDOM
      psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $db" >/dev/null
      echo "$db" >> "$WORK/pg.dbs"
      echo "--database-type=postgresql --database-url=postgres://postgres@127.0.0.1:5432/$db" ;;
    mysql)
      db=kwscale_$$_${name}_$RANDOM
      mysql -h 127.0.0.1 -u root -e "CREATE DATABASE $db"
      echo "$db" >> "$WORK/my.dbs"
      echo "--database-type=mysql --database-url=mysql://root@127.0.0.1:3306/$db" ;;
    redis-findex)
      # a Redis database of our own (Keyward's key prefix is fixed): the first empty one from 15 down
      for n in $(seq 15 -1 1); do
        if [ "$(redis-cli -n "$n" dbsize)" = 0 ] && ! grep -qx "$n" "$WORK/redis.dbs" 2>/dev/null; then db=$n; break; fi
      done
      [ -n "${db:-}" ] || { echo "bench-scale: no empty Redis database left" >&2; exit 1; }
      echo "$db" >> "$WORK/redis.dbs"
      [ -f "$WORK/redis.password" ] || head -c 24 /dev/urandom | base64 > "$WORK/redis.password"
      echo "--database-type=redis-findex --database-url=redis://127.0.0.1:6379/$db --redis-master-password-file=$WORK/redis.password" ;;
  esac
}
# the cleanup trap reads the names back (new_db runs in a subshell)
collect_dbs() {
  [ ! -f "$WORK/pg.dbs" ] || mapfile -t PG_DBS < "$WORK/pg.dbs"
  [ ! -f "$WORK/my.dbs" ] || mapfile -t MY_DBS < "$WORK/my.dbs"
  [ ! -f "$WORK/redis.dbs" ] || mapfile -t REDIS_DBS < "$WORK/redis.dbs"
}

# count_keys DIR FLAGS: how many keys a SQL node's database holds
count_keys() {
  local dir=$1 flags=$2 url
  url=$(sed -n 's/.*--database-url=\([^ ]*\).*/\1/p' <<<"$flags")
  case $flags in
    *sqlite*) sqlite3 -readonly "$dir/keyward.db" "SELECT COUNT(*) FROM kw_keys" 2>/dev/null || echo -1 ;;
    *postgresql*) psql -h 127.0.0.1 -U postgres -d "${url##*/}" -qAtc "SELECT COUNT(*) FROM kw_keys" 2>/dev/null || echo -1 ;;
    *mysql*) mysql -h 127.0.0.1 -u root -N -B "${url##*/}" -e "SELECT COUNT(*) FROM kw_keys" 2>/dev/null || echo -1 ;;
  esac
}

# ---- servers: start_server LOG PORT ARGS... starts one in the background, its pid in PID
start_server() {
  local log=$1 port=$2; shift 2
  # java itself in the background (not the keyward function, whose subshell a kill would leave the JVM behind)
  java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main server --port="$port" "$@" > "$log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
}
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
# wait_until SECONDS DESCRIPTION CMD...: polls CMD every 0.2 s
wait_until() {
  local limit=$1 what=$2 t0=$SECONDS; shift 2
  until "$@"; do
    (( SECONDS - t0 < limit )) || { echo "bench-scale: gave up waiting for $what after $limit s (logs in $WORK)" >&2; exit 1; }
    sleep 0.2
  done
}
ready() { curl -sf "http://127.0.0.1:$1/ready" >/dev/null 2>&1; }
# has_keys DIR FLAGS N [LOG LINE]: the node holds at least N keys. A count is a scan, so it runs
# once a second at most, but at once when the node's LOG shows LINE (read at every call): the time
# is not rounded up to the next count
has_keys() {
  if { [ $# -ge 5 ] && grep -q "$5" "$4" 2>/dev/null; } || (( $(now_ms) - ${COUNTED_AT:-0} >= 1000 )); then
    COUNTED_AT=$(now_ms)
    [ "$(count_keys "$1" "$2")" -ge "$3" ] && return 0
  fi
  return 1
}

copy_key_files() { mkdir -p -m 700 "$2"; cp "$1/kek.key" "$1/pepper.key" "$1/audit.key" "$2/"; }

# ---- one backend
run_backend() {
  local type=$1 keys=$2 flags
  local dir=$WORK/$type
  say "---- $type: $keys keys"
  flags=$(new_db "$type" a); collect_dbs
  # shellcheck disable=SC2086
  keyward init --data-dir "$dir/a" $flags >/dev/null
  local repl=false
  if has replication "$OPS" && [ "$type" != redis-findex ]; then
    repl=true
    setup_replication "$type" "$dir" "$flags"
  fi

  say "fill $keys keys on $type..."
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  bench fill --keys="$keys" --named --data-dir="$dir/a" $flags 2>&1 | throttle "  "
  record fill "$type" "$keys" $(( $(now_ms) - t0 ))
  case $type in
    postgresql) psql -h 127.0.0.1 -U postgres -d "$(sed -n 's|.*5432/\([^ ]*\).*|\1|p' <<<"$flags")" -qc ANALYZE ;;
    mysql) mysql -h 127.0.0.1 -u root "$(sed -n 's|.*3306/\([^ ]*\).*|\1|p' <<<"$flags")" \
      -e "ANALYZE TABLE kw_keys, kw_key_tags, kw_key_versions, kw_key_grants" >/dev/null ;;
  esac

  if has probe "$OPS"; then
    say "request path on $type with $keys keys..."
    # shellcheck disable=SC2086
    bench scale-probe --label="$type" --keys="$keys" --requests="$PROBE_REQUESTS" --data-dir="$dir/a" \
      --out="$RESULTS" --log="$WORK/$type-probe.log" -- java "${SERVER_OPTS[@]}" -cp "$KW_CP:$LIBS" keyward.Main server \
      --data-dir="$dir/a" $flags --db-timeout-ms="$DB_TIMEOUT_MS" \
      || { echo "bench-scale: request path on $type FAILED; server log: $WORK/$type-probe.log" >&2; FAILED=$((FAILED + 1)); }
  fi

  local backup=$dir/a.kwbackup
  if has backup "$OPS" || has restore "$OPS" || has rotate-kek "$OPS"; then
    # shellcheck disable=SC2086
    timed backup "$type" "$keys" "$WORK/$type-backup.log" keyward backup --data-dir "$dir/a" $flags --out "$backup"
  fi
  if has restore "$OPS" || has rotate-kek "$OPS"; then
    local rflags; rflags=$(new_db "$type" r); collect_dbs
    copy_key_files "$dir/a" "$dir/r"
    # shellcheck disable=SC2086
    timed restore "$type" "$keys" "$WORK/$type-restore.log" keyward restore --data-dir "$dir/r" $rflags --in "$backup"
    if has rotate-kek "$OPS"; then
      # shellcheck disable=SC2086
      timed rotate-kek "$type" "$keys" "$WORK/$type-rotate-kek.log" keyward rotate-kek --data-dir "$dir/r" $rflags --switch-wait-ms 0
    fi
  fi
  if has rotate-findex-label "$OPS" && [ "$type" = redis-findex ]; then
    # shellcheck disable=SC2086
    timed rotate-findex-label "$type" "$keys" "$WORK/rotate-findex-label.log" keyward rotate-findex-label \
      --data-dir "$dir/a" $flags --new-label scale-2
  fi
  if $repl; then
    # in a subshell, so that a failure there (logged) leaves the operations after it to run
    ( trap 'for p in ${PIDS[@]+"${PIDS[@]}"}; do kill "$p" 2>/dev/null || true; done' EXIT
      run_replication "$type" "$dir" "$flags" "$keys" ) || { say "replication on $type FAILED; logs in $WORK"; FAILED=$((FAILED + 1)); }
  fi
  if has migrate "$OPS" && [ "$type" = sqlite ]; then
    if psql -h 127.0.0.1 -U postgres -d test -qAtc 'SELECT 1' >/dev/null 2>&1; then
      local mflags; mflags=$(new_db postgresql m); collect_dbs
      # shellcheck disable=SC2086
      timed migrate-to-postgresql "$type" "$keys" "$WORK/migrate.log" keyward migrate --data-dir "$dir/a" \
        --to-database-type postgresql --to-database-url "${mflags##*--database-url=}"
    else
      say "PostgreSQL does not answer; migrate skipped"
    fi
  fi
}

# ---- replication: node a (filled) lets b and c pull; b joins now, while a is empty, so that after
# the fill it is one changelog of $keys keys behind; c joins later by refresh. Ports and configs here.
setup_replication() {
  local type=$1 dir=$2 flags=$3 n cert
  for n in b c; do
    eval "FLAGS_$n=\$(new_db \"\$type\" \$n)"
    copy_key_files "$dir/a" "$dir/$n"
  done
  collect_dbs
  API_A=$(free_port) API_B=$(free_port) API_C=$(free_port)
  REPL_A=$(free_port) REPL_B=$(free_port) REPL_C=$(free_port)
  # shellcheck disable=SC2086
  CERT_A=$(keyward show-replication-certificate --data-dir "$dir/a" $flags)
  # shellcheck disable=SC2086
  CERT_B=$(keyward show-replication-certificate --data-dir "$dir/b" $FLAGS_b)
  # shellcheck disable=SC2086
  CERT_C=$(keyward show-replication-certificate --data-dir "$dir/c" $FLAGS_c)
  cat > "$dir/a/repl.toml" <<EOF
[replication]
origin = "repl://127.0.0.1:$REPL_A"
bindaddress = "127.0.0.1:$REPL_A"

[replication."repl://127.0.0.1:$REPL_B"]
type = "allow-pull"
consumer_cert = "$CERT_B"

[replication."repl://127.0.0.1:$REPL_C"]
type = "allow-pull"
consumer_cert = "$CERT_C"
EOF
  for n in b c; do
    local port; eval "port=\$REPL_${n^^}"
    cat > "$dir/$n/repl.toml" <<EOF
[replication]
origin = "repl://127.0.0.1:$port"
bindaddress = "127.0.0.1:$port"

[replication."repl://127.0.0.1:$REPL_A"]
type = "pull"
supplier_cert = "$CERT_A"
automatic_refresh = true
EOF
  done
  say "replication: b joins a's domain while a is empty"
  # shellcheck disable=SC2086
  start_server "$WORK/$type-a0.log" "$API_A" --data-dir="$dir/a" --config="$dir/a/repl.toml" $flags; local pa=$PID
  wait_until 120 "node a to be ready" ready "$API_A"
  # shellcheck disable=SC2086
  start_server "$WORK/$type-b0.log" "$API_B" --data-dir="$dir/b" --config="$dir/b/repl.toml" $FLAGS_b; local pb=$PID
  wait_until 120 "node b to join a's domain" joined "$API_B" "$(cat "$dir/a/admin.token")"
  stop_server "$pb"
  stop_server "$pa"
}
# joined PORT TOKEN: node b answers with a's token (so it holds a's users) and its partner is ok
joined() {
  curl -sf -H "Authorization: Bearer $2" "http://127.0.0.1:$1/v1/replication/status" 2>/dev/null | grep -q '"state":"ok"'
}

run_replication() {
  local type=$1 dir=$2 flags=$3 keys=$4 t0 total
  # a's first start with replication captures every filled key into its changelog
  say "replication-baseline on $type: node a starts with $keys keys not yet in its changelog..."
  t0=$(now_ms)
  # shellcheck disable=SC2086
  start_server "$WORK/$type-a.log" "$API_A" --data-dir="$dir/a" --config="$dir/a/repl.toml" $flags; local pa=$PID
  wait_until "$OP_TIMEOUT" "node a to be ready" ready "$API_A"
  record replication-baseline "$type" "$keys" $(( $(now_ms) - t0 ))
  total=$(count_keys "$dir/a" "$flags")

  say "catch-up on $type: node b, $keys changes behind, starts..."
  t0=$(now_ms)
  # shellcheck disable=SC2086
  start_server "$WORK/$type-b.log" "$API_B" --data-dir="$dir/b" --config="$dir/b/repl.toml" $FLAGS_b; local pb=$PID
  wait_until "$OP_TIMEOUT" "node b to catch up" has_keys "$dir/b" "$FLAGS_b" "$total" "$WORK/$type-b.log" "caught up with"
  record catch-up-far-behind "$type" "$keys" $(( $(now_ms) - t0 ))
  stop_server "$pb"

  say "automatic refresh on $type: node c, empty, starts..."
  t0=$(now_ms)
  # shellcheck disable=SC2086
  start_server "$WORK/$type-c.log" "$API_C" --data-dir="$dir/c" --config="$dir/c/repl.toml" $FLAGS_c; local pc=$PID
  wait_until "$OP_TIMEOUT" "node c to refresh" has_keys "$dir/c" "$FLAGS_c" "$total" "$WORK/$type-c.log" "refreshed from"
  wait_until 60 "node c to be ready" ready "$API_C"
  record automatic-refresh "$type" "$keys" $(( $(now_ms) - t0 ))
  stop_server "$pc"

  # shellcheck disable=SC2086
  timed refresh-replication-consumer "$type" "$keys" "$WORK/$type-refresh.log" keyward refresh-replication-consumer \
    --data-dir "$dir/c" --config "$dir/c/repl.toml" $FLAGS_c --from "repl://127.0.0.1:$REPL_A" --yes
  [ "$(count_keys "$dir/c" "$FLAGS_c")" = "$total" ] || { echo "bench-scale: node c holds $(count_keys "$dir/c" "$FLAGS_c") keys after the refresh, not $total" >&2; exit 1; }
  stop_server "$pa"
}

IFS=', ' read -r -a WANT <<<"$BACKENDS"
for b in "${WANT[@]}"; do
  case $b in
    sqlite) run_backend sqlite "$KEYS" ;;
    postgresql|postgres)
      if psql -h 127.0.0.1 -U postgres -d test -qAtc 'SELECT 1' >/dev/null 2>&1; then run_backend postgresql "$NET_KEYS"
      else say "PostgreSQL at 127.0.0.1:5432 does not answer; skipped"; fi ;;
    mysql|mariadb)
      if mysql -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1; then run_backend mysql "$NET_KEYS"
      else say "MariaDB at 127.0.0.1:3306 does not answer; skipped"; fi ;;
    redis-findex|redis)
      if [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ]; then run_backend redis-findex "$NET_KEYS"
      else say "Redis at 127.0.0.1:6379 does not answer; skipped"; fi ;;
    *) echo "bench-scale: unknown backend '$b' (sqlite, postgresql, mysql, redis-findex)" >&2; exit 2 ;;
  esac
done

mkdir -p bench/results
OUT=bench/results/$STAMP-scale.tsv
{
  printf '# make bench-scale %s, git %s, %s s\n' "$STAMP" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    $(( $(date +%s) - T0 ))
  cat "$RESULTS"
} > "$OUT"
echo
awk -F'\t' '
  $1 !~ /^request:/ { if (!n++) printf "%-30s %-13s %9s %9s %9s\n", "operation", "backend", "keys", "seconds", "keys/s";
    printf "%-30s %-13s %9d %9.1f %9.0f\n", $1, $2, $3, $4 / 1000, ($4 > 0 ? $3 * 1000 / $4 : 0) }' "$RESULTS"
echo
awk -F'\t' '
  $1 ~ /^request:/ { if (!n++) printf "%-30s %-13s %9s %12s\n", "request path", "backend", "keys", "value";
    printf "%-30s %-13s %9d %12s\n", substr($1, 9), $2, $3, $4 }' "$RESULTS"
say "results in $OUT; $(( $(date +%s) - T0 )) s in all"
if [ "$FAILED" != 0 ]; then
  say "$FAILED operation(s) FAILED (above); logs in $WORK"
  trap - EXIT
  exit 1
fi
