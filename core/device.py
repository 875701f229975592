"""Pick the torch device and a thread count that suit the machine."""

import os
from dataclasses import dataclass

import torch

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
