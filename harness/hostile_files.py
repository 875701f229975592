"""Crafted model files a hostile visitor would upload, written byte by byte in the .safetensors layout.

A .safetensors file is an 8-byte little-endian header length, a JSON header (each tensor's dtype, shape and byte
offsets, plus string metadata) and the tensors' bytes. Writing it by hand lets a file declare what it does not hold:
a huge tensor, offsets past its end, a model far larger than the page builds, in a few kilobytes.
"""

import io
import json
import math
import pickle
import struct

import torch

from core.files.model_file import FORMAT_VERSION, MODEL_FORMAT, expected_shapes

GiB = 2**30
LESSON = {"conv1_channels": 32, "conv2_channels": 64, "hidden_size": 128}
HUGE = {"conv1_channels": 256, "conv2_channels": 256, "hidden_size": 2048}


def description(config: dict, notes: dict | None = None) -> dict:
    """The __metadata__ save_model writes: one key, the format tag, holding the config and notes as JSON."""
    return {MODEL_FORMAT: json.dumps({"version": FORMAT_VERSION, "config": config, "metadata": notes or {}})}


def safetensors_file(header: dict, weights: bytes) -> bytes:
    """The header as JSON, padded with spaces to 8 bytes as safetensors pads it, its length, then the weights."""
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + weights


def honest_header(config: dict, dtype: str = "F32", element_bytes: int = 4) -> tuple[dict, int]:
    """Each weight of the config declared end to end, in save order; returns the header and the weights' bytes."""
    header, offset = {"__metadata__": description(config)}, 0
    for name, shape in expected_shapes(config).items():
        size = math.prod(shape) * element_bytes
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    return header, offset


def honest_file(config: dict = LESSON) -> bytes:
    """What save_model writes for a model whose weights are all zeros."""
    header, size = honest_header(config)
    return safetensors_file(header, bytes(size))


def huge_tensor(numbers: int = GiB // 4) -> bytes:
    """fc2.bias declared as 1 GiB of numbers (and placed last, so the offsets run on past the file)."""
    header, size = honest_header(LESSON)
    header["fc2.bias"] = {"dtype": "F32", "shape": [numbers], "data_offsets": [size, size + numbers * 4]}
    return safetensors_file(header, bytes(size))


def offsets_past_the_end() -> bytes:
    """An honest header whose last weight's bytes are missing from the file."""
    header, size = honest_header(LESSON)
    return safetensors_file(header, bytes(size - 40))


def overlapping_offsets() -> bytes:
    """fc2.bias's offsets point back into conv1.weight's bytes; the file is as long as the rest."""
    header, size = honest_header(LESSON)
    header["fc2.bias"]["data_offsets"] = [0, 40]
    return safetensors_file(header, bytes(size - 40))


def wrong_dtype(dtype: str = "F64") -> bytes:
    """Every weight stored as float64, the bytes sized to match: a file safetensors itself reads."""
    header, size = honest_header(LESSON, dtype, 8)
    return safetensors_file(header, bytes(size))


def tensor_named_twice() -> bytes:
    """fc2.bias declared twice: honestly, then again over conv1.weight's first 40 bytes."""
    header, size = honest_header(LESSON)
    text = json.dumps(header)[:-1] + ', "fc2.bias": {"dtype": "F32", "shape": [10], "data_offsets": [0, 40]}}'
    return struct.pack("<Q", len(text)) + text.encode() + bytes(size)


def huge_declared_model() -> bytes:
    """conv 256/256 and 2,048 hidden units declared in a file of a few kilobytes that holds none of them."""
    header, _ = honest_header(HUGE)
    return safetensors_file(header, b"")


def truncated(keep: float = 0.5) -> bytes:
    """An honest file cut off part way through its weights."""
    data = honest_file()
    return data[: int(len(data) * keep)]


def header_longer_than_the_file() -> bytes:
    """Declares a 60,000-byte header in a 100-byte file."""
    return struct.pack("<Q", 60_000) + b"{" + b" " * 91


def huge_header_length() -> bytes:
    """Declares a header of 2**62 bytes."""
    return struct.pack("<Q", 2**62) + b"{}"


def nested_header(depth: int = 30_000) -> bytes:
    """A header within the size limit that is JSON nested 30,000 deep."""
    return struct.pack("<Q", 2 * depth) + b"[" * depth + b"]" * depth


def not_json() -> bytes:
    """A header of the declared length that is not UTF-8 JSON."""
    text = b"\xff\xfe not json at all"
    return struct.pack("<Q", len(text)) + text


def old_pt_file(config: dict = LESSON) -> bytes:
    """A model as earlier versions saved it: torch.save of a dict with its config and state dict (a zip)."""
    from core.cnn.model import CNN

    buffer = io.BytesIO()
    torch.save(
        {"format": MODEL_FORMAT, "version": 1, "config": config, "state_dict": CNN(**config).state_dict()}, buffer
    )
    return buffer.getvalue()


def a_pickle(payload) -> bytes:
    return pickle.dumps(payload, protocol=4)
