"""The model's test report: every test image's probabilities, the confusion matrix whose cells lead back to
their images, and the accuracy per class."""

from dataclasses import dataclass

import numpy as np

from core import cnn
from core.cnn.data import load_split

MAX_CELL_IMAGES = 60  # a cell shows at most this many images: each is a row the browser draws


@dataclass(frozen=True)
class TestReport:
    images: np.ndarray  # uint8 N×28×28 (shared with the data cache: read-only)
    labels: np.ndarray  # int64 N
    probabilities: np.ndarray  # float32 N×10

    @property
    def predictions(self) -> np.ndarray:
        return self.probabilities.argmax(1)

    @property
    def count(self) -> int:
        return len(self.labels)

    @property
    def accuracy(self) -> float:
        return float((self.predictions == self.labels).mean())

    @property
    def confusion(self) -> np.ndarray:
        """10×10 counts: row = true digit, column = predicted digit."""
        return np.bincount(self.labels * 10 + self.predictions, minlength=100).reshape(10, 10)

    def per_class_accuracy(self) -> np.ndarray:
        """For each digit 0–9: the share of its test images read right (NaN when the split has none)."""
        matrix = self.confusion
        totals = matrix.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, np.diag(matrix) / np.maximum(totals, 1), np.nan)

    def cell(self, true: int, predicted: int) -> np.ndarray:
        """Indices of the test images with this true label that the model read as `predicted`."""
        return np.flatnonzero((self.labels == int(true)) & (self.predictions == int(predicted)))

    def image(self, index: int) -> np.ndarray:
        """One test image as float 28×28 in [0, 1]."""
        return self.images[int(index)].astype(np.float32) / 255.0

    def top(self, index: int, k: int = 3) -> list[tuple[int, float]]:
        """The k most probable digits for one test image, with their probabilities."""
        probs = self.probabilities[int(index)]
        order = np.argsort(-probs, kind="stable")[:k]
        return [(int(d), float(probs[d])) for d in order]


def test_report(model: cnn.CNN, data_root) -> TestReport:
    """Probabilities for every test image, computed in inference batches (bounded memory for any split size)."""
    images, labels = load_split(data_root, train=False, download=False)
    pixels = images.numpy()
    chunks = [
        cnn.predict_proba(model, pixels[start : start + cnn.EVAL_BATCH].astype(np.float32) / 255.0)
        for start in range(0, len(pixels), cnn.EVAL_BATCH)
    ]
    return TestReport(pixels, labels.numpy(), np.concatenate(chunks).astype(np.float32))
