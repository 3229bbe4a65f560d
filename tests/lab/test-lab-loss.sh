#!/bin/bash
# test-lab-loss.sh: lab self-test (c), random loss on one direction
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server; 3000 probes at 1 ms each time. Expected loss 10 %:
# the binomial standard deviation over 3000 packets is 0.55 percentage
# points, so the +-2 points bound is 3.6 sigma. The other direction must
# lose nothing.
#   1. lab_loss on link 1 c2s (nftables at r1's ingress), IPv4
#   2. lab_loss on link 2 s2c (nftables at r1's server-side ingress), IPv6
#   3. the relay's own loss (lab_impair r1 c2s 0 0 10, seeded), IPv4 and IPv6
#   4. the relay's queue bound: --queue 5 with 20 ms delay and a probe every
#      1 ms lets 5 packets per 20 ms through, so about 75 % are dropped and
#      counted as dropped_queue
#   5. clean shutdown: packets still held when the relay is stopped are
#      counted as dropped_shutdown in its final statistics

source "$(dirname "${BASH_SOURCE[0]}")/lab-test.sh"
t_setup

lab_init loss
lab_linear 1
t_reflector

# 1. nftables, link 1, client -> r1.
lab_loss 1 c2s 10
t_probe client "$(lab_server_addr 4)" 3000 1000
t_range "IPv4 nft link 1 c2s loss %" "$(lab_field "$T_C2S" loss_pct)" 8 12
t_eq "IPv4 nft link 1 s2c lost (not impaired)" "$(lab_field "$T_S2C" lost)" 0
t_eq "IPv4 nft socket drops" "$(lab_field "$T_C2S" sock_drops)" 0
dropped="$(lab_loss_dropped 1 c2s)"
# The nft counter also counts dropped start/statistics requests, so it is at
# least the number of probes lost.
t_range "IPv4 nft link 1 c2s drop counter" "$dropped" "$(lab_field "$T_C2S" lost)" 1000
lab_loss_clear 1 c2s
if lab_exec r1 nft list table inet wvlab_loss_l1 >/dev/null 2>&1; then
  t_eq "lab_loss_clear removed the nft table" present absent
else
  t_eq "lab_loss_clear removed the nft table" absent absent
fi

# 2. nftables, link 2, server -> r1.
lab_loss 2 s2c 10
t_probe client "$(lab_server_addr 6)" 3000 1000
t_eq "IPv6 nft link 2 c2s lost (not impaired)" "$(lab_field "$T_C2S" lost)" 0
t_range "IPv6 nft link 2 s2c loss %" "$(lab_field "$T_S2C" loss_pct)" 8 12
lab_loss_clear 2 s2c

# 3. The relay's loss, fixed seed.
lab_impair r1 c2s 0 0 10 on --seed 4
for fam in 4 6; do
  t_probe client "$(lab_server_addr "$fam")" 3000 1000
  t_range "IPv$fam relay c2s loss %" "$(lab_field "$T_C2S" loss_pct)" 8 12
  t_eq "IPv$fam relay s2c lost (not impaired)" "$(lab_field "$T_S2C" lost)" 0
done
stats="$(lab_relay_stats r1 c2s)"
echo "# relay: $stats"
t_range "relay dropped_loss share of received %" \
  "$(awk -v d="$(lab_field "$stats" dropped_loss)" -v r="$(lab_field "$stats" received)" 'BEGIN { printf "%.3f", 100 * d / r }')" 8 12

# 4. Queue bound.
lab_impair r1 c2s 20 0 0 on --queue 5
t_probe client "$(lab_server_addr 4)" 1000 1000
t_range "queue 5: c2s loss %" "$(lab_field "$T_C2S" loss_pct)" 65 85
stats="$(lab_relay_stats r1 c2s)"
echo "# relay: $stats"
t_eq "queue 5: relay queue_max" "$(lab_field "$stats" queue_max)" 5
t_range "queue 5: relay dropped_queue" "$(lab_field "$stats" dropped_queue)" "$(lab_field "$T_C2S" lost)" 1000
t_eq "queue 5: relay dropped_loss" "$(lab_field "$stats" dropped_loss)" 0

# 5. Shutdown with packets held: 10 datagrams into a 5 s delay, then stop.
lab_impair r1 c2s 5000 0 0 on --verbose
lab_exec client bash -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo x >/dev/udp/10.0.2.2/9; done'
sleep 0.2
lab_unimpair r1 c2s
final="$(grep '^wv-lab-relay: ' "$LAB_DIR/relay-r1-c2s.log" | tail -n 1)"
echo "# relay final: $final"
t_eq "shutdown: relay received" "$(lab_field "$final" received)" 10
t_eq "shutdown: relay dropped_shutdown" "$(lab_field "$final" dropped_shutdown)" 10
t_eq "shutdown: relay released" "$(lab_field "$final" released)" 0
if lab_exec r1 ip link show wvimp-c2s >/dev/null 2>&1; then
  t_eq "lab_unimpair removed the TUN device" present absent
else
  t_eq "lab_unimpair removed the TUN device" absent absent
fi

t_done
