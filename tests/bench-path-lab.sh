#!/bin/bash
# bench-path-lab.sh: time per traceroute round and per MTU search (issue 4)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The topology of test-path-lab.sh (client - r1 - r2 - r3 - server, the
# r2-r3 link with MTU 1400): the server runs in the server namespace and
# bench-path in the client namespace (5 runs of 10 rounds and one MTU
# search, both families, both directions). Needs root.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" && -x "${WV_BENCH_PATH:-}" ]] || {
  echo "ERROR: set WV_CLI and WV_BENCH_PATH (meson does)" >&2
  exit 1
}

lab_init benchpath
lab_linear 3 1500 1500 1400 1500
server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
# The server's access token, in the URL as the server prints it.
token=lab-token-0123456789abcdef
lab_spawn server serve.log "$WV_CLI" serve --listen "$server4:8080" --listen "[$server6]:8080" \
  --token "$token"
serve_pid=$LAB_LAST_PID
for _ in $(seq 300); do
  lab_exec client "$WV_CLI" status "http://$server4:8080/?token=$token" >/dev/null 2>&1 && break
  sleep 0.1
done
t_true "bench-path runs" lab_exec client "$WV_BENCH_PATH" "http://$server4:8080/?token=$token" 5 10
lab_stop "$serve_pid"
t_done
