"""The ready-made model shipped in models/: accurate, loaded through the safe loader, refused when altered."""

import hashlib
import json
import shutil

import pytest

from core import cnn
from core.cnn import report as cnn_report
from core.cnn.data import bundled_root
from core.files import model_file, ready_model
from core.files.ready_model import METADATA_PATH, MODEL_PATH, ReadyModelMissing, load_ready_model, ready_model_info


def test_the_ready_model_reaches_98_percent_on_the_sample(ready_model):
    report = cnn_report.test_report(ready_model, bundled_root())
    assert report.count == 2000 and report.accuracy >= 0.98, report.accuracy
    assert report.accuracy == pytest.approx(ready_model_info()["test_accuracy"], abs=5e-4)


def test_load_default_model_is_the_ready_model():
    model = ready_model.load_ready_model()
    assert isinstance(model, cnn.CNN) and not model.training
    assert model.config == {"conv1_channels": 32, "conv2_channels": 64, "hidden_size": 128}
    assert model is not ready_model.load_ready_model(), "each caller gets its own copy to change"


def test_its_record_says_how_it_was_made():
    info = json.loads(METADATA_PATH.read_text())
    assert info["sha256"] == hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    assert {"seed", "epochs", "lr", "batch_size"} <= set(info["settings"])
    assert info["made_by"] == "scripts/make_ready_model.py" and 1_000_000 < info["bytes"] < 2_500_000


def test_saving_its_weights_again_gives_the_shipped_bytes(tmp_path):
    """save_model is deterministic, so the script's output can be checked byte for byte."""
    model = model_file.load_model(MODEL_PATH)
    assert model.metadata == {
        "source": "ready-made",
        "test_accuracy": pytest.approx(ready_model_info()["test_accuracy"], abs=5e-5),
    }
    model_file.save_model(model, tmp_path / "again.safetensors", **model.metadata)
    assert (tmp_path / "again.safetensors").read_bytes() == MODEL_PATH.read_bytes()


def test_it_is_a_safetensors_file_and_the_old_pt_is_gone():
    assert MODEL_PATH.suffix == ".safetensors" and ready_model_info()["file"] == MODEL_PATH.name
    assert not MODEL_PATH.with_suffix(".pt").exists()


@pytest.mark.parametrize("where", [100, -1000])
def test_an_altered_file_is_refused(tmp_path, where):
    model_path, record_path = tmp_path / "ready_cnn.safetensors", tmp_path / "ready_cnn.json"
    shutil.copy(METADATA_PATH, record_path)
    data = bytearray(MODEL_PATH.read_bytes())
    data[where] ^= 0x01
    model_path.write_bytes(bytes(data))
    with pytest.raises(ReadyModelMissing, match="altered") as info:
        load_ready_model(model_path, record_path)
    assert isinstance(info.value, ValueError)


def test_a_copy_that_matches_its_record_loads_and_a_missing_one_is_explained(tmp_path):
    shutil.copy(MODEL_PATH, tmp_path / "ready_cnn.safetensors")
    shutil.copy(METADATA_PATH, tmp_path / "ready_cnn.json")
    assert isinstance(load_ready_model(tmp_path / "ready_cnn.safetensors", tmp_path / "ready_cnn.json"), cnn.CNN)
    with pytest.raises(ReadyModelMissing, match="cannot be read"):
        load_ready_model(tmp_path / "gone.safetensors", tmp_path / "ready_cnn.json")
