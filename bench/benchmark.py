"""Speed of NN Playground's training, evaluation and XOR code against the lesson's own loops.

Run from the repository root:

    python bench/benchmark.py [--epochs N] [--device cpu|cuda|auto] [--rounds R] [--data DIR]

Every round runs the lesson's code and the project's code one after the other on the same data and
machine (the order flips every round, so slow drift of the machine hits both alike); the figures are
medians over the rounds and each ratio is the median of the per-round ratios. See bench/README.md.
"""

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import core  # noqa: E402,F401  (first, as app.py does: it sets the OpenMP wait policy before torch loads)

# isort: split
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402
from torchvision import transforms  # noqa: E402

from core import xor_numpy, xor_torch  # noqa: E402
from core.device import cpu_threads, describe_device, resolve_device  # noqa: E402
from core.mnist_data import bundled_root  # noqa: E402

IMPORTS = (
    ("numpy", None),
    ("torch", None),
    ("core.xor_numpy", None),
    ("core.xor_figures", None),
    ("core.xor_torch", None),
    ("core.cnn", None),
    ("torchvision", None),
    ("torchvision", "torch"),
)


# --------------------------------------------------------------------------------------------------
# The lesson's code, as the lesson writes it
# --------------------------------------------------------------------------------------------------


class LessonCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = x.view(-1, 64 * 7 * 7)
        x = self.relu(self.fc1(x))
        x = self.fc2(x)
        return x


LESSON_TRANSFORM = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])


def lesson_loaders(root):
    train_dataset = torchvision.datasets.MNIST(root, train=True, transform=LESSON_TRANSFORM, download=False)
    test_dataset = torchvision.datasets.MNIST(root, train=False, transform=LESSON_TRANSFORM, download=False)
    train_loader = DataLoader(train_dataset, batch_size=64, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=1000, shuffle=False)
    return train_loader, test_loader


def lesson_train(model, train_loader, epochs, device, log):
    """The lesson's loop: Adam 1e-3, StepLR(5, 0.5), loss.item() every batch, a print every 100 batches."""
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    for epoch in range(epochs):
        model.train()
        running_loss = 0.0
        for i, (images, labels) in enumerate(train_loader):
            images, labels = images.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if (i + 1) % 100 == 0:
                print(
                    f"Epoch [{epoch + 1}/{epochs}], Step [{i + 1}/{len(train_loader)}], Loss: {running_loss / 100:.4f}",
                    file=log,
                )
                running_loss = 0.0
        scheduler.step()


def lesson_evaluate(model, test_loader, device) -> float:
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in test_loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total


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


# --------------------------------------------------------------------------------------------------
# Measuring: each training run in a fresh worker process, so neither side inherits the other's state
# (torch's thread count, the allocator's settings and free lists, warm caches)
# --------------------------------------------------------------------------------------------------


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def lesson_worker(root, epochs, device, seed, eval_repeats) -> dict:
    """The lesson's script: its loaders, model and loop, torch's default threads; then its test loop, timed."""
    train_loader, test_loader = lesson_loaders(root)
    torch.manual_seed(seed)
    model = LessonCNN().to(device)
    sync(device)
    started = time.perf_counter()
    lesson_train(model, train_loader, epochs, device, io.StringIO())
    sync(device)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    accuracy = lesson_evaluate(model, test_loader, device)
    eval_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(eval_repeats):
        lesson_evaluate(model, test_loader, device)
    sync(device)
    eval_rate = eval_repeats * len(test_loader.dataset) / (time.perf_counter() - started)
    n = epochs * len(train_loader.dataset)
    return {
        "samples_per_s": n / train_s,
        "e2e_samples_per_s": n / (train_s + eval_s),
        "accuracy": accuracy,
        "eval_samples_per_s": eval_rate,
        "threads": torch.get_num_threads(),
    }


def project_worker(root, epochs, device, seed, eval_repeats) -> dict:
    """core.cnn.train as the app calls it (data already cached, as after the app's first page), then core.cnn.evaluate.

    samples_per_s leaves out the test evaluations that train() runs after each epoch (the time between an epoch's
    last log record and its 'epoch'/'done' record); e2e_samples_per_s is the whole train() call.
    """
    from core import cnn
    from core.mnist_data import load_split

    train_images, _ = load_split(root, train=True, download=False)
    test_images, test_labels = load_split(root, train=False, download=False)
    model = cnn.build_model(seed)
    eval_s, last = 0.0, None
    sync(device)
    started = time.perf_counter()
    previous = started
    for record in cnn.train(
        model, root, epochs=epochs, lr=1e-3, batch_size=64, device=device, seed=seed, download=False
    ):
        now = time.perf_counter()
        if record["kind"] in ("epoch", "done"):
            eval_s += now - previous
        previous, last = now, record
    sync(device)
    total_s = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(eval_repeats):
        cnn.evaluate(model, test_images, test_labels)
    sync(device)
    eval_rate = eval_repeats * len(test_images) / (time.perf_counter() - started)
    n = epochs * len(train_images)
    return {
        "samples_per_s": n / (total_s - eval_s),
        "e2e_samples_per_s": n / total_s,
        "accuracy": last["test_accuracy"],
        "eval_samples_per_s": eval_rate,
        "threads": torch.get_num_threads(),
    }


def run_worker(who, args, seed) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        who,
        "--epochs",
        str(args.epochs),
        "--device",
        args.device,
        "--data",
        args.data,
        "--eval-repeats",
        str(args.eval_repeats),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {who} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


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


def machine_lines(device, threads=None) -> list[str]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lesson_threads, project_threads = threads or (torch.get_num_threads(), cpu_threads())
    return [
        f"CPU: {cpu_model()}, {cores} cores available; Python {platform.python_version()}, torch {torch.__version__}, "
        f"torchvision {torchvision.__version__}, numpy {np.__version__}",
        f"Device: {describe_device(device) if device.type != 'cpu' else 'CPU'}; torch threads: lesson {lesson_threads} "
        f"(torch's default), project {project_threads} (core.device.cpu_threads); "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}, "
        f"GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', 'unset')} for both",
    ]


def med(values):
    return statistics.median(values)


def mean_range(values) -> str:
    text = f"{statistics.mean(values):.2%}"
    return text + (f" ({min(values):.2%}–{max(values):.2%})" if len(values) > 1 else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2, help="training epochs per run (default 2)")
    parser.add_argument(
        "--device", default="auto", choices=("cpu", "cuda", "auto"), help="default auto: CUDA if present"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of lesson vs project (default 3)")
    parser.add_argument(
        "--data",
        default=os.environ.get("NN_PLAYGROUND_DATA") or bundled_root(),
        help="folder holding MNIST/raw (default $NN_PLAYGROUND_DATA, else the bundled sample)",
    )
    parser.add_argument("--eval-repeats", type=int, default=5, help="test-set passes per evaluation timing (default 5)")
    parser.add_argument("--xor-epochs", type=int, default=10_000)
    parser.add_argument("--xor-nets", type=int, default=100)
    parser.add_argument("--no-imports", action="store_true", help="skip the fresh-process import timings")
    parser.add_argument("--worker", choices=("lesson", "project"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    if args.worker:
        worker = lesson_worker if args.worker == "lesson" else project_worker
        print(json.dumps(worker(args.data, args.epochs, device, args.seed, args.eval_repeats)))
        return

    for line in machine_lines(device):
        print(line)
    sizes = [len(torchvision.datasets.MNIST(args.data, train=t, download=False)) for t in (True, False)]
    print(
        f"Data: {args.data} ({sizes[0]} train / {sizes[1]} test images); {args.epochs} epochs x {args.rounds} rounds\n"
    )

    keys = (
        "lesson_sps",
        "project_sps",
        "train_ratio",
        "lesson_e2e",
        "project_e2e",
        "e2e_ratio",
        "lesson_acc",
        "project_acc",
        "lesson_eval",
        "project_eval",
        "eval_ratio",
        "xor_np",
        "xor_torch",
        "xor_many",
    )
    rows = {key: [] for key in keys}
    threads = None
    for r in range(args.rounds):
        order = ("lesson", "project") if r % 2 == 0 else ("project", "lesson")
        results = {who: run_worker(who, args, seed=r) for who in order}
        lesson, project = results["lesson"], results["project"]
        threads = (lesson["threads"], project["threads"])
        xor = {
            "np": timed(lesson_xor_numpy, args.xor_epochs),
            "torch": timed(lesson_xor_torch, args.xor_epochs),
            "many": timed(xor_numpy.train_many, 2, range(args.xor_nets), epochs=args.xor_epochs),
        }
        for key, value in (
            ("lesson_sps", lesson["samples_per_s"]),
            ("project_sps", project["samples_per_s"]),
            ("train_ratio", project["samples_per_s"] / lesson["samples_per_s"]),
            ("lesson_e2e", lesson["e2e_samples_per_s"]),
            ("project_e2e", project["e2e_samples_per_s"]),
            ("e2e_ratio", project["e2e_samples_per_s"] / lesson["e2e_samples_per_s"]),
            ("lesson_acc", lesson["accuracy"]),
            ("project_acc", project["accuracy"]),
            ("lesson_eval", lesson["eval_samples_per_s"]),
            ("project_eval", project["eval_samples_per_s"]),
            ("eval_ratio", project["eval_samples_per_s"] / lesson["eval_samples_per_s"]),
            ("xor_np", xor["np"]),
            ("xor_torch", xor["torch"]),
            ("xor_many", xor["many"]),
        ):
            rows[key].append(value)
        print(
            f"round {r + 1}/{args.rounds} ({order[0]} first): train lesson {lesson['samples_per_s']:,.0f} vs project "
            f"{project['samples_per_s']:,.0f} samples/s ({rows['train_ratio'][-1]:.2f}x; with evaluation "
            f"{rows['e2e_ratio'][-1]:.2f}x); accuracy {lesson['accuracy']:.4f} vs {project['accuracy']:.4f}; "
            f"eval {lesson['eval_samples_per_s']:,.0f} vs {project['eval_samples_per_s']:,.0f} samples/s "
            f"({rows['eval_ratio'][-1]:.2f}x); XOR {xor['np']:.2f} s / {xor['torch']:.2f} s / "
            f"{args.xor_nets} nets {xor['many']:.2f} s",
            flush=True,
        )

    imports = [] if args.no_imports else [(module, after, *import_seconds(module, after)) for module, after in IMPORTS]

    ep, nets = args.xor_epochs, args.xor_nets
    print("\n" + "\n".join(f"_{line}_  " for line in machine_lines(device, threads)))
    print(
        f"_{args.epochs} epochs on {sizes[0]:,} MNIST training images, batch 64, Adam 1e-3; medians of {args.rounds} "
        f"alternating rounds, each run in a fresh process._\n"
    )
    print("| What | Lesson's code | Project | Project ÷ lesson |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| CNN training, samples/s | {med(rows['lesson_sps']):,.0f} | {med(rows['project_sps']):,.0f} "
        f"| **{med(rows['train_ratio']):.2f}×** |"
    )
    print(
        f"| CNN training + test evaluation, samples/s | {med(rows['lesson_e2e']):,.0f} "
        f"| {med(rows['project_e2e']):,.0f} | {med(rows['e2e_ratio']):.2f}× |"
    )
    print(
        f"| Test accuracy after {args.epochs} epochs (mean, range) | {mean_range(rows['lesson_acc'])} "
        f"| {mean_range(rows['project_acc'])} | "
        f"{100 * (statistics.mean(rows['project_acc']) - statistics.mean(rows['lesson_acc'])):+.2f} pt |"
    )
    print(
        f"| Evaluation of {sizes[1]:,} test images, samples/s | {med(rows['lesson_eval']):,.0f} "
        f"| {med(rows['project_eval']):,.0f} | **{med(rows['eval_ratio']):.2f}×** |"
    )
    print(
        f"| XOR, 1 net × {ep:,} epochs, NumPy `SimpleNeuralNetwork` | {med(rows['xor_np']):.2f} s "
        f"({ep / med(rows['xor_np']):,.0f} net·epochs/s) | | |"
    )
    print(
        f"| XOR, 1 net × {ep:,} epochs, PyTorch `XORNet` + SGD | {med(rows['xor_torch']):.2f} s "
        f"({ep / med(rows['xor_torch']):,.0f} net·epochs/s) | | |"
    )
    print(
        f"| XOR, {nets} nets × {ep:,} epochs | {nets * med(rows['xor_np']):.1f} s ({nets} × the NumPy loop, est.) | "
        f"`train_many`: {med(rows['xor_many']):.2f} s ({nets * ep / med(rows['xor_many']):,.0f} net·epochs/s) | "
        f"{nets * med(rows['xor_np']) / med(rows['xor_many']):.0f}× |"
    )
    if imports:
        print("\n| Import in a fresh process | Seconds | Loads torchvision | Loads torch._dynamo |")
        print("| --- | ---: | :---: | :---: |")
        for module, after, seconds, vision, dynamo in imports:
            label = f"`import {module}`" + (f" (with {after} already loaded)" if after else "")
            print(f"| {label} | {seconds:.2f} | {'yes' if vision else 'no'} | {'yes' if dynamo else 'no'} |")


if __name__ == "__main__":
    main()
