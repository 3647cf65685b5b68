"""The supported Python versions are said in two places that must agree: pyproject.toml's
requires-python (what pip and the lock honour) and the Makefile's PYTHON_VERSIONS (what `make run`
looks for and CI tests on)."""

import re
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[3]


def makefile_versions() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.search(r"^PYTHON_VERSIONS := (.+)$", text, re.M).group(1).split())


def test_the_makefile_and_pyproject_name_the_same_python_versions():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = SpecifierSet(project["requires-python"])
    admitted = {f"3.{minor}" for minor in range(8, 30) if f"3.{minor}.0" in allowed}
    assert makefile_versions() == admitted


def test_this_interpreter_is_a_supported_one():
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in makefile_versions()
