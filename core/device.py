"""Pick the torch device and a thread count that suit the machine."""
import os

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


def describe_device(device: torch.device) -> str:
    """A short human name for the device, e.g. 'CUDA (NVIDIA H100)'."""
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple MPS"
    return f"CPU ({torch.get_num_threads()} threads)"
