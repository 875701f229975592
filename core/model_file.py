"""Saving and loading a CNN as a file of plain tensors; an uploaded file is checked before anything is built from it."""
import io
from pathlib import Path

import torch

from core.cnn import CNN

MODEL_FORMAT = "nn-playground-cnn"
MAX_MODEL_BYTES = 16 * 1024 * 1024  # as .streamlit/config.toml's maxUploadSize; the largest CNN the page builds is 13 MB
CONFIG_LIMITS = {"conv1_channels": (1, 256), "conv2_channels": (1, 256), "hidden_size": (1, 2048)}


def save_model(model: CNN, file, **metadata) -> None:
    """Write the model's config and weights (plain tensors, no code) to a path or binary file object."""
    payload = {
        "format": MODEL_FORMAT,
        "version": 1,
        "config": dict(model.config),
        "state_dict": {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
        "metadata": {k: v for k, v in metadata.items() if isinstance(v, (int, float, str, bool))},
    }
    torch.save(payload, file)


def _read_bytes(file) -> bytes:
    if isinstance(file, (str, Path)):
        path = Path(file)
        if not path.is_file():
            raise ValueError(f"No model file at {path}.")
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ValueError(f"The model file is larger than {MAX_MODEL_BYTES // 2**20} MB.")
        return path.read_bytes()
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    elif hasattr(file, "read"):
        data = file.read(MAX_MODEL_BYTES + 1)
    else:
        raise ValueError(f"Expected a path or a binary file, got {type(file).__name__}.")
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError("The file must be opened in binary mode.")
    if len(data) > MAX_MODEL_BYTES:
        raise ValueError(f"The model file is larger than {MAX_MODEL_BYTES // 2**20} MB.")
    return data


def _valid_config(config) -> dict:
    if not isinstance(config, dict) or set(config) != set(CONFIG_LIMITS):
        raise ValueError(f"The file's model config must have exactly the keys {sorted(CONFIG_LIMITS)}.")
    for key, (low, high) in CONFIG_LIMITS.items():
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"The file's {key} is {value!r}; it must be a whole number from {low} to {high}.")
    return dict(config)


def load_model(file) -> CNN:
    """Read a model written by save_model; raises ValueError with a readable reason on anything else."""
    try:
        return _load_model(_read_bytes(file))
    except ValueError:
        raise
    except Exception as exc:  # anything odd inside a well-formed file (sparse or quantized tensors, …)
        raise ValueError(f"This file's contents are not a usable NN Playground model ({type(exc).__name__}).") from exc


def _load_model(data: bytes) -> CNN:
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(f"This is not a model saved by NN Playground (it could not be read safely: {type(exc).__name__}).") from exc
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ValueError("This file is not an NN Playground CNN model (its format tag is missing).")
    model = CNN(**_valid_config(payload.get("config")))
    state = payload.get("state_dict")
    expected = model.state_dict()
    if not isinstance(state, dict) or set(state) != set(expected):
        raise ValueError(f"The file's weights do not match the model: expected the tensors {sorted(expected)}.")
    for name, tensor in state.items():
        if not isinstance(tensor, torch.Tensor) or tensor.layout != torch.strided or tensor.is_quantized \
                or tuple(tensor.shape) != tuple(expected[name].shape):
            shape = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
            raise ValueError(f"Weight {name} has shape {shape}; the model needs {tuple(expected[name].shape)}.")
        if not tensor.is_floating_point() or not bool(torch.isfinite(tensor).all()):
            raise ValueError(f"Weight {name} is not a finite floating-point tensor.")
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
    return model.eval()
