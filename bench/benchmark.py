"""Speed of NN Playground's CNN training (float32 and bfloat16) against the post's own script, run as written.

Run from the repository root:

    python bench/benchmark.py [--rounds R] [--epochs N] [--device cpu|cuda|auto] [--data DIR]

Every round runs, each in a fresh process and in an order that rotates every round: the post's script
(lesson/mnist_cnn.py, byte for byte, run as its user runs it: `python mnist_cnn.py` beside a ./data folder, with
the environment this command was started with, so no OpenMP or thread setting is chosen for it), then
`core.cnn.train` as the app runs it, in float32 and in bfloat16. Figures are medians over the rounds; each ratio is
the median of the per-round ratios. See bench/README.md.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The environment as the user started this command, before configure_process() adds its OpenMP spin setting: the post's
# script runs with exactly this one, as it would from the user's shell.
USER_ENV = dict(os.environ)
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "lesson" / "mnist_cnn.py"
sys.path.insert(0, str(ROOT))

from core.serving.process import configure_process  # noqa: E402

configure_process()  # first, as app.py does: the OpenMP wait policy is read when torch loads

# isort: split
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402

from core.cnn.data import bundled_root  # noqa: E402
from core.serving.device import cpu_bfloat16, describe_device, resolve_device  # noqa: E402
from core.xor import numpy_net as xor_numpy  # noqa: E402
from core.xor import torch_net as xor_torch  # noqa: E402

IMPORTS = (
    ("numpy", None),
    ("torch", None),
    ("core.xor.numpy_net", None),
    ("core.xor.figures", None),
    ("core.xor.torch_net", None),
    ("core.cnn", None),
    ("torchvision", None),
    ("torchvision", "torch"),
)
SIDES = ("lesson", "float32", "bfloat16")
SCRIPT_EPOCHS = re.compile(r"^epochs = (\d+)$", re.MULTILINE)

# --------------------------------------------------------------------------------------------------
# The post's script, run as written. This runner is the child's whole program: it imports nothing of the project,
# times the script from its first line to its last, then (untimed) measures the trained model on the test split
# with the script's own ToTensor() and a plain test loop (the post has none).
# --------------------------------------------------------------------------------------------------

LESSON_RUNNER = r"""
import contextlib, io, json, sys, time
import torch, torchvision
from torchvision import transforms
source, epochs = sys.argv[1], sys.argv[2]
code = open(source, encoding="utf-8").read()
if epochs != "as-written":
    code = code.replace("\nepochs = 10\n", f"\nepochs = {int(epochs)}\n")
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    names = {"__name__": "__main__", "__file__": source}
    exec(compile(code, source, "exec"), names)
train_s = time.perf_counter() - started
model, device = names["model"], names["device"]
test = torchvision.datasets.MNIST("./data", train=False, download=False, transform=transforms.ToTensor())
loader = torch.utils.data.DataLoader(test, batch_size=1000)
model.eval()
correct = 0
started = time.perf_counter()
with torch.no_grad():
    for images, labels in loader:
        correct += (model(images.to(device)).argmax(1) == labels.to(device)).sum().item()
eval_s = time.perf_counter() - started
print(json.dumps({
    "samples_per_s": names["epochs"] * len(names["trainset"]) / train_s,
    "accuracy": correct / len(test),
    "eval_samples_per_s": len(test) / eval_s,
    "threads": torch.get_num_threads(),
    "epochs": names["epochs"],
}))
"""


def script_epochs() -> int:
    return int(SCRIPT_EPOCHS.search(SCRIPT.read_text(encoding="utf-8")).group(1))


def run_lesson(args) -> dict:
    """The post's script in a fresh interpreter, in a folder whose ./data is the benchmark's data, with USER_ENV."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "data").symlink_to(Path(args.data).resolve(), target_is_directory=True)
        epochs = "as-written" if args.epochs is None else str(args.epochs)
        command = [sys.executable, "-c", LESSON_RUNNER, str(SCRIPT), epochs]
        done = subprocess.run(command, cwd=folder, env=USER_ENV, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the post's script failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# The project's side, as the app runs it: configure_process() first (its OpenMP setting), core.serving.device's threads,
# the data cached in memory as after the app's first page, core.cnn.train consumed record by record
# --------------------------------------------------------------------------------------------------


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def project_worker(root, epochs, device, seed, precision, eval_repeats) -> dict:
    """core.cnn.train in one precision, then core.cnn.evaluate in the same.

    samples_per_s leaves out the test evaluations that train() runs after each epoch (the time between an epoch's
    last log record and its 'epoch'/'done' record); e2e_samples_per_s is the whole train() call.
    """
    from core import cnn
    from core.cnn.data import load_split

    train_images, _ = load_split(root, train=True, download=False)
    test_images, test_labels = load_split(root, train=False, download=False)
    model = cnn.build_model(seed)
    eval_s, last = 0.0, None
    sync(device)
    started = previous = time.perf_counter()
    for record in cnn.train(model, root, epochs=epochs, device=device, seed=seed, precision=precision):
        now = time.perf_counter()
        if record.kind in ("epoch", "done"):
            eval_s += now - previous
        previous, last = now, record
    sync(device)
    total_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(eval_repeats):
        cnn.evaluate(model, test_images, test_labels, precision)
    sync(device)
    n = epochs * len(train_images)
    return {
        "samples_per_s": n / (total_s - eval_s),
        "e2e_samples_per_s": n / total_s,
        "accuracy": last.test_accuracy,
        "eval_samples_per_s": eval_repeats * len(test_images) / (time.perf_counter() - started),
        "threads": torch.get_num_threads(),
        "ran_in": last.precision,
        "weights": str(next(model.parameters()).dtype),
    }


def run_project(args, precision, seed, epochs) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", precision, "--epochs", str(epochs)]
    command += ["--device", args.device, "--data", args.data, "--eval-repeats", str(args.eval_repeats)]
    done = subprocess.run(command + ["--seed", str(seed)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {precision} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# How close to the limit: FLOPs a training sample costs, counted from the model, against the CPU's float32 peak
# --------------------------------------------------------------------------------------------------


def training_flops_per_sample(model: nn.Module | None = None) -> float:
    """Multiply-adds of one forward pass, counted by hooks on every Conv2d and Linear, times 2 FLOPs, times 3 for
    training (forward; backward to the weights; backward to the inputs, which conv1 skips: its input is the image).
    """
    from core.cnn import CNN

    model = model or CNN()
    macs: list[tuple[nn.Module, int]] = []

    def count(module, inputs, output):
        per_output = module.in_features if isinstance(module, nn.Linear) else module.weight[0].numel()
        macs.append((module, output[0].numel() * per_output))

    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    handles = [layer.register_forward_hook(count) for layer in layers]
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for handle in handles:
        handle.remove()
    first = layers[0]
    return sum(2 * m * (2 if module is first else 3) for module, m in macs)


def cpu_flags() -> set[str]:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def cpu_ghz() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("cpu MHz"):
                return float(line.split(":", 1)[1]) / 1000
    return None


def float32_peak_gflops(threads: int, fma_units: int) -> tuple[float | None, str]:
    """threads × GHz × FMA units × float32 lanes (16 with AVX-512, 8 with AVX2) × 2 FLOPs, and that formula."""
    ghz, flags = cpu_ghz(), cpu_flags()
    lanes = 16 if "avx512f" in flags else 8 if "avx2" in flags else 4
    if ghz is None:
        return None, "unknown clock"
    peak = threads * ghz * fma_units * lanes * 2
    return peak, f"{threads} cores × {ghz:.2f} GHz × {fma_units} FMA units × {lanes} lanes × 2 = {peak:,.0f} GFLOP/s"


# --------------------------------------------------------------------------------------------------
# XOR and imports, unchanged
# --------------------------------------------------------------------------------------------------


def lesson_xor_numpy(epochs):
    np.random.seed(0)  # the lesson's class draws its weights from NumPy's global generator
    net = xor_numpy.SimpleNeuralNetwork(2, 2, 1)
    for _ in range(epochs):
        net.forward(xor_numpy.X_XOR)
        net.backward(xor_numpy.X_XOR, xor_numpy.Y_XOR, 0.5)
    return net


def lesson_xor_torch(epochs):
    X = torch.tensor(xor_numpy.X_XOR, dtype=torch.float32)
    y = torch.tensor(xor_numpy.Y_XOR, dtype=torch.float32)
    torch.manual_seed(0)
    model = xor_torch.XORNet(2)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(epochs):
        outputs = model(X)
        loss = criterion(outputs, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (epoch + 1) % 1000 == 0:
            loss.item()
    return model


def timed(fn, *args, **kwargs) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def import_seconds(module: str, after: str | None = None, repeats: int = 3) -> tuple[float, bool, bool]:
    """Median seconds to import `module` in a fresh interpreter run in the repo root (after importing `after`, untimed),
    and whether that loaded torchvision and torch._dynamo."""
    code = (
        f"import sys, time; {'import ' + after + '; ' if after else ''}t = time.perf_counter(); import {module}; "
        "print(time.perf_counter() - t, 'torchvision' in sys.modules, 'torch._dynamo' in sys.modules)"
    )
    times, flags = [], (False, False)
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(out[0]))
        flags = (out[1] == "True", out[2] == "True")
    return statistics.median(times), *flags


# --------------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_lines(device, threads) -> list[str]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    spin = {name: USER_ENV.get(name, "unset") for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS")}
    return [
        f"CPU: {cpu_model()}, {cores} cores available, bfloat16 instructions: {cpu_bfloat16() or 'none'}; "
        f"Python {platform.python_version()}, torch {torch.__version__}, torchvision {torchvision.__version__}",
        f"Device: {describe_device(device) if device.type != 'cpu' else 'CPU'}; torch threads: the post's script "
        f"{threads[0]} (torch's default), project {threads[1]} (core.serving.device.cpu_threads)",
        "Environment of the post's script, as this command was started: "
        + ", ".join(f"{k}={v}" for k, v in spin.items())
        + f"; the project's: GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', 'unset')} (as the app sets it)",
    ]


def med(values):
    return statistics.median(values)


def mean_range(values) -> str:
    text = f"{statistics.mean(values):.2%}"
    return text + (f" ({min(values):.2%}–{max(values):.2%})" if len(values) > 1 else "")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--epochs", type=int, help="epochs for every side (default: the script's own `epochs = 10`, as written)"
    )
    parser.add_argument("--device", default="auto", choices=("cpu", "cuda", "auto"), help="the project's device")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of lesson / float32 / bfloat16 (default 3)")
    parser.add_argument(
        "--data",
        default=os.environ.get("NN_PLAYGROUND_DATA") or bundled_root(),
        help="folder holding MNIST/raw (default $NN_PLAYGROUND_DATA, else the bundled sample)",
    )
    parser.add_argument("--eval-repeats", type=int, default=5, help="test-set passes per evaluation timing (default 5)")
    parser.add_argument("--fma-units", type=int, default=2, help="float32 FMA units per core, for the peak (default 2)")
    parser.add_argument("--xor-epochs", type=int, default=10_000)
    parser.add_argument("--xor-nets", type=int, default=100)
    parser.add_argument("--no-xor", action="store_true", help="skip the XOR timings")
    parser.add_argument("--no-imports", action="store_true", help="skip the fresh-process import timings")
    parser.add_argument("--worker", choices=("float32", "bfloat16"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def one_round(args, r: int, epochs: int) -> dict:
    """The three sides in fresh processes, the order rotated each round; the project's two share seed r."""
    order = SIDES[r % 3 :] + SIDES[: r % 3]
    results = {side: run_lesson(args) if side == "lesson" else run_project(args, side, r, epochs) for side in order}
    lesson, full, half = (results[side] for side in SIDES)
    print(
        f"round {r + 1}/{args.rounds} ({' → '.join(order)}): samples/s lesson {lesson['samples_per_s']:,.0f}, "
        f"float32 {full['samples_per_s']:,.0f} ({full['samples_per_s'] / lesson['samples_per_s']:.2f}x), "
        f"bfloat16 {half['samples_per_s']:,.0f} ({half['samples_per_s'] / lesson['samples_per_s']:.2f}x, ran in "
        f"{half['ran_in']}, weights {half['weights']}); accuracy {lesson['accuracy']:.2%} / {full['accuracy']:.2%} "
        f"/ {half['accuracy']:.2%}",
        flush=True,
    )
    return results


def xor_round(args) -> dict:
    return {
        "np": timed(lesson_xor_numpy, args.xor_epochs),
        "torch": timed(lesson_xor_torch, args.xor_epochs),
        "many": timed(xor_numpy.train_many, 2, range(args.xor_nets), epochs=args.xor_epochs),
    }


def cnn_table(rounds: list[dict], peak: float | None) -> list[str]:
    def column(side, key):
        return [r[side][key] for r in rounds]

    def ratio(side, key="samples_per_s"):
        return med([r[side][key] / r["lesson"][key] for r in rounds])

    flops = training_flops_per_sample() / 1e9
    rows = ["| What | The post's script | Project, float32 | Project, bfloat16 |", "| --- | ---: | ---: | ---: |"]
    rate = {side: med(column(side, "samples_per_s")) for side in SIDES}
    rows.append(
        f"| CNN training, samples/s | {rate['lesson']:,.0f} | {rate['float32']:,.0f} (**{ratio('float32'):.2f}×**) "
        f"| {rate['bfloat16']:,.0f} (**{ratio('bfloat16'):.2f}×**) |"
    )
    share = (lambda side: f", {rate[side] * flops / peak:.0%} of peak") if peak else (lambda side: "")
    rows.append(
        f"| Training arithmetic ({flops * 1e3:.1f} MFLOP a sample), GFLOP/s | "
        + " | ".join(f"{rate[side] * flops:,.0f}{share(side)}" for side in SIDES)
        + " |"
    )
    e2e = {side: med(column(side, "e2e_samples_per_s")) for side in SIDES[1:]}
    rows.append(
        f"| Training + a test evaluation after each epoch, samples/s | | {e2e['float32']:,.0f} "
        f"| {e2e['bfloat16']:,.0f} |"
    )
    gaps = [r["bfloat16"]["accuracy"] - r["float32"]["accuracy"] for r in rounds]
    rows.append(
        "| Test accuracy (mean, range) | " + " | ".join(mean_range(column(side, "accuracy")) for side in SIDES) + " |"
    )
    rows.append(
        f"| bfloat16 − float32, same seed and data order | | | {100 * statistics.mean(gaps):+.2f} pt (largest "
        f"{100 * max(gaps, key=abs):+.2f}) |"
    )
    rows.append(
        "| Evaluation of the test set, samples/s | "
        + f"{med(column('lesson', 'eval_samples_per_s')):,.0f} (a plain test loop; the post has none) | "
        + " | ".join(f"{med(column(side, 'eval_samples_per_s')):,.0f}" for side in SIDES[1:])
        + " |"
    )
    return rows


def xor_table(xors: list[dict], ep: int, nets: int) -> list[str]:
    np_s, torch_s, many_s = (med([x[k] for x in xors]) for k in ("np", "torch", "many"))
    return [
        "| XOR | The lesson's loop | Project | Ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| 1 net × {ep:,} epochs, NumPy `SimpleNeuralNetwork` | {np_s:.2f} s | | |",
        f"| 1 net × {ep:,} epochs, PyTorch `XORNet` + SGD | {torch_s:.2f} s | | |",
        f"| {nets} nets × {ep:,} epochs | {nets * np_s:.1f} s ({nets} × the NumPy loop, est.) | `train_many`: "
        f"{many_s:.2f} s | {nets * np_s / many_s:.0f}× |",
    ]


def import_table() -> list[str]:
    rows = [
        "| Import in a fresh process | Seconds | Loads torchvision | Loads torch._dynamo |",
        "| --- | ---: | :---: | :---: |",
    ]
    for module, after in IMPORTS:
        seconds, vision, dynamo = import_seconds(module, after)
        label = f"`import {module}`" + (f" (with {after} already loaded)" if after else "")
        rows.append(f"| {label} | {seconds:.2f} | {'yes' if vision else 'no'} | {'yes' if dynamo else 'no'} |")
    return rows


def main(argv=None):
    args = parse_args(argv)
    device = resolve_device(args.device)
    epochs = args.epochs or script_epochs()
    if args.worker:
        result = project_worker(args.data, epochs, device, args.seed, args.worker, args.eval_repeats)
        print(json.dumps(result))
        return
    sizes = [len(torchvision.datasets.MNIST(args.data, train=t, download=False)) for t in (True, False)]
    print(f"Data: {args.data} ({sizes[0]:,} train / {sizes[1]:,} test images); {epochs} epochs × {args.rounds} rounds")
    print(f"Command: python bench/benchmark.py {' '.join(sys.argv[1:] if argv is None else argv)}\n", flush=True)
    rounds = [one_round(args, r, epochs) for r in range(args.rounds)]
    xors = [] if args.no_xor else [xor_round(args) for _ in range(args.rounds)]
    threads = (rounds[-1]["lesson"]["threads"], rounds[-1]["float32"]["threads"])
    peak, formula = float32_peak_gflops(threads[1], args.fma_units) if device.type == "cpu" else (None, "")
    print("\n" + "\n".join(f"_{line}_  " for line in machine_lines(device, threads)))
    print(
        f"_{epochs} epochs on {sizes[0]:,} MNIST training images, batch 64, Adam 1e-3, StepLR(5, 0.5); medians of "
        f"{args.rounds} rounds, each side in a fresh process; ratios against the post's script"
        + (f"; float32 peak: {formula}" if peak else "")
        + "._\n"
    )
    print("\n".join(cnn_table(rounds, peak)))
    if xors:
        print("\n" + "\n".join(xor_table(xors, args.xor_epochs, args.xor_nets)))
    if not args.no_imports:
        print("\n" + "\n".join(import_table()))


if __name__ == "__main__":
    main()
