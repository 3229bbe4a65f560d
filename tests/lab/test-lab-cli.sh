#!/bin/bash
# test-lab-cli.sh: the lab programs reject bad command lines cleanly
#
# Copyright 2025 The wifi-verify authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs no root: every case here fails during option parsing, before the
# relay would touch a TUN device. Each must exit with status 2 and a message
# (never crash), --help with 0. Also checks lab.sh's own argument checks.

source "$(dirname "${BASH_SOURCE[0]}")/lab-test.sh"
if [[ -z "${WV_LAB_RELAY:-}" || ! -x "$WV_LAB_RELAY" ||
  -z "${WV_LAB_UDPPROBE:-}" || ! -x "$WV_LAB_UDPPROBE" ]]; then
  echo "ERROR: set WV_LAB_RELAY and WV_LAB_UDPPROBE to the built programs (meson test does)" >&2
  exit 1
fi

# expect_status <status> <program> [args...]: exit status, and a message on
# stderr for failures.
expect_status() {
  local want="$1" rc=0 err
  shift
  err="$("$@" 2>&1 >/dev/null)" || rc=$?
  if [[ "$rc" == "$want" && ("$want" == 0 || -n "$err") ]]; then
    _t_result ok "${*##*/} -> $rc${err:+ ($err)}"
  else
    _t_result fail "${*##*/} -> $rc, expected $want; stderr: $err"
  fi
}

R="$WV_LAB_RELAY"
P="$WV_LAB_UDPPROBE"
expect_status 0 "$R" --help
expect_status 2 "$R"
expect_status 2 "$R" --dev ""
expect_status 2 "$R" --dev abcdefghijklmnop
expect_status 2 "$R" --dev a/b
expect_status 2 "$R" --dev x --delay -1
expect_status 2 "$R" --dev x --delay nan
expect_status 2 "$R" --dev x --delay 60001
expect_status 2 "$R" --dev x --jitter inf
expect_status 2 "$R" --dev x --loss 100.5
expect_status 2 "$R" --dev x --loss abc
expect_status 2 "$R" --dev x --jitter-dist cauchy
expect_status 2 "$R" --dev x --queue 0
expect_status 2 "$R" --dev x --queue 1000001
expect_status 2 "$R" --dev x --seed -2
expect_status 2 "$R" --dev x --ttl-add 3
expect_status 2 "$R" --dev x --rt-priority 100
expect_status 2 "$R" --dev x --spin-us 1001
expect_status 2 "$R" --dev x surplus
expect_status 2 "$R" --no-such-option

expect_status 0 "$P" --help
expect_status 2 "$P"
expect_status 2 "$P" bounce
expect_status 2 "$P" probe
expect_status 2 "$P" probe --to not-an-address
expect_status 2 "$P" probe --to 10.0.0.1 --count 0
expect_status 2 "$P" probe --to 10.0.0.1 --interval-us 5
expect_status 2 "$P" probe --to 10.0.0.1 --size 39
expect_status 2 "$P" probe --to 10.0.0.1 --size 65001
expect_status 2 "$P" probe --to 10.0.0.1 --port 0
expect_status 2 "$P" reflect --port 65536
expect_status 2 "$P" reflect --bind 999.1.1.1
expect_status 2 "$P" probe reflect

# lab.sh refuses bad arguments before touching the system (subshells, so
# that nothing leaks into this shell).
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; lab_init 'bad name'"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; lab_linear 2"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_PREFIX=x; lab_linear 0"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_PREFIX=x; lab_linear 51"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_PREFIX=x; lab_linear 1 1500 1500 1500"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_PREFIX=x; lab_linear 1 1279"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; lab_addr client 1"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_addr r3 3"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_addr r1 3"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_addr r1 1 5"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_loss 1 up 10"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_loss 4 c2s 10"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_loss 1 c2s 100.1"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_loss 1 c2s -1"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_impair client c2s 1 0 0"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_impair r1 both 1 0 0"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_impair r1 c2s 1ms 0 0"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_impair r1 c2s 1 0 0 maybe"
expect_status 1 bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=2; lab_block_icmp r1 some"

# The documented addressing, computed without building anything.
addr() {
  bash -c "source '$LAB_TEST_DIR/lab.sh'; LAB_NROUTERS=3; $1"
}
t_eq "lab_addr client 1 4" "$(addr 'lab_addr client 1 4')" 10.0.1.1
t_eq "lab_addr r1 1 6" "$(addr 'lab_addr r1 1 6')" fd00:0:1::2
t_eq "lab_addr r1 2" "$(addr 'lab_addr r1 2')" 10.0.2.1
t_eq "lab_hop_addr 3 6" "$(addr 'lab_hop_addr 3 6')" fd00:0:3::2
t_eq "lab_server_addr 4" "$(addr 'lab_server_addr 4')" 10.0.4.2
t_eq "lab_server_addr 6" "$(addr 'lab_server_addr 6')" fd00:0:4::2
t_eq "lab_ifname r3 c" "$(addr 'lab_ifname r3 c')" l3
t_eq "lab_ifname r3 s" "$(addr 'lab_ifname r3 s')" l4
t_eq "lab_field" "$(addr 'lab_field "a=1 b=2.5 c=x" b')" 2.5

t_done
