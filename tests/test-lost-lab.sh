#!/bin/bash
# test-lost-lab.sh: a server killed mid-stream is declared lost, and
# everything measured before is kept
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server, one connection per family, 100 probes/s and bulk
# traffic, --lost-timeout 3. About 3 s into the streams the server gets
# SIGKILL: no bye, no DTLS close, nothing. The client must declare each
# connection lost within the timeout + 1 s, count the s2c probes it never
# got (the tail) in the summary's loss, end with exit status 3, and leave
# JSON and CSV files holding every record measured before the kill.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the records"; exit 77; }

RATE=100
DURATION=20
LOST_TIMEOUT=3

lab_init lost
lab_linear 1
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

json="$LAB_DIR/run.jsonl"
csv="$LAB_DIR/csv"
lab_spawn client run.log "$WV_CLI" run "$url" --streams --duration "$DURATION" --rate "$RATE" \
  --bulk 2000000 --family both --lost-timeout "$LOST_TIMEOUT" --json "$json" --csv "$csv"
client_pid=$LAB_LAST_PID
for _ in $(seq 300); do
  grep -q '"type":"stats"' "$json" 2>/dev/null && break
  sleep 0.1
done
sleep 3
kill -KILL "$serve_pid"
kill_time=$(date +%s.%N)
echo "# server killed at $kill_time"

# The client must end by itself, long before its 20 s are over.
ended=0
for _ in $(seq 150); do
  kill -0 "$client_pid" 2>/dev/null || { ended=1; break; }
  sleep 0.1
done
t_eq "the client ended by itself within 15 s of the kill" "$ended" 1
rc=0
((ended)) && { wait "$client_pid" || rc=$?; }
sed 's/^/# /' "$LAB_DIR/run.log.log"
t_eq "exit status of the run" "$rc" 3

report=$(python3 - "$json" "$csv" "$kill_time" <<'PY'
import csv, json, os, sys
path, csvdir, kill = sys.argv[1], sys.argv[2], float(sys.argv[3])
recs = [json.loads(l) for l in open(path)]
def rows(name):
    with open(os.path.join(csvdir, name + ".csv"), newline="") as f:
        return list(csv.DictReader(f))
for r in recs:
    if r["type"] == "lost":
        print("lost", r["conn"], "%.3f" % (r["time"] - kill), "%.3f" % (r["time"] - r["last_rx"]))
for r in recs:
    if r["type"] == "summary" and r["dir"] == "s2c":
        # expected: the rate over the time the stream was due (up to the
        # lost declaration); missing: at least the tail, the probes due
        # from the kill to that declaration
        due = r["duration_s"]
        tail = (r["time"] - kill) * 100
        missing = r["expected"] - r["probes"]
        print("s2c", r["conn"], "%.3f" % (r["expected"] / (100 * due)), "%.3f" % (missing / tail),
              r["peer_lost"], r["complete"], r["expected_from"],
              "%.3f" % (r["loss_pct"] - 100.0 * missing / r["expected"]))
    if r["type"] == "summary" and r["dir"] == "c2s":
        # the server's summary never came: received = its per-second
        # reports added up, expected = what the client sent (up to the
        # lost declaration); missing: at least the probes sent after the
        # kill, and those of the last second the server did not report
        tail = (r["time"] - kill) * 100
        missing = r["expected"] - r["probes"]
        print("c2s", r["conn"], "%.3f" % (missing / tail), r["peer_lost"], r["complete"],
              r["expected_from"], int(r["expected"] == r["probes_sent"]), r["owd_ms"]["n"])
stats1 = [r for r in recs if r["type"] == "stats" and r["window_s"] == 1]
before = [r for r in stats1 if r["time"] < kill]
print("stats1_before_kill", len(before))
for t in ("stats", "summary", "lost", "outage"):
    print("csv_rows", t, len([r for r in recs if r["type"] == t]), len(rows(t)))
PY
)
sed 's/^/# /' <<<"$report"
nlost=0
while read -r what a b c d e f g h i; do
  case "$what" in
    lost)
      nlost=$((nlost + 1))
      t_range "conn $a: lost declared, s after the kill" "$b" 0 $((LOST_TIMEOUT + 1))
      t_range "conn $a: silence before the declaration, s" "$c" "$LOST_TIMEOUT" $((LOST_TIMEOUT + 1)) ;;
    s2c)
      # (less the 50 ms the rule allows for the two ends' start times)
      t_range "conn $a s2c: expected, per rate x time due" "$b" 0.97 1.0
      # the tail counts; more are missing when the server's SCTP still held
      # probes at the kill (its bulk traffic congests the association: up to
      # a second or two of them on a busy machine)
      t_range "conn $a s2c: probes missing, per probes due after the kill" "$c" 0.8 2.5
      t_eq "conn $a s2c: peer lost" "$d" True
      t_eq "conn $a s2c: complete" "$e" False
      t_eq "conn $a s2c: expected from" "$f" rate
      t_range "conn $a s2c: loss % - 100 x missing / expected" "$g" -0.001 0.001 ;;
    c2s)
      # the tail counts; more are missing: those the server received after
      # its last per-second report (a second, more when the server's ticks
      # ran late on a busy machine: 1.55 seen in CI) and those still in the
      # client's SCTP queue behind the bulk traffic at the kill
      t_range "conn $a c2s: probes missing, per probes sent after the kill" "$b" 0.8 2.5
      t_eq "conn $a c2s: peer lost" "$c" True
      t_eq "conn $a c2s: complete" "$d" False
      t_eq "conn $a c2s: expected from" "$e" sender
      t_eq "conn $a c2s: expected = probes sent" "$f" 1
      t_eq "conn $a c2s: delays (unknown without the server's summary)" "$g" 0 ;;
    stats1_before_kill)
      # 2 connections x 2 directions x about 3 s
      t_range "1 s stats records before the kill" "$a" 8 40 ;;
    csv_rows)
      t_eq "CSV rows of $a = JSON records" "$c" "$b" ;;
  esac
done <<<"$report"
t_eq "connections declared lost" "$nlost" 2
t_done
