"""Typed CNN records, read by attribute: the Progress that training yields, and a session's CnnRun."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from core.cnn.settings import RunSettings

if TYPE_CHECKING:  # the doctor imports these records; the run record only names its type
    from core.cnn.doctor import DeadUnits
    from core.cnn.model import CNN


class Stage(StrEnum):
    LOG = "log"  # every log_every batches: the mean loss of those batches
    EPOCH = "epoch"  # after an epoch but the last: adds the test accuracy
    DONE = "done"  # the last record: final test accuracy; stopped or diverged when it ended early


@dataclass(frozen=True, eq=False)
class Progress:
    """One moment of a training run."""

    kind: Stage
    epoch: int
    epochs: int
    batch: int
    batches_per_epoch: int
    step: int
    total_steps: int
    loss: float  # mean training loss of the batches since the last record
    train_accuracy: float  # running accuracy on this epoch's training batches so far
    lr: float
    samples_per_s: float
    seconds_left: float
    elapsed: float
    images: int  # training images this run uses
    bundled: bool  # True when they come from the bundled sample, not the data directory
    test_accuracy: float | None = None
    stopped: bool = False
    diverged: bool = False
    precision: str | None = None  # what the forward pass ran in: "float32", "bfloat16" or "float16" (CUDA)

    @property
    def progress(self) -> float:
        """Fraction of the run's steps done, from 0 to 1."""
        return min(1.0, self.step / max(1, self.total_steps))

    @property
    def epoch_position(self) -> float:
        """Epochs done as a fraction (1.5 = halfway through the second epoch), for plotting."""
        return self.epoch - 1 + self.batch / max(1, self.batches_per_epoch)


class Source(StrEnum):
    TRAINED = "trained"
    UPLOADED = "uploaded"


@dataclass(eq=False)
class CnnRun:
    """One model of a session's run history: the model, how it was trained and where it came from.

    Not frozen: the memory budget may take its model back for another visitor (evicted), and the training doctor's
    dead-unit count is kept once measured. Compared by identity: the pages ask whether it is the run shown."""

    model: CNN | None
    records: list[Progress]
    settings: RunSettings
    source: Source
    job: str | None = None  # the job that trained it
    number: int = 0  # "Run 3" in the history, counted per session
    budget_key: str = ""  # its entry in the server's memory budget (core.serving.memory)
    evicted: bool = False
    dead: DeadUnits | None = None

    @property
    def accuracy(self) -> float | None:
        """The final test accuracy when its run measured one (an uploaded model has no records)."""
        return self.records[-1].test_accuracy if self.records else None


@dataclass(frozen=True)
class LessonModel:
    """The model the Lesson page's run of the post's script left, which the Draw page offers too."""

    model: CNN
    test_accuracy: float
    job: str
