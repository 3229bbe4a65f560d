#!/bin/bash
# test-dscp-path-lab.sh: the DSCP each router received, from the IP header
# its ICMP error quotes, and where along the path it was re-marked
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server, IPv4 and IPv6. r2 re-marks every packet
# it forwards to CS0 (nftables, forward hook). The client traces with its
# probes marked EF (--trace-dscp EF), with the ICMP helper (root here). A
# router sends "time exceeded" before its forward hook, so it quotes the
# probe as it arrived: r1 and r2 quote EF, r3 (behind r2) CS0. Checked:
#   - the client-to-server hop records: tos EF on every hop, rx_dscp EF at
#     hops 1 and 2, CS0 at hop 3, none for the peer;
#   - the report's note puts the re-marking between hop 2 and hop 3;
#   - without the helper the quotes are unknown and the note says the
#     helper is needed (the socket error queue has no quoted IP header);
#   - server to client: the server runs no ICMP helper, so its hops have no
#     quote either, and its probes were marked as asked (tos EF).

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }

lab_init dscp
lab_linear 3

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID
t_true "server answers its status" lab_exec client "$WV_CLI" status "$url"

ip netns exec "$(lab_ns r2)" nft -f - <<'EOF'
table inet wvlab_remark {
  chain remark {
    type filter hook forward priority 0; policy accept;
    meta nfproto ipv4 ip dscp set cs0
    meta nfproto ipv6 ip6 dscp set cs0
  }
}
EOF
t_true "r2 re-marks what it forwards" ip netns exec "$(lab_ns r2)" nft list table inet wvlab_remark

trace() {
  local out=$1
  shift
  if ! lab_exec client "$WV_CLI" run "$url" --family both --traceroute \
      --rounds 2 --trace-dscp EF --json "$out.jsonl" --save "$out.wvrun" --quiet "$@" \
      >"$out.log" 2>&1; then
    cat "$out.log"
    return 1
  fi
}

# "fam dir ttl tos-name rx-name" per hop, from the last round.
hops() {
  python3 - "$1" <<'PY'
import json, sys
last = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "hop":
        last[(r["family"], r["dir"], r["ttl"])] = r
for k in sorted(last):
    r = last[k]
    print(k[0], k[1], k[2], r["dscp_name"], r["rx_dscp_name"] or "-", "peer" if r["reached"] else "hop")
PY
}

t_true "traceroute with the helper" trace "$LAB_DIR/helper"
ours=$(hops "$LAB_DIR/helper.jsonl")
echo "$ours" | sed 's/^/# /'
for fam in 4 6; do
  t_eq "IPv$fam c2s: sent EF, received at hops 1-3, the peer" \
    "$(awk -v f="$fam" '$1 == f && $2 == "c2s" { printf "%s%s:%s", sep, $4, $5; sep = " " }' <<<"$ours")" \
    "EF:EF EF:EF EF:CS0 EF:-"
  t_eq "IPv$fam s2c: sent EF, no quote (the server runs no ICMP helper)" \
    "$(awk -v f="$fam" '$1 == f && $2 == "s2c" { printf "%s%s:%s", sep, $4, $5; sep = " " }' <<<"$ours")" \
    "EF:- EF:- EF:- EF:-"
done
report=$("$WV_CLI" report "$LAB_DIR/helper.wvrun")
echo "$report" | grep -i dscp | sed 's/^/# /'
for fam in 4 6; do
  t_true "IPv$fam c2s: re-marked between hop 2 and hop 3" grep -Eq \
    "connection [0-9]+ IPv$fam c2s: DSCP EF at hop 2 arrived as CS0 at hop 3 \(.*\): re-marked between them" \
    <<<"$report"
  t_true "IPv$fam s2c: the DSCP along the path needs the helper" grep -Eq \
    "connection [0-9]+ IPv$fam s2c: probes sent with DSCP EF, but no router's ICMP error quoted them" \
    <<<"$report"
done

# Without the helper: the socket error queue alone.
t_true "traceroute without the helper" trace "$LAB_DIR/nohelper" --icmp-helper /nonexistent
ours=$(hops "$LAB_DIR/nohelper.jsonl")
echo "$ours" | sed 's/^/# /'
t_eq "without the helper: every hop found, no quote" \
  "$(awk '$2 == "c2s" { printf "%s%s:%s", sep, $4, $5; sep = " " }' <<<"$ours")" \
  "EF:- EF:- EF:- EF:- EF:- EF:- EF:- EF:-"
t_true "without the helper: the report says the helper is needed" grep -Eq \
  "IPv4 c2s: probes sent with DSCP EF, but no router's ICMP error quoted them \(the DSCP along the path needs the ICMP helper\)" \
  <<<"$("$WV_CLI" report "$LAB_DIR/nohelper.wvrun")"
t_done
