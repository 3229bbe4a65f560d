#!/usr/bin/env bash
# test-man-options.sh CLI GUI MANDIR: every long option that --help lists
# is described in the man page (TAP). A new option needs a line in
# docs/man/ too.
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
cli=${1:?usage: test-man-options.sh CLI GUI|- MANDIR}
gui=$2
man=$3

n=0
fail=0
options() { "$@" --help 2>&1 | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' \
  | grep -vxE -- '--help(-all|-gapplication)?'; }
# documented PAGE OPTION: the page has \-\-option, not only a longer one
# that starts with it (\-\-mtu\-max for --mtu).
documented() {
  local escaped
  escaped=$(sed 's/-/\\\\-/g' <<<"$2")
  grep -qE -- "${escaped}([^\\a-z0-9]|\\f|\$)" "$1"
}
for cmd in run self-test serve status; do
  for opt in $(options "$cli" "$cmd"); do
    n=$((n + 1))
    if documented "$man/wifi-verify-cli.1.in" "$opt"; then
      echo "ok $n - wifi-verify-cli $cmd $opt is in wifi-verify-cli(1)"
    else
      echo "not ok $n - wifi-verify-cli $cmd $opt is missing from docs/man/wifi-verify-cli.1.in"; fail=1
    fi
  done
done
if [ "$gui" != - ]; then
  for opt in $(options "$gui"); do
    n=$((n + 1))
    if documented "$man/wifi-verify.1.in" "$opt"; then
      echo "ok $n - wifi-verify $opt is in wifi-verify(1)"
    else
      echo "not ok $n - wifi-verify $opt is missing from docs/man/wifi-verify.1.in"; fail=1
    fi
  done
fi
echo "1..$n"
exit "$fail"
