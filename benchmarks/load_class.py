"""A class on one server: many students at once, spoken to in Streamlit's own websocket protocol.

Starts `streamlit run app.py` as it is hosted (headless, no file watcher: .streamlit/config.toml)
and drives N concurrent sessions at it — no browsers, so the figures measure the server. Each
student opens every page of lessons.py in turn; on a lesson page they follow the instructor
through its first lesson scenes (the same clicks for the whole class, so after the first student
they are cache hits), then change the page's seeds to values of their own (cache misses). A
rerun is timed from the BackMsg that asks for it to the ForwardMsg that says the script finished.

A request counts as a miss when it is the first, across the class, to ask for its state (page,
scene clicks, seeds); repeats are hits, including students who asked while the first one's result
was still being computed (Streamlit's cache makes them wait for that one computation).

Run: python benchmarks/load_class.py [--sessions 30] [--scenes 3] [--seeds 2] [--budget 180]
Prints a table; the README's "Serving a class" section quotes it.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from browser_kit import free_port, start_server, stop_server  # noqa: E402
from lessons import HOME, LESSONS  # noqa: E402

PAGES = [HOME, *LESSONS]
SCENE = re.compile(r"^_ui_(.+)_scene_(\d+)$")  # ui.classroom.scenes' button keys
SEED = re.compile(r"_seed$")                    # ui.controls.seed_input's keys
RERUN_TIMEOUT_S = 90  # a rerun slower than this counts as an error
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Results:
    """What the whole class saw; `seen` holds every state some student has asked for."""
    hit: list[float] = field(default_factory=list)
    miss: list[float] = field(default_factory=list)
    first: float | None = None  # the first rerun asked of the server process (cold imports)
    asked: int = 0
    errors: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)
    skipped: int = 0  # actions not started because the time budget ran out


class Student:
    """One browser tab, as the frontend speaks to the server: rerun requests carrying the page,
    the address bar's query string and the widgets the user changed."""

    def __init__(self, ws, name: str):
        self.ws, self.name = ws, name
        self.widgets: dict[str, tuple[str, str]] = {}  # user key → (element type, widget id)

    async def rerun(self, page: str, **widgets) -> float:
        """Ask for a rerun of `page` with the given widget values (key → value; True clicks a
        button) and wait until it has finished. Returns seconds; raises on an error."""
        state = ClientState(page_name=page, query_string="")
        for key, value in widgets.items():
            kind, wid = self.widgets[key]
            w = state.widget_states.widgets.add(id=wid)
            if kind == "button":
                w.trigger_value = bool(value)
            else:  # number inputs (seeds) hold a double
                w.double_value = float(value)
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        self.widgets = {}
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        problems = await asyncio.wait_for(self._until_finished(), RERUN_TIMEOUT_S)
        if problems:
            raise RuntimeError("; ".join(problems))
        return time.perf_counter() - t0

    async def _until_finished(self) -> list[str]:
        problems = []
        while True:
            fwd = ForwardMsg.FromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note(fwd.delta.new_element, problems)
            elif kind == "page_not_found":
                problems.append("page not found")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status in DONE:
                    return problems
                if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun(): keep reading
                    problems.append(f"script finished with {ForwardMsg.ScriptFinishedStatus.Name(status)}")
                    return problems

    def _note(self, element, problems: list[str]) -> None:
        """Record a drawn widget's id by its user key; an exception box is an error."""
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            problems.append(f"exception {proto.type}: {proto.message[:200]}")
        elif "id" in proto.DESCRIPTOR.fields_by_name and proto.id.startswith("$$ID-"):
            self.widgets[proto.id.split("-", 2)[2]] = (kind, proto.id)


async def one_student(i: int, url: str, args, out: Results, deadline: float) -> None:
    await asyncio.sleep(args.ramp * i / max(args.sessions - 1, 1))  # a class arrives over seconds
    try:
        async with websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                      open_timeout=60, ping_timeout=None) as ws:
            s = Student(ws, f"student {i}")
            for entry in PAGES:
                await lesson(s, i, entry.url, args, out, deadline)
    except Exception as exc:  # a broken connection is an error, not a crash of the benchmark
        out.errors.append(f"student {i}: {type(exc).__name__}: {exc}")


async def lesson(s: Student, i: int, page: str, args, out: Results, deadline: float) -> None:
    """Open the page, click its first scenes in order, then change each seed to our own value."""
    steps: list[tuple[tuple, dict]] = [((page,), {})]
    state = (page,)
    for n in range(args.scenes):
        state += (f"scene {n}",)
        steps.append((state, {"scene": n}))
    for n in range(args.seeds):
        steps.append((state + (f"seeds #{n} of student {i}",), {"seed": n}))
    for state, action in steps:
        if time.perf_counter() > deadline:
            out.skipped += 1
            continue
        widgets = pick(s, i, **action)
        if widgets is None:  # the page has fewer scenes or seeds than asked for
            continue
        miss, cold = state not in out.seen, out.asked == 0
        out.seen.add(state)
        out.asked += 1
        try:
            t = await s.rerun(page, **widgets)
        except Exception as exc:
            out.errors.append(f"student {i}, {' > '.join(map(str, state))}: "
                              f"{type(exc).__name__}: {exc}")
            if isinstance(exc, (asyncio.TimeoutError, websockets.ConnectionClosed)):
                raise
            continue
        if cold:
            out.first = t
        else:
            (out.miss if miss else out.hit).append(t)


def pick(s: Student, i: int, scene: int | None = None, seed: int | None = None) -> dict | None:
    """The widget change for an action, from the widgets the last run drew."""
    if scene is not None:
        key = next((k for k in s.widgets if (m := SCENE.match(k)) and int(m[2]) == scene), None)
        return None if key is None else {key: True}
    if seed is not None:
        seeds = sorted(k for k, (kind, _) in s.widgets.items() if SEED.search(k)
                       and kind == "number_input")
        return {k: 1 + i + 100 * seed for k in seeds} if seeds else None
    return {}


# -- the server's memory -------------------------------------------------------------------------

def _proc_kib(pid: int, field_: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_ + ":"):
            return int(line.split()[1])
    return 0


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return out


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), summed over the process tree, MiB."""
    pids = _tree(pid)
    return tuple(sum(_proc_kib(p, f) for p in pids) / 1024 for f in ("VmRSS", "VmHWM"))


# -- report --------------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def drive(args) -> None:
    port = free_port()
    t0 = time.perf_counter()
    server = start_server(port)
    print(f"server answers health after {time.perf_counter() - t0:.1f} s; "
          f"memory before any session {memory_mib(server.pid)[0]:.0f} MiB")
    out = Results()
    try:
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        start = time.perf_counter()
        deadline = start + args.budget
        await asyncio.gather(*(one_student(i, url, args, out, deadline)
                               for i in range(args.sessions)))
        wall = time.perf_counter() - start
        now, peak = memory_mib(server.pid)
    finally:
        stop_server(server)
    report(args, out, wall, now, peak)


def report(args, out: Results, wall: float, now: float, peak: float) -> None:
    pages = ", ".join(p.url or "home" for p in PAGES)
    print(f"\n{args.sessions} sessions over pages [{pages}], {args.scenes} scene clicks and "
          f"{args.seeds} seed changes per lesson page; {wall:.0f} s wall")
    print(f"first rerun of the fresh server (cold imports): {out.first or float('nan'):.2f} s")
    print(f"{'kind':<12}{'reruns':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for name, values in (("cache hit", out.hit), ("cache miss", out.miss)):
        print(f"{name:<12}{len(values):>8}{pct(values, 50):>9.2f}{pct(values, 95):>9.2f}"
              f"{max(values, default=float('nan')):>9.2f}")
    print(f"errors: {len(out.errors)}; actions skipped at the time budget: {out.skipped}")
    for e in out.errors[:10]:
        print("  ", e)
    print(f"server memory: peak {peak:.0f} MiB, after the class {now:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--scenes", type=int, default=3, help="scenes clicked per lesson page")
    parser.add_argument("--seeds", type=int, default=2, help="seed changes per lesson page")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which students arrive")
    parser.add_argument("--budget", type=float, default=180.0,
                        help="seconds after which no new action starts")
    asyncio.run(drive(parser.parse_args()))


if __name__ == "__main__":
    main()
