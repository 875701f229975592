"""The process's start-up policy, set by one explicit call (app.py's first line, and the benchmarks'), never as a
side effect of importing something."""

import os

from core.serving.memory import keep_freed_memory


def configure_process() -> None:
    """Before anything imports torch: OpenMP's idle-thread spin, then glibc's malloc thresholds and arenas (before any
    training thread picks its arena). Each step leaves a value the user set in the environment alone."""
    short_openmp_spin()
    keep_freed_memory()


def short_openmp_spin() -> None:
    """How long torch's idle OpenMP threads spin before sleeping. GNU OpenMP's default (300,000 spins) steals the CPU
    from other sessions and the UI: with another busy process, training ran up to 3x slower. A short spin keeps
    back-to-back kernels fast and yields quickly under load. Measured here (2 cores, samples/s training the lesson's
    CNN): idle, PASSIVE 5,600 vs 2,000 spins 7,800; next to a busy process, PASSIVE 2,900 vs 2,000 spins 2,900
    (20,000 spins: 1,400). Read when OpenMP starts, so it must be set before torch loads; an OMP_WAIT_POLICY or
    GOMP_SPINCOUNT from the environment wins."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", "2000")
