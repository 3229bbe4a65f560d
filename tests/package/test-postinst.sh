#!/usr/bin/env bash
# test-postinst.sh POSTINST: the package's postinst grants cap_net_raw and,
# when setcap fails (a file system without extended attributes), says what
# to do and still succeeds (TAP). setcap is replaced by stand-ins on PATH.
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
postinst=${1:?usage: test-postinst.sh POSTINST}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

mkdir -p "$tmp/ok" "$tmp/fails"
printf '#!/bin/sh\necho "$*" >>"%s/ok/calls"\n' "$tmp" >"$tmp/ok/setcap"
printf '#!/bin/sh\necho "Failed to set capabilities on file: Operation not supported" >&2\nexit 1\n' \
  >"$tmp/fails/setcap"
chmod +x "$tmp/ok/setcap" "$tmp/fails/setcap"

PATH="$tmp/ok:$PATH" sh "$postinst" configure >"$tmp/ok.out" 2>&1
rc=$?
check "configure: exit 0" test "$rc" -eq 0
check "configure: setcap cap_net_raw+ep on the installed helper" \
  grep -qx 'cap_net_raw+ep /usr/libexec/wifi-verify-icmp-helper' "$tmp/ok/calls"
check "configure: nothing to say when setcap works" test ! -s "$tmp/ok.out"

PATH="$tmp/fails:$PATH" sh "$postinst" configure >"$tmp/fails.out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/fails.out"
check "setcap fails: the installation still succeeds" test "$rc" -eq 0
check "setcap fails: it names the cause and the command to run" \
  bash -c "grep -q 'cannot store file capabilities' '$tmp/fails.out' &&
           grep -q 'setcap cap_net_raw+ep /usr/libexec/wifi-verify-icmp-helper' '$tmp/fails.out'"

rm -f "$tmp/ok/calls"
PATH="$tmp/ok:$PATH" sh "$postinst" abort-upgrade >/dev/null 2>&1
check "abort-upgrade: no setcap" test ! -e "$tmp/ok/calls"

finish
