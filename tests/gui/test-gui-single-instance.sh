#!/usr/bin/env bash
# test-gui-single-instance.sh APP: one wifi-verify per desktop session (TAP).
#
# On a private D-Bus session bus: the first `wifi-verify` owns the
# application ID and offers the self-test without starting it; a second
# `wifi-verify --self-test` hands its command line to the first and exits,
# and the first starts the self-test (its embedded server listens on
# 127.0.0.1). Needs a display (tools/test.sh runs the suite under Xvfb) and
# dbus-run-session; skips, saying why, without them.
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
app=${1:?usage: test-gui-single-instance.sh APP}
app_id=org.wifiverify.WifiVerify

if [ "${2:-}" != --inner ]; then
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "1..0 # SKIP no display (tools/test.sh runs the GUI tests under xvfb-run)"
    exit 0
  fi
  for tool in dbus-run-session gdbus ss; do
    if ! command -v "$tool" >/dev/null; then
      echo "1..0 # SKIP $tool is not installed (packages dbus, libglib2.0-bin, iproute2)"
      exit 0
    fi
  done
  exec dbus-run-session -- bash "$0" "$app" --inner
fi

echo "1..6"
n=0
fail=0
check() {
  local what=$1
  shift
  n=$((n + 1))
  if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fail=1; fi
}
# Polls COMMAND every 0.1 s for up to SECONDS.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
name_owned() {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$app_id" 2>/dev/null | grep -q true
}
listening() {
  ss -ltnpH 2>/dev/null | grep -q "pid=$1,"
}
instances() {
  pgrep -x -f "$app( .*)?" | wc -l
}

tmp=$(mktemp -d)
export XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data
# GStreamer's DTLS warnings must not abort the app here; crashes still show.
unset G_DEBUG

"$app" >"$tmp/first.log" 2>&1 &
first=$!
cleanup() {
  kill "$first" 2>/dev/null && wait "$first" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

check "the first instance owns $app_id on the session bus" wait_for 30 name_owned
sleep 1
check "the first instance offers the self-test without starting it" bash -c "! ss -ltnpH | grep -q 'pid=$first,'"

start=$(date +%s%N)
timeout 30 "$app" --self-test >"$tmp/second.log" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# second instance: exit status $rc after $ms ms"
check "a second instance hands over its command line and exits 0" test "$rc" -eq 0
check "the first instance starts the self-test the second asked for" wait_for 30 listening "$first"
check "the first instance is still running" kill -0 "$first"
check "one instance runs" test "$(instances)" -eq 1

if [ "$fail" -ne 0 ]; then
  echo "# --- first instance's output ---"; sed 's/^/# /' "$tmp/first.log" | tail -30
  echo "# --- second instance's output ---"; sed 's/^/# /' "$tmp/second.log" | tail -30
fi
exit "$fail"
