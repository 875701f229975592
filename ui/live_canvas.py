"""The XOR page's live view: our own small Streamlit v2 component (inline HTML, CSS and JS, no build, no iframe, as
ui/pad.py) that paints core.xor.watch_figure's frame records on one canvas.

Streamlit's frontend remounts a plotly chart on every new delta, so each redraw of the live view was a full
Plotly.newPlot (~120 ms in Chromium) with blank frames between. A v2 component keeps its DOM: each rerun calls the
JS below again with the new `data`, and it paints the same canvas. It paints only when the frame (or the width)
changed, and writes text only with fillText: the data are numbers and the page's own translated labels.
"""

import json

import streamlit as st

from core.xor.watch_figure import COLOR_STOPS

HTML = '<canvas class="live" role="img"></canvas>'

# The text colour and font are Streamlit's theme's (as the pad's buttons); the canvas reads them back as its own.
CSS = """
canvas { display: block; width: 100%; color: var(--st-text-color, #31333f); font-family: var(--st-font, sans-serif); }
"""

JS = """
const STOPS = __STOPS__;
const BLUE = '#1f77b4', RED = '#d62728';
const LUT = new Uint8ClampedArray(256 * 3);  // the colour scale for ŷ = 0, 1/255, ..., 1, as plotly interpolates it
for (let i = 0, k = 1; i < 256; i++) {
  while (k < STOPS.length - 1 && STOPS[k][0] < i / 255) k++;
  const [p0, c0] = STOPS[k - 1], [p1, c1] = STOPS[k], f = Math.min(1, Math.max(0, (i / 255 - p0) / (p1 - p0)));
  for (let c = 0; c < 3; c++) LUT[3 * i + c] = c0[c] + f * (c1[c] - c0[c]);
}
const SUP = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
const power = k => k === 0 ? '1' : k === 1 ? '10' : '10' + [...String(k)].map(c => SUP[c]).join('');
const number = v => String(v).replace('-', '−');
const LEFT = 52, RIGHT = 14, ROW = 20;

function layout(ctx, frame, width, font) {
  const side = Math.max(120, Math.min(width - LEFT - RIGHT, 440));
  const square = { x: LEFT, y: 28, w: side, h: side };
  const loss = { x: LEFT, y: square.y + side + 72, w: Math.max(80, width - LEFT - RIGHT) };
  loss.h = Math.round(Math.max(150, Math.min(230, width * 0.32)));
  const legendTop = loss.y + loss.h + 44;
  ctx.font = `13px ${font}`;
  const items = [];
  let x = 0, row = 0;
  for (const kind of ['unit', 'train', 'test']) {
    const label = frame.text.legend[kind];
    if (!label) continue;
    const w = 32 + ctx.measureText(label).width;
    if (x > 0 && x + w > width) { x = 0; row++; }
    items.push({ kind, label, x, y: legendTop + row * ROW + ROW / 2 });
    x += w + 20;
  }
  return { square, loss, items, height: legendTop + (row + 1) * ROW + 4 };
}

function text(ctx, value, x, y, { align = 'center', size = 12, width = Infinity, font, rotate = false }) {
  ctx.save();
  ctx.translate(x, y);
  if (rotate) ctx.rotate(-Math.PI / 2);
  ctx.font = `${size}px ${font}`;
  const w = ctx.measureText(value).width;
  if (w > width) ctx.font = `${Math.max(9, Math.floor(size * width / w))}px ${font}`;  // a long title on a phone
  ctx.textAlign = align;
  ctx.textBaseline = 'middle';
  ctx.fillText(value, 0, 0);
  ctx.restore();
}

function rule(ctx, x0, y0, x1, y1) { ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke(); }

function boundary(ctx, frame, box, live, font, ink) {
  const { lo, hi, n, z } = frame.grid;
  const X = v => box.x + (v - lo) / (hi - lo) * box.w, Y = v => box.y + (hi - v) / (hi - lo) * box.h;
  const cells = live.cells || (live.cells = document.createElement('canvas'));
  cells.width = cells.height = n;
  const cellCtx = cells.getContext('2d'), image = cellCtx.createImageData(n, n);
  for (let row = 0; row < n; row++) {  // z's rows run along x2 from the bottom; the image's from the top
    for (let col = 0; col < n; col++) {
      const v = z[row * n + col], at = 4 * ((n - 1 - row) * n + col);
      const i = 3 * Math.round(255 * Math.min(1, Math.max(0, v === null ? 0.5 : v)));
      image.data.set([LUT[i], LUT[i + 1], LUT[i + 2], 255], at);
    }
  }
  cellCtx.putImageData(image, 0, 0);
  ctx.save();
  ctx.beginPath(); ctx.rect(box.x, box.y, box.w, box.h); ctx.clip();
  const cell = box.w / (n - 1);  // each value is a cell centred on its grid point: the edge ones half inside
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(cells, box.x - cell / 2, box.y - cell / 2, cell * n, cell * n);
  ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.setLineDash([7, 5]);
  for (const [x0, y0, x1, y1] of frame.lines) rule(ctx, X(x0), Y(y0), X(x1), Y(y1));
  ctx.setLineDash([]);
  for (const group of frame.points) points(ctx, group, X, Y, font);
  ctx.restore();
  ctx.fillStyle = ctx.strokeStyle = ink;
  ctx.globalAlpha = 0.35; ctx.lineWidth = 1;
  ctx.strokeRect(box.x - 0.5, box.y - 0.5, box.w + 1, box.h + 1);
  ctx.globalAlpha = 1;
  for (const v of [-0.5, 0, 0.5, 1, 1.5]) {
    text(ctx, number(v), box.x - 6, Y(v), { align: 'right', font });
    text(ctx, number(v), X(v), box.y + box.h + 12, { font });
  }
  text(ctx, 'x1', box.x + box.w / 2, box.y + box.h + 30, { size: 13, font });
  text(ctx, 'x2', 12, box.y + box.h / 2, { size: 13, font, rotate: true });
}

function points(ctx, group, X, Y, font) {
  const { xy, cls, hollow, big, labels } = group, r = big ? 7 : hollow ? 4 : 3.5;
  const circles = (one, radius) => {
    ctx.beginPath();
    for (let k = 0; k < cls.length; k++) {
      if (cls[k] !== one) continue;
      const x = X(xy[2 * k]), y = Y(xy[2 * k + 1]);
      ctx.moveTo(x + radius, y); ctx.arc(x, y, radius, 0, 2 * Math.PI);
    }
  };
  for (const one of ['0', '1']) {
    const color = one === '1' ? RED : BLUE;
    if (hollow) {  // a ring in the class's colour with a white rim outside: it reads on either colour of the heatmap
      circles(one, r + 1.5); ctx.strokeStyle = '#fff'; ctx.lineWidth = 1.5; ctx.stroke();
      circles(one, r); ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.stroke();
    } else {
      circles(one, r); ctx.fillStyle = color; ctx.fill();
      ctx.strokeStyle = '#fff'; ctx.lineWidth = big ? 2 : 1; ctx.stroke();
    }
  }
  if (!labels) return;
  ctx.font = `11px ${font}`; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
  labels.forEach((label, k) => {  // the post's four points: "(0,1) → 1" on a white box above each
    const x = X(xy[2 * k]), y = Y(xy[2 * k + 1]) - 19, w = ctx.measureText(label).width + 6;
    ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(x - w / 2, y - 8, w, 16);
    ctx.fillStyle = '#000'; ctx.fillText(label, x, y);
  });
}

function curve(ctx, xs, ys, X, Y) {  // a line through the finite positive values; a dot while it is one point
  let drawn = 0, open = false, last = null;
  ctx.beginPath();
  xs.forEach((e, k) => {
    const v = ys[k];
    if (v === null || !(v > 0)) { open = false; return; }
    if (open) ctx.lineTo(X(e), Y(v)); else ctx.moveTo(X(e), Y(v));
    open = true; drawn++; last = [X(e), Y(v)];
  });
  ctx.stroke();
  if (drawn === 1) { ctx.beginPath(); ctx.arc(last[0], last[1], 2.5, 0, 2 * Math.PI); ctx.fill(); }
}

function losses(ctx, frame, box, font, ink, width) {
  const [lo, hi] = frame.decades || [-1, 0], epochs = Math.max(1, frame.epochs);
  const X = e => box.x + e / epochs * box.w, Y = v => box.y + (hi - Math.log10(v)) / (hi - lo) * box.h;
  const decade = box.h / (hi - lo), every = Math.max(1, Math.ceil(18 / decade));
  ctx.fillStyle = ctx.strokeStyle = ink; ctx.lineWidth = 1;
  for (let k = lo; k <= hi; k++) {  // a line at each power of ten, fainter ones at its steps 2…9
    ctx.globalAlpha = 0.18; rule(ctx, box.x, Y(10 ** k), box.x + box.w, Y(10 ** k));
    ctx.globalAlpha = 1;
    if ((hi - k) % every === 0) text(ctx, power(k), box.x - 6, Y(10 ** k), { align: 'right', font });
    if (k === hi || decade < 30) continue;
    for (let m = 2; m <= 9; m++) {
      const y = Y(m * 10 ** k);
      ctx.globalAlpha = 0.07; rule(ctx, box.x, y, box.x + box.w, y); ctx.globalAlpha = 1;
      if (hi - lo <= 2 && decade >= 70 && (m === 2 || m === 5)) {  // within a decade or two: its steps too
        text(ctx, String(Number((m * 10 ** k).toPrecision(1))), box.x - 6, y, { align: 'right', size: 11, font });
      }
    }
  }
  const raw = epochs / Math.max(1, Math.floor(box.w / 90)), unit = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, unit * [1, 2, 5, 10].find(m => m * unit >= raw));
  for (let e = 0; e <= epochs; e += step) {
    const x = X(e), label = e.toLocaleString('en-US');
    ctx.globalAlpha = 0.07; rule(ctx, x, box.y, x, box.y + box.h); ctx.globalAlpha = 1;
    const half = ctx.measureText(label).width / 2 + 1;
    text(ctx, label, Math.min(x, width - half), box.y + box.h + 12, { font });
  }
  ctx.globalAlpha = 0.45; rule(ctx, box.x, box.y, box.x, box.y + box.h);
  rule(ctx, box.x, box.y + box.h, box.x + box.w, box.y + box.h); ctx.globalAlpha = 1;
  text(ctx, frame.text.epoch, box.x + box.w / 2, box.y + box.h + 30, { size: 13, font });
  text(ctx, frame.text.lossAxis, 12, box.y + box.h / 2, { size: 12, font, rotate: true, width: box.h });
  ctx.save();
  ctx.beginPath(); ctx.rect(box.x, box.y - 2, box.w + 2, box.h + 4); ctx.clip();
  ctx.lineWidth = 2;
  ctx.strokeStyle = ctx.fillStyle = BLUE; curve(ctx, frame.loss.x, frame.loss.y, X, Y);
  ctx.setLineDash([6, 4]);
  ctx.strokeStyle = ctx.fillStyle = RED; curve(ctx, frame.test.x, frame.test.y, X, Y);
  ctx.restore();
}

function legend(ctx, items, font, ink) {
  const look = { unit: ['#000', [7, 5]], train: [BLUE, []], test: [RED, [6, 4]] };
  ctx.lineWidth = 2;
  for (const { kind, label, x, y } of items) {
    ctx.strokeStyle = look[kind][0]; ctx.setLineDash(look[kind][1]); rule(ctx, x + 1, y, x + 25, y);
    ctx.fillStyle = ink; text(ctx, label, x + 32, y, { align: 'left', size: 13, font });
  }
  ctx.setLineDash([]);
}

function paint(canvas, live) {
  const frame = live.frame, width = Math.floor(canvas.getBoundingClientRect().width);
  const key = frame.id + '|' + frame.text.label + '|' + width;  // the language changes the labels
  if (!width || live.key === key) return;  // nothing new: a rerun that left the epoch where it was
  live.key = key;
  const started = performance.now();
  const style = getComputedStyle(canvas), font = style.fontFamily || 'sans-serif', ink = style.color || '#31333f';
  const ctx = canvas.getContext('2d'), box = layout(ctx, frame, width, font);
  const scale = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * scale) || canvas.height !== Math.round(box.height * scale)) {
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(box.height * scale);
    canvas.style.height = box.height + 'px';
  }
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.clearRect(0, 0, width, box.height);
  ctx.fillStyle = ink;
  text(ctx, frame.text.title, box.square.x + box.square.w / 2, 12, { size: 14, font, width: width - 4 });
  text(ctx, frame.text.lossTitle, box.loss.x + box.loss.w / 2, box.loss.y - 16, { size: 14, font, width: width - 4 });
  boundary(ctx, frame, box.square, live, font, ink);
  losses(ctx, frame, box.loss, font, ink, width);
  legend(ctx, box.items, font, ink);
  canvas.dataset.frames = (live.frames = (live.frames || 0) + 1);  // for tests and bench/xor_watch_fps.py
  canvas.dataset.ms = (performance.now() - started).toFixed(1);
}

export default function ({ data, parentElement }) {
  const canvas = parentElement.querySelector('canvas');
  // The state lives on the canvas, which stays from one rerun to the next. Streamlit runs a returned cleanup only
  // when the element goes, so nothing is returned: the one observer goes with the canvas.
  const live = canvas.__live || (canvas.__live = {});
  live.frame = data;
  canvas.setAttribute('aria-label', data.text.label);
  if (!live.observer) (live.observer = new ResizeObserver(() => paint(canvas, live))).observe(canvas);
  paint(canvas, live);
}
""".replace("__STOPS__", json.dumps(COLOR_STOPS))

_LIVE = st.components.v2.component("nn_playground_live_view", html=HTML, css=CSS, js=JS)


def live_canvas(frame: dict, key: str) -> None:
    """The live view at one frame (core.xor.watch_figure.frame); the browser repaints only a new frame."""
    _LIVE(key=key, data=frame)
