"""The post's MNIST script (lesson/mnist_cnn.py) run as written, as a generator of console records for a page.

The script runs unchanged but for one thing: its `root='./data'` names the server's data folder (the full MNIST when
it is there, else the bundled sample). Around it, never inside it, the page adds what the script lacks:
- every printed line comes back as a record (a `print` is handed in);
- `enumerate`, which the script calls once an epoch on its DataLoader, is handed in counting batches: every
  LOSS_EVERY batches it reports the mean loss for the curve, and before each batch it asks whether to stop;
- after each epoch's line it measures the test accuracy (the script never looks at the test split).
The script runs in a thread of its own, so a page reads its records as they come; closing the generator stops it.
"""

import builtins
import math
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import torch

from core.cnn.model import CNN, Activations
from core.lesson.code import BLOCK
from core.lesson.programs import namespace, printer
from core.cnn.data import MEAN, STD, choose_data, load_split

DATA_ROOT_IN_POST = "root='./data'"
LOSS_EVERY = 10  # batches per point of the loss curve: 125 points over 10 epochs of the 8,000-image sample
EVAL_BATCH = 250
EPOCHS = 10  # the script's own `epochs = 10`; a test checks the file still says so
BATCH_SIZE = 64


class Kind(StrEnum):
    LINE = "line"  # a line the script printed
    LOSS = "loss"  # the page's: mean loss of the last LOSS_EVERY batches
    EPOCH = "epoch"  # the page's: test accuracy after an epoch
    DONE = "done"  # the run ended (stopped or not)


@dataclass(frozen=True, eq=False)
class ScriptRecord:
    """One record of a script run."""

    kind: Kind
    text: str = ""
    epoch: float = 0.0  # epochs done, as a fraction (1.5: halfway through the second)
    loss: float = math.nan
    test_accuracy: float | None = None
    stopped: bool = False
    model: torch.nn.Module | None = None  # DONE only: the trained model behind the page's CNN interface


@dataclass(frozen=True)
class ScriptData:
    root: str
    bundled: bool
    train_count: int
    test_count: int


class Stopped(Exception):
    """Raised inside the script's batch loop when the page asked it to stop."""


class LessonCNN(CNN):
    """The post's CNN, trained on `ToTensor()` images in [0, 1], behind the page's CNN interface.

    The page's tools (Draw, feature maps) feed images normalised with the page's Normalize((0.1307,), (0.3081,));
    this model undoes that first, so it sees exactly what the post's script trained it on.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x * STD + MEAN)

    def activations(self, x: torch.Tensor) -> Activations:
        return super().activations(x * STD + MEAN)


def script_data(data_root) -> ScriptData:
    """Which MNIST the script will read: the data folder's own, else the bundled sample. Never downloads."""
    choice = choose_data(data_root, download=False)
    return ScriptData(choice.root, choice.bundled, choice.train_count, choice.test_count)


def script_source(root: str) -> str:
    """The script's text with its data folder pointed at `root`: the one change made to it."""
    source = BLOCK["mnist_cnn"].source()
    if source.count(DATA_ROOT_IN_POST) != 1:
        raise RuntimeError(f"lesson/mnist_cnn.py should name {DATA_ROOT_IN_POST} once")
    return source.replace(DATA_ROOT_IN_POST, f"root={root!r}")


def test_accuracy(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Accuracy on uint8 test images, fed as the script's ToTensor() feeds them: values in [0, 1]."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    right = 0
    with torch.inference_mode():
        for start in range(0, len(images), EVAL_BATCH):
            batch = images[start : start + EVAL_BATCH].to(device).float().div_(255).unsqueeze(1)
            right += int((model(batch).argmax(1).cpu() == labels[start : start + EVAL_BATCH]).sum())
    model.train(was_training)
    return right / max(1, len(images))


def as_page_model(model: torch.nn.Module) -> LessonCNN:
    page_model = LessonCNN()
    page_model.load_state_dict({name: value.detach().cpu() for name, value in model.state_dict().items()})
    return page_model.eval()


class _Watch:
    """What the page adds around the script: counted batches, loss points, the stop check, the epoch's accuracy."""

    def __init__(self, ns: dict, emit: Callable[[ScriptRecord], None], should_stop, test_split):
        self.ns, self.emit, self.should_stop, self.test_split = ns, emit, should_stop, test_split
        self.epochs_done, self.batches, self.losses = 0, 1, []
        self.epoch_ended = False
        self.last_accuracy: float | None = None

    def enumerate(self, iterable, start=0):
        self.batches = max(1, len(iterable)) if hasattr(iterable, "__len__") else 1
        for batch_idx, item in builtins.enumerate(iterable, start):
            self._batch_done(batch_idx)
            yield batch_idx, item
        self._batch_done(self.batches)
        self.epoch_ended = True

    def _batch_done(self, batch_idx: int) -> None:
        """Called before batch `batch_idx` runs: the previous batch's loss is the script's `loss` now."""
        if batch_idx > 0 and "loss" in self.ns:
            self.losses.append(float(self.ns["loss"].item()))
        if len(self.losses) >= LOSS_EVERY or (batch_idx == self.batches and self.losses):
            position = self.epochs_done + batch_idx / self.batches
            self.emit(ScriptRecord(Kind.LOSS, epoch=position, loss=sum(self.losses) / len(self.losses)))
            self.losses = []
        if batch_idx < self.batches and self.should_stop is not None and self.should_stop():
            raise Stopped

    def printed(self, text: str) -> None:
        self.emit(ScriptRecord(Kind.LINE, text=text.rstrip("\n")))
        if self.epoch_ended:  # the line after an epoch's batches is the script's epoch summary
            self.epoch_ended = False
            self.epochs_done += 1
            self.last_accuracy = test_accuracy(self.ns["model"], *self.test_split)
            self.emit(ScriptRecord(Kind.EPOCH, epoch=self.epochs_done, test_accuracy=self.last_accuracy))


def _run(data: ScriptData, emit: Callable[[ScriptRecord], None], should_stop) -> None:
    ns = namespace("mnist_cnn")
    watch = _Watch(ns, emit, should_stop, load_split(data.root, train=False, download=False))
    ns.update(print=printer(watch.printed), enumerate=watch.enumerate)
    stopped = False
    try:
        exec(compile(script_source(data.root), str(BLOCK["mnist_cnn"].path), "exec"), ns)
    except Stopped:
        stopped = True
    model = ns.get("model")
    emit(
        ScriptRecord(
            Kind.DONE,
            epoch=watch.epochs_done,
            test_accuracy=watch.last_accuracy,
            stopped=stopped,
            model=as_page_model(model) if model is not None else None,
        )
    )


def run_script(data_root, should_stop: Callable[[], bool] | None = None) -> Iterator[ScriptRecord]:
    """Run lesson/mnist_cnn.py on the data under data_root (or the bundled sample), yielding its records live."""
    data = script_data(data_root)
    records: queue.Queue = queue.Queue()
    closed = threading.Event()

    def stop_asked() -> bool:
        return closed.is_set() or (should_stop is not None and should_stop())

    def work():
        try:
            _run(data, records.put, stop_asked)
        except BaseException as exc:  # handed to the reader, which raises it in its own thread
            records.put(exc)
        finally:
            records.put(None)

    thread = threading.Thread(target=work, name="lesson-cnn-script", daemon=True)
    thread.start()
    try:
        while (record := records.get()) is not None:
            if isinstance(record, BaseException):
                raise record
            yield record
    finally:
        closed.set()
        thread.join()
