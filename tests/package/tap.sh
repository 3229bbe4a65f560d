# tap.sh: TAP output for the shell tests of tests/package (sourced).
#
#   check DESCRIPTION COMMAND...   runs COMMAND: "ok N" or "not ok N"
#   note [FILE...]                 copies FILE (or stdin) as TAP comments
#   finish                         prints the plan and exits 1 if a check failed
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later

n=0
fail=0
check() {
  local what=$1
  shift
  n=$((n + 1))
  if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fail=1; fi
}
note() { sed 's/^/# /' "$@"; }
finish() {
  echo "1..$n"
  exit "$fail"
}
