"""Pick the torch device and a thread count that suit the machine."""

import os
from dataclasses import dataclass

import torch

from core.errors import UserError

_configured = False


def best_device() -> torch.device:
    """CUDA if present, else Apple MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def resolve_device(device=None) -> torch.device:
    """`None` or "auto" means the best device; anything else is taken as given."""
    if device is None or device == "auto":
        return best_device()
    return torch.device(device)


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def cpu_threads() -> int:
    """Threads for torch on the CPU: the env var NN_PLAYGROUND_THREADS, else all but one core, at most 4."""
    configured = os.environ.get("NN_PLAYGROUND_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    cores = usable_cores()
    return max(1, min(4, cores - 1 if cores > 2 else cores))


def configure_torch() -> None:
    """Set torch's intra-op threads once per process."""
    global _configured
    if not _configured:
        torch.set_num_threads(cpu_threads())
        _configured = True


@dataclass(frozen=True)
class DeviceDescription:
    """A device's short name as an English template and its values, so the UI can show it in any language."""

    template: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return self.template.format(**dict(self.values))


# Every template describe_device can return (the UI translates them; tests check each has 中文).
DEVICE_TEMPLATES = ("CUDA ({gpu})", "Apple MPS", "CPU (1 thread)", "CPU ({threads} threads)")


def describe_device(device: torch.device) -> DeviceDescription:
    """A short human name for the device, e.g. 'CUDA (NVIDIA H100)' or 'CPU (2 threads)'."""
    if device.type == "cuda":
        return DeviceDescription("CUDA ({gpu})", (("gpu", torch.cuda.get_device_name(device)),))
    if device.type == "mps":
        return DeviceDescription("Apple MPS")
    threads = torch.get_num_threads()
    if threads == 1:
        return DeviceDescription("CPU (1 thread)")
    return DeviceDescription("CPU ({threads} threads)", (("threads", threads),))


# --------------------------------------------------------------------------------------------------
# Precision: float32, or bfloat16 through torch.autocast where the hardware runs it natively
# --------------------------------------------------------------------------------------------------

PRECISIONS = ("auto", "float32", "bfloat16")

# What the CNN page says the device offers; each template has 中文 (tests/test_cnn_precision.py checks).
PRECISION_TEMPLATES = (
    "bfloat16: this CPU has AMX, so auto trains in bfloat16.",
    "bfloat16: this CPU has AVX512-BF16 but no AMX. On such a CPU it trained slower than float32 (bench/benchmark.py: "
    "2,018 vs 3,690 samples/s), so auto keeps float32.",
    "bfloat16: this CPU has no bfloat16 instructions; it would be emulated and slower, so auto keeps float32.",
    "bfloat16: this GPU ({gpu}) runs it natively, so auto trains in bfloat16.",
    "This GPU ({gpu}) has no bfloat16: bfloat16 runs as float16 with loss scaling (GradScaler).",
    "Apple MPS: float32 only here.",
)


@dataclass(frozen=True)
class Precision:
    """A resolved precision: what a run computes its forward pass in.

    dtype None means plain float32 (no autocast). scaled: float16 needs a GradScaler, or small gradients round to 0.
    The weights and the optimizer always stay float32; autocast only runs the matrix products in 16 bits.
    """

    name: str  # "float32", "bfloat16" or "float16"
    device_type: str
    dtype: torch.dtype | None = None
    scaled: bool = False

    @property
    def autocast(self) -> bool:
        return self.dtype is not None


def cpu_bfloat16() -> str | None:
    """'AMX', 'AVX512-BF16' or None: the CPU's native bfloat16 matrix instructions, as torch detects them."""
    cpu = getattr(torch, "cpu", None)
    if cpu is not None and getattr(cpu, "_is_amx_tile_supported", lambda: False)():
        return "AMX"
    if cpu is not None and getattr(cpu, "_is_avx512_bf16_supported", lambda: False)():
        return "AVX512-BF16"
    return None


def precision_offer(device: torch.device) -> DeviceDescription:
    """What the device offers in bfloat16, for the page's Precision setting."""
    if device.type == "cuda":
        gpu = (("gpu", torch.cuda.get_device_name(device)),)
        if torch.cuda.is_bf16_supported():
            return DeviceDescription(PRECISION_TEMPLATES[3], gpu)
        return DeviceDescription(PRECISION_TEMPLATES[4], gpu)
    if device.type == "mps":
        return DeviceDescription(PRECISION_TEMPLATES[5])
    return DeviceDescription(PRECISION_TEMPLATES[{"AMX": 0, "AVX512-BF16": 1, None: 2}[cpu_bfloat16()]])


def _sixteen_bits(device: torch.device) -> Precision:
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        return Precision("float16", "cuda", torch.float16, scaled=True)
    return Precision("bfloat16", device.type, torch.bfloat16)


def resolve_precision(precision, device: torch.device) -> Precision:
    """ "auto", "float32" or "bfloat16" → what runs on this device.

    auto is bfloat16 where the hardware multiplies in it natively and faster: a CUDA GPU (float16 with loss scaling
    on one without bfloat16), a CPU with AMX. Else float32: on this 2-core Xeon with AVX512-BF16 but no AMX,
    oneDNN's bfloat16 convolutions ran no faster than float32 (conv2's forward and backward 13.3 vs 7.7 ms a
    batch, one thread), so bfloat16 would cost accuracy and buy nothing.
    """
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise UserError("Unknown precision {value}: use auto, float32 or bfloat16.", value=repr(precision)[:40])
    if precision == "float32" or device.type not in ("cpu", "cuda"):
        if precision == "bfloat16":
            raise UserError("bfloat16 is not offered on {device}; choose float32 or auto.", device=device.type)
        return Precision("float32", device.type)
    if precision == "bfloat16" or device.type == "cuda" or cpu_bfloat16() == "AMX":
        return _sixteen_bits(device)
    return Precision("float32", device.type)
