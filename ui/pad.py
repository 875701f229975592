"""The Draw page's drawing pad: our own small Streamlit v2 component (inline HTML, CSS and JS; no build, no iframe).

It sends strokes, not pixels: point lists in the pad's own coordinates (0..PAD_SIZE whatever size it is shown at),
rounded to whole units, at once when a stroke ends and at most every SEND_EVERY_MS while it is drawn, so the
prediction moves as you draw. It stops taking points at core.draw.strokes' limits; the server checks them again
(core.draw.strokes.strokes_to_image), since a raw websocket client can send anything.
"""

import streamlit as st

from core.draw.strokes import MAX_POINTS, MAX_STROKES, PAD_SIZE, PEN_WIDTH
from ui.common import t

# A fragment rerun with the prediction takes 40-70 ms on the ready model (2 busy cores), so a message every 100 ms
# lets each run finish before the next begins; a 1.2 s stroke sends about 12 times. A raw client sends faster: the
# server paces every fragment rerun from the session's rerun rate (ui.server.pace_this_fragment).
SEND_EVERY_MS = 100
MIN_STEP = 2  # pad units between kept points: at 20 px per MNIST pixel-width of pen, finer adds nothing

HTML = """
<div class="pad">
  <canvas role="img"></canvas>
  <div class="buttons"><button type="button" class="undo"></button><button type="button" class="clear"></button></div>
</div>
"""

# touch-action: none keeps a finger's stroke from scrolling the page; the pad never grows past its own size, and
# shrinks with a narrow column.
CSS = """
.pad { display: flex; flex-direction: column; align-items: flex-start; gap: 0.5rem; }
canvas { display: block; width: min(100%, 280px); aspect-ratio: 1; background: #000; border-radius: 0.5rem;
         touch-action: none; cursor: crosshair; user-select: none; -webkit-user-select: none; }
.buttons { display: flex; gap: 0.5rem; }
button { font: inherit; font-family: var(--st-font, sans-serif); font-size: 0.95rem; padding: 0.3rem 0.9rem;
         min-height: 2.4rem; border-radius: 0.5rem; cursor: pointer;
         color: var(--st-text-color, #31333f); background: var(--st-background-color, #fff);
         border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2)); }
button:hover:not(:disabled) { border-color: var(--st-primary-color, #6c5ce7); color: var(--st-primary-color, #6c5ce7); }
button:disabled { opacity: 0.45; cursor: default; }
"""

JS = """
export default function ({ data, parentElement, setStateValue }) {
  const canvas = parentElement.querySelector('canvas');
  const undo = parentElement.querySelector('.undo');
  const clear = parentElement.querySelector('.clear');
  canvas.setAttribute('aria-label', data.label);
  undo.textContent = data.undo;
  clear.textContent = data.clear;
  const size = data.size, pen = data.pen;
  // The drawing lives on the canvas element: Streamlit calls this function again when `data` changes (the language),
  // and the canvas stays, so its strokes do too.
  const pad = canvas.__pad || (canvas.__pad = { strokes: [], points: 0, active: null });
  const scale = window.devicePixelRatio || 1;
  canvas.width = canvas.height = Math.round(size * scale);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.lineWidth = pen;
  ctx.strokeStyle = ctx.fillStyle = '#fff';

  const dot = ([x, y]) => { ctx.beginPath(); ctx.arc(x, y, pen / 2, 0, 2 * Math.PI); ctx.fill(); };
  const segment = ([x0, y0], [x1, y1]) => {
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
  };
  const redraw = () => {
    ctx.clearRect(0, 0, size, size);
    for (const stroke of pad.strokes) {
      dot(stroke[0]);
      for (let i = 1; i < stroke.length; i++) segment(stroke[i - 1], stroke[i]);
    }
    undo.disabled = clear.disabled = pad.strokes.length === 0;
  };

  let timer = null, lastSent = -Infinity;
  const send = () => {
    clearTimeout(timer);
    timer = null;
    lastSent = performance.now();
    canvas.dataset.sent = pad.sent = (pad.sent || 0) + 1;  // for tests and bench/page_timing.py
    setStateValue('strokes', pad.strokes.map(stroke => stroke.slice()));
  };
  const sendSoon = () => {  // while drawing: at most every data.every ms
    if (timer === null) timer = setTimeout(send, Math.max(0, data.every - (performance.now() - lastSent)));
  };
  const at = event => {
    const box = canvas.getBoundingClientRect();
    const clip = v => Math.min(size, Math.max(0, Math.round(v)));
    return [clip((event.clientX - box.left) * size / box.width), clip((event.clientY - box.top) * size / box.height)];
  };

  const down = event => {
    if (pad.active !== null || pad.strokes.length >= data.maxStrokes || pad.points >= data.maxPoints) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    pad.active = event.pointerId;
    const point = at(event);
    pad.strokes.push([point]);
    pad.points++;
    dot(point);
    undo.disabled = clear.disabled = false;
    sendSoon();
  };
  const move = event => {
    if (event.pointerId !== pad.active) return;
    event.preventDefault();
    const stroke = pad.strokes[pad.strokes.length - 1];
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) {
      const point = at(e), last = stroke[stroke.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) < data.minStep || pad.points >= data.maxPoints) continue;
      stroke.push(point);
      pad.points++;
      segment(last, point);
    }
    sendSoon();
  };
  const up = event => {
    if (event.pointerId !== pad.active) return;
    pad.active = null;
    send();  // the end of a stroke goes at once
  };
  const undoLast = () => { const s = pad.strokes.pop(); if (s) pad.points -= s.length; redraw(); send(); };
  const clearAll = () => { pad.strokes = []; pad.points = 0; redraw(); send(); };

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  undo.addEventListener('click', undoLast);
  clear.addEventListener('click', clearAll);
  redraw();
  return () => {
    clearTimeout(timer);
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
    undo.removeEventListener('click', undoLast);
    clear.removeEventListener('click', clearAll);
  };
}
"""

_PAD = st.components.v2.component("nn_playground_drawing_pad", html=HTML, css=CSS, js=JS)


def _ignore() -> None:
    """Streamlit keeps a v2 component's state key only when it has a change callback; the page reads the value."""


def drawing_pad(key: str = "draw_pad"):
    """The pad, and the strokes drawn on it so far as the browser sent them: unchecked, for core.draw.strokes."""
    data = {
        "size": PAD_SIZE,
        "pen": PEN_WIDTH,
        "every": SEND_EVERY_MS,
        "minStep": MIN_STEP,
        "maxPoints": MAX_POINTS,
        "maxStrokes": MAX_STROKES,
        "label": t("Drawing pad"),
        "undo": t("Undo"),
        "clear": t("Clear"),
    }
    result = _PAD(key=key, data=data, default={"strokes": []}, on_strokes_change=_ignore)
    return result.get("strokes")
