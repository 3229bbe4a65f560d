#!/bin/bash
# test-outage-lab.sh: a 2 s blackout in the middle of the probe streams is
# measured as one outage per direction, and the run still finishes
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server, one connection per family, 100 probes/s for 10 s.
# About 3 s into the streams r1's link to the client drops everything, both
# ways (nftables), for 2 s. Each connection must report exactly one outage
# per direction (the s2c one seen by the client, the c2s one reported by the
# server once contact returned) of 1.6-2.6 s, go on, and finish with complete
# summaries.
#
# What SCTP does to the probes of a dark path shows in the numbers, and the
# test pins it: how soon the streams are seen again after the path returns
# is bounded by the retransmission timer (at most 1 s with our patch 0004:
# the outage lasts about 2.2 s here); the probes in flight when the path
# went dark are lost, and those sent later wait in the SCTP send queue (the
# congestion window is full) and arrive when the path is back, late by up
# to the outage's length when timed by the application (wire timestamps time
# them from when they really left). So an outage's probes_lost is what the
# receiver's sequence numbers say was lost across it, which is also all the
# run's loss.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the records"; exit 77; }

RATE=100
DURATION=10
BLACKOUT=2

lab_init outage
lab_linear 1
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

json="$LAB_DIR/run.jsonl"
lab_spawn client run.log "$WV_CLI" run "$url" --streams --duration "$DURATION" --rate "$RATE" \
  --family both --json "$json"
client_pid=$LAB_LAST_PID
for _ in $(seq 300); do
  grep -q '"type":"stats"' "$json" 2>/dev/null && break
  sleep 0.1
done
sleep 2
# One table that r1 forwards nothing through, added and removed in one
# command each, so both directions go dark and come back together.
r1_nft() { ip netns exec "$(lab_ns r1)" nft "$@"; }
r1_nft -f - <<'NFT'
table inet wvlab_blackout {
  chain forward {
    type filter hook forward priority -300; policy drop;
  }
}
NFT
t0=$(date +%s.%N)
sleep "$BLACKOUT"
r1_nft delete table inet wvlab_blackout
t1=$(date +%s.%N)
echo "# blackout of $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"

rc=0
wait "$client_pid" || rc=$?
sed 's/^/# /' "$LAB_DIR/run.log.log"
t_eq "exit status of the run" "$rc" 0

# One line per connection and direction: closed outages, the first one's
# length, its probes lost, the summary's lost count (expected - received),
# its largest one-way delay, completeness, peer_lost, expected_from.
report=$(python3 - "$json" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for conn in sorted({r["conn"] for r in recs if r["type"] == "summary"}):
    for d in ("c2s", "s2c"):
        closed = [r for r in recs if r["type"] == "outage" and r["conn"] == conn
                  and r["dir"] == d and r["end"] is not None]
        s = [r for r in recs if r["type"] == "summary" and r["conn"] == conn and r["dir"] == d][0]
        o = closed[0] if closed else {"duration_s": -1, "probes_lost": -1}
        print(conn, d, len(closed), "%.3f" % o["duration_s"], o["probes_lost"],
              s["expected"] - s["probes"], "%.3f" % (s["owd_ms"]["max"] / 1000.0),
              s["complete"], s["peer_lost"], s["expected_from"])
print("lost", sum(1 for r in recs if r["type"] == "lost"))
PY
)
sed 's/^/# /' <<<"$report"
while read -r conn dir n length lost run_lost owd_max complete peer_lost from; do
  [[ "$conn" == lost ]] && { t_eq "lost records" "$dir" 0; continue; }
  t_eq "conn $conn $dir: outages" "$n" 1
  t_range "conn $conn $dir: outage length s" "$length" 1.6 2.6
  # the probes due while nothing arrived: the rate times its length
  t_range "conn $conn $dir: probes lost in the outage, per rate x length" \
    "$(awk -v x="$lost" -v l="$length" -v r="$RATE" 'BEGIN { printf "%.3f", x / (l * r) }')" 0.85 1.05
  # of those, the ones that never arrived: the rest waited in the sender's
  # SCTP queue and came late; nothing else was lost in this lab
  t_range "conn $conn $dir: the run's lost probes" "$run_lost" 1 "$lost"
  # (The probes SCTP held back while the path was dark are timed at the
  # wire since issue 10: they leave when the path returns, so they add no
  # one-way delay; they count as untimed instead.)
  t_eq "conn $conn $dir: complete" "$complete" True
  t_eq "conn $conn $dir: peer lost" "$peer_lost" False
  t_eq "conn $conn $dir: expected from" "$from" sender
done <<<"$report"
t_eq "connections and directions reported" "$(grep -c -v '^lost' <<<"$report")" 4

lab_stop "$serve_pid"
t_done
