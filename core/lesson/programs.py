"""Run the post's programs exactly as written (lesson/*.py) and catch what they print.

Each program is compiled from its own file and run as `__main__`; only `print` is handed in, so its lines come
back to the page instead of going to the server's stdout (one namespace per run: visitors never share one).
"""

import builtins
from collections.abc import Callable

from core.lesson.code import BLOCK

# CPU seconds of one run as written, measured on the 2-core dev machine: the NumPy program 0.2 s (10,000 epochs of
# a 2 → 3 → 1 net), the PyTorch one 2.1 s (10,000 steps of the PyTorch loop, its OpenMP threads spinning).
PROGRAM_SECONDS = {"xor_numpy": 0.3, "xor_pytorch": 2.5}


def printer(emit: Callable[[str], None]) -> Callable:
    """A `print` that hands each printed text to `emit` instead of writing it (same sep/end rules as print)."""

    def print_(*values, sep=" ", end="\n", file=None, flush=False):
        emit((" " if sep is None else sep).join(map(str, values)) + ("\n" if end is None else end))

    return print_


def namespace(name: str, **handed_in) -> dict:
    """A fresh module namespace for running lesson/<name> as a script, with `handed_in` shadowing builtins."""
    return {"__name__": "__main__", "__file__": str(BLOCK[name].path), "__builtins__": builtins, **handed_in}


def run_program(name: str, source: str | None = None) -> str:
    """Everything lesson/<name> prints when run as a script (the XOR programs: each run starts from new random
    weights, as the post's do)."""
    printed: list[str] = []
    code = compile(source if source is not None else BLOCK[name].source(), str(BLOCK[name].path), "exec")
    exec(code, namespace(name, print=printer(printed.append)))
    return "".join(printed)
