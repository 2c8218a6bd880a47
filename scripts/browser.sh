#!/usr/bin/env bash
# Makes sure the browser of the review page's tests is here: Debian's chromium (playwright-core
# drives it; Playwright's own browser download cannot work on a machine without the internet), and
# a Chinese font (fonts-wqy-microhei), without which the page's screenshots show empty boxes.
# Idempotent: prints the browser's version. Installs the packages when missing (root, apt-get).
# `npm test` runs it; CHROMIUM_PATH points the tests at another Chromium.
set -euo pipefail

say() { printf 'browser: %s\n' "$*"; }
fail() {
  printf 'browser: ERROR: %s\n' "$*" >&2
  exit 1
}

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
packages=()
if [[ ! -x $chromium ]]; then
  [[ -n ${CHROMIUM_PATH:-} ]] && fail "CHROMIUM_PATH=$chromium is not an executable"
  packages+=(chromium)
fi
[[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || packages+=(fonts-wqy-microhei)
if ((${#packages[@]} > 0)); then
  [[ $(id -u) -eq 0 ]] || fail "missing ${packages[*]}; as root run: apt-get update && apt-get install -y ${packages[*]}"
  log="$(mktemp)"
  say "installing Debian's ${packages[*]} (apt-get, about a minute)"
  # The package lists may be missing or stale on a fresh machine: update them when the first try fails.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >"$log" 2>&1; then
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"; } >>"$log" 2>&1 ||
      fail "apt-get install ${packages[*]} failed: $(tail -n 5 "$log")"
  fi
  rm -f "$log"
fi
say "$("$chromium" --version 2>/dev/null || echo "chromium at $chromium")"
