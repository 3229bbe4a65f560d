#!/usr/bin/env python3
# bench-rtt.py: loopback RTT of our probes against irtt and a bare UDP echo
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-rtt.py CLI UDP_ECHO [--duration S] [--connections 1,16]
#
# Issue 10: what we report on a fast path must be the network, not our own
# stack. For 1 and 16 connections per family, runs `wifi-verify-cli
# self-test --streams` at 100 probes/s each way and prints the RTT p50 and
# p99 of our probes (median over connections and directions, timed wire to
# wire) and our own stack's share (stack_send_ms, stack_recv_ms: the
# application's send call to the wire and the wire to the application),
# next to irtt's RTT median at the same rate on the same loopback (IPv4 and
# IPv6, measured right after) and a bare C UDP echo (bench-udp-echo).
# Targets: ours at 1 connection per family at most half of irtt's; at 16 per
# family at most irtt's. The figures depend on the machine's load: run it
# alone (meson test --benchmark runs benchmarks one at a time).
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def selftest(cli, conns, duration, out):
    r = subprocess.run([cli, "self-test", "--streams", "--connections", str(conns),
                        "--duration", str(duration), "--json", out, "--force", "--quiet"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        sys.exit("bench-rtt: self-test failed:\n" + r.stdout)
    return [s for s in (json.loads(l) for l in open(out) if '"summary"' in l)
            if s["type"] == "summary"]


def med(summaries, field, key):
    v = [s[field][key] for s in summaries if s[field]["n"] > 0]
    return statistics.median(v) if v else float("nan")


def free_port(family):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def irtt(duration, tmp):
    """irtt's RTT median (ms) per family on loopback, 10 ms interval."""
    result = {}
    for fam, host, af in (("4", "127.0.0.1", socket.AF_INET), ("6", "::1", socket.AF_INET6)):
        port = free_port(af)
        addr = "%s:%d" % (host, port) if fam == "4" else "[%s]:%d" % (host, port)
        server = subprocess.Popen(["irtt", "server", "-b", addr], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.3)
            out = os.path.join(tmp, "irtt%s.json" % fam)
            subprocess.run(["irtt", "client", "-Q", "-i", "10ms", "-d", "%ds" % duration,
                            "-o", out, addr], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            st = json.load(open(out))["stats"]["rtt"]
            result[fam] = (st["median"] / 1e6, st["n"])
        finally:
            server.terminate()
            server.wait()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("udp_echo")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", default="1,16")
    a = ap.parse_args()
    if shutil.which("irtt") is None:
        print("bench-rtt: SKIP: irtt (Debian package irtt) is not installed; tools/bootstrap.sh installs it")
        sys.exit(77)

    echo = {}
    for fam in ("4", "6"):
        r = subprocess.run([a.udp_echo, "-" + fam, "-r", "100", "-n", "1000"],
                           stdout=subprocess.PIPE, text=True, check=True)
        echo[fam] = float(dict(kv.split("=") for kv in r.stdout.split())["rtt_p50_ms"])
    bare = statistics.median(echo.values())

    print("loopback, 100 probes/s each way, %d s per run; RTT p50/p99 in ms, median over "
          "connections and directions" % a.duration)
    print("bare UDP echo rtt_p50_ms %.3f (IPv4 %.3f, IPv6 %.3f)" % (bare, echo["4"], echo["6"]))
    with tempfile.TemporaryDirectory() as tmp:
        for conns in (int(c) for c in a.connections.split(",")):
            summaries = selftest(a.cli, conns, a.duration, os.path.join(tmp, "r%d.jsonl" % conns))
            ref = irtt(a.duration, tmp)
            irtt_p50 = statistics.median(v[0] for v in ref.values())
            ours = med(summaries, "rtt_ms", "p50")
            wire = sum(s["rtt_wire_samples"] for s in summaries)
            n = sum(s["rtt_ms"]["n"] for s in summaries)
            target = 0.5 if conns == 1 else 1.0
            print("%d per family (%d connections):" % (conns, 2 * conns))
            print("  ours  rtt_p50_ms %.3f rtt_p99_ms %.3f (%d of %d RTTs wire to wire)"
                  % (ours, med(summaries, "rtt_ms", "p99"), wire, n))
            print("  ours  stack_send_ms p50 %.3f p99 %.3f, stack_recv_ms p50 %.3f p99 %.3f "
                  "(our own software, not in the RTT)"
                  % (med(summaries, "stack_send_ms", "p50"), med(summaries, "stack_send_ms", "p99"),
                     med(summaries, "stack_recv_ms", "p50"), med(summaries, "stack_recv_ms", "p99")))
            print("  irtt  rtt_p50_ms %.3f (IPv4 %.3f, IPv6 %.3f), measured right after"
                  % (irtt_p50, ref["4"][0], ref["6"][0]))
            print("  ratio ours/irtt %.2f (target <= %.1f: %s), ours/bare echo %.1f"
                  % (ours / irtt_p50, target, "met" if ours <= target * irtt_p50 else "NOT MET",
                     ours / bare))


if __name__ == "__main__":
    main()
