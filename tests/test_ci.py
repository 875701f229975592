"""CI runs exactly the README's test command, and a quick local run leaves out only what is marked slow."""

import configparser
import re

from tests.conftest import ROOT


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run all tests", 1)[1]
    return re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()


def test_ci_runs_the_readmes_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert script[-1] == readme_test_command()


def test_ci_runs_every_test():
    """CI must not deselect: a marker filter there would let the slow tests rot unseen."""
    options = readme_test_command().split("python -m pytest", 1)[1].split()
    assert "-m" not in options and "-k" not in options and "--lf" not in options, options


def test_the_slow_marker_is_registered():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    assert any(line.startswith("slow:") for line in config["pytest"]["markers"].strip().splitlines())
