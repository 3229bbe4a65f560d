#!/bin/bash
# test-measure-lab.sh: the measurement engine against known impairments
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server in network namespaces. wifi-verify-cli serves in the
# server namespace and runs in the client namespace, one connection per
# family, 100 probes/s for 60 s: 6000 probes per direction (with 3000, the
# random 5 % loss alone would leave +-1 point 1.2 % of the time; with 6000,
# 0.04 %). r1 impairs the client-to-server direction only: 20 ms delay with
# 5 ms of jitter (TUN relay) and 5 % loss (nftables). Both namespaces read the host's clock, so
# the one-way delays are measured directly ("synced"):
#   c2s: mean OWD 20 +- 1 ms, loss 5 +- 1 points, jitter (mean |D|) 10/3 ms;
#   s2c: mean OWD below 1 ms, loss below 1 %.
# The asymmetry must show up in the impaired direction only.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }

# WV_TEST_DURATION shortens it for manual runs (the loss check needs 60 s).
DURATION=${WV_TEST_DURATION:-60}

lab_init measure
lab_linear 1

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID
# Wait until the server answers.
t_true "server answers its status" lab_exec client "$WV_CLI" status "$url"

lab_impair r1 c2s 20 5 0
lab_loss 1 c2s 5

out="$LAB_DIR/records.jsonl"
if ! lab_exec client "$WV_CLI" run "$url" --duration "$DURATION" \
    --family both --connections 1 --json "$out" --quiet >"$LAB_DIR/run.log" 2>&1; then
  cat "$LAB_DIR/run.log"
  t_true "wifi-verify-cli run succeeds" false
fi
echo "# relay: $(lab_relay_stats r1 c2s)"
echo "# nftables dropped: $(lab_loss_dropped 1 c2s)"

# One line per family and direction: family dir probes owd_mean loss jitter
# mode mean_jitter_1s (the mean of the 1 s windows' jitter values).
summary=$(python3 - "$out" <<'PY'
import json, sys
per_second = {}
rows = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r.get("family"), r.get("dir"))
    if r["type"] == "stats" and r["window_s"] == 1 and r["jitter_ms"] is not None:
        per_second.setdefault(key, []).append(r["jitter_ms"])
    if r["type"] == "summary":
        rows.append(r)
for r in rows:
    owd = r["owd_ms"]["mean"]
    js = per_second.get((r["family"], r["dir"]), [])
    print(r["family"], r["dir"], r["probes"], owd if owd is not None else "nan",
          r["loss_pct"] if r["loss_pct"] is not None else "nan",
          r["jitter_ms"] if r["jitter_ms"] is not None else "nan", r["owd_mode"],
          sum(js) / len(js) if js else "nan")
PY
)
echo "$summary" | sed 's/^/# /'

for fam in 4 6; do
  read -r _ _ c_probes c_owd c_loss c_jit c_mode c_jit1 <<<"$(echo "$summary" | awk -v f="$fam" '$1 == f && $2 == "c2s"')"
  read -r _ _ s_probes s_owd s_loss s_jit s_mode s_jit1 <<<"$(echo "$summary" | awk -v f="$fam" '$1 == f && $2 == "s2c"')"
  t_eq "IPv$fam c2s one-way delay mode" "${c_mode:-missing}" synced
  t_eq "IPv$fam s2c one-way delay mode" "${s_mode:-missing}" synced
  # 100 probes/s for DURATION s (6000 by default); about 5 % of c2s lost.
  t_range "IPv$fam c2s probes received" "${c_probes:-0}" $((DURATION * 90)) $((DURATION * 100))
  t_range "IPv$fam s2c probes received" "${s_probes:-0}" $((DURATION * 98)) $((DURATION * 100))
  t_range "IPv$fam c2s (impaired) mean one-way delay ms" "${c_owd:-nan}" 19 21
  t_range "IPv$fam c2s (impaired) loss %" "${c_loss:-nan}" 4 6
  t_range "IPv$fam s2c (not impaired) mean one-way delay ms" "${s_owd:-nan}" 0 1
  t_range "IPv$fam s2c (not impaired) loss %" "${s_loss:-nan}" 0 1
  # A delay uniform in 20 +- 5 ms: the transit difference D of two probes is
  # triangular on [-10, 10] ms, so E|D| is 10/3 ms. The summary's jitter is
  # the mean |D| over the run (issue 15; it used to be RFC 3550's J after
  # the last probe, which scattered from 2.5 to 5.3 ms): within 10 %.
  t_range "IPv$fam c2s (impaired) mean of 1 s jitter ms" "${c_jit1:-nan}" 3.0 3.67
  t_range "IPv$fam c2s (impaired) summary jitter ms" "${c_jit:-nan}" 3.0 3.67
  t_range "IPv$fam s2c (not impaired) mean of 1 s jitter ms" "${s_jit1:-nan}" 0 0.5
  t_range "IPv$fam s2c (not impaired) summary jitter ms" "${s_jit:-nan}" 0 0.5
done

lab_stop "$serve_pid"
t_done
