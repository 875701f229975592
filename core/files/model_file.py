"""Saving and loading a CNN as a file of plain tensors; an uploaded file is checked before anything is built from it.

A .pt file is a zip archive: data.pkl (a pickle that names each tensor's storage, shape and strides) and one entry per
storage. torch.load trusts both: a deflated entry can hold 1 GiB of zeros in 1 MB, and a 10-number weight can be a
view into a storage of any size. So the archive's directory and data.pkl's opcodes are read first (nothing is
unpickled, nothing is allocated beyond the file itself) and torch.load only ever sees a file whose every byte is
accounted for by a tensor the page could have built.
"""

import io
import pickletools
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch

from core.errors import UserError

MODEL_FORMAT = "nn-playground-cnn"
MAX_MODEL_BYTES = 16 * 1024 * 1024  # as .streamlit/config.toml's maxUploadSize; the largest page model is 13 MB
# The CNN page's largest choices: a file may declare nothing the page could not build itself (a 256/256/2048 model
# cost +380 MB and 19 s of CPU for its report).
PAGE_LIMITS = {"conv1_channels": 64, "conv2_channels": 128, "hidden_size": 512}
CONFIG_LIMITS = {key: (1, high) for key, high in PAGE_LIMITS.items()}
MAX_PICKLE_BYTES = 1024 * 1024  # the real data.pkl is about 1 kB; 1 MB of opcodes builds at most ~40 MB of objects
MAX_ENTRIES = 64  # torch.save writes 6 entries plus one per tensor (8 for the CNN)
# zipfile parses the whole central directory into objects before anything can be counted: a 15 MB directory of
# 330,000 one-letter entries cost +120 MB and 2.2 s. The real one is about 1.5 kB.
MAX_DIRECTORY_BYTES = 64 * 1024
PAYLOAD_KEYS = {"format", "version", "config", "state_dict", "metadata"}
MAX_METADATA_ITEMS = 64
ELEMENT_BYTES = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2}
REBUILD_TENSOR = ("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = ("torch._utils", "_rebuild_parameter")
ORDERED_DICT = ("collections", "OrderedDict")


class ModelFileError(UserError):
    """An uploaded model file that is refused; a ValueError, as load_model has always raised."""


def save_model(model, file, **metadata) -> None:
    """Write the model's config and weights (plain tensors, no code) to a path or binary file object."""
    payload = {
        "format": MODEL_FORMAT,
        "version": 1,
        "config": dict(model.config),
        "state_dict": {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
        "metadata": {k: v for k, v in metadata.items() if isinstance(v, (int, float, str, bool))},
    }
    torch.save(payload, file)


def load_model(file):
    """Read a model written by save_model; raises ValueError with a readable reason on anything else."""
    try:
        data = _read_bytes(file)
        config = check_model_archive(data)
        return _load_model(data, config)
    except ValueError:
        raise
    except Exception as exc:  # anything odd inside a well-formed file (sparse or quantized tensors, …)
        raise ModelFileError(
            "This file's contents are not a usable NN Playground model ({kind}).", kind=type(exc).__name__
        ) from exc


def _read_bytes(file) -> bytes:
    if isinstance(file, (str, Path)):
        path = Path(file)
        if not path.is_file():
            raise ModelFileError("No model file at {path}.", path=str(path))
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ModelFileError("The model file is larger than {mb} MB.", mb=MAX_MODEL_BYTES // 2**20)
        return path.read_bytes()
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


# ---- The archive, judged before torch.load ----------------------------------------------------------------------


@dataclass(frozen=True)
class Storage:
    """A persistent-id record in data.pkl: ('storage', torch.<Type>Storage, key, location, numel)."""

    key: str
    type_name: str
    numel: int

    @property
    def nbytes(self) -> int:
        return self.numel * ELEMENT_BYTES[self.type_name]


@dataclass(frozen=True)
class TensorView:
    """A _rebuild_tensor_v2 call in data.pkl: which storage, and where in it the tensor lies."""

    storage: Storage
    offset: int
    size: tuple
    stride: tuple

    @property
    def elements_spanned(self) -> int:
        """How many of the storage's elements the view can reach (offset included): what it needs to exist."""
        if 0 in self.size:
            return 0
        return self.offset + 1 + sum((n - 1) * s for n, s in zip(self.size, self.stride))


@dataclass(frozen=True)
class Global:
    module: str
    name: str


def check_model_archive(data: bytes) -> dict:
    """The file's model config, once its archive and data.pkl show nothing costlier than the model it declares.

    Reads only the zip directory and data.pkl's opcodes; raises ModelFileError for anything else.
    """
    entries = _archive_entries(data)
    pickle_names = [name for name in entries if name.endswith("/data.pkl")]
    if len(pickle_names) != 1:
        raise ModelFileError("This is not a model saved by NN Playground (it is not a PyTorch model file).")
    prefix = pickle_names[0][: -len("data.pkl")]
    if any(not name.startswith(prefix) for name in entries):
        raise ModelFileError("This model file's archive has entries outside its folder.")
    if entries[pickle_names[0]].file_size > MAX_PICKLE_BYTES:
        raise ModelFileError(
            "This model file's description (data.pkl) is larger than {mb} MB.", mb=MAX_PICKLE_BYTES // 2**20
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        payload = _read_pickle(archive.read(pickle_names[0]))
    config = _check_payload(payload)
    _check_storages(payload["state_dict"], config, entries, prefix)
    return config


def _archive_entries(data: bytes) -> dict:
    """The zip's entries by name; refuses compression, duplicates, overlaps and sizes the file does not hold."""
    _check_directory_size(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise ModelFileError("This is not a model saved by NN Playground (it is not a PyTorch model file).") from exc
    if len(infos) > MAX_ENTRIES:
        raise ModelFileError(
            "This model file's archive has {count} entries; a model has at most {limit}.",
            count=len(infos),
            limit=MAX_ENTRIES,
        )
    entries = {info.filename: info for info in infos}
    if len(entries) != len(infos):
        raise ModelFileError("This model file's archive names the same entry twice.")
    if any(info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size for info in infos):
        # torch.save never compresses; a deflated entry is how 1 GiB of zeros fits in 1 MB.
        raise ModelFileError("This model file's archive is compressed; PyTorch never writes compressed models.")
    if sum(info.file_size for info in infos) > len(data):
        raise ModelFileError("This model file's archive declares more data than the file holds.")
    return entries


def _check_directory_size(data: bytes) -> None:
    """Refuse a central directory too large to parse, reading its size where zipfile reads it: the end records."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or end + 22 > len(data):
        raise ModelFileError("This is not a model saved by NN Playground (it is not a PyTorch model file).")
    sizes = [struct.unpack("<HI", data[end + 10 : end + 16])]
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":  # a zip64 locator: zipfile reads the zip64 record
        (record,) = struct.unpack("<Q", data[end - 12 : end - 4])
        if data[record : record + 4] != b"PK\x06\x06" or record + 56 > len(data):
            raise ModelFileError("This is not a model saved by NN Playground (it is not a PyTorch model file).")
        sizes.append(struct.unpack("<QQ", data[record + 32 : record + 48]))
    count, size = max(count for count, _ in sizes), max(size for _, size in sizes)
    if count > MAX_ENTRIES:
        raise ModelFileError(
            "This model file's archive has {count} entries; a model has at most {limit}.",
            count=count,
            limit=MAX_ENTRIES,
        )
    if size > MAX_DIRECTORY_BYTES:
        raise ModelFileError(
            "This model file's archive directory is {kb} kB; a model's is at most {limit} kB.",
            kb=size // 1024,
            limit=MAX_DIRECTORY_BYTES // 1024,
        )


# Opcodes that only build plain values; anything else (INST, OBJ, NEWOBJ, EXT…) means code, so it is refused.
_PUSH_ARG = {
    "BININT",
    "BININT1",
    "BININT2",
    "INT",
    "LONG",
    "LONG1",
    "LONG4",
    "BINFLOAT",
    "FLOAT",
    "BINUNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE8",
    "UNICODE",
    "BINSTRING",
    "SHORT_BINSTRING",
    "BINBYTES",
    "SHORT_BINBYTES",
    "BINBYTES8",
}
_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
_TUPLE_N = {"TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}


def _read_pickle(raw: bytes):
    """data.pkl's value, built from its opcodes with plain Python values only: nothing is imported or called.

    Storages become Storage records, _rebuild_tensor_v2 calls TensorView records, OrderedDict() an empty dict.
    """
    stack, marks, memo = [], [], {}
    try:
        for op, arg, _ in pickletools.genops(raw):
            name = op.name
            if name in ("PROTO", "FRAME"):
                continue
            if name == "STOP":
                if len(stack) != 1:
                    break
                return stack[0]
            if name in _PUSH_ARG:
                stack.append(arg)
            elif name in _CONSTANTS:
                stack.append(_CONSTANTS[name])
            elif name in ("EMPTY_DICT", "EMPTY_LIST", "EMPTY_TUPLE"):
                stack.append({} if name == "EMPTY_DICT" else [] if name == "EMPTY_LIST" else ())
            elif name == "MARK":
                marks.append(len(stack))
            elif name == "TUPLE":
                start = marks.pop()
                stack[start:] = [tuple(stack[start:])]
            elif name in _TUPLE_N:
                n = _TUPLE_N[name]
                stack[-n:] = [tuple(stack[-n:])]
            elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
                memo[arg] = stack[-1]
            elif name == "MEMOIZE":
                memo[len(memo)] = stack[-1]
            elif name in ("BINGET", "LONG_BINGET", "GET"):
                stack.append(memo[arg])
            elif name == "SETITEM":
                value, key = stack.pop(), stack.pop()
                _set_item(stack[-1], key, value)
            elif name == "SETITEMS":
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                for key, value in zip(items[::2], items[1::2]):
                    _set_item(stack[-1], key, value)
            elif name == "APPEND":
                _container(stack[-2], list).append(stack.pop())
            elif name == "APPENDS":
                start = marks.pop()
                items = stack[start:]
                del stack[start:]
                _container(stack[-1], list).extend(items)
            elif name == "BUILD":  # a state_dict's OrderedDict carries a _metadata attribute; it is not needed
                stack.pop()
                _container(stack[-1], dict)
            elif name == "POP":
                stack.pop()
            elif name == "POP_MARK":
                del stack[marks.pop() :]
            elif name == "DUP":
                stack.append(stack[-1])
            elif name in ("GLOBAL", "STACK_GLOBAL"):
                module, attr = arg.split(" ", 1) if name == "GLOBAL" else (stack.pop(-2), stack.pop())
                stack.append(_allowed_global(module, attr))
            elif name == "BINPERSID":
                stack.append(_storage(stack.pop()))
            elif name == "REDUCE":
                args, func = stack.pop(), stack.pop()
                stack.append(_reduce(func, args))
            else:
                raise ModelFileError("This model file contains something other than plain tensors ({what}).", what=name)
    except ModelFileError:
        raise
    except Exception as exc:  # a malformed pickle: bad opcodes, stack underflow, unhashable keys…
        raise ModelFileError("This model file's description (data.pkl) is damaged.") from exc
    raise ModelFileError("This model file's description (data.pkl) is damaged.")


def _container(value, kind):
    if not isinstance(value, kind):
        raise ModelFileError("This model file's description (data.pkl) is damaged.")
    return value


def _set_item(target, key, value) -> None:
    # Only plain keys: a deeply nested tuple key would recurse when hashed.
    if not isinstance(key, (str, int, float, bool, type(None))):
        raise ModelFileError("This model file's description (data.pkl) is damaged.")
    _container(target, dict)[key] = value


def _allowed_global(module: str, attr: str) -> Global:
    found = Global(module, attr)
    if (module, attr) in (REBUILD_TENSOR, REBUILD_PARAMETER, ORDERED_DICT) or (
        module == "torch" and attr in ELEMENT_BYTES
    ):
        return found
    what = f"{module}.{attr}" if module == "torch" and attr.endswith("Storage") else "code"
    raise ModelFileError("This model file contains something other than plain tensors ({what}).", what=what[:60])


def _storage(pid) -> Storage:
    if not (
        isinstance(pid, tuple)
        and len(pid) == 5
        and pid[0] == "storage"
        and isinstance(pid[1], Global)
        and pid[1].module == "torch"
        and isinstance(pid[2], str)
        and _whole(pid[4])
    ):
        raise ModelFileError("This model file's description (data.pkl) is damaged.")
    return Storage(key=pid[2], type_name=pid[1].name, numel=pid[4])


def _reduce(func, args):
    if not isinstance(func, Global) or not isinstance(args, tuple):
        raise ModelFileError("This model file's description (data.pkl) is damaged.")
    if (func.module, func.name) == ORDERED_DICT and args == ():
        return {}
    if (func.module, func.name) == REBUILD_PARAMETER and args and isinstance(args[0], TensorView):
        return args[0]
    if (func.module, func.name) == REBUILD_TENSOR and len(args) in (6, 7):
        storage, offset, size, stride = args[:4]
        if (
            isinstance(storage, Storage)
            and _whole(offset)
            and _shape(size)
            and _shape(stride)
            and len(size) == len(stride)
        ):
            return TensorView(storage, offset, size, stride)
    raise ModelFileError("This model file's description (data.pkl) is damaged.")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62


def _shape(value) -> bool:
    return isinstance(value, tuple) and len(value) <= 8 and all(_whole(n) and n < 2**40 for n in value)


def _check_payload(payload) -> dict:
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelFileError("This file is not an NN Playground CNN model (its format tag is missing).")
    metadata = payload.get("metadata", {})
    # Only what save_model writes, so torch.load never builds more than this check has seen.
    if (
        set(payload) - PAYLOAD_KEYS
        or not isinstance(metadata, dict)
        or len(metadata) > MAX_METADATA_ITEMS
        or not all(isinstance(v, (int, float, str, bool)) for v in metadata.values())
    ):
        raise ModelFileError("This model file holds more than a model's config, weights and a few notes.")
    config = _valid_config(payload.get("config"))
    expected = expected_shapes(config)
    state = payload.get("state_dict")
    if not isinstance(state, dict) or set(state) != set(expected):
        raise ModelFileError(
            "The file's weights do not match the model: expected the tensors {names}.",
            names=", ".join(sorted(expected)),
        )
    for name, view in state.items():
        if not isinstance(view, TensorView) or view.size != expected[name]:
            shape = view.size if isinstance(view, TensorView) else type(view).__name__
            raise ModelFileError(
                "Weight {name} has shape {shape}; the model needs {needed}.",
                name=name,
                shape=str(shape)[:60],
                needed=str(expected[name]),
            )
    return config


def _valid_config(config) -> dict:
    if not isinstance(config, dict) or set(config) != set(CONFIG_LIMITS):
        raise ModelFileError(
            "The file's model config must have exactly the keys {keys}.", keys=", ".join(sorted(CONFIG_LIMITS))
        )
    for key, (low, high) in CONFIG_LIMITS.items():
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            shown = str(value) if isinstance(value, int) else type(value).__name__
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
    from core.cnn import CNN  # core.cnn re-exports this module's names, so it is imported when first needed

    with torch.device("meta"):
        return {name: tuple(t.shape) for name, t in CNN(**config).state_dict().items()}


def _check_storages(state: dict, config: dict, entries: dict, prefix: str) -> None:
    """Each storage exists, is exactly as large as its entry, and is no larger than the tensor that uses it."""
    largest_use = {}
    for view in state.values():
        if view.storage.type_name not in ELEMENT_BYTES:
            raise ModelFileError("This model file holds weights that are not floating-point numbers.")
        if view.elements_spanned > view.storage.numel:
            raise ModelFileError("This model file's description (data.pkl) is damaged.")
        largest_use[view.storage] = max(largest_use.get(view.storage, 0), _numel(view.size))
    if len({storage.key for storage in largest_use}) != len(largest_use):
        raise ModelFileError("This model file's description (data.pkl) is damaged.")
    for storage, used in largest_use.items():
        entry = entries.get(f"{prefix}data/{storage.key}")
        if entry is None or entry.file_size != storage.nbytes:
            raise ModelFileError("This model file's weights do not match its description (data.pkl).")
        if storage.numel > used:
            # A 10-number weight that is a view into 1 GiB: torch.load would allocate the whole storage.
            raise ModelFileError("A weight in this model file lies in a storage larger than the weight itself.")
    limit = sum(_numel(shape) for shape in expected_shapes(config).values()) * max(ELEMENT_BYTES.values())
    if sum(storage.nbytes for storage in largest_use) > limit:
        raise ModelFileError("This model file's weights are larger than the model it declares.")


def _numel(shape: tuple) -> int:
    count = 1
    for n in shape:
        count *= n
    return count


# ---- Loading a file that passed the checks ----------------------------------------------------------------------


def _load_model(data: bytes, config: dict):
    from core.cnn import CNN

    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ModelFileError(
            "This is not a model saved by NN Playground (it could not be read safely: {kind}).", kind=type(exc).__name__
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT or payload.get("config") != config:
        raise ModelFileError("This file is not an NN Playground CNN model (its format tag is missing).")
    model = CNN(**config)
    state = payload.get("state_dict")
    expected = model.state_dict()
    if not isinstance(state, dict) or set(state) != set(expected):
        raise ModelFileError(
            "The file's weights do not match the model: expected the tensors {names}.",
            names=", ".join(sorted(expected)),
        )
    for name, tensor in state.items():
        if (
            not isinstance(tensor, torch.Tensor)
            or tensor.layout != torch.strided
            or tensor.is_quantized
            or tuple(tensor.shape) != tuple(expected[name].shape)
        ):
            shape = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
            raise ModelFileError(
                "Weight {name} has shape {shape}; the model needs {needed}.",
                name=name,
                shape=str(shape)[:60],
                needed=str(tuple(expected[name].shape)),
            )
        if not tensor.is_floating_point() or not bool(torch.isfinite(tensor).all()):
            raise ModelFileError("Weight {name} is not a finite floating-point tensor.", name=name)
    model.load_state_dict({k: v.float() for k, v in state.items()})
    model.metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
    return model.eval()
