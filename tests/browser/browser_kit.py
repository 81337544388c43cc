"""Shared browser-test kit: start the real server, find Debian's Chromium (skip without it,
except in CI, where it is an error), open a page of the app, wait until it is drawn, check it
shows no exception or JavaScript error, reload its link, read a metric, take a screenshot."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from deploy.serve import streamlit_command

ROOT = Path(__file__).resolve().parents[2]

SHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT_S = 120  # server start: torch and streamlit imports on two shared cores
PAGE_TIMEOUT_MS = 180_000  # the heaviest lesson's first run, on two shared cores
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SKELETONS = (
    '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]'
)
CHARTS = '[data-testid="stVegaLiteChart"], [data-testid="stPlotlyChart"]'
DRAWN = (
    '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks, '
    '[data-testid="stPlotlyChart"] .main-svg'
)


def debian_tool(name: str) -> str:
    """The path of a Debian package's program the tests drive (skipped without it, except in
    CI, where it is an error)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if path:
        return path
    reason = f"Debian's {name} is not installed: `bash scripts/test.sh` installs it"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def chromium_path() -> str:
    return debian_tool("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, warm_up: bool = False) -> subprocess.Popen:
    """`streamlit run app.py` headless, as it runs when hosted; returns once it answers health.
    Without `warm_up` the lessons' start-up warm-up (a minute of CPU) is off."""
    log = tempfile.TemporaryFile("w+")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "LANDSCAPE_WARM_UP": "on" if warm_up else "off"},
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.25)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {START_TIMEOUT_S} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until_drawn(page, charts: int = 0) -> None:
    """Wait until the script run has finished, no element is still a loading skeleton (charts
    and maths load their code lazily), there are at least `charts` charts, and every chart has
    drawn its canvas or SVG."""
    page.wait_for_selector(IDLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(
        f"""() => {{ const c = [...document.querySelectorAll('{CHARTS}')];
                    return !document.querySelector('{SKELETONS}') && c.length >= {charts}
                           && c.every(e => e.querySelector('canvas, svg.marks, .main-svg')); }}""",
        timeout=PAGE_TIMEOUT_MS,
    )
    page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)


def goto(page, app_url: str, path: str, query: dict | None = None, charts: int = 0) -> list[str]:
    """Open the app's page at `path` through a link carrying `query` and wait until it is drawn.
    Returns the list the page's uncaught JavaScript errors are collected in from now on."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    link = f"{app_url}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
    page.goto(link, timeout=PAGE_TIMEOUT_MS)
    wait_until_drawn(page, charts)
    return errors


def scene(page, name: str, link: str) -> None:
    """Click the lesson-scene button `name`; wait until the address bar matches the regular
    expression `link` and the rerun is drawn."""
    page.get_by_role("button", name=name).click()
    page.wait_for_url(re.compile(link), timeout=PAGE_TIMEOUT_MS)
    wait_until_drawn(page)


def reload(page) -> None:
    """Open the address bar's link in a fresh load, as a student who was sent it would."""
    shared = page.url
    page.goto("about:blank")
    page.goto(shared, timeout=PAGE_TIMEOUT_MS)
    wait_until_drawn(page)


def no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def no_errors(page, errors: list[str]) -> None:
    """No exception box on the page and no uncaught JavaScript error so far."""
    no_exception(page)
    assert not errors, errors


def metric(page, label: str):
    """The metric box whose text holds `label` (value and delta included)."""
    return page.locator('[data-testid="stMetric"]', has_text=label).first


def metric_value(page, label: str) -> str:
    return metric(page, label).locator('[data-testid="stMetricValue"]').inner_text()


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its own container, so grow the window to fit."""
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        '[data-testid="stMain"], [data-testid="stAppViewContainer"], '
        + '[data-testid="stSidebarContent"]'
        )].map(e => e.scrollHeight))""")
    page.set_viewport_size(
        {"width": page.viewport_size["width"], "height": min(int(height), 12_000)}
    )
    wait_until_drawn(page)
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
