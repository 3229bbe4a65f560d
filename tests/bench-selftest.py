#!/usr/bin/env python3
# bench-selftest.py: the self-test under load (issue 3's benchmark)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-selftest.py CLI UDP_ECHO [--connections N] [--duration S]
#
# Runs `wifi-verify-cli self-test --streams` with N connections per family
# (default 16, i.e. 32 connections) at 100 probes/s each way, and prints:
#   - CPU time per probe: the process's user+system time over every probe
#     sent in both directions (the process is both ends: it sends, echoes,
#     and receives each probe and its echo); "marginal" is the difference
#     between this run and a run a third as long, which leaves out start-up
#     (GStreamer, DTLS certificates, ICE) and shutdown;
#   - resident memory: the process's peak RSS;
#   - scheduling error p99 of the probe senders (median and worst over the
#     connections and directions);
#   - loopback RTT p50 of our probes (median over connections and
#     directions) divided by the RTT p50 of a bare UDP echo at the same rate
#     on the same machine (UDP_ECHO = bench-udp-echo), measured right after.
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile


def run_selftest(cli, conns, duration, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([cli, "self-test", "--streams", "--connections", str(conns),
                        "--duration", str(duration), "--json", out, "--force", "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("bench-selftest: self-test failed:\n" + r.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, after.ru_maxrss  # KiB; the largest child so far


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("udp_echo")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=float, default=20)
    a = ap.parse_args()

    def summaries_of(path):
        return [s for s in (json.loads(l) for l in open(path) if '"summary"' in l)
                if s["type"] == "summary"]

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "short.jsonl")
        cpu_short, _ = run_selftest(a.cli, a.connections, a.duration / 3, out)
        sent_short = sum(s["probes_sent"] for s in summaries_of(out))
        out = os.path.join(tmp, "records.jsonl")
        cpu, rss_kib = run_selftest(a.cli, a.connections, a.duration, out)
        summaries = summaries_of(out)

    if len(summaries) != 2 * 2 * a.connections:
        sys.exit("bench-selftest: expected %d summaries, got %d"
                 % (4 * a.connections, len(summaries)))
    sent = sum(s["probes_sent"] for s in summaries)
    received = sum(s["probes"] for s in summaries)
    sched = [s["sched_err_p99_ms"] for s in summaries if s["sched_err_p99_ms"] is not None]
    rtt = [s["rtt_ms"]["p50"] for s in summaries if s["rtt_ms"]["p50"] is not None]
    loss = [s["loss_pct"] for s in summaries if s["loss_pct"] is not None]

    echo = {}
    for fam in ("4", "6"):
        r = subprocess.run([a.udp_echo, "-" + fam, "-r", "100", "-n", "1000"],
                           stdout=subprocess.PIPE, text=True, check=True)
        echo[fam] = dict(kv.split("=") for kv in r.stdout.split())
    bare_p50 = statistics.median(float(echo[f]["rtt_p50_ms"]) for f in echo)
    ours_p50 = statistics.median(rtt)

    print("self-test: %d connections (%d per family), 100 probes/s each way, %.0f s"
          % (2 * a.connections, a.connections, a.duration))
    print("probes sent %d, received %d, loss max %.3f %%" % (sent, received, max(loss)))
    print("cpu_s %.2f (%.1f %% of one core)" % (cpu, 100 * cpu / a.duration))
    print("cpu_per_probe_us %.1f (marginal %.1f)"
          % (cpu / sent * 1e6, (cpu - cpu_short) / (sent - sent_short) * 1e6))
    print("max_rss_mib %.1f (%.2f per connection)" % (rss_kib / 1024, rss_kib / 1024 / (2 * a.connections)))
    print("sched_err_p99_ms median %.3f worst %.3f" % (statistics.median(sched), max(sched)))
    print("rtt_p50_ms ours %.3f (median of %d), bare UDP echo %.3f (IPv4 %s, IPv6 %s)"
          % (ours_p50, len(rtt), bare_p50, echo["4"]["rtt_p50_ms"], echo["6"]["rtt_p50_ms"]))
    print("rtt_p50_ratio %.1f" % (ours_p50 / bare_p50))


if __name__ == "__main__":
    main()
