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
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID
t_true "bench-path runs" lab_exec client "$WV_BENCH_PATH" "$url" 5 10
lab_stop "$serve_pid"
t_done
