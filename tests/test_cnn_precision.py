"""The Precision setting: bfloat16 through torch.autocast, the weights and optimizer kept float32 (issue 22)."""

import io

import pytest
import torch

from core import cnn
from core.cnn import settings as cs
from core.cnn import training
from core.errors import UserError
from core.files import model_file
from core.i18n.strings import ZH
from core.serving import device

CPU = torch.device("cpu")
SMALL = {"epochs": 1, "train_subset": 640, "log_every": 5, "step_lr": False}


def run(mnist_root, precision, seed=0, **kwargs):
    model = cnn.build_model(seed)
    records = list(cnn.train(model, mnist_root, device="cpu", seed=seed, precision=precision, **{**SMALL, **kwargs}))
    return model, records


@pytest.mark.parametrize("bad", ["float16", "BFLOAT16", "", None, 16, ["bfloat16"], "auto; rm -rf /"])
def test_train_refuses_an_unknown_precision_before_any_work(mnist_root, bad):
    with pytest.raises(UserError, match="Unknown precision"):
        next(cnn.train(cnn.build_model(0), mnist_root, device="cpu", precision=bad))


@pytest.mark.parametrize("precision", ["auto", "float32", "bfloat16"])
def test_every_offered_precision_is_accepted_and_the_record_names_what_ran(mnist_root, precision):
    _, records = run(mnist_root, precision)
    expected = device.resolve_precision(precision, CPU).name
    assert {r.precision for r in records} == {expected}
    assert records[-1].kind == "done" and records[-1].test_accuracy > 0.5


def test_the_setting_is_declared_once_with_a_url_key():
    assert cs.PRECISION.key == "cnn_precision" and cs.PRECISION.default == "auto"
    assert cs.PRECISION.options == device.PRECISIONS == ("auto", "float32", "bfloat16")
    assert cs.RUN_KEYS["precision"] is cs.PRECISION and cs.widget_key("precision") == "cnn_precision"
    assert cs.PRECISION.parse("bfloat16") == "bfloat16"
    with pytest.raises(ValueError):
        cs.PRECISION.parse("float64")


def test_bfloat16_and_float32_from_one_seed_give_close_losses(mnist_root):
    _, full = run(mnist_root, "float32")
    _, half = run(mnist_root, "bfloat16")
    assert [r.precision for r in half] == ["bfloat16"] * len(half)
    full_losses = [r.loss for r in full if r.kind == "log"]
    half_losses = [r.loss for r in half if r.kind == "log"]
    assert len(full_losses) == len(half_losses) > 1
    assert full_losses[0] == pytest.approx(half_losses[0], abs=0.02)  # the same start, 8 bits of mantissa apart
    assert all(abs(a - b) < 0.15 for a, b in zip(full_losses, half_losses)), (full_losses, half_losses)
    assert abs(full[-1].test_accuracy - half[-1].test_accuracy) < 0.03


def test_auto_picks_float32_on_a_cpu_without_bfloat16(monkeypatch, mnist_root):
    monkeypatch.setattr(device, "cpu_bfloat16", lambda: None)
    assert device.resolve_precision("auto", CPU) == device.Precision("float32", "cpu")
    assert device.precision_offer(CPU).template == device.PRECISION_TEMPLATES[2]
    _, records = run(mnist_root, "auto")
    assert records[-1].precision == "float32"


def test_auto_picks_bfloat16_on_a_cpu_with_amx_and_float32_with_avx512_bf16_only(monkeypatch):
    monkeypatch.setattr(device, "cpu_bfloat16", lambda: "AMX")
    assert device.resolve_precision("auto", CPU).dtype == torch.bfloat16
    assert "AMX" in str(device.precision_offer(CPU))
    monkeypatch.setattr(device, "cpu_bfloat16", lambda: "AVX512-BF16")
    assert device.resolve_precision("auto", CPU).name == "float32"
    assert device.resolve_precision("bfloat16", CPU).name == "bfloat16"


def test_cuda_picks_bfloat16_or_float16_with_loss_scaling(monkeypatch):
    gpu = torch.device("cuda")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert device.resolve_precision("auto", gpu) == device.Precision("bfloat16", "cuda", torch.bfloat16)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert device.resolve_precision("bfloat16", gpu) == device.Precision("float16", "cuda", torch.float16, True)
    assert device.resolve_precision("float32", gpu).autocast is False


def test_a_saved_bfloat16_model_keeps_float32_weights(mnist_root):
    model, _ = run(mnist_root, "bfloat16")
    assert {p.dtype for p in model.parameters()} == {torch.float32}
    buffer = io.BytesIO()
    model_file.save_model(model, buffer)
    buffer.seek(0)
    loaded = model_file.load_model(buffer)
    assert {v.dtype for v in loaded.state_dict().values()} == {torch.float32}


def test_the_loss_scaled_path_trains_and_reports_the_true_loss(monkeypatch, mnist_root):
    """float16 with a GradScaler is CUDA's path; here its plumbing runs on the CPU (bfloat16 autocast, scaled)."""
    scaled = device.Precision("bfloat16", "cpu", torch.bfloat16, scaled=True)
    monkeypatch.setattr(training, "resolve_precision", lambda precision, where: scaled)
    _, scaled_records = run(mnist_root, "bfloat16")
    monkeypatch.undo()
    _, plain = run(mnist_root, "bfloat16")
    assert scaled_records[0].loss == pytest.approx(plain[0].loss, rel=0.02)  # not 65,536 times larger
    assert scaled_records[-1].test_accuracy > 0.5


def test_evaluation_and_prediction_take_a_precision(mnist_root, ready_model):
    from core.cnn.data import load_split

    images, labels = load_split(mnist_root, train=False, download=False)
    full, _ = cnn.evaluate(ready_model, images[:500], labels[:500])
    half, _ = cnn.evaluate(ready_model, images[:500], labels[:500], "bfloat16")
    assert abs(full - half) <= 0.01
    probabilities = cnn.predict_proba(ready_model, images[:3].float().numpy() / 255, "bfloat16")
    assert probabilities.shape == (3, 10) and abs(probabilities.sum(1) - 1).max() < 1e-3
    with pytest.raises(UserError):
        cnn.evaluate(ready_model, images[:10], labels[:10], "half")


def test_a_gpu_run_that_cannot_fit_is_refused(monkeypatch):
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda *a: (100 << 20, 8 << 30))
    with pytest.raises(UserError, match="GPU memory") as refused:
        cnn.check_fits(torch.device("cuda"), cnn.CNN(64, 128, 512), 60_000, 512)
    assert refused.value.values["free"] == "100"
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda *a: (8 << 30, 8 << 30))
    cnn.check_fits(torch.device("cuda"), cnn.CNN(64, 128, 512), 60_000, 512)


def test_every_precision_message_has_chinese():
    for template in device.PRECISION_TEMPLATES:
        assert ZH.get(template, "").strip(), template
    for template in (
        "Unknown precision {value}: use auto, float32 or bfloat16.",
        "bfloat16 is not offered on {device}; choose float32 or auto.",
        cs.PRECISION.help,
        cs.PRECISION.label,
    ):
        assert ZH.get(template, "").strip(), template
