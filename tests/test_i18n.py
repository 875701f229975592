"""Every UI string exists in English and 中文, every 中文 entry is used, and every page renders in both languages."""

import ast

import pytest

from core.cnn.data import MISSING_TEMPLATES
from core.i18n.strings import LANGUAGES, ZH, translate
from core.serving.device import DEVICE_TEMPLATES
from core.xor import experiment as xor_experiment
from tests.conftest import ROOT, open_page

UI_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "views").glob("*.py")),
    *sorted((ROOT / "ui").glob("*.py")),
    *(ROOT / "core" / "xor" / name for name in ("figures.py", "network_figure.py", "replay.py", "watch_figure.py")),
    *sorted((ROOT / "core" / "cnn").glob("*figures.py")),
]
LABEL_DICTS = ("IMPLEMENTATION_LABELS", "INIT_LABELS", "DERIVATIVE_LABELS", "TORCH_START_LABELS")


def ui_strings() -> set[str]:
    """Literal first arguments of t(...)/tr(...) calls, plus the label dicts the pages translate."""
    found = set()
    for path in UI_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("t", "tr")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id in LABEL_DICTS for target in node.targets
            ):
                found.update(value.value for value in node.value.values if isinstance(value, ast.Constant))
    found.update(
        template
        for template, _ in xor_experiment.XorSettings(
            implementation="x", hidden_size=0, learning_rate=float("nan"), epochs=0, activation="x", init="x"
        ).problems()
    )
    found.update({"trained", "uploaded"})
    found.update(DEVICE_TEMPLATES)
    return found


def test_every_ui_string_has_a_chinese_translation():
    strings = ui_strings()
    assert len(strings) > 100
    missing = sorted(s for s in strings if not ZH.get(s, "").strip())
    assert not missing, f"{len(missing)} strings lack 中文: {missing[:10]}"


# Where the code keeps text: everything outside the translation tables themselves.
CODE_FILES = [
    ROOT / "app.py",
    *(path for folder in ("views", "ui", "core") for path in sorted((ROOT / folder).rglob("*.py"))),
]
I18N = ROOT / "core" / "i18n"


def strings_in_code() -> set[str]:
    """Every string literal of the app's code outside core/i18n, plus the texts it composes from literals."""
    found = set(MISSING_TEMPLATES)  # a reason + what to do, joined at import (core/cnn/data.py)
    for path in CODE_FILES:
        if I18N in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found.update(
            node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    return found


def test_every_translation_is_used():
    """A 中文 entry whose English nothing says any more is dead weight that drifts from the code."""
    used = strings_in_code()
    unused = sorted(english for english in ZH if english not in used)
    assert not unused, f"{len(unused)} translations nothing uses: {unused[:10]}"


def test_the_unused_check_sees_composed_and_literal_text():
    used = strings_in_code()
    assert "Train" in used and MISSING_TEMPLATES[0] in used
    assert "no such text" not in used


def test_translations_keep_their_placeholders():
    import string

    for english, chinese in ZH.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(chinese) if name}, english


def test_english_is_the_default_and_falls_back():
    assert list(LANGUAGES)[0] == "en"
    assert translate("Train", "en") == "Train"
    assert translate("no such text", "zh") == "no such text"


@pytest.mark.parametrize("page", ["views/home.py", "views/xor.py", "views/cnn.py", "views/draw.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_render_in_both_languages(page, lang):
    at = open_page(page, query={"lang": lang})
    assert at.session_state["lang"] == lang
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in at.title[0].value)


def test_the_device_reads_in_both_languages():
    import torch

    from core.serving.device import describe_device

    cpu = describe_device(torch.device("cpu"))
    assert str(cpu).startswith("CPU (")
    chinese = translate(cpu.template, "zh").format(**dict(cpu.values))
    assert "线程" in chinese and "thread" not in chinese
