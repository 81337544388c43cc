"""A class served the way `python -m deploy.serve` serves it: two real replicas of the app behind
Debian's HAProxy, opened in Chromium through the one shared address.

Which replica answered is read from HAProxy's cookie and its X-Landscape-Replica header, never
from timing. The replicas share one cache folder (ui/shared_cache.py), as on one host.
"""

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
import sqlalchemy as sa
from browser_kit import (
    PAGE_TIMEOUT_MS,
    ROOT,
    debian_tool,
    free_port,
    goto,
    metric_value,
    no_errors,
    scene,
    wait_until_drawn,
)

from lessons import HOME, LESSONS
from rooms.store import Store

COOKIE = "LANDSCAPE_REPLICA"
HEADER = "x-landscape-replica"
START_S = 240  # two replicas importing torch at once on two shared cores
DOWN_WITHIN_S = 5.0  # health checks every second, out after two failures
RECONNECT_S = 60.0
CLASS_VIEW_S = 30  # the class view asks for new runs every few seconds (ui.room.VIEW_EVERY_S)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python -m deploy.serve --replicas 2` on free ports; stopped with SIGTERM at the end,
    which must exit 0 and leave no replica running."""
    haproxy = debian_tool("haproxy")
    tmp = tmp_path_factory.mktemp("served")
    port, first, stats = free_port(), free_port(), free_port()
    while first + 1 in (port, stats):
        first = free_port()
    status = tmp / "status.json"
    env = {
        **os.environ,
        "PATH": f"{os.path.dirname(haproxy)}:{os.environ.get('PATH', '')}",
        "LANDSCAPE_CACHE_DIR": str(tmp / "cache"),
        "LANDSCAPE_WARM_UP": "off",
        "LANDSCAPE_ROOMS_URL": f"sqlite:///{tmp / 'rooms.db'}",
    }
    command = [
        sys.executable,
        "-m",
        "deploy.serve",
        "--replicas",
        "2",
        "--port",
        str(port),
        "--first-port",
        str(first),
        "--stats-port",
        str(stats),
        "--status",
        str(status),
        "--logs",
        str(tmp / "logs"),
        "--no-warm-up",
        "--no-restart",
    ]
    log = (tmp / "serve.log").open("w+")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_S
    while not status.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.seek(0)
            pytest.fail(f"deploy.serve did not start:\n{log.read()}")
        time.sleep(0.5)
    state = json.loads(status.read_text())
    state["rooms"] = env["LANDSCAPE_ROOMS_URL"]
    yield state
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=90) == 0
    for r in state["replicas"]:
        assert not _alive(r["pid"]), f"replica {r['name']} still running after the stop"
    logs = "".join((tmp / "logs" / f"{r['name']}.log").read_text() for r in state["replicas"])
    assert "terminate called" not in logs


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def _open(context, url: str, path: str = "") -> tuple[object, str]:
    """A page of the app through HAProxy; returns it and the replica that served its HTML."""
    page = context.new_page()
    response = page.goto(f"{url}/{path}", timeout=PAGE_TIMEOUT_MS)
    wait_until_drawn(page)
    return page, response.headers[HEADER]


def _status(stats: str) -> dict[str, str]:
    with urllib.request.urlopen(f"{stats};csv", timeout=5) as r:
        rows = csv.reader(io.StringIO(r.read().decode().lstrip("# ")))
        header = next(rows)
        return {row[1]: row[header.index("status")] for row in rows if row and row[0] == "replicas"}


def test_every_page_opens_through_the_load_balancer(served, page):
    for entry in [HOME, *LESSONS]:
        errors = goto(page, served["url"], entry.url)
        no_errors(page, errors)


def test_a_csv_download_comes_back_through_the_load_balancer(served, page):
    """The file lives in the replica that drew the button: the cookie must take the download
    request there."""
    goto(page, served["url"], "convex")
    page.get_by_text("Download the data and settings").first.click()
    with page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        page.get_by_role("button", name="(CSV)").first.click()
    body = open(download.value.path()).read()
    assert body.count("\n") > 1 and "," in body.splitlines()[0]


def test_two_browsers_land_on_different_replicas_and_keep_them(served, browser):
    """A new browser goes to the replica with fewer open connections; its cookie keeps it
    there, on every rerun and on reload."""
    first, second = browser.new_context(), browser.new_context()
    try:
        page_a, served_a = _open(first, served["url"])
        page_b, served_b = _open(second, served["url"])
        assert served_a != served_b
        assert (_replica_of(first), _replica_of(second)) == (served_a, served_b)
        for _ in range(2):
            page_a.get_by_role("link", name="Convex or not").first.click()
            wait_until_drawn(page_a)
            assert page_a.reload(timeout=PAGE_TIMEOUT_MS).headers[HEADER] == served_a
            wait_until_drawn(page_a)
        assert _replica_of(first) == served_a
    finally:
        first.close()
        second.close()


def test_a_run_submitted_on_one_replica_shows_in_the_class_view_on_the_other(served, browser):
    """The class room lives in the database the replicas share (a SQLite file on one host), not
    in a replica's memory: the instructor and a student on different replicas see one class."""
    rooms = Store(sa.create_engine(served["rooms"]))
    rooms.create_schema()
    code, key = rooms.open_room()
    teacher, student = browser.new_context(), browser.new_context()
    try:
        projector, on = _open(teacher, served["url"], f"restarts?room={code}&teach={key}")
        page, there = _open(student, served["url"], f"restarts?room={code}")
        assert on != there
        view = projector.get_by_text("No run in yet").first
        view.wait_for(timeout=PAGE_TIMEOUT_MS)
        page.get_by_role("button", name="Add my run to the class").first.click()
        wait_until_drawn(page)
        projector.get_by_text(re.compile(r"1 run from 1 seed")).first.wait_for(
            timeout=CLASS_VIEW_S * 1000
        )
        (run,), _ = rooms.export(code, key)
        assert run["experiment"].startswith("restarts-") and isinstance(run["loss"], float)
    finally:
        teacher.close()
        student.close()


def test_a_killed_replica_is_marked_down_and_its_student_sees_the_same_experiment(served, browser):
    """Kill the replica a student is on: HAProxy takes it out within seconds, new students go
    to the other, and the student's browser reconnects there and, since every control is in
    the link, shows the same experiment."""
    student = browser.new_context()
    try:
        page, was = _open(student, served["url"], "convex")
        scene(page, "Rastrigin traps gradient descent", "Rastrigin")
        link, failed = page.url, metric_value(page, "Chords that fail")
        replica = next(r for r in served["replicas"] if r["name"] == was)
        os.kill(replica["pid"], signal.SIGKILL)
        t0 = time.monotonic()
        while _status(served["stats"]).get(was) != "DOWN":
            assert time.monotonic() - t0 < DOWN_WITHIN_S, _status(served["stats"])
            time.sleep(0.2)
        newcomer = browser.new_context()
        try:
            _, lands = _open(newcomer, served["url"])
            assert lands != was
        finally:
            newcomer.close()
        # Streamlit's client retries by itself; HAProxy sends it to the live replica and
        # resets the cookie. That replica knows nothing of this student but the link.
        t0 = time.monotonic()
        while _replica_of(student) == was:
            assert time.monotonic() - t0 < RECONNECT_S, "the page did not reconnect"
            page.wait_for_timeout(250)
        page.reload(timeout=PAGE_TIMEOUT_MS)
        wait_until_drawn(page)
        assert _replica_of(student) != was
        assert page.url == link
        assert metric_value(page, "Chords that fail") == failed
        no_errors(page, [])
    finally:
        student.close()
