"""Mouse-drawn digits for tests and benchmarks: stroke templates, random hand-like variation, fabric-like rendering."""

import math

import numpy as np
from PIL import Image, ImageDraw

Point = tuple[float, float]
Stroke = list[Point]


def _arc(cx, cy, rx, ry, a0, a1, shrink=1.0) -> Stroke:
    """Elliptical arc from angle a0 to a1 in degrees (0 = right, 90 = down); radii scale to `shrink` at the end."""
    n = max(3, int(abs(a1 - a0) / 6))
    return [
        (cx + rx * k * math.cos(math.radians(a)), cy + ry * k * math.sin(math.radians(a)))
        for a, k in zip(np.linspace(a0, a1, n + 1), np.linspace(1.0, shrink, n + 1))
    ]


def _curve(*pts, n=8) -> Stroke:
    """Smooth Catmull-Rom curve through the given points."""
    p = np.array([pts[0], *pts, pts[-1]], dtype=float)
    out = [tuple(p[1])]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        for t in np.linspace(0, 1, n + 1)[1:]:
            q = 0.5 * (
                2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (3 * p1 - p0 - 3 * p2 + p3) * t**3
            )
            out.append((float(q[0]), float(q[1])))
    return out


def _eight(top=0.45, wt=0.5, wb=0.6, lean=0.0) -> Stroke:
    """One-stroke figure eight: from the top right, over the top leftwards, down through the crossing, round."""
    out = []
    for t in np.linspace(2 * math.pi + 0.5, 0.25, 60):
        c = -math.cos(t)
        y = top * (1 + c) if c < 0 else top + (1 - top) * c
        w = wt if c < 0 else wb
        out.append((0.5 + w * 0.5 * math.sin(2 * t) + lean * (0.5 - y), y))
    return out


DIGIT_TEMPLATES: dict[int, list[list[Stroke]]] = {
    0: [
        [_arc(0.5, 0.5, 0.3, 0.5, -75, -445)],  # oval, counter-clockwise from the top
        [_arc(0.5, 0.5, 0.27, 0.5, -100, 265, shrink=0.93)],  # narrow oval, clockwise, closes inside
        [_arc(0.5, 0.5, 0.36, 0.5, -50, -420, shrink=0.9)],  # round, starts top right
    ],
    1: [
        [[(0.5, 0.0), (0.5, 1.0)]],  # plain stick
        [[(0.42, 0.1), (0.52, 0.0), (0.52, 1.0)]],  # with a short flag
        [[(0.32, 0.18), (0.52, 0.0), (0.52, 1.0)], [(0.32, 1.0), (0.72, 1.0)]],  # flag and base
    ],
    2: [
        [_arc(0.5, 0.28, 0.3, 0.28, 195, 395) + [(0.16, 1.0), (0.84, 1.0)]],  # flat base
        [
            _arc(0.5, 0.28, 0.3, 0.28, 190, 390)
            + _curve(
                (0.72, 0.46),
                (0.3, 0.86),
                (0.18, 0.94),
                (0.16, 0.85),
                (0.26, 0.82),
                (0.34, 0.94),
                (0.5, 0.98),
                (0.85, 0.96),
            )
        ],  # loop at the base
        [
            _curve((0.18, 0.2), (0.4, 0.0), (0.68, 0.05), (0.72, 0.3), (0.5, 0.6), (0.2, 0.98), (0.5, 0.9), (0.85, 1.0))
        ],  # curved neck, wavy base
    ],
    3: [
        [_arc(0.45, 0.25, 0.27, 0.25, 200, 450) + [(0.36, 0.5)] + _arc(0.45, 0.74, 0.3, 0.26, 270, 520)],
        [[(0.2, 0.0), (0.75, 0.0), (0.4, 0.4)] + _arc(0.45, 0.68, 0.32, 0.32, 250, 515)],  # flat top
        [_arc(0.48, 0.22, 0.22, 0.22, 190, 445) + [(0.32, 0.46)] + _arc(0.45, 0.72, 0.32, 0.28, 265, 525)],
    ],
    4: [
        [[(0.2, 0.0), (0.13, 0.62), (0.84, 0.62)], [(0.64, 0.05), (0.64, 1.0)]],  # open
        [[(0.6, 0.0), (0.1, 0.66), (0.86, 0.66)], [(0.6, 0.0), (0.6, 1.0)]],  # closed
        [[(0.3, 0.0), (0.12, 0.58), (0.86, 0.58)], [(0.68, 0.22), (0.65, 1.0)]],  # open, slanted arm
    ],
    5: [
        [[(0.28, 0.02), (0.24, 0.46)] + _arc(0.46, 0.69, 0.3, 0.29, 218, 505), [(0.28, 0.02), (0.76, 0.0)]],
        [[(0.76, 0.0), (0.28, 0.02), (0.24, 0.44)] + _arc(0.47, 0.69, 0.3, 0.29, 215, 500)],  # one stroke
        [[(0.26, 0.05), (0.22, 0.42)] + _arc(0.47, 0.7, 0.32, 0.3, 212, 515), [(0.26, 0.03), (0.8, -0.02)]],
    ],
    6: [
        [_curve((0.64, 0.0), (0.42, 0.22), (0.26, 0.48), (0.2, 0.72)) + _arc(0.46, 0.73, 0.26, 0.27, 180, -185)],
        [[(0.66, 0.0), (0.25, 0.6)] + _arc(0.45, 0.75, 0.25, 0.25, 213, -160)],  # straight stem
        [_curve((0.46, 0.0), (0.3, 0.32), (0.22, 0.74)) + _arc(0.46, 0.75, 0.24, 0.25, 180, -190)],
    ],
    7: [
        [[(0.15, 0.02), (0.82, 0.02), (0.38, 1.0)]],
        [[(0.15, 0.02), (0.82, 0.02), (0.4, 1.0)], [(0.42, 0.52), (0.8, 0.52)]],  # crossbar
        [[(0.15, 0.16), (0.16, 0.02), (0.8, 0.02)] + _curve((0.8, 0.02), (0.58, 0.4), (0.46, 1.0))],  # serif
    ],
    8: [
        [_eight()],
        [_arc(0.5, 0.22, 0.2, 0.22, -90, 275), _arc(0.5, 0.71, 0.27, 0.29, -90, 275)],  # two circles
        [_eight(top=0.42, wt=0.42, wb=0.62, lean=0.1)],
    ],
    9: [
        [_arc(0.48, 0.26, 0.26, 0.26, -10, -360) + [(0.72, 1.0)]],  # straight stem
        [_arc(0.48, 0.26, 0.26, 0.26, -10, -360) + _curve((0.74, 0.26), (0.73, 0.75), (0.6, 0.95), (0.4, 1.0))],
        [_arc(0.46, 0.25, 0.25, 0.25, -90, -450), [(0.72, 0.08), (0.7, 1.0)]],  # circle, then a stick
    ],
}


def _densify(pts: np.ndarray, spacing: float) -> np.ndarray:
    """Insert points so that consecutive ones are at most `spacing` apart (like mousemove events)."""
    out = [pts[:1]]
    for a, b in zip(pts[:-1], pts[1:]):
        n = max(1, int(math.ceil(np.linalg.norm(b - a) / spacing)))
        out.append(a + (b - a) * np.linspace(0, 1, n + 1)[1:, None])
    return np.concatenate(out)


def random_drawing(digit: int, rng: np.random.Generator, size: int = 280) -> tuple[list[Stroke], float]:
    """A random style of `digit`, randomly sized, stretched, slanted, rotated, placed and wobbled.

    Returns (strokes in pixels, width)."""
    styles = DIGIT_TEMPLATES[digit]
    strokes = [np.array(s, dtype=float) for s in styles[rng.integers(len(styles))]]
    width = float(rng.uniform(10, 30))
    allp = np.concatenate(strokes)
    lo, hi = allp.min(0), allp.max(0)
    height = rng.uniform(0.35, 0.85) * size
    scale = np.array([rng.uniform(0.85, 1.15), 1.0]) * height / (hi[1] - lo[1])
    shear, angle = rng.uniform(-0.3, 0.3), math.radians(rng.uniform(-10, 10))
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    strokes = [((s - (lo + hi) / 2) * scale) for s in strokes]
    strokes = [np.c_[s[:, 0] - shear * s[:, 1], s[:, 1]] @ rot.T for s in strokes]
    allp = np.concatenate(strokes)
    lo, hi = allp.min(0), allp.max(0)
    margin = width / 2 + 3
    shrink = min(1.0, (size - 2 * margin) / max(hi - lo))  # keep it on the canvas after slant/rotation
    strokes = [s * shrink for s in strokes]
    lo, hi = lo * shrink, hi * shrink
    offset = margin - lo + rng.uniform(0, 1, 2) * np.maximum(0, size - 2 * margin - (hi - lo))
    spacing, wobble = rng.uniform(3, 7), rng.uniform(0.2, 0.7) * height / 100
    out = []
    for s in strokes:
        s = _densify(s + offset, spacing)
        noise = rng.normal(0, wobble, (len(s) + 4, 2))
        s = s + np.stack([np.convolve(noise[:, i], np.ones(5) / 5**0.5, "valid") for i in range(2)], 1)
        s = np.clip(s, 1, size - 2)
        out.append([(round(float(x), 1), round(float(y), 1)) for x, y in s])
    return out, width


def _fabric_path(stroke: Stroke, steps: int = 4) -> np.ndarray:
    """Flatten fabric's PencilBrush path: M p0, Q p[i-1] -> midpoint(p[i-1], p[i]) ..., L p[-1]."""
    p = np.asarray(stroke, dtype=float)
    out = [p[0]]
    t = np.linspace(0, 1, steps + 1)[1:, None]
    for i in range(1, len(p)):
        start, ctrl, end = out[-1], p[i - 1], (p[i - 1] + p[i]) / 2
        out.extend((1 - t) ** 2 * start + 2 * (1 - t) * t * ctrl + t**2 * end)
    out.append(p[-1])
    return np.array(out)


def render_strokes(
    strokes, stroke_width: float, size: int = 280, background=(0, 0, 0, 255), ink=(255, 255, 255, 255)
) -> np.ndarray:
    """Render strokes like fabric's PencilBrush (smooth path, round caps and joins, anti-aliased) to RGBA uint8."""
    ss = 4
    mask = Image.new("L", (size * ss, size * ss), 0)
    draw = ImageDraw.Draw(mask)
    r = stroke_width * ss / 2
    for stroke in strokes:
        pts = [tuple(q) for q in _fabric_path(stroke) * ss]
        for a, b in zip(pts[:-1], pts[1:]):
            draw.line([a, b], fill=255, width=max(1, round(2 * r)))
        for x, y in pts:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    cov = np.asarray(mask.resize((size, size), Image.Resampling.BOX), dtype=np.float32)[..., None] / 255
    bg, fg = np.array(background, np.float32) / 255, np.array(ink, np.float32) / 255
    a_fg = fg[3] * cov
    alpha = a_fg + bg[3] * (1 - a_fg)
    rgb = (fg[:3] * a_fg + bg[:3] * bg[3] * (1 - a_fg)) / np.maximum(alpha, 1e-6)
    return np.round(np.concatenate([rgb, alpha], -1) * 255).clip(0, 255).astype(np.uint8)


def drawn_digit_set(n_per_digit: int = 20, seed: int = 0) -> tuple[list[np.ndarray], list[int]]:
    """`n_per_digit` random drawings of each digit 0-9 as RGBA canvas images, with their labels."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for _ in range(n_per_digit):
        for digit in range(10):
            images.append(render_strokes(*random_drawing(digit, rng)))
            labels.append(digit)
    return images, labels
