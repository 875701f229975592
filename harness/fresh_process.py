"""Measure what one call costs in a fresh Python process: its peak memory growth (VmHWM) and its time.

A fresh process, because ru_maxrss and VmHWM only ever grow: in pytest's own process an earlier test's peak would
hide this one's, and a forked child inherits its parent's peak.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
{setup}

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

data = open({path!r}, "rb").read()
before = peak_kb()
started = time.perf_counter()
try:
    result = CALL(data)
    error = None
except ValueError as exc:
    result, error = None, f"{{type(exc).__name__}}: {{exc}}"
seconds = time.perf_counter() - started
print(json.dumps({{"grown_mb": (peak_kb() - before) / 1024, "seconds": seconds, "error": error,
                  "shape": list(getattr(result, "shape", ()) or ())}}))
"""


def measure(setup: str, data: bytes) -> dict:
    """Run CALL(data) in a fresh interpreter; `setup` imports what is needed and defines CALL.

    Returns grown_mb (VmHWM growth during the call), seconds, error ("ImageError: …" when a ValueError was raised,
    else None) and the result's shape when it has one.
    """
    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(data)
        file.flush()
        code = _CHILD.format(root=str(ROOT), setup=setup, path=file.name)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


LOAD_MODEL = "from core.files import model_file\nCALL = model_file.load_model"
READ_IMAGE = "from core.draw import digits\nCALL = digits.read_image_file"
