#!/usr/bin/env bash
# A local PostgreSQL 15 primary with one streaming standby, for tests and for trying failover.
# Debian's binaries, loopback ports, everything under DIR; the system PostgreSQL (5432) is never
# touched. Usage:
#   dev/pg-standby.sh start DIR [sync|async [PRIMARY_PORT STANDBY_PORT]]
#                                             primary on 55432 (or $PG_PRIMARY_PORT), standby on
#                                             55433 (or $PG_STANDBY_PORT); prints the Keyward URL
#   dev/pg-standby.sh url DIR                 the multi-host URL again
#   dev/pg-standby.sh promote DIR             promotes the standby (waits until it takes writes)
#   dev/pg-standby.sh kill DIR primary|standby  SIGKILL to that server and all its processes
#   dev/pg-standby.sh status DIR              which port is primary, which standby, replication state
#   dev/pg-standby.sh stop DIR                stops both (fast shutdown; SIGKILL if that hangs)
# "sync" (the default): synchronous_standby_names names the standby, so a commit returns only
# once the standby has flushed it. "async": commits return at once; see docs/ha.md for what a
# failover then loses. Run as root, the servers run as the postgres user (DIR is given to it).
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: $0 start|url|promote|kill|status|stop DIR [sync|async|primary|standby]}
DIR=${2:?usage: $0 $cmd DIR}
PRIMARY=$DIR/primary
STANDBY=$DIR/standby

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_of() { # the port a data directory was started with (its postgresql.auto.conf says it last)
    sed -n "s/^port = '\{0,1\}\([0-9]*\)'\{0,1\}$/\1/p" "$1/postgresql.auto.conf" | tail -1
}

sql() { # sql PORT STATEMENT: one value, or nothing when the server does not answer
    as_pg "$BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc "$2" 2>/dev/null || true
}

answers() { # answers PORT VALUE STATEMENT: true once the server on PORT answers VALUE
    [ "$(sql "$1" "$3")" = "$2" ]
}

wait_for() { # wait_for WHAT COMMAND...: up to 30 s
    local what=$1; shift
    for _ in $(seq 150); do
        if "$@"; then return 0; fi
        sleep 0.2
    done
    echo "pg-standby: gave up waiting for $what (logs in $DIR/*.log)" >&2
    return 1
}

url() {
    echo "postgres://postgres@127.0.0.1:$(port_of "$PRIMARY"),127.0.0.1:$(port_of "$STANDBY")/postgres?target_session_attrs=read-write"
}

postmaster_pid() {
    [ -f "$1/postmaster.pid" ] && head -1 "$1/postmaster.pid" || true
}

alive() {
    local pid; pid=$(postmaster_pid "$1")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start() {
    local mode=${1:-sync}
    case $mode in sync|async) ;; *) echo "pg-standby: mode must be sync or async, not $mode" >&2; exit 2 ;; esac
    local pp=${2:-${PG_PRIMARY_PORT:-55432}} sp=${3:-${PG_STANDBY_PORT:-55433}}
    if [ -e "$PRIMARY" ]; then
        echo "pg-standby: $PRIMARY exists; stop and remove it first, or choose another DIR" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$DIR"
    as_pg "$BIN/initdb" -D "$PRIMARY" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    local sync_names=""
    [ "$mode" = sync ] && sync_names="kwstandby"
    cat >>"$PRIMARY/postgresql.auto.conf" <<EOF
port = '$pp'
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
shared_buffers = '16MB'
max_connections = 60
wal_level = 'replica'
max_wal_senders = 4
wal_keep_size = '64MB'
synchronous_standby_names = '$sync_names'
synchronous_commit = 'on'
logging_collector = off
EOF
    as_pg "$BIN/pg_ctl" -D "$PRIMARY" -l "$DIR/primary.log" -w -t 30 start >/dev/null
    as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$pp" -U postgres -D "$STANDBY" -X stream -R
    # once promoted, the standby stands alone: it must not wait for a synchronous standby of its own
    cat >>"$STANDBY/postgresql.auto.conf" <<EOF
port = '$sp'
primary_conninfo = 'host=127.0.0.1 port=$pp user=postgres application_name=kwstandby'
synchronous_standby_names = ''
EOF
    as_pg "$BIN/pg_ctl" -D "$STANDBY" -l "$DIR/standby.log" -w -t 30 start >/dev/null
    local want=async
    [ "$mode" = sync ] && want=sync
    wait_for "the standby to stream ($want)" answers "$pp" "$want" \
        "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'kwstandby'"
    echo "$mode" >"$DIR/mode"
    url
}

promote() {
    as_pg "$BIN/pg_ctl" -D "$STANDBY" -w -t 30 promote >/dev/null
    local sp; sp=$(port_of "$STANDBY")
    wait_for "the standby to leave recovery" answers "$sp" f "SELECT pg_is_in_recovery()"
    echo "promoted: 127.0.0.1:$sp takes writes"
}

kill9() {
    local data
    case ${1:-} in
        primary) data=$PRIMARY ;;
        standby) data=$STANDBY ;;
        *) echo "pg-standby: kill primary or standby, not '${1:-}'" >&2; exit 2 ;;
    esac
    local pid; pid=$(postmaster_pid "$data")
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "pg-standby: the $1 is not running" >&2
        return 1
    fi
    # the postmaster and every backend it forked, at once: a machine that died, not a shutdown
    kill -9 "$pid" $(ps -o pid= --ppid "$pid") 2>/dev/null || true
    wait_for "the $1's processes to end" bash -c "! kill -0 $pid 2>/dev/null"
    echo "killed the $1 (postmaster $pid)"
}

status() {
    for name in primary standby; do
        local data=$DIR/$name port
        port=$(port_of "$data")
        if alive "$data"; then
            case $(sql "$port" "SELECT pg_is_in_recovery()") in
                f) echo "$name 127.0.0.1:$port: up, takes writes" ;;
                t) echo "$name 127.0.0.1:$port: up, standby" ;;
                *) echo "$name 127.0.0.1:$port: up, not answering" ;;
            esac
        else
            echo "$name 127.0.0.1:$port: down"
        fi
    done
}

stop() {
    for data in "$STANDBY" "$PRIMARY"; do
        [ -d "$data" ] || continue
        if alive "$data"; then
            if ! as_pg "$BIN/pg_ctl" -D "$data" -m fast -w -t 20 stop >/dev/null 2>&1; then
                local pid; pid=$(postmaster_pid "$data")
                [ -n "$pid" ] && kill -9 "$pid" $(ps -o pid= --ppid "$pid") 2>/dev/null || true
            fi
        fi
    done
    echo "stopped (data left in $DIR)"
}

case $cmd in
    start) start "${3:-sync}" "${4:-}" "${5:-}" ;;
    url) url ;;
    promote) promote ;;
    kill) kill9 "${3:-}" ;;
    status) status ;;
    stop) stop ;;
    *) echo "pg-standby: unknown command $cmd (start, url, promote, kill, status, stop)" >&2; exit 2 ;;
esac
