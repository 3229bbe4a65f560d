# shellcheck shell=bash
# lab.sh: network-namespace topologies for the wifi-verify integration tests
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Source this file from a bash test (it is safe under set -euo pipefail):
#
#   source "$(dirname "$0")/lab.sh"
#   lab_require_root            # exit 77 with a reason when not root
#   lab_init mytest             # unique names, EXIT trap tears down
#   lab_linear 3 1500 1500 1400 # client - r1 - r2 - r3 - server
#   lab_impair r1 c2s 20 5 0    # 20 +- 5 ms client->server through r1
#   lab_exec client tracepath -n "$(lab_server_addr 4)"
#
# Topology of lab_linear N: nodes client (index 0), r1..rN (1..N), server
# (N+1). Link i (1..N+1) joins node i-1 (its "left", client-side end) and
# node i (its "right" end); both ends of link i are called l<i> inside their
# namespace. Addresses on link i:
#   IPv4 10.0.<i>.0/24:     left end 10.0.<i>.1,    right end 10.0.<i>.2
#   IPv6 fd00:0:<i>::/64:   left end fd00:0:<i>::1, right end fd00:0:<i>::2
# (the decimal link number is written as is into the IPv6 group, so the
# strings are predictable; at most 50 routers). So the client is 10.0.1.1,
# router rK answers traceroute from the client with 10.0.K.2 / fd00:0:K::2
# and the server is 10.0.<N+1>.2. README.md has the full reference.
#
# Every function returns non-zero with a message on stderr on bad input, so
# a caller under set -e stops at the first mistake.

if [[ -n "${_LAB_SH_LOADED:-}" ]]; then
  return 0
fi
_LAB_SH_LOADED=1

LAB_PREFIX=""
LAB_DIR=""
LAB_NROUTERS=0
LAB_NAMESPACES=()
LAB_PIDS=()
LAB_LAST_PID=""
declare -gA _LAB_RELAY_PID=()
_LAB_PREV_EXIT_TRAP=""

# Policy-routing tables and TUN names used by lab_impair, per direction.
_LAB_TABLE_c2s=201
_LAB_TABLE_s2c=202
_LAB_RULE_PRIO_c2s=100
_LAB_RULE_PRIO_s2c=101

_lab_err() {
  echo "lab: $*" >&2
}

# lab_require_root: exits the test with status 77 (meson's "skipped") and a
# printed reason unless running as root with the tools the lab needs.
lab_require_root() {
  local tool
  if [[ "$(id -u)" != 0 ]]; then
    echo "SKIP: the network lab needs root (network namespaces, nftables, TUN)"
    exit 77
  fi
  for tool in ip nft; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: '$tool' is not installed"
      exit 77
    fi
  done
}

# lab_init <name>: picks the unique prefix wvlab-<name>-<pid>-<random> for
# every namespace, makes a scratch directory ($LAB_DIR: relay logs, pid and
# stats files) and registers an EXIT trap (plus INT/TERM/HUP) that tears
# everything down. An EXIT trap set before lab_init still runs, after ours.
# Set LAB_KEEP=1 to keep $LAB_DIR for inspection.
lab_init() {
  local name="${1:-lab}" prev
  if [[ ! "$name" =~ ^[A-Za-z0-9_.]{1,20}$ ]]; then
    _lab_err "lab_init: name must be 1..20 characters of [A-Za-z0-9_.], got '$name'"
    return 1
  fi
  if [[ -n "$LAB_PREFIX" ]]; then
    _lab_err "lab_init: already initialised ($LAB_PREFIX)"
    return 1
  fi
  if [[ -z "${WV_LAB_RELAY:-}" ]]; then
    WV_LAB_RELAY="$(command -v wv-lab-relay 2>/dev/null || true)"
  fi
  LAB_PREFIX="wvlab-${name}-$$-${RANDOM}"
  LAB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/${LAB_PREFIX}.XXXXXX")"

  prev="$(trap -p EXIT)"
  if [[ -n "$prev" ]]; then
    eval "local -a _p=( $prev )"
    # shellcheck disable=SC2154
    _LAB_PREV_EXIT_TRAP="${_p[2]}"
  fi
  trap '_lab_exit_trap' EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

_lab_exit_trap() {
  local rc=$?
  set +e
  lab_teardown "$rc"
  if [[ -n "$_LAB_PREV_EXIT_TRAP" ]]; then
    eval "$_LAB_PREV_EXIT_TRAP"
  fi
  exit "$rc"
}

# Stops one process started by the lab: SIGTERM, up to 5 s of grace, SIGKILL.
_lab_stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# lab_teardown [exit status]: stops the processes the lab started, kills
# whatever else still runs in its namespaces (by pid), deletes the
# namespaces and the scratch directory. Called by the EXIT trap; safe to call
# more than once. With a non-zero status it first prints the relay logs.
lab_teardown() {
  local rc="${1:-0}" pid ns f
  # Best effort from here on; "local -" keeps the caller's set -e intact.
  local -
  set +e
  if [[ -z "$LAB_PREFIX" ]]; then
    return 0
  fi
  for pid in "${LAB_PIDS[@]}"; do
    _lab_stop_pid "$pid"
  done
  if [[ "$rc" != 0 && -d "$LAB_DIR" ]]; then
    for f in "$LAB_DIR"/*.log; do
      [[ -s "$f" ]] || continue
      echo "lab: --- ${f##*/} (last 20 lines) ---" >&2
      tail -n 20 "$f" >&2
    done
  fi
  for ns in "${LAB_NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null
    done
    ip netns del "$ns" 2>/dev/null
  done
  if [[ "${LAB_KEEP:-0}" == 1 ]]; then
    echo "lab: kept $LAB_DIR" >&2
  else
    rm -rf "$LAB_DIR"
  fi
  LAB_PREFIX=""
  LAB_DIR=""
  LAB_NROUTERS=0
  LAB_NAMESPACES=()
  LAB_PIDS=()
  _LAB_RELAY_PID=()
  return 0
}

# Prints the index of a node: client 0, rK K, server N+1.
_lab_node_index() {
  local node="$1"
  case "$node" in
    client) echo 0 ;;
    server) echo $((LAB_NROUTERS + 1)) ;;
    r[1-9] | r[1-9][0-9])
      if ((${node#r} <= LAB_NROUTERS)); then
        echo "${node#r}"
      else
        _lab_err "no router '$node' (the lab has $LAB_NROUTERS)"
        return 1
      fi
      ;;
    *)
      _lab_err "unknown node '$node' (client, r1..r$LAB_NROUTERS, server)"
      return 1
      ;;
  esac
}

_lab_node_name() {
  local idx="$1"
  if ((idx == 0)); then
    echo client
  elif ((idx == LAB_NROUTERS + 1)); then
    echo server
  else
    echo "r$idx"
  fi
}

_lab_need_topology() {
  if ((LAB_NROUTERS < 1)); then
    _lab_err "no topology: call lab_init and lab_linear first"
    return 1
  fi
}

# lab_ns <node>: the network namespace name of a node.
lab_ns() {
  _lab_need_topology || return 1
  _lab_node_index "$1" >/dev/null || return 1
  echo "${LAB_PREFIX}-$1"
}

# lab_nodes: all node names, client first.
lab_nodes() {
  local i
  _lab_need_topology || return 1
  for ((i = 0; i <= LAB_NROUTERS + 1; i++)); do
    _lab_node_name "$i"
  done
}

# lab_exec <node> <command> [args...]: runs a command inside the node.
lab_exec() {
  local ns
  ns="$(lab_ns "${1:-}")" || return 1
  shift
  ip netns exec "$ns" "$@"
}

# lab_spawn <node> <logname> <command> [args...]: starts a command in the
# background inside the node, stdout and stderr to $LAB_DIR/<logname>.log.
# Its pid is left in LAB_LAST_PID (do not call this in $(...): the pid
# would be recorded in a subshell). Stopped at teardown or with lab_stop.
lab_spawn() {
  local ns log="${2:-}"
  ns="$(lab_ns "${1:-}")" || return 1
  if [[ ! "$log" =~ ^[A-Za-z0-9_.-]+$ ]]; then
    _lab_err "lab_spawn: log name must be [A-Za-z0-9_.-]+, got '$log'"
    return 1
  fi
  if (($# < 3)); then
    _lab_err "lab_spawn: usage: lab_spawn <node> <logname> <command> [args...]"
    return 1
  fi
  shift 2
  # ip netns exec execs the command in place, so $! is its pid.
  ip netns exec "$ns" "$@" >>"$LAB_DIR/$log.log" 2>&1 &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
}

# lab_stop <pid>: stops a process started with lab_spawn (TERM, then KILL).
lab_stop() {
  local pid="${1:-}" p keep=()
  if [[ ! "$pid" =~ ^[0-9]+$ ]]; then
    _lab_err "lab_stop: bad pid '$pid'"
    return 1
  fi
  for p in "${LAB_PIDS[@]}"; do
    [[ "$p" == "$pid" ]] || keep+=("$p")
  done
  if ((${#keep[@]} == ${#LAB_PIDS[@]})); then
    _lab_err "lab_stop: $pid was not started by the lab"
    return 1
  fi
  LAB_PIDS=("${keep[@]}")
  _lab_stop_pid "$pid"
}

_lab_check_mtu() {
  if [[ ! "$1" =~ ^[0-9]{4,5}$ ]] || (($1 < 1280 || $1 > 65535)); then
    _lab_err "link MTU must be 1280..65535 (IPv6 needs 1280), got '$1'"
    return 1
  fi
}

# Waits until each named interface of a namespace is operationally UP. The
# kernel attaches the qdisc of a device whose carrier came on from its
# linkwatch work, which may run up to a second later; until then packets sent
# to the device are dropped, so a test must not start before.
_lab_wait_up() {
  local ns="$1" dev i
  shift
  for dev in "$@"; do
    for ((i = 0; i < 200; i++)); do
      if ip -n "$ns" -o link show dev "$dev" 2>/dev/null | grep -q " state UP "; then
        break
      fi
      sleep 0.025
    done
    if ((i == 200)); then
      _lab_err "interface $dev in $ns did not come up:"
      ip -n "$ns" link show dev "$dev" >&2
      return 1
    fi
  done
}

# lab_linear <n_routers> [mtu_link1 ... mtu_link(n+1)]: builds
# client - r1 - ... - rN - server (see the header for the addressing).
# Missing MTUs default to 1500; "-" also means 1500. Routers forward IPv4
# and IPv6, have ICMP rate limits off and a large ICMP burst; DAD is off
# everywhere so addresses are usable at once; rp_filter is off (lab_impair
# re-injects packets through a TUN device).
lab_linear() {
  local n="${1:-}" i k ns node left right mtu
  local -a mtus=() nodes=()
  if [[ -z "$LAB_PREFIX" ]]; then
    _lab_err "lab_linear: call lab_init first"
    return 1
  fi
  if ((LAB_NROUTERS > 0)); then
    _lab_err "lab_linear: a topology exists already"
    return 1
  fi
  if [[ ! "$n" =~ ^[0-9]{1,2}$ ]] || ((n < 1 || n > 50)); then
    _lab_err "lab_linear: number of routers must be 1..50, got '$n'"
    return 1
  fi
  shift
  if (($# > n + 1)); then
    _lab_err "lab_linear: $n routers make $((n + 1)) links, got $# MTUs"
    return 1
  fi
  for ((i = 1; i <= n + 1; i++)); do
    mtu="${!i:-1500}"
    [[ "$mtu" == - ]] && mtu=1500
    _lab_check_mtu "$mtu" || return 1
    mtus[i]="$mtu"
  done

  LAB_NROUTERS="$n"
  for ((i = 0; i <= n + 1; i++)); do
    nodes[i]="$(_lab_node_name "$i")"
  done

  for ((i = 0; i <= n + 1; i++)); do
    ns="${LAB_PREFIX}-${nodes[i]}"
    ip netns add "$ns" || return 1
    LAB_NAMESPACES+=("$ns")
    # Defaults first, so that interfaces created afterwards inherit them.
    # rp_filter and redirects are inherited from the host for IPv4: set
    # them explicitly. ICMP limits matter on the end hosts too (port
    # unreachable ends a traceroute).
    ip netns exec "$ns" sysctl -q -w \
      net.ipv6.conf.all.accept_dad=0 \
      net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.all.accept_ra=0 \
      net.ipv6.conf.default.accept_ra=0 \
      net.ipv6.conf.all.disable_ipv6=0 \
      net.ipv6.conf.default.disable_ipv6=0 \
      net.ipv4.conf.all.rp_filter=0 \
      net.ipv4.conf.default.rp_filter=0 \
      net.ipv4.conf.all.send_redirects=0 \
      net.ipv4.conf.default.send_redirects=0 \
      net.ipv4.icmp_ratelimit=0 \
      net.ipv6.icmp.ratelimit=0 \
      net.ipv4.icmp_msgs_per_sec=100000 \
      net.ipv4.icmp_msgs_burst=100000 >/dev/null || return 1
    if ((i >= 1 && i <= n)); then
      ip netns exec "$ns" sysctl -q -w \
        net.ipv4.ip_forward=1 \
        net.ipv6.conf.all.forwarding=1 >/dev/null || return 1
    fi
    ip -n "$ns" link set lo up || return 1
  done

  # The veth ends are created directly inside the namespaces, so no name
  # ever exists in the host namespace (tests run in parallel).
  for ((i = 1; i <= n + 1; i++)); do
    left="${LAB_PREFIX}-${nodes[i - 1]}"
    right="${LAB_PREFIX}-${nodes[i]}"
    ip link add name "l$i" netns "$left" mtu "${mtus[i]}" type veth \
      peer name "l$i" netns "$right" mtu "${mtus[i]}" || return 1
  done

  for ((k = 0; k <= n + 1; k++)); do
    ns="${LAB_PREFIX}-${nodes[k]}"
    {
      # Interface towards the client (link k) and towards the server (k+1).
      if ((k >= 1)); then
        echo "addr add 10.0.$k.2/24 dev l$k"
        echo "addr add fd00:0:$k::2/64 dev l$k nodad"
        echo "link set l$k up"
      fi
      if ((k <= n)); then
        echo "addr add 10.0.$((k + 1)).1/24 dev l$((k + 1))"
        echo "addr add fd00:0:$((k + 1))::1/64 dev l$((k + 1)) nodad"
        echo "link set l$((k + 1)) up"
      fi
    } | ip -n "$ns" -batch - || return 1
  done

  for ((k = 0; k <= n + 1; k++)); do
    ns="${LAB_PREFIX}-${nodes[k]}"
    if ((k >= 1)); then
      _lab_wait_up "$ns" "l$k" || return 1
    fi
    if ((k <= n)); then
      _lab_wait_up "$ns" "l$((k + 1))" || return 1
    fi
  done

  for ((k = 0; k <= n + 1; k++)); do
    ns="${LAB_PREFIX}-${nodes[k]}"
    {
      if ((k == 0)); then
        echo "route add default via 10.0.1.2"
        echo "route add ::/0 via fd00:0:1::2"
      elif ((k == n + 1)); then
        echo "route add default via 10.0.$k.1"
        echo "route add ::/0 via fd00:0:$k::1"
      else
        for ((i = 1; i < k; i++)); do
          echo "route add 10.0.$i.0/24 via 10.0.$k.1"
          echo "route add fd00:0:$i::/64 via fd00:0:$k::1"
        done
        for ((i = k + 2; i <= n + 1; i++)); do
          echo "route add 10.0.$i.0/24 via 10.0.$((k + 1)).2"
          echo "route add fd00:0:$i::/64 via fd00:0:$((k + 1))::2"
        done
      fi
    } | ip -n "$ns" -batch - || return 1
  done
}

# lab_addr <node> <link> [4|6]: address of a node on one of its links.
lab_addr() {
  local node="${1:-}" link="${2:-}" fam="${3:-4}" idx host
  _lab_need_topology || return 1
  idx="$(_lab_node_index "$node")" || return 1
  if [[ ! "$link" =~ ^[0-9]+$ ]]; then
    _lab_err "lab_addr: bad link '$link'"
    return 1
  fi
  if ((link == idx)); then
    host=2
  elif ((link == idx + 1)); then
    host=1
  else
    _lab_err "lab_addr: $node is not on link $link (it is on links $idx and $((idx + 1)))"
    return 1
  fi
  case "$fam" in
    4) echo "10.0.$link.$host" ;;
    6) echo "fd00:0:$link::$host" ;;
    *)
      _lab_err "lab_addr: family must be 4 or 6, got '$fam'"
      return 1
      ;;
  esac
}

# lab_client_addr [4|6], lab_server_addr [4|6]: the end hosts' addresses.
lab_client_addr() {
  lab_addr client 1 "${1:-4}"
}

lab_server_addr() {
  _lab_need_topology || return 1
  lab_addr server $((LAB_NROUTERS + 1)) "${1:-4}"
}

# lab_hop_addr <K> [4|6]: the address router rK answers a traceroute from
# the client with (its client-side address, 10.0.K.2 / fd00:0:K::2).
lab_hop_addr() {
  local k="${1:-}"
  if [[ ! "$k" =~ ^[0-9]+$ ]]; then
    _lab_err "lab_hop_addr: bad hop '$k'"
    return 1
  fi
  lab_addr "r$k" "$k" "${2:-4}"
}

# lab_ifname <node> <c|s>: the node's interface towards the client or the
# server side.
lab_ifname() {
  local idx
  idx="$(_lab_node_index "${1:-}")" || return 1
  case "${2:-}" in
    c)
      if ((idx == 0)); then
        _lab_err "lab_ifname: the client has no client-side interface"
        return 1
      fi
      echo "l$idx"
      ;;
    s)
      if ((idx == LAB_NROUTERS + 1)); then
        _lab_err "lab_ifname: the server has no server-side interface"
        return 1
      fi
      echo "l$((idx + 1))"
      ;;
    *)
      _lab_err "lab_ifname: side must be c or s"
      return 1
      ;;
  esac
}

_lab_need_router() {
  local idx
  idx="$(_lab_node_index "${1:-}")" || return 1
  if ((idx < 1 || idx > LAB_NROUTERS)); then
    _lab_err "'$1' is not a router"
    return 1
  fi
  echo "$idx"
}

# lab_block_icmp <router> [all]: the router stops sending ICMP/ICMPv6 errors
# (time exceeded, destination unreachable, parameter problem): a silent hop
# to traceroute. Fragmentation needed (IPv4) and packet too big (IPv6) still
# go out, as on most real silent routers, unless "all" is given, which makes
# the router a PMTU black hole as well.
lab_block_icmp() {
  local router="${1:-}" mode="${2:-}" ns keep4="" keep6=""
  _lab_need_router "$router" >/dev/null || return 1
  case "$mode" in
    "")
      keep4="icmp type destination-unreachable icmp code frag-needed accept"
      keep6="icmpv6 type packet-too-big accept"
      ;;
    all) ;;
    *)
      _lab_err "lab_block_icmp: second argument must be 'all' or nothing"
      return 1
      ;;
  esac
  ns="$(lab_ns "$router")"
  lab_unblock_icmp "$router"
  ip netns exec "$ns" nft -f - <<EOF || return 1
table inet wvlab_icmp {
  chain out {
    type filter hook output priority 0; policy accept;
    $keep4
    $keep6
    icmp type { destination-unreachable, time-exceeded, parameter-problem } counter drop
    icmpv6 type { destination-unreachable, time-exceeded, parameter-problem } counter drop
  }
}
EOF
}

# lab_unblock_icmp <router>: undoes lab_block_icmp.
lab_unblock_icmp() {
  local ns
  _lab_need_router "${1:-}" >/dev/null || return 1
  ns="$(lab_ns "$1")"
  if ip netns exec "$ns" nft list table inet wvlab_icmp >/dev/null 2>&1; then
    ip netns exec "$ns" nft delete table inet wvlab_icmp
  fi
}

# Resolves <link> <c2s|s2c> to the node that receives that direction of the
# link: "<node> <ifname>".
_lab_link_rx() {
  local link="${1:-}" dir="${2:-}"
  _lab_need_topology || return 1
  if [[ ! "$link" =~ ^[0-9]+$ ]] || ((link < 1 || link > LAB_NROUTERS + 1)); then
    _lab_err "link must be 1..$((LAB_NROUTERS + 1)), got '$link'"
    return 1
  fi
  case "$dir" in
    c2s) echo "$(_lab_node_name "$link") l$link" ;;
    s2c) echo "$(_lab_node_name $((link - 1))) l$link" ;;
    *)
      _lab_err "direction must be c2s or s2c, got '$dir'"
      return 1
      ;;
  esac
}

# lab_loss <link> <c2s|s2c> <percent>: drops packets at random on one
# direction of a link (nftables numgen, IPv4 and IPv6, 0.1 % steps), at the
# ingress of the receiving end, before anything else sees them. Neighbour
# discovery is spared so that IPv6 resolution cannot add bursts of loss.
# 0 removes the loss.
lab_loss() {
  local link="${1:-}" dir="${2:-}" pct="${3:-}" rx node ifname ns permille
  rx="$(_lab_link_rx "$link" "$dir")" || return 1
  read -r node ifname <<<"$rx"
  if [[ ! "$pct" =~ ^([0-9]{1,3})(\.([0-9]))?$ ]]; then
    _lab_err "lab_loss: percent must look like 10 or 2.5 (0..100), got '$pct'"
    return 1
  fi
  permille=$((10#${BASH_REMATCH[1]} * 10 + 10#${BASH_REMATCH[3]:-0}))
  if ((permille > 1000)); then
    _lab_err "lab_loss: percent must be within 0..100, got '$pct'"
    return 1
  fi
  ns="$(lab_ns "$node")"
  lab_loss_clear "$link" "$dir"
  ((permille == 0)) && return 0
  ip netns exec "$ns" nft -f - <<EOF || return 1
table inet wvlab_loss_$ifname {
  chain in {
    type filter hook prerouting priority -300; policy accept;
    iifname "$ifname" icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert, nd-redirect } accept
    iifname "$ifname" numgen random mod 1000 < $permille counter drop
  }
}
EOF
}

# lab_loss_clear <link> <c2s|s2c>: removes a lab_loss.
lab_loss_clear() {
  local rx node ifname ns
  rx="$(_lab_link_rx "${1:-}" "${2:-}")" || return 1
  read -r node ifname <<<"$rx"
  ns="$(lab_ns "$node")"
  if ip netns exec "$ns" nft list table inet "wvlab_loss_$ifname" >/dev/null 2>&1; then
    ip netns exec "$ns" nft delete table inet "wvlab_loss_$ifname"
  fi
}

# lab_loss_dropped <link> <c2s|s2c>: packets dropped so far by lab_loss.
lab_loss_dropped() {
  local rx node ifname ns
  rx="$(_lab_link_rx "${1:-}" "${2:-}")" || return 1
  read -r node ifname <<<"$rx"
  ns="$(lab_ns "$node")"
  ip netns exec "$ns" nft list table inet "wvlab_loss_$ifname" 2>/dev/null |
    sed -n 's/.*numgen.*counter packets \([0-9]*\) .*/\1/p' | head -n 1 | grep . || echo 0
}

_lab_check_number() {
  if [[ ! "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    _lab_err "$1 must be a non-negative number, got '$2'"
    return 1
  fi
}

# lab_impair <router> <c2s|s2c> <delay_ms> <jitter_ms> <loss_pct>
#            [reorder on|off] [wv-lab-relay options...]
# Sends one direction of the traffic through the router via the TUN relay:
# packets arriving on the router's client-side interface (c2s) or server-side
# interface (s2c) are policy-routed (table 201 / 202) into the TUN device
# wvimp-c2s / wvimp-s2c, held by wv-lab-relay and written back, after which
# the router forwards them normally. The relay adds back the TTL / hop limit
# of the second pass. reorder defaults to on (jitter may reorder); off passes
# --fifo. Extra options go to the relay, e.g. --jitter-dist normal --seed 7.
# Packets addressed to the router itself and packets it originates (ICMP
# errors) are not impaired. Calling it again replaces the impairment.
lab_impair() {
  local router="${1:-}" dir="${2:-}" delay="${3:-}" jitter="${4:-}" loss="${5:-}"
  local reorder="${6:-on}" k ns in_if tun table prio key pid base i fifo=()
  k="$(_lab_need_router "$router")" || return 1
  case "$dir" in
    c2s) in_if="l$k" ;;
    s2c) in_if="l$((k + 1))" ;;
    *)
      _lab_err "lab_impair: direction must be c2s or s2c, got '$dir'"
      return 1
      ;;
  esac
  _lab_check_number "lab_impair: delay_ms" "$delay" || return 1
  _lab_check_number "lab_impair: jitter_ms" "$jitter" || return 1
  _lab_check_number "lab_impair: loss_pct" "$loss" || return 1
  case "$reorder" in
    on) ;;
    off) fifo=(--fifo) ;;
    *)
      _lab_err "lab_impair: reorder must be on or off, got '$reorder'"
      return 1
      ;;
  esac
  if (($# > 6)); then
    shift 6
  else
    shift $#
  fi
  if [[ -z "${WV_LAB_RELAY:-}" || ! -x "$WV_LAB_RELAY" ]]; then
    _lab_err "lab_impair: set WV_LAB_RELAY to the built wv-lab-relay (got '${WV_LAB_RELAY:-}')"
    return 1
  fi

  key="$router:$dir"
  if [[ -n "${_LAB_RELAY_PID[$key]:-}" ]]; then
    lab_unimpair "$router" "$dir" || return 1
  fi
  ns="$(lab_ns "$router")"
  tun="wvimp-$dir"
  table="_LAB_TABLE_$dir"
  table="${!table}"
  prio="_LAB_RULE_PRIO_$dir"
  prio="${!prio}"
  base="$LAB_DIR/relay-$router-$dir"
  rm -f "$base.pid" "$base.stats"

  # A persistent device: if the relay dies, traffic stops instead of
  # silently bypassing the impairment. MTU 65535 so the detour itself never
  # sends "fragmentation needed"; the real next link's MTU still applies.
  # No IPv6 link-local address on it: the router would otherwise send its
  # own MLD and router solicitations through the relay.
  ip -n "$ns" tuntap add dev "$tun" mode tun || return 1
  ip -n "$ns" link set "$tun" addrgenmode none || return 1
  ip -n "$ns" link set "$tun" mtu 65535 up || return 1

  ip netns exec "$ns" "$WV_LAB_RELAY" --dev "$tun" --delay "$delay" \
    --jitter "$jitter" --loss "$loss" "${fifo[@]}" --realtime --spin-us 100 \
    --pidfile "$base.pid" --stats-file "$base.stats" "$@" >>"$base.log" 2>&1 &
  pid=$!
  LAB_PIDS+=("$pid")
  _LAB_RELAY_PID[$key]="$pid"
  for ((i = 0; i < 100; i++)); do
    [[ -s "$base.pid" ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.05
  done
  if [[ ! -s "$base.pid" ]]; then
    _lab_err "lab_impair: wv-lab-relay did not start on $router ($dir):"
    cat "$base.log" >&2
    return 1
  fi
  _lab_wait_up "$ns" "$tun" || return 1

  {
    echo "route add default dev $tun table $table"
    echo "route add blackhole default metric 4000 table $table"
    echo "rule add iif $in_if lookup $table priority $prio"
  } | ip -n "$ns" -batch - || return 1
  {
    echo "route add ::/0 dev $tun table $table"
    echo "route add blackhole ::/0 metric 4000 table $table"
    echo "rule add iif $in_if lookup $table priority $prio"
  } | ip -6 -n "$ns" -batch - || return 1
}

# lab_unimpair <router> <c2s|s2c>: removes a lab_impair (the relay prints its
# final statistics into $LAB_DIR/relay-<router>-<dir>.log).
lab_unimpair() {
  local router="${1:-}" dir="${2:-}" k ns table prio in_if pid keep=() p
  k="$(_lab_need_router "$router")" || return 1
  case "$dir" in
    c2s) in_if="l$k" ;;
    s2c) in_if="l$((k + 1))" ;;
    *)
      _lab_err "lab_unimpair: direction must be c2s or s2c, got '$dir'"
      return 1
      ;;
  esac
  pid="${_LAB_RELAY_PID[$router:$dir]:-}"
  if [[ -z "$pid" ]]; then
    _lab_err "lab_unimpair: $router $dir is not impaired"
    return 1
  fi
  ns="$(lab_ns "$router")"
  table="_LAB_TABLE_$dir"
  table="${!table}"
  prio="_LAB_RULE_PRIO_$dir"
  prio="${!prio}"
  ip -n "$ns" rule del iif "$in_if" lookup "$table" priority "$prio" 2>/dev/null || true
  ip -6 -n "$ns" rule del iif "$in_if" lookup "$table" priority "$prio" 2>/dev/null || true
  ip -n "$ns" route flush table "$table" 2>/dev/null || true
  ip -6 -n "$ns" route flush table "$table" 2>/dev/null || true
  for p in "${LAB_PIDS[@]}"; do
    [[ "$p" == "$pid" ]] || keep+=("$p")
  done
  LAB_PIDS=("${keep[@]}")
  _lab_stop_pid "$pid"
  unset "_LAB_RELAY_PID[$router:$dir]"
  ip -n "$ns" link del "wvimp-$dir" 2>/dev/null || true
  return 0
}

# lab_relay_stats <router> <c2s|s2c>: asks the relay for its statistics
# (SIGUSR1) and prints its key=value line: received, released, dropped_loss,
# dropped_queue, reordered, sched_err_mean_us, sched_err_max_us, seed, ...
lab_relay_stats() {
  local router="${1:-}" dir="${2:-}" pid f i
  pid="${_LAB_RELAY_PID[$router:$dir]:-}"
  if [[ -z "$pid" ]]; then
    _lab_err "lab_relay_stats: $router $dir is not impaired"
    return 1
  fi
  f="$LAB_DIR/relay-$router-$dir.stats"
  rm -f "$f"
  kill -USR1 "$pid" || return 1
  for ((i = 0; i < 100; i++)); do
    if [[ -s "$f" ]]; then
      cat "$f"
      return 0
    fi
    sleep 0.05
  done
  _lab_err "lab_relay_stats: no answer from the relay on $router ($dir)"
  return 1
}

# lab_field <text> <key>: the value of key=value in a line of such pairs
# (wv-lab-relay and wv-lab-udpprobe output). Fails when the key is absent.
lab_field() {
  local kv
  for kv in $1; do
    if [[ "$kv" == "$2="* ]]; then
      echo "${kv#*=}"
      return 0
    fi
  done
  _lab_err "lab_field: no '$2' in: $1"
  return 1
}
