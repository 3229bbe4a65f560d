#!/bin/bash
# test-browser.sh: headless Chromium and Firefox measure against serve
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - server in network namespaces (Firefox pairs no loopback
# ICE candidates, so the browsers need a real path). wifi-verify-cli serve
# in the server namespace writes every client's records; in the client
# namespace Chromium (through chromedriver) and Firefox (by itself: Debian
# has no geckodriver) open the web client's unattended URL at the same
# time, one connection per family each, 15 s of streams. The server's
# records must show, for each browser and family, both directions measured
# (the server-to-browser records come from the page's own statistics), the
# server's trace reaching the browser, and a path MTU the browser
# confirmed; the status must list both browsers. The Chromium page is saved
# as screenshots at 1280x800 and 390x844 (a phone, touch) in
# WV_SCREENSHOT_DIR. Over plain HTTP to a LAN address the page is not a
# secure context, hence not cross-origin isolated: the lab test uses HTTPS.

source "$(dirname "${BASH_SOURCE[0]}")/browser-test.sh"
bt_setup
if ! command -v chromium >/dev/null && ! command -v firefox-esr >/dev/null; then
  echo "SKIP: no browser: tools/bootstrap.sh installs chromium, chromium-driver, python3-selenium and firefox-esr"
  exit 77
fi
DURATION=15

lab_init browser
lab_linear 1
# The server's access token, as in the URLs it prints.
TOKEN=browser-test-token-0123456789
s4=$(lab_server_addr 4)
s6=$(lab_server_addr 6)
lab_spawn server serve "$WV_CLI" serve --listen "$s4:8080" --listen "[$s6]:8080" --token "$TOKEN" \
  --json "$LAB_DIR/server.jsonl"
serve_pid=$LAB_LAST_PID
bt_wait_serving "http://$s4:8080/" || true
t_true "serve prints the web client's addresses" grep -q "web client: http://\[$s6\]:8080/" "$LAB_DIR/serve.log"

query="start=1&duration=$DURATION&connections=1"
lab_exec client "$BT_PYTHON" "$BT_DIR/test-browser.py" drive \
  --chromium "http://$s4:8080/?$query&label=chromium-test&token=$TOKEN" \
  --firefox "http://[$s6]:8080/?$query&label=firefox-test&token=$TOKEN" \
  --status "http://$s4:8080/api/v1/status?token=$TOKEN" --done "$LAB_DIR/server.jsonl" \
  --result "$LAB_DIR/drive.json" --workdir "$LAB_DIR" --shots "${WV_SCREENSHOT_DIR:-$PWD}" \
  --timeout $((DURATION + 90))
sed 's/^/# firefox: /' "$LAB_DIR/firefox.log" | grep 'wifi-verify' || true
lab_stop "$serve_pid"

c4=$(lab_client_addr 4)
c6=$(lab_client_addr 6)
if ! "$BT_PYTHON" "$BT_DIR/test-browser.py" check --records "$LAB_DIR/server.jsonl" \
    --result "$LAB_DIR/drive.json" --duration $DURATION \
    --client "chromium-test=$c4" --client "firefox-test=$c6" --isolated no \
    --hops4 "$(lab_addr r1 2 4),$c4" --hops6 "$(lab_addr r1 2 6),$c6"; then
  sed 's/^/# serve: /' "$LAB_DIR/serve.log" | tail -40
  t_true "the records check" false
fi
t_done
