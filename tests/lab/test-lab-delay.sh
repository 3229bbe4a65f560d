#!/bin/bash
# test-lab-delay.sh: lab self-test (a), delay accuracy of lab_impair
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server. r1 delays one direction by 20 ms (no jitter, no
# loss); 1000 probes at 2 ms per family and direction. The impaired
# direction's mean one-way delay must be 20 +- 1 ms, the other direction's
# below 1 ms (an unimpaired veth hop takes microseconds), with no loss and no
# reordering. Then the same with the other direction impaired.

source "$(dirname "${BASH_SOURCE[0]}")/lab-test.sh"
t_setup

lab_init delay
lab_linear 1
t_reflector

for dir in c2s s2c; do
  lab_impair r1 "$dir" 20 0 0
  for fam in 4 6; do
    t_probe client "$(lab_server_addr "$fam")" 1000 2000
    if [[ "$dir" == c2s ]]; then
      slow="$T_C2S" fast="$T_S2C" other=s2c
    else
      slow="$T_S2C" fast="$T_C2S" other=c2s
    fi
    t_range "IPv$fam $dir (impaired) samples" "$(lab_field "$slow" received)" 1000 1000
    t_range "IPv$fam $dir (impaired) mean one-way delay ms" "$(lab_field "$slow" delay_mean_ms)" 19 21
    t_range "IPv$fam $dir (impaired) minimum one-way delay ms" "$(lab_field "$slow" delay_min_ms)" 19.9 21
    t_eq "IPv$fam $dir (impaired) reordered" "$(lab_field "$slow" reordered)" 0
    t_range "IPv$fam $other (not impaired) samples" "$(lab_field "$fast" received)" 1000 1000
    t_range "IPv$fam $other (not impaired) mean one-way delay ms" "$(lab_field "$fast" delay_mean_ms)" 0 1
  done
  stats="$(lab_relay_stats r1 "$dir")"
  echo "# relay: $stats"
  # Every probe and reply of the impaired direction went through the relay.
  t_range "relay $dir released packets" "$(lab_field "$stats" released)" 2000 2100
  lab_unimpair r1 "$dir"
done

t_done
