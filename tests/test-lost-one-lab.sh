#!/bin/bash
# test-lost-one-lab.sh: one connection's path goes dark for good; that
# connection is declared lost, and the run goes on with the other
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server, one connection per family, 100 probes/s for 12 s.
# About 3 s into the streams r1 stops forwarding IPv6 (nftables), both ways,
# until the end. The IPv6 connection must be declared lost (one `lost`
# record, its summaries marked peer_lost and incomplete, its s2c loss
# counting the tail), while the IPv4 connection measures its whole
# duration without an outage and finishes complete. The run exits with
# status 3 (a connection was lost).

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the records"; exit 77; }

RATE=100
DURATION=12
LOST_TIMEOUT=3

lab_init lostone
lab_linear 1
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

json="$LAB_DIR/run.jsonl"
lab_spawn client run.log "$WV_CLI" run "$url" --streams --duration "$DURATION" --rate "$RATE" \
  --family both --lost-timeout "$LOST_TIMEOUT" --json "$json"
client_pid=$LAB_LAST_PID
for _ in $(seq 300); do
  grep -q '"type":"stats"' "$json" 2>/dev/null && break
  sleep 0.1
done
sleep 3
ip netns exec "$(lab_ns r1)" nft -f - <<'NFT'
table inet wvlab_v6dark {
  chain forward {
    type filter hook forward priority -300; policy accept;
    meta nfproto ipv6 drop
  }
}
NFT
dark=$(date +%s.%N)
echo "# IPv6 dark from $dark on"

rc=0
wait "$client_pid" || rc=$?
sed 's/^/# /' "$LAB_DIR/run.log.log"
t_eq "exit status of the run (a connection was lost)" "$rc" 3

# One line per fact: the lost records, then per connection and direction
# family, outages closed, summary duration, completeness, peer_lost,
# missing probes per probes due after the dark time (s2c).
report=$(python3 - "$json" "$dark" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
dark = float(sys.argv[2])
lost = [r for r in recs if r["type"] == "lost"]
print("lost", len(lost), " ".join(str(r["family"]) for r in lost),
      " ".join("%.3f" % (r["time"] - dark) for r in lost))
for r in recs:
    if r["type"] != "summary":
        continue
    outages = [o for o in recs if o["type"] == "outage" and o["conn"] == r["conn"]
               and o["dir"] == r["dir"] and o["end"] is not None]
    tail = (r["time"] - dark) * 100
    missing = (r["expected"] - r["probes"]) if r["expected"] is not None and r["probes"] is not None else -1
    print("summary", r["family"], r["dir"], len(outages), "%.1f" % r["duration_s"], r["complete"],
          r["peer_lost"], "%.3f" % (missing / tail if missing >= 0 else -1))
PY
)
sed 's/^/# /' <<<"$report"
while read -r what a b c d e f g; do
  case "$what" in
    lost)
      t_eq "lost records" "$a" 1
      t_eq "the lost connection's family" "$b" 6
      # the timeout after the last arrival, plus the watch's 100 ms and
      # a busy machine's slack
      t_range "lost declared, s after the path went dark" "$c" "$((LOST_TIMEOUT - 1))" "$((LOST_TIMEOUT + 1))" ;;
    summary)
      if [[ "$a" == 4 ]]; then
        t_eq "IPv4 $b: no outage" "$c" 0
        t_range "IPv4 $b: measured its whole duration, s" "$d" "$((DURATION - 1))" "$((DURATION + 1))"
        t_eq "IPv4 $b: complete" "$e" True
        t_eq "IPv4 $b: peer lost" "$f" False
      else
        t_eq "IPv6 $b: peer lost" "$f" True
        t_eq "IPv6 $b: complete" "$e" False
        [[ "$b" == s2c ]] &&
          t_range "IPv6 s2c: probes missing, per probes due after the path went dark" "$g" 0.8 2.5
      fi ;;
  esac
done <<<"$report"
t_eq "summaries (2 connections x 2 directions)" "$(grep -c '^summary' <<<"$report")" 4

lab_stop "$serve_pid"
t_done
