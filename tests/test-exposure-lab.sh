#!/bin/bash
# test-exposure-lab.sh: a server on an untrusted network (issue 12)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server, the server with its access token. Checks, with
# nftables counters on every packet the server's namespace sends (the
# output hook sees loopback and every interface):
#
# 1. No reflection: a hostile client puts candidates at multicast groups,
#    broadcast, third parties (r1, the gateway, an unrouted address), the
#    server's own loopback and address into its offer and into a
#    candidates POST. The server sends no UDP toward any of them. A
#    candidate at the client's own HTTP address (a port where nothing
#    listens) does get the server's checks: the counters see checks when
#    they go out. (The client's other addresses are not tried here: the
#    normal client below sends checks from all of them, and the server
#    rightly answers those.)
# 2. While that goes on, a normal measurement (the CLI with the printed
#    URL) runs and exits 0.
# 3. One host with many addresses in one IPv6 /64 gets no more than one
#    client's share of connections (--max-per-client 3); another client
#    still gets its own.
# 4. Without the token: 401.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" && -x "${WV_HOSTILE:-}" ]] || {
  echo "ERROR: set WV_CLI and WV_HOSTILE (meson test does)" >&2
  exit 1
}

lab_init exposure
lab_linear 1
server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
client4=$(lab_client_addr 4)
client6=$(lab_client_addr 6)
gateway4=10.0.2.1
gateway6=fd00:0:2::1
r1_client4=10.0.1.2

# Eight more addresses in the client's own IPv6 /64.
for i in $(seq 100 107); do
  lab_exec client ip -6 addr add "fd00:0:1::$i/64" dev "$(lab_ifname client s)" nodad
done

# Counters on everything the server sends: one rule per forbidden target
# (any UDP to that address), and one for the allowed control.
lab_exec server nft -f - <<NFT
table inet wvexp {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 224.0.0.0/4 meta l4proto udp counter comment "multicast4"
    ip6 daddr ff00::/8 meta l4proto udp counter comment "multicast6"
    ip daddr 255.255.255.255 meta l4proto udp counter comment "broadcast"
    ip daddr 10.0.2.255 meta l4proto udp counter comment "subnet-broadcast"
    ip daddr 127.0.0.0/8 meta l4proto udp counter comment "loopback4"
    ip6 daddr ::1 meta l4proto udp counter comment "loopback6"
    ip daddr $server4 meta l4proto udp counter comment "own-address"
    ip daddr $gateway4 meta l4proto udp counter comment "gateway4"
    ip6 daddr $gateway6 meta l4proto udp counter comment "gateway6"
    ip daddr $r1_client4 meta l4proto udp counter comment "third-party"
    ip daddr 192.0.2.1 meta l4proto udp counter comment "unrouted-third-party"
    ip daddr $client4 udp dport 9 counter comment "control-client-port-9"
  }
}
NFT
count() {
  lab_exec server nft list chain inet wvexp out |
    sed -n "s/.*counter packets \([0-9]*\) bytes.*comment \"$1\".*/\1/p"
}

lab_spawn server serve "$WV_CLI" serve --listen "$server4:8080" --listen "[$server6]:8080" \
  --max-per-client 3
serve_pid=$LAB_LAST_PID
url=""
for _ in $(seq 300); do
  url=$(sed -n "s|^wifi-verify .* serving on \(http://$server4:8080/?token=.*\)$|\1|p" \
    "$LAB_DIR/serve.log" | head -1)
  [[ -n "$url" ]] && lab_exec client "$WV_CLI" status "$url" >/dev/null 2>&1 && break
  sleep 0.1
done
t_true "the server printed its page URL with the token" test -n "$url"
url6=${url/$server4/[$server6]}

# 4. The token.
if lab_exec client "$WV_CLI" status "http://$server4:8080" >/dev/null 2>&1; then
  _t_result fail "status without the token was answered"
else
  _t_result ok "status without the token is refused"
fi

# 1. The hostile client, then a normal run at the same time.
bad4=(224.0.0.1:9 239.255.255.250:1900 255.255.255.255:9 10.0.2.255:9 127.0.0.1:22
      "$server4:53" "$gateway4:53" "$r1_client4:9" 192.0.2.1:9)
bad6=("[ff02::1]:9" "[ff02::fb]:5353" "[::1]:53" "[$gateway6]:53")
cand() { # cand <foundation> <addr> <port> [typ]
  echo "candidate:$1 1 UDP 2015363327 $2 $3 typ ${4:-host}"
}
args4=() args6=()
n=1
for t in "${bad4[@]}"; do
  args4+=(--sdp-candidate "$(cand $n "${t%:*}" "${t##*:}")")
  args4+=(--candidate "$(cand $((n + 100)) "${t%:*}" "${t##*:}" srflx)")
  n=$((n + 1))
done
args4+=(--candidate "$(cand 99 "$client4" 9)")
for t in "${bad6[@]}"; do
  a=${t%:*}; a=${a#[}; a=${a%]}
  args6+=(--sdp-candidate "$(cand $n "$a" "${t##*:}")")
  args6+=(--candidate "$(cand $((n + 100)) "$a" "${t##*:}")")
  n=$((n + 1))
done
lab_spawn client hostile4 "$WV_HOSTILE" "$url" --family 4 --hold 8 "${args4[@]}"
lab_spawn client hostile6 "$WV_HOSTILE" "$url6" --family 6 --hold 8 "${args6[@]}"
rc=0
lab_exec client "$WV_CLI" run "$url" --streams --duration 3 --quiet >"$LAB_DIR/run.log" 2>&1 || rc=$?
t_eq "a normal run with the printed URL exits" "$rc" 0
# On a loaded machine the hostile clients' offers can come late (their
# webrtcbin makes the offer): wait for their candidates to be posted, then
# give the server's ICE agent time to check everything it was given.
for _ in $(seq 300); do
  grep -q "^candidates" "$LAB_DIR/hostile4.log" && grep -q "^candidates" "$LAB_DIR/hostile6.log" &&
    break
  sleep 0.1
done
sleep 6
echo "# hostile IPv4 client: $(tr '\n' ' ' <"$LAB_DIR/hostile4.log")"
echo "# hostile IPv6 client: $(tr '\n' ' ' <"$LAB_DIR/hostile6.log")"
t_true "the hostile IPv4 offer was taken" grep -q "^offer 201" "$LAB_DIR/hostile4.log"
t_true "its candidates were taken (and ignored)" grep -q "^candidates 204" "$LAB_DIR/hostile4.log"
t_true "the hostile IPv6 offer was taken" grep -q "^offer 201" "$LAB_DIR/hostile6.log"
lab_exec server nft list chain inet wvexp out | sed 's/^/# /'
for c in multicast4 multicast6 broadcast subnet-broadcast loopback4 loopback6 own-address \
  gateway4 gateway6 third-party unrouted-third-party; do
  t_eq "UDP packets from the server to $c" "$(count "$c")" 0
done
t_range "UDP packets to the client's own address, port 9 (control)" "$(count control-client-port-9)" 1 1000

# 3. Eight addresses in one /64: three connections, then 429.
ok=0 refused=0
for i in $(seq 100 107); do
  out=$(lab_exec client "$WV_HOSTILE" "$url6" --family 6 --bind "fd00:0:1::$i" 2>&1 || true)
  case "$out" in
    *"offer 201"*) ok=$((ok + 1)) ;;
    *"offer 429"*) refused=$((refused + 1)) ;;
    *) echo "# from fd00:0:1::$i: $out" ;;
  esac
done
# The hostile IPv6 client above (from the same /64) may still hold one.
t_range "offers taken from one /64 (its share is 3)" "$ok" 2 3
t_range "offers refused from that /64 with 429" "$refused" 5 6
out=$(lab_exec client "$WV_HOSTILE" "$url" --family 4 --bind "$client4" 2>&1 || true)
t_true "another client (IPv4) still gets its share" grep -q "offer 201" <<<"$out"
t_true "the server still answers" lab_exec client "$WV_CLI" status "$url"
lab_stop "$serve_pid"
t_done
