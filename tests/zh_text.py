"""Find English a student would read on a page shown in 中文.

What counts as text: everything the page shows or shows on hover, i.e. headings, markdown, captions, alerts, metric
labels, values and help, button and widget labels, options and help, tab and expander labels, table column headers
and text cells, and in plotly figures the titles, axis and colour-bar titles, tick labels given as text, annotations,
trace names, text and hover templates, and button / slider labels.
What does not: st.code and st.latex blocks, `code spans`, $formulas$, %{plotly placeholders}, HTML tags, numbers and
units in them (1e-16, 28×28, 3×3), file paths, identifiers (snake_case, CamelCase, uint8), single letters
(x, y, A, W), an English gloss in full-width brackets after a Chinese term (轮数（epoch）), and the names in NAMES
(libraries, layers, data sets, optimisers: the Chinese text uses them too).
"""

import json
import re
from collections.abc import Iterator

# Names that stay in Latin script in 中文 text (checked case-sensitively, so "Adam" passes but "adam" does not).
NAMES = {
    "NumPy",
    "PyTorch",
    "torch",
    "safetensors",
    "autograd",
    "ReLU",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "Softmax",
    "Adam",
    "SGD",
    "MNIST",
    "CNN",
    "XOR",
    "MSELoss",
    "StepLR",
    "Xavier",
    "Glorot",
    "conv",
    "fc",
    "max-pool",
    "CPU",
    "GPU",
    "CUDA",
    "MPS",
    "Apple",
    "NaN",
    "inf",
    "NN",
    "Playground",
    "PNG",
    "JPEG",
    "pt",
    "lr",
    "TensorFlow",
    "Streamlit",
    "float64",
    "float32",
    "backprop",
    "MB",
    "KB",
    "ms",
    "px",
    "ID",
    "URL",
    "OpenMP",
    "np.random.rand",
    "rand",
    "Python",
    "logits",
    "argmax",
    "sigmoid_derivative",
    "U",
    "x1",
    "x2",
    "Hot",
    "ln",
    "log",
    "exp",
    "max",
    "min",
    "vs",
    # The post's own headings, which its Chinese text keeps in English: "Part 01:…", "Forward", "Backward", "Sigmoid".
    "Part",
    "Forward",
    "Backward",
    "Sigmoid",
    "API",  # the post's table header: "PyTorch API"
}
# Whole texts that are meant to be bilingual.
BILINGUAL = {"Language / 语言", "English", "中文"}

_DROP = [
    re.compile(r"```.*?```", re.S),  # fenced code
    re.compile(r"`[^`]*`"),  # code spans
    re.compile(r"\$\$.*?\$\$", re.S),  # display LaTeX
    re.compile(r"(?<!\\)\$[^$]+(?<!\\)\$"),  # inline LaTeX
    re.compile(r"%\{[^}]*\}"),  # plotly placeholders
    re.compile(r"<[^>]+>"),  # HTML tags (<br>, <b>, <extra>)
    re.compile(r"https?://\S+"),  # links
    re.compile(r"\b\d[\d.,]*(e[-+]?\d+)?\b"),  # numbers, 1e-16
    re.compile(r":[a-z_]+\[|:material/[a-z_]+:"),  # Streamlit colour and icon directives
    re.compile(r"(?<=[\u4e00-\u9fff])（[A-Za-z][A-Za-z -]*）"),  # an English gloss after a Chinese term: 轮数（epoch）
    re.compile(r"(?:/[\w.-]+)+/?"),  # file paths
]
# Identifiers are code even outside backticks: snake_case, CamelCase inside a word, letters with digits (uint8).
_IDENTIFIER = re.compile(r".*_.*|[A-Za-z]+[a-z][A-Z].*|.*[A-Za-z]\d.*|.*\d[A-Za-z].*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’_.-]*[A-Za-z0-9]|[A-Za-z]")


def english_words(text: str) -> list[str]:
    """The Latin words of a text that are neither names, code, formulas nor single letters."""
    if text.strip() in BILINGUAL:
        return []
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # markdown escapes of a plain() value: \/root\/\.cache
    for pattern in _DROP:
        text = pattern.sub(" ", text)
    words = []
    for word in _WORD.findall(text):
        word = word.strip("'’.-_")
        if len(word) > 1 and word not in NAMES and not _IDENTIFIER.fullmatch(word):
            words.append(word)
    return words


def english_in(texts: Iterator[str]) -> list[str]:
    """Each text (once) that still contains English words, with those words."""
    found = {}
    for text in texts:
        words = english_words(text)
        if words and text not in found:
            found[text] = words
    return [f"{text[:90]!r} → {' '.join(words[:8])}" for text, words in found.items()]


# Plotly figure keys whose string values a student reads.
_FIGURE_TEXT = {"text", "name", "hovertemplate", "texttemplate", "ticktext", "label", "prefix", "suffix", "title"}


def _strings_under(node, fields: set[str], key: str = "") -> Iterator[str]:
    """Every string in nested dicts and lists whose own (or enclosing list's) field name is one of `fields`."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _strings_under(value, fields, name)
    elif isinstance(node, list):
        for value in node:
            yield from _strings_under(value, fields, key)
    elif isinstance(node, str) and key in fields:
        yield node


def figure_texts(figure: dict) -> Iterator[str]:
    """The readable strings of a plotly figure's JSON."""
    return _strings_under(figure, _FIGURE_TEXT)


# Proto fields that hold text the student reads (per element), and elements whose text is code or a formula.
_PROTO_TEXT = {
    "body",
    "label",
    "help",
    "options",
    "placeholder",
    "caption",
    "text",
    "value",
    "display_value",
    "formatted_options",
    "default_value_text",
    "description",
}
# The fields of our components' data that hold text: the pad's labels, the live view's (its "text" dict, any depth).
_COMPONENT_TEXT = {"label", "undo", "clear", "text", "title", "lossTitle", "epoch", "legend", "unit", "train", "test"}
_CODE_ELEMENTS = {"code", "latex", "exception", "html", "empty", "skeleton"}


def element_texts(node) -> Iterator[str]:
    """Every readable string under an AppTest node (a block or an element), figures and tables included."""
    from google.protobuf.json_format import MessageToDict

    children = getattr(node, "children", None)
    if children is not None:
        label = getattr(node, "label", None)
        if isinstance(label, str):
            yield label
        for child in children.values():
            yield from element_texts(child)
        return
    kind = getattr(node, "type", "")
    if kind in _CODE_ELEMENTS or getattr(node, "proto", None) is None:
        return
    if kind == "dataframe":
        frame = node.value
        yield from (str(column) for column in frame.columns)
        for column in frame.columns:
            if frame[column].dtype == object:
                yield from (value for value in frame[column] if isinstance(value, str))
        return
    if kind == "plotly_chart":
        yield from figure_texts(json.loads(node.proto.spec))
        return
    if kind == "bidi_component":  # our own components (the pad, the live view): the labels in the data they get
        yield from _strings_under(json.loads(node.proto.json or "{}"), _COMPONENT_TEXT)
        return
    yield from _strings_under(MessageToDict(node.proto, preserving_proto_field_name=True), _PROTO_TEXT)
