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

. "$(dirname "$0")/tap.sh"
options() { "$@" --help 2>&1 | grep -oE '^ +(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+' \
  | grep -vxE -- '--help(-all|-gapplication)?'; }
# documented PAGE OPTION: the page has \-\-option, not only a longer one
# that starts with it (\-\-mtu\-max for --mtu).
documented() {
  local escaped
  escaped=$(sed 's/-/\\\\-/g' <<<"$2")
  grep -qE -- "${escaped}([^\\a-z0-9]|\\f|\$)" "$1"
}
check_page() {   # check_page PAGE NAME PROGRAM [COMMAND]
  local page=$1 name=$2 opt
  shift 2
  for opt in $(options "$@"); do
    check "$name $opt is in docs/man/$(basename "$page")" documented "$page" "$opt"
  done
}
for cmd in run self-test serve status; do
  check_page "$man/wifi-verify-cli.1.in" "wifi-verify-cli $cmd" "$cli" "$cmd"
done
[ "$gui" = - ] || check_page "$man/wifi-verify.1.in" wifi-verify "$gui"
finish
