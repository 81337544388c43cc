"""Make the repository root importable (core, ui, lessons) however pytest is started."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _no_start_up_warm_up(request, monkeypatch):
    """app.py starts the server's warm-up thread (lessons' default views, about a minute of
    CPU): in tests it would compete with the test and outlive it. tests/test_warmup.py calls
    the hooks itself (and opens pages without app.py)."""
    import warmup

    if request.module.__name__.endswith("test_warmup"):
        return
    monkeypatch.setattr(warmup, "HOOKS", [])


def pytest_collection_modifyitems(items):
    """Everything under tests/browser is a browser test (`-m "not browser"` skips them)."""
    for item in items:
        if "browser" in Path(str(item.fspath)).parent.parts[-1:]:
            item.add_marker(pytest.mark.browser)
