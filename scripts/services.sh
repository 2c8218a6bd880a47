#!/usr/bin/env bash
# Makes sure the stores that the tests and the local run need are answering on this machine, without
# Docker (a Debian machine with the packages postgresql, redis-server, mosquitto and influxdb):
#   PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379, Mosquitto 127.0.0.1:1883, InfluxDB 127.0.0.1:8086.
# Idempotent: a store that answers is left alone; one that does not is started (InfluxDB is installed
# first when missing). Prints one line per store. Exits non-zero, saying why, if a store cannot be
# had. `npm run services` runs it; `npm test` and `npm start` run it first.
#
# InfluxDB runs from deploy/influxdb/influxdb.conf with its data under .run/influxdb/ (or
# $RUN_DIR/influxdb/); its log is .run/influxdb/influxd.log.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="${RUN_DIR:-$root/.run}"
wait_seconds="${SERVICES_WAIT_SECONDS:-30}"
log_dir="$run_dir/logs"
mkdir -p "$log_dir"

say() { printf 'services: %s\n' "$*"; }
fail() {
  printf 'services: ERROR: %s\n' "$*" >&2
  exit 1
}
is_root() { [[ $(id -u) -eq 0 ]]; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# HTTP status of GET http://127.0.0.1:$1$2, or 000 when nothing answers.
http_status() {
  local port="$1" path="$2"
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port$path" 2>/dev/null || true
    return
  fi
  # No curl: a bare HTTP/1.0 request over bash's /dev/tcp.
  local line
  line="$(
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    timeout 2 head -n 1 <&3 || true
  )" 2>/dev/null || true
  if [[ $line =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  else
    printf '000'
  fi
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s; false if it never succeeds in time.
wait_until() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.2
  done
}

# need_root STORE COMMAND: starting STORE this way needs root; say so clearly when we are not.
need_root() {
  is_root || fail "$1 is not answering and starting it needs root; as root run: $2"
}

# --- PostgreSQL ---------------------------------------------------------------------------------
postgres_ready() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p 5432 -t 2
  else
    port_open 5432
  fi
}
if postgres_ready; then
  say "PostgreSQL is answering on 127.0.0.1:5432"
else
  command -v pg_ctlcluster >/dev/null || fail "PostgreSQL is not answering on 127.0.0.1:5432 and pg_ctlcluster is missing (Debian: apt-get install postgresql)"
  version=""
  for dir in /etc/postgresql/*/main; do
    [[ -d $dir ]] && version="$(basename "$(dirname "$dir")")" # one cluster per machine here
  done
  [[ -n $version ]] || fail "PostgreSQL is not answering and no cluster is configured under /etc/postgresql"
  need_root PostgreSQL "pg_ctlcluster --skip-systemctl-redirect $version main start"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start </dev/null >>"$log_dir/postgres-start.log" 2>&1 ||
    fail "pg_ctlcluster $version main start failed: $(tail -n 5 "$log_dir/postgres-start.log")"
  wait_until "$wait_seconds" postgres_ready ||
    fail "PostgreSQL $version started but did not answer on 127.0.0.1:5432 within ${wait_seconds}s"
  say "PostgreSQL $version started on 127.0.0.1:5432"
fi

# --- Redis --------------------------------------------------------------------------------------
redis_ready() {
  if command -v redis-cli >/dev/null; then
    [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]]
  else
    port_open 6379
  fi
}
if redis_ready; then
  say "Redis is answering on 127.0.0.1:6379"
else
  command -v redis-server >/dev/null || fail "Redis is not answering on 127.0.0.1:6379 and redis-server is missing (Debian: apt-get install redis-server)"
  need_root Redis "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 ..."
  mkdir -p /var/lib/redis /var/log/redis
  # Daemonised, with its standard streams off our pipe (a caller's `| tee` must not wait on it).
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log </dev/null >>"$log_dir/redis-start.log" 2>&1 ||
    fail "redis-server failed to start: $(tail -n 5 "$log_dir/redis-start.log")"
  wait_until "$wait_seconds" redis_ready ||
    fail "Redis started but did not answer on 127.0.0.1:6379 within ${wait_seconds}s (see /var/log/redis/ci.log)"
  say "Redis started on 127.0.0.1:6379"
fi

# --- Mosquitto ----------------------------------------------------------------------------------
mosquitto_ready() { port_open 1883; }
if mosquitto_ready; then
  say "Mosquitto is answering on 127.0.0.1:1883"
else
  mosquitto_bin="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
  [[ -x $mosquitto_bin ]] || fail "Mosquitto is not answering on 127.0.0.1:1883 and mosquitto is missing (Debian: apt-get install mosquitto)"
  need_root Mosquitto "mosquitto -d -c /etc/mosquitto/mosquitto.conf"
  # The Debian config writes its pid to /run/mosquitto and its log to /var/log/mosquitto.
  mkdir -p /run/mosquitto /var/log/mosquitto
  if id mosquitto >/dev/null 2>&1; then chown mosquitto: /run/mosquitto /var/log/mosquitto; fi
  "$mosquitto_bin" -d -c /etc/mosquitto/mosquitto.conf </dev/null >>"$log_dir/mosquitto-start.log" 2>&1 ||
    fail "mosquitto failed to start: $(tail -n 5 "$log_dir/mosquitto-start.log")"
  wait_until "$wait_seconds" mosquitto_ready ||
    fail "Mosquitto started but did not answer on 127.0.0.1:1883 within ${wait_seconds}s (see /var/log/mosquitto/mosquitto.log)"
  say "Mosquitto started on 127.0.0.1:1883 (/etc/mosquitto/mosquitto.conf)"
fi

# --- InfluxDB 1.x -------------------------------------------------------------------------------
influx_ready() { [[ $(http_status 8086 /ping) == 204 ]]; }
if influx_ready; then
  say "InfluxDB is answering on 127.0.0.1:8086"
else
  if ! command -v influxd >/dev/null; then
    is_root || fail "InfluxDB is not installed; as root run: apt-get update && apt-get install -y influxdb"
    say "installing InfluxDB (Debian package influxdb) ..."
    {
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q influxdb
    } </dev/null >>"$log_dir/influxdb-install.log" 2>&1 ||
      fail "apt-get install influxdb failed: $(tail -n 5 "$log_dir/influxdb-install.log")"
    command -v influxd >/dev/null || fail "the influxdb package installed no influxd"
    say "installed InfluxDB: $(influxd version 2>/dev/null | head -n 1)"
  fi
  if port_open 8086; then
    fail "something on 127.0.0.1:8086 is not InfluxDB (GET /ping gave $(http_status 8086 /ping), expected 204)"
  fi
  influx_dir="$run_dir/influxdb"
  mkdir -p "$influx_dir/meta" "$influx_dir/data" "$influx_dir/wal"
  # Own session (setsid) and no inherited standard streams: influxd outlives this script and a
  # Ctrl-C of the caller, and never holds a caller's pipe open.
  INFLUXDB_META_DIR="$influx_dir/meta" INFLUXDB_DATA_DIR="$influx_dir/data" \
    INFLUXDB_DATA_WAL_DIR="$influx_dir/wal" \
    setsid influxd -config "$root/deploy/influxdb/influxdb.conf" -pidfile "$influx_dir/influxd.pid" \
    </dev/null >>"$influx_dir/influxd.log" 2>&1 &
  influx_pid=$!
  influx_started() {
    influx_ready && return 0
    kill -0 "$influx_pid" 2>/dev/null || return 2
    return 1
  }
  deadline=$((SECONDS + wait_seconds))
  while true; do
    status=0
    influx_started || status=$?
    ((status == 0)) && break
    ((status == 2)) && fail "influxd exited at start; last lines of $influx_dir/influxd.log:
$(tail -n 15 "$influx_dir/influxd.log")"
    if ((SECONDS >= deadline)); then
      fail "influxd (pid $influx_pid) did not answer GET http://127.0.0.1:8086/ping within ${wait_seconds}s; see $influx_dir/influxd.log"
    fi
    sleep 0.2
  done
  say "InfluxDB $(influxd version 2>/dev/null | awk '{print $2}') started on 127.0.0.1:8086 (pid $influx_pid, data in $influx_dir)"
fi
