#!/usr/bin/env python3
# test-web-stats.py: the web client's statistics against the engine's
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The server builds the server-to-browser records from the receive
# statistics the page computes in JavaScript (src/web/stats.js), so they
# must be the engine's (src/engine/wv-stats.c, docs/statistics.md). One
# script of arrivals, made here, goes through both: wv-stats-script (the C
# code) and stats.js in headless Chromium, loaded from the server's own
# page. The script has 70 s of a 100 probes/s stream whose sequence numbers
# wrap, with 3 % loss, reordering, duplicates, delay outliers that the
# baseline must leave out, two changes of the clock offset (the second
# restarts the baseline), bulk traffic and round trips; the windows of
# 1, 10 and 60 s are compared at several times, and the whole run. The
# clock offset estimator (wv-clock-offset.c) gets echoes whose round trip
# and asymmetry vary, with its 10 s window sliding, and is compared every
# few seconds. Every
# value must agree within 1e-6 ms (or 1e-9 relative); the whole run's p50
# and p99, from the log-bucketed histogram, within 0.1 %.

import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wvbrowser as wb  # noqa: E402

wb.reexec_with_selenium()

MS = 1_000_000
BASE = 1_000_000 * MS          # 1000 s: exact in a double, as ms too


def make_script():
    rng = random.Random(7)
    events = []
    seq0 = 2**32 - 3000        # wraps after 30 s
    for i in range(7000):
        send = BASE + i * 10 * MS + rng.randrange(0, 200_000)
        if rng.random() < 0.03:
            continue
        delay = 5 * MS + rng.randrange(0, 4 * MS)
        if rng.random() < 0.01:
            delay += 50 * MS       # an outlier the baseline leaves out
        if rng.random() < 0.02:
            delay += 25 * MS       # arrives after later probes: reordered
        seq = (seq0 + i) % 2**32
        events.append((send + delay, f'p {seq} {send} {send + delay}'))
        if rng.random() < 0.005:
            events.append((send + delay + 3 * MS, f'p {seq} {send} {send + delay + 3 * MS}'))
        events.append((send + delay + 7 * MS, f'r {send + delay + 7 * MS} {10 * MS + rng.randrange(0, 3 * MS)}'))
    for k in range(7000):
        t = BASE + k * 10 * MS + 123_456
        events.append((t, f'b {t} {1000 + k % 7}'))
        # An echo of our own stream, for the offset estimator.
        t1 = BASE + k * 10 * MS + 50_000
        t2 = t1 + 3 * MS + rng.randrange(0, 6 * MS) + 7 * MS     # the peer's clock is 7 ms ahead
        t3 = t2 + rng.randrange(0, 200_000)
        t4 = t3 - 7 * MS + 3 * MS + rng.randrange(0, 6 * MS)
        events.append((t4, f'e {t1} {t2} {t3} {t4}'))
    for now_s in range(1, 70, 3):
        events.append((BASE + now_s * 1000 * MS + 1, 'g'))
    events.append((BASE + 20_000 * MS, f'o {2 * MS}'))
    events.append((BASE + 40_000 * MS, f'o {9 * MS}'))
    for now_s in (5, 15, 33, 50, 69):
        now = BASE + now_s * 1000 * MS + 500_000
        for w in (1, 10, 60):
            events.append((now, f'w {now} {w * 1000 * MS}'))
    events.append((BASE + 80_000 * MS, 't'))
    events.sort(key=lambda e: e[0])
    return '\n'.join(line for _, line in events) + '\n'


JS = """
const script = arguments[0], done = arguments[arguments.length - 1];
import ('/stats.js').then (m => {
  const rx = new m.RxStats (), rtt = new m.RttStats (), offset = new m.ClockOffset (), out = [];
  const ms = x => Number (x) / 1e6;
  for (const line of script.split ('\\n')) {
    const f = line.split (' ');
    if (f[0] === 'p') rx.addProbe (Number (f[1]), ms (f[2]), ms (f[3]));
    else if (f[0] === 'b') rx.addBulk (ms (f[1]), Number (f[2]));
    else if (f[0] === 'r') rtt.add (ms (f[1]), ms (f[2]));
    else if (f[0] === 'o') rx.setOffset (ms (f[1]));
    else if (f[0] === 'e') offset.add (ms (f[1]), ms (f[2]), ms (f[3]), ms (f[4]));
    else if (f[0] === 'g') {
      const o = offset.get ();
      out.push (o === null ? null : { theta_ms: o.theta, error_ms: o.error });
    }
    else if (f[0] === 'w') {
      const r = rx.window (ms (f[1]), ms (f[2]));
      r.rtt_ms = rtt.window (ms (f[1]), ms (f[2]));
      out.push (r);
    } else if (f[0] === 't') {
      const r = rx.total ();
      r.rtt_ms = rtt.total ();
      out.push (r);
    }
  }
  done (JSON.stringify (out));
}, e => done ('error: ' + e));
"""


def close(a, b, rel=1e-9, abs_=1e-6):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


def compare(tap, what, c, j, whole):
    problems = []

    def check(name, a, b, **tol):
        if not close(a, b, **tol):
            problems.append(f'{name}: C {a}, JS {b}')

    for k in ('probes', 'expected', 'bulk_bytes'):
        check(k, c[k], j[k])
    for k in ('owd_ms', 'ipdv_ms', 'delay_dev_ms', 'rtt_ms'):
        check(f'{k}.n', c[k]['n'], j[k]['n'])
        for q in ('min', 'max', 'mean', 'p50', 'p99'):
            tol = {'rel': 1e-3} if whole and q in ('p50', 'p99') else {}
            check(f'{k}.{q}', c[k][q], j[k][q], **tol)
    check('baseline_ms', c['baseline_ms'], j['baseline_ms'])
    check('last_rx_ms', c['last_rx_ms'], j['last_rx_ms'])
    if c['probes'] > 0:
        for k in ('jitter_ms', 'reorder_pct', 'dup_pct'):
            check(k, c[k], j[k])
    if c['expected'] > 0:
        check('loss_pct', c['loss_pct'], j['loss_pct'])
    if c['bulk_bytes'] > 0:
        check('throughput_bps', c['throughput_bps'], j['throughput_bps'])
    tap.ok(not problems, f'{what}: probes {c["probes"]}/{c["expected"]}, loss {c["loss_pct"]}, '
                         f'owd p50 {c["owd_ms"]["p50"]}, jitter {c["jitter_ms"]}' +
                         ('' if not problems else ' -- ' + '; '.join(problems[:6])))


def main():
    tap = wb.Tap()
    cli, helper = os.environ.get('WV_CLI'), os.environ.get('WV_STATS_SCRIPT')
    if not cli or not helper:
        print('ERROR: set WV_CLI and WV_STATS_SCRIPT (meson test does)', file=sys.stderr)
        return 1
    if not (wb.CHROMIUM and wb.CHROMEDRIVER and wb.selenium_available()):
        tap.skip_all('needs chromium, chromium-driver and python3-selenium (tools/bootstrap.sh)')
    script = make_script()
    c_out = [json.loads(line) for line in
             subprocess.run([helper], input=script, capture_output=True, text=True,
                            check=True).stdout.splitlines()]

    workdir = tempfile.mkdtemp(prefix='wv-web-stats-')
    log = open(os.path.join(workdir, 'serve.log'), 'w')
    server = subprocess.Popen([cli, 'serve', '--listen', '127.0.0.1:0'], stdout=log,
                              stderr=subprocess.STDOUT)
    driver = None
    try:
        url = None
        for _ in range(100):
            with open(os.path.join(workdir, 'serve.log')) as f:
                for line in f:
                    if line.startswith('web client: '):
                        url = line.split(' ', 2)[2].strip()
            if url:
                break
            subprocess.run(['sleep', '0.1'])
        if not tap.ok(url is not None, f'the server serves the page at {url}'):
            tap.done()
        driver = wb.chromium_driver()
        driver.set_script_timeout(60)
        driver.get(url)
        text = driver.execute_async_script(JS, script)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        server.wait()
        log.close()
    if not tap.ok(not text.startswith('error'), f'stats.js runs the script {text[:200] if text.startswith("error") else ""}'):
        tap.done()
    j_out = json.loads(text)
    c_off = [x for x in c_out if x is None or 'theta_ms' in x]
    j_off = [x for x in j_out if x is None or 'theta_ms' in x]
    c_out = [x for x in c_out if x is not None and 'theta_ms' not in x]
    j_out = [x for x in j_out if x is not None and 'theta_ms' not in x]
    tap.ok(len(c_out) == len(j_out) == 16, f'{len(c_out)} records from C, {len(j_out)} from JavaScript')
    names = [f'{t} s, {w} s window' for t in (5, 15, 33, 50, 69) for w in (1, 10, 60)] + ['whole run']
    for name, c, j in zip(names, c_out, j_out):
        compare(tap, name, c, j, name == 'whole run')
    # The C estimate rounds delta / 2 to whole ns; JavaScript does not.
    tap.ok(len(c_off) == len(j_off) == 23 and
           all((c is None and j is None) or
               (c and j and close(c['theta_ms'], j['theta_ms'], abs_=2e-6) and
                close(c['error_ms'], j['error_ms'], abs_=2e-6)) for c, j in zip(c_off, j_off)),
           f'clock offset: {len(c_off)} estimates agree, the last C {c_off[-1]}, JS {j_off[-1]}')
    tap.done()


if __name__ == '__main__':
    sys.exit(main())
