#!/bin/bash
# test-vanish-lab.sh: a client that vanishes mid-run frees everything and
# earns no more traffic
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server. The client runs probe streams (one connection per
# family, 100 probes/s) and is killed with SIGKILL: no DELETE, no bye, no
# DTLS close. The server must notice by itself (nothing received for its
# 5 s lost timeout while streaming), mark both connections lost, close their
# WebRTC side, and stop sending:
# r1 counts what it forwards toward the client. The server keeps serving.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the status"; exit 77; }

LOST_TIMEOUT=5

lab_init vanish
lab_linear 1
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

# "state webrtc_state" of every connection the server lists, one per line.
conn_states() {
  lab_exec client "$WV_CLI" status "$url" 2>/dev/null | python3 -c '
import json, sys
for c in json.load(sys.stdin)["connections"]:
    print(c["state"], c["webrtc_state"])'
}

# Packets r1 forwarded toward the client (its client-side interface).
to_client() {
  lab_exec r1 cat "/sys/class/net/$(lab_ifname r1 c)/statistics/tx_packets"
}

lab_spawn client run.log "$WV_CLI" run "$url" --streams --duration 120 --family both --quiet
client_pid=$LAB_LAST_PID
streaming=0
for _ in $(seq 300); do
  streaming=$(conn_states | grep -c '^streaming' || true)
  ((streaming == 2)) && break
  sleep 0.1
done
t_eq "both connections stream" "$streaming" 2
sleep 2
kill -KILL "$client_pid"
killed=$SECONDS

# The server notices within its lost timeout (its check runs every 0.1 s).
lost=0
while ((SECONDS - killed <= LOST_TIMEOUT + 5)); do
  lost=$(conn_states | grep -c '^lost closed$' || true)
  ((lost == 2)) && break
  sleep 0.5
done
echo "# lost and closed $((SECONDS - killed)) s after the kill"
t_eq "both connections lost with their WebRTC side closed" "$lost" 2
# (each status call starts a CLI: slow on a busy machine)
t_range "seconds until the server gave up" "$((SECONDS - killed))" $((LOST_TIMEOUT - 1)) $((LOST_TIMEOUT + 4))

# After that, nothing more toward the vanished client (100 probes/s and
# their echoes would be hundreds in 3 s).
before=$(to_client)
sleep 3
after=$(to_client)
echo "# packets toward the client in the 3 s after: $((after - before))"
t_range "packets toward the vanished client in 3 s" "$((after - before))" 0 5

t_true "the server still answers" lab_exec client "$WV_CLI" status "$url"
lab_stop "$serve_pid"
t_done
