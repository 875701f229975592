"""One declaration per page setting, as TensorFlow Playground's state.ts does: URL key, English label, default, range.

The widget, the URL code and the validation all read the same record, so a setting is declared once.
"""

import math
import numbers
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    key: str  # the URL query key and the widget's session-state key
    label: str  # English; the UI translates it
    default: object
    options: tuple | None = None  # the allowed values, for choices
    low: float | None = None  # the allowed range, for numbers
    high: float | None = None
    help: str | None = None  # English; the UI translates it

    def parse(self, raw: str):
        """A URL value in the type of the default; raises ValueError when it is not a valid value of this setting."""
        value = _parse(raw, self.default)
        if not self.valid(value):
            raise ValueError(raw)
        return value

    def valid(self, value) -> bool:
        if self.options is not None:
            return value in self.options
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


def whole(value) -> bool:
    """Whether a value is a whole number: an int or NumPy integer, never a bool (True is 1 to Python)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _parse(raw: str, default):
    if isinstance(default, bool):
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError(raw)
        return raw.lower() in ("true", "1")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
