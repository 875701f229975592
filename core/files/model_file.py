"""Saving and loading a CNN as a .safetensors file: its weights as plain float32 numbers, its config beside them.

A .safetensors file is an 8-byte header length, a JSON header that declares every tensor's dtype, shape and byte
offsets, then the numbers. So a visitor's file is judged from its header alone, before anything is allocated: the
model it declares must be one the CNN page could build, and its tensors exactly that model's, laid end to end.
Only then does safetensors read the numbers. Nothing is unpickled; an old .pt file is refused with a clear message.
"""

import json
import math
import struct
from pathlib import Path

import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from core.cnn.model import CNN
from core.cnn.settings import MODEL_KEYS, MODEL_MAXIMA
from core.errors import UserError
from core.settings import whole

MODEL_FORMAT = "nn-playground-cnn"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 16 * 1024 * 1024  # as .streamlit/config.toml's maxUploadSize; the largest page model is 13 MB
MAX_HEADER_BYTES = 64 * 1024  # the lesson model's header is under 1 kB
# A file may declare nothing the CNN page could not build itself (a 256/256/2048 model cost +380 MB and 19 s of CPU
# for its report), so the bounds are the page's own choices.
CONFIG_LIMITS = {key: (min(setting.options), max(setting.options)) for key, setting in MODEL_KEYS.items()}
PAGE_LIMITS = MODEL_MAXIMA  # the largest model the page builds
DTYPE, DTYPE_BYTES = "F32", 4  # save_model writes float32 only
NOTE_TYPES = (int, float, str, bool)
MAX_NOTES = 64
OLD_FILE_STARTS = (b"PK\x03\x04", b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")  # torch.save's zip; a pickle


class ModelFileError(UserError):
    """A model file that is refused; a ValueError, as load_model has always raised."""


def save_model(model, file, **metadata) -> None:
    """Write the model's weights and config to a path or binary file object as a .safetensors file."""
    tensors = {name: t.detach().float().cpu().contiguous() for name, t in model.state_dict().items()}
    notes = {k: v for k, v in metadata.items() if isinstance(v, NOTE_TYPES) and _finite(v)}
    config = {key: int(value) for key, value in model.config.items()}
    # safetensors writes several metadata keys in a random order (safetensors issue #584); one key holding sorted
    # JSON makes the same model the same bytes.
    description = json.dumps({"version": FORMAT_VERSION, "config": config, "metadata": notes}, sort_keys=True)
    data = save_tensors(tensors, metadata={MODEL_FORMAT: description})
    if isinstance(file, (str, Path)):
        Path(file).write_bytes(data)
    else:
        file.write(data)


def load_model(file):
    """Read a model written by save_model; raises ModelFileError (a ValueError) with a readable reason otherwise."""
    data = _read_bytes(file)
    config, notes = check_model_file(data)
    try:
        tensors = load_tensors(data)
        for name, tensor in tensors.items():
            if not bool(torch.isfinite(tensor).all()):
                raise ModelFileError("Weight {name} is not a finite floating-point tensor.", name=name)
        model = CNN(**config)
        model.load_state_dict(tensors)
    except ModelFileError:
        raise
    except Exception as exc:  # safetensors or torch refusing something the header checks let through
        raise ModelFileError(
            "This file's contents are not a usable NN Playground model ({kind}).", kind=type(exc).__name__
        ) from exc
    model.metadata = notes
    return model.eval()


def _read_bytes(file) -> bytes:
    if isinstance(file, (str, Path)):
        if not Path(file).is_file():
            raise ModelFileError("No model file at {path}.", path=str(file))
        with open(file, "rb") as opened:
            return _read_bytes(opened)
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    elif hasattr(file, "read"):
        data = file.read(MAX_MODEL_BYTES + 1)
    else:
        raise ModelFileError("Expected a path or a binary file, got {kind}.", kind=type(file).__name__)
    if not isinstance(data, (bytes, bytearray)):
        raise ModelFileError("The file must be opened in binary mode.")
    if len(data) > MAX_MODEL_BYTES:
        raise ModelFileError("The model file is larger than {mb} MB.", mb=MAX_MODEL_BYTES // 2**20)
    return bytes(data)


# ---- The header, judged before safetensors reads a number --------------------------------------------------------


def check_model_file(data: bytes) -> tuple[dict, dict]:
    """The file's model config and notes, once its header shows exactly that model's tensors and nothing else."""
    header, weights_start = _read_header(data)
    config, notes = _read_description(header.pop("__metadata__", None))
    _check_tensors(header, expected_shapes(config), len(data) - weights_start)
    return config, notes


def _read_header(data: bytes) -> tuple[dict, int]:
    """The JSON header (read within MAX_HEADER_BYTES) and where the weights start."""
    if len(data) < 8:
        raise _not_safetensors(data)
    (size,) = struct.unpack("<Q", data[:8])
    if size > MAX_HEADER_BYTES:
        if data.startswith(OLD_FILE_STARTS):
            raise _not_safetensors(data)
        raise ModelFileError(
            "This model file's header is {kb} kB; a model's is at most {limit} kB.",
            kb=size // 1024,
            limit=MAX_HEADER_BYTES // 1024,
        )
    if 8 + size > len(data):
        raise ModelFileError("This model file is cut short: its header is longer than the file.")
    try:
        header = _strict_json(data[8 : 8 + size].decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, NaN, a key twice, or nested too deep
        raise _not_safetensors(data) from exc
    if not isinstance(header, dict):
        raise _not_safetensors(data)
    return header, 8 + size


def _not_safetensors(data: bytes) -> ModelFileError:
    if data.startswith(OLD_FILE_STARTS):
        return ModelFileError(
            "This looks like a .pt file from an earlier version of NN Playground. The app now saves models as "
            ".safetensors files and cannot read old .pt files: please train the model again and download it."
        )
    return ModelFileError("This is not a model saved by NN Playground (it is not a .safetensors file).")


def _strict_json(text: str):
    """JSON without NaN or Infinity and without a key given twice: what was checked is what safetensors reads."""
    return json.loads(text, parse_constant=_refuse, object_pairs_hook=_unique_keys)


def _unique_keys(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a key given twice")
    return found


def _refuse(name: str):
    raise ValueError(name)


def _read_description(metadata) -> tuple[dict, dict]:
    if not isinstance(metadata, dict) or set(metadata) != {MODEL_FORMAT} or not isinstance(metadata[MODEL_FORMAT], str):
        raise ModelFileError("This file is not an NN Playground CNN model (its format tag is missing).")
    try:
        description = _strict_json(metadata[MODEL_FORMAT])
    except (ValueError, RecursionError):
        description = None
    notes = description.get("metadata") if isinstance(description, dict) else None
    if (
        not isinstance(description, dict)
        or set(description) != {"version", "config", "metadata"}
        or description["version"] != FORMAT_VERSION
        or not isinstance(notes, dict)
        or len(notes) > MAX_NOTES
        or not all(isinstance(v, NOTE_TYPES) for v in notes.values())
    ):
        raise ModelFileError("This model file holds more than a model's config, weights and a few notes.")
    return _valid_config(description["config"]), notes


def _valid_config(config) -> dict:
    if not isinstance(config, dict) or set(config) != set(CONFIG_LIMITS):
        raise ModelFileError(
            "The file's model config must have exactly the keys {keys}.", keys=", ".join(sorted(CONFIG_LIMITS))
        )
    for key, (low, high) in CONFIG_LIMITS.items():
        value = config[key]
        if not whole(value) or not low <= value <= high:
            shown = str(value) if whole(value) else type(value).__name__
            raise ModelFileError(
                "The file's {key} is {value}; this page builds models with {key} from {low} to {high}.",
                key=key,
                value=shown[:20],
                low=low,
                high=high,
            )
    return dict(config)


def expected_shapes(config: dict) -> dict:
    """Each weight's shape for a config, from the model's own code on the meta device (nothing is allocated)."""
    with torch.device("meta"):
        return {name: tuple(t.shape) for name, t in CNN(**config).state_dict().items()}


def _check_tensors(header: dict, expected: dict, weight_bytes: int) -> None:
    """Every expected tensor is declared as float32 of its shape, and they fill the rest of the file end to end."""
    if set(header) != set(expected):
        raise ModelFileError(
            "The file's weights do not match the model: expected the tensors {names}.",
            names=", ".join(sorted(expected)),
        )
    spans = []
    for name, shape in expected.items():
        entry = header[name]
        if not (isinstance(entry, dict) and set(entry) == {"dtype", "shape", "data_offsets"}) or not (
            _whole_numbers(entry["shape"]) and _whole_numbers(entry["data_offsets"]) and len(entry["data_offsets"]) == 2
        ):
            raise ModelFileError("This model file's header describes weight {name} oddly.", name=name)
        if entry["dtype"] != DTYPE:
            raise ModelFileError(
                "Weight {name} is stored as {dtype}; NN Playground saves float32 (F32) weights.",
                name=name,
                dtype=str(entry["dtype"])[:20],
            )
        if tuple(entry["shape"]) != shape:
            raise ModelFileError(
                "Weight {name} has shape {shape}; the model needs {needed}.",
                name=name,
                shape=str(entry["shape"])[:60],
                needed=str(shape),
            )
        offsets = entry["data_offsets"]
        spans.append((offsets[0], offsets[1], math.prod(shape) * DTYPE_BYTES))
    end = 0
    for begin, stop, size in sorted(spans):
        if begin != end or stop - begin != size:
            raise ModelFileError("This model file's weights overlap, leave gaps or are not the size of their shapes.")
        end = stop
    if end != weight_bytes:
        raise ModelFileError(
            "This model file holds {held} bytes of weights; its header declares {declared}.",
            held=weight_bytes,
            declared=end,
        )


def _whole_numbers(value) -> bool:
    return isinstance(value, list) and all(map(whole, value))


def _finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)
