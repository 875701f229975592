"""Play hostile visitors against a real server through Streamlit's own websocket protocol, and print what it cost.

    python bench/hostile.py                       # about 6–8 minutes on 2 cores
    python bench/hostile.py --runs 10 --flood 10  # shorter

No browser: each visitor is a raw client of /_stcore/stream that sends BackMsg protobufs (a rerun with a query
string, widget triggers by id, fragment reruns) as the frontend would, and whatever the frontend never would.
Phases:
  memory  --runs sessions each train the largest model (conv 64/128, fc 512, batch 16, 1 epoch on --subset images),
          the first alone, the rest queued at once: the server's memory after the first run, after all, and its peak.
  flood   --flood sessions each queue the largest model for as many epochs as a public run may have, one tries more
          and twice; a new visitor presses Quick train on the Draw page: how long until it starts and until it is done.
          Then the flooding sessions close: how long a new normal run waits behind their abandoned jobs.
  xor     --hammer visitors load the XOR page (it trains on arrival) with 16 hidden units × both implementations,
          as many epochs as one click may have (--xor-epochs), and a new seed each time so no cache helps, as fast
          as the server answers: how much slower a CNN run gets (--xor-rounds runs of --cnn-epochs epochs timed
          alone, then as many while hammered; about 3 minutes), and how long Stop takes, with and without them.
  uploads --upload-sessions sessions each PUT --upload-files 16 MB files that no uploader refers to: memory kept.
  widgets --widget-sessions sessions each send a 1.86 MB `[[],[],…]` widget value, then close: memory kept, and
          60 s after they closed.
  storm   a reload storm: --storm new sessions as fast as one address can open them: how many ran at once.
  finder  --finder sessions (that had a turn) queue the LR finder; a new visitor's Quick train: wait and run.
  history, inside, confusion, mix40: the whole-server phases, see bench/hostile_load.py (not in the default run:
          `--phases history,inside,confusion,mix40`, about 10 minutes; `--sessions 3` for a small try).
Memory is the server process's VmRSS and VmHWM (peak) from /proc. Not part of CI.
"""

import argparse
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string
from websockets.sync.client import connect

warnings.filterwarnings("ignore", message="connect.. must be used as a context manager")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page_timing import free_port, start_server  # noqa: E402

LARGEST = {"cnn_c1": 64, "cnn_c2": 128, "cnn_fc": 512, "cnn_batch": 16}
FINISHED = (
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
)


class Visitor:
    """One browser tab, as the server sees it: a websocket session on one page."""

    def __init__(self, port: int, page: str, **query):
        self.xsrf = xsrf_cookie(port)
        self.ws = connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=2**27,
            open_timeout=60,
            additional_headers={"Cookie": f"_streamlit_xsrf={self.xsrf}"},
        )
        self.session_id = ""
        self.page, self.query = page, urllib.parse.urlencode(query)
        self.buttons: dict[str, str] = {}  # label → widget id
        self.widgets: dict[str, str] = {}  # widget id → the fragment it is drawn in ("" outside any)
        self.fragment = ""  # the auto-refreshing progress fragment's id, once the page has one
        self.texts: list[str] = []

    def run(self, click: str | None = None, fragment: bool = False, timeout: float = 120) -> str:
        """Rerun the page (or only its progress fragment), pressing the button labelled `click`; the text shown."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name = self.query, self.page
        if fragment:
            state.fragment_id, state.is_auto_rerun = self.fragment, True
        if click is not None:
            state.widget_states.widgets.append(WidgetState(id=self.buttons[click], trigger_value=True))
        self.ws.send(message.SerializeToString())
        return self._collect(timeout)

    def _collect(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        self.texts = []
        while True:
            message = ForwardMsg.FromString(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._element(message.delta.new_element, message.delta.fragment_id)
            elif kind == "delta" and message.delta.add_block.tab_container.id:
                self.widgets[message.delta.add_block.tab_container.id] = message.delta.fragment_id
            elif kind == "auto_rerun":
                self.fragment = message.auto_rerun.fragment_id
            elif kind == "stop_auto_rerun":
                self.fragment = ""
            elif kind == "script_finished" and message.script_finished in FINISHED:
                return "\n".join(self.texts)

    def _element(self, element, fragment: str = "") -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if getattr(body, "id", ""):
            self.widgets[body.id] = fragment
        if kind == "button":
            self.buttons[body.label] = body.id
        if kind == "exception":
            self.texts.append(f"EXCEPTION {body.type}: {body.message}")
        for field in ("body", "label", "text"):
            value = getattr(body, field, None)
            if isinstance(value, str) and value:
                self.texts.append(value)

    def widget(self, key: str) -> tuple[str, str]:
        """(widget id, its fragment id) of the widget whose key is `key` (Streamlit puts the key in the id)."""
        for widget_id, fragment in self.widgets.items():
            if widget_id.endswith(f"-{key}"):
                return widget_id, fragment
        raise KeyError(key)

    def close(self) -> None:
        self.ws.close()

    def put_file(
        self, port: int, size: int, file_id: str = "", content: bytes | None = None, name: str = "x.bin"
    ) -> int:
        """PUT a file (`content`, else `size` zero bytes) to the session's upload endpoint, as an uploader does or as
        none asked: the HTTP status."""
        boundary = "benchboundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + (content if content is not None else bytes(size))
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/_stcore/upload_file/{self.session_id}/{file_id or f'{random.getrandbits(64):x}'}",
            data=body,
            method="PUT",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Cookie": f"_streamlit_xsrf={self.xsrf}",
                "X-Xsrftoken": self.xsrf,
            },
        )
        try:
            return urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as error:
            return error.code
        except urllib.error.URLError:
            return 0

    def message(self, *widgets: WidgetState, fragment: str = "") -> BackMsg:
        """A rerun of the page (or of one fragment) with these widget values, as the browser sends a click."""
        message = BackMsg()
        message.rerun_script.query_string, message.rerun_script.page_name = self.query, self.page
        message.rerun_script.fragment_id = fragment
        message.rerun_script.widget_states.widgets.extend(widgets)
        return message

    def send(self, *widgets: WidgetState, fragment: str = "", timeout: float = 120) -> str:
        """Send those widget values and wait for the run to finish: the text shown."""
        self.ws.send(self.message(*widgets, fragment=fragment).SerializeToString())
        return self._collect(timeout)

    def send_value(self, widget_id: str, json_text: str) -> None:
        """A widget value the page never sends, as a raw client can."""
        message = BackMsg()
        message.rerun_script.query_string, message.rerun_script.page_name = self.query, self.page
        message.rerun_script.widget_states.widgets.append(WidgetState(id=widget_id, json_value=json_text))
        self.ws.send(message.SerializeToString())


def xsrf_cookie(port: int) -> str:  # noqa: ARG001  (any client may mint its own: the check is double-submit)
    """An XSRF cookie as the server sets one: the upload endpoint only checks that the header matches the cookie."""
    return generate_xsrf_token_string()


def memory_mb(pid: int) -> dict[str, float]:
    with open(f"/proc/{pid}/status") as status:
        return {
            line.split(":")[0]: int(line.split()[1]) / 1024 for line in status if line.startswith(("VmRSS", "VmHWM"))
        }


def wait_for(
    visitor: Visitor, words: tuple[str, ...], every: float = 1.0, timeout: float = 900, fragment: bool = True
) -> tuple[float, str]:
    """Poll as the page's progress fragment does until its text contains one of `words`: (seconds, text)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            use_fragment = fragment and bool(visitor.fragment)
            text = visitor.run(fragment=use_fragment, timeout=1 if use_fragment else 60)
        except TimeoutError:  # a fragment that the page no longer has gets no answer: rerun the page
            # (after 1 s: waiting 3 s here added up to 3 s to a run's time, as much as the effect measured)
            visitor.fragment = ""
            continue
        if any(word in text for word in words):
            return time.monotonic() - started, text
        time.sleep(every)
    raise TimeoutError(f"none of {words} within {timeout} s")


def start_training(port: int, click: str = "Train", page: str = "cnn", **query) -> tuple[Visitor, str]:
    visitor = Visitor(port, page, **query)
    visitor.run()
    return visitor, visitor.run(click=click)


def quick_train(port: int, timeout: float = 600) -> tuple[float, float]:
    """A new visitor's Quick train on the Draw page: (seconds from the click until it started, until its progress
    panel is gone: the page then adopts the model and shows no "Done:" line)."""
    visitor, text = start_training(port, click="Quick train", page="draw")
    clicked, started = time.monotonic(), None
    while "Stop training" in text and time.monotonic() - clicked < timeout:
        if started is None and any(word in text for word in ("Epoch", "Starting")):
            started = time.monotonic() - clicked
        time.sleep(0.5)
        try:
            text = visitor.run(fragment=bool(visitor.fragment), timeout=1 if visitor.fragment else 60)
        except TimeoutError:  # the panel's fragment is gone: the page reruns whole
            visitor.fragment, text = "", "Stop training"
    visitor.close()
    done = time.monotonic() - clicked
    return (done if started is None else started), done


def phase_memory(port: int, pid: int, runs: int, subset: int, rows: list) -> None:
    settings = {**LARGEST, "cnn_epochs": 1, "cnn_subset": subset}
    first, _ = start_training(port, **settings)
    wait_for(first, ("Done:",), every=2)
    time.sleep(2)
    after_first = memory_mb(pid)["VmRSS"]
    others = [start_training(port, cnn_seed=i, **settings)[0] for i in range(1, runs)]
    started = time.monotonic()
    wait_for(others[-1], ("Done:",), every=5, timeout=runs * 120)
    took = time.monotonic() - started
    time.sleep(2)
    after_all = memory_mb(pid)
    for visitor in [first, *others]:
        visitor.close()
    rows.append(("memory", f"after the 1st largest-model run (of {runs})", f"{after_first:.0f} MB"))
    rows.append(
        (
            "memory",
            f"after all {runs} runs ({took:.0f} s)",
            f"{after_all['VmRSS']:.0f} MB ({after_all['VmRSS'] - after_first:+.0f} MB)",
        )
    )
    rows.append(("memory", "peak so far (VmHWM)", f"{after_all['VmHWM']:.0f} MB"))


def phase_flood(port: int, pid: int, flood: int, rows: list) -> None:
    greedy, text = start_training(port, **LARGEST, cnn_epochs=30, cnn_subset=60000)
    refused = "at most 600,000 images" in text
    rows.append(
        (
            "flood",
            "largest model, 30 epochs × all images",
            "refused: over the public cap"
            if refused
            else "queued (within the public cap of 600,000 image passes with this data)",
        )
    )
    greedy.close()
    epochs = 10 if refused else 30
    hostile = [
        start_training(port, cnn_seed=i, **LARGEST, cnn_epochs=epochs, cnn_subset=60000)[0] for i in range(flood)
    ]
    again = hostile[0].run(click="Train")
    rows.append(
        (
            "flood",
            "a session presses Train again (raw trigger)",
            "refused"
            if "already have a training run" in again
            else "ignored: no second job"
            if "in line" in again or "Epoch" in again
            else "NOT REFUSED",
        )
    )
    waiting = hostile[-1].run()
    rows.append(
        (
            "flood",
            f"{flood} sessions queue the largest model, {epochs} epochs",
            "all queued" if "in line" in waiting else "NOT QUEUED",
        )
    )
    wait_start, run_time = quick_train(port)
    rows.append(("flood", "new visitor's Quick train (1 epoch): wait to start", f"{wait_start:.1f} s"))
    rows.append(("flood", "new visitor's Quick train: from the click until done", f"{run_time:.1f} s"))
    for visitor in hostile:
        visitor.close()
    closed = time.monotonic()
    normal, _ = start_training(port, cnn_epochs=5, cnn_subset=60000, cnn_seed=7)  # too big for the express lane
    wait, _ = wait_for(normal, ("Epoch", "Starting"), every=1, timeout=600)
    rows.append(
        ("flood", f"after the {flood} flooding tabs close: a normal run's wait", f"{time.monotonic() - closed:.1f} s")
    )
    normal.run(click="Stop training")
    wait_for(normal, ("Stopped at",), every=0.5)
    normal.close()
    rows.append(("flood", "peak so far (VmHWM)", f"{memory_mb(pid)['VmHWM']:.0f} MB"))


def cnn_run_seconds(port: int, seed: int, epochs: int) -> float:
    """A normal visitor's run (the lesson's model, `epochs` epochs of the data): seconds from Train to done."""
    visitor, _ = start_training(port, cnn_epochs=epochs, cnn_subset=60000, cnn_seed=seed)
    seconds, _ = wait_for(visitor, ("Done:",), every=0.5)
    visitor.close()
    return seconds


def stop_latency(port: int, seed: int) -> float:
    visitor, _ = start_training(port, cnn_epochs=10, cnn_subset=60000, cnn_seed=seed)
    wait_for(visitor, ("Epoch",), every=0.5)
    time.sleep(2)
    clicked = time.monotonic()
    visitor.run(click="Stop training", fragment=True)  # the button is in the progress fragment: the browser reruns that
    wait_for(visitor, ("Stopped at",), every=0.1)
    seconds = time.monotonic() - clicked
    visitor.close()
    return seconds


def hammer(port: int, epochs: int, stop: threading.Event, counts: dict) -> None:
    """Open the XOR page (it trains on arrival) with both implementations, 16 hidden units and a fresh seed."""
    while not stop.is_set():
        visitor = Visitor(
            port, "xor", xor_impl="both", xor_hidden=16, xor_epochs=epochs, xor_seed=random.randrange(2**31)
        )
        try:
            text = visitor.run(timeout=300)
            counts["busy" if "busy" in text else "refused" if "one click may use" in text else "trained"] += 1
        finally:
            visitor.close()


def phase_xor(port: int, hammers: int, epochs: int, rounds: int, cnn_epochs: int, rows: list) -> None:
    cnn_run_seconds(port, 10, cnn_epochs)  # the first run after start also pays for warming up: not a fair baseline
    alone = [cnn_run_seconds(port, 11 + i, cnn_epochs) for i in range(rounds)]
    stop_alone = stop_latency(port, seed=20)
    stop, counts = threading.Event(), {"trained": 0, "refused": 0, "busy": 0}
    threads = [threading.Thread(target=hammer, args=(port, epochs, stop, counts), daemon=True) for _ in range(hammers)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    hammered = [cnn_run_seconds(port, 31 + i, cnn_epochs) for i in range(rounds)]
    stop_hammered = stop_latency(port, seed=40)
    stop.set()
    for thread in threads:
        thread.join()
    base = statistics.median(alone)
    rows.append(("xor", f"a CNN run ({cnn_epochs} epochs): alone, median of {rounds}", f"{base:.1f} s"))
    rows.append(
        (
            "xor",
            f"… while {hammers} visitors load XOR ({epochs:,} epochs, both, 16 hidden, new seeds): median, slowest",
            f"{statistics.median(hammered):.1f} s ({statistics.median(hammered) / base:.2f}×), "
            f"{max(hammered):.1f} s ({max(hammered) / base:.2f}×)",
        )
    )
    rows.append(("xor", "Stop, from click to 'Stopped' on the page: alone", f"{stop_alone:.2f} s"))
    rows.append(("xor", f"… while {hammers} visitors hammer XOR", f"{stop_hammered:.2f} s"))
    rows.append(
        (
            "xor",
            "XOR page loads: trained / refused as too costly / told the server is busy",
            f"{counts['trained']} / {counts['refused']} / {counts['busy']}",
        )
    )


def held_then_released(rows: list, phase: str, what: str, visitors: list, pid: int, before: float) -> None:
    """Two rows: the memory while `visitors` hold what they sent, then 60 s after their tabs closed."""
    held = memory_mb(pid)
    rows.append(
        (phase, what, f"{held['VmRSS']:.0f} MB ({held['VmRSS'] - before:+.0f} MB), peak {held['VmHWM']:.0f} MB")
    )
    for visitor in visitors:
        visitor.close()
    after = settle(pid, 60)
    rows.append((phase, "60 s after those tabs closed", f"{after:.0f} MB ({after - before:+.0f} MB)"))


def settle(pid: int, seconds: float) -> float:
    """The server's RSS after `seconds` with nobody connected."""
    time.sleep(seconds)
    return memory_mb(pid)["VmRSS"]


def phase_uploads(port: int, pid: int, sessions: int, files: int, rows: list) -> None:
    before = memory_mb(pid)["VmRSS"]
    visitors = [Visitor(port, "cnn") for _ in range(sessions)]
    for visitor in visitors:
        visitor.run(timeout=300)
    started, statuses = time.monotonic(), []
    for visitor in visitors:
        statuses += [visitor.put_file(port, 16 * 2**20 - 4096) for _ in range(files)]  # under maxUploadSize
    took = time.monotonic() - started
    accepted = sum(status == 204 for status in statuses)
    what = f"{sessions} sessions × {files} PUTs of 16 MB no uploader refers to ({took:.0f} s; {accepted} accepted)"
    held_then_released(rows, "uploads", what, visitors, pid, before)


def phase_widgets(port: int, pid: int, sessions: int, rows: list) -> None:
    before = memory_mb(pid)["VmRSS"]
    attack = "[" + ",".join(["[]"] * 620_000) + "]"  # 1.86 MB; 47-49 MB of lists once parsed
    started = time.monotonic()
    for _ in range(sessions):
        visitor = Visitor(port, "draw")
        visitor.run(timeout=300)
        visitor.send_value("$$ID-bench-pad", attack)
        time.sleep(0.2)
        visitor.close()
    took = time.monotonic() - started
    held = memory_mb(pid)["VmRSS"]
    rows.append(
        (
            "widgets",
            f"{sessions} sessions send a 1.86 MB [[],…] value and close ({took:.0f} s)",
            f"{held:.0f} MB ({held - before:+.0f} MB)",
        )
    )
    after = settle(pid, 60)
    rows.append(("widgets", "60 s later", f"{after:.0f} MB ({after - before:+.0f} MB)"))


def phase_storm(port: int, pid: int, storm: int, rows: list) -> None:
    before = memory_mb(pid)["VmRSS"]
    started = time.monotonic()
    visitors = []
    for _ in range(storm):
        visitor = Visitor(port, "cnn")
        message = BackMsg()
        message.rerun_script.page_name = "cnn"
        visitor.ws.send(message.SerializeToString())
        visitors.append(visitor)
    opened = time.monotonic() - started
    done = 0
    for visitor in visitors:
        try:
            visitor._collect(timeout=30)
            done += 1
        except TimeoutError:
            pass
    took = time.monotonic() - started
    for visitor in visitors:
        visitor.close()
    rows.append(
        (
            "storm",
            f"{storm} new sessions opened in {opened:.1f} s ({storm / opened:.0f}/s): pages run to the end",
            f"{done} in {took:.1f} s; peak {memory_mb(pid)['VmHWM']:.0f} MB (was {before:.0f} MB)",
        )
    )


def phase_finder(port: int, finders: int, rows: list) -> None:
    visitors = []
    for i in range(finders):
        visitor = Visitor(port, "cnn", cnn_c1=64, cnn_c2=128, cnn_fc=512, cnn_seed=i)
        visitor.run(timeout=300)
        if "Find a learning rate" in visitor.buttons:
            visitor.run(click="Find a learning rate")
        visitors.append(visitor)
    wait_start, run_time = quick_train(port)
    what = f"{finders} sessions queue the LR finder: a newcomer's Quick train waits"
    rows.append(("finder", what, f"{wait_start:.1f} s"))
    rows.append(("finder", "… and is done after the click", f"{run_time:.1f} s"))
    for visitor in visitors:
        visitor.close()


def whole_server_phases(args, phases: list[str], port: int, pid: int, rows: list) -> None:
    from bench import hostile_load  # it builds on this module's Visitor

    runs = {
        "history": lambda: hostile_load.phase_history(
            port, pid, args.sessions or args.history_sessions, args.history_loads, rows
        ),
        "inside": lambda: hostile_load.phase_inside(port, args.inside_rate, rows),
        "confusion": lambda: hostile_load.phase_confusion(port, args.confusion_rate, rows),
        "mix40": lambda: hostile_load.phase_mix(port, pid, args.sessions or args.mix, args.mix_seconds, rows),
    }
    for name, run in runs.items():
        if name in phases:
            shown = len(rows)
            run()
            for row in rows[shown:]:  # as it goes: these phases take minutes
                print(*row, sep="  |  ", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--subset", type=int, default=1000)
    parser.add_argument("--flood", type=int, default=30)
    parser.add_argument("--hammer", type=int, default=3)
    parser.add_argument(
        "--xor-epochs",
        type=int,
        default=10_000,
        help="about the most the XOR page lets one click train with both implementations (3 s; 50,000 is refused)",
    )
    parser.add_argument("--xor-rounds", type=int, default=5, help="CNN runs timed alone and timed while hammered")
    parser.add_argument(
        "--cnn-epochs",
        type=int,
        default=6,
        help="epochs of each timed CNN run (6: about 11 s, so the 0.5 s polling blurs its end by under 5%%)",
    )
    parser.add_argument("--upload-sessions", type=int, default=3)
    parser.add_argument("--upload-files", type=int, default=20)
    parser.add_argument("--widget-sessions", type=int, default=20)
    parser.add_argument("--storm", type=int, default=60)
    parser.add_argument("--finder", type=int, default=32)
    parser.add_argument("--history-sessions", type=int, default=15)
    parser.add_argument("--history-loads", type=int, default=5)
    parser.add_argument("--inside-rate", type=float, default=14.5, help="picks of a test image a second, each session")
    parser.add_argument("--confusion-rate", type=float, default=33.0, help="confusion-cell clicks a second")
    parser.add_argument("--mix", type=int, default=40, help="sessions in the mix40 phase")
    parser.add_argument("--mix-seconds", type=float, default=60.0, help="how long the mix40 sessions attack")
    parser.add_argument("--sessions", type=int, help="a small try: this many sessions in history and mix40")
    parser.add_argument("--phases", default="uploads,widgets,storm,memory,finder,flood,xor")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    rows = []
    try:
        for page in ("", "cnn", "draw", "xor"):
            Visitor(port, page).run(timeout=300)
        rows.append(("start", "server after loading every page once", f"{memory_mb(server.pid)['VmRSS']:.0f} MB"))
        phases = args.phases.split(",")
        if "uploads" in phases:
            phase_uploads(port, server.pid, args.upload_sessions, args.upload_files, rows)
        if "widgets" in phases:
            phase_widgets(port, server.pid, args.widget_sessions, rows)
        if "storm" in phases:
            phase_storm(port, server.pid, args.storm, rows)
        if "memory" in phases:
            phase_memory(port, server.pid, args.runs, args.subset, rows)
        if "finder" in phases:
            phase_finder(port, args.finder, rows)
        if "flood" in phases:
            phase_flood(port, server.pid, args.flood, rows)
        if "xor" in phases:
            phase_xor(port, args.hammer, args.xor_epochs, args.xor_rounds, args.cnn_epochs, rows)
        whole_server_phases(args, phases, port, server.pid, rows)
    finally:
        server.terminate()
        server.wait(30)
        width = max(len(what) for _, what, _ in rows) if rows else 0
        print(f"\n{'phase':<7} {'what':<{width}}  value")
        for phase, what, value in rows:
            print(f"{phase:<7} {what:<{width}}  {value}")


if __name__ == "__main__":
    main()
