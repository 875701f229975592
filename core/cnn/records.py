"""Typed records that CNN training and the learning-rate finder yield.

Each record is a frozen dataclass. It also reads like a dict (record["loss"], record.get("test_accuracy"),
"test_accuracy" in record), because figures and the job queue read records that way; a field that is None is
simply absent from that view, as the key was before records had types.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum


class RecordView(Mapping):
    """Read-only dict view of a dataclass's fields that are not None."""

    def __getitem__(self, name: str):
        value = getattr(self, name, None) if name in self._names() else None
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self):
        return (name for name in self._names() if getattr(self, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


class Stage(StrEnum):
    LOG = "log"  # every log_every batches: the mean loss of those batches
    EPOCH = "epoch"  # after an epoch but the last: adds the test accuracy
    DONE = "done"  # the last record: final test accuracy; stopped or diverged when it ended early


@dataclass(frozen=True, eq=False)
class Progress(RecordView):
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
