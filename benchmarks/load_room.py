"""A class room under load: N students each add their run to the class's experiment while the
class view refreshes on every page, and the projector shows the pooled result.

Starts the replicas the way a class is served (`python -m deploy.serve`, HAProxy in front) over
one fresh SQLite file of rooms, opens a room in it, and speaks Streamlit's websocket protocol
(benchmarks/load_class.py's Student) for the instructor and every student, all through HAProxy.
Everyone is on Restarts with the room's link; the class view (an `st.fragment(run_every=…)`)
reruns every ui.room.VIEW_EVERY_S seconds on every page, as the browser's timer would make it.
Students arrive over --ramp seconds and each presses "Add my run to the class" once.

Measured: a submit's time (the click until the server has finished the rerun that computed and
stored the run), submit-to-visible (the click until the instructor's class view first counts
it), the class view's refresh time, and whether every run is in the room at the end.

Run: python benchmarks/load_room.py [--sessions 60] [--replicas 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_class import Student, before_class, connect, pct, replica_cookie, start_served  # noqa: E402

from rooms.store import Store  # noqa: E402
from ui.room import VIEW_EVERY_S  # noqa: E402

PAGE = "restarts"
SUBMIT = "_room_submit_restarts-"  # ui.room.experiment's button key, for section 2's experiment
COUNT = re.compile(r"\*\*(\d+) runs? from")  # ui.room.class_sentence
EMPTY = "No run in yet"


def _view(s: Student) -> tuple[str, int] | None:
    """The class view's fragment and the runs it counts, from the last rerun's text."""
    for fragment, body in s.texts:
        if m := COUNT.search(body):
            return fragment, int(m[1])
        if EMPTY in body:
            return fragment, 0
    return None


async def _session(url: str, query: str) -> tuple[Student, object]:
    cookie, replica = await replica_cookie(url)
    ws = await connect(url, {"Cookie": cookie})
    s = Student(ws, replica, query)
    await s.rerun(PAGE)
    return s, ws


class Class:
    def __init__(self) -> None:
        self.clicks: list[float] = []  # when each submit was clicked
        self.submits: list[float] = []  # seconds each took
        self.done: list[float] = []  # when each finished, in order
        self.visible: list[tuple[float, int]] = []  # (when, runs counted) on the projector
        self.refresh: list[float] = []  # seconds each class-view rerun took
        self.errors: list[str] = []


async def _watch(s: Student, out: Class, until: float, projector: bool) -> None:
    """The page's timers, as the browser keeps them: every fragment with `run_every` (the class
    views, and a student's check for the instructor's scene) reruns at its interval."""
    if not s.timers:
        out.errors.append("no fragment with a timer on the page")
        return
    while time.perf_counter() < until:
        await asyncio.sleep(min(s.timers.values(), default=VIEW_EVERY_S))
        counted = []  # what this round's class views counted (section 5's has no run)
        for fragment in list(s.timers):
            try:
                t = await s.rerun(PAGE, fragment=fragment)
            except Exception as exc:
                who = "projector" if projector else "student"
                out.errors.append(f"timer ({who}): {exc!r}")
                return
            out.refresh.append(t)
            if (seen := _view(s)) is not None:
                counted.append(seen[1])
        if projector and counted:
            out.visible.append((time.perf_counter(), max(counted)))


async def _student(i: int, url: str, code: str, args, out: Class, until: float) -> None:
    await asyncio.sleep(args.ramp * i / max(args.sessions - 1, 1))
    try:
        s, ws = await _session(url, f"room={code}")
    except Exception as exc:
        out.errors.append(f"student {i} could not open the page: {exc}")
        return
    async with ws:
        watching = asyncio.create_task(_watch(s, out, until, projector=False))
        await asyncio.sleep(random.Random(i).uniform(1, 5))  # reads the page first
        key = next((k for k in s.widgets if k.startswith(SUBMIT)), None)
        if key is None:
            out.errors.append(f"student {i}: no submit button")
        else:
            t0 = time.perf_counter()
            out.clicks.append(t0)
            try:
                out.submits.append(await s.rerun(PAGE, **{key: True}))
                out.done.append(time.perf_counter())
            except Exception as exc:
                out.errors.append(f"student {i} submit: {type(exc).__name__}: {exc}")
        await watching


def submit_to_visible(out: Class) -> list[float]:
    """For the k-th click (in time order): from the click until the projector first counted k
    runs or more."""
    waits = []
    for k, clicked in enumerate(sorted(out.clicks), start=1):
        seen = next((t for t, n in out.visible if n >= k and t >= clicked), None)
        if seen is not None:
            waits.append(seen - clicked)
    return waits


async def drive(args) -> None:
    tmp = tempfile.mkdtemp(prefix="load-room-")
    rooms_url = f"sqlite:///{Path(tmp) / 'rooms.db'}"
    os.environ.update(
        LANDSCAPE_ROOMS_URL=rooms_url,
        LANDSCAPE_CACHE_DIR=str(Path(tmp) / "cache"),
        LANDSCAPE_WARM_UP="on",
    )
    store = Store(sa.create_engine(rooms_url))
    store.create_schema()
    code, key = store.open_room()
    served, status = start_served(args, tmp)
    url = status["url"].replace("http://", "ws://", 1) + "/_stcore/stream"
    out = Class()
    try:
        for r in status["replicas"]:  # the instructor opened the app before the class
            print(await before_class(f"ws://127.0.0.1:{r['port']}/_stcore/stream", r["pid"]))
        projector, ws = await _session(url, f"room={code}&teach={key}")
        start = time.perf_counter()
        until = start + args.ramp + args.after
        async with ws:
            await asyncio.gather(
                _watch(projector, out, until, projector=True),
                *(_student(i, url, code, args, out, until) for i in range(args.sessions)),
            )
        wall = time.perf_counter() - start
    finally:
        served.send_signal(signal.SIGTERM)
        served.wait(timeout=120)
    runs, _ = store.export(code, key)
    visible = submit_to_visible(out)
    print(
        f"{args.sessions} students and the instructor on {PAGE} in one room, {args.replicas} "
        f"replica(s) behind HAProxy, one SQLite file; the class view refreshes every "
        f"{VIEW_EVERY_S} s on every page; {wall:.0f} s, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':<22}{'n':>6}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for name, values in (
        ("submit (click → done)", out.submits),
        ("submit → on projector", visible),
        ("timed fragment rerun", out.refresh),
    ):
        print(
            f"{name:<22}{len(values):>6}{pct(values, 50):>9.2f}{pct(values, 95):>9.2f}"
            f"{max(values, default=float('nan')):>9.2f}"
        )
    print(
        f"runs in the room at the end: {len(runs)} of {len(out.done)} submits finished "
        f"({args.sessions} students); projector's last count: "
        f"{out.visible[-1][1] if out.visible else 'none'}; errors: {len(out.errors)}"
    )
    for e in sorted(set(out.errors))[:10]:
        print("  ", e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds the class arrives over")
    parser.add_argument(
        "--after", type=float, default=30.0, help="seconds the views keep refreshing after"
    )
    asyncio.run(drive(parser.parse_args()))


if __name__ == "__main__":
    main()
