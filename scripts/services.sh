#!/usr/bin/env bash
# Private Redis (127.0.0.1:6390) and PostgreSQL (127.0.0.1:5440) for the state store tests, and RabbitMQ
# (amqp://127.0.0.1:5690) for the pubsub.rabbitmq tests.
# Usage: scripts/services.sh start|stop|status|rabbitmq   (rabbitmq: install and start only RabbitMQ)
# Idempotent: `start` on running services only re-checks them. Runs as root without a terminal.
# Ports differ from the defaults so a system-wide Redis/PostgreSQL can keep running beside these.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="$REPO/.services"
REDIS_DIR="$SERVICES_DIR/redis"
PG_DIR="$SERVICES_DIR/pg"
PG_LOG="$SERVICES_DIR/pg.log"
REDIS_PORT=6390
PG_PORT=5440
PG_DATABASE=actorrt
MQTT_DIR="$SERVICES_DIR/mosquitto"
MQTT_PORT=1890
RABBIT_DIR="$SERVICES_DIR/rabbitmq"
RABBIT_PORT=5690
# Its own node name and Erlang distribution port (with epmd on loopback), so it needs no DNS and leaves a system
# RabbitMQ on 5672/25672 alone.
RABBIT_NODE=actorrt@localhost
RABBIT_DIST_PORT=25690

log() { echo "services.sh: $*" >&2; }

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

install_missing_packages() {
  local packages=()
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  pg_bin_dir >/dev/null || packages+=(postgresql)
  command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || packages+=(mosquitto)
  (( ${#packages[@]} == 0 )) && return 0
  log "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -y </dev/null >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${packages[@]}" </dev/null >&2
}

redis_answers() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  if redis_answers; then return 0; fi
  mkdir -p "$REDIS_DIR"
  # No persistence: the tests create their own data on every run.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --save '' --appendonly no --protected-mode no >&2
  local i
  for i in $(seq 1 100); do redis_answers && return 0; sleep 0.1; done
  log "redis did not answer on port $REDIS_PORT; see $REDIS_DIR/redis.log"; return 1
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_answers() { "$1/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q >/dev/null 2>&1; }

start_postgres() {
  local bin; bin="$(pg_bin_dir)"
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    mkdir -p "$PG_DIR"
    chown postgres:postgres "$SERVICES_DIR" "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_postgres "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2
  fi
  if ! pg_answers "$bin"; then
    touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"
    # The socket goes into the data directory so no /var/run/postgresql is needed.
    as_postgres "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=300" start >&2
  fi
  local i
  for i in $(seq 1 300); do pg_answers "$bin" && break; sleep 0.2; done
  pg_answers "$bin" || { log "postgres did not answer on port $PG_PORT; see $PG_LOG"; return 1; }
  if ! as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'" | grep -q 1; then
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DATABASE" >&2
  fi
}

mqtt_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; }

# Mosquitto (MQTT 3.1.1/5) for the bindings.mqtt3 tests: anonymous, loopback only, no persistence.
start_mosquitto() {
  if mqtt_answers; then return 0; fi
  mkdir -p "$MQTT_DIR"
  printf '%s\n' "listener $MQTT_PORT 127.0.0.1" "allow_anonymous true" "persistence false" "user root" \
    "pid_file $MQTT_DIR/mosquitto.pid" "log_dest file $MQTT_DIR/mosquitto.log" > "$MQTT_DIR/mosquitto.conf"
  "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -d -c "$MQTT_DIR/mosquitto.conf" >&2
  local i
  for i in $(seq 1 100); do mqtt_answers && return 0; sleep 0.1; done
  log "mosquitto did not answer on port $MQTT_PORT; see $MQTT_DIR/mosquitto.log"; return 1
}

stop_mosquitto() {
  if [[ -f "$MQTT_DIR/mosquitto.pid" ]]; then kill "$(cat "$MQTT_DIR/mosquitto.pid")" 2>/dev/null || true; rm -f "$MQTT_DIR/mosquitto.pid"; fi
}

install_rabbitmq() {
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] && return 0
  log "installing rabbitmq-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -y </dev/null >&2
  apt-get install -y --no-install-recommends rabbitmq-server </dev/null >&2
}

rabbit_env() {
  env HOME="$RABBIT_DIR" ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_NODENAME="$RABBIT_NODE" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RABBIT_PORT" RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT" \
    RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" RABBITMQ_LOG_BASE="$RABBIT_DIR/log" RABBITMQ_PID_FILE="$RABBIT_DIR/rabbit.pid" \
    RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" "$@"
}

as_rabbit() { runuser -u rabbitmq -- "$@"; }

# The AMQP port, not rabbitmqctl: a node started from another checkout has another Erlang cookie, and still serves.
rabbit_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$RABBIT_PORT") 2>/dev/null; }

start_rabbitmq() {
  if rabbit_answers; then return 0; fi
  mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  # guest may log in from loopback only (RabbitMQ's default), which is all the tests need.
  [[ -f "$RABBIT_DIR/rabbitmq.conf" ]] || printf 'listeners.tcp.default = 127.0.0.1:%s\n' "$RABBIT_PORT" > "$RABBIT_DIR/rabbitmq.conf"
  [[ -f "$RABBIT_DIR/enabled_plugins" ]] || echo '[].' > "$RABBIT_DIR/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$RABBIT_DIR"
  as_rabbit bash -c "$(declare -f rabbit_env); $(declare -p RABBIT_DIR RABBIT_NODE RABBIT_PORT RABBIT_DIST_PORT); cd '$RABBIT_DIR' && rabbit_env /usr/lib/rabbitmq/bin/rabbitmq-server -detached" >&2
  local i
  for i in $(seq 1 120); do rabbit_answers && return 0; sleep 0.5; done
  log "rabbitmq did not answer on port $RABBIT_PORT; see $RABBIT_DIR/log"; return 1
}

stop_rabbitmq() {
  if rabbit_answers; then
    as_rabbit bash -c "$(declare -f rabbit_env); $(declare -p RABBIT_DIR RABBIT_NODE RABBIT_PORT RABBIT_DIST_PORT); rabbit_env /usr/lib/rabbitmq/bin/rabbitmqctl -q -n $RABBIT_NODE stop" >&2 || true
  fi
}

stop_redis() {
  if redis_answers; then redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  rm -f "$REDIS_DIR/redis.pid"
}

stop_postgres() {
  local bin; bin="$(pg_bin_dir)" || return 0
  if [[ -f "$PG_DIR/postmaster.pid" ]]; then
    as_postgres "$bin/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 stop >&2 || true
  fi
}

print_env() {
  echo "ACTORRT_TEST_REDIS=127.0.0.1:$REDIS_PORT"
  echo "ACTORRT_TEST_POSTGRES=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$PG_DATABASE"
  echo "ACTORRT_TEST_MQTT=tcp://127.0.0.1:$MQTT_PORT"
  if [[ "${RABBIT_UP:-0}" == 1 ]]; then echo "ACTORRT_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:$RABBIT_PORT"; fi
}

case "${1:-}" in
  start)
    install_missing_packages
    start_redis
    start_postgres
    start_mosquitto
    # RabbitMQ is optional: its tests fail with a clear message when it is not there, the others do not need it.
    if install_rabbitmq && start_rabbitmq; then RABBIT_UP=1; else log "continuing without RabbitMQ"; fi
    print_env
    ;;
  rabbitmq)
    install_rabbitmq
    start_rabbitmq
    echo "ACTORRT_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:$RABBIT_PORT"
    ;;
  stop)
    stop_redis
    stop_postgres
    stop_mosquitto
    stop_rabbitmq
    ;;
  status)
    if redis_answers; then log "redis: up on $REDIS_PORT"; else log "redis: down"; fi
    bin="$(pg_bin_dir || true)"
    if [[ -n "$bin" ]] && pg_answers "$bin"; then log "postgres: up on $PG_PORT"; else log "postgres: down"; fi
    if mqtt_answers; then log "mosquitto: up on $MQTT_PORT"; else log "mosquitto: down"; fi
    if rabbit_answers; then log "rabbitmq: up on $RABBIT_PORT"; else log "rabbitmq: down"; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
