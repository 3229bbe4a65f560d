// app.js: the web client's run: connect, path, streams, results
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The phases of a native run (src/engine/wv-client.c), with the browser as
// the client: connections per address family (IPv4 first), then the
// server traces the path and searches the MTU toward this device, then
// probe streams both ways for the duration, then the summaries.
//
// Unattended: ?start=1&duration=S&connections=N starts at once (also
// rate=PPS, bulk=BITS_PER_S, families=4|6|46, label=NAME); the page then
// marks <html data-state="done"> (or "failed") at the end. ?token=T is
// sent with every API call.

import { Api } from './api.js';
import { PageClock } from './clock.js';
import { MeasuredConnection, errorText } from './connection.js';
import { recordToJson } from './records.js';
import { Scheduler } from './scheduler.js';
import { TimeChart } from './charts.js';
import * as ui from './ui.js';

const $ = id => document.getElementById (id);
const query = new URLSearchParams (location.search);
const api = new Api (query.get ('token'));
const clock = new PageClock ();
const scheduler = new Scheduler ();

const PATH_REQUEST = { max_ttl: 16, rounds: 3, mtu_max: 1500 };
const PROBE_SIZE = 64;

let server = null;          // GET /api/v1/status
let running = null;         // the run in progress
let records = [];

// --- who we are ---------------------------------------------------------------

function browserName () {
  const ua = navigator.userAgent;
  const pick = (re, name) => {
    const m = ua.match (re);
    return m ? `${name} ${m[1]}` : null;
  };
  const browser = pick (/Firefox\/(\d+)/, 'Firefox') ?? pick (/Edg\/(\d+)/, 'Edge') ??
                  pick (/Chrom(?:e|ium)\/(\d+)/, 'Chromium') ?? pick (/Version\/(\d+).*Safari/, 'Safari') ??
                  'a browser';
  const os = /Android/.test (ua) ? 'Android' : /iPhone|iPad|iPod/.test (ua) ? 'iOS'
           : /Windows/.test (ua) ? 'Windows' : /Mac OS X/.test (ua) ? 'macOS'
           : /CrOS/.test (ua) ? 'ChromeOS' : /Linux/.test (ua) ? 'Linux' : 'unknown system';
  return { browser, os };
}

function defaultLabel () {
  const { browser, os } = browserName ();
  return `${browser} on ${os}`;
}

function randomId () {
  if (crypto.randomUUID)
    return crypto.randomUUID ();
  // Not a secure context: no randomUUID, but getRandomValues is there.
  const b = crypto.getRandomValues (new Uint8Array (16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map (x => x.toString (16).padStart (2, '0')).join ('');
  return `${h.slice (0, 8)}-${h.slice (8, 12)}-${h.slice (12, 16)}-${h.slice (16, 20)}-${h.slice (20)}`;
}

// --- charts ----------------------------------------------------------------------

const SERIES = [
  { key: 'c2s4', label: 'Upload IPv4', color: 'var(--up)', dash: false },
  { key: 's2c4', label: 'Download IPv4', color: 'var(--down)', dash: false },
  { key: 'c2s6', label: 'Upload IPv6', color: 'var(--up)', dash: true },
  { key: 's2c6', label: 'Download IPv6', color: 'var(--down)', dash: true },
];

function resolvedSeries () {
  const style = getComputedStyle (document.documentElement);
  return SERIES.map (s => ({ ...s, color: style.getPropertyValue (s.color.slice (4, -1)).trim () || '#888' }));
}

const charts = {};

function makeCharts () {
  const series = resolvedSeries ();
  charts.owd = new TimeChart ($('chart-owd'), { unit: 'ms', series });
  charts.rtt = new TimeChart ($('chart-rtt'), { unit: 'ms', series });
  charts.jitter = new TimeChart ($('chart-jitter'), { unit: 'ms', series, minYRange: 0.5 });
  charts.loss = new TimeChart ($('chart-loss'), { unit: '%', series, minYRange: 1 });
  ui.showLegend (series);
}

// The 1 s records of one second, per direction and family, averaged over
// the family's connections.
class SecondAverager {
  constructor (start) {
    this.start = start;
    this.pending = new Map ();
  }

  add (r) {
    const sec = Math.round ((r.time - this.start) / 1000);
    const key = `${r.dir}${r.family}`;
    const slot = `${key}@${sec}`;
    if (!this.pending.has (slot))
      this.pending.set (slot, { key, sec, owd: [], rtt: [], jitter: [], loss: [] });
    const p = this.pending.get (slot);
    if (r.rx.owd_ms.n > 0)
      p.owd.push (r.rx.owd_ms.p50);
    if (r.rtt_ms.n > 0)
      p.rtt.push (r.rtt_ms.p50);
    if (r.rx.probes > 0 && Number.isFinite (r.rx.jitter_ms))
      p.jitter.push (r.rx.jitter_ms);
    if (r.rx.expected > 0 && Number.isFinite (r.rx.loss_pct))
      p.loss.push (r.rx.loss_pct);
    clearTimeout (this.timer);
    this.timer = setTimeout (() => this.flush (), 200);
  }

  flush () {
    const mean = v => v.length ? v.reduce ((a, b) => a + b, 0) / v.length : NaN;
    for (const p of this.pending.values ()) {
      charts.owd.add (p.key, p.sec, mean (p.owd));
      charts.rtt.add (p.key, p.sec, mean (p.rtt));
      charts.jitter.add (p.key, p.sec, mean (p.jitter));
      charts.loss.add (p.key, p.sec, mean (p.loss));
    }
    this.pending.clear ();
  }
}

// --- settings ----------------------------------------------------------------------

function readSettings () {
  const num = (id, lo, hi, fallback) => {
    const v = Number ($(id).value);
    return Number.isFinite (v) ? Math.min (hi, Math.max (lo, v)) : fallback;
  };
  const families = [];
  if ($('fam4').checked)
    families.push (4);
  if ($('fam6').checked)
    families.push (6);
  const label = $('label').value.trim () || defaultLabel ();
  try {
    localStorage.setItem ('wifi-verify-label', $('label').value.trim ());
  } catch (e) {
    // Private mode: not remembered.
  }
  return {
    label,
    families,
    connections: Math.round (num ('connections', 1, 16, 1)),
    duration_s: num ('duration', 1, server?.limits?.max_duration_s ?? 3600, 30),
    bulk_bps: Math.round (num ('bulk', 0, 200, 0) * 1e6),
    rate_pps: Math.round (Number (query.get ('rate')) || 100),
  };
}

// Unattended parameters go into the settings, so the page shows them.
function applyQuery () {
  const set = (id, v) => {
    if (v !== null && v !== '')
      $(id).value = v;
  };
  set ('duration', query.get ('duration'));
  set ('connections', query.get ('connections'));
  if (query.get ('bulk') !== null)
    set ('bulk', String (Number (query.get ('bulk')) / 1e6));
  if (query.get ('label') !== null)
    set ('label', query.get ('label'));
  const fam = query.get ('families');
  if (fam) {
    $('fam4').checked = fam.includes ('4');
    $('fam6').checked = fam.includes ('6');
  }
}

// --- the run --------------------------------------------------------------------------

async function run () {
  const s = readSettings ();
  if (s.families.length === 0) {
    ui.setStatus ('Choose at least one address family in the settings.');
    return;
  }
  const session = randomId ();
  const { browser, os } = browserName ();
  const software = `wifi-verify-web ${server?.version ?? '?'} (${browser}; ${os})`;
  const r = { conns: [], stopped: false, startedAt: clock.now () };
  running = r;
  records = [];
  document.documentElement.dataset.state = 'running';
  $('start').textContent = 'Stop';
  $('download').disabled = true;
  for (const c of Object.values (charts))
    c.clear ();
  const pathView = new ui.PathView ();
  pathView.clear ();
  $('results').replaceChildren (ui.el ('p', { class: 'dim' }, 'Appear at the end of the measurement.'));
  let averager = null;

  const onRecord = e => {
    const rec = e.detail;
    records.push (rec);
    if (rec.type === 'hop' || rec.type === 'mtu' || rec.type === 'path_mtu')
      pathView.add (rec);
    // While stopping, the last windows hold only the stragglers.
    else if (rec.type === 'stats' && rec.window_s === 1 && averager && !rec.stopping)
      averager.add (rec);
  };

  // Connect: N per family, IPv4 first; indexes count over both.
  ui.setPhase ('connect');
  ui.setStatus ('Connecting…');
  ui.setProgress (0.02);
  const families = s.families.map (f => ({ family: f, wanted: s.connections, ready: 0, failed: 0, error: '' }));
  ui.showFamilies (families);
  let index = 0;
  for (const f of families)
    for (let i = 0; i < s.connections; i++) {
      const c = new MeasuredConnection ({ api, clock, scheduler, session, index: index++,
                                          family: f.family, label: s.label, software });
      c.addEventListener ('record', onRecord);
      c.addEventListener ('message', e => ui.log (`IPv${c.family} connection ${c.index}: ${e.detail}`));
      c.addEventListener ('state', e => {
        if (e.detail === 'failed')
          ui.log (`IPv${c.family} connection ${c.index} failed: ${c.error}`, true);
      });
      r.conns.push (c);
    }
  await Promise.allSettled (r.conns.map (async c => {
    const f = families.find (x => x.family === c.family);
    try {
      await c.connect ();
      f.ready++;
    } catch (e) {
      f.failed++;
      f.error = e.message;
    }
    ui.showFamilies (families);
  }));
  let ready = r.conns.filter (c => c.state === 'ready');
  if (ready.length === 0 || r.stopped)
    return endRun (r, ready.length === 0 ? 'No connection could be made.' : 'Stopped.');
  ui.log (`connected: ${families.map (f => `IPv${f.family} ${f.ready} of ${f.wanted}`).join (', ')}`);

  // The server traces the path and searches the MTU toward this device.
  ui.setPhase ('path');
  ui.setStatus ('The server traces the path to this device…');
  ui.setProgress (0.1);
  await Promise.allSettled (ready.map (c => c.runPath (PATH_REQUEST).catch (e =>
    ui.log (`IPv${c.family} connection ${c.index}: trace: ${e.message}`, true))));
  ready = r.conns.filter (c => c.state === 'ready');
  if (ready.length === 0 || r.stopped)
    return endRun (r, r.stopped ? 'Stopped.' : 'Every connection was lost.');

  // Streams both ways.
  ui.setPhase ('streams');
  ui.setStatus (`Measuring for ${s.duration_s} s…`);
  const streamsStart = clock.now ();
  averager = new SecondAverager (streamsStart);
  for (const c of Object.values (charts))
    c.setXMax (s.duration_s);
  const tick = setInterval (() => {
    const f = (clock.now () - streamsStart) / 1000 / s.duration_s;
    ui.setProgress (0.15 + 0.8 * Math.min (1, f));
  }, 250);
  await Promise.allSettled (ready.map (c => c.runStreams ({
    rate_pps: s.rate_pps, probe_size: PROBE_SIZE, bulk_bps: s.bulk_bps, duration_s: s.duration_s,
  }).catch (e => ui.log (`IPv${c.family} connection ${c.index}: ${e.message}`, true))));
  clearInterval (tick);
  averager.flush ();
  endRun (r, r.stopped ? 'Stopped.' : null);
}

function endRun (r, problem) {
  for (const c of r.conns)
    if (c.state !== 'finished' && c.state !== 'failed')
      c.fail ('the measurement ended');
  running = null;
  const summaries = records.filter (x => x.type === 'summary');
  ui.showResults (summaries);
  ui.phasesDone ();
  ui.setProgress (1);
  $('start').textContent = 'Start';
  $('start').disabled = false;
  $('download').disabled = records.length === 0;
  const ok = summaries.length > 0;
  ui.setStatus (problem ?? (ok ? 'Done. The results are below.' : 'Nothing was measured.'));
  if (problem)
    ui.log (problem, !ok);
  document.documentElement.dataset.state = ok ? 'done' : 'failed';
  document.title = `wifi-verify: ${ok ? 'done' : 'failed'}`;
}

function stopRun () {
  if (!running)
    return;
  running.stopped = true;
  ui.setStatus ('Stopping…');
  $('start').disabled = true;
  for (const c of running.conns) {
    if (c.state === 'streaming')
      c.stop ();
    else if (c.state === 'connecting')
      c.fail ('stopped');
  }
}

function download () {
  const text = records.map (recordToJson).join ('\n') + '\n';
  const blob = new Blob ([text], { type: 'application/x-ndjson' });
  const a = document.createElement ('a');
  const stamp = new Date ().toISOString ().replace (/[-:]/g, '').replace (/\..*/, '');
  a.href = URL.createObjectURL (blob);
  a.download = `wifi-verify-${stamp}.jsonl`;
  document.body.append (a);
  a.click ();
  a.remove ();
  setTimeout (() => URL.revokeObjectURL (a.href), 10000);
}

// --- start --------------------------------------------------------------------------

async function init () {
  let stored = '';
  try {
    stored = localStorage.getItem ('wifi-verify-label') || '';
  } catch (e) {
    // Private mode.
  }
  $('label').value = stored;
  $('label').placeholder = defaultLabel ();
  applyQuery ();
  makeCharts ();
  ui.showCannot (clock);
  $('start').addEventListener ('click', () => (running ? stopRun () : run ()));
  $('download').addEventListener ('click', download);

  try {
    const r = await api.call ('GET', '/status');
    if (r.status !== 200 || !r.body)
      throw new Error (errorText (r, 'the server did not answer'));
    server = r.body;
  } catch (e) {
    $('server-line').textContent = `Cannot reach the server: ${e.message}`;
    ui.log (e.message, true);
    document.documentElement.dataset.state = 'failed';
    return;
  }
  const lim = server.limits ?? {};
  $('server-line').textContent = `${location.host} · wifi-verify ${server.version}`;
  if (lim.max_duration_s)
    $('duration').max = lim.max_duration_s;
  if (lim.max_bulk_bps)
    $('bulk').max = lim.max_bulk_bps / 1e6;
  if (lim.max_per_client)
    $('connections').max = Math.max (1, Math.min (16, Math.floor (lim.max_per_client / 2)));
  $('limits').textContent = `This server allows up to ${lim.max_duration_s ?? '?'} s, ` +
    `${((lim.max_bulk_bps ?? 0) / 1e6).toFixed (0)} Mbit/s of bulk traffic and ` +
    `${lim.max_per_client ?? '?'} connections per device.`;
  $('start').disabled = false;
  ui.setStatus (`Measures the network between this device and ${location.hostname}, both ways.`);
  if (query.get ('start') === '1')
    run ();
}

init ();
