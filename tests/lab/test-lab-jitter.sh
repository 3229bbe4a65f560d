#!/bin/bash
# test-lab-jitter.sh: lab self-test (b), jitter and reordering of lab_impair
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server, r1 delays c2s by 20 ms +- 5 ms; 1000 probes at 1 ms
# spacing, so a jitter of several ms must reorder them unless FIFO order is
# asked for.
#   uniform (IPv4): added delay uniform in [15, 25] ms: mean 20, standard
#                   deviation 5/sqrt(3) = 2.887 ms
#   normal (IPv6):  mean 20, standard deviation 5 ms
#   FIFO (both):    no reordering at all (mean and spread are not those of
#                   the distribution any more: a packet waits for the one
#                   ahead of it)
# The standard deviation must be within 25 % of the expected value, the mean
# within 1 ms; s2c stays unimpaired. Seeds are fixed, so the relay's random
# numbers are the same every run (the timing noise is not).

source "$(dirname "${BASH_SOURCE[0]}")/lab-test.sh"
t_setup

lab_init jitter
lab_linear 1
t_reflector

check_common() {
  local label="$1"
  t_range "$label c2s samples" "$(lab_field "$T_C2S" received)" 1000 1000
  t_range "$label c2s mean one-way delay ms" "$(lab_field "$T_C2S" delay_mean_ms)" 19 21
  t_range "$label s2c (not impaired) mean one-way delay ms" "$(lab_field "$T_S2C" delay_mean_ms)" 0 1
  t_eq "$label s2c (not impaired) reordered" "$(lab_field "$T_S2C" reordered)" 0
}

# Uniform: sd 2.887 ms, +-25 % = 2.165 .. 3.608. The relay never releases
# early, so the minimum is at least 15 ms; the maximum must reach about 25 ms
# (its upper bound only catches gross errors: one late sample on a loaded
# machine must not fail the test).
lab_impair r1 c2s 20 5 0 on --jitter-dist uniform --seed 1
t_probe client "$(lab_server_addr 4)" 1000 1000
check_common "IPv4 uniform"
t_range "IPv4 uniform c2s delay sd ms" "$(lab_field "$T_C2S" delay_sd_ms)" 2.165 3.608
t_range "IPv4 uniform c2s minimum delay ms" "$(lab_field "$T_C2S" delay_min_ms)" 15 16
t_range "IPv4 uniform c2s maximum delay ms" "$(lab_field "$T_C2S" delay_max_ms)" 24 60
t_range "IPv4 uniform c2s reordered packets" "$(lab_field "$T_C2S" reordered)" 100 1000
echo "# relay: $(lab_relay_stats r1 c2s)"

# Normal: sd 5 ms, +-25 % = 3.75 .. 6.25.
lab_impair r1 c2s 20 5 0 on --jitter-dist normal --seed 2
t_probe client "$(lab_server_addr 6)" 1000 1000
check_common "IPv6 normal"
t_range "IPv6 normal c2s delay sd ms" "$(lab_field "$T_C2S" delay_sd_ms)" 3.75 6.25
t_range "IPv6 normal c2s reordered packets" "$(lab_field "$T_C2S" reordered)" 100 1000
echo "# relay: $(lab_relay_stats r1 c2s)"

# FIFO: the same jitter must not reorder anything. The mean rises (each
# packet waits for the slowest before it), so only its lower bound is checked.
for fam in 4 6; do
  lab_impair r1 c2s 20 5 0 off --jitter-dist uniform --seed 3
  t_probe client "$(lab_server_addr "$fam")" 1000 1000
  t_range "IPv$fam FIFO c2s samples" "$(lab_field "$T_C2S" received)" 1000 1000
  t_eq "IPv$fam FIFO c2s reordered" "$(lab_field "$T_C2S" reordered)" 0
  t_range "IPv$fam FIFO c2s minimum delay ms" "$(lab_field "$T_C2S" delay_min_ms)" 15 25
  t_range "IPv$fam FIFO c2s mean delay ms" "$(lab_field "$T_C2S" delay_mean_ms)" 20 26
  t_range "IPv$fam FIFO s2c (not impaired) mean one-way delay ms" "$(lab_field "$T_S2C" delay_mean_ms)" 0 1
  stats="$(lab_relay_stats r1 c2s)"
  echo "# relay: $stats"
  t_eq "IPv$fam FIFO relay reordered" "$(lab_field "$stats" reordered)" 0
done

t_done
