"""The XOR page's data sets: the post's four XOR points, and seeded generators for noisy XOR, Circle, two Spirals,
two Moons and Gaussian blobs, each with a noise level, a number of points and a train/test split.

Every set lives in the post's window, the square [−0.5, 1.5]² around (0.5, 0.5), so every figure of the page draws
it as it draws the four points. Classes are balanced (half 0, half 1) and a seed gives the same points every time.
"""

from dataclasses import dataclass

import numpy as np

from core.settings import Setting
from core.xor.features import CENTRE, FEATURES
from core.xor.numpy_net import X_XOR, Y_XOR

RADIUS = 0.9  # the sets' points stay within about this distance of the centre: inside the window
POST_XOR = "xor"
DATASETS = (POST_XOR, "xor_clouds", "circle", "spirals", "moons", "blobs")
MAX_POINTS = 1000  # bounded: one step over 1,000 points and 16 hidden units costs ~0.2 ms

DATASET = Setting("xor_data", "Dataset", POST_XOR, DATASETS)
NOISE = Setting("xor_noise", "Noise", 0.1, (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5))
POINTS = Setting("xor_points", "Number of points", 200, low=20, high=MAX_POINTS)
TEST_SHARE = Setting(
    "xor_test",
    "Test share (%)",
    30,
    (10, 20, 30, 40, 50),
    help="This share of the points is kept out of training: the test accuracy says how the net does on points it "
    "never learned from.",
)
# One checkbox per extra input: its URL key, its label (the formula) and its one-line explanation.
FEATURE_SETTINGS = {
    name: Setting("xor_f_" + str(index + 1), name, False, help=text)
    for index, (name, text) in enumerate(FEATURES.items())
}


@dataclass(frozen=True)
class Dataset:
    """Points (n, 2) in the post's window and their 0/1 targets (n, 1), split into training and test points."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _balanced(rng, count: int, make) -> tuple[np.ndarray, np.ndarray]:
    """`make(rng, n, label)` for half the points per class, shuffled together."""
    half = count // 2
    X = np.concatenate([make(rng, half, 0), make(rng, count - half, 1)])
    y = np.concatenate([np.zeros(half), np.ones(count - half)])[:, None]
    order = rng.permutation(count)
    return X[order], y[order]


def _xor_clouds(rng, n, label):
    corners = np.array([[0.0, 0.0], [1.0, 1.0]]) if label == 0 else np.array([[0.0, 1.0], [1.0, 0.0]])
    return corners[rng.integers(0, 2, n)] + rng.normal(0, 0.12, (n, 2))


def _circle(rng, n, label):
    radius = rng.uniform(0.0, 0.35, n) if label == 1 else rng.uniform(0.55, RADIUS, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return CENTRE + np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _spiral(rng, n, label):
    t = np.sqrt(rng.uniform(0.0, 1.0, n))  # evenly along the arm, not bunched at the centre
    angle = 3 * np.pi * t + np.pi * label
    return CENTRE + 0.8 * np.column_stack([t * np.cos(angle), t * np.sin(angle)])


def _moons(rng, n, label):
    angle = rng.uniform(0, np.pi, n)
    if label == 0:
        points = np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        points = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    return CENTRE + 0.45 * (points - [0.5, 0.25])


def _blobs(rng, n, label):
    middle = np.array([0.15, 0.15]) if label == 0 else np.array([0.85, 0.85])
    return middle + rng.normal(0, 0.15, (n, 2))


SHAPES = {"xor_clouds": _xor_clouds, "circle": _circle, "spirals": _spiral, "moons": _moons, "blobs": _blobs}


def make_dataset(
    name: str,
    noise: float = NOISE.default,
    points: int = POINTS.default,
    test_percent: int = TEST_SHARE.default,
    seed: int = 0,
) -> Dataset:
    """The named set, drawn from a generator seeded by `seed`; the post's XOR is its four points, all for training
    (the post has no test set)."""
    if name == POST_XOR:
        return Dataset(name, X_XOR, Y_XOR, X_XOR[:0], Y_XOR[:0])
    for setting, value in ((DATASET, name), (NOISE, noise), (POINTS, points), (TEST_SHARE, test_percent)):
        if not setting.valid(value):
            raise ValueError(f"{setting.key}={value!r} is out of range")
    rng = np.random.default_rng(seed)
    X, y = _balanced(rng, int(points), SHAPES[name])
    X = np.clip(X + rng.normal(0, noise * 0.5, X.shape), CENTRE - 1.0, CENTRE + 1.0)
    tests = max(1, int(round(len(X) * test_percent / 100)))
    return Dataset(name, X[tests:], y[tests:], X[:tests], y[:tests])
