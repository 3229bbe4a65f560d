# shellcheck shell=bash
# lab-test.sh: helpers shared by the lab self-tests (test-lab-*.sh)
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every check prints one "ok"/"not ok" line with the measured value and the
# bounds, so a failure log says what was measured. The test carries on after
# a failed check (to show all numbers) and t_done exits 1 at the end.

set -euo pipefail

LAB_TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab.sh
source "$LAB_TEST_DIR/lab.sh"

T_FAILED=0
T_COUNT=0

_t_result() {
  T_COUNT=$((T_COUNT + 1))
  if [[ "$1" == ok ]]; then
    echo "ok $T_COUNT - $2"
  else
    echo "not ok $T_COUNT - $2"
    T_FAILED=$((T_FAILED + 1))
  fi
}

_t_is_number() {
  [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]
}

# t_range <what> <value> <low> <high>: low <= value <= high.
t_range() {
  local what="$1" v="$2" lo="$3" hi="$4"
  if _t_is_number "$v" && awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
    _t_result ok "$what = $v (expected $lo .. $hi)"
  else
    _t_result fail "$what = $v, expected $lo .. $hi"
  fi
}

# t_eq <what> <value> <expected>: exact (string) equality.
t_eq() {
  if [[ "$2" == "$3" ]]; then
    _t_result ok "$1 = $2"
  else
    _t_result fail "$1 = '$2', expected '$3'"
  fi
}

# t_true <what> <command...>: the command succeeds.
t_true() {
  local what="$1"
  shift
  if "$@"; then
    _t_result ok "$what"
  else
    _t_result fail "$what"
  fi
}

t_done() {
  if ((T_FAILED > 0)); then
    echo "FAILED: $T_FAILED of $T_COUNT checks"
    exit 1
  fi
  echo "all $T_COUNT checks passed"
}

# Checks the environment meson gives the tests: skip (77) without root,
# fail loudly when the lab programs are missing.
t_setup() {
  lab_require_root
  if [[ -z "${WV_LAB_RELAY:-}" || ! -x "$WV_LAB_RELAY" ||
    -z "${WV_LAB_UDPPROBE:-}" || ! -x "$WV_LAB_UDPPROBE" ]]; then
    echo "ERROR: set WV_LAB_RELAY and WV_LAB_UDPPROBE to the built programs (meson test does)" >&2
    exit 1
  fi
}

# t_wv_serve: after lab_linear, starts `$WV_CLI serve` on the server's IPv4
# and IPv6 addresses, port 8080, logging to serve.log, and waits until it
# answers the client. The server's access token is fixed (T_TOKEN); its URL
# (IPv4, with the token, as the server prints it) is left in T_URL and its
# pid in T_SERVE_PID.
t_wv_serve() {
  local v4 v6
  v4=$(lab_server_addr 4)
  v6=$(lab_server_addr 6)
  T_TOKEN=lab-token-0123456789abcdef
  T_URL="http://$v4:8080/?token=$T_TOKEN"
  lab_spawn server serve.log "$WV_CLI" serve --listen "$v4:8080" --listen "[$v6]:8080" \
    --token "$T_TOKEN"
  T_SERVE_PID=$LAB_LAST_PID
  for _ in $(seq 300); do
    lab_exec client "$WV_CLI" status "$T_URL" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "ERROR: the server did not answer in 30 s" >&2
  return 1
}

# t_probe <node> <address> <count> <interval_us> [extra options]: runs
# wv-lab-udpprobe against the reflector (started by t_reflector) and leaves
# the two result lines in T_C2S and T_S2C (also printed).
t_probe() {
  local node="$1" addr="$2" count="$3" interval="$4" out
  shift 4
  out="$(lab_exec "$node" "$WV_LAB_UDPPROBE" probe --to "$addr" --port 47000 \
    --count "$count" --interval-us "$interval" "$@")"
  echo "# $addr:"
  sed 's/^/#   /' <<<"$out"
  # shellcheck disable=SC2034 # read by the tests
  T_C2S="$(grep '^c2s ' <<<"$out")"
  # shellcheck disable=SC2034
  T_S2C="$(grep '^s2c ' <<<"$out")"
}

# t_reflector: starts the reflector on the server.
t_reflector() {
  lab_spawn server reflector "$WV_LAB_UDPPROBE" reflect --port 47000
}
