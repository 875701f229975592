"""What a visitor's session keeps of the XOR page, as typed records (ui/state.py's Xor slots hold them)."""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.xor.experiment import Summary, XorSettings
from core.xor.numpy_net import Record


@dataclass(frozen=True)
class Run:
    """One Train press: its number in the session, its settings and each implementation's records."""

    id: int
    settings: XorSettings
    results: dict[str, list[Record]]  # implementation name → records (shared with other visitors: read only)


@dataclass
class HistoryRun:
    """A run as the comparison keeps it: thinned loss curves and final losses, pinned or not."""

    id: int
    settings: XorSettings
    curves: dict[str, tuple[np.ndarray, np.ndarray]]  # implementation name → (epochs, losses), thinned
    final: dict[str, float]  # implementation name → final loss
    pinned: bool = False


@dataclass(frozen=True)
class BuiltFigure:
    """A figure kept for as long as its key holds: a run's replay per (run, implementation, language), the live
    view's per (watch, language)."""

    key: tuple
    figure: go.Figure


@dataclass(frozen=True)
class TrapResult:
    """The right and the trapped derivative trained with `settings`: label → (per-epoch losses, summary)."""

    settings: XorSettings
    curves: dict[str, tuple[np.ndarray, Summary]]


@dataclass(frozen=True)
class ManySeedsResult:
    """100 seeds per hidden size trained with `settings`: the share solved and the epochs to solve, per size."""

    settings: XorSettings
    sizes: list[int]
    rates: list[float]
    solve_epochs: list[np.ndarray]
