// scheduler.js: every stream of the page on its own time grid, one timer
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A page's timers fire late (2-5 ms at p99 in Chromium, 11 ms in Firefox,
// more with bulk traffic), and nested timeouts are clamped to 4 ms. So each
// stream keeps its grid: when the timer fires, every send that has come due
// goes out, each with how late it is against its slot, and that lateness is
// what the stream reports (sched_err_p99_ms), as the native scheduler does.
// A stream more than a second behind (a background tab) skips ahead
// instead of sending a burst.

const LATE_BUCKETS = 1000;      // 10 us each, up to 10 ms
const MAX_BEHIND_MS = 1000;
const MAX_PER_FIRE = 64;

export class Stream {
  // @send(lateMs) sends one packet and returns false if it could not.
  constructor (periodMs, startMs, endMs, send) {
    this.period = periodMs;
    this.next = startMs;
    this.end = endMs;
    this.send = send;
    this.sent = 0;
    this.skipped = 0;
    this.late = new Uint32Array (LATE_BUCKETS + 1);
    this.lateN = 0;
    this.done = false;
  }

  run (now) {
    let n = 0;
    if (now - this.next > MAX_BEHIND_MS) {
      const missed = Math.floor ((now - this.next) / this.period);
      this.skipped += missed;
      this.next += missed * this.period;
    }
    while (!this.done && this.next <= now && n++ < MAX_PER_FIRE) {
      if (this.end > 0 && this.next >= this.end) {
        this.done = true;
        break;
      }
      const late = now - this.next;
      this.late[Math.min (Math.floor (Math.max (late, 0) / 0.01), LATE_BUCKETS)]++;
      this.lateN++;
      if (this.send (late))
        this.sent++;
      else
        this.skipped++;
      this.next += this.period;
    }
  }

  // p99 of the lateness in ms, -1 before any send.
  lateP99 () {
    let seen = 0;
    for (let i = 0; i <= LATE_BUCKETS && this.lateN > 0; i++) {
      seen += this.late[i];
      if (seen * 100 >= this.lateN * 99)
        return (i + 1) * 0.01;
    }
    return -1;
  }
}

export class Scheduler {
  constructor () {
    this.streams = new Set ();
    this.timer = null;
  }

  add (stream) {
    this.streams.add (stream);
    this.arm ();
  }

  remove (stream) {
    stream.done = true;
    this.streams.delete (stream);
  }

  arm () {
    if (this.timer !== null || this.streams.size === 0)
      return;
    let next = Infinity;
    for (const s of this.streams)
      next = Math.min (next, s.next);
    this.timer = setTimeout (() => this.fire (), Math.max (0, next - performance.now ()));
  }

  fire () {
    this.timer = null;
    const now = performance.now ();
    for (const s of [...this.streams]) {
      s.run (now);
      if (s.done)
        this.streams.delete (s);
    }
    this.arm ();
  }
}
