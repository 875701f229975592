import functools
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.cnn.data import bundled_root  # noqa: E402
from core.serving.device import usable_cores  # noqa: E402

# Every AppTest starts a Streamlit runtime of its own, and each one read every installed package's metadata looking
# for components (~75 ms; ~20 s of the suite). The installed packages do not change while the tests run.
# A Streamlit without this scanner (it is internal) just scans as before.
if hasattr(manifest_scanner, "scan_component_manifests"):
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

# The tests' MNIST: the sample bundled in the repository (8,000 train / 2,000 test), so a fresh clone needs nothing
# beside it; NN_PLAYGROUND_TEST_DATA points elsewhere (any folder with MNIST/raw).
MNIST_MINI = Path(os.environ.get("NN_PLAYGROUND_TEST_DATA") or bundled_root()).resolve()
os.environ.setdefault("NN_PLAYGROUND_DATA", str(MNIST_MINI))


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (pytest.ini): one worker more than the cores. A browser test spends part of its time waiting (a
    page's quiet time, a replay playing 2 s): on 2 cores, 2 workers took the suite 5:25-5:45 with the cores ~10% idle,
    3 workers 5:04 with them busy throughout. Since the suite got lighter the two tie: 4:46 each, back to back (2 left
    the cores idle 47 s, 3 spent 45 more CPU-s, its pages waiting longer on the busier cores)."""
    return usable_cores() + 1


# The thread pools a process sizes from its environment when it starts: torch's OpenMP, the BLAS under numpy and
# torch, and the app's own (core/serving/device.py).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NN_PLAYGROUND_THREADS")


def pytest_configure(config):
    """Under pytest-xdist, every process the tests run gets its share of the cores, at least one thread: the workers,
    each app server they start, and each program they run (the post's scripts, the exported one, fresh
    interpreters). Set here, in the controller before it starts the workers, so that all of them inherit it. Pools
    of 2 threads on a 2-core box shared by 3 workers spin against each other: the post's scripts, run while both
    cores were busy, took 43.9 CPU-s with them and 18.6 with one thread each."""
    workers = getattr(config.option, "numprocesses", None) or 0
    if workers > 1 and "PYTEST_XDIST_WORKER" not in os.environ:
        share = str(max(1, usable_cores() // workers))
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, share)


# Tests marked slow (pytest.ini): `pytest -m "not slow"` is the quick local run; CI runs everything. Listed here,
# by node id without parameters, so that the files stay as their owners wrote them; every browser test is slow.
# Chosen from `--durations`: each of these took 10 s or more on the shared 2-core box.
SLOW = {
    "tests/test_cnn.py::test_lesson_defaults_reach_96_percent_in_three_epochs",
    "tests/test_cnn_export.py::test_the_exported_script_trains_with_only_torch_and_torchvision",
    "tests/test_cnn_precision.py::test_bfloat16_and_float32_from_one_seed_give_close_losses",
    "tests/test_cnn_recipe.py::test_train_epoch_fed_by_the_lessons_dataloader_learns",
    "tests/test_data.py::test_one_epoch_on_the_sample_reaches_94_percent",
    "tests/test_digits.py::test_drawn_digits_are_read_right",
    "tests/test_digits.py::test_drawn_digits_are_read_right_by_the_ready_model",
    "tests/test_hardening.py::test_damaged_mnist_files_give_a_message_and_training_uses_the_sample",
    "tests/test_jobs.py::test_memory_goes_back_after_real_runs",
    "tests/test_lesson_page.py::test_the_script_runs_live_and_its_model_reaches_the_draw_page",
    "tests/test_lesson_programs.py::test_the_cnn_script_runs_as_written_and_the_page_prints_the_same_lines",
    "tests/test_lesson_programs.py::test_xor_programs_run_from_the_command_line_and_the_page_prints_the_same_shape",
    "tests/test_photos.py::test_photo_like_images_are_read_right",
    "tests/test_safety_uploads.py::test_hostile_model_files_are_refused_from_their_header_within_bounds",
    "tests/test_safety_uploads.py::test_the_largest_accepted_images_stay_within_budget",
    "tests/test_strokes.py::test_a_million_points_are_answered_at_once",
}


# pytest-xdist (pytest.ini: --dist loadgroup) runs each group on one worker: a group is a file, so its module and
# session fixtures (a server, a browser) start once per worker that runs it, except the tests that use the CNN run
# `trained_run`: it lives in one worker's server, where no other worker can reach it, so they go together.
SHARED_FIXTURE = "trained_run"
GROUP = pytest.StashKey[str]()
# The groups that take longest go to the workers first, so the short ones fill in at the end: xdist's own order
# (--loadscope-reorder, off in pytest.ini) starts groups with the most tests first, and left these long ones with
# few tests to the end, where one worker ran on alone for 45 s of a 5.5-min run. Longest first, as measured with
# --durations: the eight sessions, the trained CNN run with the pages that use it, the layout checks, the pad.
LONGEST_FIRST = (
    "tests/browser/test_many_users.py",
    SHARED_FIXTURE,
    "tests/browser/test_screens.py",
    "tests/browser/test_pad.py",
    "tests/test_lesson_programs.py",
)


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: so a renamed test is told before it is deselected
def pytest_collection_modifyitems(config, items):
    modules = {item.nodeid.split("::")[0]: item.module for item in items}
    for item in items:
        name = item.nodeid.split("[")[0]
        if name in SLOW or name.startswith("tests/browser/"):
            item.add_marker(pytest.mark.slow)
        group = SHARED_FIXTURE if SHARED_FIXTURE in item.fixturenames else name.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
        item.stash[GROUP] = group
    rank = {group: index for index, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.stash[GROUP], len(LONGEST_FIRST)))  # stable: the rest keep their order
    # Asked of the module, not of what was collected: a run of one test (a node id) collects no other.
    stale = sorted(
        name
        for name in SLOW
        if name.split("::")[0] in modules and not hasattr(modules[name.split("::")[0]], name.split("::")[1])
    )
    if stale:
        raise pytest.UsageError(f"tests/conftest.py SLOW names tests that do not exist (renamed?): {stale}")
    missing = [group for group in LONGEST_FIRST if group != SHARED_FIXTURE and not (ROOT / group).exists()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py LONGEST_FIRST names files that do not exist: {missing}")


def open_page(page: str | None = None, *, query: dict | None = None, state: dict | None = None, timeout=120) -> AppTest:
    """The app in AppTest, the one way every test opens it: `query` as the link's values, `state` put in the session
    before the switch to `page` (e.g. "views/cnn.py"); no exception shown. `timeout`: the seconds one run may take."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def wait_until(condition, seconds: float = 300, every: float = 0.05, what: str = "it") -> None:
    """Poll `condition` until it holds. `seconds` only guards against a hang (a busy 2-core box is slow, so it is
    generous): it is never a claim about speed."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(every)


def wait_for_job(job, seconds: float = 300):
    """The job, once it finished (done, failed or stopped)."""
    wait_until(lambda: not job.active, seconds, what=f"job {job.id} finishing")
    return job


@pytest.fixture(autouse=True)
def no_mnist_download(monkeypatch):
    """Tests never fetch MNIST from the internet: a missing file must produce the offline message everywhere."""
    from core.cnn import data as mnist_data

    def offline(root):
        raise OSError("downloads are disabled in tests")

    monkeypatch.setattr(mnist_data, "_download", offline)


@pytest.fixture(scope="session")
def mnist_root() -> Path:
    if not (MNIST_MINI / "MNIST" / "raw").is_dir():
        pytest.fail(f"MNIST not found at {MNIST_MINI}/MNIST/raw; unset NN_PLAYGROUND_TEST_DATA for the bundled sample")
    return MNIST_MINI


@pytest.fixture(scope="session")
def lesson_model_run(mnist_root, tmp_path_factory, worker_id):
    """The lesson's CNN trained 3 epochs on the MNIST sample with the lesson's defaults: (model, records).

    Trained once per test run: under pytest-xdist the first worker to ask trains it and leaves it (weights as
    .safetensors, records as JSON) for the others, which would each spend ~8 s of CPU training the same model."""
    from safetensors.torch import load_file, save_file

    from core import cnn
    from core.cnn.records import Progress, Stage

    def train():
        model = cnn.build_model(seed=0)
        records = list(cnn.train(model, mnist_root, epochs=3, lr=1e-3, batch_size=64, device="cpu", seed=0))
        return model.cpu().eval(), records

    if worker_id == "master":  # not under xdist
        return train()
    shared = tmp_path_factory.getbasetemp().parent
    weights, log = shared / "lesson_model.safetensors", shared / "lesson_model.json"
    with FileLock(shared / "lesson_model.lock"):
        if not weights.exists():
            model, records = train()
            save_file({name: tensor.contiguous() for name, tensor in model.state_dict().items()}, weights)
            log.write_text(json.dumps([asdict(record) for record in records]))
            return model, records
    model = cnn.build_model(seed=0)
    model.load_state_dict(load_file(weights))
    records = [Progress(**{**record, "kind": Stage(record["kind"])}) for record in json.loads(log.read_text())]
    return model.eval(), records


class WritesAFile:
    """Unpickling this opens (creates) a file: what a malicious "model" would do."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture(scope="session")
def ready_model():
    """The ready-made model shipped in models/ (read once; tests must not change it)."""
    from core.files.ready_model import load_ready_model

    return load_ready_model()


@pytest.fixture
def local_mode(monkeypatch):
    """Pages as a local user runs them (NN_PLAYGROUND_LOCAL=1): the data directory can be edited on the page."""
    monkeypatch.setenv("NN_PLAYGROUND_LOCAL", "1")


def write_idx(path: Path, array: np.ndarray) -> None:
    magic = {3: 2051, 1: 2049}[array.ndim]
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="session")
def post_data_folder(tmp_path_factory, mnist_root) -> Path:
    """A folder laid out as the post's script expects (./data/MNIST/raw), with 320 training and 125 test images of
    the bundled sample, so that the script's 10 epochs take seconds."""
    folder = tmp_path_factory.mktemp("post")
    raw = folder / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    from core.cnn.data import load_split

    train_images, train_labels = load_split(mnist_root, train=True, download=False)
    test_images, test_labels = load_split(mnist_root, train=False, download=False)
    write_idx(raw / "train-images-idx3-ubyte", train_images[:320].numpy())
    write_idx(raw / "train-labels-idx1-ubyte", train_labels[:320].numpy())
    write_idx(raw / "t10k-images-idx3-ubyte", test_images[:125].numpy())
    write_idx(raw / "t10k-labels-idx1-ubyte", test_labels[:125].numpy())
    shutil.copy(ROOT / "lesson" / "mnist_cnn.py", folder / "mnist_cnn.py")
    return folder
