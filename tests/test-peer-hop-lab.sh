#!/bin/bash
# test-peer-hop-lab.sh: the peer hop's RTT is timed like the router hops
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server. The traceroute times router hops from the
# probe datagram's send time (the stack's send report) to the ICMP error's
# kernel receive time. The peer hop used to be timed from the application's
# send call, before the whole send path, with the peer's turnaround taken at
# its application: 2-13 ms on a lab whose routers answer in 0.01-0.07 ms
# (26-88 ms with 8 connections per family), which reads as "the last link
# is slow". Now it is wire to wire at both ends, the peer's turnaround wire
# to wire too (issue 10), so per connection, family and direction the
# median over the rounds of the peer hop is at most the median of the last
# router hop + 0.3 ms, with 1 and with 8 connections per family.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }

ROUNDS=5

lab_init peerhop
lab_linear 3

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

# "conn family dir last_router_median peer_median rounds" per path.
medians() {
  python3 - "$1" <<'PY'
import json, statistics, sys
last, peer = {}, {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] != "hop" or r["rtt_ms"] is None:
        continue
    key = (r["conn"], r["family"], r["dir"])
    if r["reached"]:
        peer.setdefault(key, []).append(r["rtt_ms"])
    elif r["ttl"] == 3:
        last.setdefault(key, []).append(r["rtt_ms"])
for key in sorted(set(last) | set(peer)):
    l, p = last.get(key, []), peer.get(key, [])
    print(*key, statistics.median(l) if l else "nan", statistics.median(p) if p else "nan", len(p))
PY
}

for n in 1 8; do
  out="$LAB_DIR/trace-$n.jsonl"
  status=0
  lab_exec client "$WV_CLI" run "$url" --traceroute --rounds "$ROUNDS" \
    --family both --connections "$n" --json "$out" --quiet >"$LAB_DIR/run-$n.log" 2>&1 || status=$?
  ((status == 0)) || cat "$LAB_DIR/run-$n.log"
  t_eq "$n connection(s) per family: traceroute exit status" "$status" 0
  result=$(medians "$out")
  echo "$result" | sed "s/^/# $n per family: conn family dir last-router peer rounds: /"
  t_eq "$n connection(s) per family: paths traced" "$(echo "$result" | grep -c .)" $((n * 4))
  while read -r conn fam dir last peer rounds; do
    t_range "$n per family, conn $conn IPv$fam $dir: rounds that reached the peer" "$rounds" \
      $((ROUNDS - 1)) "$ROUNDS"
    t_range "$n per family, conn $conn IPv$fam $dir: peer hop median ms (last router $last)" \
      "$peer" 0 "$(awk -v l="$last" 'BEGIN { print l + 0.3 }')"
  done <<<"$result"
done

lab_stop "$serve_pid"
t_done
