"""Watch it learn: the NumPy net trained a bounded chunk of epochs at a time, so a page can redraw between chunks
(play, pause, single step, reset). The chunks are the ones core.xor.numpy_net.train yields, one epoch each."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from core.xor import experiment as xe
from core.xor import numpy_net as xor_numpy
from core.xor.datasets import Dataset
from core.xor.experiment import XorSettings
from core.xor.features import expand
from core.xor.numpy_net import Record

_NUMBERS = itertools.count()
# Redraws are asked for about 8 times a second and come about that often (bench/xor_watch_fps.py): the server's part
# takes 10–50 ms, the browser paints the canvas (ui/live_canvas.py) in a few ms.
TICK_SECONDS = 0.12
PLAY_TICKS = 75  # a whole run plays in about 10 s at 8 redraws a second...
TICK_CPU_SECONDS = 0.02  # ...unless its chunks would cost more than this estimate each: then it plays longer


@dataclass
class Watch:
    settings: XorSettings
    data: Dataset
    run: Iterator[Record]  # one record per epoch
    last: Record
    losses: list = field(default_factory=list)  # the training loss at every epoch so far
    test_losses: list = field(default_factory=list)  # (epoch, test loss) after each chunk, on a data set
    playing: bool = False
    number: int = field(default_factory=lambda: next(_NUMBERS))  # tells a fresh watch from the one it replaced

    @property
    def done(self) -> bool:
        return self.last.epoch >= self.settings.epochs or not np.isfinite(self.last.loss)


def start(settings: XorSettings) -> Watch:
    """A fresh net for these settings at epoch 0 (NumPy: the post's net, or the page's with options)."""
    data = xe.dataset(settings)
    X = expand(data.X_train, settings.features)
    net = xe.numpy_net(settings)
    run = xor_numpy.train(
        net, X, data.y_train, settings.epochs, settings.learning_rate, settings.epochs, xe.on_points(settings)
    )
    first = next(run)
    watch = Watch(settings, data, run, first, list(first.losses))
    _note_test_loss(watch)
    return watch


def chunk_epochs(settings: XorSettings) -> int:
    """Epochs per redraw: the run in PLAY_TICKS chunks, each at least 1 epoch and at most TICK_CPU_SECONDS' worth."""
    one_epoch = xe.cost_seconds(replace(settings, implementation="numpy", epochs=1))
    most = max(1, int(TICK_CPU_SECONDS / one_epoch))
    return int(np.clip(int(np.ceil(settings.epochs / PLAY_TICKS)), 1, most))


def chunk_cost(settings: XorSettings) -> float:
    return xe.cost_seconds(replace(settings, implementation="numpy", epochs=chunk_epochs(settings)))


def advance(watch: Watch, epochs: int) -> None:
    """Train up to `epochs` more epochs (fewer at the run's end or at a NaN)."""
    for _ in range(epochs):
        if watch.done:
            break
        watch.last = next(watch.run)
        watch.losses += watch.last.losses
    _note_test_loss(watch)


def _note_test_loss(watch: Watch) -> None:
    if len(watch.data.X_test):
        _, outputs = xor_numpy.predict(watch.last.params, watch.data.X_test, watch.settings.activation)
        test_loss = xor_numpy.cost(watch.data.y_test, outputs) / len(watch.data.y_test)
        watch.test_losses.append((watch.last.epoch, test_loss))


def test_accuracy(watch: Watch) -> float | None:
    if not len(watch.data.X_test):
        return None
    _, outputs = xor_numpy.predict(watch.last.params, watch.data.X_test, watch.settings.activation)
    return float(np.mean(xor_numpy.correct(outputs, watch.data.y_test)))
