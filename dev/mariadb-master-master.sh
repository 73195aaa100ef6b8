#!/usr/bin/env bash
# A local MariaDB master-master pair for tests and try-outs, from Debian's mariadb-server: two
# mariadbd processes on loopback ports, each a replica of the other (GTID, row-based binlogs,
# auto_increment_increment=2 with offsets 1 and 2, semi-synchronous replication so that a commit
# returns only once the other server has the transaction), all data under DIR. Never touches the
# system MariaDB (its port, socket, config and data).
#
#   dev/mariadb-master-master.sh start DIR        start a new pair in DIR (or restart the one there)
#   dev/mariadb-master-master.sh stop DIR         stop both cleanly (DIR stays; rm -rf it afterwards)
#   dev/mariadb-master-master.sh status DIR       each server: port, pid, replication threads, last error
#   dev/mariadb-master-master.sh url DIR          the Keyward database URL (server 1 first, then 2)
#   dev/mariadb-master-master.sh kill DIR N       SIGKILL server N (1 or 2)
#   dev/mariadb-master-master.sh start-node DIR N start server N again; it resumes replicating
#   dev/mariadb-master-master.sh promote DIR N    make server N the writer (read_only=OFF) and the
#                                                 other read-only: a failover, done by the operator
#   dev/mariadb-master-master.sh link DIR N PORT  make server N replicate from 127.0.0.1:PORT (a TCP
#                                                 proxy in front of the other server, for link cuts)
#   dev/mariadb-master-master.sh sql DIR N 'SQL'  run SQL on server N (its socket)
#
# Ports: KW_MM_PORT (server 1's client port; server 2 takes the next) or a free pair picked below
# 32000 (under the kernel's ephemeral ports) at
# random. The database "keyward" and the user keyward/keyward (on 127.0.0.1, rights on keyward.*
# only, so that read_only binds it) exist on both. Both servers start read-only; start promotes
# server 1, and a server started again comes back read-only.
set -euo pipefail

MARIADBD=${MARIADBD:-/usr/sbin/mariadbd}

say() { echo "master-master: $*"; }
die() { echo "master-master: $*" >&2; exit 1; }
usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# shellcheck source=dev/mariadb-lib.sh
. "$(dirname "$0")/mariadb-lib.sh"

load_env() {
  [ -f "$DIR/cluster.env" ] || die "no pair in $DIR (missing $DIR/cluster.env); run: $0 start $DIR"
  # shellcheck disable=SC1091
  . "$DIR/cluster.env"
}

port_of() { echo $(( BASE + $1 - 1 )); }
node_dir() { echo "$DIR/server$1"; }
other() { echo $(( 3 - $1 )); }

write_cnf() {
  local i=$1 d; d=$(node_dir "$i")
  { server_cnf "$i" "$(port_of "$i")"; cat <<EOF
# replication, as the privacyIDEA HA page sets it up: each server a master and the other's replica
server_id=$i
gtid_domain_id=$i
log_bin=$d/binlog
binlog_format=ROW
log_slave_updates=ON
auto_increment_increment=2
auto_increment_offset=$i
slave_net_timeout=5
# one writer at a time (docs/ha.md): every server starts read-only; 'promote' makes one writable
read_only=ON
# what Keyward needs (docs/ha.md): a commit returns once the other server has it (lossless
# failover), falling back to asynchronous replication after 2 s without an answer
rpl_semi_sync_master_enabled=ON
rpl_semi_sync_slave_enabled=ON
rpl_semi_sync_master_wait_point=AFTER_SYNC
rpl_semi_sync_master_timeout=2000
EOF
  } > "$d/my.cnf"
}

start_server() {
  local i=$1 d; d=$(node_dir "$i")
  alive "$i" && { say "server$i already runs (pid $(pid_of "$i"))"; return 0; }
  rm -f "$d/mariadbd.pid"
  "$MARIADBD" --defaults-file="$d/my.cnf" </dev/null >>"$d/stdout.log" 2>&1 &
  local deadline=$(( SECONDS + 60 ))
  until sql_on "$i" "SELECT 1" >/dev/null 2>&1; do
    kill -0 $! 2>/dev/null || die "server$i (port $(port_of "$i")) exited while starting; its log: $d/error.log
$(tail -n 15 "$d/error.log" 2>/dev/null)"
    [ $SECONDS -lt $deadline ] || die "server$i (port $(port_of "$i")) not ready after 60 s; its log: $d/error.log"
    sleep 0.2
  done
  say "server$i ready on 127.0.0.1:$(port_of "$i") (pid $(pid_of "$i"))"
}

link() { # server port: server replicates from 127.0.0.1:port
  sql_on "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$2, MASTER_USER='repl',
    MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE"
}

cmd_start() {
  [ -x "$MARIADBD" ] || die "$MARIADBD is missing: apt-get install mariadb-server"
  command -v mariadb-install-db >/dev/null || die "mariadb-install-db is missing: apt-get install mariadb-server"
  mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
  local fresh=0 i
  if [ -f "$DIR/cluster.env" ]; then
    load_env
  else
    fresh=1
    for _ in $(seq 50); do
      BASE=${KW_MM_PORT:-$(( 20000 + (RANDOM % 2400) * 5 ))}
      port_free "$BASE" && port_free $(( BASE + 1 )) && break
      [ -n "${KW_MM_PORT:-}" ] && die "ports $BASE and $(( BASE + 1 )) are not both free (KW_MM_PORT)"
      BASE=
    done
    [ -n "$BASE" ] || die "found no two free loopback ports"
    echo "BASE=$BASE" > "$DIR/cluster.env"
  fi
  chmod a+x "$DIR"  # mariadbd may run as another user (run_user)
  for i in 1 2; do
    mkdir -p "$(node_dir "$i")"; chown "$(run_user)" "$(node_dir "$i")"; write_cnf "$i"
    if [ $fresh = 1 ]; then
      mariadb-install-db --no-defaults --datadir="$(node_dir "$i")/data" --user="$(run_user)" \
        --auth-root-authentication-method=socket --skip-test-db >"$(node_dir "$i")/install.log" 2>&1 \
        || die "mariadb-install-db failed for server$i; see $(node_dir "$i")/install.log"
    fi
    start_server "$i"
    if [ $fresh = 1 ]; then # made on each server alone: not replicated
      sql_on "$i" "SET sql_log_bin = 0; CREATE DATABASE IF NOT EXISTS keyward;
        CREATE USER IF NOT EXISTS 'keyward'@'127.0.0.1' IDENTIFIED BY 'keyward'; GRANT ALL ON keyward.* TO 'keyward'@'127.0.0.1';
        CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'"
    fi
  done
  if [ $fresh = 1 ]; then
    link 1 "$(port_of 2)"; link 2 "$(port_of 1)"
    promote 1
  fi
  say "replicating both ways; database URL: $(cmd_url)"
}

promote() { # server: the one writable server; the other (if it runs) read-only
  local o pos; o=$(other "$1")
  if alive "$o"; then sql_on "$o" "SET GLOBAL read_only = ON" || say "server$o did not answer; make sure it stays down or read-only"; fi
  # first apply everything received from the old writer: writing on top of a stale copy conflicts
  pos=$(mariadb --no-defaults -S "$(node_dir "$1")/mariadbd.sock" -u"$(id -un)" -e 'SHOW SLAVE STATUS\G' \
    | awk -F': ' '/Gtid_IO_Pos/ {print $2}')
  if [ -n "$pos" ] && [ "$(sql_on "$1" "SELECT MASTER_GTID_WAIT('$pos', 60)")" != 0 ]; then
    die "server$1 did not apply the relay log up to $pos within 60 s; not promoted"
  fi
  sql_on "$1" "SET GLOBAL read_only = OFF"
  say "server$1 is the writer (read_only=OFF)$(alive "$o" && echo ", server$o read-only")"
}

cmd_url() { load_env; echo "mysql://keyward:keyward@127.0.0.1:$(port_of 1),127.0.0.1:$(port_of 2)/keyward"; }

cmd_stop() {
  load_env
  local i p
  for i in 2 1; do stop_server "$i" "server$i"; done
}

cmd_status() {
  load_env
  local i
  for i in 1 2; do
    if alive "$i"; then
      echo "server$i 127.0.0.1:$(port_of "$i") pid $(pid_of "$i") $(mariadb --no-defaults -S "$(node_dir "$i")/mariadbd.sock" \
        -u"$(id -un)" -e 'SHOW SLAVE STATUS\G' 2>/dev/null | awk -F': ' '/Slave_IO_Running|Slave_SQL_Running:|Last_SQL_Errno|Seconds_Behind/ {gsub(/^ +/, "", $1); printf "%s=%s ", $1, $2}')"
    else
      echo "server$i 127.0.0.1:$(port_of "$i") down"
    fi
  done
}

node_arg() { load_env; case "${1:-}" in 1|2) ;; *) die "server must be 1 or 2, got '${1:-}'" ;; esac; }

[ $# -ge 2 ] || usage
cmd=$1; DIR=$2; shift 2
case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  kill) node_arg "${1:-}"; alive "$1" || die "server$1 is not running"; p=$(pid_of "$1"); kill -KILL "$p"; say "server$1 killed (SIGKILL, pid $p)" ;;
  start-node) node_arg "${1:-}"; write_cnf "$1"; start_server "$1" ;;
  promote) node_arg "${1:-}"; promote "$1" ;;
  link) node_arg "${1:-}"; [ -n "${2:-}" ] || die "link takes a port"; link "$1" "$2"; say "server$1 replicates from 127.0.0.1:$2" ;;
  sql) node_arg "${1:-}"; sql_on "$1" "${2:?SQL}" ;;
  *) usage ;;
esac
