// charts.js: live time charts on a canvas
//
// Copyright 2026 wifi-verify developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// One chart per metric, one line per series (direction and family), x in
// seconds since the streams started. Drawn at the device's pixel ratio,
// redrawn when the canvas changes size; a few hundred points per series, so
// a full redraw per update is cheap.

export class TimeChart {
  // @series: [{ key, label, color, dash }]
  constructor (canvas, { unit, series, minYRange = 1 }) {
    this.canvas = canvas;
    this.unit = unit;
    this.series = series;
    this.minYRange = minYRange;
    this.points = new Map (series.map (s => [s.key, []]));
    this.xMax = 10;
    this.pending = false;
    new ResizeObserver (() => this.queueDraw ()).observe (canvas);
  }

  clear () {
    for (const p of this.points.values ())
      p.length = 0;
    this.queueDraw ();
  }

  setXMax (x) {
    this.xMax = Math.max (10, x);
    this.queueDraw ();
  }

  add (key, x, y) {
    const p = this.points.get (key);
    if (!p || !Number.isFinite (x) || !Number.isFinite (y))
      return;
    p.push ([x, y]);
    this.queueDraw ();
  }

  queueDraw () {
    if (this.pending)
      return;
    this.pending = true;
    requestAnimationFrame (() => {
      this.pending = false;
      this.draw ();
    });
  }

  draw () {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = c.clientHeight;
    if (w === 0 || h === 0)
      return;
    if (c.width !== Math.round (w * dpr) || c.height !== Math.round (h * dpr)) {
      c.width = Math.round (w * dpr);
      c.height = Math.round (h * dpr);
    }
    const g = c.getContext ('2d');
    g.setTransform (dpr, 0, 0, dpr, 0, 0);
    g.clearRect (0, 0, w, h);
    const style = getComputedStyle (c);
    const fg = style.color;
    const grid = style.getPropertyValue ('--grid') || '#8884';
    g.font = `${Math.max (10, Math.round (parseFloat (style.fontSize) * 0.8))}px ${style.fontFamily}`;

    let xMax = this.xMax, yMin = 0, yMax = 0;
    for (const p of this.points.values ())
      for (const [x, y] of p) {
        xMax = Math.max (xMax, x);
        yMin = Math.min (yMin, y);
        yMax = Math.max (yMax, y);
      }
    yMax = Math.max (yMax, yMin + this.minYRange);
    const step = niceStep ((yMax - yMin) / 4);
    yMax = Math.max (Math.ceil (yMax / step) * step, yMin + step);
    yMin = Math.floor (yMin / step) * step;

    let labelWidth = 0;
    for (let y = yMin; y <= yMax + step / 2; y += step)
      labelWidth = Math.max (labelWidth, g.measureText (formatTick (y, step)).width);
    const left = Math.ceil (labelWidth) + 10;
    // Room for half of the last x label ("60 s") to the right of its tick.
    const right = Math.ceil (g.measureText ('000 s').width / 2) + 2, top = 8, bottom = 20;
    const pw = w - left - right, ph = h - top - bottom;
    const X = x => left + x / xMax * pw;
    const Y = y => top + (1 - (y - yMin) / (yMax - yMin)) * ph;

    g.strokeStyle = grid;
    g.fillStyle = fg;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let y = yMin; y <= yMax + step / 2; y += step) {
      const py = Math.round (Y (y)) + 0.5;
      g.beginPath ();
      g.moveTo (left, py);
      g.lineTo (w - right, py);
      g.stroke ();
      g.fillText (formatTick (y, step), left - 5, py);
    }
    const xStep = niceStep (xMax / Math.max (2, Math.floor (pw / 70)));
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let x = 0; x <= xMax + 1e-9; x += xStep)
      g.fillText (`${formatTick (x, xStep)} s`, X (x), h - bottom + 4);

    g.lineWidth = 2;
    g.lineJoin = 'round';
    for (const s of this.series) {
      const p = this.points.get (s.key);
      if (p.length === 0)
        continue;
      g.strokeStyle = s.color;
      g.fillStyle = s.color;
      g.setLineDash (s.dash ? [6, 4] : []);
      g.beginPath ();
      p.forEach (([x, y], i) => (i ? g.lineTo (X (x), Y (y)) : g.moveTo (X (x), Y (y))));
      g.stroke ();
      if (p.length === 1) {
        g.beginPath ();
        g.arc (X (p[0][0]), Y (p[0][1]), 3, 0, 2 * Math.PI);
        g.fill ();
      }
    }
    g.setLineDash ([]);
  }
}

function niceStep (raw) {
  if (!(raw > 0))
    return 1;
  const mag = Math.pow (10, Math.floor (Math.log10 (raw)));
  for (const m of [1, 2, 2.5, 5, 10])
    if (raw <= m * mag)
      return m * mag;
  return 10 * mag;
}

function formatTick (v, step) {
  const decimals = Math.max (0, Math.min (3, Math.ceil (-Math.log10 (step) + 1e-9) + 1));
  return String (Number (v.toFixed (decimals)));
}
