#!/usr/bin/env bash
# Instructions per message through the whole stack with and without
# per-packet options, counted by callgrind (repeatable whatever the load on
# the machine; kernel work is not counted, see bench-packet-options for CPU
# time including the kernel).
set -euo pipefail
bench=$1
n=${2:-2000}
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A ir
for mode in plain options; do
  WV_BENCH_CALLGRIND=$mode valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$out/cg.$mode" "$bench" "$n" >"$out/log.$mode" 2>&1 \
    || { cat "$out/log.$mode"; exit 1; }
  ir[$mode]=$(sed -n "s/^totals: //p" "$out/cg.$mode")
done
awk -v p="${ir[plain]}" -v o="${ir[options]}" -v n="$n" 'BEGIN {
  printf "whole stack, IPv4 loopback, %d messages of 100 bytes, user-space instructions per message (both peers):\n", n
  printf "  without options  %8.0f\n", p / n
  printf "  with ttl+tos     %8.0f  (%+.1f %%)\n", o / n, 100 * (o - p) / p }'
