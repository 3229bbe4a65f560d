#!/bin/bash
# test-jitter-lab.sh: summary jitter and one-way delay against the truth and
# against irtt, in the same lab
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server in network namespaces. The TUN relay adds
# 20 ms with uniform jitter and 1 % loss to each direction (c2s through r1,
# s2c through r2). Two rounds swap the jitter: c2s +-3 ms / s2c +-8 ms, then
# c2s +-8 ms / s2c +-3 ms, so both directions see both. In each round
# wifi-verify-cli measures IPv4 and IPv6 at once for DURATION s at 100
# probes/s, then irtt (the reference) measures the same lab right after, both
# families at once, at the same rate and for the same time.
#
# Round c measures the same lab in offset-estimated mode (symmetric +-3 ms):
# one-way delays within 1 ms of the injected 20 ms.
#
# Truth: for delays uniform in d +- J, D = X1 - X2 is triangular on
# [-2J, 2J] and E|D| = 2J/3: 2 ms for +-3 ms, 5.333 ms for +-8 ms (with
# reordering, consecutive arrivals give about 2 % more at +-8 ms). The
# summary's jitter (mean |D| over the run) must be within 10 % of E|D|, its
# mean one-way delay within 0.5 ms of the injected 20 ms (all namespaces
# read one kernel clock: "synced"), and both within 10 % / 0.5 ms of irtt's
# IPDV mean and send/receive delay for the same family and direction
# whenever irtt's own figures are within 20 % / 1 ms of the truth (irtt
# stamps in user space and drifts off on a loaded machine; then that
# comparison is skipped, saying so, and the checks against the truth stand).
#
# Issue 15: the summary used to report RFC 3550's running J after the last
# probe, about twice the truth here; the old test accepted 1.5 to 6.5 ms for
# a truth of 3.3 ms.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }
command -v irtt >/dev/null || { echo "SKIP: irtt (Debian package irtt) is the reference; tools/bootstrap.sh installs it"; exit 77; }

# 20 s = 2000 probes per direction: the mean |D| then scatters by about 2.5 %
# (|D| has a coefficient of variation of 0.7, neighbours share a sample), so
# 10 % is 4 standard deviations against the truth and 3 against irtt.
DURATION=${WV_TEST_DURATION:-20}
DELAY=20

lab_init jitter
lab_linear 3

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID
lab_spawn server irtt-server.log irtt server -b "$server4:2112,[$server6]:2112"
irtt_pid=$LAB_LAST_PID
t_true "server answers its status" lab_exec client "$WV_CLI" status "$url"

# t_skip <what> <why>: a TAP skip, counted, never a failure.
t_skip() {
  T_COUNT=$((T_COUNT + 1))
  echo "ok $T_COUNT - $1 # SKIP $2"
}

# Prints "family dir jitter owd_mean owd_mode probes sent" per summary of ours,
# then "irtt family dir ipdv_mean owd_mean n" per irtt result (ms).
read_results() {
  python3 - "$@" <<'PY'
import json, sys
ours, irtt4, irtt6 = sys.argv[1:4]
for line in open(ours):
    r = json.loads(line)
    if r["type"] != "summary":
        continue
    owd = r["owd_ms"]["mean"]
    print(r["family"], r["dir"], r["jitter_ms"] if r["jitter_ms"] is not None else "nan",
          owd if owd is not None else "nan", r["owd_mode"], r["probes"], r["probes_sent"])
for fam, path in (("4", irtt4), ("6", irtt6)):
    try:
        st = json.load(open(path))["stats"]
    except (OSError, ValueError, KeyError):
        continue
    ms = lambda k, f: st[k][f] / 1e6 if st[k]["n"] > 0 else float("nan")
    print("irtt", fam, "c2s", ms("ipdv_send", "mean"), ms("send_delay", "mean"), st["ipdv_send"]["n"])
    print("irtt", fam, "s2c", ms("ipdv_receive", "mean"), ms("receive_delay", "mean"), st["ipdv_receive"]["n"])
PY
}

# run_round <name> <c2s jitter ms> <s2c jitter ms>
run_round() {
  local name="$1" jc="$2" js="$3" out="$LAB_DIR/$1.jsonl" results fam dir j truth
  lab_impair r1 c2s "$DELAY" "$jc" 1
  lab_impair r2 s2c "$DELAY" "$js" 1
  local status=0
  lab_exec client "$WV_CLI" run "$url" --streams --duration "$DURATION" \
    --family both --connections 1 --owd synced --json "$out" --quiet >"$LAB_DIR/$name.log" 2>&1 || status=$?
  if ((status != 0)); then
    cat "$LAB_DIR/$name.log"
    t_true "round $name: wifi-verify-cli run succeeds (exit status $status)" false
  fi
  # irtt right after ours, both families at once, 100 packets/s.
  lab_exec client irtt client -Q -i 10ms -d "${DURATION}s" -o "$LAB_DIR/$name-irtt4.json" \
    "$server4:2112" >"$LAB_DIR/$name-irtt4.log" 2>&1 &
  local p4=$!
  lab_exec client irtt client -Q -i 10ms -d "${DURATION}s" -o "$LAB_DIR/$name-irtt6.json" \
    "[$server6]:2112" >"$LAB_DIR/$name-irtt6.log" 2>&1 &
  local p6=$!
  t_true "round $name: irtt IPv4 runs" wait "$p4"
  t_true "round $name: irtt IPv6 runs" wait "$p6"
  echo "# round $name relays: c2s $(lab_relay_stats r1 c2s | cut -c1-80)"
  echo "# round $name relays: s2c $(lab_relay_stats r2 s2c | cut -c1-80)"

  results=$(read_results "$out" "$LAB_DIR/$name-irtt4.json" "$LAB_DIR/$name-irtt6.json")
  echo "$results" | sed "s/^/# $name: /"
  for fam in 4 6; do
    for dir in c2s s2c; do
      local jit owd mode probes ijit iowd
      read -r _ _ jit owd mode probes sent <<<"$(echo "$results" | awk -v f="$fam" -v d="$dir" '$1 == f && $2 == d')"
      read -r _ _ _ ijit iowd _ <<<"$(echo "$results" | awk -v f="$fam" -v d="$dir" '$1 == "irtt" && $2 == f && $3 == d')"
      j=$([[ $dir == c2s ]] && echo "$jc" || echo "$js")
      truth=$(awk -v j="$j" 'BEGIN { printf "%.4f", 2 * j / 3 }')
      t_eq "$name IPv$fam $dir one-way delay mode" "${mode:-missing}" synced
      # 1 % loss; the sender may fall behind its schedule on a loaded
      # machine, so what it sent is the base.
      t_range "$name IPv$fam $dir probes sent" "${sent:-0}" $((DURATION * 90)) $((DURATION * 100))
      t_range "$name IPv$fam $dir probes received of those sent" \
        "$(awk -v r="${probes:-0}" -v s="${sent:-0}" 'BEGIN { if (s > 0) printf "%.4f", r / s; else print "nan" }')" 0.95 1
      t_range "$name IPv$fam $dir summary jitter ms (E|D| = $truth, +-$j ms uniform)" "${jit:-nan}" \
        "$(awk -v t="$truth" 'BEGIN { print t * 0.9 }')" "$(awk -v t="$truth" 'BEGIN { print t * 1.1 }')"
      t_range "$name IPv$fam $dir mean one-way delay ms (injected $DELAY)" "${owd:-nan}" \
        "$(awk -v d="$DELAY" 'BEGIN { print d - 0.5 }')" "$(awk -v d="$DELAY" 'BEGIN { print d + 0.5 }')"
      # irtt stamps its packets in user space: on a loaded machine its own
      # figures drift from the truth (seen: IPDV 3.8 ms and delay 22.4 ms
      # for 2 and 20 under a load average of 12, 2.32 for 2 under 10, while
      # ours stayed within 3 %). It judges us only when it measured the lab
      # right itself: within 5 % and 0.5 ms of the truth (it does on an
      # idle machine: 2.05, 2.09, 5.42, 5.35 for 2 and 5.33).
      if [[ "$(awk -v i="${ijit:-nan}" -v t="$truth" -v o="${iowd:-nan}" -v d="$DELAY" \
            'BEGIN { print (i >= 0.95 * t && i <= 1.05 * t && o >= d - 0.5 && o <= d + 0.5) ? "sane" : "off" }')" == sane ]]; then
        t_range "$name IPv$fam $dir summary jitter / irtt IPDV mean" \
          "$(awk -v a="${jit:-nan}" -v b="${ijit:-nan}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "nan" }')" 0.9 1.1
        t_range "$name IPv$fam $dir mean one-way delay - irtt's ms" \
          "$(awk -v a="${owd:-nan}" -v b="${iowd:-nan}" 'BEGIN { printf "%.4f", a - b }')" -0.5 0.5
      else
        t_skip "$name IPv$fam $dir comparison with irtt" \
          "irtt itself is off the truth (IPDV ${ijit:-nan} ms for $truth, delay ${iowd:-nan} ms for $DELAY): the machine is loaded"
      fi
    done
  done
}

run_round a 3 8
run_round b 8 3

# Round c: offset-estimated mode (the clocks are not trusted; the offset and
# skew come from the probes), symmetric 20 ms +- 3 ms: the estimate splits
# the round trip evenly, so each direction's mean is 20 ms within 1 ms, and
# the jitter, which does not depend on the offset, within 10 %.
lab_impair r1 c2s "$DELAY" 3 1
lab_impair r2 s2c "$DELAY" 3 1
out="$LAB_DIR/c.jsonl"
status=0
lab_exec client "$WV_CLI" run "$url" --streams --duration "$DURATION" \
  --family both --connections 1 --owd estimated --json "$out" --quiet >"$LAB_DIR/c.log" 2>&1 || status=$?
t_eq "round c: wifi-verify-cli run exit status" "$status" 0
results=$(read_results "$out" /dev/null /dev/null)
echo "$results" | sed "s/^/# c: /"
for fam in 4 6; do
  for dir in c2s s2c; do
    read -r _ _ jit owd mode _ _ <<<"$(echo "$results" | awk -v f="$fam" -v d="$dir" '$1 == f && $2 == d')"
    t_eq "c IPv$fam $dir one-way delay mode" "${mode:-missing}" offset-estimated
    t_range "c IPv$fam $dir mean one-way delay ms (injected $DELAY, estimated offset)" "${owd:-nan}" \
      $((DELAY - 1)) $((DELAY + 1))
    t_range "c IPv$fam $dir summary jitter ms (E|D| = 2)" "${jit:-nan}" 1.8 2.2
  done
done

lab_stop "$irtt_pid"
lab_stop "$serve_pid"
t_done
