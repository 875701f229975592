"""A run taken home: one Python file that needs only NumPy, the post's code (lesson/xor_numpy.py) with this run's
settings; the page's options, when chosen, are added below it."""

import functools
import inspect
import textwrap

from core.xor import numpy_net as xor_numpy
from core.xor.experiment import XorSettings

LESSON_PARTS = (xor_numpy.sigmoid, xor_numpy.sigmoid_derivative, xor_numpy.SimpleNeuralNetwork)
OPTION_PARTS = (
    xor_numpy.tanh_derivative,
    xor_numpy.relu,
    xor_numpy.relu_derivative,
    xor_numpy.initial_weights,
    xor_numpy.Params,
    xor_numpy.Forward,
    xor_numpy.Deltas,
    xor_numpy.forward_pass,
    xor_numpy.deltas,
    xor_numpy.T,
    xor_numpy.updates,
    xor_numpy.PlaygroundNet,
    xor_numpy.options_of,
    xor_numpy.params_of,
    xor_numpy.forward_of,
    xor_numpy.net_deltas,
)
POST_RUN = XorSettings()  # the page's defaults are the post's run: 3 hidden units, lr 0.5, 10,000 epochs
OPTIONS_TABLE = f"""HIDDEN_SIZE = {xor_numpy.HIDDEN_SIZE!r}
INIT_SCHEMES = {xor_numpy.INIT_SCHEMES!r}
DERIVATIVE_OF = {xor_numpy.DERIVATIVE_OF!r}
ACTIVATIONS = {{
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (np.tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
}}
"""


def is_lesson(settings: XorSettings) -> bool:
    return (
        not settings.biases
        and settings.init == "rand"
        and settings.activation == "sigmoid"
        and settings.derivative_of == "output"
    )


def _sources(parts) -> str:
    return "\n\n".join(textwrap.dedent(inspect.getsource(part)).strip() + "\n" for part in parts)


def _make_net(settings: XorSettings) -> str:
    if is_lesson(settings):
        return f"np.random.seed({settings.seed})\nnet = SimpleNeuralNetwork(2, {settings.hidden_size}, 1)\n"
    return (
        f"net = PlaygroundNet(2, {settings.hidden_size}, 1, seed={settings.seed}, biases={settings.biases!r}, "
        f"init={settings.init!r},\n                    activation={settings.activation!r}, "
        f"derivative_of={settings.derivative_of!r})\n"
    )


@functools.lru_cache(maxsize=32)  # the page asks on every rerun; settings are frozen, so the answer is too
def xor_script(settings: XorSettings = POST_RUN) -> str:
    """The script's last printed line is `final loss: <value>`, the page's final loss, the post's C = ½Σ(y − ŷ)²."""
    code = [
        '"""XOR from scratch, exported from NN Playground. Needs only NumPy: python this_file.py"""\n'
        + ("" if is_lesson(settings) else "from dataclasses import dataclass\n\n")  # the options' records
        + "import numpy as np\n\n\n",
        _sources(LESSON_PARTS),
    ]
    if not is_lesson(settings):
        code += ["\n", _sources(OPTION_PARTS[:3]), "\n", OPTIONS_TABLE, "\n", _sources(OPTION_PARTS[3:])]
    every = max(1, settings.epochs // 10)
    code += [
        "\n\nX = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])\n",
        "y = np.array([[0.0], [1.0], [1.0], [0.0]])\n",
        f"epochs = {settings.epochs}\nlearning_rate = {settings.learning_rate!r}\n",
        _make_net(settings),
        'np.seterr(all="ignore")  # a diverging run ends with nan, as on the page\n\n'
        "# one epoch = one full-batch update from all 4 points, as in the post\n"
        "for epoch in range(epochs):\n"
        "    y_hat = net.forward(X)\n"
        f"    if epoch % {every} == 0:\n"
        '        print(f"epoch {epoch}: loss C {0.5 * np.sum((y - y_hat) ** 2):.6f}")\n'
        "    net.backward(X, y, learning_rate)\n\n"
        "y_hat = net.forward(X)\n"
        'print("outputs:", y_hat.ravel().round(4))\n'
        'print(f"final loss: {float(0.5 * np.sum((y - y_hat) ** 2))!r}")\n',
    ]
    return "".join(code)
