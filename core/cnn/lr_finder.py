"""Find a learning rate: the range test (Leslie Smith, 2015; fastai's lr_find).

Train a fresh copy of the model for about 100 batches while the learning rate grows exponentially from tiny to
large, and watch the loss: flat while the steps are too small, falling fast where the rate is useful, exploding
where it is too large. Each step is one call of the recipe's own loop, core.cnn.train_epoch, on one batch.
Bounded work: at most `steps` batches of 64 (about 3 s for the lesson's CNN on 2 cores).
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from core import cnn
from core.cnn.data import choose_data, load_split, normalize
from core.errors import UserError

MAX_STEPS = 200
SMOOTHING = 0.9  # exponential moving average of the loss, debiased as fastai does (its default is 0.98 over 100)
CENTRED_HALF_WINDOW = 4  # the suggestion looks for the lowest average of 9 neighbouring batch losses
BLOW_UP = 4.0  # stop once the smoothed loss is 4× its best: the rates beyond only get worse (fastai's rule)


@dataclass(frozen=True, eq=False)
class LrStep:
    step: int
    steps: int
    lr: float
    loss: float  # this batch's loss
    smoothed: float  # its moving average, what the plot and the suggestion use
    done: bool = False
    suggestion: float | None = None  # on the last record: a tenth of the rate where the smoothed loss was lowest
    stopped: bool = False
    diverged: bool = False


def job_cost(model_config: dict, steps: int, batch_size: int) -> float:
    """The range test's work for the training queue, in lesson-model image passes like a training run's: `steps`
    batches of this model, so an LR finder on the largest model (conv 64/128, fc 512) weighs 2.3× the lesson's."""
    from core.cnn.cost import estimate_cost  # lazily: cost builds a model to count its layers

    return estimate_cost({**model_config, "epochs": 1, "train_subset": steps * batch_size, "batch_size": batch_size})


def rates(start: float, end: float, steps: int) -> list[float]:
    """Learning rates growing exponentially from start to end in `steps` steps."""
    return [start * (end / start) ** (i / max(1, steps - 1)) for i in range(steps)]


def suggest(records: list[LrStep]) -> float | None:
    """A tenth of the rate with the lowest loss: the loss still falls fast there and is far from exploding.

    The lowest point is found on a centred average of the batch losses: the running average that the live plot
    shows lags about ten steps behind, which at 100 steps from 1e-6 to 1 is a rate 4× too high.
    """
    finite = [r for r in records if math.isfinite(r.loss)]
    if not finite:
        return None
    half = CENTRED_HALF_WINDOW
    centred = [
        sum(r.loss for r in finite[max(0, i - half) : i + half + 1]) / len(finite[max(0, i - half) : i + half + 1])
        for i in range(len(finite))
    ]
    lowest = min(range(len(finite)), key=centred.__getitem__)
    return finite[lowest].lr / 10


def _check(start, end, steps, batch_size):
    if not (0 < start < end <= 10) or not all(math.isfinite(v) for v in (start, end)):
        raise UserError(
            "The learning-rate range must satisfy 0 < start < end ≤ 10 (got {start} to {end}).", start=start, end=end
        )
    if not 2 <= steps <= MAX_STEPS or not 1 <= batch_size <= 512:
        raise UserError("The range test takes 2 to {most} steps of batches of 1 to 512 images.", most=MAX_STEPS)


def lr_range_test(
    model_config: dict,
    data_root,
    *,
    optimizer: str = "adam",
    momentum: float = 0.9,
    seed: int = 0,
    batch_size: int = 64,
    start: float = 1e-6,
    end: float = 1.0,
    steps: int = 100,
    download: bool = False,
    should_stop=None,
) -> Iterator[LrStep]:
    """Yield one LrStep per batch; the last has done=True and the suggested learning rate."""
    _check(start, end, steps, batch_size)
    model = cnn.build_model(seed, **model_config).to(memory_format=torch.channels_last)
    criterion, opt = cnn.loss_and_optimizer(model, optimizer, start, momentum, "cpu")
    images, labels = load_split(choose_data(data_root, download).root, train=True, download=False)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    records, average, best = [], 0.0, math.inf
    for step, lr in enumerate(rates(start, end, steps), start=1):
        for group in opt.param_groups:
            group["lr"] = lr
        chosen = order[torch.arange(step * batch_size, (step + 1) * batch_size) % len(images)]
        batch = [(normalize(images[chosen]).contiguous(memory_format=torch.channels_last), labels[chosen])]
        loss = cnn.train_epoch(model, batch, criterion, opt)
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        smoothed = average / (1 - SMOOTHING**step)
        record = LrStep(step, steps, lr, loss, smoothed)
        records.append(record)
        best = min(best, smoothed)
        blown_up = not math.isfinite(smoothed) or (step > 5 and smoothed > BLOW_UP * best)
        stopped = bool(should_stop and should_stop())
        if blown_up or stopped or step == steps:
            yield LrStep(step, steps, lr, loss, smoothed, True, suggest(records), stopped, not math.isfinite(loss))
            return
        yield record
