# shellcheck shell=bash
# Local PostgreSQL 15 and RabbitMQ 3.10 for TenantDesk, without systemd or Docker.
# Source this file; every function takes the stack folder (e.g. .local/dev) first,
# so several stacks can run side by side on different ports.

TD_PG_BIN=/usr/lib/postgresql/15/bin
TD_RABBIT_BIN=/usr/lib/rabbitmq/bin
TD_PACKAGES=(postgresql-15 postgresql-client-15 rabbitmq-server librabbitmq-dev amqp-tools pkg-config curl jq tzdata)

# True while PID exists and is not a zombie.
td_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ -n $stat && ${stat%% *} != Z ]]
}

td_log() { echo "==> $*" >&2; }
td_die() { echo "error: $*" >&2; exit 1; }

# Prints the last lines of each given file that exists.
td_tail_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    echo "---- tail of $f ----" >&2
    tail -n 40 "$f" >&2
  done
}

# Fails if something already listens on 127.0.0.1:PORT.
td_require_free_port() { # PORT WHAT
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    td_die "$2: port 127.0.0.1:$1 is already in use"
  fi
}

td_install_packages() {
  local missing=() p
  for p in "${TD_PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f '${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  td_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- PostgreSQL

_td_pg_ctl() { # DATA_DIR args...
  local data=$1; shift
  (cd / && runuser -u postgres -- "$TD_PG_BIN/pg_ctl" -D "$data" "$@")
}

# Makes every folder from / down to $1 traversable by the postgres user.
_td_make_traversable() {
  local dir
  dir=$(realpath -m "$1")
  runuser -u postgres -- test -x "$dir" 2>/dev/null && return 0
  while [[ $dir != / ]]; do
    [[ -d $dir ]] && chmod o+x "$dir"
    dir=$(dirname "$dir")
  done
}

td_pg_start() { # STACK_DIR PORT
  local stack port root data sock logfile
  stack=$(realpath -m "$1"); port=$2
  root=$stack/postgres data=$root/data sock=$root/socket logfile=$root/postgres.log

  if _td_pg_ctl "$data" status >/dev/null 2>&1; then
    td_log "PostgreSQL already running ($root)"
  else
    mkdir -p "$root" "$sock"
    _td_make_traversable "$root"
    chown postgres:postgres "$root" "$sock"
    chmod 700 "$sock"
    if [[ ! -f $data/PG_VERSION ]]; then
      td_log "initdb $data"
      rm -rf "$data"
      (cd / && runuser -u postgres -- "$TD_PG_BIN/initdb" -D "$data" -U postgres \
        --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1) ||
        { td_tail_logs "$root/initdb.log"; td_die "initdb failed"; }
    fi
    td_require_free_port "$port" PostgreSQL
    td_log "starting PostgreSQL on 127.0.0.1:$port ($root)"
    touch "$logfile" && chown postgres:postgres "$logfile"
    _td_pg_ctl "$data" start -w -t 60 -l "$logfile" \
      -o "-c listen_addresses=127.0.0.1 -p $port -k '$sock'" >/dev/null ||
      { td_tail_logs "$logfile"; td_die "PostgreSQL did not start on port $port"; }
  fi
  _td_pg_bootstrap "$sock" "$port"
}

_td_pg_psql() { # SOCKET PORT DB  (SQL on stdin)
  "$TD_PG_BIN/psql" -h "$1" -p "$2" -U postgres -d "$3" -X -q -v ON_ERROR_STOP=1 >/dev/null
}

_td_pg_bootstrap() { # SOCKET PORT
  _td_pg_psql "$1" "$2" postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantdesk_owner') THEN
    CREATE ROLE tenantdesk_owner;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantdesk_app') THEN
    CREATE ROLE tenantdesk_app;
  END IF;
END
$$;
ALTER ROLE tenantdesk_owner LOGIN PASSWORD 'tenantdesk_owner' CREATEDB NOSUPERUSER;
ALTER ROLE tenantdesk_app LOGIN PASSWORD 'tenantdesk_app'
  NOSUPERUSER NOCREATEDB NOBYPASSRLS NOCREATEROLE;
SELECT 'CREATE DATABASE tenantdesk OWNER tenantdesk_owner'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tenantdesk')
\gexec
ALTER DATABASE tenantdesk OWNER TO tenantdesk_owner;
REVOKE ALL ON DATABASE tenantdesk FROM PUBLIC;
GRANT CONNECT ON DATABASE tenantdesk TO tenantdesk_app;
SQL
  _td_pg_psql "$1" "$2" tenantdesk <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO tenantdesk_owner;
SQL
}

td_pg_stop() { # STACK_DIR
  local data
  data=$(realpath -m "$1")/postgres/data
  if _td_pg_ctl "$data" status >/dev/null 2>&1; then
    td_log "stopping PostgreSQL ($data)"
    _td_pg_ctl "$data" stop -m fast -w -t 60 >/dev/null
  fi
}

# ------------------------------------------------------------------ RabbitMQ

# Exports the environment shared by rabbitmq-server and rabbitmqctl for one node.
_td_rabbit_env() { # STACK_DIR NODENAME
  local root
  root=$(realpath -m "$1")/rabbitmq
  export HOME=$root/home
  export RABBITMQ_NODENAME=$2@localhost
  export RABBITMQ_MNESIA_BASE=$root/mnesia
  export RABBITMQ_LOG_BASE=$root/log
  export RABBITMQ_PID_FILE=$root/rabbitmq.pid
  export RABBITMQ_ENABLED_PLUGINS_FILE=$root/enabled_plugins
  export RABBITMQ_CONF_ENV_FILE=$root/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$root/rabbitmq.conf
  export ERL_EPMD_ADDRESS=127.0.0.1
  export ERL_CRASH_DUMP=$root/erl_crash.dump
}

# Prints the pid of the node if it is alive.
_td_rabbit_pid() { # STACK_DIR
  local pidfile pid
  pidfile=$(realpath -m "$1")/rabbitmq/rabbitmq.pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && td_alive "$pid" || return 1
  # Guard against a recycled pid: the process must be this stack's Erlang VM.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$(realpath -m "$1")/rabbitmq" || return 1
  echo "$pid"
}

td_rabbit_ctl() { # STACK_DIR NODENAME args...
  (
    _td_rabbit_env "$1" "$2"
    shift 2
    mkdir -p "$HOME"
    exec "$TD_RABBIT_BIN/rabbitmqctl" "$@"
  )
}

# Declares, publishes to and deletes a queue as the application user.
_td_rabbit_check() { # PORT
  local url="amqp://tenantdesk:tenantdesk@127.0.0.1:$1/tenantdesk" queue="td-startup-check-$$"
  amqp-declare-queue --url "$url" -q "$queue" >/dev/null &&
    amqp-publish --url "$url" -r "$queue" -b ping &&
    amqp-delete-queue --url "$url" -q "$queue" >/dev/null
}

td_rabbit_start() { # STACK_DIR PORT DIST_PORT NODENAME
  local stack=$1 port=$2 dist_port=$3 node=$4 root
  root=$(realpath -m "$stack")/rabbitmq

  if _td_rabbit_pid "$stack" >/dev/null; then
    td_log "RabbitMQ $node already running ($root)"
  else
    td_require_free_port "$port" RabbitMQ
    td_require_free_port "$dist_port" "RabbitMQ distribution"
    (
      _td_rabbit_env "$stack" "$node"
      export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dist_port
      # Schedulers that find no work sleep instead of spinning: on a machine of few cores shared
      # with PostgreSQL and the services, spinning schedulers take the CPU the others wait for.
      export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} ${TD_RABBIT_ERL_ARGS-+sbwt none +sbwtdcpu none +sbwtdio none}"
      mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
      echo '[].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
      : >"$RABBITMQ_CONF_ENV_FILE"
      cat >"$RABBITMQ_CONFIG_FILE" <<EOF
default_vhost = tenantdesk
default_user = tenantdesk
default_pass = tenantdesk
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
listeners.tcp.default = 127.0.0.1:$port
EOF
      rm -f "$RABBITMQ_PID_FILE" "$ERL_CRASH_DUMP"
      td_log "starting RabbitMQ $node on 127.0.0.1:$port (dist $dist_port, $root)"
      "$TD_RABBIT_BIN/rabbitmq-server" -detached >"$root/startup.log" 2>&1 </dev/null || exit 1
      # A node that dies early never writes its pid file; don't wait 60 s for it.
      for ((i = 0; i < 600; i++)); do
        [[ -s $RABBITMQ_PID_FILE ]] && break
        [[ -f $ERL_CRASH_DUMP ]] && exit 1
        sleep 0.1
      done
      "$TD_RABBIT_BIN/rabbitmqctl" wait --timeout 60 "$RABBITMQ_PID_FILE" >>"$root/startup.log" 2>&1
    ) || {
      td_tail_logs "$root/startup.log"
      if [[ -f $root/erl_crash.dump ]]; then
        sleep 1 # the VM may still be writing it
        grep -m 1 '^Slogan:' "$root/erl_crash.dump" >&2 || true
      fi
      if grep -q '\[error\]' "$root/log/$node@localhost.log" 2>/dev/null; then
        echo "---- first errors in $root/log/$node@localhost.log ----" >&2
        grep -m 30 -E '\[(error|critical)\]' "$root/log/$node@localhost.log" >&2
      fi
      td_tail_logs "$root/log/$node@localhost.log"
      td_rabbit_stop "$stack" "$node"
      td_die "RabbitMQ $node did not start (ports $port/$dist_port)"
    }
  fi
  _td_rabbit_check "$port" ||
    td_die "user tenantdesk cannot use vhost tenantdesk on 127.0.0.1:$port (stale data in $root? remove it and retry)"
}

td_rabbit_stop() { # STACK_DIR NODENAME
  local pid i
  pid=$(_td_rabbit_pid "$1") || return 0
  td_log "stopping RabbitMQ $2 (pid $pid)"
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do
    td_alive "$pid" || break
    sleep 0.1
  done
  if td_alive "$pid"; then
    td_log "RabbitMQ $2 still running after 30 s, killing it"
    kill -KILL "$pid"
  fi
  rm -f "$(realpath -m "$1")/rabbitmq/rabbitmq.pid"
}

# ------------------------------------------------------- TenantDesk processes

# Prints the pid recorded in PIDFILE if that process is alive and runs NAME.
td_proc_pid() { # PIDFILE NAME
  local pid argv0
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && td_alive "$pid" || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1)
  [[ ${argv0##*/} == "$2" ]] || return 1
  echo "$pid"
}

# SIGTERM, wait up to 15 s, then SIGKILL.
td_proc_stop() { # PIDFILE NAME
  local pid i
  if pid=$(td_proc_pid "$1" "$2"); then
    td_log "stopping $2 (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      td_alive "$pid" || break
      sleep 0.1
    done
    if td_alive "$pid"; then
      td_log "$2 still running after 15 s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$1"
}

# Starts BIN/NAME for each NAME in the background (pid in STACK/pids/NAME.pid, output appended to
# STACK/logs/NAME.log), then waits up to 60 s for URL (a readiness check) to answer.
td_procs_start() { # BIN STACK URL NAME...
  local bin=$1 stack=$2 url=$3 name i
  shift 3
  for name in "$@"; do
    setsid nohup "$bin/$name" >>"$stack/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$stack/pids/$name.pid"
  done
  for ((i = 0; ; i++)); do
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0
    ((i < 120)) || td_die "$url did not answer within 60 s (logs: $stack/logs)"
    sleep 0.5
  done
}

# The median of the numbers on standard input, one per line.
td_median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Stops several processes at once; pid files are PIDDIR/NAME.pid.
td_procs_stop() { # PIDDIR NAME...
  local dir=$1 name
  shift
  for name in "$@"; do
    td_proc_stop "$dir/$name.pid" "$name" &
  done
  wait
}
