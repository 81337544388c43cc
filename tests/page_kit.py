"""Shared helpers for the page tests: open a lesson page headless in AppTest through a link (its
query parameters, as a shared link carries them), rerun it failing with the page's own traceback,
and read what it shows."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import surfaces

ROOT = Path(__file__).resolve().parents[1]


def failure(at: AppTest) -> str:
    """Every exception the page raised, with its traceback."""
    return "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


def run(at: AppTest) -> AppTest:
    """Rerun the script; a page that raised fails the test with its traceback."""
    at.run()
    assert not at.exception, failure(at)
    return at


def open_lesson(name: str, query: dict | None = None, timeout: float = 120) -> AppTest:
    """pages/{name}.py opened through a link that carries `query`, run once."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=timeout)
    at.query_params.update(query or {})
    return run(at)


def metric(at: AppTest, label: str) -> str:
    """The value of the one metric labelled `label`, or else of the one metric whose label starts
    with it (labels that end in a setting, such as the target loss)."""
    found = [m.value for m in at.metric if m.label == label] or [
        m.value for m in at.metric if m.label.startswith(label)
    ]
    assert len(found) == 1, (label, [m.label for m in at.metric])
    return found[0]


def percent(at: AppTest, label: str) -> float:
    return float(metric(at, label).rstrip("%"))


def texts(elements) -> str:
    """The elements' texts, one a line (so a substring never spans two elements)."""
    return "\n".join(str(e.value) for e in elements)


def surface_option(key: str) -> str:
    """A surface as a link carries it: a select box puts the label it shows in the URL."""
    if key == "custom":
        return "Type your own formula"
    s = surfaces.get(key)
    return f"{s.label} — {s.group}"
