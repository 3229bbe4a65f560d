// ui.js: what the page shows: families, path, results, messages
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Everything is built with DOM calls and textContent (never innerHTML):
// addresses and messages come from the network.

const $ = id => document.getElementById (id);

export function el (tag, attrs = {}, ...children) {
  const e = document.createElement (tag);
  for (const [k, v] of Object.entries (attrs)) {
    if (k === 'class')
      e.className = v;
    else
      e.setAttribute (k, v);
  }
  for (const c of children)
    if (c !== null && c !== undefined)
      e.append (c instanceof Node ? c : String (c));
  return e;
}

export const DIR_NAMES = {
  c2s: 'Upload: this device → server',
  s2c: 'Download: server → this device',
};

export function ms (v) {
  if (!Number.isFinite (v))
    return '–';
  return `${v.toFixed (Math.abs (v) < 10 ? 2 : 1)} ms`;
}

export function pct (v) {
  return Number.isFinite (v) ? `${v.toFixed (v < 10 ? 2 : 1)} %` : '–';
}

export function rate (bps) {
  if (!Number.isFinite (bps))
    return '–';
  if (bps >= 1e6)
    return `${(bps / 1e6).toFixed (2)} Mbit/s`;
  return `${(bps / 1e3).toFixed (1)} kbit/s`;
}

export function setStatus (text) {
  $('status').textContent = text;
}

export function setProgress (fraction) {
  $('progress').value = Math.max (0, Math.min (1, fraction));
}

export function setPhase (name) {
  let passed = true;
  for (const li of $('phases').children) {
    const here = li.dataset.phase === name;
    if (here)
      passed = false;
    li.classList.toggle ('active', here);
    li.classList.toggle ('done', passed && name !== null);
  }
}

export function phasesDone () {
  for (const li of $('phases').children) {
    li.classList.remove ('active');
    li.classList.add ('done');
  }
}

export function log (text, error = false) {
  const list = $('log');
  // Also on the console: a test browser without a driver prints it.
  (error ? console.warn : console.info) (`wifi-verify: ${text}`);
  const time = new Date ().toLocaleTimeString ();
  list.append (el ('li', error ? { class: 'error' } : {}, `${time} ${text}`));
  while (list.children.length > 200)
    list.firstChild.remove ();
  list.scrollTop = list.scrollHeight;
}

// @families: [{ family, wanted, ready, failed, error }]
export function showFamilies (families) {
  const list = $('families');
  list.replaceChildren ();
  for (const f of families) {
    let text, cls = '';
    if (f.ready > 0) {
      text = `IPv${f.family}: ${f.ready} of ${f.wanted} connected`;
      cls = 'ok';
    } else if (f.failed === f.wanted) {
      text = `IPv${f.family}: did not connect`;
      cls = 'bad';
    } else
      text = `IPv${f.family}: connecting…`;
    const li = el ('li', { class: cls }, text);
    if (f.error)
      li.title = f.error;
    list.append (li);
  }
}

export function showLegend (series) {
  $('legend').replaceChildren (...series.map (s => {
    const mark = el ('i', { class: s.dash ? 'dash' : '' });
    // Through the CSSOM: the page's CSP allows no style attributes.
    mark.style.color = s.color;
    return el ('li', {}, mark, s.label);
  }));
}

// --- the path toward this device -------------------------------------------

export class PathView {
  constructor () {
    this.paths = new Map ();   // "family/conn" -> { family, conn, hops: Map ttl -> {...}, mtus, pathMtu }
  }

  clear () {
    this.paths.clear ();
    $('path').replaceChildren (el ('p', { class: 'dim' }, 'Tracing…'));
  }

  add (r) {
    const key = `${r.family}/${r.conn}`;
    if (!this.paths.has (key))
      this.paths.set (key, { family: r.family, conn: r.conn, hops: new Map (), mtus: new Map (),
                             pathMtu: null });
    const p = this.paths.get (key);
    if (r.type === 'hop') {
      const h = p.hops.get (r.ttl) ?? { addrs: new Set (), rtts: [], reached: false };
      if (r.addr)
        h.addrs.add (r.addr);
      if (r.rtt_ms >= 0)
        h.rtts.push (r.rtt_ms);
      h.reached ||= r.reached;
      p.hops.set (r.ttl, h);
    } else if (r.type === 'mtu')
      p.mtus.set (r.hop, r.mtu);
    else if (r.type === 'path_mtu')
      p.pathMtu = r;
    this.render ();
  }

  render () {
    const out = [];
    const keys = [...this.paths.keys ()].sort ();
    for (const key of keys) {
      const p = this.paths.get (key);
      out.push (el ('h3', {}, `IPv${p.family} · connection ${p.conn}`));
      const last = [...p.hops.entries ()].find (([, h]) => h.reached)?.[0] ??
                   Math.max (0, ...p.hops.keys ());
      const body = el ('tbody');
      for (let ttl = 1; ttl <= last; ttl++) {
        const h = p.hops.get (ttl);
        const addrs = h && h.addrs.size ? [...h.addrs].join (', ') : '* (no answer)';
        const rtts = h ? [...h.rtts].sort ((a, b) => a - b) : [];
        const med = rtts.length ? rtts[Math.floor ((rtts.length - 1) / 2)] : NaN;
        const mtu = p.mtus.get (ttl);
        body.append (el ('tr', {},
          el ('td', { class: 'num' }, ttl),
          el ('td', {}, h && h.reached ? `${addrs} (this device)` : addrs),
          el ('td', { class: 'num' }, ms (med)),
          el ('td', { class: 'num' }, mtu > 0 ? `${mtu}` : '–')));
      }
      out.push (el ('table', {},
        el ('thead', {}, el ('tr', {}, el ('th', { class: 'num' }, 'Hop'), el ('th', {}, 'Address'),
                               el ('th', { class: 'num' }, 'RTT'), el ('th', { class: 'num' }, 'MTU after'))),
        body));
      const pm = p.pathMtu;
      out.push (el ('p', { class: 'mtu' }, pm
        ? (pm.mtu > 0 ? `Path MTU toward this device: ${pm.mtu} bytes` +
                        (pm.confirmed ? ' (confirmed: a packet of this size arrived here)' : ' (not confirmed)')
                      : 'Path MTU toward this device: not found')
        : 'Path MTU: searching…'));
    }
    $('path').replaceChildren (...(out.length ? out : [el ('p', { class: 'dim' }, 'No trace.')]));
  }
}

// --- results -----------------------------------------------------------------

// One card per family and direction; several connections of a family are
// combined (probes and losses added up, the worst p99 and max).
export function showResults (summaries) {
  const groups = new Map ();
  for (const r of summaries) {
    const key = `${r.family}/${r.dir}`;
    if (!groups.has (key))
      groups.set (key, []);
    groups.get (key).push (r);
  }
  const cards = [];
  for (const key of [...groups.keys ()].sort ()) {
    const rs = groups.get (key);
    const { family, dir } = rs[0];
    const probes = rs.reduce ((a, r) => a + r.rx.probes, 0);
    const expected = rs.reduce ((a, r) => a + r.rx.expected, 0);
    const mean = f => {
      const v = rs.map (f).filter (Number.isFinite);
      return v.length ? v.reduce ((a, b) => a + b, 0) / v.length : NaN;
    };
    const max = f => {
      const v = rs.map (f).filter (Number.isFinite);
      return v.length ? Math.max (...v) : NaN;
    };
    const known = s => s && s.n > 0;
    const items = [
      ['Delay, median', ms (mean (r => known (r.rx.owd_ms) ? r.rx.owd_ms.p50 : NaN))],
      ['Delay, 99th percentile', ms (max (r => known (r.rx.owd_ms) ? r.rx.owd_ms.p99 : NaN))],
      ['Delay, maximum', ms (max (r => known (r.rx.owd_ms) ? r.rx.owd_ms.max : NaN))],
      ['Round trip, median', ms (mean (r => known (r.rtt_ms) ? r.rtt_ms.p50 : NaN))],
      ['Jitter', ms (mean (r => r.rx.probes > 0 ? r.rx.jitter_ms : NaN))],
      ['Loss', expected > 0 ? pct (100 * Math.max (0, expected - probes) / expected) : '–'],
      ['Reordering', probes > 0 ? pct (rs.reduce ((a, r) => a + (r.rx.reorder_pct || 0) * r.rx.probes, 0) / probes) : '–'],
      ['Probes received', `${probes} of ${expected}`],
    ];
    const tput = rs.map (r => r.rx.throughput_bps).filter (Number.isFinite);
    if (tput.length)
      items.push (['Throughput', rate (tput.reduce ((a, b) => a + b, 0))]);
    const dl = el ('dl');
    for (const [k, v] of items)
      dl.append (el ('dt', {}, k), el ('dd', {}, v));
    cards.push (el ('div', { class: `result ${dir}` },
      el ('h3', {}, `IPv${family} · ${DIR_NAMES[dir]}` + (rs.length > 1 ? ` (${rs.length} connections)` : '')),
      dl));
  }
  $('results').replaceChildren (...(cards.length ? cards : [el ('p', { class: 'dim' }, 'Nothing was measured.')]));
}

export function showCannot (clock) {
  const res = clock.resolutionMs;
  const items = [
    `Timers: this page's clock steps by ${res < 1 ? `${Math.round (res * 1000)} µs` : `${res.toFixed (1)} ms`}` +
      (clock.isolated ? ' (cross-origin isolated).'
                      : '. Browsers give fine timers only to a cross-origin isolated page in a secure ' +
                        'context: open the page on https:// (serve --tls-cert) or on localhost. Delays ' +
                        'and round trips shorter than a step are not resolved; the page reports a holding ' +
                        'time of 0 rather than a wrong one.'),
    'The path from this device to the server cannot be traced: a page cannot set the TTL, the DF bit ' +
      'or the size of its packets. The server traces the path and finds the MTU toward this device instead.',
    'The TTL and DSCP/TOS with which the server\'s packets arrive here, and the size of the datagram ' +
      'they came in, are not visible to a page: those fields are unknown in the results. DSCP classes ' +
      'are not tested.',
    'One-way delays are offset-estimated: a page cannot tell whether its clock is synchronised, so the ' +
      'offset between the two clocks is estimated from the round trips (docs/statistics.md); a path ' +
      'that is slower one way than the other shows as half of the difference on each side.',
    'Receive times are taken when the page handles a message, not when the network card received it: ' +
      'a busy page adds its own delay and jitter.',
  ];
  $('cannot').replaceChildren (...items.map (t => el ('li', {}, t)));
}
