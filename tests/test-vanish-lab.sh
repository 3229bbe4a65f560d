#!/bin/bash
# test-vanish-lab.sh: a client that vanishes mid-run frees everything and
# earns no more traffic
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server. The client runs probe streams (one connection per
# family, 100 probes/s) and is killed with SIGKILL: no DELETE, no bye, no
# DTLS close. The server must notice by itself (nothing received for 20 s),
# mark both connections failed, close their WebRTC side, and stop sending:
# r1 counts what it forwards toward the client. The server keeps serving.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the status"; exit 77; }

IDLE_TIMEOUT=20

lab_init vanish
lab_linear 1
server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
# The server's access token, in the URL as the server prints it.
token=lab-token-0123456789abcdef
url="http://$server4:8080/?token=$token"
lab_spawn server serve.log "$WV_CLI" serve --listen "$server4:8080" --listen "[$server6]:8080" \
  --token "$token"
serve_pid=$LAB_LAST_PID
for _ in $(seq 300); do
  lab_exec client "$WV_CLI" status "$url" >/dev/null 2>&1 && break
  sleep 0.1
done

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

# The server notices within its idle timeout (plus its 1 s check).
failed=0
while ((SECONDS - killed <= IDLE_TIMEOUT + 5)); do
  failed=$(conn_states | grep -c '^failed closed$' || true)
  ((failed == 2)) && break
  sleep 0.5
done
echo "# failed and closed $((SECONDS - killed)) s after the kill"
t_eq "both connections failed with their WebRTC side closed" "$failed" 2
t_range "seconds until the server gave up" "$((SECONDS - killed))" $((IDLE_TIMEOUT - 1)) $((IDLE_TIMEOUT + 5))

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
