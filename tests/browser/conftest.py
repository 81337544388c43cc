"""Fixtures for the browser tests: one real `streamlit run app.py` server and one Chromium for
the whole session, and a fresh page per test."""

import pytest
from browser_kit import CHROMIUM_ARGS, chromium_path, free_port, start_server, stop_server


@pytest.fixture(scope="session")
def app_url():
    chromium_path()
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    p = browser.new_page(viewport={"width": 1400, "height": 900})
    yield p
    p.close()
