#!/bin/bash
# test-browser-lab.sh: a browser behind three routers, with loss and delay
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# client - r1 - r2 - r3 - server; the link between r2 and r3 has an MTU of
# 1400. wifi-verify-cli serves HTTPS (--tls-cert, a self-signed certificate
# made here) in the server namespace; headless Chromium in the client
# namespace opens the web client (so the page is a secure context and
# cross-origin isolated) and measures both families, 200 probes/s each way
# for 15 s (3000 probes: a random 2 % loss stays within +-1 point with a
# margin of almost 4 standard deviations). r2 delays each direction by 10 ms
# (TUN relay, no jitter) and the client's link drops 2 % of each direction
# (nftables), as a lossy Wi-Fi hop would. The server's records must show:
#   - loss within 1 percentage point of 2 % per direction and family;
#   - one-way delay (median) within 2 ms of 10 ms per direction: with the
#     same delay both ways the offset estimate is exact, so the browser's
#     direction (made from the page's own statistics) must be as good as
#     the server's. The browser timestamps a probe when its page handles
#     it, so a busy machine adds to that direction (seen: +1.5 ms under a
#     load average of 14 on 2 cores, up to +6 ms at 17);
#   - the server's trace toward the browser: r3, r2, r1, then the browser,
#     as tracepath (the reference) sees them from the server;
#   - the path MTU toward the browser: 1400 bytes, confirmed by the browser,
#     as tracepath finds it.
# The trace and the MTU search run before the streams, with the loss on.

source "$(dirname "${BASH_SOURCE[0]}")/browser-test.sh"
bt_setup
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null ||
   ! "$BT_PYTHON" -c 'import selenium' 2>/dev/null; then
  echo "SKIP: needs chromium, chromium-driver and python3-selenium (tools/bootstrap.sh installs them)"
  exit 77
fi
for tool in openssl tracepath; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
DURATION=15
RATE=200
LOSS=2
DELAY=10

lab_init browserlab
lab_linear 3 1500 1500 1400 1500
c4=$(lab_client_addr 4)
c6=$(lab_client_addr 6)
# The server's access token, as in the URLs it prints.
TOKEN=browser-test-token-0123456789
s4=$(lab_server_addr 4)
s6=$(lab_server_addr 6)

# The reference: tracepath from the server toward the client.
declare -A expect_hops
for fam in 4 6; do
  dest=$c4
  [[ $fam == 6 ]] && dest=$c6
  trace=$(lab_exec server tracepath -n -m 8 "$dest" || true)
  sed "s/^/# tracepath IPv$fam: /" <<<"$trace"
  t_eq "IPv$fam tracepath from the server" "$(grep -Eo 'Resume: pmtu [0-9]+ hops [0-9]+' <<<"$trace")" \
    "Resume: pmtu 1400 hops 4"
  hops=""
  for k in 1 2 3; do
    # (A "pmtu" line is the previous hop's "too big", not hop k's answer.)
    addr=$(grep -E "^ *$k: +[0-9a-f]+[.:]" <<<"$trace" | grep -v pmtu | head -n 1 | awk '{print $2}')
    hops+="$addr,"
  done
  expect_hops[$fam]="$hops$dest"
  t_eq "IPv$fam the hops tracepath sees are r3, r2, r1" "${expect_hops[$fam]}" \
    "$(lab_addr r3 4 "$fam"),$(lab_addr r2 3 "$fam"),$(lab_addr r1 2 "$fam"),$dest"
done

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wifi-verify-lab \
  -keyout "$LAB_DIR/key.pem" -out "$LAB_DIR/cert.pem" 2>/dev/null
# The measuring ends run ahead of whatever else loads the machine (the
# relays already run SCHED_FIFO): other load must not show up as delay.
lab_spawn server serve nice -n -10 "$WV_CLI" serve --listen "$s4:8443" --listen "[$s6]:8443" --token "$TOKEN" \
  --tls-cert "$LAB_DIR/cert.pem" --tls-key "$LAB_DIR/key.pem" --json "$LAB_DIR/server.jsonl"
serve_pid=$LAB_LAST_PID
bt_wait_serving "https://$s4:8443/" || true
t_true "serve speaks HTTPS" grep -q "web client: https://$s4:8443/" "$LAB_DIR/serve.log"

lab_impair r2 c2s $DELAY 0 0 off
lab_impair r2 s2c $DELAY 0 0 off
lab_loss 1 c2s $LOSS
lab_loss 1 s2c $LOSS

lab_exec client nice -n -10 "$BT_PYTHON" "$BT_DIR/test-browser.py" drive --ignore-cert \
  --chromium "https://$s4:8443/?start=1&duration=$DURATION&connections=1&rate=$RATE&label=lab&token=$TOKEN" \
  --status "https://$s4:8443/api/v1/status?token=$TOKEN" --done "$LAB_DIR/server.jsonl" \
  --result "$LAB_DIR/drive.json" --workdir "$LAB_DIR" --timeout $((DURATION + 120))
echo "# relay c2s: $(lab_relay_stats r2 c2s)"
echo "# relay s2c: $(lab_relay_stats r2 s2c)"
echo "# nftables dropped: c2s $(lab_loss_dropped 1 c2s), s2c $(lab_loss_dropped 1 s2c)"
lab_stop "$serve_pid"

if ! "$BT_PYTHON" "$BT_DIR/test-browser.py" check --records "$LAB_DIR/server.jsonl" \
    --result "$LAB_DIR/drive.json" --duration $DURATION --rate $RATE \
    --client "lab=$c4" --isolated yes --loss $LOSS --delay $DELAY --mtu 1400 \
    --hops4 "${expect_hops[4]}" --hops6 "${expect_hops[6]}"; then
  sed 's/^/# serve: /' "$LAB_DIR/serve.log" | tail -40
  t_true "the records check" false
fi
t_done
