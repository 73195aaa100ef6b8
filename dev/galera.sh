#!/usr/bin/env bash
# A local MariaDB Galera cluster for tests and try-outs, from Debian's packages (mariadb-server,
# galera-4, rsync): N nodes (default 3) on loopback ports, all data under DIR, run as separate
# mariadbd processes that never touch the system MariaDB (its port, socket, config and data).
#
#   dev/galera.sh start DIR [NODES]   start a new cluster in DIR (or restart the one there)
#   dev/galera.sh stop DIR            stop every node cleanly (DIR stays; rm -rf it afterwards)
#   dev/galera.sh status DIR          each node: port, pid, wsrep state
#   dev/galera.sh url DIR             the Keyward database URL naming every node
#   dev/galera.sh kill DIR N          SIGKILL node N (1-based): a crashed server
#   dev/galera.sh start-node DIR N    start node N again; it rejoins (state transfer by rsync)
#   dev/galera.sh isolate DIR N on|off  cut node N off the cluster's network (gmcast.isolate): it
#                                     leaves the primary component and refuses work (error 1047)
#   dev/galera.sh sql DIR N 'SQL'     run SQL on node N as root (its socket)
#
# Ports: KW_GALERA_PORT (the first node's client port; each node takes 4 ports: client, Galera,
# IST, SST) or a free range picked at random below 32000, under the kernel's ephemeral ports (an
# outgoing connection can take one of those between the check and the bind). DIR/cluster.env records them. The database
# "keyward" and the user keyward/keyward (on 127.0.0.1) are made for Keyward.
set -euo pipefail

MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}

say() { echo "galera: $*"; }
die() { echo "galera: $*" >&2; exit 1; }

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

need() {
  [ -x "$MARIADBD" ] || die "$MARIADBD is missing: apt-get install mariadb-server"
  [ -f "$PROVIDER" ] || die "$PROVIDER is missing: apt-get install galera-4"
  command -v mariadb-install-db >/dev/null || die "mariadb-install-db is missing: apt-get install mariadb-server"
  command -v rsync >/dev/null || die "rsync is missing (state transfer to a joining node): apt-get install rsync"
}

# shellcheck source=dev/mariadb-lib.sh
. "$(dirname "$0")/mariadb-lib.sh"

pick_ports() { # nodes: sets BASE so that 4*nodes ports from it are free
  local n=$1 base p ok
  for _ in $(seq 50); do
    base=${KW_GALERA_PORT:-$(( 20000 + (RANDOM % 1200) * 10 ))}
    ok=1
    for p in $(seq "$base" $(( base + 4 * n - 1 ))); do port_free "$p" || { ok=0; break; }; done
    if [ $ok = 1 ]; then BASE=$base; return 0; fi
    [ -n "${KW_GALERA_PORT:-}" ] && die "ports $base..$(( base + 4 * n - 1 )) are not all free (KW_GALERA_PORT)"
  done
  die "found no free range of $(( 4 * n )) loopback ports"
}

load_env() {
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (missing $DIR/cluster.env); run: $0 start $DIR"
  # shellcheck disable=SC1091
  . "$DIR/cluster.env"
}

client_port() { echo $(( BASE + 4 * ($1 - 1) )); }
gcomm_port() { echo $(( BASE + 4 * ($1 - 1) + 1 )); }
ist_port() { echo $(( BASE + 4 * ($1 - 1) + 2 )); }
sst_port() { echo $(( BASE + 4 * ($1 - 1) + 3 )); }
node_dir() { echo "$DIR/node$1"; }

write_cnf() { # node
  local i=$1 d peers="" j
  d=$(node_dir "$i")
  for j in $(seq 1 "$NODES"); do peers="$peers${peers:+,}127.0.0.1:$(gcomm_port "$j")"; done
  { server_cnf "$i" "$(client_port "$i")"; cat <<EOF
# what Galera needs
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=keyward-dev
wsrep_cluster_address=gcomm://$peers
wsrep_node_name=node$i
wsrep_node_address=127.0.0.1:$(gcomm_port "$i")
wsrep_node_incoming_address=127.0.0.1:$(client_port "$i")
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$i")
wsrep_provider_options="base_port=$(gcomm_port "$i");gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$i");ist.recv_addr=127.0.0.1:$(ist_port "$i");gcache.size=64M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.inactive_check_period=PT0.5S;evs.install_timeout=PT4S"
# what Keyward needs (docs/ha.md): causal reads, so a read on one node sees a commit made on another
wsrep_sync_wait=1
EOF
  } > "$d/my.cnf"
}

start_node() { # node [--wsrep-new-cluster]
  local i=$1 d; shift
  d=$(node_dir "$i")
  alive "$i" && { say "node$i already runs (pid $(pid_of "$i"))"; return 0; }
  rm -f "$d/mariadbd.pid"
  "$MARIADBD" --defaults-file="$d/my.cnf" "$@" </dev/null >>"$d/stdout.log" 2>&1 &
  local deadline=$(( SECONDS + ${KW_GALERA_START_TIMEOUT:-90} ))
  while :; do
    if [ "$(sql_on "$i" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_ready'" 2>/dev/null)" = ON ]; then
      break
    fi
    if ! kill -0 $! 2>/dev/null; then
      die "node$i (port $(client_port "$i")) exited while starting; its log: $d/error.log
$(tail -n 15 "$d/error.log" 2>/dev/null)"
    fi
    [ $SECONDS -lt $deadline ] || die "node$i (port $(client_port "$i")) not ready after ${KW_GALERA_START_TIMEOUT:-90} s; its log: $d/error.log"
    sleep 0.3
  done
  say "node$i ready on 127.0.0.1:$(client_port "$i") (pid $(pid_of "$i"))"
}

cmd_start() {
  need
  local nodes=${1:-3} i fresh=1
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  if [ -f "$DIR/cluster.env" ]; then
    load_env; fresh=0
  else
    [ "$nodes" -ge 1 ] 2>/dev/null || die "NODES must be a number, got '$nodes'"
    NODES=$nodes; pick_ports "$NODES"
    printf 'NODES=%s\nBASE=%s\n' "$NODES" "$BASE" > "$DIR/cluster.env"
  fi
  local first=1
  chmod a+x "$DIR"  # mariadbd may run as another user (run_user)
  for i in $(seq 1 "$NODES"); do
    mkdir -p "$(node_dir "$i")"
    chown "$(run_user)" "$(node_dir "$i")"
    write_cnf "$i"
    if [ $fresh = 1 ]; then
      mariadb-install-db --no-defaults --datadir="$(node_dir "$i")/data" --user="$(run_user)" \
        --auth-root-authentication-method=socket --skip-test-db >"$(node_dir "$i")/install.log" 2>&1 \
        || die "mariadb-install-db failed for node$i; see $(node_dir "$i")/install.log"
    elif grep -q '^safe_to_bootstrap: *1' "$(node_dir "$i")/data/grastate.dat" 2>/dev/null; then
      first=$i
    fi
  done
  say "starting $NODES nodes in $DIR (client ports $(client_port 1)..$(client_port "$NODES"), step 4)"
  if [ $fresh = 0 ] && ! grep -q '^safe_to_bootstrap: *1' "$(node_dir "$first")/data/grastate.dat" 2>/dev/null; then
    sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$(node_dir "$first")/data/grastate.dat" 2>/dev/null || true
    say "no node was stopped last cleanly; bootstrapping from node$first"
  fi
  start_node "$first" --wsrep-new-cluster
  if [ $fresh = 1 ]; then
    sql_on "$first" "CREATE DATABASE IF NOT EXISTS keyward; CREATE USER IF NOT EXISTS 'keyward'@'127.0.0.1' IDENTIFIED BY 'keyward';
      GRANT ALL ON *.* TO 'keyward'@'127.0.0.1'" || die "cannot create the keyward database and user on node$first"
  fi
  for i in $(seq 1 "$NODES"); do
    [ "$i" = "$first" ] || start_node "$i"
  done
  say "cluster size $(sql_on 1 "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='wsrep_cluster_size'")"
  say "database URL: $(cmd_url)"
}

cmd_url() {
  load_env
  local hosts="" i
  for i in $(seq 1 "$NODES"); do hosts="$hosts${hosts:+,}127.0.0.1:$(client_port "$i")"; done
  echo "mysql://keyward:keyward@$hosts/keyward"
}

cmd_stop() {
  load_env
  local i p
  for i in $(seq "$NODES" -1 1); do # the last one down is the one to bootstrap from next time
    stop_server "$i" "node$i"
  done
}

cmd_status() {
  load_env
  local i state
  for i in $(seq 1 "$NODES"); do
    if alive "$i"; then
      state=$(sql_on "$i" "SELECT GROUP_CONCAT(CONCAT(VARIABLE_NAME,'=',VARIABLE_VALUE) SEPARATOR ' ') FROM information_schema.GLOBAL_STATUS
        WHERE VARIABLE_NAME IN ('wsrep_cluster_status','wsrep_local_state_comment','wsrep_cluster_size','wsrep_ready')" 2>/dev/null \
        || echo "not answering")
      echo "node$i 127.0.0.1:$(client_port "$i") pid $(pid_of "$i") ${state,,}"
    else
      echo "node$i 127.0.0.1:$(client_port "$i") down"
    fi
  done
}

node_arg() {
  load_env
  [ -n "${1:-}" ] && [ "$1" -ge 1 ] 2>/dev/null && [ "$1" -le "$NODES" ] || die "node must be 1..$NODES, got '${1:-}'"
}

[ $# -ge 2 ] || usage
cmd=$1; DIR=$2; shift 2
case "$cmd" in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  kill) node_arg "${1:-}"; p=$(pid_of "$1"); alive "$1" || die "node$1 is not running"; kill -KILL "$p"; say "node$1 killed (SIGKILL, pid $p)" ;;
  start-node) node_arg "${1:-}"; write_cnf "$1"; start_node "$1" ;;
  isolate)
    node_arg "${1:-}"
    case "${2:-}" in on) v=1 ;; off) v=0 ;; *) die "isolate takes on or off" ;; esac
    sql_on "$1" "SET GLOBAL wsrep_provider_options='gmcast.isolate=$v'"
    say "node$1 isolation $2" ;;
  sql) node_arg "${1:-}"; sql_on "$1" "${2:?SQL}" ;;
  *) usage ;;
esac
