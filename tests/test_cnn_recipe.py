"""The recipe the CNN page shows is the code that trains: train_epoch, fed by the lesson's own DataLoader, learns;
train() runs every batch through it; the faster form gives the lesson's numbers."""

import inspect

import torch

from core import cnn
from core.cnn_records import Progress, Stage
from core.mnist_data import load_split


def test_train_epoch_fed_by_the_lessons_dataloader_learns(mnist_root):
    model = cnn.build_model(0)
    criterion, optimizer = cnn.loss_and_optimizer(model)
    loss = cnn.train_epoch(model, cnn.lesson_loader(mnist_root, train=True), criterion, optimizer)
    images, labels = load_split(mnist_root, train=False)
    accuracy, _ = cnn.evaluate(model, images, labels)
    assert 0 < loss < 1.0
    assert accuracy >= 0.94, accuracy


def test_the_recipe_shown_is_the_loop_that_runs(mnist_root, monkeypatch):
    assert cnn.RECIPE == (cnn.CNN, cnn.loss_and_optimizer, cnn.train_epoch)
    shown = inspect.getsource(cnn.RECIPE[2])
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

    monkeypatch.setattr(cnn, "train_epoch", counted)
    records = list(cnn.train(cnn.build_model(0, hidden_size=16), mnist_root, epochs=2, train_subset=1000, log_every=4))
    assert sum(batches_seen) == records[-1]["step"] == 2 * 16
    assert len([r for r in records if r.kind == Stage.LOG]) == len(batches_seen)


def test_fast_batches_equal_the_lessons_dataloader(mnist_root):
    dataset = cnn.lesson_loader(mnist_root, train=True).dataset
    images, labels = load_split(mnist_root, train=True)
    order = torch.tensor([5, 0, 4000, 7999, 17])
    tally = cnn._Tally(torch.nn.CrossEntropyLoss(), should_stop=None)
    ((fast_images, fast_labels),) = list(tally.batches(images, labels, order, batch_size=5, numbers=range(1)))
    lesson = [dataset[int(i)] for i in order]
    assert torch.equal(fast_images, torch.stack([image for image, _ in lesson]))
    assert fast_labels.tolist() == [label for _, label in lesson]
    assert fast_images.is_contiguous(memory_format=torch.channels_last)


def test_the_faster_form_gives_the_lessons_outputs_and_gradients(mnist_root):
    model = cnn.build_model(1).to(memory_format=torch.channels_last)
    images, labels = load_split(mnist_root, train=False)
    batch = ((images[:32].float() / 255 - 0.1307) / 0.3081).unsqueeze(1)
    outputs, gradients = cnn.difference_from_lesson(model, batch, labels[:32])
    assert outputs <= 1e-6 and gradients <= 1e-6, (outputs, gradients)


def test_records_are_typed_and_say_which_data_and_how_many_images(mnist_root, tmp_path):
    records = list(cnn.train(cnn.build_model(0, hidden_size=16), mnist_root, epochs=1, train_subset=1000))
    assert all(isinstance(r, Progress) for r in records)
    last = records[-1]
    assert last.kind == Stage.DONE and last.images == 1000 and not last.bundled
    assert "test_accuracy" in last and "test_accuracy" not in records[0] and records[0].get("test_accuracy") is None
    assert dict(last)["images"] == 1000 and 0 < last.progress <= 1
    empty = tmp_path / "no-mnist-here"
    sample = list(cnn.train(cnn.build_model(0, hidden_size=16), empty, epochs=1, train_subset=500, download=False))
    assert sample[-1].bundled and sample[-1].images == 500
