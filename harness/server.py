"""The app served as a public deployment serves it, and the Chromium that tests and benchmarks drive."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core.cnn.data import bundled_root

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DATA = os.environ.get("NN_PLAYGROUND_DATA") or bundled_root()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log():
    """Where the server's log goes: the file NN_PLAYGROUND_SERVER_LOG names (appended to; tracebacks a page shows only
    redacted are there), else nowhere."""
    path = os.environ.get("NN_PLAYGROUND_SERVER_LOG")
    return open(path, "a") if path else subprocess.DEVNULL  # noqa: SIM115 (the server process holds it)


def start_server(port: int, app_root: Path = ROOT, data=DATA) -> subprocess.Popen:
    """A Streamlit server of the app with a public deployment's defaults, once it answers its health check."""
    env = {**os.environ, "NN_PLAYGROUND_DATA": str(data)}
    env.pop("NN_PLAYGROUND_LOCAL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app_root / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=app_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=_log(),
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the Streamlit server did not start")
