"""lesson/ holds the post's three programs as written, and each runs as written; the page's runner prints the same."""

import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from core.cnn.data import load_split
from core.lesson import cnn_script
from core.lesson.code import BLOCK, BLOCKS, COMMENTS_EN, code_lines, comment_start, in_language
from core.lesson.programs import run_program
from tests.conftest import ROOT

POST = ROOT.parent / "shared" / "lesson" / "blog-post.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")
FINAL_OUTPUT = re.compile(r"^Final Output after training:\n\[\[[^\]]+\]\n \[[^\]]+\]\n \[[^\]]+\]\n \[[^\]]+\]\]\n$")


def post_blocks(text: str) -> list[list[str]]:
    """The post's code blocks: each is a run of line numbers 1..N on lines of their own, then its N lines."""
    lines, blocks, i = text.split("\n"), [], 0
    while i < len(lines):
        count = 0
        while i + count < len(lines) and lines[i + count].strip() == str(count + 1):
            count += 1
        if count:
            blocks.append(lines[i + count : i + 2 * count])
            i += 2 * count
        else:
            i += 1
    return blocks


@pytest.mark.skipif(not POST.exists(), reason="the post's text lies in ../shared/lesson beside the repository")
def test_every_block_is_the_posts_line_for_line_with_only_indentation_restored():
    blocks = post_blocks(POST.read_text(encoding="utf-8"))
    assert len(blocks) == len(BLOCKS) == 10
    for block, posted in zip(BLOCKS, blocks):
        ours = block.source().rstrip("\n").split("\n")
        assert [line.strip() for line in ours] == [line.strip() for line in posted], block.name


def test_the_whole_programs_keep_the_posts_names_and_defaults():
    numpy_program = BLOCK["xor_numpy"].source()
    assert "output_error = y - self.Y_hat # dC/dy" in numpy_program
    assert "SimpleNeuralNetwork(input_size=2, hidden_size=3, output_size=1)" in numpy_program
    assert "learning_rate = 0.5" in numpy_program and "epochs = 10000" in numpy_program
    torch_program = BLOCK["xor_pytorch"].source()
    assert "nn.Linear(2, 3)" in torch_program and "optim.SGD(model.parameters(), lr=0.5)" in torch_program
    script = BLOCK["mnist_cnn"].source()
    assert "transforms.Compose([transforms.ToTensor()])" in script and "Normalize" not in script
    assert f"epochs = {cnn_script.EPOCHS}" in script and f"batch_size={cnn_script.BATCH_SIZE}" in script
    assert 'print("✅ CNN 训练完成!🎉")' in script


def test_english_changes_only_the_comments_and_translates_every_chinese_one():
    for block in BLOCKS:
        source = block.source()
        english = in_language(source, "en")
        assert in_language(source, "zh") == source
        assert code_lines(english) == code_lines(source), block.name
        for line in english.split("\n"):
            start = comment_start(line)
            assert start < 0 or not CJK.search(line[start:]), line
    used = {line[comment_start(line) + 1 :].strip() for b in BLOCKS for line in b.source().split("\n")}
    assert set(COMMENTS_EN) <= used  # no stale translations


@pytest.mark.parametrize("name", ["xor_numpy", "xor_pytorch"])
def test_xor_programs_run_from_the_command_line_and_the_page_prints_the_same_shape(name):
    done = subprocess.run(
        [sys.executable, BLOCK[name].file], cwd=ROOT / "lesson", capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert FINAL_OUTPUT.match(done.stdout), done.stdout
    assert FINAL_OUTPUT.match(run_program(name))


def test_the_page_prints_exactly_what_the_numpy_program_prints_for_the_same_random_state():
    np.random.seed(3)
    on_page = run_program("xor_numpy")
    np.random.seed(3)
    script = "import numpy as np, runpy; np.random.seed(3); runpy.run_path('xor_numpy.py', run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "lesson", capture_output=True, text=True)
    assert done.stdout == on_page
    outputs = [float(v) for v in re.findall(r"[0-9.]+(?:e-?\d+)?", on_page.split("\n", 1)[1])]
    assert outputs[0] < 0.5 < outputs[1] and outputs[2] > 0.5 > outputs[3]  # seed 3 solves XOR


EPOCH_LINE = re.compile(r"^🔹 Epoch (\d+) 完成,当前学习率: ([0-9.]+), 平均损失: ([0-9.]+)$")
BATCH_LINE = re.compile(r"^Epoch \[(\d+)/10\], Batch \[(\d+)/5\], Loss: ([0-9.]+)$")


@pytest.fixture(scope="module")
def page_run(post_data_folder) -> list:
    """The page's runner of the post's script, seeded as the command-line run below: its records (one run serves
    both tests that read them; the script's 10 epochs are the slowest part of this file)."""
    torch.manual_seed(0)
    return list(cnn_script.run_script(post_data_folder / "data"))


def test_the_cnn_script_runs_as_written_and_the_page_prints_the_same_lines(post_data_folder, page_run):
    seeded = "import torch, runpy; torch.manual_seed(0); runpy.run_path('mnist_cnn.py', run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", seeded], cwd=post_data_folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    script_lines = done.stdout.rstrip("\n").split("\n")
    assert len(script_lines) == 10 * 2 + 1  # batch 0 of 10 per epoch, the epoch's line; then the last line
    assert BATCH_LINE.match(script_lines[0]) and EPOCH_LINE.match(script_lines[1])
    assert [EPOCH_LINE.match(line).group(2) for line in script_lines[1:20:2]] == ["0.001000"] * 4 + ["0.000500"] * 5 + [
        "0.000250"
    ]
    assert script_lines[-1] == "✅ CNN 训练完成!🎉"

    records = page_run
    page_lines = [r.text for r in records if r.kind == cnn_script.Kind.LINE]
    assert page_lines == script_lines  # same seed, same data: the page ran the script itself
    accuracies = [r.test_accuracy for r in records if r.kind == cnn_script.Kind.EPOCH]
    assert len(accuracies) == 10 and accuracies[-1] > 0.6  # 320 images, 10 epochs (0.80 here): well above chance (0.1)
    losses = [r for r in records if r.kind == cnn_script.Kind.LOSS]
    assert losses[0].epoch == pytest.approx(1.0) and losses[-1].epoch == pytest.approx(10.0)
    done_record = records[-1]
    assert done_record.kind == cnn_script.Kind.DONE and not done_record.stopped
    assert done_record.test_accuracy == accuracies[-1]


def test_the_trained_script_model_reads_the_pages_normalised_images_as_the_script_fed_them(post_data_folder, page_run):
    from core import cnn

    done = page_run[-1]
    images, labels = load_split(post_data_folder / "data", train=False, download=False)
    unit = images.float() / 255
    as_script_fed = done.test_accuracy  # measured on the script's own model, fed [0, 1] images
    predicted = torch.from_numpy(cnn.predict_proba(done.model, unit.numpy())).argmax(1)
    through_page = float((predicted == labels).float().mean())
    assert through_page == pytest.approx(as_script_fed, abs=1 / len(labels))


def test_stop_ends_the_script_at_the_next_batch(post_data_folder):
    asked = []

    def stop_after_three_batches() -> bool:
        asked.append(1)
        return len(asked) > 3

    records = list(cnn_script.run_script(post_data_folder / "data", should_stop=stop_after_three_batches))
    assert records[-1].kind == cnn_script.Kind.DONE and records[-1].stopped
    assert len(asked) == 4
    assert [r.text for r in records if r.kind == cnn_script.Kind.LINE] == [records[0].text]  # batch 0's line only


def test_the_readme_recipe_lays_out_the_sample_where_the_posts_script_finds_it(tmp_path):
    import torchvision

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "post_data.py"), str(tmp_path)], capture_output=True)
    assert done.returncode == 0, done.stderr
    trainset = torchvision.datasets.MNIST(root=str(tmp_path / "data"), train=True, download=False)
    assert len(trainset) == 8000
