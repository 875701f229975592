"""Export a run as one Python file that needs only torch and torchvision: the lesson's script with the run's settings.

The script is the lesson's plain form (DataLoader, pool(relu(conv(x))), the five-line loop), not the page's faster
one, so it reads like the lesson; the same settings give about the same accuracy.
"""

import math
import numbers

from core import cnn_settings as settings
from core.errors import UserError

FILE_NAME = "mnist_cnn.py"

_TEMPLATE = '''"""Train the lesson's MNIST CNN with the settings of an NN Playground run.

Needs only torch and torchvision:

    python {file_name}                       # downloads MNIST into ./data the first time
    python {file_name} --data DIR --no-download
"""
import argparse

import torch
import torch.nn as nn
import torchvision
import torchvision.transforms as transforms
from torch.utils.data import DataLoader, Subset

# This run's settings
CONV1_CHANNELS = {conv1_channels!r}
CONV2_CHANNELS = {conv2_channels!r}
HIDDEN_UNITS = {hidden_size!r}
LEARNING_RATE = {lr!r}
BATCH_SIZE = {batch_size!r}
EPOCHS = {epochs!r}
TRAIN_IMAGES = {train_subset!r}  # None: all of them
SEED = {seed!r}


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, CONV1_CHANNELS, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(CONV1_CHANNELS, CONV2_CHANNELS, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(CONV2_CHANNELS * 7 * 7, HIDDEN_UNITS)
        self.fc2 = nn.Linear(HIDDEN_UNITS, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = x.view(-1, CONV2_CHANNELS * 7 * 7)
        x = self.relu(self.fc1(x))
        x = self.fc2(x)
        return x


def evaluate(model, test_loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in test_loader:
            predicted = model(images).argmax(1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="./data", help="folder for torchvision's MNIST (DIR/MNIST/raw)")
    parser.add_argument("--no-download", dest="download", action="store_false")
    parser.add_argument("--save", default="mnist_cnn.pt")
    args = parser.parse_args()
    torch.manual_seed(SEED)

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_dataset = torchvision.datasets.MNIST(args.data, train=True, transform=transform, download=args.download)
    test_dataset = torchvision.datasets.MNIST(args.data, train=False, transform=transform, download=args.download)
    if TRAIN_IMAGES is not None and TRAIN_IMAGES < len(train_dataset):
        train_dataset = Subset(train_dataset, torch.randperm(len(train_dataset))[:TRAIN_IMAGES].tolist())
    train_loader = DataLoader(train_dataset, batch_size=BATCH_SIZE, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=1000, shuffle=False)

    model = CNN()
    criterion = nn.CrossEntropyLoss()
    {optimizer_line}
{scheduler_line}
    for epoch in range(EPOCHS):
        model.train()
        running_loss = 0.0
        for i, (images, labels) in enumerate(train_loader):
            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if (i + 1) % 100 == 0:
                print(f"Epoch [{{epoch + 1}}/{{EPOCHS}}], Step [{{i + 1}}/{{len(train_loader)}}], "
                      f"Loss: {{running_loss / 100:.4f}}")
                running_loss = 0.0
{scheduler_step}        print(f"Epoch {{epoch + 1}}: test accuracy {{evaluate(model, test_loader):.2%}}")

    print(f"Test accuracy: {{evaluate(model, test_loader):.4f}}")
    torch.save(model.state_dict(), args.save)


if __name__ == "__main__":
    main()
'''

OPTIMIZER_LINES = {
    "adam": "optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)",
    "sgd": "optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)",
}
SCHEDULER_LINE = "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)\n"
SCHEDULER_STEP = "        scheduler.step()\n"


def _whole(run: dict, name: str, low: int, high: int) -> int:
    value = run.get(name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise UserError(
            "The run's {name} is {value}; it must be a whole number from {low} to {high}.",
            name=name,
            value=repr(value),
            low=low,
            high=high,
        )
    return int(value)


def _checked(run: dict) -> dict:
    """The run's settings as plain Python numbers (only these reach the file, through repr)."""
    values = {name: _whole(run, name, 1, 4096) for name in ("conv1_channels", "conv2_channels", "hidden_size")}
    values.update(
        epochs=_whole(run, "epochs", 1, settings.EPOCHS.high),
        batch_size=_whole(run, "batch_size", 1, 4096),
        seed=_whole(run, "seed", 0, settings.SEED.high),
    )
    subset = run.get("train_subset")
    values["train_subset"] = None if subset is None else _whole(run, "train_subset", 1, 10_000_000)
    lr = run.get("lr")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not math.isfinite(lr) or lr <= 0:
        raise UserError("The run's learning rate is {value}; it must be a positive number.", value=repr(lr))
    values["lr"] = float(lr)
    if run.get("optimizer") not in OPTIMIZER_LINES:
        raise UserError("Unknown optimizer {name}: use adam or sgd.", name=repr(run.get("optimizer")))
    return values


def export_script(run: dict) -> str:
    """The lesson's training script for a run's settings (train()'s and CNN()'s argument names)."""
    values = _checked({name: setting.default for name, setting in settings.RUN_KEYS.items()} | run)
    step_lr = bool(run.get("step_lr", settings.STEP_LR.default))
    return _TEMPLATE.format(
        file_name=FILE_NAME,
        optimizer_line=OPTIMIZER_LINES[run.get("optimizer", "adam")],
        scheduler_line=SCHEDULER_LINE if step_lr else "",
        scheduler_step=SCHEDULER_STEP if step_lr else "",
        **values,
    )
