"""A value the page would never send (a raw NaN, a wrong type) costs at most one short log line per session and
minute, never a traceback per message."""

import logging
import sys

from streamlit.testing.v1 import AppTest

from core.errors import QuietRepeats, one_line
from tests.conftest import open_page


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def failing_record() -> logging.LogRecord:
    try:
        int(float("nan"))
    except ValueError:
        exc_info = sys.exc_info()
    return logging.LogRecord("streamlit.error_util", logging.ERROR, "x.py", 1, "Uncaught app execution", (), exc_info)


def test_one_line_per_session_and_minute_without_traceback():
    clock, session = Clock(), ["a"]
    quiet = QuietRepeats(lambda: session[0], clock=clock)
    first = failing_record()
    assert quiet.filter(first)
    assert first.exc_info is None and "NaN" in first.getMessage() and "\n" not in first.getMessage()
    clock.now += 59
    assert not quiet.filter(failing_record())  # the same session within the minute
    session[0] = "b"
    assert quiet.filter(failing_record())  # another session is not hidden by the first
    session[0] = "a"
    clock.now += 2
    assert quiet.filter(failing_record())  # a minute later, one more line


def test_many_sessions_together_log_at_most_the_total_per_minute():
    clock, counter = Clock(), iter(range(10_000))
    quiet = QuietRepeats(lambda: f"s{next(counter)}", clock=clock, total_per_minute=20)
    assert sum(quiet.filter(failing_record()) for _ in range(500)) == 20  # a reload storm of new sessions
    clock.now += 61
    assert quiet.filter(failing_record())


def test_records_without_an_error_pass_untouched():
    quiet = QuietRepeats(lambda: "a")
    record = logging.LogRecord("streamlit.error_util", logging.WARNING, "x.py", 1, "just a warning", (), None)
    assert quiet.filter(record) and record.getMessage() == "just a warning"


def test_one_line_is_short_and_says_where():
    try:
        raise ValueError("x" * 1000 + "\nsecond line")
    except ValueError as exc:
        line = one_line(exc)
    assert len(line) < 300 and "\n" not in line and "test_quiet_errors.py" in line


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def cnn_page() -> AppTest:
    return open_page("views/cnn.py")


def test_raw_nan_widget_values_on_the_page_log_one_short_line():
    pages = [cnn_page() for _ in range(4)]  # AppTest gives every one the same session id
    lines = Lines()
    logging.getLogger("streamlit.error_util").addHandler(lines)
    try:
        for at in pages:
            at.number_input(key="cnn_epochs").set_value(float("nan")).run()
            assert at.exception  # Streamlit fails on it before the page's code runs
    finally:
        logging.getLogger("streamlit.error_util").removeHandler(lines)
    assert len(lines.lines) <= 1, lines.lines
    assert all("Traceback" not in line and len(line) < 400 for line in lines.lines)
