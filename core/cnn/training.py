"""The lesson's training loop wrapped to run fast and report progress (evaluation and prediction: inference.py)."""

import math
import numbers
import time
from collections.abc import Iterator
from dataclasses import replace

import torch
from torch import nn

from core.cnn.data import MEAN, STD, choose_data, load_split, normalize
from core.cnn.inference import evaluate
from core.cnn.mixed_precision import ScaledSteps, forward_in
from core.cnn.records import Progress, Stage
from core.errors import UserError
from core.serving.device import Precision, configure_torch, resolve_device, resolve_precision
from core.serving.memory import keep_freed_memory
from core.settings import whole


def _make_optimizer(model, name: str, lr: float, momentum: float, device: torch.device):
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    if name != "adam":
        raise UserError("Unknown optimizer {name}: use adam or sgd.", name=repr(name))
    try:
        return torch.optim.Adam(model.parameters(), lr=lr, fused=device.type in ("cpu", "cuda", "mps"))
    except (RuntimeError, TypeError):
        return torch.optim.Adam(model.parameters(), lr=lr)


def loss_and_optimizer(model: nn.Module, optimizer: str = "adam", lr: float = 1e-3, momentum: float = 0.9, device=None):
    """Step 2 of the recipe: cross-entropy for ten classes, and Adam (or SGD with momentum)."""
    return nn.CrossEntropyLoss(), _make_optimizer(model, optimizer, lr, momentum, resolve_device(device))


def _check_hyperparameters(epochs, lr, batch_size, train_subset):
    if not whole(epochs) or epochs < 1:
        raise UserError("Epochs must be a whole number of at least 1 (got {value}).", value=repr(epochs))
    if not (isinstance(lr, numbers.Real) and math.isfinite(lr) and lr > 0):
        raise UserError("The learning rate must be a positive finite number (got {value}).", value=repr(lr))
    if not whole(batch_size) or batch_size < 1:
        raise UserError("The batch size must be a whole number of at least 1 (got {value}).", value=repr(batch_size))
    if train_subset is not None and (not whole(train_subset) or train_subset < 1):
        raise UserError(
            "The number of training images must be a whole number of at least 1 (got {value}).",
            value=repr(train_subset),
        )


def train_epoch(model: nn.Module, batches, criterion, optimizer) -> float:
    """Step 3 of the recipe: one pass over the training batches, exactly the lesson's loop; returns the mean loss."""
    model.train()
    total_loss, count = 0.0, 0
    for images, labels in batches:
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        count += 1
    return total_loss / count


def lesson_loader(root="./data", train: bool = True, batch_size: int = 64, download: bool = False):
    """The post's data: torchvision's MNIST with ToTensor() only (pixels in [0, 1]), in a DataLoader."""
    import torchvision
    import torchvision.transforms as transforms

    transform = transforms.Compose([transforms.ToTensor()])
    dataset = torchvision.datasets.MNIST(root=root, train=train, download=download, transform=transform)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=train)


def normalized_loader(root, train: bool = True, batch_size: int = 64, download: bool = False):
    """The page's data as a DataLoader: the post's ToTensor(), then the page's own addition, Normalize with MNIST's
    mean and standard deviation (the post does not normalise). The page's batches equal this loader's, value for
    value (a test checks it)."""
    import torchvision
    import torchvision.transforms as transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
    dataset = torchvision.datasets.MNIST(root=root, train=train, download=download, transform=transform)
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=train)


# Steps 2 and 3 of the recipe the pages show (pick loss and optimizer, write the loop). Step 1, the model, is shown as
# the post wrote it (core.lesson.code.BLOCK["cnn_model"]): CNN.forward pools before its ReLU, a speed trick.
RECIPE = (loss_and_optimizer, train_epoch)


class _Tally:
    """Bookkeeping around train_epoch, kept out of it: the batches it reads, the steps done, training accuracy, Stop.

    The batches are what normalized_loader gives (the post's ToTensor(), then the page's own Normalize with MNIST's
    mean and std, which the post does not have), but gathered from uint8 tensors already in memory and laid out
    channels_last (the faster convolution on the CPU).
    """

    def __init__(self, criterion, should_stop):
        self.criterion, self.should_stop = criterion, should_stop
        self.step, self.batch, self.stopped = 0, 0, False
        self.correct, self.seen = 0, 0

    def new_epoch(self) -> None:
        self.batch, self.correct, self.seen = 0, 0, 0

    def loss(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """The criterion train_epoch calls; it also counts the right answers (no copy to Python: a tensor sum)."""
        self.correct += (outputs.detach().argmax(1) == labels).sum()
        self.seen += len(labels)
        return self.criterion(outputs, labels)

    def batches(self, images, labels, order, batch_size: int, numbers: range):
        """Batches number `numbers` of this epoch; after each, the steps are counted and Stop is checked."""
        for number in numbers:
            chosen = order[number * batch_size : (number + 1) * batch_size]
            yield normalize(images[chosen]).contiguous(memory_format=torch.channels_last), labels[chosen]
            self.step, self.batch = self.step + 1, number + 1
            if self.should_stop is not None and self.should_stop():
                self.stopped = True
                return

    @property
    def train_accuracy(self) -> float:
        return int(self.correct) / max(1, self.seen)


def _training_split(data_root, download: bool, train_subset, generator, device):
    """(train images, train labels, test images, test labels, which data) with the subset drawn for this seed."""
    data = choose_data(data_root, download)
    images, labels = load_split(data.root, train=True, download=False)
    test_images, test_labels = load_split(data.root, train=False, download=False)
    if train_subset is not None and train_subset < len(images):
        chosen = torch.randperm(len(images), generator=generator)[:train_subset]
        images, labels = images[chosen], labels[chosen]
    return images.to(device), labels.to(device), test_images, test_labels, data


def _loop_parts(model, precision: Precision, tally: _Tally, opt, device):
    """What train_epoch is handed: the model, the criterion and the optimizer, as they are in float32; in 16 bits the
    model runs under autocast, and for float16 the loss's backward is scaled and the step unscaled."""
    if not precision.scaled:
        return forward_in(model, precision), tally.loss, opt
    steps = ScaledSteps(opt, device)
    return forward_in(model, precision), steps.criterion(tally.loss), steps


def check_fits(device: torch.device, model: nn.Module, images: int, batch_size: int) -> None:
    """Refuse, with a message, a CUDA run whose data, weights and activations would not fit the GPU's free memory.

    The estimate is generous: uint8 images, then 4 float32 copies of each weight (weight, gradient, Adam's two
    averages), conv1's and conv2's outputs times 6 a sample (outputs, pooled copies and indices, gradients), and
    256 MB for cuDNN's workspace."""
    if device.type != "cuda":
        return
    weights = sum(p.numel() for p in model.parameters())
    config = getattr(model, "config", {})
    per_sample = 28 * 28 * config.get("conv1_channels", 32) + 14 * 14 * config.get("conv2_channels", 64)
    need = images * 28 * 28 + 16 * weights + 6 * 4 * per_sample * batch_size + (256 << 20)
    free, _ = torch.cuda.mem_get_info(device)
    if need > free:
        raise UserError(
            "This run needs about {need} MB of GPU memory and the GPU has {free} MB free. Lower the batch size, "
            "the model's size or the training images.",
            need=f"{need >> 20:,}",
            free=f"{free >> 20:,}",
        )


def _out_of_memory_is_told(train_epoch, *args) -> float:
    """train_epoch(*args), with a GPU out of memory (another process took it meanwhile) told as a UserError."""
    try:
        return train_epoch(*args)
    except torch.cuda.OutOfMemoryError:
        torch.cuda.empty_cache()
        raise UserError(
            "The GPU ran out of memory during the run. Lower the batch size or the model's size, or try again."
        ) from None


def train(
    model: nn.Module,
    data_root,
    *,
    epochs: int = 10,
    lr: float = 1e-3,
    batch_size: int = 64,
    device=None,
    optimizer: str = "adam",
    momentum: float = 0.9,
    step_lr: bool = True,
    step_size: int = 5,
    gamma: float = 0.5,
    train_subset: int | None = None,
    seed: int = 0,
    log_every: int | None = 100,
    download: bool = False,
    should_stop=None,
    precision: str = "auto",
) -> Iterator[Progress]:
    """Train on MNIST under data_root (or the bundled sample when it has none) with train_epoch, yielding Progress.

    Nothing is downloaded unless download=True: a missing MNIST means the bundled sample, never a 55 MB surprise.

    Each train_epoch call covers `log_every` batches, so a record follows each call, as the lesson prints every
    100 batches (None: about ten records an epoch, at most 100 batches apart). The last record has test_accuracy.
    """
    _check_hyperparameters(epochs, lr, batch_size, train_subset)
    epochs, batch_size, lr = int(epochs), int(batch_size), float(lr)
    train_subset = None if train_subset is None else int(train_subset)
    configure_torch()
    keep_freed_memory()
    device = resolve_device(device)
    precision = resolve_precision(precision, device)
    generator = torch.Generator().manual_seed(seed)
    images, labels, test_images, test_labels, data = _training_split(
        data_root, download, train_subset, generator, device
    )
    check_fits(device, model, len(images), batch_size)
    model.to(device=device, memory_format=torch.channels_last).train()
    criterion, opt = loss_and_optimizer(model, optimizer, lr, momentum, device)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=gamma) if step_lr else None
    n = len(images)
    batch_size = min(batch_size, n)
    per_epoch = math.ceil(n / batch_size)
    log_every = log_every or max(1, min(100, per_epoch // 10))
    tally = _Tally(criterion, should_stop)
    forward, loss_fn, steps = _loop_parts(model, precision, tally, opt, device)
    started = mark = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=generator).to(device)
        tally.new_epoch()
        for first in range(0, per_epoch, log_every):
            step_before = tally.step
            batches = tally.batches(images, labels, order, batch_size, range(first, min(first + log_every, per_epoch)))
            loss = _out_of_memory_is_told(train_epoch, forward, batches, loss_fn, steps)
            now = time.perf_counter()
            rate = (tally.step - step_before) * batch_size / max(now - mark, 1e-9)
            record = Progress(
                Stage.LOG,
                epoch,
                epochs,
                tally.batch,
                per_epoch,
                tally.step,
                epochs * per_epoch,
                loss,
                tally.train_accuracy,
                opt.param_groups[0]["lr"],
                rate,
                (epochs * per_epoch - tally.step) * batch_size / max(rate, 1e-9),
                now - started,
                n,
                data.bundled,
                precision=precision.name,
            )
            mark = now
            if tally.stopped:  # the page says so at once; measuring the stopped model's accuracy takes a moment
                yield replace(record, stopped=True)
            if not math.isfinite(loss) or tally.stopped:
                yield _finish(
                    model,
                    record,
                    (test_images, test_labels),
                    started,
                    precision,
                    stopped=tally.stopped,
                    diverged=not math.isfinite(loss),
                )
                return
            yield record
        if scheduler is not None:
            scheduler.step()
        if epoch < epochs:
            accuracy, _ = evaluate(model, test_images, test_labels, precision)
            yield replace(record, kind=Stage.EPOCH, test_accuracy=accuracy)
            mark = time.perf_counter()
    yield _finish(model, record, (test_images, test_labels), started, precision)


def _finish(
    model, record: Progress, test_data, started, precision: Precision, stopped=False, diverged=False
) -> Progress:
    accuracy, _ = evaluate(model, *test_data, precision)
    return replace(
        record,
        kind=Stage.DONE,
        test_accuracy=accuracy,
        stopped=stopped,
        diverged=diverged,
        elapsed=time.perf_counter() - started,
    )
