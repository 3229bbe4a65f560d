// clock.js: the page's clock, in Unix-epoch milliseconds
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The protocol's times are CLOCK_REALTIME nanoseconds. A page has two
// clocks: Date.now(), the wall clock in whole milliseconds, and
// performance.now(), monotonic and fine (5-20 us when the page is
// cross-origin isolated, 100 us to 1 ms when not) but running at its own
// rate: on one test machine it drifted 5 ms per second from the wall clock.
// The page clock is performance.now() anchored to Date.now() once, then
// made to run at the wall clock's rate: the rate is fitted (least squares)
// over the last minute of (performance.now(), Date.now()) pairs, and a new
// rate takes effect without a step. Its offset from the wall clock stays
// what the first anchoring gave (within a millisecond); the server
// estimates the offset between the two ends anyway (docs/statistics.md).

const SAMPLE_MS = 500;
const SAMPLES = 120;            // a minute
const MIN_SPAN_MS = 5000;       // no rate before 5 s of samples
const MAX_RATE = 0.01;          // 1 %: beyond that something jumped
const STEP_MS = 50;             // a wall clock step: start the fit over

export class PageClock {
  constructor () {
    this.perfBase = performance.now ();
    this.base = Date.now ();
    this.rate = 0;
    this.samples = [];
    this.resolutionMs = measureResolution ();
    this.isolated = globalThis.crossOriginIsolated === true;
    this.timer = setInterval (() => this.sample (), SAMPLE_MS);
  }

  // Epoch milliseconds, a float.
  now () {
    return this.base + (performance.now () - this.perfBase) * (1 + this.rate);
  }

  // The same as integer nanoseconds (BigInt), for packets.
  static toNs (ms) {
    const whole = Math.floor (ms);
    return BigInt (whole) * 1000000n + BigInt (Math.round ((ms - whole) * 1e6));
  }

  static fromNs (ns) {
    return Number (ns / 1000n) / 1000 + Number (ns % 1000n) / 1e6;
  }

  sample () {
    const p = performance.now ();
    const d = Date.now ();
    const s = this.samples;

    if (s.length > 0) {
      const last = s[s.length - 1];
      // The wall clock was set: what came before does not fit any more.
      if (Math.abs ((d - last.d) - (p - last.p)) > STEP_MS + SAMPLE_MS)
        s.length = 0;
    }
    s.push ({ p, d });
    if (s.length > SAMPLES)
      s.shift ();
    if (s.length < 3 || s[s.length - 1].p - s[0].p < MIN_SPAN_MS)
      return;
    // Slope of (d - p) against p.
    let mp = 0, my = 0;
    for (const x of s) {
      mp += x.p;
      my += x.d - x.p;
    }
    mp /= s.length;
    my /= s.length;
    let num = 0, den = 0;
    for (const x of s) {
      num += (x.p - mp) * (x.d - x.p - my);
      den += (x.p - mp) * (x.p - mp);
    }
    const rate = den > 0 ? num / den : 0;
    if (!(Math.abs (rate) < MAX_RATE))
      return;
    // The new rate starts from the current time: no step.
    const p0 = performance.now ();
    this.base += (p0 - this.perfBase) * (1 + this.rate);
    this.perfBase = p0;
    this.rate = rate;
  }

  stop () {
    clearInterval (this.timer);
  }
}

// The smallest step performance.now() makes, in ms.
function measureResolution () {
  let best = Infinity;
  let last = performance.now ();
  const end = last + 20;
  for (let i = 0; i < 100000; i++) {
    const t = performance.now ();
    if (t !== last) {
      best = Math.min (best, t - last);
      last = t;
    }
    if (t > end)
      break;
  }
  return Number.isFinite (best) ? best : 1;
}
