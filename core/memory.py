"""Process-wide memory policy: how glibc keeps and returns freed memory."""

import ctypes
import os
import platform
import threading

_malloc_lock = threading.Lock()
_malloc_tuned = False


def keep_freed_memory() -> None:
    """Let glibc reuse freed blocks of up to 32 MB (and keep up to 256 MB free atop its heap) instead of returning
    them to the OS.

    A training step frees and re-allocates ~30 MB of activations and gradients. With glibc's default thresholds
    those pages went back to the kernel after every step and were faulted in again on the next one: ~3,900 minor
    page faults a step, a third of its CPU time (measured on the benchmark machine, see bench/README.md).
    Process-wide and done once (before training threads start: core.jobs calls it on import); skipped off glibc
    and when the user tunes malloc through the environment.
    """
    global _malloc_tuned
    with _malloc_lock:
        if _malloc_tuned:
            return
        _malloc_tuned = True
        if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
            return
        tuned = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES")
        if any(k in os.environ for k in tuned):
            return
        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):
            return
        m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8
        mallopt(m_mmap_threshold, 32 * 2**20)  # glibc's maximum for this setting
        mallopt(m_trim_threshold, 256 * 2**20)
        # Each training job runs in its own thread, and glibc gives threads their own arenas (up to 8 a core):
        # thirty queued runs left their freed blocks spread over 16 arenas, 380 MB that malloc_trim could not
        # return. Two arenas: 30 largest-model runs end 126 MB above the first (the results kept), not 510 MB.
        mallopt(m_arena_max, 2)


def release_freed_memory() -> None:
    """Give the free pages that glibc keeps (in every thread's arena) back to the system: malloc_trim(0).

    keep_freed_memory lets each arena keep up to 256 MB between training steps; without this, 30 max-size runs
    left the server 2.6 GB larger for good. Called when a training job ends: the running jobs lose nothing but
    the faults of one step's worth of pages.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
