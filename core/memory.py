"""Process-wide memory policy: how glibc keeps and returns freed memory."""
import ctypes
import os
import platform
import threading

_malloc_lock = threading.Lock()
_malloc_tuned = False


def keep_freed_memory() -> None:
    """Let glibc reuse freed blocks of up to 32 MB (and keep up to 256 MB free atop its heap) instead of returning them to the OS.

    A training step frees and re-allocates ~30 MB of activations and gradients. With glibc's default thresholds
    those pages went back to the kernel after every step and were faulted in again on the next one: ~3,900 minor
    page faults a step, a third of its CPU time (measured on the benchmark machine, see bench/README.md).
    Process-wide and done once; skipped off glibc and when the user tunes malloc through the environment.
    """
    global _malloc_tuned
    with _malloc_lock:
        if _malloc_tuned:
            return
        _malloc_tuned = True
        if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
            return
        if any(k in os.environ for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")):
            return
        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):
            return
        m_trim_threshold, m_mmap_threshold = -1, -3
        mallopt(m_mmap_threshold, 32 * 2**20)  # glibc's maximum for this setting
        mallopt(m_trim_threshold, 256 * 2**20)
