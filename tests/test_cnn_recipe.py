"""The recipe the CNN page shows is the code that trains: train_epoch, fed by the post's own DataLoader, learns;
train() runs every batch through it; the faster form gives the lesson's numbers; what is the post's is the post's."""

import ast
import inspect
import textwrap

import pytest
import torch
import torchvision.transforms as transforms

from core import cnn
from core.cnn import training
from core.cnn.data import load_split
from core.cnn.records import Progress, Stage
from tests.conftest import ROOT


def loader_accuracy(model, loader) -> float:
    model.eval()
    with torch.no_grad():
        right = sum(int((model(images).argmax(1) == labels).sum()) for images, labels in loader)
    return right / len(loader.dataset)


def test_train_epoch_fed_by_the_lessons_dataloader_learns(mnist_root):
    model = cnn.build_model(0)
    criterion, optimizer = cnn.loss_and_optimizer(model)
    loss = cnn.train_epoch(model, cnn.lesson_loader(mnist_root, train=True), criterion, optimizer)
    accuracy = loader_accuracy(model, cnn.lesson_loader(mnist_root, train=False, batch_size=1000))
    assert 0 < loss < 1.0
    assert accuracy >= 0.93, accuracy


def test_the_lessons_loader_is_the_posts_to_tensor_only(mnist_root):
    loader = cnn.lesson_loader(mnist_root, train=True)
    steps = loader.dataset.transform.transforms
    assert [type(step) for step in steps] == [transforms.ToTensor]  # the post: no Normalize
    assert loader.batch_size == 64 and "Normalize" not in inspect.getsource(cnn.lesson_loader)
    images, _ = load_split(mnist_root, train=True)
    image, _ = loader.dataset[3]
    assert torch.equal(image, images[3].float().div(255).unsqueeze(0)) and 0 <= image.min() and image.max() <= 1
    page_steps = cnn.normalized_loader(mnist_root).dataset.transform.transforms
    assert [type(step) for step in page_steps] == [transforms.ToTensor, transforms.Normalize]
    assert (page_steps[1].mean, page_steps[1].std) == ((0.1307,), (0.3081,))


def _forward_body(source: str) -> list[str]:
    """The statements of the first function whose name holds "forward" in source, without its docstring."""
    tree = ast.parse(textwrap.dedent(source))
    function = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and "forward" in node.name)
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return [ast.unparse(statement) for statement in body]


def test_lesson_forward_is_the_posts_forward_for_the_posts_model():
    post = _forward_body((ROOT / "lesson" / "mnist_cnn.py").read_text(encoding="utf-8"))
    ours = _forward_body(inspect.getsource(cnn.lesson_forward))
    assert "x = x.view(-1, 64 * 7 * 7)" in post
    assert "x = x.view(-1, 64 * 7 * 7)" in inspect.getsource(cnn.lesson_forward)
    assert [line for line in ours if "view" not in line] == [line for line in post if "view" not in line]
    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert cnn.lesson_forward(cnn.build_model(0), x).shape == (3, 10)
    small = cnn.build_model(0, conv1_channels=8, conv2_channels=16, hidden_size=32)
    assert torch.allclose(cnn.lesson_forward(small, x), small(x), atol=1e-6)


def test_the_recipe_shown_is_the_loop_that_runs(mnist_root, monkeypatch):
    assert cnn.RECIPE == (cnn.loss_and_optimizer, cnn.train_epoch)
    shown = inspect.getsource(cnn.RECIPE[1])
    for step in (
        "optimizer.zero_grad()",
        "model(images)",
        "criterion(outputs, labels)",
        "loss.backward()",
        "optimizer.step()",
    ):
        assert step in shown
    assert len(shown.splitlines()) <= 15
    batches_seen = []
    original = cnn.train_epoch

    def counted(model, batches, criterion, optimizer):
        batches = list(batches)
        batches_seen.append(len(batches))
        return original(model, batches, criterion, optimizer)

    monkeypatch.setattr(training, "train_epoch", counted)
    records = list(cnn.train(cnn.build_model(0, hidden_size=16), mnist_root, epochs=2, train_subset=1000, log_every=4))
    assert sum(batches_seen) == records[-1].step == 2 * 16
    assert len([r for r in records if r.kind == Stage.LOG]) == len(batches_seen)


def test_fast_batches_equal_the_pages_normalized_dataloader(mnist_root):
    dataset = cnn.normalized_loader(mnist_root, train=True).dataset
    images, labels = load_split(mnist_root, train=True)
    order = torch.tensor([5, 0, 4000, 7999, 17])
    tally = training._Tally(torch.nn.CrossEntropyLoss(), should_stop=None)
    ((fast_images, fast_labels),) = list(tally.batches(images, labels, order, batch_size=5, numbers=range(1)))
    lesson = [dataset[int(i)] for i in order]
    assert torch.equal(fast_images, torch.stack([image for image, _ in lesson]))
    assert fast_labels.tolist() == [label for _, label in lesson]
    assert fast_images.is_contiguous(memory_format=torch.channels_last)


def test_the_faster_form_gives_the_lessons_outputs_and_gradients(mnist_root):
    images, labels = load_split(mnist_root, train=False)
    post_inputs = (images[:32].float() / 255).unsqueeze(1)  # what the post's ToTensor() gives
    page_inputs = (post_inputs - 0.1307) / 0.3081
    for model in (cnn.build_model(1), cnn.build_model(1).to(memory_format=torch.channels_last)):
        for batch in (post_inputs, page_inputs):
            outputs, gradients = cnn.difference_from_lesson(model, batch, labels[:32])
            assert outputs <= 1e-6 and gradients <= 1e-6, (outputs, gradients)
            assert all(p.grad is None for p in model.parameters())  # the check leaves the model as it found it


def test_records_are_typed_and_say_which_data_and_how_many_images(mnist_root, tmp_path):
    records = list(cnn.train(cnn.build_model(0, hidden_size=16), mnist_root, epochs=1, train_subset=1000))
    assert all(isinstance(r, Progress) for r in records)
    last = records[-1]
    assert last.kind == Stage.DONE and last.images == 1000 and not last.bundled
    assert last.test_accuracy is not None and records[0].test_accuracy is None and 0 < last.progress <= 1
    with pytest.raises(TypeError):
        last["images"]  # a record is read by attribute, not as a dict
    empty = tmp_path / "no-mnist-here"
    sample = list(cnn.train(cnn.build_model(0, hidden_size=16), empty, epochs=1, train_subset=500, download=False))
    assert sample[-1].bundled and sample[-1].images == 500


def test_train_downloads_nothing_unless_asked(tmp_path, monkeypatch):
    from core.cnn import data as mnist_data

    def no_download(root):
        raise AssertionError("train() tried to download MNIST without being asked")

    monkeypatch.setattr(mnist_data, "_download", no_download)
    records = list(cnn.train(cnn.build_model(0, hidden_size=16), tmp_path / "empty", epochs=1, train_subset=300))
    assert records[-1].bundled and records[-1].kind == Stage.DONE
    assert inspect.signature(cnn.train).parameters["download"].default is False
