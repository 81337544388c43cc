"""Every page renders through app.py, with its defaults and with a tampered address bar.

Pages come from lessons.py, so a new lesson is covered as soon as it is listed there. Each page is
opened the way a browser opens it: app.py runs (page settings, navigation), then the page.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons import HOME, LESSONS

ROOT = Path(__file__).resolve().parents[1]

PAGES = [HOME, *LESSONS]
TIMEOUT = 60
#: What a hand-edited or hostile link may carry: wrong types, overflow, NaN, empty.
TAMPERED = ["zzz", "-1e309", "1e309", "NaN", "", "-1", "999999999"]


def open_page(page, query: dict | None = None) -> AppTest:
    """Run app.py on `page` with the given query parameters, as a fresh browser tab would."""
    at = AppTest.from_file(ROOT / "app.py", default_timeout=TIMEOUT)
    if page != HOME:
        at.run()  # a page switch needs the navigation registered by a first run
        at.switch_page(page.file)
    at.query_params.clear()
    at.query_params.update(query or {})
    return at.run()


def keys(at: AppTest) -> set[str]:
    """User keys of every keyed element the page drew (widgets, bound tabs and expanders…)."""
    return {n.key for block in (at.main, at.sidebar) for n in block if getattr(n, "key", None)}


def failure(at: AppTest) -> str:
    return "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


def test_lessons_table_is_consistent():
    files = [p.file for p in PAGES]
    urls = [p.url for p in PAGES]
    assert len(set(files)) == len(files) and len(set(urls)) == len(urls)
    assert all((ROOT / f).is_file() for f in files)
    assert all(p.url for p in LESSONS), "only Home may live at the root address"


def test_home_explains_and_links_every_lesson():
    at = open_page(HOME)
    assert not at.exception, failure(at)
    assert at.title[0].value == "Landscape Lab"
    text = " ".join(m.value for m in at.markdown)
    for idea in ("loss", "error surface", "local minima", "saddle", "gradient"):
        assert idea in text
    links = {link.proto.page for link in at.get("page_link")}
    assert len(links) == len(LESSONS)


@pytest.mark.parametrize("page", PAGES, ids=[p.file for p in PAGES])
def test_page_renders_with_defaults(page):
    at = open_page(page)
    if at.exception:
        pytest.fail(failure(at))
    assert not at.error, [e.value for e in at.error]
    assert len(at.main) > 0


@pytest.mark.parametrize("page", PAGES, ids=[p.file for p in PAGES])
def test_page_survives_tampered_links(page):
    bound = keys(open_page(page)) | {"no_such_control"}
    for value in TAMPERED:
        at = open_page(page, {k: value for k in bound})
        if at.exception:
            pytest.fail(f"{page.file} with every control = {value!r}:\n{failure(at)}")
