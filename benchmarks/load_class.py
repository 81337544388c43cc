"""A class on a server: many students at once, spoken to in Streamlit's own websocket protocol.

Starts `streamlit run app.py` as it is hosted (headless, no file watcher: .streamlit/config.toml),
once or as K replicas (--replicas; student i stays on replica i mod K, as behind a load balancer
with sticky sessions). Before the class the instructor opens Home on each replica, which starts its
warm-up (warmup.py), and the class arrives once the server is idle (--no-warm-up: a cold server).
Then it drives N concurrent sessions at it — no browsers, so the figures measure the server. Each
student opens every page of lessons.py (or those given with --pages) in turn; on a lesson page they
follow the instructor through its first lesson scenes (the same clicks for the whole class: cache
hits after the first student), then change the page's seeds to values of their own (cache misses).
Between two actions a student looks at the page for a few seconds (--think). A rerun is timed from
the BackMsg that asks for it to the ForwardMsg that says the script finished; a widget inside an
st.fragment reruns only its fragment, as in the browser.

A request counts as a miss when it is the first, across the class, to ask its replica for its state
(page, scene clicks, seeds), although after the warm-up the page and its scenes are already cached
(so "miss" is an upper bound); repeats are hits, including students who asked while the first one's
result was still being computed (Streamlit's cache makes them wait for that one computation).

With --haproxy the replicas are started the way a class is served (`python -m deploy.serve`:
HAProxy in front, sticky by cookie) and every student goes through HAProxy: a first HTTP request
gets the replica's cookie, and the student's websocket carries it.

Run: python benchmarks/load_class.py [--sessions 30] [--think 5] [--replicas 1] [--haproxy]
     [--pages saddles]
Prints a table; the README's "Serving a class" section quotes it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
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
SEED = re.compile(r"_seed$")  # ui.controls.seed_input's keys (number inputs)
RERUN_TIMEOUT_S = 60  # a rerun slower than this counts as an error: the student gives up
WARM_UP_LIMIT_S = 600  # longest wait for the server's start-up warm-up before the class
BUSY = "stayed busy"  # ui.gate.BusyError's message: the server turned the request away
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class Results:
    """What the whole class saw; `seen` holds every state some student has asked for."""

    hit: list[float] = field(default_factory=list)
    miss: list[float] = field(default_factory=list)
    first: float | None = None  # the first rerun asked of the server process (cold imports)
    asked: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (who and where, what)
    seen: set = field(default_factory=set)
    skipped: int = 0  # actions not started because the time budget ran out
    turned_away: int = 0  # reruns that showed ui.gate's "server busy, try again" message
    on_page: dict[int, str] = field(default_factory=dict)  # student → the page they are on
    replica_of: dict[int, str] = field(default_factory=dict)  # student → their replica
    busiest: tuple[float, Counter] = (0.0, Counter())  # highest sampled RSS, where students were


class Abandoned(Exception):
    """The student's tab is unusable (already counted as an error): they leave the class."""


@dataclass
class Widget:
    kind: str  # element type: "button", "number_input", …
    id: str  # Streamlit's widget id
    fragment: str  # id of the st.fragment that drew it ("" outside fragments)


class Student:
    """One browser tab, as the frontend speaks to the server: rerun requests carrying the page
    (its address on the first visit, then the page's hash from the navigation, as a click in
    the sidebar sends), the widgets the user changed and, for a widget inside a fragment, that
    fragment's id."""

    def __init__(self, ws, replica: str, query: str = ""):
        self.ws = ws
        self.replica = replica  # the server that holds this session (its cache is its own)
        self.query = query  # the address bar's query string (a room link's, say)
        self.texts: list[tuple[str, str]] = []  # (fragment, markdown) drawn by the last rerun
        self.turn = asyncio.Lock()  # one rerun at a time over the websocket, as a browser does
        self.timers: dict[str, float] = {}  # fragment → seconds: st.fragment(run_every=…)
        self.widgets: dict[str, Widget] = {}  # by user key, as last drawn
        self.pages: dict[str, str] = {}  # page address → page script hash
        self.busy = 0  # "server busy" messages received

    async def rerun(self, page: str, fragment: str = "", **values) -> float:
        """Ask for a rerun of `page` with the given widget values (key → value; True clicks a
        button), or of one `fragment` (as its timer does), and wait until it has finished.
        Returns seconds; raises on an error."""
        async with self.turn:
            return await self._rerun(page, fragment, values)

    async def _rerun(self, page: str, fragment: str, values: dict) -> float:
        state = ClientState(
            page_name=page, page_script_hash=self.pages.get(page, ""), query_string=self.query
        )
        self.texts = []
        changed = [self.widgets[k] for k in values]
        for w, value in zip(changed, values.values()):
            proto = state.widget_states.widgets.add(id=w.id)
            if w.kind == "button":
                proto.trigger_value = bool(value)
            else:  # seeds are float number inputs
                proto.double_value = float(value)
        fragments = {w.fragment for w in changed} or ({fragment} if fragment else set())
        if len(fragments) == 1 and "" not in fragments:
            state.fragment_id = fragments.pop()
        else:
            self.widgets = {}  # a full rerun draws every widget again
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
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
                self._note(fwd.delta.new_element, fwd.delta.fragment_id, problems)
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "auto_rerun":  # the browser starts a timer for this fragment
                self.timers[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for gone in fwd.stop_auto_rerun.fragment_ids or list(self.timers):
                    self.timers.pop(gone, None)
            elif kind == "page_not_found":
                problems.append("page not found")
            elif kind == "script_finished":
                status = fwd.script_finished
                if status in DONE:
                    return problems
                if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # st.rerun(): keep reading
                    name = ForwardMsg.ScriptFinishedStatus.Name(status)
                    return problems + [f"script finished with {name}"]

    def _note(self, element, fragment: str, problems: list[str]) -> None:
        """Record a drawn widget by its user key; an exception box is an error."""
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            problems.append(f"exception {proto.type}: {proto.message[:200]}")
        elif kind == "alert" and BUSY in proto.body:
            self.busy += 1
        elif kind == "markdown":
            self.texts.append((fragment, proto.body))
        elif "id" in proto.DESCRIPTOR.fields_by_name and proto.id.startswith("$$ID-"):
            self.widgets[proto.id.split("-", 2)[2]] = Widget(kind, proto.id, fragment)

    def action(
        self, student: int, scene: int | None = None, seed: int | None = None
    ) -> dict | None:
        """The widget change for an action, from the widgets drawn so far (None: the page has
        no such scene or seed). Seed values are unique to the student and the action."""
        if scene is not None:
            key = next(
                (k for k in self.widgets if (m := SCENE.match(k)) and int(m[2]) == scene), None
            )
            return None if key is None else {key: True}
        if seed is not None:
            seeds = sorted(
                k for k, w in self.widgets.items() if SEED.search(k) and w.kind == "number_input"
            )
            return {seeds[seed % len(seeds)]: 1 + student + 100 * seed} if seeds else None
        return {}


def connect(url: str, headers: dict | None = None):
    """A browser tab's websocket to the server (`async with`), as Streamlit's client opens it."""
    return websockets.connect(
        url,
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=60,
        ping_timeout=None,
        additional_headers=headers or {},
    )


async def replica_cookie(ws_url: str) -> tuple[str, str]:
    """Open the app's address as a browser does: HAProxy answers with its replica cookie.
    Returns the cookie and the replica's name."""
    url = ws_url.replace("ws://", "http://", 1).split("/_stcore")[0]
    with await asyncio.to_thread(urllib.request.urlopen, url, timeout=60) as r:
        cookie = r.headers["Set-Cookie"].split(";", 1)[0]
    return cookie, cookie.split("=", 1)[1]


async def one_student(i: int, urls: list[str], args, out: Results, deadline: float) -> None:
    await asyncio.sleep(args.ramp * i / max(args.sessions - 1, 1))  # a class arrives over seconds
    think = random.Random(i)
    try:
        if args.haproxy:  # one address; HAProxy picks the replica and its cookie keeps it
            cookie, replica = await replica_cookie(urls[0])
            url, headers = urls[0], {"Cookie": cookie}
        else:  # student i on replica i mod K, as sticky sessions would
            url, headers, replica = urls[i % len(urls)], {}, str(i % len(urls))
        async with connect(url, headers) as ws:
            s = Student(ws, replica)
            out.replica_of[i] = replica
            for page in args.pages:
                out.on_page[i] = page or "home"
                await lesson(s, i, page, args, out, deadline, think)
    except Abandoned:
        pass
    except Exception as exc:  # a broken connection is an error, not a crash of the benchmark
        out.errors.append((f"student {i}", f"{type(exc).__name__}: {exc}"))
    out.on_page.pop(i, None)


async def lesson(
    s: Student, i: int, page: str, args, out: Results, deadline: float, think: random.Random
) -> None:
    """Open the page, click its first scenes in order, then change seeds to our own values."""
    state = (f"replica {s.replica}", page)  # each replica has its own cache
    steps: list[tuple[tuple, dict]] = [(state, {})]
    for n in range(args.scenes):
        state += (f"scene {n}",)
        steps.append((state, {"scene": n}))
    for n in range(args.seeds):
        state += (f"seed change {n} of student {i}",)
        steps.append((state, {"seed": n}))
    for state, what in steps:
        if time.perf_counter() > deadline:
            out.skipped += 1
            continue
        values = s.action(i, **what)
        if values is None:  # the page has fewer scenes or seeds than asked for
            continue
        miss, cold = state not in out.seen, out.asked == 0
        out.seen.add(state)
        out.asked += 1
        busy = s.busy
        try:
            t = await s.rerun(page, **values)
        except Exception as exc:
            what = (
                "no answer within the time limit"
                if isinstance(exc, asyncio.TimeoutError)
                else f"{type(exc).__name__}: {exc}"
            )
            out.errors.append((f"student {i}, {' > '.join(state)}", what))
            if isinstance(exc, (asyncio.TimeoutError, websockets.ConnectionClosed)):
                raise Abandoned from exc
            continue
        if s.busy > busy:
            out.turned_away += 1
        elif cold:
            out.first = t
        else:
            (out.miss if miss else out.hit).append(t)
        await asyncio.sleep(args.think * think.uniform(0.5, 1.5))


# -- the server's process tree: memory and CPU time ----------------------------------------------


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return out


def _kib(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), summed over the process tree, MiB."""
    pids = _tree(pid)
    return tuple(sum(_kib(p, f) for p in pids) / 1024 for f in ("VmRSS", "VmHWM"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by the process tree."""
    total = 0
    for p in _tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


# -- run and report ------------------------------------------------------------------------------


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def sample_memory(pids: list[int], out: Results) -> None:
    """Every half second: remember the highest resident memory (all replicas together) and which
    pages students were on."""
    while True:
        rss = sum(memory_mib(pid)[0] for pid in pids)
        if rss > out.busiest[0]:
            out.busiest = (rss, Counter(out.on_page.values()))
        await asyncio.sleep(0.5)


async def before_class(url: str, pid: int) -> str:
    """The instructor opens Home before the class (which starts the server's warm-up: every
    lesson's default view and scenes), then waits until the server's CPU is idle."""
    t0, cpu0 = time.perf_counter(), cpu_seconds(pid)
    async with connect(url) as ws:
        await Student(ws, "").rerun("")
    quiet, last = 0, cpu_seconds(pid)
    while quiet < 3 and time.perf_counter() - t0 < WARM_UP_LIMIT_S:
        await asyncio.sleep(1)
        now = cpu_seconds(pid)
        quiet, last = (quiet + 1 if now - last < 0.05 else 0), now
    rss, _ = memory_mib(pid)
    return (
        f"before the class: Home opened once, warm-up until the server was idle: "
        f"{time.perf_counter() - t0:.0f} s, {cpu_seconds(pid) - cpu0:.0f} s of CPU; "
        f"memory then {rss:.0f} MiB"
    )


def start_served(args, tmp: str) -> tuple[subprocess.Popen, dict]:
    """`python -m deploy.serve` on free ports, without its own warm-up (the instructor's visit
    below does it, one replica after the other, so each one's warm-up CPU is measured)."""
    port, first, stats = free_port(), free_port(), free_port()
    while {port, stats} & set(range(first, first + args.replicas)):
        first = free_port()  # the replicas take the ports from `first` on
    status = Path(tmp) / "status.json"
    command = [
        *(sys.executable, "-m", "deploy.serve", "--replicas", str(args.replicas)),
        *("--port", str(port), "--first-port", str(first), "--stats-port", str(stats)),
        *("--status", str(status), "--logs", tmp, "--no-warm-up", "--no-restart"),
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    while not status.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"deploy.serve exited with {proc.returncode}")
        time.sleep(0.5)
    return proc, json.loads(status.read_text())


async def drive(args) -> None:
    """Start the replicas, warm them, let the class in, then report."""
    tmp = tempfile.mkdtemp(prefix="load-class-")
    os.environ["LANDSCAPE_CACHE_DIR"] = str(Path(tmp) / "cache")  # fresh, shared by the replicas
    os.environ["LANDSCAPE_WARM_UP"] = "on" if args.warm_up else "off"
    served, servers = None, []
    if args.haproxy:
        served, status = start_served(args, tmp)
        ports = [r["port"] for r in status["replicas"]]
        pids = [r["pid"] for r in status["replicas"]]
        students = [status["url"].replace("http://", "ws://", 1) + "/_stcore/stream"]
    else:
        for _ in range(args.replicas):  # one at a time: each takes its port before the next
            port = free_port()
            servers.append((port, start_server(port, warm_up=args.warm_up)))
        ports, pids = [p for p, _ in servers], [s.pid for _, s in servers]
    urls = [f"ws://127.0.0.1:{port}/_stcore/stream" for port in ports]
    out = Results()
    try:
        warmed = [
            await before_class(url, pid) if args.warm_up else "no warm-up"
            for url, pid in zip(urls, pids)
        ]
        cpu0, start = sum(map(cpu_seconds, pids)), time.perf_counter()
        sampler = asyncio.create_task(sample_memory(pids, out))
        await asyncio.gather(
            *(
                one_student(i, students if args.haproxy else urls, args, out, start + args.budget)
                for i in range(args.sessions)
            )
        )
        sampler.cancel()
        wall, cpu = time.perf_counter() - start, sum(map(cpu_seconds, pids)) - cpu0
        peaks = [memory_mib(pid)[1] for pid in pids]
        now = sum(memory_mib(pid)[0] for pid in pids)
    finally:
        if served is not None:
            served.send_signal(signal.SIGTERM)
            served.wait(timeout=120)
        for _, s in servers:
            stop_server(s)
    print("\n".join(f"replica {n + 1}, {w}" for n, w in enumerate(warmed)))
    report(args, out, wall, cpu, now, peaks)


def report(args, out: Results, wall: float, cpu: float, now: float, peaks: list[float]) -> None:
    pages = ", ".join(p or "home" for p in args.pages)
    reruns = len(out.hit) + len(out.miss) + (out.first is not None)
    print(
        f"{args.sessions} sessions on {args.replicas} replica(s)"
        f"{' behind HAProxy' if args.haproxy else ''} over [{pages}]: "
        f"{args.scenes} scene clicks and {args.seeds} seed changes per lesson page, "
        f"{args.think:g} s (±50%) between actions; {wall:.0f} s, machine load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"the class's first rerun (left out below; on a cold server it pays the imports): "
        f"{out.first or float('nan'):.2f} s"
    )
    print(f"{'':<12}{'reruns':>8}{'p50 s':>9}{'p95 s':>9}{'max s':>9}")
    for name, values in (("cache hit", out.hit), ("cache miss", out.miss)):
        print(
            f"{name:<12}{len(values):>8}{pct(values, 50):>9.2f}{pct(values, 95):>9.2f}"
            f"{max(values, default=float('nan')):>9.2f}"
        )
    print(
        f'errors: {len(out.errors)}; turned away with "server busy, try again": '
        f"{out.turned_away}; actions left out at the {args.budget:g} s budget: {out.skipped}"
    )
    kinds = Counter(what[:160] for _, what in out.errors)
    for what, n in kinds.most_common():
        where = next(w for w, x in out.errors if x[:160] == what)
        print(f"   {n} × {what} (first: {where})")
    print(
        f"server CPU: {cpu:.0f} s for {reruns} reruns = {cpu / max(reruns, 1):.2f} s per rerun "
        f"(mean); server busy {cpu / wall:.0%} of one core"
    )
    rss, where = out.busiest
    pages = ", ".join(f"{n} on {page}" for page, n in where.most_common())
    print(
        f"server memory: peak {sum(peaks):.0f} MiB in all "
        f"({', '.join(f'{p:.0f}' for p in peaks)} per replica), after the class {now:.0f} MiB; "
        f"highest sample {rss:.0f} MiB, with students {pages}"
    )
    per = Counter(s for s in out.replica_of.values())
    print("students per replica: " + ", ".join(f"{r}: {n}" for r, n in sorted(per.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="server processes; student i uses replica i mod K (sticky sessions)",
    )
    parser.add_argument(
        "--haproxy",
        action="store_true",
        help="serve the replicas with deploy.serve and send every student through HAProxy",
    )
    parser.add_argument("--scenes", type=int, default=2, help="scenes clicked per lesson page")
    parser.add_argument("--seeds", type=int, default=2, help="seed changes per lesson page")
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean seconds a student looks at the page between two actions",
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the students arrive"
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="start the class on a fresh server, without the start-up warm-up "
        "(default: the instructor opens Home first and the server warms "
        "every lesson's default view and scenes before the class arrives)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help=f"seconds after which no new action starts (a rerun already asked "
        f"for may take {RERUN_TIMEOUT_S} s more)",
    )
    parser.add_argument(
        "--pages",
        type=lambda text: [p.strip() for p in text.split(",")],
        default=[p.url for p in PAGES],
        help="page addresses to visit, in order, comma-separated (Home is an "
        "empty address); default: every page of lessons.py",
    )
    asyncio.run(drive(parser.parse_args()))


if __name__ == "__main__":
    main()
