"""Lay out the bundled MNIST sample as the post's script expects it: ./data/MNIST/raw, unpacked.

    python scripts/post_data.py            # makes lesson/data, so that `cd lesson && python mnist_cnn.py` runs
    python scripts/post_data.py SOME/DIR   # makes SOME/DIR/data

The sample is 8,000 training and 2,000 test images of the real MNIST (data/README.md), so the post's 10 epochs take a
minute or two on a laptop's CPU instead of the full data set's ten or more. With the full MNIST in ./data (torchvision's
`MNIST(root='./data', download=True)` fetches it once, online), the script runs as the post ran it.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.cnn.data import RAW_FILES, bundled_root  # noqa: E402


def lay_out(folder: Path) -> Path:
    raw = folder / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    source = Path(bundled_root()) / "MNIST" / "raw"
    for name in RAW_FILES:
        shutil.copyfile(source / name, raw / name)
    return raw


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "lesson"
    print(f"MNIST sample laid out in {lay_out(target)}")
