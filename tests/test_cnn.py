import io
import pickle
import shutil

import numpy as np
import pytest
import safetensors.torch
import torch

from core import cnn
from core.cnn.data import RAW_FILES, MnistUnavailable, load_split
from core.files import model_file
from harness import hostile_files
from tests.conftest import WritesAFile


def test_default_cnn_is_the_lessons_architecture():
    model = cnn.CNN()
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == {
        "conv1.weight": (32, 1, 3, 3),
        "conv1.bias": (32,),
        "conv2.weight": (64, 32, 3, 3),
        "conv2.bias": (64,),
        "fc1.weight": (128, 3136),
        "fc1.bias": (128,),
        "fc2.weight": (10, 128),
        "fc2.bias": (10,),
    }
    assert model(torch.zeros(5, 1, 28, 28)).shape == (5, 10)


def test_lesson_defaults_reach_96_percent_in_three_epochs(lesson_model_run):
    model, records = lesson_model_run
    last = records[-1]
    assert last.kind == "done" and last.epoch == 3
    assert last.test_accuracy >= 0.96
    assert all(0 < r.loss < 3 and 1 <= r.epoch <= 3 for r in records)  # finite losses, from the first epoch on
    assert [r.test_accuracy for r in records if r.kind == "epoch"]
    steps = [r.step for r in records]
    assert steps == sorted(steps) and steps[-1] == 3 * 125


def test_predict_proba_reads_test_digits(lesson_model_run, mnist_root):
    model, _ = lesson_model_run
    images, labels = load_split(mnist_root, train=False)
    probs = cnn.predict_proba(model, images[:200].numpy() / 255.0)
    assert probs.shape == (200, 10)
    assert np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert (probs.argmax(1) == labels[:200].numpy()).mean() > 0.95


def test_saved_model_reloads_to_identical_predictions(lesson_model_run, mnist_root, tmp_path):
    model, _ = lesson_model_run
    images = load_split(mnist_root, train=False)[0][:50].numpy() / 255.0
    path = tmp_path / "model.safetensors"
    model_file.save_model(model, path)
    buffer = io.BytesIO()
    model_file.save_model(model, buffer)
    buffer.seek(0)
    for source in (path, str(path), buffer):
        loaded = model_file.load_model(source)
        assert np.array_equal(cnn.predict_proba(loaded, images), cnn.predict_proba(model, images))


def test_other_architectures_round_trip(tmp_path):
    model = cnn.CNN(conv1_channels=8, conv2_channels=16, hidden_size=32)
    model_file.save_model(model, tmp_path / "small.safetensors")
    assert model_file.load_model(tmp_path / "small.safetensors").config == model.config


def test_crafted_pickle_is_refused_and_runs_nothing(tmp_path):
    target = tmp_path / "pwned.txt"
    evil = tmp_path / "evil.pt"
    torch.save({"format": "nn-playground-cnn", "payload": WritesAFile(str(target))}, evil)
    raw_pickle = pickle.dumps(WritesAFile(str(target)))
    for source in (evil, io.BytesIO(raw_pickle)):
        with pytest.raises(ValueError, match="cannot read old .pt files"):
            model_file.load_model(source)
    assert not target.exists()


def test_wrong_files_get_readable_errors(tmp_path):
    good = cnn.CNN().state_dict()
    cases = {
        "not a model": b"hello, I am a text file",
        "empty": b"",
    }
    for _name, data in cases.items():
        with pytest.raises(ValueError, match=r"\w"):
            model_file.load_model(io.BytesIO(data))
    tag = hostile_files.description(cnn.CNN().config)
    wrong_keys = ({"w": torch.zeros(1)}, tag)
    wrong_shape = ({**good, "fc2.weight": torch.zeros(3, 3)}, tag)
    bad_config = (good, hostile_files.description({"conv1_channels": -1, "conv2_channels": 64, "hidden_size": 128}))
    plain_state_dict = (good, None)
    for (tensors, metadata), message in [
        (wrong_keys, "expected the tensors"),
        (wrong_shape, "fc2.weight"),
        (bad_config, "conv1_channels"),
        (plain_state_dict, "format"),
    ]:
        with pytest.raises(ValueError, match=message):
            model_file.load_model(io.BytesIO(safetensors.torch.save(tensors, metadata)))
    with pytest.raises(ValueError):
        model_file.load_model(tmp_path / "missing.safetensors")


def test_missing_data_gives_an_actionable_message(tmp_path):
    with pytest.raises(MnistUnavailable) as info:
        load_split(tmp_path / "nowhere", train=True, download=False)
    message = str(info.value)
    assert all(name in message for name in RAW_FILES)
    assert str(tmp_path / "nowhere") in message


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupt_data_gives_a_message(tmp_path, mnist_root, damage):
    raw = tmp_path / "MNIST" / "raw"
    shutil.copytree(mnist_root / "MNIST" / "raw", raw)
    target = raw / "t10k-images-idx3-ubyte"
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 3] if damage == "truncate" else b"\x00" * 64)
    with pytest.raises(MnistUnavailable, match="t10k-images-idx3-ubyte"):
        load_split(tmp_path, train=False, download=False)


def test_training_stops_when_asked(mnist_root):
    calls = {"n": 0}

    def stop_after_a_few():
        calls["n"] += 1
        return calls["n"] > 3

    records = list(
        cnn.train(
            cnn.build_model(0, hidden_size=16),
            mnist_root,
            epochs=2,
            train_subset=2000,
            should_stop=stop_after_a_few,
            log_every=1,
        )
    )
    assert records[-1].stopped and records[-1].step == 4
    assert 0 <= records[-1].test_accuracy <= 1


def test_divergence_is_reported(mnist_root):
    records = list(
        cnn.train(
            cnn.build_model(0, hidden_size=16),
            mnist_root,
            epochs=1,
            lr=1e4,
            optimizer="sgd",
            train_subset=2000,
            log_every=5,
        )
    )
    assert records[-1].diverged


@pytest.mark.parametrize(
    "bad",
    [
        dict(lr=float("nan")),
        dict(lr=-1.0),
        dict(lr=float("inf")),
        dict(epochs=0),
        dict(batch_size=0),
        dict(train_subset=0),
    ],
)
def test_bad_hyperparameters_raise_value_error(mnist_root, bad):
    kwargs = dict(epochs=1, lr=1e-3, batch_size=64) | bad
    with pytest.raises(ValueError):
        next(cnn.train(cnn.CNN(), mnist_root, **kwargs))


def test_batch_larger_than_the_data_still_trains(mnist_root):
    records = list(
        cnn.train(cnn.build_model(0, hidden_size=16), mnist_root, epochs=1, batch_size=5000, train_subset=300)
    )
    assert records[-1].kind == "done" and records[-1].step == 1


def test_pooling_before_relu_matches_the_lessons_order_exactly():
    model = cnn.build_model(0)
    x = torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))

    def lesson_forward(m, x):
        x = m.pool(torch.relu(m.conv1(x)))
        x = m.pool(torch.relu(m.conv2(x)))
        return m.fc2(torch.relu(m.fc1(torch.flatten(x, 1))))

    ours = model(x)
    ours.square().sum().backward()
    ours_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    theirs = lesson_forward(model, x)
    theirs.square().sum().backward()
    assert torch.equal(ours, theirs)
    assert all(torch.equal(a, p.grad) for a, p in zip(ours_grads, model.parameters()))


def test_load_model_refuses_odd_inputs_with_value_error():
    state = {name: t.bfloat16() for name, t in cnn.CNN().state_dict().items()}
    halved = io.BytesIO(safetensors.torch.save(state, hostile_files.description(cnn.CNN().config)))
    for bad in (halved, None, 123, io.StringIO("text")):
        with pytest.raises(ValueError):
            model_file.load_model(bad)


def test_build_model_is_reproducible_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    a, b = cnn.build_model(5), cnn.build_model(5)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    assert torch.equal(torch.rand(1), expected_next)


def test_predict_and_saliency_work_for_any_model_state(lesson_model_run, mnist_root):
    model, _ = lesson_model_run
    images = load_split(mnist_root, train=False)[0][:5].numpy() / 255.0
    double = model_file.load_model(_saved(model)).double().train()
    probs = cnn.predict_proba(double, images)
    assert probs.shape == (5, 10) and double.training
    assert np.allclose(probs, cnn.predict_proba(model, images), atol=1e-4)
    before = [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    with torch.no_grad():
        sal = cnn.saliency(model, images[0])
    assert sal.shape == (28, 28) and sal.max() > 0
    after = [p.grad for p in model.parameters()]
    assert all((a is None and b is None) or torch.equal(a, b) for a, b in zip(before, after))


def _saved(model) -> io.BytesIO:
    buffer = io.BytesIO()
    model_file.save_model(model, buffer)
    buffer.seek(0)
    return buffer


def test_numpy_integers_are_accepted_as_hyperparameters(mnist_root):
    records = list(
        cnn.train(
            cnn.build_model(0, hidden_size=16),
            mnist_root,
            epochs=np.int64(1),
            batch_size=np.int32(500),
            lr=np.float32(1e-3),
            train_subset=np.int64(1000),
        )
    )
    assert records[-1].kind == "done"
