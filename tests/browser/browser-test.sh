# shellcheck shell=bash
# browser-test.sh: what the browser lab tests share (sourced)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bt_setup: the lab's checks (root, lab programs), WV_CLI, and the Python
# with python3-selenium (Debian's, not one that comes first on PATH) in
# $BT_PYTHON; the directory of the browser tests in $BT_DIR.
# bt_wait_serving URL: waits for serve's "web client: URL" line.

source "$(dirname "${BASH_SOURCE[0]}")/../lab/lab-test.sh"
BT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bt_setup() {
  t_setup
  [[ -x "${WV_CLI:-}" ]] || { echo "ERROR: set WV_CLI to wifi-verify-cli (meson test does)" >&2; exit 1; }
  BT_PYTHON=/usr/bin/python3
  [[ -x "$BT_PYTHON" ]] || BT_PYTHON=python3
}

bt_wait_serving() {
  for _ in $(seq 100); do
    grep -qF "web client: $1" "$LAB_DIR/serve.log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
