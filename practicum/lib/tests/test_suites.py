"""What `make test` relies on to split the suite."""

import importlib
import inspect
from pathlib import Path

from django.conf import settings


def _browser_marked(obj) -> bool:
    marks = getattr(obj, "pytestmark", [])
    marks = marks if isinstance(marks, list) else [marks]
    return any(mark.name == "browser" for mark in marks)


def test_every_module_with_a_browser_test_names_the_marker():
    """The browser suite (`-m browser`) collects only the test modules whose text says
    "browser" (the root conftest's pytest_ignore_collect): a browser test in a module that does
    not (its mark imported under another name, say) would never run."""
    silent, found = [], 0
    for path in sorted(Path(settings.BASE_DIR, "practicum").glob("**/tests/test_*.py")):
        name = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        module = importlib.import_module(name)
        tests = [
            obj
            for attr, obj in vars(module).items()
            if attr.startswith(("test", "Test"))
            and (inspect.isfunction(obj) or inspect.isclass(obj))
        ]
        marked = _browser_marked(module) or any(_browser_marked(test) for test in tests)
        if marked:
            found += 1
            if "browser" not in path.read_text(encoding="utf-8"):
                silent.append(name)
    assert found >= 20  # the browser tests' modules themselves are seen as such
    assert silent == []
