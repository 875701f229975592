"""The Under the hood page's "image to probabilities" numbers are measured on the Draw page's own steps."""

import numpy as np

from core import cnn
from core.cnn import timing as cnn_timing
from core.cnn.data import bundled_root, load_split
from core.draw import digits


def test_the_sample_canvas_reads_as_its_digit_and_is_timed(ready_model):
    canvas = cnn_timing.sample_canvas(0)
    assert canvas.shape == (280, 280, 4) and canvas.dtype == np.uint8
    _, labels = load_split(bundled_root(), train=False, download=False)
    assert int(cnn.predict_proba(ready_model, digits.preprocess(canvas)[None]).argmax()) == int(labels[0])
    timing = cnn_timing.time_reading(ready_model, canvas, runs=3)
    assert timing.runs == 3 and 0 < timing.preprocess_ms and 0 < timing.network_ms
    assert timing.total_ms == timing.preprocess_ms + timing.network_ms < 2000
