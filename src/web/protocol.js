// protocol.js: the wire protocol of docs/protocol.md, client side
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Binary packets are big-endian; 64-bit times are BigInt nanoseconds on the
// wire and epoch milliseconds (floats) everywhere else in the page. Control
// messages are JSON objects; the server checks them strictly (integers
// must be integers, measures finite or null), so everything sent is built
// here and nowhere else.

import { PageClock } from './clock.js';

export const PROTOCOL = 1;
export const MAGIC = 0x57;

export const CHANNELS = [
  { label: 'control', id: 0, ordered: true },
  { label: 'probe', id: 1, ordered: false, maxRetransmits: 0 },
  { label: 'bulk', id: 2, ordered: false, maxRetransmits: 0 },
  { label: 'testprobe', id: 3, ordered: false, maxRetransmits: 0 },
];

export const KIND = { PROBE: 1, ECHO: 2, BULK: 3, TESTPROBE: 4, TESTPROBE_ACK: 5 };
export const PROBE_MIN_SIZE = 16;
export const PROBE_MAX_SIZE = 1184;
export const ECHO_SIZE = 32;
export const TESTPROBE_MIN_SIZE = 20;
export const TESTPROBE_SIZE = 22;
export const TESTPROBE_ACK_SIZE = 40;
const MAX_CLASS = 8;

// --- probe-channel packets --------------------------------------------------

// A probe or bulk packet of @size bytes.
export function writePacket (kind, classIndex, seq, t1Ms, size) {
  const buf = new ArrayBuffer (size);
  const v = new DataView (buf);
  v.setUint8 (0, MAGIC);
  v.setUint8 (1, kind);
  v.setUint8 (2, PROTOCOL);
  v.setUint8 (3, classIndex);
  v.setUint32 (4, seq >>> 0);
  v.setBigInt64 (8, PageClock.toNs (t1Ms));
  return buf;
}

// { kind, classIndex, seq, t1, t2, t3 } (times in ms), or null when the
// packet is not one the protocol allows.
export function parsePacket (buf) {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 16 || buf.byteLength > PROBE_MAX_SIZE)
    return null;
  const v = new DataView (buf);
  const kind = v.getUint8 (1);
  if (v.getUint8 (0) !== MAGIC || v.getUint8 (2) !== PROTOCOL || kind < 1 || kind > 3 ||
      v.getUint8 (3) > MAX_CLASS || (kind === KIND.ECHO && buf.byteLength !== ECHO_SIZE))
    return null;
  const p = {
    kind,
    classIndex: v.getUint8 (3),
    seq: v.getUint32 (4),
    t1: PageClock.fromNs (v.getBigInt64 (8)),
    size: buf.byteLength,
  };
  if (kind === KIND.ECHO) {
    p.t2 = PageClock.fromNs (v.getBigInt64 (16));
    p.t3 = PageClock.fromNs (v.getBigInt64 (24));
  }
  return p;
}

// The echo of a probe: its first 16 bytes (kind 2), then t2 and t3.
export function writeEcho (probeBuf, t2Ms, t3Ms) {
  const buf = new ArrayBuffer (ECHO_SIZE);
  new Uint8Array (buf).set (new Uint8Array (probeBuf, 0, 16));
  const v = new DataView (buf);
  v.setUint8 (1, KIND.ECHO);
  v.setBigInt64 (16, PageClock.toNs (t2Ms));
  v.setBigInt64 (24, PageClock.toNs (t3Ms));
  return buf;
}

// --- testprobe-channel packets ----------------------------------------------

// The ack of a test probe, or null if @buf is not a test probe. A page
// cannot see the size of the datagram a message arrived in: it repeats the
// UDP length the probe says it was padded to (bytes 20-21; 0 from a sender
// that does not say), and the TTL it arrived with is unknown (-1).
export function writeTestprobeAck (probeBuf, t2Ms, t3Ms) {
  if (!(probeBuf instanceof ArrayBuffer) || probeBuf.byteLength < TESTPROBE_MIN_SIZE ||
      probeBuf.byteLength > PROBE_MAX_SIZE)
    return null;
  const p = new DataView (probeBuf);
  if (p.getUint8 (0) !== MAGIC || p.getUint8 (1) !== KIND.TESTPROBE || p.getUint8 (2) !== PROTOCOL)
    return null;
  const buf = new ArrayBuffer (TESTPROBE_ACK_SIZE);
  const n = Math.min (probeBuf.byteLength, TESTPROBE_SIZE);
  new Uint8Array (buf).set (new Uint8Array (probeBuf, 0, n));
  const v = new DataView (buf);
  v.setUint8 (1, KIND.TESTPROBE_ACK);
  v.setInt16 (22, -1);
  v.setBigInt64 (24, PageClock.toNs (t2Ms));
  v.setBigInt64 (32, PageClock.toNs (t3Ms));
  return buf;
}

export function isTestprobeAck (buf) {
  return buf instanceof ArrayBuffer && buf.byteLength === TESTPROBE_ACK_SIZE &&
         new DataView (buf).getUint8 (1) === KIND.TESTPROBE_ACK;
}

// --- control messages ---------------------------------------------------------

function int (v) {
  return Number.isFinite (v) ? Math.round (v) : 0;
}

// A real number the server takes: finite and within 10^15; NaN -> null
// only where the protocol allows unknown measures.
function real (v) {
  if (!Number.isFinite (v))
    return 0;
  return Math.max (-1e15, Math.min (1e15, v));
}

function measure (v) {
  return Number.isFinite (v) ? real (v) : null;
}

function summary (s) {
  if (!s || !(s.n > 0))
    return { min: null, p50: null, p99: null, max: null, mean: null, n: 0 };
  return { min: real (s.min), p50: real (s.p50), p99: real (s.p99), max: real (s.max),
           mean: real (s.mean), n: int (s.n) };
}

function msToNs (ms) {
  return ms > 0 ? Math.round (ms * 1e6) : 0;
}

// UTF-8 text cut to @max bytes (not inside a character), without control
// characters.
export function cutText (s, max) {
  const clean = String (s).replace (/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const enc = new TextEncoder ();
  let out = '';
  for (const ch of clean) {
    if (enc.encode (out + ch).length > max)
      break;
    out += ch;
  }
  return out;
}

export function helloMsg (software, session, conn) {
  return {
    type: 'hello',
    protocol: PROTOCOL,
    software: cutText (software, 63),
    role: 'client',
    session: cutText (session, 64),
    conn: cutText (conn, 64),
    // A page cannot know whether its clock is synchronised, nor share a
    // boot id with the server: one-way delays are offset-estimated.
    clock: { synced: false, error_ms: -1, boot_id: '' },
  };
}

export function startStreamsMsg (p) {
  return {
    type: 'start_streams',
    rate_pps: int (p.rate_pps),
    probe_size: int (p.probe_size),
    bulk_bps: int (p.bulk_bps),
    duration_s: real (p.duration_s),
    classes: [],
  };
}

export function pathRequestMsg (p) {
  return {
    type: 'path_request',
    trace: true,
    max_ttl: int (p.max_ttl),
    rounds: int (p.rounds),
    mtu: true,
    mtu_max: int (p.mtu_max),
  };
}

// @s: { time, window_s, rx (RxStats record), rtt, sched_err_p99_ms, probes_sent }
export function statsMsg (s) {
  const rx = s.rx;
  return {
    type: 'stats',
    time_ns: msToNs (s.time),
    window_s: int (s.window_s),
    class_index: 0,
    rx_dir: 's2c',
    rx: {
      probes: int (rx.probes),
      expected: int (rx.expected),
      owd_ms: summary (rx.owd_ms),
      ipdv_ms: summary (rx.ipdv_ms),
      delay_dev_ms: summary (rx.delay_dev_ms),
      jitter_ms: measure (rx.jitter_ms),
      jitter_d_ms: summary (rx.jitter_d_ms),
      loss_pct: measure (rx.loss_pct),
      reorder_pct: measure (rx.reorder_pct),
      dup_pct: measure (rx.dup_pct),
      throughput_bps: Number.isFinite (rx.throughput_bps) ? Math.max (0, real (rx.throughput_bps)) : null,
      rx_ttl: -1,
      rx_tos: -1,
      bulk_bytes: int (rx.bulk_bytes),
      baseline_ms: real (rx.baseline_ms),
      last_rx_ns: msToNs (rx.last_rx_ms),
    },
    owd_mode: 'offset-estimated',
    rtt_ms: summary (s.rtt),
    sched_err_p99_ms: s.sched_err_p99_ms >= 0 ? real (s.sched_err_p99_ms) : -1,
    probes_sent: int (s.probes_sent),
  };
}

// A server's stats message as the record code wants it (the receive
// part with times in ms, NaN for unknown), or null when it is not usable.
export function readStats (m) {
  const ok = x => x === null || typeof x === 'number';
  const sum = x => x && typeof x === 'object' && Number.isInteger (x.n) && x.n >= 0
    ? { min: x.min ?? 0, p50: x.p50 ?? 0, p99: x.p99 ?? 0, max: x.max ?? 0, mean: x.mean ?? 0, n: x.n }
    : null;
  const rx = m.rx;
  if (!rx || typeof rx !== 'object' || !Number.isInteger (m.window_s) ||
      !Number.isInteger (m.class_index) || typeof m.rx_dir !== 'string')
    return null;
  const r = {
    window_s: m.window_s,
    class_index: m.class_index,
    rx_dir: m.rx_dir,
    rx: {
      probes: rx.probes, expected: rx.expected,
      owd_ms: sum (rx.owd_ms), ipdv_ms: sum (rx.ipdv_ms), delay_dev_ms: sum (rx.delay_dev_ms),
      jitter_ms: rx.jitter_ms ?? NaN, loss_pct: rx.loss_pct ?? NaN,
      reorder_pct: rx.reorder_pct ?? NaN, dup_pct: rx.dup_pct ?? NaN,
      throughput_bps: rx.throughput_bps ?? NaN,
      rx_ttl: rx.rx_ttl, rx_tos: rx.rx_tos, bulk_bytes: rx.bulk_bytes,
      baseline_ms: rx.baseline_ms, last_rx_ms: (rx.last_rx_ns || 0) / 1e6,
    },
    rtt: sum (m.rtt_ms),
    sched_err_p99_ms: m.sched_err_p99_ms,
    probes_sent: m.probes_sent,
  };
  if (!Number.isInteger (r.rx.probes) || !Number.isInteger (r.rx.expected) || !r.rx.owd_ms ||
      !r.rx.ipdv_ms || !r.rx.delay_dev_ms || !r.rtt || !ok (rx.jitter_ms) || !ok (rx.loss_pct) ||
      !Number.isInteger (r.rx.rx_ttl) || !Number.isInteger (r.rx.rx_tos) ||
      typeof r.sched_err_p99_ms !== 'number' || !Number.isInteger (r.probes_sent))
    return null;
  return r;
}
