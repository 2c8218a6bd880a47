#!/usr/bin/env bash
# Makes a runnable copy of the shipped broker config (deploy/mosquitto/mosquitto.conf) for a broker
# started outside docker: the local run (scripts/up.sh) and tests that start their own broker.
#
#   scripts/mosquitto-conf.sh DIR PORT [USER:PASSWORD ...]
#
# Writes DIR/mosquitto.conf, DIR/passwd, DIR/acl and DIR/data/, then prints the config's path.
# Only the site-specific lines change: the listener (PORT on 127.0.0.1), the persistence folder
# (DIR/data/), the password and ACL files (in DIR), and, when run as root, "user <you>" so the broker
# keeps the rights to DIR instead of switching to the mosquitto user. Every other setting (persistence,
# queue and in-flight limits, packet size, no anonymous access) is the shipped one.
# Accounts: each USER:PASSWORD given (default: ingester:ingester-dev-password and
# simulator:simulator-dev-password). The ACL is deploy/mosquitto/acl.example; its "simulator"
# account lines are enabled when an account named simulator is made. DIR/data/ is kept between runs,
# so a broker restarted on the same DIR finds its sessions and queued messages again.
# With MOSQUITTO_LOG_FILE set, the broker logs to that file instead of standard error (npm start
# keeps the console for the processes' events).
# Start the broker with: mosquitto -c DIR/mosquitto.conf
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 ]]; then
  echo "usage: $0 DIR PORT [USER:PASSWORD ...]" >&2
  exit 64
fi
dir="$1"
port="$2"
shift 2
if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
  echo "mosquitto-conf: PORT must be 1-65535, got '$port'" >&2
  exit 64
fi
accounts=("$@")
if [[ ${#accounts[@]} -eq 0 ]]; then
  accounts=(ingester:ingester-dev-password simulator:simulator-dev-password)
fi
command -v mosquitto_passwd >/dev/null || {
  echo "mosquitto-conf: mosquitto_passwd not found (Debian: apt-get install mosquitto)" >&2
  exit 69
}

mkdir -p "$dir/data"
dir="$(cd "$dir" && pwd)"
src="$root/deploy/mosquitto"

{
  sed -e "s|^listener .*|listener $port 127.0.0.1|" \
    -e "s|^persistence_location .*|persistence_location $dir/data/|" \
    -e "s|^password_file .*|password_file $dir/passwd|" \
    -e "s|^acl_file .*|acl_file $dir/acl|" \
    -e "${MOSQUITTO_LOG_FILE:+s|^log_dest stderr\$|log_dest file $MOSQUITTO_LOG_FILE|}" \
    "$src/mosquitto.conf"
  if [[ $(id -u) -eq 0 ]]; then
    echo "# Generated for a broker started as root: keep root's rights to $dir."
    echo "user root"
  fi
} >"$dir/mosquitto.conf.tmp"
for key in listener persistence_location password_file acl_file; do
  if [[ $(grep -c "^$key " "$dir/mosquitto.conf.tmp") -ne 1 ]]; then
    echo "mosquitto-conf: expected one '$key' line in $src/mosquitto.conf" >&2
    exit 65
  fi
done
mv "$dir/mosquitto.conf.tmp" "$dir/mosquitto.conf"

rm -f "$dir/passwd"
touch "$dir/passwd"
chmod 600 "$dir/passwd"
simulator=false
for account in "${accounts[@]}"; do
  user="${account%%:*}"
  password="${account#*:}"
  if [[ -z $user || $user == "$account" ]]; then
    echo "mosquitto-conf: account must be USER:PASSWORD, got '$account'" >&2
    exit 64
  fi
  mosquitto_passwd -b "$dir/passwd" "$user" "$password"
  [[ $user == simulator ]] && simulator=true
done

if $simulator; then
  sed -e 's|^#user simulator$|user simulator|' -e 's|^#topic write meters/#$|topic write meters/#|' \
    "$src/acl.example" >"$dir/acl"
else
  cp "$src/acl.example" "$dir/acl"
fi

echo "$dir/mosquitto.conf"
