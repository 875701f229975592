"""bench/hostile.py's whole-server phases (issue 19): run history loads, click floods inside the results fragment,
and forty sessions mixing the attacks. Each is a function of (port, pid, …, rows) like hostile.py's own phases.

  history    --history-sessions sessions each load the largest model (64/128/512) --history-loads times into
             their run history through the page's uploader: memory kept, and 60 s after the tabs close.
  inside     two sessions open "Inside the CNN" on a loaded model and pick a new test image --inside-rate times a
             second; meanwhile another visitor's Quick train and XOR page load are timed against their idle times.
  confusion  the same with two sessions clicking confusion-matrix cells --confusion-rate times a second.
  mix40      --mix sessions at once, the attacks mixed (history loads, upload PUTs, oversized widget values, inside
             and confusion floods, largest-model training): peak RSS while they run, RSS 60 s after they close.
Goals (issue 19): RSS under 2.0 GB with up to 40 sessions; back within +300 MB of the idle server 60 s after the
tabs close; with two attacking sessions another visitor's Quick train within 1.5× its idle time, XOR within 2×.
"""

import io
import json
import random
import re
import statistics
import threading
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.hostile import LARGEST, Visitor, held_then_released, memory_mb, quick_train, settle, start_training
from core.cnn.model import build_model
from core.files.model_file import save_model

LARGEST_CONFIG = {"conv1_channels": 64, "conv2_channels": 128, "hidden_size": 512}
QUICK_TRAIN_ROUNDS = 3


def model_bytes(seed: int, **config) -> bytes:
    """A model file as the page's Download button writes it."""
    buffer = io.BytesIO()
    save_model(build_model(seed, **config), buffer)
    return buffer.getvalue()


def current_uploader(visitor: Visitor) -> str:
    """The model uploader's widget id: the page puts a new one (cnn_upload, cnn_upload_1, …) after each model loaded."""
    found = {}
    for widget_id in visitor.widgets:
        match = re.search(r"-cnn_upload(?:_(\d+))?$", widget_id)
        if match:
            found[int(match.group(1) or 0)] = widget_id
    return found[max(found)]


def load_model(visitor: Visitor, port: int, data: bytes) -> str:
    """Upload `data` through the CNN page's uploader, as the browser does: PUT the file, then rerun with the
    uploader's new value. The page's text after it."""
    file_id = f"{random.getrandbits(64):x}"
    status = visitor.put_file(port, len(data), file_id=file_id, content=data, name="model.safetensors")
    if status != 204:
        return f"PUT refused: {status}"
    info = UploadedFileInfo(file_id=file_id, name="model.safetensors", size=len(data))
    uploader = current_uploader(visitor)
    state = WidgetState(id=uploader)
    state.file_uploader_state_value.uploaded_file_info.append(info)
    return visitor.send(state)


def phase_history(port: int, pid: int, sessions: int, loads: int, rows: list) -> None:
    before = memory_mb(pid)["VmRSS"]
    files = [model_bytes(seed, **LARGEST_CONFIG) for seed in range(loads)]
    visitors, loaded = [], 0
    for _ in range(sessions):
        visitor = Visitor(port, "cnn")
        visitor.run(timeout=300)
        for data in files:
            loaded += "EXCEPTION" not in load_model(visitor, port, data)
        visitors.append(visitor)
    what = f"{sessions} sessions × {loads} loads of the largest model ({loaded} loaded)"
    held_then_released(rows, "history", what, visitors, pid, before)


def results_visitor(port: int, tab: str) -> Visitor:
    """A session with the lesson-sized model loaded and its results fragment on `tab`."""
    visitor = Visitor(port, "cnn")
    visitor.run(timeout=300)
    load_model(visitor, port, model_bytes(0))
    tabs, fragment = visitor.widget("cnn_results_tab")
    visitor.send(WidgetState(id=tabs, string_value=tab), fragment=fragment)
    return visitor


def inside_click(visitor: Visitor) -> BackMsg:
    number, fragment = visitor.widget("cnn_inside_number")
    return visitor.message(WidgetState(id=number, int_value=random.randrange(1000)), fragment=fragment)


def confusion_click(visitor: Visitor) -> BackMsg:
    chart, fragment = visitor.widget("cnn_confusion")
    index = random.randrange(100)
    point = {"curve_number": 1, "point_number": index, "point_index": index}
    selection = {"selection": {"points": [point], "point_indices": [index], "box": [], "lasso": []}}
    return visitor.message(WidgetState(id=chart, string_value=json.dumps(selection)), fragment=fragment)


def flood(visitor: Visitor, click, rate: float, stop: threading.Event, counts: dict) -> None:
    """Send a click `rate` times a second, whatever the server answers (its replies are read and dropped)."""
    while not stop.is_set():
        visitor.ws.send(click(visitor).SerializeToString())
        counts["sent"] += 1
        deadline = time.monotonic() + 1 / rate
        while (left := deadline - time.monotonic()) > 0:
            try:
                visitor.ws.recv(timeout=left)
            except TimeoutError:
                break


def quick_train_seconds(port: int) -> float:
    """A new visitor's Quick train on the Draw page: seconds from the click until done."""
    return quick_train(port)[1]


def xor_seconds(port: int) -> float:
    visitor = Visitor(port, "xor", xor_seed=random.randrange(2**31))  # a new seed: no shared result helps
    started = time.monotonic()
    visitor.run(timeout=300)
    visitor.close()
    return time.monotonic() - started


def victims(port: int) -> tuple[float, float]:
    """Median seconds of another visitor's Quick train and XOR page load."""
    quick = statistics.median(quick_train_seconds(port) for _ in range(QUICK_TRAIN_ROUNDS))
    xor = statistics.median(xor_seconds(port) for _ in range(QUICK_TRAIN_ROUNDS))
    return quick, xor


def phase_clicks(port: int, name: str, tab: str, click, rate: float, rows: list) -> None:
    """Two sessions flood `click` at `rate`/s inside their results fragment; others' Quick train and XOR timed."""
    quick_train_seconds(port)  # the first run after start pays for warming up
    quick_idle, xor_idle = victims(port)
    attackers = [results_visitor(port, tab) for _ in range(2)]
    stop, counts = threading.Event(), {"sent": 0}
    threads = [threading.Thread(target=flood, args=(a, click, rate, stop, counts), daemon=True) for a in attackers]
    for thread in threads:
        thread.start()
    time.sleep(3)
    quick, xor = victims(port)
    stop.set()
    for thread in threads:
        thread.join()
    for attacker in attackers:
        attacker.close()
    what = f"2 sessions × {rate:g}/s {name} ({counts['sent']} sent)"
    rows.append(
        (
            name,
            f"{what}: another's Quick train",
            f"{quick:.1f} s vs {quick_idle:.1f} s idle ({quick / quick_idle:.2f}×)",
        )
    )
    rows.append((name, f"{what}: another's XOR page", f"{xor:.1f} s vs {xor_idle:.1f} s idle ({xor / xor_idle:.2f}×)"))


def phase_inside(port: int, rate: float, rows: list) -> None:
    phase_clicks(port, "inside", "Inside the CNN", inside_click, rate, rows)


def phase_confusion(port: int, rate: float, rows: list) -> None:
    phase_clicks(port, "confusion", "Mistakes", confusion_click, rate, rows)


class PeakRss:
    """The server's largest VmRSS while it runs (VmHWM is the process's whole life)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_mb(self.pid)["VmRSS"])
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def mixed_attacker(port: int, role: str, seconds: float, files: list[bytes]) -> None:
    """One session of the mix, attacking for about `seconds` in its role."""
    end = time.monotonic() + seconds
    if role == "train":
        visitor, _ = start_training(port, **LARGEST, cnn_epochs=1, cnn_subset=2000)
    elif role in ("inside", "confusion"):
        visitor = results_visitor(port, "Inside the CNN" if role == "inside" else "Mistakes")
        stop = threading.Event()
        threading.Timer(max(0.0, end - time.monotonic()), stop.set).start()
        flood(visitor, inside_click if role == "inside" else confusion_click, 14.5, stop, {"sent": 0})
    else:
        visitor = Visitor(port, "cnn" if role != "widgets" else "draw")
        visitor.run(timeout=300)
        while time.monotonic() < end:
            if role == "history":
                load_model(visitor, port, random.choice(files))
            elif role == "uploads":
                visitor.put_file(port, 16 * 2**20 - 4096)
            else:
                visitor.send_value("$$ID-bench-pad", "[" + ",".join(["[]"] * 620_000) + "]")
                time.sleep(1)
    time.sleep(max(0.0, end - time.monotonic()))
    visitor.close()


def phase_mix(port: int, pid: int, sessions: int, seconds: float, rows: list) -> None:
    idle = settle(pid, 5)
    files = [model_bytes(seed, **LARGEST_CONFIG) for seed in range(3)]
    roles = ["history", "uploads", "widgets", "inside", "confusion", "train"]
    peak = PeakRss(pid)
    threads = [
        threading.Thread(target=mixed_attacker, args=(port, roles[i % len(roles)], seconds, files), daemon=True)
        for i in range(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    top = peak.stop()
    after = settle(pid, 60)
    mix = "/".join(roles)
    rows.append(
        ("mix", f"{sessions} sessions ({mix}) for {seconds:.0f} s: peak RSS", f"{top:.0f} MB (idle {idle:.0f} MB)")
    )
    rows.append(("mix", "60 s after they closed", f"{after:.0f} MB ({after - idle:+.0f} MB)"))
