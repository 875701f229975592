"""Measure what one call costs in a fresh process: its peak memory growth (VmHWM) and its time.

A fresh process, because ru_maxrss and VmHWM only ever grow: in pytest's own process an earlier test's peak would
hide this one's. Each call runs in a child forked from a clean parent, a fork server that has imported the app's
modules and never runs a call itself, so a call finds what a fresh interpreter would after its imports, and nothing
an earlier call left behind. The child starts its peak afresh from its own resident memory (Linux's clear_refs 5;
a forked child would otherwise inherit its parent's peak). Starting a new interpreter and importing torch for every
call took ~1.5 s each, ~45 s of the hostile-file tests; a fork takes milliseconds. Where the peak cannot be reset,
every call gets a new interpreter as before.

A child's growth is an upper bound of a new interpreter's: a child maps its parent's library code only as it runs
it, so the code a call runs for the first time counts too (a refused model file: +9.7 MB forked, +2.3 MB in a new
interpreter; a 4000×4000 PNG read: +89.7 and +88.9 MB).
"""

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 300

# The call measured, in the fresh process: `setup` defines CALL (its imports are done before the peak is taken).
_MEASURE = """
import json, os, sys, time, traceback
sys.path.insert(0, {root!r})

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

def measure(setup, path):
    scope = {{}}
    exec(setup, scope)
    data = open(path, "rb").read()
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # the peak from here on is this call's (a forked child's would be its parent's)
    except OSError:
        pass  # a new interpreter's peak is its own already
    before = peak_kb()
    started = time.perf_counter()
    try:
        result = scope["CALL"](data)
        error = None
    except ValueError as exc:
        result, error = None, f"{{type(exc).__name__}}: {{exc}}"
    seconds = time.perf_counter() - started
    return {{"grown_mb": (peak_kb() - before) / 1024, "seconds": seconds, "error": error,
            "shape": list(getattr(result, "shape", ()) or ())}}
"""

# A child for each request line {"setup", "path"}; the child's answer is one JSON line on stdout.
_SERVER = (
    _MEASURE
    + """
import torch
from core.draw import digits, strokes
from core.files import model_file

print("ready", flush=True)
while line := sys.stdin.readline():
    request = json.loads(line)
    child = os.fork()
    if child == 0:
        try:
            answer = measure(request["setup"], request["path"])
        except BaseException:
            answer = {{"crashed": traceback.format_exc()[-2000:]}}
        sys.stdout.write(json.dumps(answer) + "\\n")
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(child, 0)
"""
)

_ONE_CALL = (
    _MEASURE
    + """
print(json.dumps(measure({setup!r}, {path!r})))
"""
)

_server: subprocess.Popen | None = None


def _can_reset_the_peak() -> bool:
    return os.access("/proc/self/clear_refs", os.W_OK)


def _fork_server() -> subprocess.Popen:
    global _server
    if _server is None or _server.poll() is not None:
        code = _SERVER.format(root=str(ROOT))
        _server = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        atexit.register(_server.kill)
        if _read_line(_server) != "ready":
            raise RuntimeError("the fork server did not start")
    return _server


def _read_line(process: subprocess.Popen) -> str:
    ready, _, _ = select.select([process.stdout], [], [], TIMEOUT_S)
    if not ready:
        process.kill()
        raise RuntimeError(f"no answer from the fork server in {TIMEOUT_S} s")
    return process.stdout.readline().strip()


def _in_a_forked_child(setup: str, path: str) -> dict:
    server = _fork_server()
    server.stdin.write(json.dumps({"setup": setup, "path": path}) + "\n")
    server.stdin.flush()
    answer = json.loads(_read_line(server) or '{"crashed": "the fork server ended"}')
    if "crashed" in answer:
        raise RuntimeError(answer["crashed"])
    return answer


def _in_a_new_interpreter(setup: str, path: str) -> dict:
    code = _ONE_CALL.format(root=str(ROOT), setup=setup, path=path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(setup: str, data: bytes, new_interpreter: bool = False) -> dict:
    """Run CALL(data) in a fresh process; `setup` imports what is needed and defines CALL. `new_interpreter`: in a
    new interpreter even where a forked child could (bench/hostile_uploads.py: the README's exact figures).

    Returns grown_mb (VmHWM growth during the call), seconds, error ("ImageError: …" when a ValueError was raised,
    else None) and the result's shape when it has one.
    """
    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(data)
        file.flush()
        if not new_interpreter and _can_reset_the_peak():
            return _in_a_forked_child(setup, file.name)
        return _in_a_new_interpreter(setup, file.name)


LOAD_MODEL = "from core.files import model_file\nCALL = model_file.load_model"
READ_IMAGE = "from core.draw import digits\nCALL = digits.read_image_file"
