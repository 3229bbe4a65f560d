// records.js: measurement records, as the CLI writes them
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The page keeps its results as the records of docs/output.md (the same
// ones wifi-verify-cli --json writes, and that the server writes for this
// page with serve --json) and downloads them as JSON lines. The writer
// follows src/engine/wv-output.c field by field: numbers with at most six
// decimals, times in seconds with three, unknown values null.

export function makeStatsRecord (type, timeMs, conn, family, dir, fields) {
  return { type, time: timeMs, conn, family, dir, ...fields };
}

export function makePathRecord (type, timeMs, conn, family, dir, fields) {
  return { type, time: timeMs, conn, family, dir, ...fields };
}

// RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865
// VOICE-ADMIT, RFC 8622 LE (src/engine/wv-dscp.c).
const DSCP_NAMES = {
  0: 'CS0', 8: 'CS1', 16: 'CS2', 24: 'CS3', 32: 'CS4', 40: 'CS5', 48: 'CS6', 56: 'CS7',
  10: 'AF11', 12: 'AF12', 14: 'AF13', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  26: 'AF31', 28: 'AF32', 30: 'AF33', 34: 'AF41', 36: 'AF42', 38: 'AF43',
  44: 'VOICE-ADMIT', 46: 'EF', 1: 'LE',
};

function number (v) {
  if (Math.abs (v) < 1e15) {
    let s = v.toFixed (6);
    s = s.replace (/0+$/, '').replace (/\.$/, '');
    return s === '-0' ? '0' : s;
  }
  return String (v);
}

function unixTime (ms) {
  const whole = Math.floor (ms);
  const s = Math.floor (whole / 1000);
  return `${s}.${String (whole - s * 1000).padStart (3, '0')}`;
}

class Writer {
  constructor () {
    this.parts = [];
  }

  raw (key, text) {
    this.parts.push (`${JSON.stringify (key)}:${text}`);
  }

  num (key, v, known = true) {
    this.raw (key, known && Number.isFinite (v) ? number (v) : 'null');
  }

  int (key, v, known = true) {
    this.raw (key, known && Number.isFinite (v) ? String (Math.round (v)) : 'null');
  }

  str (key, v) {
    this.raw (key, v ? JSON.stringify (v) : 'null');
  }

  bool (key, v) {
    this.raw (key, v ? 'true' : 'false');
  }

  summary (key, s) {
    const known = s && s.n > 0;
    const inner = ['min', 'p50', 'p99', 'max', 'mean']
      .map (k => `"${k}":${known && Number.isFinite (s[k]) ? number (s[k]) : 'null'}`);
    inner.push (`"n":${s ? s.n : 0}`);
    this.raw (key, `{${inner.join (',')}}`);
  }

  text () {
    return `{${this.parts.join (',')}}`;
  }
}

// One record as one line of JSON (without the newline).
export function recordToJson (r) {
  const w = new Writer ();
  w.str ('type', r.type);
  w.raw ('time', unixTime (r.time));
  w.int ('conn', r.conn);
  w.int ('family', r.family);
  w.str ('dir', r.dir);
  if (r.type === 'stats' || r.type === 'summary') {
    const rx = r.rx;
    if (r.type === 'summary') {
      w.raw ('window_s', 'null');
      w.num ('duration_s', r.duration_s, r.duration_s >= 0);
      w.int ('probes_sent', r.probes_sent);
    } else
      w.int ('window_s', r.window_s);
    w.int ('probes', rx.probes);
    w.int ('expected', rx.expected);
    w.summary ('rtt_ms', r.rtt_ms);
    w.summary ('owd_ms', rx.owd_ms);
    w.summary ('delay_dev_ms', rx.delay_dev_ms);
    w.num ('baseline_ms', rx.baseline_ms, rx.owd_ms.n > 0 || rx.baseline_ms !== 0);
    w.num ('jitter_ms', rx.jitter_ms, rx.probes > 0);
    w.summary ('ipdv_ms', rx.ipdv_ms);
    w.num ('loss_pct', rx.loss_pct, rx.expected > 0);
    w.num ('reorder_pct', rx.reorder_pct, rx.probes > 0);
    w.num ('dup_pct', rx.dup_pct, rx.probes > 0 || rx.dup_pct > 0);
    w.num ('throughput_bps', rx.throughput_bps);
    const tosKnown = rx.rx_tos >= 0 && rx.rx_tos <= 255;
    w.int ('rx_ttl', rx.rx_ttl, rx.rx_ttl >= 0 && rx.rx_ttl <= 255);
    w.int ('rx_tos', rx.rx_tos, tosKnown);
    w.int ('rx_dscp', rx.rx_tos >> 2, tosKnown);
    // The web client runs the default class only (it cannot mark its
    // packets), so there are no DSCP names to write.
    w.str ('rx_dscp_name', tosKnown ? DSCP_NAMES[rx.rx_tos >> 2] : null);
    w.raw ('dscp', 'null');
    w.raw ('dscp_name', 'null');
    w.bool ('remarked', r.remarked);
    w.str ('owd_mode', r.owd_mode);
    w.num ('clock_error_ms', r.clock_error_ms, r.clock_error_ms >= 0);
    w.num ('sched_err_p99_ms', r.sched_err_p99_ms, r.sched_err_p99_ms >= 0);
  } else if (r.type === 'hop') {
    w.int ('round', r.round);
    w.int ('ttl', r.ttl);
    w.str ('addr', r.addr);
    w.num ('rtt_ms', r.rtt_ms, r.rtt_ms >= 0);
    w.bool ('reached', r.reached);
  } else if (r.type === 'mtu') {
    w.int ('hop', r.hop);
    w.str ('addr', r.addr);
    w.int ('mtu', r.mtu, r.mtu > 0);
  } else if (r.type === 'path_mtu') {
    w.int ('mtu', r.mtu, r.mtu > 0);
    w.bool ('confirmed', r.confirmed);
  }
  return w.text ();
}
