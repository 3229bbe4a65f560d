#!/bin/bash
# test-lab-topology.sh: lab self-test (d), topology, addressing, PMTU,
# silent hops and the TTL compensation of lab_impair
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server, link 3 (r2 - r3) with MTU 1400.
# tracepath -n from the client must find r1, r2, r3 at hops 1, 2, 3 with
# their documented addresses (10.0.K.2, fd00:0:K::2), reach the server at hop
# 4 and report pmtu 1400, for IPv4 and IPv6. Then:
#   - lab_block_icmp r2: hop 2 is silent ("no reply"), r3 is still hop 3;
#   - lab_impair r2 c2s: the detour through the relay must not cost a hop
#     (hops unchanged, the server at 4, pmtu 1400 found through the relay);
#   - the same with the relay's --ttl-add 0, as a control: r2 then shows up
#     twice and the server at hop 5, which proves the check above can fail.

source "$(dirname "${BASH_SOURCE[0]}")/lab-test.sh"
t_setup
if ! command -v tracepath >/dev/null 2>&1; then
  echo "ERROR: tracepath (iputils-tracepath) is not installed" >&2
  exit 1
fi

lab_init topology
lab_linear 3 1500 1500 1400 1500

# Addressing plan, as documented.
t_eq "client address (IPv4)" "$(lab_client_addr 4)" 10.0.1.1
t_eq "client address (IPv6)" "$(lab_client_addr 6)" fd00:0:1::1
t_eq "server address (IPv4)" "$(lab_server_addr 4)" 10.0.4.2
t_eq "server address (IPv6)" "$(lab_server_addr 6)" fd00:0:4::2
t_eq "r2 address on link 3 (IPv4)" "$(lab_addr r2 3 4)" 10.0.3.1
t_eq "r2 interface towards the server" "$(lab_ifname r2 s)" l3
t_eq "link 3 MTU in r3" "$(lab_exec r3 cat /sys/class/net/l3/mtu)" 1400
t_eq "link 4 MTU in the server" "$(lab_exec server cat /sys/class/net/l4/mtu)" 1500
t_eq "r2 IPv4 forwarding" "$(lab_exec r2 sysctl -n net.ipv4.ip_forward)" 1
t_eq "r2 IPv6 forwarding" "$(lab_exec r2 sysctl -n net.ipv6.conf.all.forwarding)" 1
t_eq "r2 ICMP rate limit" "$(lab_exec r2 sysctl -n net.ipv4.icmp_ratelimit)" 0
t_eq "r2 ICMPv6 rate limit" "$(lab_exec r2 sysctl -n net.ipv6.icmp.ratelimit)" 0

# Runs tracepath from the client (fresh PMTU state) and leaves the output in
# TRACE.
trace() {
  lab_exec client ip -4 route flush cache
  lab_exec client ip -6 route flush cache
  TRACE="$(lab_exec client tracepath -n -m 8 "$1" || true)"
  sed 's/^/#   /' <<<"$TRACE"
}

# hop_has <hop> <address>: some reply line for that hop names that address
# (tracepath prints "<hop>:  <address>  <time>...").
hop_has() {
  grep -Eq "^ *$1: +$2( |\$)" <<<"$TRACE"
}

hop_silent() {
  grep -Eq "^ *$1: +no reply" <<<"$TRACE" && ! grep -Eq "^ *$1: +[0-9a-f]+[.:]" <<<"$TRACE"
}

resume() {
  grep -Eo 'Resume: pmtu [0-9]+ hops [0-9]+' <<<"$TRACE" || echo "no Resume line"
}

for fam in 4 6; do
  trace "$(lab_server_addr "$fam")"
  for k in 1 2 3; do
    t_true "IPv$fam hop $k is r$k ($(lab_hop_addr "$k" "$fam"))" hop_has "$k" "$(lab_hop_addr "$k" "$fam")"
  done
  t_true "IPv$fam hop 4 reaches the server" hop_has 4 "$(lab_server_addr "$fam") .*reached"
  t_eq "IPv$fam tracepath summary" "$(resume)" "Resume: pmtu 1400 hops 4"
done

lab_block_icmp r2
for fam in 4 6; do
  trace "$(lab_server_addr "$fam")"
  t_true "IPv$fam hop 1 is r1" hop_has 1 "$(lab_hop_addr 1 "$fam")"
  t_true "IPv$fam hop 2 (r2, ICMP blocked) is silent" hop_silent 2
  t_true "IPv$fam hop 3 is r3" hop_has 3 "$(lab_hop_addr 3 "$fam")"
  t_true "IPv$fam hop 4 reaches the server" hop_has 4 "$(lab_server_addr "$fam") .*reached"
  # r2 still sends "fragmentation needed" / "packet too big".
  t_eq "IPv$fam tracepath summary" "$(resume)" "Resume: pmtu 1400 hops 4"
done
lab_unblock_icmp r2

lab_impair r2 c2s 5 0 0
for fam in 4 6; do
  trace "$(lab_server_addr "$fam")"
  for k in 1 2 3; do
    t_true "IPv$fam via relay: hop $k is r$k" hop_has "$k" "$(lab_hop_addr "$k" "$fam")"
  done
  t_true "IPv$fam via relay: hop 4 reaches the server" hop_has 4 "$(lab_server_addr "$fam") .*reached"
  t_eq "IPv$fam via relay: tracepath summary" "$(resume)" "Resume: pmtu 1400 hops 4"
done
echo "# relay: $(lab_relay_stats r2 c2s)"

# Control: without the compensation the detour costs a hop.
lab_impair r2 c2s 5 0 0 on --ttl-add 0
trace "$(lab_server_addr 4)"
t_true "control (--ttl-add 0): r2 answers for hop 3 too" hop_has 3 "$(lab_hop_addr 2 4)"
t_true "control (--ttl-add 0): the server is at hop 5" hop_has 5 "$(lab_server_addr 4) .*reached"

t_done
