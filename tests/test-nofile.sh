#!/bin/bash
# test-nofile.sh: the server under `prlimit --nofile=256` (issue 12)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `wifi-verify-cli serve` on loopback with at most 256 open files. 1000
# requests of the kinds that used to leave a descriptor behind for good
# (libsoup's own answers to "OPTIONS *" and bad URIs, kept-alive
# connections, clients that hang up) must leave its descriptor count flat,
# and a normal `wifi-verify-cli run` with the printed URL must still work
# afterwards. Sends only to 127.0.0.1.

set -euo pipefail
[[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
command -v prlimit >/dev/null || { echo "SKIP: prlimit (util-linux) is missing"; exit 77; }

dir=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
prlimit --nofile=256 "$WV_CLI" serve --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n "s|^wifi-verify .* serving on \(http://127.0.0.1:$port/?token=.*\)$|\1|p" "$dir/serve.log")
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$dir/serve.log"; echo "not ok - the server did not start"; exit 1; }
limit=$(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$server_pid/limits")
echo "# server pid $server_pid, open files limit $limit"
[[ "$limit" == 256 ]] || { echo "not ok - the limit is $limit, not 256"; exit 1; }

fds() { ls "/proc/$server_pid/fd" | wc -l; }

# request <text> <read: 1|0>: one request on a new connection.
request() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%b' "$1" >&3
  if [[ "$2" == 1 ]]; then
    timeout 2 head -c 1 <&3 >/dev/null 2>&1 || true
  fi
  exec 3<&- 3>&-
}

kinds=(
  'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n|1'
  'GET /api/v1/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n|1'
  'GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n|1'
  'GET /api/v1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n|1'
  'BREW /coffee HTCPCP/1.0\r\n\r\n|1'
  'GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n|0'
)
request 'GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' 1
sleep 0.5
before=$(fds)
for i in $(seq 0 999); do
  k=${kinds[i % ${#kinds[@]}]}
  request "${k%|*}" "${k##*|}"
done
after=$before
for _ in $(seq 50); do
  after=$(fds)
  ((after <= before + 2)) && break
  sleep 0.1
done
echo "# descriptors of the server: $before before 1000 requests, $after after"
failed=0
if ((after <= before + 2)); then
  echo "ok 1 - the descriptor count stays flat"
else
  echo "not ok 1 - 1000 requests left $((after - before)) more descriptors open"
  failed=1
fi

rc=0
"$WV_CLI" run "$url" --duration 3 --connections 2 --quiet >"$dir/run.log" 2>&1 || rc=$?
echo "# run exited $rc; the server has $(fds) descriptors open"
if ((rc == 0)); then
  echo "ok 2 - a normal run works under --nofile=256"
else
  sed 's/^/# /' "$dir/run.log"
  echo "not ok 2 - the run exited $rc"
  failed=1
fi
echo "1..2"
exit $failed
