"""Is the project's faster training as accurate as the lesson's? Compared on the same batches, seed by seed.

    python bench/same_order.py [--seeds 0-12] [--epochs 2] [--data DIR]

benchmark.py runs the lesson's loop verbatim, so the lesson and the project shuffle the data differently, and after
2 epochs on mini-MNIST the order alone moves test accuracy by about ±0.6 points. Here the lesson's model, optimizer
(plain Adam), memory layout and forward pass train on exactly the batches core.cnn.train draws for the same seed
(same initial weights too), so any gap left is the implementation's.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.serving.process import configure_process  # noqa: E402

configure_process()  # first, as app.py does: the OpenMP wait policy is read when torch loads

# isort: split
import torch  # noqa: E402
from torch import nn  # noqa: E402

from core import cnn  # noqa: E402
from core.cnn.data import bundled_root, load_split, normalize  # noqa: E402


class LessonCNN(cnn.CNN):
    """The page's CNN with the post's forward (conv → ReLU → pool, view): the lesson's model, layer for layer."""

    forward = cnn.lesson_forward


def lesson_on_project_batches(root, epochs, seed) -> float:
    images, labels = load_split(root, train=True, download=False)
    test_images, test_labels = load_split(root, train=False, download=False)
    torch.manual_seed(seed)
    model = LessonCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)
    criterion = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)  # as core.cnn.train draws its epochs' orders
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), 64):
            idx = order[start : start + 64]
            optimizer.zero_grad()
            loss = criterion(model(normalize(images[idx])), labels[idx])
            loss.backward()
            optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        return float((model(normalize(test_images)).argmax(1) == test_labels).float().mean())


def project(root, epochs, seed) -> float:
    records = list(
        cnn.train(
            cnn.build_model(seed), root, epochs=epochs, lr=1e-3, batch_size=64, device="cpu", seed=seed, download=False
        )
    )
    return records[-1].test_accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0-12", help="a range like 0-12 (default)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--data", default=os.environ.get("NN_PLAYGROUND_DATA") or bundled_root())
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    lesson, ours = [], []
    print("| Seed | Lesson's model + Adam on the same batches | core.cnn.train |")
    print("| ---: | ---: | ---: |")
    for seed in seeds:
        lesson.append(lesson_on_project_batches(args.data, args.epochs, seed))
        ours.append(project(args.data, args.epochs, seed))
        print(f"| {seed} | {lesson[-1]:.2%} | {ours[-1]:.2%} |", flush=True)
    gaps = [b - a for a, b in zip(lesson, ours)]
    print(f"| mean | {statistics.mean(lesson):.2%} | {statistics.mean(ours):.2%} |")
    print(
        f"\nproject − lesson on the same batches: mean {100 * statistics.mean(gaps):+.2f} pt, "
        f"largest |gap| {100 * max(map(abs, gaps)):.2f} pt over {len(gaps)} seeds"
    )


if __name__ == "__main__":
    main()
