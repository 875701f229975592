"""The training doctor names what went wrong in real runs and suggests a change the page's settings can take;
the learning-rate finder suggests a usable rate."""

import math
from dataclasses import replace

import pytest
import torch

from core import cnn
from core.cnn import doctor as cnn_doctor
from core.cnn import lr_finder
from core.cnn import settings as cnn_settings
from core.cnn.data import load_split
from core.cnn.doctor import Symptom
from core.cnn.settings import RunSettings


def run(mnist_root, **settings):
    model = cnn.build_model(0, hidden_size=settings.pop("hidden_size", 32))
    records = list(cnn.train(model, mnist_root, log_every=None, **settings))
    return model, records


def symptoms(findings) -> list[Symptom]:
    return [f.symptom for f in findings]


def test_adam_at_lr_0_1_is_guessing_and_the_fix_is_the_lessons_rate(mnist_root):
    settings = dict(epochs=1, lr=0.1, optimizer="adam", train_subset=2000)
    model, records = run(mnist_root, **settings)
    test_images, _ = load_split(mnist_root, train=False)
    findings = cnn_doctor.diagnose(records, RunSettings(**settings), cnn_doctor.dead_units(model, test_images), 8000)
    assert abs(records[-1].loss - math.log(10)) < 0.15 and records[-1].test_accuracy < 0.2
    assert symptoms(findings) == [Symptom.GUESSING]
    finding = findings[0]
    assert "ln 10" in finding.title and "2.30" in finding.title
    assert finding.fix == {"lr": 1e-3} and 1e-3 in cnn_settings.LEARNING_RATE.options
    assert "2.30" in finding.message.format(**finding.values)


def test_divergence_suggests_a_rate_ten_times_smaller(mnist_root):
    settings = dict(epochs=1, lr=0.1, optimizer="sgd", train_subset=1000)
    records = [*run(mnist_root, **settings)[1]]
    records[-1] = replace(records[-1], loss=float("nan"), diverged=True)
    findings = cnn_doctor.diagnose(records, RunSettings(**settings))
    assert symptoms(findings) == [Symptom.DIVERGED] and findings[0].fix == {"lr": 1e-2}


def test_a_small_subset_trained_long_is_overfitting_and_more_images_are_offered(mnist_root):
    settings = dict(epochs=8, lr=1e-3, optimizer="adam", train_subset=500, step_lr=False)
    _, records = run(mnist_root, **settings)
    findings = cnn_doctor.diagnose(records, RunSettings(**settings), available_images=8000)
    assert Symptom.OVERFITTING in symptoms(findings)
    finding = next(f for f in findings if f.symptom == Symptom.OVERFITTING)
    assert finding.values["train"] - finding.values["test"] >= cnn_doctor.OVERFIT_GAP
    assert finding.fix == {"train_subset": 8000}


def test_dead_units_are_counted_and_reported(mnist_root):
    test_images, _ = load_split(mnist_root, train=False)
    model = cnn.build_model(0, hidden_size=32)
    alive = cnn_doctor.dead_units(model, test_images)
    with torch.no_grad():
        model.fc1.bias[:24] = -1e3  # these 24 units can never fire
    dead = cnn_doctor.dead_units(model, test_images)
    assert alive.count < 8 and dead.count >= 24 and dead.total == 32 and dead.images == 500
    _, records = run(mnist_root, epochs=1, train_subset=1000)
    findings = cnn_doctor.diagnose(records, RunSettings(lr=1e-3, hidden_size=32), dead)
    finding = next(f for f in findings if f.symptom == Symptom.DEAD_RELU)
    assert finding.fix == {"hidden_size": 64}


def test_a_healthy_run_gets_no_findings_and_a_spike_is_seen(mnist_root):
    _, records = run(mnist_root, epochs=1, train_subset=2000)
    assert cnn_doctor.diagnose(records, RunSettings(lr=1e-3)) == []
    logs = [r for r in records if r.kind == "log"]
    jump = 3 * min(r.loss for r in logs[:-3]) + 0.5  # the last three records' loss jumps well above the best
    spiked = logs[:-3] + [replace(r, loss=jump) for r in logs[-3:]]
    findings = cnn_doctor.diagnose(spiked, RunSettings(lr=1e-3))
    assert symptoms(findings) == [Symptom.SPIKES] and findings[0].fix == {"lr": 3e-4}


def test_the_lr_range_test_suggests_a_usable_rate_within_100_batches(mnist_root):
    records = list(lr_finder.lr_range_test({"hidden_size": 32}, mnist_root, steps=100))
    rates = [r.lr for r in records]
    assert len(records) <= 100 and rates == sorted(rates)
    assert math.isclose(rates[1] / rates[0], (1.0 / 1e-6) ** (1 / 99), rel_tol=1e-9)
    last = records[-1]
    assert last.done and 1e-4 <= last.suggestion <= 1e-2
    assert min(r.smoothed for r in records) < records[0].smoothed - 0.5
    # The suggested rate trains: one short run from scratch learns.
    choice = cnn_settings.nearest_option(cnn_settings.LEARNING_RATE, last.suggestion)
    _, trained = run(mnist_root, epochs=1, lr=choice, train_subset=2000)
    assert trained[-1].test_accuracy > 0.85


def test_the_lr_range_test_stops_when_the_loss_explodes_and_when_asked(mnist_root):
    exploded = list(
        lr_finder.lr_range_test({"hidden_size": 16}, mnist_root, optimizer="sgd", start=1e-3, end=10, steps=60)
    )
    assert exploded[-1].done and len(exploded) < 60
    asked = list(lr_finder.lr_range_test({"hidden_size": 16}, mnist_root, steps=50, should_stop=lambda: True))
    assert len(asked) == 1 and asked[-1].stopped
    with pytest.raises(ValueError):
        next(lr_finder.lr_range_test({}, mnist_root, start=1.0, end=1e-3))
