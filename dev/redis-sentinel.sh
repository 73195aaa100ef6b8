#!/usr/bin/env bash
# A local Redis primary with one replica and three Sentinels, for tests and for trying failover.
# Debian's redis-server and redis-sentinel, loopback ports, everything under DIR; the system Redis
# (6379) is never touched. Usage:
#   dev/redis-sentinel.sh start DIR [--tls] [PRIMARY REPLICA SENTINEL1 SENTINEL2 SENTINEL3 [PRIMARY_ANNOUNCED REPLICA_ANNOUNCED]]
#                                         ports: primary 56379, replica 56380, Sentinels 56381-56383
#                                         (or $REDIS_PRIMARY_PORT, $REDIS_REPLICA_PORT, $SENTINEL_PORTS);
#                                         prints the Keyward URL. With --tls every server and Sentinel
#                                         speaks TLS only (tls-port; replication and Sentinel links too),
#                                         with certificates for 127.0.0.1 and localhost from a CA made in
#                                         DIR/tls (trust DIR/tls/ca.pem: redis_tls_ca_file), and the URL
#                                         is rediss-sentinel://
#   dev/redis-sentinel.sh url DIR          redis-sentinel://127.0.0.1:56381,.../keyward
#   dev/redis-sentinel.sh failover DIR     SENTINEL FAILOVER (a planned switch), waits until done
#   dev/redis-sentinel.sh kill DIR primary|replica  SIGKILL to the master the Sentinels name, or the other
#   dev/redis-sentinel.sh revive DIR       starts again every server that is down (from its
#                                         append-only file); the Sentinels make it a replica
#   dev/redis-sentinel.sh master DIR       the master's port as the Sentinels name it
#   dev/redis-sentinel.sh status DIR       each server's role as it answers ROLE
#   dev/redis-sentinel.sh stop DIR         SHUTDOWN NOSAVE to all five (SIGKILL if one hangs)
# The master name is $REDIS_MASTER_NAME (keyward). Sentinels declare the primary down after
# $DOWN_AFTER_MS (1000) ms; $FAILOVER_TIMEOUT_MS (3000) bounds a failover, and a new failover of the
# same master waits twice that after the last one. To put something between the servers (tests put a TCP proxy in front
# of each, to cut one off), give the announced ports (or REDIS_PRIMARY_ANNOUNCE_PORT and
# REDIS_REPLICA_ANNOUNCE_PORT): each server is then reached, by the replica, the Sentinels and
# clients alike, at that port.
set -euo pipefail

cmd=${1:?usage: $0 start|url|failover|kill|revive|master|status|stop DIR}
DIR=${2:?usage: $0 $cmd DIR}
CLI=/usr/bin/redis-cli
# a cluster started with --tls is spoken to with TLS by every later command
[ -f "$DIR/tls/ca.pem" ] && CLI="$CLI --tls --cacert $DIR/tls/ca.pem"

cli() { # cli PORT ARGS...: the reply, or nothing if the server does not answer within 2 s
    timeout 2 $CLI -h 127.0.0.1 -p "$@" 2>/dev/null || true
}

make_certs() { # a CA and one server certificate (127.0.0.1, localhost) for every server and Sentinel
    local t=$DIR/tls
    mkdir -p "$t"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=keyward dev Redis CA" \
        -keyout "$t/ca.key" -out "$t/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$t/server.key" -out "$t/server.csr" 2>/dev/null
    printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth, clientAuth\n' >"$t/ext.cnf"
    openssl x509 -req -in "$t/server.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 30 \
        -extfile "$t/ext.cnf" -out "$t/server.pem" 2>/dev/null
    chmod 600 "$t"/*.key
    CLI="$CLI --tls --cacert $t/ca.pem"
}

listen() { # listen PORT: the lines of a server's or Sentinel's config that make it listen on PORT
    if [ -f "$DIR/tls/ca.pem" ]; then
        cat <<EOF
port 0
tls-port $1
tls-cert-file $DIR/tls/server.pem
tls-key-file $DIR/tls/server.key
tls-ca-cert-file $DIR/tls/ca.pem
tls-auth-clients no
tls-replication yes
EOF
    else
        echo "port $1"
    fi
}

wait_for() { # wait_for WHAT COMMAND...: up to 30 s
    local what=$1; shift
    for _ in $(seq 150); do
        if "$@"; then return 0; fi
        sleep 0.2
    done
    echo "redis-sentinel: gave up waiting for $what (logs in $DIR/*.log)" >&2
    return 1
}

setting() { cat "$DIR/$1"; }

launch() { # launch PORT PROGRAM CONF: starts it (it daemonizes) and waits until it answers on PORT
    local port=$1; shift
    if [ -n "$(cli "$port" PING)" ]; then
        echo "redis-sentinel: port $port is taken by another server; choose other ports" >&2
        exit 1
    fi
    "$@"
    if ! wait_for "port $port to answer" bash -c "[ -n \"\$($CLI -h 127.0.0.1 -p $port PING 2>/dev/null)\" ]"; then
        tail -3 "$DIR"/*"$port".log >&2 || true
        exit 1
    fi
}

url() {
    local hosts=""
    for p in $(setting sentinel-ports); do hosts="$hosts${hosts:+,}127.0.0.1:$p"; done
    local scheme=redis-sentinel
    [ -f "$DIR/tls/ca.pem" ] && scheme=rediss-sentinel
    echo "$scheme://$hosts/$(setting master-name)"
}

start() {
    local tls=no
    if [ "${1:-}" = --tls ]; then tls=yes; shift; fi
    local pp=${1:-${REDIS_PRIMARY_PORT:-56379}} rp=${2:-${REDIS_REPLICA_PORT:-56380}}
    local sps=${SENTINEL_PORTS:-56381 56382 56383} name=${REDIS_MASTER_NAME:-keyward}
    [ -n "${5:-}" ] && sps="$3 $4 $5"
    local pa=${6:-${REDIS_PRIMARY_ANNOUNCE_PORT:-$pp}} ra=${7:-${REDIS_REPLICA_ANNOUNCE_PORT:-$rp}}
    if [ -e "$DIR/servers" ]; then
        echo "redis-sentinel: $DIR holds a cluster; stop it and remove DIR first, or choose another DIR" >&2
        exit 1
    fi
    mkdir -p "$DIR"
    [ $tls = yes ] && make_certs
    echo "$name" >"$DIR/master-name"
    echo "$sps" >"$DIR/sentinel-ports"
    echo "$pp $rp" >"$DIR/servers"
    echo "$pa $ra" >"$DIR/announced"
    for role in primary replica; do
        local port=$pp announce=$pa
        [ $role = replica ] && port=$rp announce=$ra
        mkdir -p "$DIR/$port"
        listen "$port" >"$DIR/$port.conf"
        cat >>"$DIR/$port.conf" <<EOF
bind 127.0.0.1
protected-mode no
daemonize yes
pidfile $DIR/$port.pid
logfile $DIR/$port.log
dir $DIR/$port
save ""
appendonly yes
appendfsync everysec
replica-announce-ip 127.0.0.1
replica-announce-port $announce
repl-timeout 5
EOF
        [ $role = replica ] && echo "replicaof 127.0.0.1 $pa" >>"$DIR/$port.conf"
        launch "$port" /usr/bin/redis-server "$DIR/$port.conf"
    done
    for sp in $sps; do
        mkdir -p "$DIR/s$sp"
        listen "$sp" >"$DIR/sentinel-$sp.conf"
        cat >>"$DIR/sentinel-$sp.conf" <<EOF
bind 127.0.0.1
protected-mode no
daemonize yes
pidfile $DIR/sentinel-$sp.pid
logfile $DIR/sentinel-$sp.log
dir $DIR/s$sp
sentinel announce-ip 127.0.0.1
sentinel monitor $name 127.0.0.1 $pa 2
sentinel down-after-milliseconds $name ${DOWN_AFTER_MS:-1000}
sentinel failover-timeout $name ${FAILOVER_TIMEOUT_MS:-3000}
sentinel parallel-syncs $name 1
EOF
        launch "$sp" /usr/bin/redis-sentinel "$DIR/sentinel-$sp.conf"
    done
    wait_for "the replica to sync" bash -c "$CLI -h 127.0.0.1 -p $rp INFO replication 2>/dev/null | grep -q 'master_link_status:up'"
    for sp in $sps; do
        wait_for "Sentinel $sp to see the replica and the other Sentinels" bash -c \
            "[ \"\$($CLI -h 127.0.0.1 -p $sp SENTINEL master $name 2>/dev/null | sed -n '/^num-other-sentinels$/{n;p}')\" = 2 ] &&
             [ \"\$($CLI -h 127.0.0.1 -p $sp SENTINEL master $name 2>/dev/null | sed -n '/^num-slaves$/{n;p}')\" = 1 ]"
    done
    url
}

role_of() { cli "$1" ROLE | head -1; }


failover() {
    local name; name=$(setting master-name)
    local first; first=$(setting sentinel-ports | awk '{print $1}')
    local before; before=$(cli "$first" SENTINEL get-master-addr-by-name "$name" | tail -1)
    cli "$first" SENTINEL FAILOVER "$name" >/dev/null
    wait_for "Sentinel to name a new master" bash -c \
        "[ \"\$($CLI -h 127.0.0.1 -p $first SENTINEL get-master-addr-by-name $name 2>/dev/null | tail -1)\" != $before ]"
    echo "failover: master '$name' now at port $(cli "$first" SENTINEL get-master-addr-by-name "$name" | tail -1)"
}

real_port() { # the real port of the server announced at $1
    local i=0 a
    for a in $(setting announced); do
        i=$((i + 1))
        if [ "$a" = "$1" ]; then setting servers | awk "{print \$$i}"; return 0; fi
    done
    return 1
}

kill9() {
    local master port
    master=$(real_port "$(master)") || { echo "redis-sentinel: the Sentinels name no master of this cluster" >&2; return 1; }
    case ${1:-} in
        primary) port=$master ;;
        replica) port=$(setting servers | tr ' ' '\n' | grep -vx "$master") ;;
        *) echo "redis-sentinel: kill primary or replica, not '${1:-}'" >&2; exit 2 ;;
    esac
    [ -f "$DIR/$port.pid" ] || { echo "redis-sentinel: redis $port is not running" >&2; return 1; }
    local pid; pid=$(cat "$DIR/$port.pid")
    kill -9 "$pid"
    wait_for "redis $port to end" bash -c "! kill -0 $pid 2>/dev/null"
    rm -f "$DIR/$port.pid"
    echo "killed the $1 (port $port, pid $pid)"
}

revive() {
    for p in $(setting servers); do
        if [ -f "$DIR/$p.pid" ] && kill -0 "$(cat "$DIR/$p.pid")" 2>/dev/null; then continue; fi
        launch "$p" /usr/bin/redis-server "$DIR/$p.conf"
        echo "revived redis 127.0.0.1:$p"
    done
}

master() { # the master's port as the first Sentinel that answers names it
    for sp in $(setting sentinel-ports); do
        local addr; addr=$(cli "$sp" SENTINEL get-master-addr-by-name "$(setting master-name)" | tail -1)
        if [ -n "$addr" ]; then echo "$addr"; return 0; fi
    done
    echo "redis-sentinel: no Sentinel answers" >&2
    return 1
}

status() {
    for p in $(setting servers); do
        echo "redis 127.0.0.1:$p: $(role_of "$p" | sed 's/^$/down/')"
    done
    for sp in $(setting sentinel-ports); do
        echo "sentinel 127.0.0.1:$sp: master at $(cli "$sp" SENTINEL get-master-addr-by-name "$(setting master-name)" | tr '\n' ' ')"
    done
}

stop() {
    [ -f "$DIR/servers" ] || { echo "redis-sentinel: no cluster in $DIR" >&2; return 0; }
    for p in $(setting sentinel-ports) $(setting servers); do
        local pidfile=$DIR/$p.pid
        [ -f "$pidfile" ] || pidfile=$DIR/sentinel-$p.pid
        [ -f "$pidfile" ] || continue
        local pid; pid=$(cat "$pidfile")
        kill -0 "$pid" 2>/dev/null || continue
        cli "$p" SHUTDOWN NOSAVE >/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    echo "stopped (data left in $DIR)"
}

case $cmd in
    start) shift 2; start "$@" ;;
    url) url ;;
    failover) failover ;;
    kill) kill9 "${3:-}" ;;
    revive) revive ;;
    master) master ;;
    status) status ;;
    stop) stop ;;
    *) echo "redis-sentinel: unknown command $cmd (start, url, failover, kill, revive, master, status, stop)" >&2; exit 2 ;;
esac
