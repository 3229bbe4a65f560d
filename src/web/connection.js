// connection.js: one measured connection, client side, in the browser
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The same session as src/engine/wv-connection.c runs for a native client
// (docs/protocol.md): HTTP signalling and trickle ICE with the server, the
// four pre-negotiated data channels, hello, a path request (the server
// traces and searches the MTU toward us; we acknowledge its test probes),
// then probe streams both ways with echoes, a stats message per window
// every second, and whole-run summaries at the end.
//
// Each connection uses one address family: the server offers only that
// family's candidates, we post only ours of that family (and the browser's
// mDNS names, which the server ignores: the pair forms from the
// peer-reflexive candidate of our connectivity checks).

import { PageClock } from './clock.js';
import * as P from './protocol.js';
import { RxStats, RttStats, ClockOffset, emptySummary } from './stats.js';
import { Stream } from './scheduler.js';

const WINDOWS = [1, 10, 60];
const CONNECT_TIMEOUT_MS = 30000;
const PATH_TIMEOUT_MS = 120000;
const DRAIN_MS = 1500;
const PEER_SUMMARY_TIMEOUT_MS = 5000;
const BULK_PACKET_SIZE = 1000;
const BULK_MAX_BUFFERED = 512 * 1024;
const ACK_RATE = 200;           // test-probe acks per second, at most
const CLOSE_GRACE_MS = 2000;
const CLOSE_BUFFER_WAIT_MS = 5000;

export class MeasuredConnection extends EventTarget {
  // @o: { api, clock, scheduler, session, index, family, label, software }
  constructor (o) {
    super ();
    Object.assign (this, o);
    this.state = 'new';
    this.id = null;
    this.pc = null;
    this.ch = {};
    this.error = null;
    this.counters = { malformed: 0, unexpected: 0, send_errors: 0 };
    this.ackTokens = ACK_RATE;
    this.ackRefill = performance.now ();
    this.streaming = false;
    this.pairText = '';
  }

  // --- events -------------------------------------------------------------

  setState (state, detail) {
    if (this.state === 'finished' || this.state === 'failed')
      return;
    this.state = state;
    if (detail)
      this.error = detail;
    this.dispatchEvent (new CustomEvent ('state', { detail: state }));
  }

  emitRecord (r) {
    this.dispatchEvent (new CustomEvent ('record', { detail: r }));
  }

  fail (why) {
    if (this.state === 'finished' || this.state === 'failed')
      return;
    this.stopTx ();
    clearInterval (this.statsTimer);
    if (this.streamsStartedAt && !this.summariesEmitted)
      this.emitSummaries ();
    this.setState ('failed', why);
    this.waiters?.forEach (w => w.reject (new Error (why)));
    this.close ();
  }

  // A promise resolved by resolveWait (@name) or rejected on failure.
  wait (name, timeoutMs) {
    this.waiters ??= new Map ();
    return new Promise ((resolve, reject) => {
      if (this.state === 'failed')
        return reject (new Error (this.error));
      const timer = timeoutMs ? setTimeout (() => reject (new Error (`${name}: no answer in time`)),
                                            timeoutMs) : null;
      this.waiters.set (name, {
        resolve: v => { clearTimeout (timer); this.waiters.delete (name); resolve (v); },
        reject: e => { clearTimeout (timer); this.waiters.delete (name); reject (e); },
      });
    });
  }

  resolveWait (name, value) {
    this.waiters?.get (name)?.resolve (value);
  }

  // --- signalling -----------------------------------------------------------

  async connect () {
    this.setState ('connecting');
    const timer = setTimeout (() => this.fail ('not connected within 30 s'), CONNECT_TIMEOUT_MS);
    const ready = this.wait ('ready');
    ready.catch (() => {});   // a failure before it is awaited is reported below
    try {
      this.pc = new RTCPeerConnection ({ iceServers: [] });
      for (const c of P.CHANNELS) {
        const opts = { negotiated: true, id: c.id, ordered: c.ordered };
        if (c.maxRetransmits !== undefined)
          opts.maxRetransmits = c.maxRetransmits;
        const dc = this.pc.createDataChannel (c.label, opts);
        dc.binaryType = 'arraybuffer';
        this.ch[c.label] = dc;
      }
      this.ch.control.onopen = () => this.send (P.helloMsg (this.software, this.session, this.id || ''));
      this.ch.control.onmessage = e => this.onControl (e.data);
      this.ch.control.onclose = () => this.fail ('the control channel closed');
      this.ch.probe.onmessage = e => this.onProbe (e.data);
      this.ch.bulk.onmessage = e => this.onBulk (e.data);
      this.ch.testprobe.onmessage = e => this.onTestprobe (e.data);
      this.pc.onconnectionstatechange = () => {
        if (this.pc.connectionState === 'failed')
          this.fail ('the WebRTC connection failed');
        if (this.pc.connectionState === 'connected')
          this.readPair ();
      };
      this.pendingCandidates = [];
      this.pc.onicecandidate = e => this.onLocalCandidate (e.candidate);
      await this.pc.setLocalDescription ();
      const r = await this.api.call ('POST', '/connections', {
        protocol: P.PROTOCOL,
        session: this.session,
        index: this.index,
        family: this.family,
        label: this.label,
        sdp: this.pc.localDescription.sdp,
      });
      if (r.status !== 201 || !r.body || r.body.type !== 'answer' || typeof r.body.sdp !== 'string' ||
          typeof r.body.id !== 'string' || r.body.protocol !== P.PROTOCOL)
        throw new Error (errorText (r, 'the server refused the connection'));
      this.id = r.body.id;
      await this.pc.setRemoteDescription ({ type: 'answer', sdp: r.body.sdp });
      this.postCandidates (this.pendingCandidates.splice (0));
      this.pollCandidates ();
      await ready;
    } catch (e) {
      this.fail (e.message);
      throw e;
    } finally {
      clearTimeout (timer);
    }
  }

  // Ours of this family, or an mDNS name (which hides the family).
  onLocalCandidate (c) {
    if (!c || !c.candidate)
      return;
    const addr = c.candidate.split (' ')[4] || '';
    const family = addr.endsWith ('.local') ? this.family : addr.includes (':') ? 6 : 4;
    if (family !== this.family)
      return;
    const item = { mline: c.sdpMLineIndex ?? 0, candidate: c.candidate };
    if (this.id === null)
      this.pendingCandidates.push (item);
    else
      this.postCandidates ([item]);
  }

  postCandidates (list) {
    for (let i = 0; i < list.length; i += 64)
      this.api.call ('POST', `/connections/${this.id}/candidates`, { candidates: list.slice (i, i + 64) })
        .catch (() => {});
  }

  async pollCandidates () {
    let since = 0;
    while (this.state === 'connecting') {
      let r;
      try {
        r = await this.api.call ('GET', `/connections/${this.id}/candidates?since=${since}`);
      } catch (e) {
        return this.fail (`cannot get the server's candidates: ${e.message}`);
      }
      if (r.status !== 200 || !r.body || !Array.isArray (r.body.candidates))
        return this.fail (errorText (r, 'cannot get the server\'s candidates'));
      for (const c of r.body.candidates)
        if (c && typeof c.candidate === 'string')
          this.pc.addIceCandidate ({ candidate: c.candidate, sdpMLineIndex: c.mline ?? 0 })
            .catch (() => {});
      since = Number.isInteger (r.body.next) ? r.body.next : since;
    }
  }

  async readPair () {
    try {
      const stats = await this.pc.getStats ();
      stats.forEach (s => {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const pair = stats.get (s.selectedCandidatePairId);
          const local = pair && stats.get (pair.localCandidateId);
          const remote = pair && stats.get (pair.remoteCandidateId);
          if (remote)
            this.pairText = `${remote.address ?? remote.ip}:${remote.port}` +
                            (local ? ` (${local.candidateType})` : '');
        }
      });
    } catch (e) {
      // Only for display.
    }
  }

  // --- control messages -------------------------------------------------------

  send (msg) {
    try {
      this.ch.control.send (JSON.stringify (msg));
      return true;
    } catch (e) {
      this.counters.send_errors++;
      return false;
    }
  }

  onControl (text) {
    let m;
    try {
      m = JSON.parse (text);
    } catch (e) {
      this.counters.malformed++;
      return;
    }
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') {
      this.counters.malformed++;
      return;
    }
    switch (m.type) {
    case 'hello':
      if (m.protocol !== P.PROTOCOL) {
        this.send ({ type: 'error', code: 'version', message: `this page speaks protocol ${P.PROTOCOL}` });
        return this.fail (`the server speaks protocol ${m.protocol}, this page ${P.PROTOCOL}`);
      }
      if (m.role !== 'server' || this.state !== 'connecting') {
        this.counters.unexpected++;
        return;
      }
      this.serverSoftware = String (m.software ?? '');
      // The hello was sent when the channel opened, maybe before we knew
      // the connection id; that is allowed (may be empty).
      this.setState ('ready');
      this.resolveWait ('ready');
      return;
    case 'path_result':
      return this.onPathResult (m);
    case 'streams_started':
      return this.onStreamsStarted (m);
    case 'streams_stopped':
      if (this.state === 'streaming')
        this.stop ();
      return;
    case 'stats':
      return this.onStats (m);
    case 'error':
      this.dispatchEvent (new CustomEvent ('message', {
        detail: `the server reports: ${String (m.message ?? '')} (${String (m.code ?? '')})` }));
      return;
    case 'bye':
      return this.fail (String (m.reason || 'the server left'));
    default:
      this.counters.unexpected++;
    }
  }

  // --- traceroute and MTU toward us --------------------------------------------

  // The server traces the path toward this device and searches its MTU;
  // hop, mtu and path_mtu records arrive as it finds them.
  async runPath (params) {
    if (this.state !== 'ready')
      throw new Error (`connection ${this.index} is ${this.state}`);
    const done = this.wait ('path', PATH_TIMEOUT_MS);
    this.send (P.pathRequestMsg (params));
    return done;
  }

  onPathResult (m) {
    const now = this.clock.now ();
    switch (m.kind) {
    case 'hop':
      return this.emitRecord ({ type: 'hop', time: now, conn: this.index, family: this.family,
                                dir: 's2c', round: m.round, ttl: m.ttl, addr: String (m.addr ?? ''),
                                rtt_ms: m.rtt_ms, reached: m.reached === true });
    case 'mtu':
      return this.emitRecord ({ type: 'mtu', time: now, conn: this.index, family: this.family,
                                dir: 's2c', hop: m.hop, addr: String (m.addr ?? ''), mtu: m.mtu });
    case 'path_mtu':
      return this.emitRecord ({ type: 'path_mtu', time: now, conn: this.index, family: this.family,
                                dir: 's2c', mtu: m.mtu, confirmed: m.confirmed === true });
    case 'done':
      if (m.error)
        this.dispatchEvent (new CustomEvent ('message', { detail: `the server's trace: ${m.error}` }));
      this.resolveWait ('path', String (m.error ?? ''));
      return;
    default:
      this.counters.malformed++;
    }
  }

  onTestprobe (buf) {
    const t2 = this.clock.now ();
    if (P.isTestprobeAck (buf)) {
      // We send no test probes: a browser cannot set TTL, DF or sizes.
      this.counters.unexpected++;
      return;
    }
    const now = performance.now ();
    this.ackTokens = Math.min (this.ackTokens + (now - this.ackRefill) / 1000 * ACK_RATE, ACK_RATE);
    this.ackRefill = now;
    if (this.ackTokens < 1)
      return;
    const ack = P.writeTestprobeAck (buf, t2, this.holdTime (t2));
    if (ack === null) {
      this.counters.malformed++;
      return;
    }
    this.ackTokens--;
    this.sendBinary (this.ch.testprobe, ack);
  }

  // t3 for a message received at t2. With coarse timers (not cross-origin
  // isolated: 100 us to 1 ms steps) the page cannot measure how long it
  // held a message, and a step between t2 and t3 would be taken for the
  // whole holding time, so it says 0 instead.
  holdTime (t2) {
    return this.clock.resolutionMs > 0.02 ? t2 : Math.max (t2, this.clock.now ());
  }

  sendBinary (channel, buf) {
    try {
      channel.send (buf);
      return true;
    } catch (e) {
      this.counters.send_errors++;
      return false;
    }
  }

  // --- streams -------------------------------------------------------------------

  async runStreams (params) {
    if (this.state !== 'ready')
      throw new Error (`connection ${this.index} is ${this.state}`);
    const finished = this.wait ('finished');
    this.stopRequested = false;
    this.send (P.startStreamsMsg (params));
    return finished;
  }

  onStreamsStarted (m) {
    if (this.state !== 'ready' || this.streamsStartedAt) {
      this.counters.unexpected++;
      return;
    }
    this.params = {
      rate_pps: Math.max (1, Number (m.rate_pps) || 1),
      probe_size: Math.min (P.PROBE_MAX_SIZE, Math.max (P.PROBE_MIN_SIZE, Number (m.probe_size) || 64)),
      bulk_bps: Math.max (0, Number (m.bulk_bps) || 0),
      duration_s: Math.max (0, Number (m.duration_s) || 0),
    };
    if (m.capped)
      this.dispatchEvent (new CustomEvent ('message', {
        detail: `the server lowered the request: ${String (m.reason ?? '')}` }));
    this.rx = new RxStats ();
    this.rtt = new RttStats ();
    this.offset = new ClockOffset ();
    this.peer = new Map ();
    this.clockErrorMs = -1;
    this.streamsStartedAt = this.clock.now ();
    this.startTx ();
    this.statsTimer = setInterval (() => this.statsTick (), 1000);
    this.setState ('streaming');
    // The whole duration from our start, as a native client does.
    if (this.params.duration_s > 0)
      this.durationTimer = setTimeout (() => this.stop (), this.params.duration_s * 1000);
  }

  startTx () {
    const start = performance.now () + 20;
    const end = this.params.duration_s > 0 ? start + this.params.duration_s * 1000 : 0;
    let seq = 0;
    this.probeStream = new Stream (1000 / this.params.rate_pps, start, end, () => {
      const buf = P.writePacket (P.KIND.PROBE, 0, seq, this.clock.now (), this.params.probe_size);
      seq = (seq + 1) >>> 0;
      return this.sendBinary (this.ch.probe, buf);
    });
    this.scheduler.add (this.probeStream);
    if (this.params.bulk_bps > 0) {
      let bseq = 0;
      // Bulk must not pile up in the channel when the path is slower than
      // asked: skip and count instead.
      this.bulkStream = new Stream (BULK_PACKET_SIZE * 8 * 1000 / this.params.bulk_bps, start, end, () => {
        if (this.ch.bulk.bufferedAmount > BULK_MAX_BUFFERED)
          return false;
        const buf = P.writePacket (P.KIND.BULK, 0, bseq, this.clock.now (), BULK_PACKET_SIZE);
        bseq = (bseq + 1) >>> 0;
        return this.sendBinary (this.ch.bulk, buf);
      });
      this.scheduler.add (this.bulkStream);
    }
  }

  stopTx () {
    if (this.probeStream) {
      this.probesSent = this.probeStream.sent;
      this.schedP99 = this.probeStream.lateP99 ();
      this.scheduler.remove (this.probeStream);
    }
    if (this.bulkStream)
      this.scheduler.remove (this.bulkStream);
    this.probeStream = this.bulkStream = null;
  }

  onProbe (buf) {
    const t2 = this.clock.now ();
    const p = P.parsePacket (buf);
    if (p === null) {
      this.counters.malformed++;
      return;
    }
    if (!this.rx || p.classIndex !== 0) {
      this.counters.unexpected++;
      return;
    }
    if (p.kind === P.KIND.PROBE) {
      this.rx.addProbe (p.seq, p.t1, t2);
      this.sendBinary (this.ch.probe, P.writeEcho (buf, t2, this.holdTime (t2)));
    } else if (p.kind === P.KIND.ECHO) {
      const rtt = (t2 - p.t1) - (p.t3 - p.t2);
      if (!(rtt >= 0) || p.t3 < p.t2) {
        this.counters.malformed++;
        return;
      }
      this.rtt.add (t2, rtt);
      this.offset.add (p.t1, p.t2, p.t3, t2);
    } else
      this.counters.unexpected++;
  }

  onBulk (buf) {
    const t = this.clock.now ();
    if (!this.rx || !(buf instanceof ArrayBuffer)) {
      this.counters.unexpected++;
      return;
    }
    this.rx.addBulk (t, buf.byteLength);
  }

  updateOffset () {
    const o = this.offset.get ();
    if (o) {
      // theta is the server's clock minus ours; the receive side wants
      // ours (receiver) minus the server's (sender).
      this.rx.setOffset (-o.theta);
      this.clockErrorMs = o.error;
    }
  }

  // What this end knows for one window (0: the whole run).
  ownStats (windowS, now) {
    const s = { time: now, window_s: windowS };
    if (windowS === 0) {
      s.rx = this.rx.total ();
      s.rtt = this.rtt.total ();
      s.sched_err_p99_ms = this.probeStream ? this.probeStream.lateP99 () : (this.schedP99 ?? -1);
      s.probes_sent = this.probeStream ? this.probeStream.sent : (this.probesSent ?? 0);
    } else {
      s.rx = this.rx.window (now, windowS * 1000);
      s.rtt = this.rtt.window (now, windowS * 1000);
      s.sched_err_p99_ms = this.probeStream ? this.probeStream.lateP99 () : (this.schedP99 ?? -1);
      s.probes_sent = this.probeStream ? this.probeStream.sent : (this.probesSent ?? 0);
    }
    // Throughput is the bulk channel's, unknown when no bulk was asked for.
    if (this.params.bulk_bps <= 0)
      s.rx.throughput_bps = NaN;
    return s;
  }

  statsTick () {
    const now = this.clock.now ();
    this.updateOffset ();
    for (const w of WINDOWS) {
      const own = this.ownStats (w, now);
      this.send (P.statsMsg (own));
      this.emitPair (own, this.peer.get (w), now, 'stats');
    }
  }

  onStats (m) {
    const s = P.readStats (m);
    if (s === null) {
      this.counters.malformed++;
      return;
    }
    if (!this.rx || s.class_index !== 0 || s.rx_dir !== 'c2s' ||
        ![0, 1, 10, 60].includes (s.window_s)) {
      this.counters.unexpected++;
      return;
    }
    this.peer.set (s.window_s, s);
    if (s.window_s !== 0)
      return;
    if (this.ownFinalSent)
      this.finish ();
    else if (this.state === 'streaming')
      this.stop ();   // the server finished first
  }

  // The records of both directions for one window from our part and the
  // server's latest (docs/output.md; wv-connection.c emit_pair).
  emitPair (own, peer, now, type) {
    for (const dir of ['c2s', 's2c']) {
      const rxPart = dir === 's2c' ? own : peer;
      const txPart = dir === 's2c' ? peer : own;
      const r = {
        type, time: now, conn: this.index, family: this.family, dir,
        window_s: own.window_s,
        rx: rxPart ? rxPart.rx : new RxStats ().emptyRecord (),
        rtt_ms: txPart ? txPart.rtt : emptySummary (),
        sched_err_p99_ms: txPart ? txPart.sched_err_p99_ms : -1,
        probes_sent: txPart ? txPart.probes_sent : 0,
        owd_mode: 'offset-estimated',
        clock_error_ms: this.clockErrorMs,
      };
      // The default class: "re-marked" means a TOS other than 0 arrived.
      r.remarked = r.rx.rx_tos >= 0 && (r.rx.rx_tos >> 2) !== 0;
      if (type === 'summary')
        r.duration_s = ((this.streamsStoppedAt ?? now) - this.streamsStartedAt) / 1000;
      // For the page only (not a record field): made after the streams stopped.
      r.stopping = this.state !== 'streaming';
      this.emitRecord (r);
    }
  }

  stop () {
    if (this.state !== 'streaming')
      return;
    this.stopTx ();
    this.streamsStoppedAt = this.clock.now ();
    clearTimeout (this.durationTimer);
    this.send ({ type: 'stop_streams' });
    this.setState ('stopping');
    // Probes and echoes in flight, then our summary.
    setTimeout (() => this.sendFinal (), DRAIN_MS);
  }

  sendFinal () {
    if (this.state !== 'stopping')
      return;
    clearInterval (this.statsTimer);
    this.updateOffset ();
    this.ownFinal = this.ownStats (0, this.clock.now ());
    this.send (P.statsMsg (this.ownFinal));
    this.ownFinalSent = true;
    if (this.peer.has (0))
      this.finish ();
    else
      this.peerTimer = setTimeout (() => {
        this.dispatchEvent (new CustomEvent ('message', {
          detail: 'the server did not send its summary; the summary has this end\'s part only' }));
        this.finish ();
      }, PEER_SUMMARY_TIMEOUT_MS);
  }

  emitSummaries () {
    if (this.summariesEmitted)
      return;
    this.summariesEmitted = true;
    const now = this.clock.now ();
    const own = this.ownFinal ?? this.ownStats (0, now);
    this.emitPair (own, this.peer.get (0), now, 'summary');
  }

  finish () {
    if (this.state === 'finished' || this.state === 'failed')
      return;
    clearTimeout (this.peerTimer);
    this.emitSummaries ();
    this.setState ('finished');
    this.resolveWait ('finished');
    this.close (CLOSE_GRACE_MS);
  }

  // Ends the connection on both sides: DELETE frees the server's side at
  // once. After a normal end the server must first have our summary, which
  // may still be on its way over the control channel while an HTTP request
  // overtakes it (a DELETE before it would end the connection as failed):
  // so @graceMs, counted once our send buffers are empty.
  close (graceMs = 0) {
    this.stopTx ();
    clearInterval (this.statsTimer);
    clearTimeout (this.durationTimer);
    if (this.closing)
      return;
    this.closing = true;
    const started = performance.now ();
    const later = () => {
      const buffered = Object.values (this.ch).some (c => c.readyState === 'open' && c.bufferedAmount > 0);
      if (graceMs > 0 && buffered && performance.now () - started < CLOSE_BUFFER_WAIT_MS)
        return setTimeout (later, 50);
      setTimeout (() => {
        if (this.id)
          this.api.call ('DELETE', `/connections/${this.id}`).catch (() => {});
        this.pc?.close ();
      }, graceMs);
    };
    later ();
  }
}

export function errorText (r, fallback) {
  const e = r && r.body && r.body.error;
  if (e && typeof e.message === 'string')
    return `${fallback}: ${e.message} (HTTP ${r.status})`;
  return r ? `${fallback} (HTTP ${r.status})` : fallback;
}
