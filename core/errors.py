"""Errors a visitor should read, carried as an English template plus values so the UI can translate them whole.

`str(error)` is the English sentence (for logs, scripts and tests); the UI calls `ui.common.error_text(error)`,
which looks the template up in the chosen language and fills in the values as plain text.
"""

import logging
import time
import traceback
from collections.abc import Callable


class UserError(ValueError):
    """A problem the visitor can act on. `template` is English with {placeholders}; `values` fill them in."""

    def __init__(self, template: str, **values):
        self.template = template
        self.values = values
        super().__init__(template.format(**values) if values else template)


class QuietRepeats(logging.Filter):
    """A log filter for uncaught errors in a visitor's script run: one short line per session and minute, no
    traceback, and at most `total_per_minute` lines from all sessions together.

    A crafted widget value (a raw NaN for an integer field) fails inside Streamlit before the page's code runs, so
    the page cannot refuse it itself; Streamlit then logs a 2 kB traceback per message: 438 kB in 10 s from one
    session. What the log keeps is enough to find a real bug: the error, its message and the innermost frame.
    """

    def __init__(self, session_of: Callable[[], str], clock: Callable[[], float] = time.monotonic, total_per_minute=20):
        super().__init__()
        self.session_of = session_of
        self.clock = clock
        self.total_per_minute = total_per_minute
        self._last: dict[str, float] = {}  # session → when its last line was let through
        self._window: list[float] = []  # when the lines of the last minute were let through

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info:
            return True
        now = self.clock()
        self._window = [at for at in self._window if now - at < 60.0]
        session = self.session_of()
        if now - self._last.get(session, -60.0) < 60.0 or len(self._window) >= self.total_per_minute:
            return False
        self._forget_before(now - 60.0)
        self._last[session] = now
        self._window.append(now)
        record.msg, record.args = (
            "%s (session %s; further errors of this session hidden for 60 s)",
            (
                one_line(record.exc_info[1]),
                session[:8],
            ),
        )
        record.exc_info = record.exc_text = None
        return True

    def _forget_before(self, moment: float) -> None:
        if len(self._last) > 1000:  # a reload storm opens many sessions: keep only those of the last minute
            self._last = {session: at for session, at in self._last.items() if at >= moment}


def one_line(error: BaseException | None) -> str:
    """An error as one line of at most 300 characters: its type, message and where it was raised."""
    if error is None:
        return "unknown error"
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    message = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {message}{where}"
