"""Train the ready-made lesson CNN the Draw page uses, from the bundled MNIST sample, reproducibly.

    python scripts/make_ready_model.py            # writes models/ready_cnn.safetensors and models/ready_cnn.json
    python scripts/make_ready_model.py --epochs 1 --out /tmp/check   # a quick look elsewhere

The lesson's CNN and optimizer (Adam, lr 1e-3, halved every 5 epochs, batch 64), with one addition: each batch is
randomly rotated, scaled and shifted a little, because 8,000 images are few and a drawing or a photo is never placed
exactly as MNIST's digits are. Same seed, same torch version and thread count: the same file, byte for byte.
"""

import argparse
import hashlib
import json
import math
import platform
import sys
import time
from pathlib import Path

import torch
from torch.nn import functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import cnn  # noqa: E402
from core.cnn.data import bundled_root, load_split, normalize_unit  # noqa: E402
from core.files import model_file  # noqa: E402
from core.files.ready_model import METADATA_PATH, MODEL_PATH  # noqa: E402

SETTINGS = {
    "seed": 0,
    "epochs": 20,
    "lr": 1e-3,
    "batch_size": 64,
    "step_size": 5,
    "gamma": 0.5,
    "max_rotation_deg": 12.0,
    "max_scale": 0.12,
    "max_shift_px": 2.5,
    "threads": 2,
}


def augment(images: torch.Tensor, generator: torch.Generator, settings: dict) -> torch.Tensor:
    """Unit images N×1×28×28, each rotated, scaled and shifted at random (black comes in at the edges)."""
    n = len(images)

    def uniform(*shape):
        return torch.rand(*shape, generator=generator) * 2 - 1

    angle = uniform(n) * math.radians(settings["max_rotation_deg"])
    scale = 1 + uniform(n) * settings["max_scale"]
    shift = uniform(n, 2) * settings["max_shift_px"] * 2 / 28
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False)


def train(settings: dict, log=print) -> tuple[cnn.CNN, float]:
    """The lesson's loop on the sample's 8,000 training images; returns the model and its test accuracy."""
    torch.set_num_threads(settings["threads"])
    root = bundled_root()
    images, labels = load_split(root, train=True, download=False)
    test_images, test_labels = load_split(root, train=False, download=False)
    model = cnn.build_model(settings["seed"])
    loss_fn, optimizer = cnn.loss_and_optimizer(model, "adam", settings["lr"], device="cpu")
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, settings["step_size"], settings["gamma"])
    generator = torch.Generator().manual_seed(settings["seed"])
    unit = images.float().div(255).unsqueeze(1)
    for epoch in range(1, settings["epochs"] + 1):
        model.train()
        started = time.perf_counter()
        order = torch.randperm(len(unit), generator=generator)
        for start in range(0, len(order), settings["batch_size"]):
            idx = order[start : start + settings["batch_size"]]
            x = normalize_unit(augment(unit[idx], generator, settings)[:, 0])
            loss = loss_fn(model(x), labels[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        scheduler.step()
        accuracy, _ = cnn.evaluate(model, test_images, test_labels)
        log(f"epoch {epoch}: test accuracy {accuracy:.2%} ({time.perf_counter() - started:.0f} s)")
    return model.cpu().eval(), accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    parser.add_argument("--seed", type=int, default=SETTINGS["seed"])
    parser.add_argument("--out", type=Path, default=MODEL_PATH.parent, help="folder for the model and its .json")
    args = parser.parse_args()
    settings = {**SETTINGS, "epochs": args.epochs, "seed": args.seed}
    model_path, metadata_path = args.out / MODEL_PATH.name, args.out / METADATA_PATH.name
    args.out.mkdir(parents=True, exist_ok=True)
    model, accuracy = train(settings)
    model_file.save_model(model, model_path, source="ready-made", test_accuracy=accuracy)
    record = {
        "file": model_path.name,
        "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest(),
        "bytes": model_path.stat().st_size,
        "test_accuracy": round(accuracy, 4),
        "test_images": 2000,
        "train_images": 8000,
        "data": "data/mnist-sample (MNIST by LeCun, Cortes & Burges, CC BY-SA 3.0)",
        "config": model.config,
        "settings": settings,
        "made_by": "scripts/make_ready_model.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    metadata_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {model_path} ({record['bytes']:,} bytes, test accuracy {accuracy:.2%})")


if __name__ == "__main__":
    main()
