// stats.js: receive statistics, round-trip times and the clock offset
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The same definitions as the native engine (src/engine/wv-stats.c and
// wv-clock-offset.c, documented in docs/statistics.md), so that the server
// builds the server-to-browser records from numbers that mean what they
// mean for a native client: RFC 3550 sequence extension, loss, jitter and
// duplicates; RFC 3393 IPDV between consecutive sequence numbers; the delay
// baseline; exact windows over the last 60 s from a per-arrival history;
// whole-run summaries with exact n/min/max/mean and log-bucketed p50/p99
// (within 0.5 %). Times are epoch milliseconds of the page clock (floats).
//
// What a browser cannot give is left unknown (-1), never guessed: the TTL
// and TOS of a received probe.

const SEQ_HISTORY = 65536;
const MAX_SEQ_JUMP = 1 << 20;
const HISTORY_MS = 61000;
const MAX_WINDOW_MS = 60000;
const MAX_SAMPLES = 65536;
const IPDV_PARTNERS = 2048;
const BASELINE_MIN_SAMPLES = 10;
const BASELINE_FLOOR_MS = 1.0;
const BASELINE_RESET_MS = 5;
const CLOCK_STEP_TOLERANCE_MS = 1000;

// --- summaries ------------------------------------------------------------

export function emptySummary () {
  return { min: 0, p50: 0, p99: 0, max: 0, mean: 0, n: 0 };
}

function nearestRank (n, p) {
  const k = Math.floor ((p * n + 99) / 100);
  return k === 0 ? 1 : k;
}

// Nearest-rank summary of the finite values. A typed array sorts
// numerically in native code: the 60 s window of a 1000 probes/s stream is
// sorted in about a millisecond, which keeps the page's main thread (where
// probes are received and timestamped) free.
export function summarize (values) {
  const v = new Float64Array (values.length);
  let n = 0;
  for (const x of values)
    if (Number.isFinite (x))
      v[n++] = x;
  if (n === 0)
    return emptySummary ();
  const w = v.subarray (0, n).sort ();
  let sum = 0;
  for (let i = 0; i < n; i++)
    sum += w[i];
  return {
    min: w[0],
    p50: w[nearestRank (n, 50) - 1],
    p99: w[nearestRank (n, 99) - 1],
    max: w[n - 1],
    mean: sum / n,
    n,
  };
}

// --- whole-run histogram (wv-stats.c) -------------------------------------

const HIST_MIN_MS = 1e-6;
const HIST_MAX_MS = 1e9;
const HIST_GAMMA = (1 + 0.005) / (1 - 0.005);
const HIST_LOG_GAMMA = Math.log (HIST_GAMMA);
const HIST_MAX_INDEX = Math.ceil (Math.log (HIST_MAX_MS / HIST_MIN_MS) / HIST_LOG_GAMMA);

function histIndex (magnitude) {
  const r = Math.ceil (Math.log (magnitude / HIST_MIN_MS) / HIST_LOG_GAMMA);
  if (!(r >= 0))
    return 0;
  return Math.min (r, HIST_MAX_INDEX);
}

function histValue (index) {
  return HIST_MIN_MS * 2 * Math.exp (index * HIST_LOG_GAMMA) / (HIST_GAMMA + 1);
}

export class Histogram {
  constructor () {
    this.pos = new Map ();
    this.neg = new Map ();
    this.zero = 0;
    this.n = 0;
    this.min = 0;
    this.max = 0;
    this.sum = 0;
    this.comp = 0;
  }

  add (v) {
    if (!Number.isFinite (v))
      return;
    if (this.n === 0 || v < this.min)
      this.min = v;
    if (this.n === 0 || v > this.max)
      this.max = v;
    this.n++;
    const y = v - this.comp;
    const t = this.sum + y;
    this.comp = (t - this.sum) - y;
    this.sum = t;
    const m = Math.abs (v);
    if (m < HIST_MIN_MS)
      this.zero++;
    else {
      const side = v > 0 ? this.pos : this.neg;
      const i = histIndex (m);
      side.set (i, (side.get (i) || 0) + 1);
    }
  }

  rank (k) {
    let seen = 0;
    let v = this.max;
    const neg = [...this.neg.keys ()].sort ((a, b) => b - a);
    const pos = [...this.pos.keys ()].sort ((a, b) => a - b);
    found: {
      for (const i of neg) {
        seen += this.neg.get (i);
        if (seen >= k) {
          v = -histValue (i);
          break found;
        }
      }
      seen += this.zero;
      if (seen >= k) {
        v = 0;
        break found;
      }
      for (const i of pos) {
        seen += this.pos.get (i);
        if (seen >= k) {
          v = histValue (i);
          break found;
        }
      }
    }
    return Math.min (Math.max (v, this.min), this.max);
  }

  summary () {
    if (this.n === 0)
      return emptySummary ();
    return {
      min: this.min,
      p50: this.rank (nearestRank (this.n, 50)),
      p99: this.rank (nearestRank (this.n, 99)),
      max: this.max,
      mean: this.sum / this.n,
      n: this.n,
    };
  }
}

// --- time-ordered history ---------------------------------------------------

// Entries sorted by .t; the oldest are dropped by the owner.
class History {
  constructor () {
    this.items = [];
    this.head = 0;
  }

  get length () {
    return this.items.length - this.head;
  }

  at (i) {
    return this.items[this.head + i];
  }

  push (e) {
    this.items.push (e);
  }

  shift () {
    const e = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice (this.head);
      this.head = 0;
    }
    return e;
  }

  clear () {
    this.items = [];
    this.head = 0;
  }

  // Index of the first entry with t > limit.
  upperBound (limit) {
    let lo = 0, hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at (mid).t <= limit)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  // The time to store a new arrival at (clamped when it goes back a
  // little), or NaN when the clock went back too far: restart.
  admit (t) {
    if (this.length === 0)
      return t;
    const last = this.at (this.length - 1).t;
    if (t >= last)
      return t;
    return last - t <= CLOCK_STEP_TOLERANCE_MS ? last : NaN;
  }
}

// --- receive side -------------------------------------------------------

function cumCopy (c) {
  return { expected: c.expected, received: c.received, reordered: c.reordered,
           duplicates: c.duplicates };
}

export class RxStats {
  constructor () {
    this.offsetMs = 0;
    this.seqInit = false;
    this.extBase = 0;
    this.extMax = 0;
    this.skipped = 0;
    this.badValid = false;
    this.badSeq = 0;
    this.seen = new Uint8Array (SEQ_HISTORY);
    this.cum = { expected: 0, received: 0, reordered: 0, duplicates: 0 };
    this.partners = new Array (IPDV_PARTNERS).fill (null);
    this.haveTransit = false;
    this.lastTransit = 0;
    this.baseN = 0;
    this.baseSum = 0;
    this.rx = new History ();
    this.rxBefore = cumCopy (this.cum);
    this.bulk = new History ();
    this.bulkBefore = 0;
    this.bulkTotal = 0;
    this.anyArrival = false;
    this.firstArrival = 0;
    this.lastArrival = 0;
    this.lastProbe = 0;
    this.hOwd = new Histogram ();
    this.hIpdv = new Histogram ();
    this.hDev = new Histogram ();
    this.hAbsD = new Histogram ();
  }

  // Receiver clock minus sender clock, ms.
  setOffset (ms) {
    if (Math.abs (ms - this.offsetMs) > BASELINE_RESET_MS) {
      this.baseN = 0;
      this.baseSum = 0;
    }
    this.offsetMs = ms;
  }

  updateExpected () {
    this.cum.expected = this.extMax - this.extBase + 1 - this.skipped;
  }

  // RFC 3550 appendix A.1 with 32-bit numbers; extended numbers start at
  // 2^32 so that late probes from before the first one stay positive.
  seqUpdate (seq) {
    if (!this.seqInit) {
      const ext = 4294967296 + seq;
      this.seqInit = true;
      this.extBase = this.extMax = ext;
      this.seen[ext % SEQ_HISTORY] = 1;
      this.cum.received++;
      this.updateExpected ();
      return { kind: 'new', ext };
    }
    const d = (seq - (this.extMax % 4294967296)) | 0;   // signed 32-bit distance
    if (d > 0) {
      const ext = this.extMax + d;
      if (d > MAX_SEQ_JUMP) {
        if (!(this.badValid && seq === this.badSeq)) {
          this.badValid = true;
          this.badSeq = (seq + 1) >>> 0;
          return { kind: 'discarded', ext };
        }
        this.skipped += d - 1;
      }
      this.badValid = false;
      if (d >= SEQ_HISTORY)
        this.seen.fill (0);
      else
        for (let e = this.extMax + 1; e < ext; e++)
          this.seen[e % SEQ_HISTORY] = 0;
      this.extMax = ext;
      this.seen[ext % SEQ_HISTORY] = 1;
      this.cum.received++;
      this.updateExpected ();
      return { kind: 'new', ext };
    }
    this.badValid = false;
    const behind = -d;
    const ext = this.extMax - behind;
    if (behind < SEQ_HISTORY) {
      if (this.seen[ext % SEQ_HISTORY]) {
        this.cum.duplicates++;
        return { kind: 'duplicate', ext };
      }
      this.seen[ext % SEQ_HISTORY] = 1;
      if (ext < this.extBase)
        this.extBase = ext;
    }
    this.cum.received++;
    this.cum.reordered++;
    this.updateExpected ();
    return { kind: 'reordered', ext };
  }

  noteArrival (t) {
    if (!this.anyArrival) {
      this.anyArrival = true;
      this.firstArrival = this.lastArrival = t;
      return;
    }
    this.firstArrival = Math.min (this.firstArrival, t);
    this.lastArrival = Math.max (this.lastArrival, t);
  }

  dropOld (t) {
    while (this.rx.length > 1 && this.rx.at (0).t <= t - HISTORY_MS)
      this.rxBefore = this.rx.shift ().cum;
    while (this.bulk.length > 1 && this.bulk.at (0).t <= t - HISTORY_MS)
      this.bulkBefore = this.bulk.shift ().cum;
  }

  // seq: u32; sendMs: the sender's clock; recvMs: ours.
  addProbe (seq, sendMs, recvMs) {
    let t = this.rx.admit (recvMs);
    if (Number.isNaN (t)) {
      this.rx.clear ();
      this.rxBefore = cumCopy (this.cum);
      t = recvMs;
    }
    const { kind, ext } = this.seqUpdate (seq);
    if (kind === 'discarded')
      return;
    this.noteArrival (recvMs);
    this.lastProbe = t;
    const entry = { t, owd: NaN, dev: NaN, ipdv: [], absD: NaN, cum: null };
    if (kind !== 'duplicate') {
      const transit = recvMs - sendMs;
      entry.owd = transit - this.offsetMs;
      // RFC 3550's |D| to the previous arrival: a span's jitter is the mean
      // of these over the span (docs/statistics.md), not the running J
      // after its last probe.
      if (this.haveTransit) {
        entry.absD = Math.abs (transit - this.lastTransit);
        this.hAbsD.add (entry.absD);
      }
      this.haveTransit = true;
      this.lastTransit = transit;
      // IPDV pairs consecutive sequence numbers, whichever arrives second.
      const prev = this.partners[(ext - 1) % IPDV_PARTNERS];
      const next = this.partners[(ext + 1) % IPDV_PARTNERS];
      if (prev && prev.ext === ext - 1)
        entry.ipdv.push (transit - prev.transit);
      if (next && next.ext === ext + 1)
        entry.ipdv.push (next.transit - transit);
      if (ext + IPDV_PARTNERS > this.extMax)
        this.partners[ext % IPDV_PARTNERS] = { ext, transit };
      for (const v of entry.ipdv)
        this.hIpdv.add (v);
      // Baseline: the mean of the delays, high outliers left out once settled.
      let accept = true;
      if (this.baseN >= BASELINE_MIN_SAMPLES) {
        const b = this.baseSum / this.baseN;
        accept = entry.owd <= b + 2 * Math.max (Math.abs (b), BASELINE_FLOOR_MS);
      }
      if (accept) {
        this.baseSum += entry.owd;
        this.baseN++;
      }
      entry.dev = entry.owd - this.baseSum / this.baseN;
      this.hOwd.add (entry.owd);
      this.hDev.add (entry.dev);
    }
    entry.cum = cumCopy (this.cum);
    if (this.rx.length >= MAX_SAMPLES)
      this.rxBefore = this.rx.shift ().cum;
    this.rx.push (entry);
    this.dropOld (t);
  }

  addBulk (recvMs, bytes) {
    this.noteArrival (recvMs);
    this.bulkTotal += bytes;
    // Merged per millisecond, time rounded up (exact for whole-ms windows).
    let t = Math.ceil (recvMs);
    t = this.bulk.admit (t);
    if (Number.isNaN (t)) {
      this.bulk.clear ();
      this.bulkBefore = this.bulkTotal - bytes;
      t = Math.ceil (recvMs);
    }
    const last = this.bulk.length > 0 ? this.bulk.at (this.bulk.length - 1) : null;
    if (last && last.t === t)
      last.cum += bytes;
    else {
      if (this.bulk.length >= MAX_SAMPLES)
        this.bulkBefore = this.bulk.shift ().cum;
      this.bulk.push ({ t, cum: this.bulkTotal });
    }
    this.dropOld (t);
  }

  baseline () {
    return this.baseN > 0 ? this.baseSum / this.baseN : 0;
  }

  static rates (out, d) {
    out.probes = d.received;
    out.expected = d.expected;
    if (d.expected > 0)
      out.loss_pct = d.expected > d.received ? 100 * (d.expected - d.received) / d.expected : 0;
    if (d.received > 0)
      out.reorder_pct = 100 * d.reordered / d.received;
    if (d.received + d.duplicates > 0)
      out.dup_pct = 100 * d.duplicates / (d.received + d.duplicates);
  }

  emptyRecord () {
    return {
      probes: 0, expected: 0,
      owd_ms: emptySummary (), ipdv_ms: emptySummary (), delay_dev_ms: emptySummary (),
      jitter_ms: NaN, jitter_d_ms: emptySummary (), loss_pct: NaN, reorder_pct: NaN, dup_pct: NaN, throughput_bps: NaN,
      rx_ttl: -1, rx_tos: -1, bulk_bytes: 0, baseline_ms: this.baseline (), last_rx_ms: 0,
    };
  }

  // The arrivals in (now - window, now].
  window (nowMs, windowMs) {
    const out = this.emptyRecord ();
    windowMs = Math.min (windowMs, MAX_WINDOW_MS);
    const start = nowMs - windowMs;
    const i0 = this.rx.upperBound (start);
    const i1 = this.rx.upperBound (nowMs);
    const before = i0 > 0 ? this.rx.at (i0 - 1).cum : this.rxBefore;
    const after = i1 > i0 ? this.rx.at (i1 - 1).cum : before;
    RxStats.rates (out, {
      expected: after.expected - before.expected,
      received: after.received - before.received,
      reordered: after.reordered - before.reordered,
      duplicates: after.duplicates - before.duplicates,
    });
    if (i1 > i0) {
      const owd = [], dev = [], ipdv = [], absD = [];
      for (let i = i0; i < i1; i++) {
        const e = this.rx.at (i);
        owd.push (e.owd);
        dev.push (e.dev);
        absD.push (e.absD);
        for (const v of e.ipdv)
          ipdv.push (v);
      }
      out.owd_ms = summarize (owd);
      out.delay_dev_ms = summarize (dev);
      out.ipdv_ms = summarize (ipdv);
      out.last_rx_ms = this.rx.at (i1 - 1).t;
      out.jitter_d_ms = summarize (absD);
      if (out.jitter_d_ms.n > 0)
        out.jitter_ms = out.jitter_d_ms.mean;
    }
    const j0 = this.bulk.upperBound (start);
    const j1 = this.bulk.upperBound (nowMs);
    const b0 = j0 > 0 ? this.bulk.at (j0 - 1).cum : this.bulkBefore;
    const b1 = j1 > j0 ? this.bulk.at (j1 - 1).cum : b0;
    out.bulk_bytes = b1 - b0;
    out.throughput_bps = out.bulk_bytes * 8 * 1000 / windowMs;
    return out;
  }

  total () {
    const out = this.emptyRecord ();
    RxStats.rates (out, this.cum);
    out.owd_ms = this.hOwd.summary ();
    out.ipdv_ms = this.hIpdv.summary ();
    out.delay_dev_ms = this.hDev.summary ();
    out.jitter_d_ms = this.hAbsD.summary ();
    if (out.jitter_d_ms.n > 0)
      out.jitter_ms = out.jitter_d_ms.mean;
    out.last_rx_ms = this.lastProbe;
    out.bulk_bytes = this.bulkTotal;
    if (this.anyArrival && this.lastArrival > this.firstArrival)
      out.throughput_bps = this.bulkTotal * 8 * 1000 / (this.lastArrival - this.firstArrival);
    return out;
  }
}

// --- round-trip times ----------------------------------------------------

export class RttStats {
  constructor () {
    this.ring = new History ();
    this.hist = new Histogram ();
    this.rejected = 0;
  }

  add (nowMs, rttMs) {
    if (!(rttMs >= 0)) {
      this.rejected++;
      return;
    }
    let t = this.ring.admit (nowMs);
    if (Number.isNaN (t)) {
      this.ring.clear ();
      t = nowMs;
    }
    if (this.ring.length >= MAX_SAMPLES)
      this.ring.shift ();
    this.ring.push ({ t, rtt: rttMs });
    this.hist.add (rttMs);
    while (this.ring.length > 1 && this.ring.at (0).t <= t - HISTORY_MS)
      this.ring.shift ();
  }

  window (nowMs, windowMs) {
    windowMs = Math.min (windowMs, MAX_WINDOW_MS);
    const i0 = this.ring.upperBound (nowMs - windowMs);
    const i1 = this.ring.upperBound (nowMs);
    const v = [];
    for (let i = i0; i < i1; i++)
      v.push (this.ring.at (i).rtt);
    return summarize (v);
  }

  total () {
    return this.hist.summary ();
  }
}

// --- clock offset (wv-clock-offset.c) -----------------------------------

const OFFSET_WINDOW_MS = 10000;
const OFFSET_MAX_DELTA_MS = 30000;
const OFFSET_MAX_SAMPLES = 4096;

// theta = peer clock minus ours, from the four times of an echoed probe:
// the sample with the smallest round trip of the last 10 s.
export class ClockOffset {
  constructor () {
    this.samples = new History ();   // in the order they came, so t4 mostly grows
    this.byT1 = new Map ();
    this.newest = null;
  }

  add (t1, t2, t3, t4) {
    const roundTrip = t4 - t1;
    const hold = t3 - t2;
    if (!(roundTrip >= 0 && hold >= 0))
      return;
    const delta = roundTrip - hold;
    if (!(delta >= 0 && delta <= OFFSET_MAX_DELTA_MS))
      return;
    const theta = (t2 - t1) - delta / 2;
    if (this.newest === null)
      this.newest = t4;
    else if (t4 <= this.newest - OFFSET_WINDOW_MS) {
      // Our clock went back: start over.
      this.samples.clear ();
      this.byT1.clear ();
      this.newest = t4;
    } else if (t4 > this.newest)
      this.newest = t4;
    // Older samples leave from the front, a few at a time: this runs for
    // every echo, so it must not copy the window (get() skips the stale
    // ones that arrived out of order).
    const limit = this.newest - OFFSET_WINDOW_MS;
    while (this.samples.length > 0 &&
           (this.samples.at (0).t4 <= limit || this.samples.length >= OFFSET_MAX_SAMPLES))
      this.byT1.delete (this.samples.shift ().t1);
    const same = this.byT1.get (t1);
    if (same) {
      if (delta < same.delta)
        Object.assign (same, { t4, theta, delta });
      return;
    }
    const s = { t: t4, t1, t4, theta, delta };
    this.samples.push (s);
    this.byT1.set (t1, s);
  }

  // { theta, error } in ms, or null before any sample.
  get () {
    const limit = this.newest - OFFSET_WINDOW_MS;
    let best = null;
    for (let i = 0; i < this.samples.length; i++) {
      const s = this.samples.at (i);
      if (s.t4 > limit &&
          (best === null || s.delta < best.delta || (s.delta === best.delta && s.t4 > best.t4)))
        best = s;
    }
    return best === null ? null : { theta: best.theta, error: best.delta / 2 };
  }
}
