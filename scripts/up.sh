#!/usr/bin/env bash
# `npm start`: run the whole system on this machine without Docker.
#   1. scripts/services.sh: PostgreSQL, Redis and InfluxDB (and the machine's Mosquitto) answering.
#   2. The stores that must keep data as in production, started as children of this script:
#      - a broker: Mosquitto with the shipped deploy/mosquitto/mosquitto.conf (persistence, deep
#        queues, accounts and ACL), made by scripts/mosquitto-conf.sh under .run/mosquitto/, on
#        127.0.0.1:${LOCAL_MQTT_PORT:-1884}, logging to .run/mosquitto/mosquitto.log (not the
#        console). Skipped when MQTT_URL is set: that broker is used.
#      - a Redis with its append-only file (fsync every second) under .run/redis/, on
#        127.0.0.1:${LOCAL_REDIS_PORT:-6380}: it holds readings acknowledged to the broker and not
#        yet in InfluxDB, which the machine's Redis (no persistence) would lose on a restart.
#        Skipped when REDIS_URL is set.
#   3. node scripts/migrate.ts, then node scripts/demo.ts: the demonstration province on an empty
#      registry (START_DEMO=false: never), its users' passwords printed once; then the review page
#      is built (npm run build:web, web/ into web/dist/).
#   4. node api/main.ts, node ingest/main.ts, node monitor/main.ts, each output line prefixed with
#      its name. A process whose file does not exist yet is skipped with a note.
# Ctrl-C (SIGINT) or SIGTERM is passed on to every process, and the script waits for them to stop
# (SIGKILL after UP_STOP_TIMEOUT seconds, default 30); the broker and Redis are stopped last, once
# the processes using them have ended. When one exits with an error the others are stopped and the
# script exits with that error's code.
#
# The local broker's connection details are written to .run/local.env, for example for the
# simulators:  set -a; . .run/local.env; set +a; node simulators/<name>.ts
set -euo pipefail
set -m # each child in its own process group: a terminal's Ctrl-C reaches them only through us

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# The project's Node 24 (the `node` dev dependency) first, also when run directly instead of by npm.
export PATH="$root/node_modules/.bin:$PATH"
run_dir="${RUN_DIR:-$root/.run}"
# The processes write to a pipe (their lines are prefixed below): tell them whether a person reads
# it, so that they log one readable line per event (platform/logger.ts) rather than JSON.
if [[ -z ${LOG_FORMAT:-} ]]; then
  if [[ -t 1 ]]; then export LOG_FORMAT=pretty FORCE_COLOR=1; else export LOG_FORMAT=json; fi
fi
stop_timeout="${UP_STOP_TIMEOUT:-30}"

say() { printf 'up: %s\n' "$*"; }

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if ((node_major < 24)); then
  say "Node.js 24 or later is needed (found $(node --version 2>/dev/null || echo none)); run npm ci first"
  exit 1
fi

# --- child processes ----------------------------------------------------------------------------
declare -A child_name=() # pid -> name
stopping=false
exit_code=0

# prefix NAME: copy standard input to standard output, each line as "[NAME] line". It ignores
# INT and TERM so that it can still print what a child says while that child shuts down.
prefix() {
  trap '' INT TERM
  local name="$1" line
  while IFS= read -r line || [[ -n $line ]]; do
    printf '[%s] %s\n' "$name" "$line"
  done
}

# start NAME COMMAND...: start COMMAND in the background with prefixed output.
start() {
  local name="$1"
  shift
  "$@" > >(prefix "$name") 2>&1 &
  child_name[$!]="$name"
  say "started $name (pid $!): $*"
}

# stop_all SIGNAL: send SIGNAL to every child still running, and arm a watchdog that sends SIGKILL
# to those still running after UP_STOP_TIMEOUT seconds.
watchdog=""
declare -A is_store=() # pid -> 1 for the broker and Redis, stopped after everything else
declare -A is_optional=() # pid -> 1 for the demo's simulator: its end stops nothing
apps_started=0
stores_signalled=false

# True when only stores are left among the children.
only_stores_left() {
  local pid
  for pid in "${!child_name[@]}"; do
    [[ -n ${is_store[$pid]:-} ]] || return 1
  done
  return 0
}
stop_all() {
  local signal="$1" pid
  stopping=true
  local stores_too=false
  if [[ $signal == KILL ]] || only_stores_left; then
    stores_too=true
    stores_signalled=true
  fi
  for pid in "${!child_name[@]}"; do
    # The stores go last (see finished), so that the processes can finish their work with them.
    [[ -n ${is_store[$pid]:-} ]] && ! $stores_too && continue
    kill "-$signal" "$pid" 2>/dev/null || true
  done
  if [[ -z $watchdog && ${#child_name[@]} -gt 0 ]]; then
    # Not the stores (unless only they are left): they get SIGTERM once the others are gone (see
    # finished), and save their data.
    local pids=""
    for pid in "${!child_name[@]}"; do
      if $stores_too || [[ -z ${is_store[$pid]:-} ]]; then pids="$pids $pid"; fi
    done
    (
      trap - INT TERM
      sleep "$stop_timeout"
      printf 'up: still running after %ss; sending SIGKILL\n' "$stop_timeout"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
    ) &
    watchdog=$!
    disown "$watchdog" # no job-control notice when it is ended
  fi
}

# shellcheck disable=SC2317 # run by the traps below
on_signal() {
  local signal="$1"
  if $stopping; then
    say "$signal again: stopping at once"
    stop_all KILL
  else
    say "$signal received: stopping ${child_name[*]:-nothing}"
    stop_all "$signal"
  fi
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
# Whatever way this script ends, no child or watchdog outlives it.
# shellcheck disable=SC2317 # run by the trap below
on_exit() {
  local pid
  for pid in "${!child_name[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
}
trap on_exit EXIT

# Waits until every child has ended. When one fails, stops the others and keeps its exit code.
supervise() {
  local pid status
  while ((${#child_name[@]} > 0)); do
    status=0
    pid=""
    wait -n -p pid "${!child_name[@]}" 2>/dev/null || status=$?
    if [[ -n ${pid:-} ]]; then
      finished "$pid" "$status"
      continue
    fi
    # No pid: a trapped signal interrupted the wait (the trap has run), or bash already took the
    # child off its job list (it reports a killed job at once under set -m); `wait PID` still
    # returns the saved status of such a child.
    if ! reap_gone; then sleep 0.2; fi
  done
  # The watchdog runs in its own process group (set -m): end it together with its sleep.
  if [[ -n $watchdog ]]; then kill -- "-$watchdog" 2>/dev/null || true; fi
}

# Collects the children that are no longer running; false when there was none.
reap_gone() {
  local pid status found=1
  for pid in "${!child_name[@]}"; do
    kill -0 "$pid" 2>/dev/null && continue
    status=0
    wait "$pid" 2>/dev/null || status=$?
    finished "$pid" "$status"
    found=0
  done
  return "$found"
}

# finished PID STATUS: a child ended with STATUS.
finished() {
  local pid="$1" status="$2" name="${child_name[$1]:-?}"
  unset "child_name[$pid]"
  if ((status == 0)); then
    say "$name exited"
  elif [[ -n ${is_optional[$pid]:-} ]]; then
    say "$name exited with code $status (the rest keeps running)"
  else
    say "$name exited with code $status"
    if ! $stopping; then
      exit_code="$status"
      say "stopping the others: ${child_name[*]:-none}"
      stop_all TERM
    fi
  fi
  # Only stores left while stopping, or after every process they served has ended: stop them too
  # (SIGTERM makes each save its data).
  if ! $stores_signalled && ((${#child_name[@]} > 0)) && only_stores_left &&
    ($stopping || ((apps_started > 0))); then
    stopping=true
    stores_signalled=true
    for pid in "${!child_name[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port NAME PORT: wait up to 10 s for a child store to listen; stop everything if it does not.
wait_port() {
  local name="$1" port="$2"
  for _ in $(seq 50); do
    port_open "$port" && return 0
    sleep 0.2
  done
  say "$name did not open 127.0.0.1:$port"
  stop_all TERM
  supervise
  exit 1
}

# --- 1. stores ----------------------------------------------------------------------------------
scripts/services.sh
mkdir -p "$run_dir"

# --- 2. project broker --------------------------------------------------------------------------
if [[ -n ${MQTT_URL:-} ]]; then
  say "MQTT_URL is set: using the broker at $MQTT_URL, not starting one"
else
  mqtt_port="${LOCAL_MQTT_PORT:-1884}"
  ingest_user="${MQTT_USERNAME:-ingester}"
  ingest_password="${MQTT_PASSWORD:-ingester-dev-password}"
  simulator_password="${LOCAL_SIMULATOR_PASSWORD:-simulator-dev-password}"
  if port_open "$mqtt_port"; then
    say "port $mqtt_port is taken (another npm start?); set LOCAL_MQTT_PORT, or MQTT_URL to use a running broker"
    exit 1
  fi
  conf="$(MOSQUITTO_LOG_FILE="$run_dir/mosquitto/mosquitto.log" scripts/mosquitto-conf.sh "$run_dir/mosquitto" "$mqtt_port" \
    "$ingest_user:$ingest_password" "simulator:$simulator_password")"
  # Its log (and what it says before reading its config) goes to the file, not the console.
  "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$conf" >>"$run_dir/mosquitto/mosquitto.log" 2>&1 &
  child_name[$!]=mosquitto
  say "started mosquitto (pid $!), log in $run_dir/mosquitto/mosquitto.log"
  is_store[$!]=1
  wait_port mosquitto "$mqtt_port"
  export MQTT_URL="mqtt://127.0.0.1:$mqtt_port" MQTT_USERNAME="$ingest_user" MQTT_PASSWORD="$ingest_password"
  umask 077
  cat >"$run_dir/local.env" <<ENV
# Written by scripts/up.sh: the local broker of the running system, for the simulators and tools.
MQTT_URL=mqtt://127.0.0.1:$mqtt_port
MQTT_USERNAME=simulator
MQTT_PASSWORD=$simulator_password
ENV
  umask 022
  say "project broker on 127.0.0.1:$mqtt_port (data in $run_dir/mosquitto/data); simulator login in $run_dir/local.env"
fi

if [[ -n ${REDIS_URL:-} ]]; then
  say "REDIS_URL is set: using the Redis at $REDIS_URL, not starting one"
else
  redis_port="${LOCAL_REDIS_PORT:-6380}"
  if port_open "$redis_port"; then
    say "port $redis_port is taken (another npm start?); set LOCAL_REDIS_PORT, or REDIS_URL to use a running Redis"
    stop_all TERM
    supervise
    exit 1
  fi
  mkdir -p "$run_dir/redis"
  # In the foreground (a child of this script); data in .run/redis/ survives restarts.
  start redis redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$run_dir/redis" \
    --appendonly yes --appendfsync everysec --save "" --maxmemory-policy noeviction --daemonize no \
    --logfile "$run_dir/redis/redis.log"
  is_store[$!]=1
  wait_port redis "$redis_port"
  export REDIS_URL="redis://127.0.0.1:$redis_port"
  say "project Redis on 127.0.0.1:$redis_port (append-only file and log in $run_dir/redis)"
fi

# --- 3. schema ----------------------------------------------------------------------------------
say "migrating: node scripts/migrate.ts"
migrate_status=0
node scripts/migrate.ts 2>&1 | prefix migrate || migrate_status=$?
if ((migrate_status != 0)); then
  say "migration failed (exit code $migrate_status)"
  stop_all TERM
  supervise
  exit "$migrate_status"
fi

# --- 3b. demonstration province -----------------------------------------------------------------
# On an empty registry (and unless START_DEMO=false): a few hundred demo intakes and two demo users,
# whose passwords scripts/demo.ts prints once (scripts/demo/province.ts).
demo_status=0
node scripts/demo.ts 2>&1 | prefix demo || demo_status=$?
if ((demo_status != 0)); then
  say "loading the demonstration province failed (exit code $demo_status)"
  stop_all TERM
  supervise
  exit "$demo_status"
fi

# --- 3c. the review page ------------------------------------------------------------------------
# Built from web/ into web/dist/ (a few seconds), which the API serves under /app/.
say "building the review page: npm run build:web"
build_status=0
npm run --silent build:web 2>&1 | prefix build || build_status=$?
if ((build_status != 0)); then
  say "building the review page failed (exit code $build_status)"
  stop_all TERM
  supervise
  exit "$build_status"
fi

# --- 4. processes -------------------------------------------------------------------------------
# Ingest runs with the Node options of `npm run ingest` (package.json, where they are set once):
# capped heaps, one GC helper thread, no pretenuring (docs/ingest.md, "Memory and CPU").
ingest_flags=$(node -e 'const s = require("./package.json").scripts.ingest.split(" "); console.log(s.slice(1, -1).join(" "))')
declare -A node_flags=([ingest]="$ingest_flags")
for name in api ingest monitor; do
  if [[ -f $name/main.ts ]]; then
    # shellcheck disable=SC2086 # the flags are words
    start "$name" node ${node_flags[$name]:-} "$name/main.ts"
    apps_started=$((apps_started + 1))
  else
    say "skipping $name: $name/main.ts does not exist yet"
  fi
done

# --- 5. the demo's meters -----------------------------------------------------------------------
# On the demonstration province (only its intakes in the registry) with the broker started here: the
# simulator plays the registry's meters in real time, with a day of history sent first and a few
# faults mixed in, so that the monitor raises items within minutes. Its end or failure stops nothing.
simulator_pid=""
if [[ -z ${mqtt_port:-} ]]; then
  : # an outside broker (MQTT_URL): no simulator login of ours
elif node scripts/demo.ts --is-demo; then
  (
    set -a
    # shellcheck disable=SC1091 # written above
    . "$run_dir/local.env"
    set +a
    exec node simulators/main.ts --from-registry --clock realtime --history "${DEMO_HISTORY_DAYS:-1}" \
      --days "${DEMO_DAYS:-1}" --quiet --connections 2 \
      --scenario "${DEMO_SCENARIOS:-over-permit:0.03:factor=3,offline-gap:0.03,rollback:0.02,rate-spike:0.03:variant=sustained,malformed:0.02,unregistered:0.01}"
  ) > >(prefix simulator) 2>&1 &
  simulator_pid=$!
  child_name[$simulator_pid]=simulator
  is_optional[$simulator_pid]=1
  say "started simulator (pid $simulator_pid): the demo's meters in real time, after a day of history"
fi

# --- 6. where to look ---------------------------------------------------------------------------
api_url="http://${API_HOST:-127.0.0.1}:${API_PORT:-3000}"
[[ ${API_HOST:-} == 0.0.0.0 ]] && api_url="http://127.0.0.1:${API_PORT:-3000}"
# The URLs once the API answers (up to 30 s), so that they are the last lines of the start-up.
for _ in $(seq 150); do
  port_open "${API_PORT:-3000}" && break
  sleep 0.2
done
cat <<URLS
up: ------------------------------------------------------------------------------
up: running. Open:
up:   review page    $api_url/app/   (sign in with a demo user printed above)
up:   API            $api_url   (health: $api_url/healthz)
up:   API reference  $api_url/docs
up:   sign in        POST $api_url/v1/auth/login  {"username": ..., "password": ...}
up: Logs: one line per event below; the broker's and Redis's in $run_dir/mosquitto, $run_dir/redis.
up: Ctrl-C stops everything.
up: ------------------------------------------------------------------------------
URLS

supervise
say "all stopped"
exit "$exit_code"
