"""The post's ten code blocks in the post's order, read from lesson/, with the comments in English or as written.

Only comments change between the languages: the code, its names and its printed messages (Chinese ones included)
are the post's in both.
"""

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

LESSON_DIR = Path(__file__).resolve().parents[2] / "lesson"


class Part(StrEnum):
    XOR_NUMPY = "part01"
    XOR_TORCH = "part02"
    CNN = "part03"


@dataclass(frozen=True)
class Block:
    """One code block of the post: where its text lives, and whether Python can run it as it stands."""

    name: str
    part: Part
    file: str  # relative to lesson/
    runnable: bool = False  # a whole program with a Run button

    @property
    def path(self) -> Path:
        return LESSON_DIR / self.file

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


BLOCKS = (
    Block("main_loop", Part.XOR_NUMPY, "snippets/1_main_loop.txt"),
    Block("forward", Part.XOR_NUMPY, "snippets/2_forward.txt"),
    Block("backward", Part.XOR_NUMPY, "snippets/3_backward.txt"),
    Block("sigmoid", Part.XOR_NUMPY, "snippets/4_sigmoid.txt"),
    Block("xor_numpy", Part.XOR_NUMPY, "xor_numpy.py", runnable=True),
    Block("xor_pytorch", Part.XOR_TORCH, "xor_pytorch.py", runnable=True),
    Block("cnn_model", Part.CNN, "snippets/7_cnn_model.txt"),
    Block("loss_optimizer", Part.CNN, "snippets/8_loss_optimizer.txt"),
    Block("training", Part.CNN, "snippets/9_training.txt"),
    Block("mnist_cnn", Part.CNN, "mnist_cnn.py", runnable=True),
)
BLOCK = {block.name: block for block in BLOCKS}

# Each Chinese comment of the post, in English. Keys are the comment's text after "#", stripped.
COMMENTS_EN = {
    "初始化权重 w1 和 w2": "initialise the weights w1 and w2",
    "输入层到隐藏层的权重": "weights from the input layer to the hidden layer",
    "隐藏层到输出层的权重": "weights from the hidden layer to the output layer",
    "前向传播": "forward pass",
    "输入层到隐藏层的加权输入": "weighted input from the input layer to the hidden layer",
    "隐藏层输出": "hidden layer output",
    "隐藏层到输出层的加权输入": "weighted input from the hidden layer to the output layer",
    "输出层输出": "output of the output layer",
    "输入数据(4个样本,每个样本2个特征)": "input data (4 samples, 2 features each)",
    "目标输出(XOR问题)": "target outputs (the XOR problem)",
    "创建神经网络": "create the neural network",
    "训练网络": "train the network",
    "测试结果": "test the result",
    "输入数据(XOR问题)": "input data (the XOR problem)",
    "定义神经网络": "define the neural network",
    "创建模型、损失函数和优化器": "create the model, the loss function and the optimizer",
    "1️⃣ 载入 MNIST 数据集(从 .data 目录)": "1️⃣ load the MNIST dataset (from the .data folder)",
    "2️⃣ 定义 CNN 模型": "2️⃣ define the CNN model",
    "3️⃣ 选取损失函数和优化器": "3️⃣ choose the loss function and the optimizer",
    "每5轮学习率减半": "halve the learning rate every 5 epochs",
    "4️⃣ 训练 CNN": "4️⃣ train the CNN",
    "每 100 个 batch 打印一次损失": "print the loss every 100 batches",
    "更新学习率": "update the learning rate",
    "sigmoid激活函数": "the sigmoid activation function",
    "sigmoid的导数(?)": "the sigmoid's derivative (?)",
    "展平": "flatten",
}


def comment_start(line: str) -> int:
    """Where the line's comment starts, or -1. The post's code has no '#' inside a string."""
    return line.find("#")


def in_language(source: str, lang: str) -> str:
    """The block with its comments as the post wrote them (zh) or in English (any other language)."""
    if lang == "zh":
        return source
    return "\n".join(_english_comment(line) for line in source.split("\n"))


def _english_comment(line: str) -> str:
    start = comment_start(line)
    if start < 0:
        return line
    text = line[start + 1 :].strip()
    english = COMMENTS_EN.get(text)
    if english is None:
        return line  # already English (dC/dy, the arrows of the chain rule): the post's own words
    return f"{line[: start + 1]} {english}"


def code_lines(source: str) -> list[str]:
    """The block without its comments: what must be equal in every language."""
    return [_without_comment(line) for line in source.split("\n")]


def _without_comment(line: str) -> str:
    start = comment_start(line)
    return (line[:start] if start >= 0 else line).rstrip()
