"""Export a run as one Python file that needs only torch and torchvision: the post's script with the run's settings.

The script is the post's own, line for line where the run's settings allow (DataLoader, pool(relu(conv(x))), the
loop and its prints), not the page's faster form; every line the post does not have ends in "# page", Normalize
included, so a reader holding the post sees at once what was added. The same settings give about the same accuracy.
"""

import math
import numbers

from core.cnn import settings
from core.errors import UserError

FILE_NAME = "mnist_cnn.py"

_TEMPLATE = '''"""The post's MNIST CNN script (深度学习小记(二)) with the settings of an NN Playground run.

The post's lines are unchanged except for this run's settings. Lines ending in "page" are the page's own
additions, not the post's: the settings as names, command-line options, a seed, a random subset of the training
images, Normalize with MNIST's mean and standard deviation (the page trains on normalised pixels; the post uses
ToTensor() only: delete that Normalize to train on exactly the post's inputs), the test accuracy, and saving.

Needs only torch and torchvision:

    python {file_name}                       # downloads MNIST into ./data the first time
    python {file_name} --data DIR --no-download
"""
import argparse  # page

import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms

# This run's settings  # page
CONV1_CHANNELS = {conv1_channels!r}  # page
CONV2_CHANNELS = {conv2_channels!r}  # page
HIDDEN_UNITS = {hidden_size!r}  # page
LEARNING_RATE = {lr!r}  # page
BATCH_SIZE = {batch_size!r}  # page
EPOCHS = {epochs!r}  # page
TRAIN_IMAGES = {train_subset!r}  # None: all of them; page
SEED = {seed!r}  # page


# 2️⃣ 定义 CNN 模型
class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
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


def evaluate(model, testloader, device):  # page
    model.eval()  # page
    correct = 0  # page
    with torch.no_grad():  # page
        for images, labels in testloader:  # page
            predicted = model(images.to(device)).argmax(1).cpu()  # page
            correct += (predicted == labels).sum().item()  # page
    model.train()  # page
    return correct / len(testloader.dataset)  # page


def main():  # page
    parser = argparse.ArgumentParser()  # page
    parser.add_argument("--data", default="./data", help="folder for torchvision's MNIST (DIR/MNIST/raw)")  # page
    parser.add_argument("--no-download", dest="download", action="store_false")  # page
    parser.add_argument("--save", default="mnist_cnn.pt")  # page
    args = parser.parse_args()  # page
    torch.manual_seed(SEED)  # page

    # 1️⃣ 载入 MNIST 数据集(从 .data 目录)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])  # page
    trainset = torchvision.datasets.MNIST(root=args.data, train=True, download=args.download, transform=transform)
    testset = torchvision.datasets.MNIST(args.data, train=False, download=args.download, transform=transform)  # page
    if TRAIN_IMAGES is not None and TRAIN_IMAGES < len(trainset):  # page
        chosen = torch.randperm(len(trainset))[:TRAIN_IMAGES].tolist()  # page
        trainset = torch.utils.data.Subset(trainset, chosen)  # page
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=BATCH_SIZE, shuffle=True)
    testloader = torch.utils.data.DataLoader(testset, batch_size=1000, shuffle=False)  # page

    # 3️⃣ 选取损失函数和优化器
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = CNN().to(device)

    criterion = nn.CrossEntropyLoss()
    {optimizer_line}
{scheduler_line}
    # 4️⃣ 训练 CNN
    epochs = EPOCHS
    for epoch in range(epochs):
        running_loss = 0.0
        for batch_idx, (images, labels) in enumerate(trainloader):
            images, labels = images.to(device), labels.to(device)

            optimizer.zero_grad()
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()

            running_loss += loss.item()
            if batch_idx % 100 == 0: # 每 100 个 batch 打印一次损失
{batch_line}
{scheduler_step}{epoch_line}{test_line}
    print("✅ CNN 训练完成!🎉")
    torch.save(model.state_dict(), args.save)  # page
    print(f"Test accuracy: {{evaluate(model, testloader, device):.4f}}")  # page


if __name__ == "__main__":  # page
    main()  # page
'''

OPTIMIZER_LINES = {
    "adam": "optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)",
    "sgd": "optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)  # page: the post uses Adam",
}
SCHEDULER_LINE = "    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5) # 每5轮学习率减半\n"
SCHEDULER_STEP = "        scheduler.step() # 更新学习率\n"
# The post's print every 100 batches, and the page's test accuracy after each epoch (too long for a template line).
BATCH_LINE = (
    '                print(f"Epoch [{epoch+1}/{epochs}], Batch [{batch_idx}/{len(trainloader)}], '
    'Loss: {loss.item():.4f}")\n'
)
TEST_LINE = '        print(f"Epoch {epoch + 1}: test accuracy {evaluate(model, testloader, device):.2%}")  # page\n'
# The post's line after each epoch; without StepLR (the page's option) the rate comes from the optimizer.
EPOCH_LINE = (
    '        print(f"🔹 Epoch {epoch+1} 完成,当前学习率: {%s:.6f}, 平均损失: {running_loss/len(trainloader):.4f}")%s\n'
)
POST_RATE, PAGE_RATE = "scheduler.get_last_lr()[0]", "optimizer.param_groups[0]['lr']"


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
        batch_line=BATCH_LINE,
        test_line=TEST_LINE,
        epoch_line=EPOCH_LINE % ((POST_RATE, "") if step_lr else (PAGE_RATE, "  # page")),
        **values,
    )
