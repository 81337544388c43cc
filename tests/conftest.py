"""Make the repository root importable (core, ui, lessons) however pytest is started."""

import os
import sys
from pathlib import Path

import pytest

# The host's shared disk cache (ui/shared_cache.py) would carry results from one test run into
# the next; the tests of that cache, and the replica tests, give their own folder.
os.environ.setdefault("LANDSCAPE_CACHE_DIR", "off")

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
