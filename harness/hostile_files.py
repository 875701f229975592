"""Crafted files a hostile visitor would upload: model-file zip bombs and huge declared models.

They are written the way torch.save writes a model (a zip with data.pkl and one entry per storage), but the storages
are declared rather than allocated, so a 1 GiB storage costs the test nothing: its entry is 1 GiB of zeros deflated
to about 1 MB, built once from a byte-aligned deflate block repeated.
"""

import functools
import io
import pickle
import struct
import zlib
from collections import OrderedDict

import torch

from core.files.model_file import MODEL_FORMAT, expected_shapes

GiB = 2**30
_CHUNK = 2**20


class FakeStorage:
    """Pickled by persistent id exactly like a torch storage: ('storage', torch.<Type>Storage, key, 'cpu', numel)."""

    def __init__(self, key: str, numel: int, type_name: str = "FloatStorage", deflated_zeros: bool = False):
        self.key, self.numel, self.type_name, self.deflated_zeros = key, numel, type_name, deflated_zeros

    @property
    def nbytes(self) -> int:
        return self.numel * {"FloatStorage": 4, "DoubleStorage": 8}[self.type_name]


class FakeTensor:
    """Unpickles through torch._utils._rebuild_tensor_v2, as torch.save writes a tensor."""

    def __init__(self, storage: FakeStorage, size: tuple, stride: tuple | None = None, offset: int = 0):
        self.storage, self.size, self.offset = storage, tuple(size), offset
        self.stride = tuple(stride) if stride is not None else _contiguous_strides(self.size)

    def __reduce__(self):
        args = (self.storage, self.offset, self.size, self.stride, False, OrderedDict())
        return (torch._utils._rebuild_tensor_v2, args)


def _contiguous_strides(size: tuple) -> tuple:
    strides, step = [], 1
    for n in reversed(size):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, FakeStorage):
            return ("storage", getattr(torch, obj.type_name), obj.key, "cpu", obj.numel)
        return None


@functools.lru_cache(maxsize=4)
def _deflated_zeros(nbytes: int) -> tuple[bytes, int]:
    """(raw deflate stream, crc32) of nbytes zero bytes, nbytes a multiple of 1 MiB."""
    chunk = bytes(_CHUNK)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)  # byte-aligned: it can be repeated
    crc = 0
    for _ in range(nbytes // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    return block * (nbytes // _CHUNK) + compressor.flush(), crc


def zip_archive(entries: dict) -> bytes:
    """A zip of name → bytes (stored) or name → FakeStorage with deflated_zeros (deflated)."""
    out, central = io.BytesIO(), []
    for name, content in entries.items():
        if isinstance(content, FakeStorage):
            data, crc = _deflated_zeros(content.nbytes)
            method, size = 8, content.nbytes
        else:
            data, crc, method, size = content, zlib.crc32(content), 0, len(content)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0)
            + encoded
            + data
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def model_file(state: dict, config: dict, extra_entries: dict | None = None) -> bytes:
    """A .pt file as torch.save writes it, for a state of FakeTensors; each storage's bytes are zeros."""
    payload = {"format": MODEL_FORMAT, "version": 1, "config": config, "state_dict": state, "metadata": {}}
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump(payload)
    entries = {"archive/data.pkl": buffer.getvalue(), "archive/byteorder": b"little", "archive/version": b"3\n"}
    storages = {tensor.storage.key: tensor.storage for tensor in state.values()}
    for key, storage in storages.items():
        entries[f"archive/data/{key}"] = storage if storage.deflated_zeros else bytes(storage.nbytes)
    entries.update(extra_entries or {})
    return zip_archive(entries)


def honest_state(config: dict) -> dict:
    """One zero storage per weight, each exactly the weight's size: what save_model writes (with zeros)."""
    return {
        name: FakeTensor(FakeStorage(str(i), _numel(shape)), shape)
        for i, (name, shape) in enumerate(expected_shapes(config).items())
    }


def _numel(shape: tuple) -> int:
    count = 1
    for n in shape:
        count *= n
    return count


LESSON = {"conv1_channels": 32, "conv2_channels": 64, "hidden_size": 128}


def view_bomb(storage_bytes: int = GiB) -> bytes:
    """fc2.bias is a 10-number view into storage_bytes of zeros, deflated (1 GiB in about 1 MB)."""
    state = honest_state(LESSON)
    state["fc2.bias"] = FakeTensor(FakeStorage("7", storage_bytes // 4, deflated_zeros=True), (10,))
    return model_file(state, LESSON)


def eight_storage_bomb() -> bytes:
    """Every weight lies in its own 1 GiB storage of deflated zeros: 8 GiB declared in about 8.4 MB."""
    state = {
        name: FakeTensor(FakeStorage(str(i), GiB // 4, deflated_zeros=True), shape)
        for i, (name, shape) in enumerate(expected_shapes(LESSON).items())
    }
    return model_file(state, LESSON)


def stored_view_bomb() -> bytes:
    """Not compressed: fc2.bias is a 10-number view into a 12 MB storage the file really holds."""
    state = honest_state(LESSON)
    state["fc2.bias"] = FakeTensor(FakeStorage("7", 3 * 2**20), (10,))
    return model_file(state, LESSON)


def directory_bomb(entries: int = 330_000) -> bytes:
    """A 15 MB central directory of one-letter entries, claiming 3 in its end record: zipfile parses them all."""
    one = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"a"
    directory = one * entries
    return directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 3, 3, len(directory), 0, 0)


def huge_declared_model() -> bytes:
    """conv 256/256 and 2,048 hidden units, every weight a stride-0 view of one zero: a 2 kB file."""
    config = {"conv1_channels": 256, "conv2_channels": 256, "hidden_size": 2048}
    zero = FakeStorage("0", 1)
    state = {name: FakeTensor(zero, shape, stride=(0,) * len(shape)) for name, shape in expected_shapes(config).items()}
    return model_file(state, config)
