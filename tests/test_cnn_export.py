"""A run exported as one Python file trains on its own, with only torch and torchvision."""

import ast
import subprocess
import sys

import pytest

from core.cnn import settings as cnn_settings
from core.cnn.settings import RunSettings
from core.errors import UserError
from core.lesson import cnn_export

TINY = dict(
    conv1_channels=8,
    conv2_channels=16,
    hidden_size=32,
    epochs=1,
    train_subset=2000,
    batch_size=64,
    lr=1e-3,
    optimizer="adam",
    step_lr=True,
    seed=0,
)


def imported_modules(script: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    return modules


def test_the_exported_script_trains_with_only_torch_and_torchvision(tmp_path, mnist_root):
    script = cnn_export.export_script(RunSettings(**TINY))
    assert imported_modules(script) <= {"argparse", "torch", "torchvision"}
    path = tmp_path / cnn_export.FILE_NAME
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path), "--data", str(mnist_root), "--no-download"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    accuracy = float(done.stdout.strip().splitlines()[-1].split(":")[1])
    assert accuracy > 0.5, done.stdout
    assert (tmp_path / "mnist_cnn.pt").is_file()


def test_the_script_carries_the_runs_settings():
    script = cnn_export.export_script(
        RunSettings(**{**TINY, "optimizer": "sgd", "lr": 0.03, "step_lr": False, "train_subset": None})
    )
    assert "LEARNING_RATE = 0.03" in script and "TRAIN_IMAGES = None" in script
    assert "optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)" in script
    assert "StepLR" not in script and "CONV1_CHANNELS = 8" in script
    compile(script, cnn_export.FILE_NAME, "exec")


@pytest.mark.parametrize(
    "bad",
    [
        {"lr": "__import__('os').system('x')"},
        {"conv1_channels": "8; import os"},
        {"epochs": 10**9},
        {"optimizer": "rmsprop\nimport os"},
        {"lr": float("nan")},
        {"train_subset": True},
        {"conv1_channels": 8.0},  # a valid size, but 8.0 channels would reach the file
        {"hidden_size": 2 * cnn_settings.MODEL_MAXIMA["hidden_size"]},
        {"step_lr": 1},
    ],
)
def test_odd_settings_never_reach_the_file(bad):
    with pytest.raises(UserError):
        cnn_export.export_script(RunSettings(**{**TINY, **bad}))


def test_every_line_not_marked_page_is_the_posts(tmp_path):
    """A reader holding the post sees at once what the page added: Normalize and the rest end in "# page"."""
    from tests.conftest import ROOT

    post = {line.strip() for line in (ROOT / "lesson" / "mnist_cnn.py").read_text(encoding="utf-8").splitlines()}
    script = cnn_export.export_script(RunSettings())  # the lesson's defaults
    code = script.split('"""', 2)[2]  # after the docstring
    names = {
        "CONV1_CHANNELS": "32",
        "CONV2_CHANNELS": "64",
        "HIDDEN_UNITS": "128",
        "LEARNING_RATE": "0.001",
        "BATCH_SIZE": "64",
        "EPOCHS": "10",
        "root=args.data": "root='./data'",
        "download=args.download": "download=False",
    }
    unmarked = [line.strip() for line in code.splitlines() if line.strip() and not line.endswith(("# page", "; page"))]
    for line in unmarked:
        for name, value in names.items():
            line = line.replace(name, value)
        assert line in post, line
    normalize = next(line for line in script.splitlines() if "transforms.Normalize" in line)
    assert normalize.endswith("# page") and "page's own" in script.split('"""')[1]
