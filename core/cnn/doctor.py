"""The training doctor: reads a run's records (and, cheaply, its finished model) and says in words what went wrong.

Each finding carries English templates the page translates, and a suggested change as run settings
(train()'s argument names → value) that the page applies to its widgets with one click.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum

import torch

from core.cnn import settings
from core.cnn.data import normalize
from core.cnn.records import Progress, Stage

LN10 = math.log(10)  # cross-entropy of a uniform guess over ten digits: −log(1/10)
GUESSING_BAND = 0.15  # a loss within this of ln 10 has learned (almost) nothing
SPIKE_FACTOR = 2.0  # a logged loss twice the best so far, and at least SPIKE_RISE above it, is a spike
SPIKE_RISE = 0.3
OVERFIT_GAP = 0.03  # train accuracy this far above test accuracy (the train figure trails, so this is a lot)
DEAD_SHARE = 0.7  # the lesson's run leaves about 45% of its fc units silent (measured: 57 of 128); 70% is not normal
SPIKE_WINDOW = 3  # records averaged before comparing, so one noisy batch is no spike
DEAD_CHECK_IMAGES = 500  # about 50 ms of inference for the lesson's CNN on 2 cores
# CNN.activations keeps every layer's output of a batch: in batches of 100, the check on the largest model raised
# the process's peak memory by about 100 MB (measured), all 500 at once by 354 MB.
DEAD_CHECK_BATCH = 100


class Symptom(StrEnum):
    DIVERGED = "diverged"
    GUESSING = "guessing"
    SPIKES = "spikes"
    OVERFITTING = "overfitting"
    DEAD_RELU = "dead_relu"


@dataclass(frozen=True)
class Finding:
    symptom: Symptom
    title: str  # English
    message: str  # English template: what the run shows and what it means
    advice: str  # English template: what to change
    values: dict = field(default_factory=dict)
    fix: dict = field(default_factory=dict)  # run setting name → suggested value; empty: nothing to click


@dataclass(frozen=True)
class DeadUnits:
    count: int  # fc units that output 0 after ReLU for every image checked
    total: int  # all fc units
    images: int  # images checked


def dead_units(model, images_uint8: torch.Tensor) -> DeadUnits:
    """Which of the hidden fc layer's units never fire, over the first DEAD_CHECK_IMAGES images."""
    parameter = next(model.parameters())
    x = normalize(images_uint8[:DEAD_CHECK_IMAGES]).to(device=parameter.device, dtype=parameter.dtype)
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        batches = x.split(DEAD_CHECK_BATCH)
        hidden = torch.cat([model.activations(batch).fc1 for batch in batches])
    model.train(was_training)
    return DeadUnits(int((hidden <= 0).all(0).sum()), hidden.shape[1], len(x))


def diagnose(
    records: list[Progress],
    run: settings.RunSettings,
    dead: DeadUnits | None = None,
    available_images: int | None = None,
) -> list[Finding]:
    """Findings for a run: its records, its settings and optionally dead_units of its model."""
    logs = [r for r in records if r.kind == Stage.LOG]
    if not records:
        return []
    findings = []
    diverged = records[-1].diverged or any(not math.isfinite(r.loss) for r in records)
    if diverged:
        return [_diverged(run)]
    if logs and _guessing(records):
        return [_guessing_finding(records, run)]  # its dead units are the cause, not a second problem
    findings += _spikes(logs, run)
    findings += _overfitting(records, run, available_images)
    if dead is not None:
        findings += _dead(dead, run)
    return findings


def _lr(run: settings.RunSettings) -> float:
    return float(run.lr)


def _lower_lr(run: settings.RunSettings, steps: int) -> dict:
    lower = settings.step_options(settings.LEARNING_RATE, _lr(run), -steps)
    return {"lr": lower} if lower < _lr(run) else {}


def _diverged(run: settings.RunSettings) -> Finding:
    return Finding(
        Symptom.DIVERGED,
        "The loss became NaN or infinite: training diverged",
        "At learning rate {lr:g} the steps were so large that the weights blew up; once a number is NaN, "
        "every later step is NaN too, so the run cannot recover.",
        "Lower the learning rate about 10× and train again.",
        {"lr": _lr(run)},
        _lower_lr(run, 2),
    )


def _accuracy(record: Progress) -> float:
    return record.test_accuracy if record.test_accuracy is not None else record.train_accuracy


def _guessing(records) -> bool:
    last = records[-1]
    return abs(last.loss - LN10) < GUESSING_BAND and _accuracy(last) < 0.2


def _guessing_finding(records, run: settings.RunSettings) -> Finding:
    last = records[-1]
    lr, optimizer = _lr(run), run.optimizer
    too_big = lr > (3e-3 if optimizer == "adam" else 3e-2)
    if too_big:
        advice, fix = "Lower the learning rate to 0.001 (the lesson's value for Adam) and train again.", {"lr": 1e-3}
    else:
        advice = "The steps are too small to get anywhere yet: raise the learning rate a little, or train longer."
        fix = {"lr": settings.step_options(settings.LEARNING_RATE, lr, 1)}
    return Finding(
        Symptom.GUESSING,
        "Loss stuck at ln 10 ≈ 2.30: the network is guessing",
        "The loss is {loss:.2f} and accuracy {accuracy:.0%}. A network that gives each of the ten digits "
        "the same probability 1/10 has cross-entropy −log(1/10) = ln 10 ≈ 2.30, and is right one time in "
        "ten: it has learned nothing.",
        advice,
        {"loss": last.loss, "accuracy": _accuracy(last), "lr": lr},
        fix,
    )


def _spikes(logs, run: settings.RunSettings) -> list[Finding]:
    best = math.inf
    for index, record in enumerate(logs):
        window = logs[max(0, index - SPIKE_WINDOW + 1) : index + 1]
        loss = sum(r.loss for r in window) / len(window)
        if best < math.inf and loss > SPIKE_FACTOR * best and loss - best > SPIKE_RISE:
            return [
                Finding(
                    Symptom.SPIKES,
                    "The loss jumped up during training",
                    "At epoch {epoch:.1f} the loss rose to {loss:.2f} after it had been down at {best:.2f}: "
                    "a step overshot and undid part of what the network had learned.",
                    "A smaller learning rate takes steadier steps.",
                    {"epoch": record.epoch_position, "loss": loss, "best": best},
                    _lower_lr(run, 1),
                )
            ]
        best = min(best, loss)
    return []


def _overfitting(records, run: settings.RunSettings, available_images: int | None) -> list[Finding]:
    measured = [r for r in records if r.test_accuracy is not None and not r.stopped]
    if not measured:
        return []
    last = measured[-1]
    gap = last.train_accuracy - last.test_accuracy
    if gap < OVERFIT_GAP:
        return []
    used = last.images
    if available_images and used and used < available_images:
        advice, fix = "Train on more images: {available:,} are available.", {"train_subset": available_images}
    else:
        best = max(measured, key=lambda r: r.test_accuracy)
        advice = "Train for fewer epochs (test accuracy was best after epoch {best_epoch}), or give it more data."
        fix = {"epochs": best.epoch} if best.epoch < last.epoch else {}
    best_epoch = max(measured, key=lambda r: r.test_accuracy).epoch
    return [
        Finding(
            Symptom.OVERFITTING,
            "Train accuracy is well above test accuracy: overfitting",
            "On the images it trains on it is right {train:.1%} of the time, on test images it has never seen "
            "only {test:.1%}. It is memorising its {images:,} training images instead of learning digits.",
            advice,
            {
                "train": last.train_accuracy,
                "test": last.test_accuracy,
                "images": used or 0,
                "available": available_images or 0,
                "best_epoch": best_epoch,
            },
            fix,
        )
    ]


def _dead(dead: DeadUnits, run: settings.RunSettings) -> list[Finding]:
    count, total = dead.count, dead.total
    if total == 0 or count / total < DEAD_SHARE:
        return []
    fix = _lower_lr(run, 1) if _lr(run) > 1e-3 else {"hidden_size": settings.step_options(settings.HIDDEN, total, 1)}
    advice = (
        "Lower the learning rate: big steps push units below zero for good."
        if "lr" in fix
        else "Give the layer more units, so enough stay alive."
    )
    return [
        Finding(
            Symptom.DEAD_RELU,
            "Many fully connected units never fire (dead ReLUs)",
            "{count} of the {total} units of the hidden fc layer output 0 for every one of {images} test "
            "images. ReLU's gradient is 0 there, so these units get no updates and stay dead.",
            advice,
            {"count": count, "total": total, "images": dead.images},
            fix,
        )
    ]
