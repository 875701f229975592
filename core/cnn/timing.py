"""How long the Draw page takes from a canvas to ten probabilities, measured, for the Under the hood page."""

import time
from dataclasses import dataclass

import numpy as np

from core import cnn
from core.cnn.data import bundled_root, load_split
from core.draw import digits

CANVAS = 280  # the Draw page's canvas, in pixels a side


@dataclass(frozen=True)
class ReadTiming:
    """Median milliseconds of each step, over `runs` runs."""

    preprocess_ms: float  # canvas RGBA → the 28×28 MNIST-style digit
    network_ms: float  # normalise, the CNN's forward pass, softmax
    runs: int

    @property
    def total_ms(self) -> float:
        return self.preprocess_ms + self.network_ms


def sample_canvas(index: int = 0) -> np.ndarray:
    """A test digit of the bundled sample drawn as the canvas sends it: 280×280 RGBA, white ink on black."""
    images, _ = load_split(bundled_root(), train=False, download=False)
    ink = np.kron(images[index].numpy(), np.ones((CANVAS // 28, CANVAS // 28), np.uint8))
    return np.dstack([ink, ink, ink, np.full_like(ink, 255)])


def time_reading(model, rgba: np.ndarray, runs: int = 5) -> ReadTiming:
    """Time the Draw page's two steps on one canvas: the median, after one untimed run that warms the caches."""
    digits.preprocess(rgba)
    cnn.predict_proba(model, np.zeros((1, 28, 28), np.float32))
    preprocess, network = [], []
    for _ in range(runs):
        started = time.perf_counter()
        image = digits.preprocess(rgba)
        middle = time.perf_counter()
        cnn.predict_proba(model, image[None])
        preprocess.append(middle - started)
        network.append(time.perf_counter() - middle)
    return ReadTiming(1000 * float(np.median(preprocess)), 1000 * float(np.median(network)), runs)
