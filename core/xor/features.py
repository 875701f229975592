"""Extra inputs computed from x1 and x2, as TensorFlow Playground offers, each around the window's centre (0.5, 0.5)."""

import numpy as np

CENTRE = 0.5
# name → one line on what it lets the net draw (the page shows it as the checkbox's help)
FEATURES = {
    "x1²": "Grows with the distance from the middle along x1: with x2², one line becomes a circle.",
    "x2²": "Grows with the distance from the middle along x2.",
    "x1·x2": "Positive in two opposite quarters, negative in the other two: XOR's own pattern.",
    "sin x1": "Waves along x1: lets a boundary bend back and forth.",
    "sin x2": "Waves along x2.",
}


def expand(X, features: tuple[str, ...] = ()) -> np.ndarray:
    """The net's inputs for points of the input square: x1, x2, then the chosen extra features in FEATURES' order."""
    X = np.asarray(X, dtype=np.float64)
    if not features:
        return X
    u, v = X[..., 0] - CENTRE, X[..., 1] - CENTRE
    made = {"x1²": u * u, "x2²": v * v, "x1·x2": u * v, "sin x1": np.sin(4 * u), "sin x2": np.sin(4 * v)}
    return np.concatenate([X] + [made[name][..., None] for name in FEATURES if name in features], axis=-1)
