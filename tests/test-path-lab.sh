#!/bin/bash
# test-path-lab.sh: traceroute and MTU from both ends, against tracepath
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server, the r2-r3 link with MTU 1400, IPv4 and
# IPv6, ICMP rate limits off in the routers (lab.sh). wifi-verify-cli serves
# in the server namespace and runs the traceroute and MTU phases from the
# client namespace; both directions are measured (c2s: the client's
# probes, s2c: the server's). Checked:
#   - every router hop is found, in order, in both directions, and they are
#     the hops tracepath finds from the same end;
#   - the MTU up to each hop and the path MTU equal tracepath's pmtu to the
#     byte (tracepath runs first, each run from a flushed path MTU cache),
#     and match the topology (c2s 1500 1500 1400 1400, s2c 1500 1400 1400
#     1400);
#   - with r2's ICMP errors blocked (nftables), hop 2 is silent and r3 and
#     the peer are still found.

source "$(dirname "${BASH_SOURCE[0]}")/lab/lab-test.sh"
t_setup
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the results"; exit 77; }
command -v tracepath >/dev/null || { echo "SKIP: tracepath (iputils-tracepath) is not installed"; exit 77; }

lab_init path
lab_linear 3 1500 1500 1400 1500

server4=$(lab_server_addr 4)
server6=$(lab_server_addr 6)
client4=$(lab_client_addr 4)
client6=$(lab_client_addr 6)
t_wv_serve
url=$T_URL
serve_pid=$T_SERVE_PID

# tracepath's view: one line per hop "ttl addr pmtu", pmtu as in effect for
# that hop (a "pmtu N" note applies from the next line on). The node's path
# MTU cache is flushed first: tracepath starts from what the kernel knows.
flush_pmtu() {
  lab_exec "$1" ip -4 route flush cache
  lab_exec "$1" ip -6 route flush cache
}
tracepath_hops() {
  local node=$1 fam=$2 dest=$3
  flush_pmtu "$node"
  lab_exec "$node" tracepath -n "-$fam" -m 10 "$dest" 2>&1 | awk '
    /\[LOCALHOST\]/ { for (i = 1; i <= NF; i++) if ($i == "pmtu") pmtu = $(i + 1); next }
    /^ *[0-9]+: / {
      ttl = $1; sub(":", "", ttl); addr = $2
      hop[ttl] = addr; mtu[ttl] = pmtu
      for (i = 1; i <= NF; i++) if ($i == "pmtu") pmtu = $(i + 1)
      if (ttl > max) max = ttl
    }
    /Resume:/ { for (i = 1; i <= NF; i++) if ($i == "pmtu") final = $(i + 1) }
    END { for (t = 1; t <= max; t++) print t, hop[t], mtu[t]; print "path", final }'
}

# Our view from the JSON records: "ttl addr mtu" per hop (address of the
# last round, "*" when silent in every round) and "path N".
our_hops() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, fam, direction = sys.argv[1], int(sys.argv[2]), sys.argv[3]
hops, mtus, path_mtu = {}, {}, None
for line in open(path):
    r = json.loads(line)
    if r["family"] != fam or r["dir"] != direction:
        continue
    if r["type"] == "hop":
        if r["addr"] is not None or r["ttl"] not in hops:
            hops[r["ttl"]] = r["addr"] or "*"
    elif r["type"] == "mtu":
        mtus[r["hop"]] = r["mtu"]
    elif r["type"] == "path_mtu":
        path_mtu = r["mtu"]
for ttl in sorted(hops):
    print(ttl, hops[ttl], mtus.get(ttl) or "-")
print("path", path_mtu)
PY
}

run_phases() {
  local out=$1
  shift
  if ! lab_exec client "$WV_CLI" run "$url" --family both --connections 1 \
      --json "$out" --quiet "$@" >"$LAB_DIR/run.log" 2>&1; then
    cat "$LAB_DIR/run.log"
    return 1
  fi
}

# tracepath first, from both ends; then wifi-verify from fresh caches.
declare -A tracepath_view
for fam in 4 6; do
  for dir in c2s s2c; do
    if [[ $dir == c2s ]]; then node=client dest=$([[ $fam == 4 ]] && echo "$server4" || echo "$server6")
    else node=server dest=$([[ $fam == 4 ]] && echo "$client4" || echo "$client6"); fi
    tracepath_view[$fam$dir]=$(tracepath_hops "$node" "$fam" "$dest")
  done
done
flush_pmtu client
flush_pmtu server

out="$LAB_DIR/path.jsonl"
t_true "traceroute and MTU phases run" run_phases "$out" --traceroute --mtu --rounds 3

# The MTU up to each hop, from the topology: the 1400 link (r2-r3) is
# crossed to reach hop 3 from the client (r3) and hop 2 from the server (r2).
declare -A topology_mtus=([c2s]="1500 1500 1400 1400" [s2c]="1500 1400 1400 1400")
for fam in 4 6; do
  for dir in c2s s2c; do
    theirs=${tracepath_view[$fam$dir]}
    ours=$(our_hops "$out" "$fam" "$dir")
    echo "# IPv$fam $dir tracepath:"; echo "$theirs" | sed 's/^/#   /'
    echo "# IPv$fam $dir wifi-verify:"; echo "$ours" | sed 's/^/#   /'
    # Three routers and the peer.
    t_eq "IPv$fam $dir number of hops" "$(echo "$ours" | grep -vc '^path')" 4
    for ttl in 1 2 3 4; do
      t_eq "IPv$fam $dir hop $ttl address" "$(echo "$ours" | awk -v t="$ttl" '$1 == t { print $2 }')" \
        "$(echo "$theirs" | awk -v t="$ttl" '$1 == t { print $2 }')"
      t_eq "IPv$fam $dir MTU up to hop $ttl" "$(echo "$ours" | awk -v t="$ttl" '$1 == t { print $3 }')" \
        "$(echo "$theirs" | awk -v t="$ttl" '$1 == t { print $3 }')"
    done
    t_eq "IPv$fam $dir MTU per hop as built" "$(echo "$ours" | awk '$1 != "path" { printf "%s%s", sep, $3; sep = " " }')" \
      "${topology_mtus[$dir]}"
    
    t_eq "IPv$fam $dir path MTU" "$(echo "$ours" | awk '$1 == "path" { print $2 }')" \
      "$(echo "$theirs" | awk '$1 == "path" { print $2 }')"
    t_eq "IPv$fam $dir path MTU value" "$(echo "$ours" | awk '$1 == "path" { print $2 }')" 1400
  done
done

# A router that sends no ICMP errors is a silent hop; the hops after it are
# still found.
lab_block_icmp r2
out2="$LAB_DIR/silent.jsonl"
t_true "traceroute with r2 silent runs" run_phases "$out2" --traceroute --rounds 2
for fam in 4 6; do
  for dir in c2s s2c; do
    ours=$(our_hops "$out2" "$fam" "$dir")
    echo "# IPv$fam $dir with r2 silent:"; echo "$ours" | sed 's/^/#   /'
    t_eq "IPv$fam $dir hop 2 is silent" "$(echo "$ours" | awk '$1 == 2 { print $2 }')" "*"
    t_true "IPv$fam $dir hop 3 is found" test "$(echo "$ours" | awk '$1 == 3 { print $2 }')" != "*"
    t_true "IPv$fam $dir the peer is reached at hop 4" test -n "$(echo "$ours" | awk '$1 == 4 && $2 != "*"')"
  done
done
lab_unblock_icmp r2

# Sizes of our own, one above the first link's MTU: the search still ends on
# the exact values, both ends (the server takes the list from the request).
out3="$LAB_DIR/sizes.jsonl"
t_true "MTU phase with --mtu-sizes runs" run_phases "$out3" --traceroute --rounds 1 --mtu --mtu-sizes 1300,1450,2000
for fam in 4 6; do
  for dir in c2s s2c; do
    ours=$(our_hops "$out3" "$fam" "$dir")
    echo "# IPv$fam $dir with --mtu-sizes 1300,1450,2000:"; echo "$ours" | sed 's/^/#   /'
    t_eq "IPv$fam $dir MTU per hop with own sizes" "$(echo "$ours" | awk '$1 != "path" { printf "%s%s", sep, $3; sep = " " }')" \
      "${topology_mtus[$dir]}"
    t_eq "IPv$fam $dir path MTU with own sizes" "$(echo "$ours" | awk '$1 == "path" { print $2 }')" 1400
  done
done

lab_stop "$serve_pid"
t_done
