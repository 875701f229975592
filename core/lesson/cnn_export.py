"""Export a run as one Python file that needs only torch and torchvision: the post's script with the run's settings.

The file is built from the post's own program, lesson/mnist_cnn.py (the text the Lesson page shows and runs), not
from a copy of it: its literal settings become the run's named values, and every line the post does not have ends in
"# page" (Normalize included), so a reader holding the post sees at once what was added. Each edit names the post's
line it changes; if the post's text ever stops holding that line, building the file fails loudly instead of quietly
exporting something else. The same settings give about the same accuracy.
"""

from core.cnn import settings
from core.cnn.settings import RunSettings
from core.errors import UserError
from core.lesson.code import BLOCK
from core.settings import Setting, whole

FILE_NAME = "mnist_cnn.py"
PAGE = "  # page"

DOCSTRING = '''"""The post's MNIST CNN script (深度学习小记(二)) with the settings of an NN Playground run.

The post's lines are unchanged except for this run's settings. Lines ending in "page" are the page's own
additions, not the post's: the settings as names, command-line options, a seed, a random subset of the training
images, Normalize with MNIST's mean and standard deviation (the page trains on normalised pixels; the post uses
ToTensor() only: delete that Normalize to train on exactly the post's inputs), the test accuracy, and saving.

Needs only torch and torchvision:

    python {file_name}                       # downloads MNIST into ./data the first time
    python {file_name} --data DIR --no-download
"""'''

# The post's literal settings, each (its text in the post, the name the file gives it), applied in this order.
NAMED_VALUES = (
    ("nn.Conv2d(1, 32,", "nn.Conv2d(1, CONV1_CHANNELS,"),
    ("nn.Conv2d(32, 64,", "nn.Conv2d(CONV1_CHANNELS, CONV2_CHANNELS,"),
    ("64 * 7 * 7, 128)", "CONV2_CHANNELS * 7 * 7, HIDDEN_UNITS)"),
    ("64 * 7 * 7)", "CONV2_CHANNELS * 7 * 7)"),
    ("nn.Linear(128, 10)", "nn.Linear(HIDDEN_UNITS, 10)"),
    ("lr=0.001", "lr=LEARNING_RATE"),
    ("batch_size=64", "batch_size=BATCH_SIZE"),
    ("epochs = 10", "epochs = EPOCHS"),
    ("root='./data'", "root=args.data"),
    ("download=False", "download=args.download"),
)

ARGUMENTS = (
    "parser = argparse.ArgumentParser()",
    'parser.add_argument("--data", default="./data", help="folder for torchvision\'s MNIST (DIR/MNIST/raw)")',
    'parser.add_argument("--no-download", dest="download", action="store_false")',
    'parser.add_argument("--save", default="mnist_cnn.pt")',
    "args = parser.parse_args()",
    "torch.manual_seed(SEED)",
)
NORMALIZE = "transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])"
TEST_SET_AND_SUBSET = (
    "testset = torchvision.datasets.MNIST(args.data, train=False, download=args.download, transform=transform)",
    "if TRAIN_IMAGES is not None and TRAIN_IMAGES < len(trainset):",
    "    chosen = torch.randperm(len(trainset))[:TRAIN_IMAGES].tolist()",
    "    trainset = torch.utils.data.Subset(trainset, chosen)",
)
TEST_LOADER = "testloader = torch.utils.data.DataLoader(testset, batch_size=1000, shuffle=False)"
EVALUATE = (
    "def evaluate(model, testloader, device):",
    "    model.eval()",
    "    correct = 0",
    "    with torch.no_grad():",
    "        for images, labels in testloader:",
    "            predicted = model(images.to(device)).argmax(1).cpu()",
    "            correct += (predicted == labels).sum().item()",
    "    model.train()",
    "    return correct / len(testloader.dataset)",
)
SGD = "optimizer = optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9)  # page: the post uses Adam"
EPOCH_TEST = 'print(f"Epoch {epoch + 1}: test accuracy {evaluate(model, testloader, device):.2%}")'
SAVE_AND_TEST = (
    "torch.save(model.state_dict(), args.save)",
    'print(f"Test accuracy: {evaluate(model, testloader, device):.4f}")',
)
# The post's lines the edits below start from (stripped of indentation).
LAST_IMPORT = "import torchvision.transforms as transforms"
POST_TRANSFORM = "transform = transforms.Compose([transforms.ToTensor()])"
TRAIN_SET = (
    "trainset = torchvision.datasets.MNIST(root=args.data, train=True, download=args.download, transform=transform)"
)
TRAIN_LOADER = "trainloader = torch.utils.data.DataLoader(trainset, batch_size=BATCH_SIZE, shuffle=True)"
STEP_3 = "# 3️⃣ 选取损失函数和优化器"
ADAM = "optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)"
SCHEDULER = "scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5) # 每5轮学习率减半"
SCHEDULER_STEP = "scheduler.step() # 更新学习率"
POST_RATE, PAGE_RATE = "scheduler.get_last_lr()[0]", "optimizer.param_groups[0]['lr']"
DONE = 'print("✅ CNN 训练完成!🎉")'


class _Script:
    """The post's lines, edited in place: each edit finds the one post line it names, else raises."""

    def __init__(self, source: str):
        self.lines = source.splitlines()

    def _index(self, line: str) -> int:
        found = [i for i, text in enumerate(self.lines) if text.strip() == line]
        if len(found) != 1:
            raise RuntimeError(f"lesson/mnist_cnn.py should hold this line once: {line}")
        return found[0]

    def _indent(self, index: int) -> str:
        text = self.lines[index]
        return text[: len(text) - len(text.lstrip())]

    def rename(self, post_text: str, name: str) -> None:
        if not any(post_text in line for line in self.lines):
            raise RuntimeError(f"lesson/mnist_cnn.py should hold {post_text}")
        self.lines = [line.replace(post_text, name) for line in self.lines]

    def replace(self, line: str, *new: str) -> None:
        index = self._index(line)
        indent = self._indent(index)
        self.lines[index : index + 1] = [indent + text for text in new]

    def insert(self, line: str, *new: str, after: bool = True, marked: bool = True) -> None:
        """New lines beside a post line, at its indentation, each ending in "# page" unless marked=False."""
        index = self._index(line)
        indent = self._indent(index)
        added = [indent + text + (PAGE if marked and text else "") for text in new]
        self.lines[index + after : index + after] = added

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _settings_block(run: RunSettings) -> tuple[str, ...]:
    """The run's settings as names, then the command line: lines of the page's own, each marked."""
    values = {
        "CONV1_CHANNELS": run.conv1_channels,
        "CONV2_CHANNELS": run.conv2_channels,
        "HIDDEN_UNITS": run.hidden_size,
        "LEARNING_RATE": run.lr,
        "BATCH_SIZE": run.batch_size,
        "EPOCHS": run.epochs,
        "TRAIN_IMAGES": run.train_subset,
        "SEED": run.seed,
    }
    lines = [f"{name} = {value!r}{PAGE}" for name, value in values.items()]  # only checked numbers reach repr
    lines[-2] = lines[-2].replace(PAGE, "  # None: all of them; page")
    return ("", "# This run's settings" + PAGE, *lines, "", *(line + PAGE for line in ARGUMENTS))


def build_script(run: RunSettings) -> str:
    """The post's program, edited for a run whose settings are already checked."""
    script = _Script(BLOCK["mnist_cnn"].source())
    for post_text, name in NAMED_VALUES:
        script.rename(post_text, name)
    script.insert(LAST_IMPORT, *_settings_block(run), marked=False)
    script.replace(POST_TRANSFORM, NORMALIZE + PAGE)
    script.insert(TRAIN_SET, *TEST_SET_AND_SUBSET)
    script.insert(TRAIN_LOADER, TEST_LOADER)
    script.insert(STEP_3, "", *EVALUATE, "", "", after=False)
    if run.optimizer == "sgd":
        script.replace(ADAM, SGD)
    script.insert(DONE, *SAVE_AND_TEST)
    epoch_line = next(line.strip() for line in script.lines if POST_RATE in line)
    script.insert(epoch_line, EPOCH_TEST)
    if not run.step_lr:  # the page's option: without StepLR the rate comes from the optimizer
        script.replace(SCHEDULER)
        script.replace(SCHEDULER_STEP)
        script.replace(epoch_line, epoch_line.replace(POST_RATE, PAGE_RATE) + PAGE)
    return DOCSTRING.format(file_name=FILE_NAME) + "\nimport argparse" + PAGE + "\n\n" + script.text()


def _of_its_type(value, default) -> bool:
    """Whether a value has its setting's type: 8.0 channels or True images must not reach the file."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, int):
        return whole(value)
    return isinstance(value, type(default))


def _check(name: str, setting: Setting, value) -> None:
    if not (_of_its_type(value, setting.default) and setting.valid(value)):
        template = "The run's {name} is {value}; it is not one of the page's values."
        raise UserError(template, name=name, value=repr(value))


def checked(run: RunSettings) -> RunSettings:
    """The run's settings, refused with a UserError unless each is a value the page's settings allow."""
    for name, setting in settings.RUN_KEYS.items():
        _check(name, setting, getattr(run, name))
    if run.train_subset is not None:
        _check("train_subset", settings.TRAIN_SUBSET, run.train_subset)
    return run


def export_script(run: RunSettings) -> str:
    """The lesson's training script for a run's settings."""
    return build_script(checked(run))
