# Shared by dev/galera.sh and dev/mariadb-master-master.sh (sourced, not run): each defines
# node_dir N (a server's directory) before calling these.

# mariadbd runs as the calling user, or as "mysql" when that is root: Galera's rsync state transfer
# runs a daemon that, started by root, drops to "nobody" and cannot write the data dir
run_user() { if [ "$(id -u)" = 0 ] && id mysql >/dev/null 2>&1; then echo mysql; else id -un; fi; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() { cat "$(node_dir "$1")/mariadbd.pid" 2>/dev/null || true; }

# running, not a zombie left unreaped (a killed server whose parent, the shell that started it, is gone)
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && ! grep -q '^[^)]*) Z' "/proc/$p/stat" 2>/dev/null; }

# as the calling user over the server's socket (mariadb-install-db made it an account)
sql_on() { mariadb --no-defaults -S "$(node_dir "$1")/mariadbd.sock" -u"$(id -un)" -N -B -e "$2"; }

server_cnf() { # server port: the [mysqld] lines every local server has: its files under its directory, loopback, small
  local d; d=$(node_dir "$1")
  # a tmpdir of its own: a starting server deletes every #sql* file in its tmpdir, others' too
  mkdir -p "$d/tmp" && chown "$(run_user)" "$d/tmp"
  cat <<CNF
[mysqld]
datadir=$d/data
socket=$d/mariadbd.sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
tmpdir=$d/tmp
port=$2
bind-address=127.0.0.1
skip-name-resolve
user=$(run_user)
# small: a test cluster on a laptop or a CI runner
innodb_buffer_pool_size=32M
innodb_log_file_size=16M
performance_schema=OFF
max_connections=200
innodb_flush_log_at_trx_commit=2
CNF
}

stop_server() { # server name: SIGTERM and wait (60 s, then SIGKILL)
  local p; p=$(pid_of "$1")
  alive "$1" || return 0
  kill -TERM "$p"
  for _ in $(seq 600); do alive "$1" || break; sleep 0.1; done
  if alive "$1"; then kill -KILL "$p"; say "$2 did not stop within 60 s; killed"; else say "$2 stopped"; fi
}
