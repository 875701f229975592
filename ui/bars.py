"""The Draw page's ten probabilities as bars: our own small Streamlit v2 component (inline HTML, CSS and JS, no build,
no iframe, as ui/pad.py).

The answer changes up to ten times a second while a digit is drawn. As a plotly chart, every change was a full
Plotly.newPlot in the browser (Streamlit remounts a plotly chart on each new delta, see ui/live_canvas.py): ~50 ms of
the main thread per prediction, measured with Chromium's profiler while a 3 was drawn, the largest single cost of a
rerun there. A v2 component keeps its DOM; each rerun only sets ten heights and labels. Text is set with textContent
only: the data are numbers formatted here and the page's own translated labels.
"""

import numpy as np
import streamlit as st

from ui.common import t

HEIGHT = 150  # px: the answer's metric and these bars side by side fit the answer's box (views/draw.ANSWER_HEIGHT)
LABEL_FROM = 0.05  # only probabilities of 5% or more are written over their bars: ten labels do not fit on a phone

HTML = '<div class="bars" role="img"></div>'

CSS = f"""
.bars {{ display: flex; gap: 3px; height: {HEIGHT}px; box-sizing: border-box; padding-top: 18px; min-width: 150px;
         color: var(--st-text-color, #31333f); font-family: var(--st-font, sans-serif); }}
.column {{ flex: 1; min-width: 0; display: flex; flex-direction: column; }}
.track {{ flex: 1; position: relative; }}
.bar {{ position: absolute; bottom: 0; left: 8%; right: 8%; min-height: 1px; background: #b2bec3;
        border-radius: 2px 2px 0 0; }}
.bar.best {{ background: #6c5ce7; }}
.value {{ position: absolute; left: -50%; right: -50%; text-align: center; font-size: 11px; line-height: 16px;
          white-space: nowrap; pointer-events: none; }}
.digit {{ text-align: center; font-size: 13px; line-height: 20px; }}
"""

JS = """
export default function ({ data, parentElement }) {
  const root = parentElement.querySelector('.bars');
  root.setAttribute('aria-label', data.label);
  if (!root.__columns) {  // built once: later runs only update it
    root.__columns = data.bars.map(() => {
      const column = document.createElement('div'), track = document.createElement('div');
      const bar = document.createElement('div'), value = document.createElement('div');
      const digit = document.createElement('div');
      column.className = 'column'; track.className = 'track'; bar.className = 'bar';
      value.className = 'value'; digit.className = 'digit';
      track.append(bar, value);
      column.append(track, digit);
      root.append(column);
      return { column, bar, value, digit };
    });
  }
  data.bars.forEach((item, i) => {
    const { column, bar, value, digit } = root.__columns[i];
    const height = `${(100 * item.p).toFixed(2)}%`;
    bar.style.height = height;
    bar.classList.toggle('best', i === data.best);
    value.style.bottom = `calc(${height} + 2px)`;
    value.textContent = item.value;
    digit.textContent = item.digit;
    column.title = item.title;
  });
}
"""

_BARS = st.components.v2.component("nn_playground_probability_bars", html=HTML, css=CSS, js=JS)


def bar_data(probs: np.ndarray) -> dict:
    """What the bars show: each digit's probability, its label over the bar (5% or more), its hover text."""
    probs = np.asarray(probs, dtype=float).reshape(-1)
    return {
        "label": t("probability") + ": " + ", ".join(f"{digit} {p:.0%}" for digit, p in enumerate(probs)),
        "best": int(np.argmax(probs)),
        "bars": [
            {
                "digit": str(digit),
                "p": round(float(p), 4),
                "value": f"{p:.0%}" if p >= LABEL_FROM else "",
                "title": f"{t('digit')} {digit}: {p:.1%}",
            }
            for digit, p in enumerate(probs)
        ],
    }


def probability_bars(probs: np.ndarray, key: str) -> None:
    """The ten probabilities, the most likely digit's bar in the theme's purple."""
    _BARS(key=key, data=bar_data(probs))
