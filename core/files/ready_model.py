"""The ready-made lesson CNN shipped in models/: checked against the sha256 recorded beside it, then read by the same
safe loader as an uploaded model, so the Draw page works on the first visit, offline, without training."""

import hashlib
import json
import threading
from pathlib import Path

from core.errors import UserError

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "ready_cnn.safetensors"
METADATA_PATH = MODEL_PATH.with_suffix(".json")

_verified: dict[str, bytes] = {}  # the file's bytes once their sha256 matched (1.7 MB), so new tabs skip the hashing
_lock = threading.Lock()


class ReadyModelMissing(UserError):
    """The ready-made model's file is missing, altered or unreadable."""


def ready_model_info(metadata_path: Path = METADATA_PATH) -> dict:
    """What was recorded when the model was made: sha256, test accuracy, seed and settings."""
    try:
        info = json.loads(Path(metadata_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReadyModelMissing(
            "The ready-made model's record {path} cannot be read ({detail}).",
            path=str(metadata_path),
            detail=type(exc).__name__,
        ) from exc
    if not isinstance(info, dict) or not isinstance(info.get("sha256"), str):
        raise ReadyModelMissing("The ready-made model's record {path} has no sha256.", path=str(metadata_path))
    return info


def _checked_bytes(model_path: Path, metadata_path: Path) -> bytes:
    key = f"{model_path}|{metadata_path}"
    with _lock:
        if key in _verified:
            return _verified[key]
    expected = ready_model_info(metadata_path)["sha256"]
    try:
        data = Path(model_path).read_bytes()
    except OSError as exc:
        raise ReadyModelMissing(
            "The ready-made model {path} cannot be read ({detail}).", path=str(model_path), detail=type(exc).__name__
        ) from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise ReadyModelMissing(
            "The ready-made model {path} has been altered: its sha256 does not match the one "
            "recorded beside it, so it is not used. Run scripts/make_ready_model.py to make it "
            "again.",
            path=str(model_path),
        )
    with _lock:
        _verified[key] = data
    return data


def load_ready_model(model_path: Path = MODEL_PATH, metadata_path: Path = METADATA_PATH):
    """A fresh CNN with the ready-made weights (eval mode); raises ReadyModelMissing (a ValueError) when the file is
    missing or altered, and load_model's ValueError when its contents are not a valid model."""
    from core.files.model_file import load_model

    model = load_model(_checked_bytes(Path(model_path), Path(metadata_path)))
    model.metadata = {**model.metadata, "source": "ready-made"}
    return model
