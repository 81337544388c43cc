"""A class room on every page: start or join one from the sidebar, follow the instructor's
scene, add my run to the class's pooled experiment and watch the class view, and answer the
page's prediction as a class poll. The data lives in rooms/ (a SQL database).

Who is who is in the address bar (`room`, `seat`, `teach`), so a reload, a reconnect to another
replica and the page's own link keep it; what the room knows is in the database, none of it in
a server's memory. Only the instructor's own link carries `teach` (their key); the join link
and the QR code on screen carry the room alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import segno
import sqlalchemy as sa
import streamlit as st

from rooms import charts, pooled
from rooms.store import Room, RoomError, Run, Store, is_seat, new_seat, normal_code
from ui import controls
from ui.cached_charts import draw

ROOM, SEAT, TEACH = "room", "seat", "teach"  # URL keys
ENV_URL = "LANDSCAPE_ROOMS_URL"  # a SQLAlchemy URL that overrides secrets and the SQLite file
DATA = Path(__file__).resolve().parents[1] / "data"  # git ignores it
FOLLOW_EVERY_S = 3  # how often a follower asks for the instructor's scene
VIEW_EVERY_S = 3  # how often the class view asks for new runs
RUNS_FRESH_S = 1.5  # how old the runs a class view shows may be (ui.room.recent_runs)

_MEMBER = "_room_member"
_PROBLEM = "_room_problem"
_FOLLOW = "_room_follow"  # whether a student follows (kept apart from the toggle's own
_FOLLOW_TOGGLE = "_room_follow_toggle"  # state, which a page change would drop)
_SEEN = "_room_seen_scene"
_PAGE = "_room_page"
_TYPED = "_room_code_typed"
UNAVAILABLE = (
    "The class room's database is not answering right now; the lesson itself works as "
    "before. Try the class again in a moment."
)


class Member(NamedTuple):
    """This browser's place in a room: the room, its seat, and the instructor key ("" for a
    student)."""

    code: str
    seat: str
    key: str = ""

    @property
    def teaches(self) -> bool:
        return bool(self.key)


# -- the database -----------------------------------------------------------------------------


def _configured_in_secrets() -> bool:
    try:
        return "rooms" in st.secrets.get("connections", {})
    except Exception:  # no secrets file at all (st.secrets raises on first use)
        return False


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The rooms' store over `st.connection("rooms", type="sql")`: the URL in the environment
    (LANDSCAPE_ROOMS_URL), else the one in .streamlit/secrets.toml ([connections.rooms]), else a
    SQLite file under data/ that every replica on this host shares."""
    url = os.environ.get(ENV_URL)
    if not url and not _configured_in_secrets():
        DATA.mkdir(exist_ok=True)
        url = f"sqlite:///{DATA / 'rooms.db'}"
    conn = st.connection("rooms", type="sql", url=url) if url else st.connection("rooms", "sql")
    s = Store(conn.engine)
    s.create_schema()
    return s


def _ask(fn: Callable, *args):
    """Call the store; a RoomError or a database failure becomes the sidebar's message and
    None, so a room problem never breaks the lesson."""
    try:
        return fn(*args)
    except RoomError as exc:
        st.session_state[_PROBLEM] = str(exc)
    except sa.exc.SQLAlchemyError:
        st.session_state[_PROBLEM] = UNAVAILABLE
    return None


# -- who is who, kept in the address bar ------------------------------------------------------


def member() -> Member | None:
    return st.session_state.get(_MEMBER)


def teaching() -> bool:
    """Whether this browser is a class room's instructor."""
    m = member()
    return m is not None and m.teaches


def _forget() -> None:
    st.session_state[_MEMBER] = None
    for k in (ROOM, SEAT, TEACH):
        st.query_params.pop(k, None)


def keep_in_link(page_file: str) -> None:
    """Read a room link (join link, own link after a reload) into the session and write the
    session's room back into the address bar, which a page change empties. Called by every
    page before its controls; `page_file` is the page being shown (what followers switch to)."""
    st.session_state[_PAGE] = page_file
    q, m = st.query_params, member()
    if ROOM in q and (m is None or q[ROOM] != m.code):
        try:
            code = normal_code(q[ROOM])
        except RoomError as exc:
            st.session_state[_PROBLEM] = str(exc)
            _forget()
            return
        seat = q.get(SEAT, "")
        key = q.get(TEACH, "")
        if _ask(store().room, code) is None:
            _forget()
            return
        if key and not _ask(store().is_instructor, code, key):
            st.session_state[_PROBLEM] = "This link's instructor key is not this class's."
            key = ""
        m = st.session_state[_MEMBER] = Member(code, seat if is_seat(seat) else new_seat(), key)
        if not key:  # a student follows the instructor from the start, and may stop
            st.session_state[_FOLLOW] = True
            st.session_state[_SEEN] = -1
    if m is not None:
        q[ROOM], q[SEAT] = m.code, m.seat
        if m.key:
            q[TEACH] = m.key
        else:
            q.pop(TEACH, None)


def _start() -> None:
    opened = _ask(store().open_room)
    if opened:
        code, key = opened
        st.session_state[_MEMBER] = Member(code, new_seat(), key)


def _join() -> None:
    try:
        code = normal_code(st.session_state.get(_TYPED, ""))
    except RoomError as exc:
        st.session_state[_PROBLEM] = str(exc)
        return
    if _ask(store().room, code) is not None:
        st.session_state[_MEMBER] = Member(code, new_seat())
        st.session_state[_FOLLOW] = True
        st.session_state[_SEEN] = -1  # take the instructor's current scene at once
    st.session_state[_TYPED] = ""


def _close() -> None:
    m = member()
    if m is not None and _ask(store().close_room, m.code, m.key) is None:
        if not st.session_state.get(_PROBLEM):
            _forget()


def join_link(code: str) -> str:
    """The address students open: this app's root with the room and nothing else."""
    url = urlsplit(st.context.url or "http://localhost:8501/")
    return f"{url.scheme}://{url.netloc}/?{urlencode({ROOM: code})}"


def pretty(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def _export_csv(m: Member) -> str:
    exported = _ask(store().export, m.code, m.key)
    if not exported:
        return "nothing to export\n"
    out = io.StringIO()
    for name, rows in zip(("runs", "guesses"), exported):
        out.write(f"# {name}\n")
        if rows:
            fields = sorted({k for row in rows for k in row})
            writer = csv.DictWriter(out, fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return out.getvalue()


# -- the sidebar ------------------------------------------------------------------------------


def _still_open(m: Member | None) -> tuple[Member | None, Room | None]:
    """The member and their room, unless it was closed or has expired since (then they leave
    it, with the store's message); a database hiccup keeps the seat."""
    if m is None:
        return None, None
    room = _ask(store().room, m.code)
    if room is None and st.session_state.get(_PROBLEM) != UNAVAILABLE:
        _forget()
        return None, None
    return m, room


def _toggle_follow() -> None:
    st.session_state[_FOLLOW] = st.session_state[_FOLLOW_TOGGLE]
    st.session_state[_SEEN] = -1  # following again: take the instructor's current scene


def panel() -> None:
    """The sidebar's class-room box: start or join, or (in a room) its code, the join link and
    QR code for the instructor, follow and leave for a student."""
    m, room = _still_open(member())
    with st.sidebar.expander("Class room", icon=":material/groups:", expanded=m is not None):
        problem = st.session_state.pop(_PROBLEM, None)
        if problem:
            st.warning(problem, icon=":material/error:")
        if m is None:
            st.caption("Pool the class's runs into one experiment, or follow the instructor.")
            st.button("Start a class", icon=":material/co_present:", on_click=_start)
            st.text_input("Class code", key=_TYPED, max_chars=16, placeholder="ABCD-EFGH")
            st.button("Join", on_click=_join)
            return
        if m.teaches:
            st.markdown(f"You teach class **{pretty(m.code)}**. Students join with:")
            link = join_link(m.code)
            st.code(link, language=None, wrap_lines=True)
            st.image(qr_png(link), caption="or by scanning this", width=180)
            st.caption("Your own link (in the address bar) holds your instructor key: keep it.")
            st.download_button(
                "Runs and guesses (CSV)",
                data=partial(_export_csv, m),
                file_name=f"class-{m.code}.csv",
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
            )
            st.button("Close the class", on_click=_close, icon=":material/close:")
        else:
            st.markdown(f"You are in class **{pretty(m.code)}**.")
            if room is not None and room.scene_name and st.session_state.get(_FOLLOW):
                st.caption(f":material/co_present: Following: {room.scene_name}")
            st.toggle(
                "Follow the instructor",
                value=bool(st.session_state.get(_FOLLOW)),
                key=_FOLLOW_TOGGLE,
                on_change=_toggle_follow,
                help="Your page shows the scene your instructor chooses, a few seconds after "
                "they choose it. Turn it off to try your own settings.",
            )
            st.button("Leave the class", on_click=_forget, icon=":material/logout:")
    if m is not None and not m.teaches:
        with st.sidebar:
            _follow()


@st.fragment(run_every=FOLLOW_EVERY_S)
def _follow() -> None:
    """A follower's check for the instructor's newest scene: set its controls, open its page."""
    m = member()
    if m is None or m.teaches or not st.session_state.get(_FOLLOW):
        return
    try:
        room = store().room(m.code)
    except RoomError as exc:
        st.session_state[_PROBLEM] = str(exc)
        _forget()
        st.rerun()
    except sa.exc.SQLAlchemyError:
        return  # the next check may get through
    if room.scene_version <= st.session_state.get(_SEEN, 0) or not room.scene_name:
        return
    st.session_state[_SEEN] = room.scene_version
    controls.set_values(room.scene_values)
    if room.scene_page and room.scene_page != st.session_state.get(_PAGE):
        st.switch_page(room.scene_page)
    st.rerun()


def publish_scene(name: str, values: Mapping[str, object]) -> None:
    """The instructor chose a lesson scene: store it in the room for the followers."""
    m = member()
    if m is not None and m.teaches:
        page = st.session_state.get(_PAGE, "")
        _ask(store().set_scene, m.code, m.key, page, name, dict(values))


# -- the class's pooled experiment --------------------------------------------------------------


def seed_of(seat: str) -> int:
    """A student's own seed in the class's experiments, from their seat: a different restart
    for each student, the same one after a reload."""
    return int(hashlib.sha256(seat.encode()).hexdigest()[:8], 16) % 1_000_000


def experiment(
    name: str,
    title: str,
    settings: Mapping[str, object],
    run: Callable[[int], Mapping[str, object]],
    success: str,
    points: Callable[[Sequence[Run]], None] | None = None,
) -> None:
    """In a room: a button that adds this student's run to the class's experiment `name` (runs
    pool only with runs of the same name: give the settings that must match), and the class
    view of every run so far.

    `run(seed)` computes the outcome on the server from the student's own seed: at least `loss`
    (None when the run diverged), and `success` (a bool) when the experiment has one; `success`
    names it in words ("reached the global minimum"). `points(runs)`, when given, draws the
    runs on the lesson's own chart (the restarts' basin map) under the class view's charts."""
    m = member()
    if m is None:
        return
    seed = seed_of(m.seat)
    with st.container(border=True):
        st.markdown(f":material/groups: **The class's experiment: {title}**")
        st.caption(f"Your run starts from your own seed, {seed}.")
        if st.button("Add my run to the class", key=f"_room_submit_{name}", type="primary"):
            with st.spinner("Running your restart…"):
                outcome = run(seed)
            chosen = {**settings, "seed": seed}
            _ask(store().submit, m.code, m.seat, name, chosen, dict(outcome))
            problem = st.session_state.pop(_PROBLEM, None)
            if problem:
                st.warning(problem, icon=":material/error:")
            else:
                recent_runs.clear(m.code, name)  # the student sees their own run at once
                st.toast("Your run is in the class's experiment.", icon=":material/check:")
        class_view(name, success, points)


@st.cache_data(ttl=RUNS_FRESH_S, max_entries=256, show_spinner=False)
def recent_runs(code: str, name: str) -> list[Run]:
    """The experiment's runs as the database had them at most RUNS_FRESH_S ago: every page in
    the room refreshes its class view every few seconds, and within that moment they all share
    one query and, the runs being the same, the same finished charts."""
    return store().runs(code, name)


@st.fragment(run_every=VIEW_EVERY_S)
def class_view(
    name: str, success: str, points: Callable[[Sequence[Run]], None] | None = None
) -> None:
    """Every run the class added to experiment `name`: how many, the spread of their losses,
    the class's best-of-k against 1 − (1 − p)ᵏ, and the lesson's own chart of them (`points`)."""
    m = member()
    runs = None if m is None else _ask(recent_runs, m.code, name)
    st.session_state.pop(_PROBLEM, None)
    if not runs:
        st.caption("No run in yet: each student adds their own (their own seed).")
        return
    summary = summarise(runs)
    st.markdown(class_sentence(summary, success))
    left, right = st.columns(2)
    if summary.losses:
        draw(left, charts.loss_histogram, summary.losses)
    if summary.successes is not None:
        draw(right, charts.best_of_k_chart, pooled.best_of_k(list(summary.successes)))
    if points is not None:
        points(runs)


class Summary(NamedTuple):
    runs: int
    losses: tuple[float, ...]  # of the runs that did not diverge
    successes: tuple[bool, ...] | None  # None when the experiment has no success
    seeds: int  # distinct seeds among the runs


def _loss(run: Run) -> float | None:
    value = run.outcome.get("loss")
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def summarise(runs: Sequence[Run]) -> Summary:
    losses = tuple(v for v in map(_loss, runs) if v is not None)
    flags = [r.outcome.get("success") for r in runs]
    successes = tuple(bool(f) for f in flags) if all(f is not None for f in flags) else None
    seeds = len({r.settings.get("seed") for r in runs})
    return Summary(len(runs), losses, successes, seeds)


def class_sentence(s: Summary, success: str) -> str:
    n = s.runs
    runs = f"{n} run{'s' if n != 1 else ''} from {s.seeds} seed{'s' if s.seeds != 1 else ''}"
    diverged = n - len(s.losses)
    lowest = f"lowest final loss {min(s.losses):.4g}" if s.losses else "no finite final loss"
    tail = f"; {diverged} diverged" if diverged else ""
    if s.successes is None:
        return f"**{runs}** so far; {lowest}{tail}."
    k = sum(s.successes)
    return f"**{runs}** so far: {k} of them {success} (p = {k / n:.2f}); {lowest}{tail}."


# -- the prediction as a class poll -----------------------------------------------------------


def record_guess(question: str, option: str | None) -> None:
    """Keep a student's committed guess; `question` names it (the page's prefix)."""
    m = member()
    if m is not None and option is not None:
        _ask(store().guess, m.code, m.seat, question, option)


def _reveal(question: str) -> None:
    m = member()
    if m is not None:
        _ask(store().reveal, m.code, m.key, question)


def revealed(question: str) -> bool:
    """Whether the answer to the page's question, and the chart that gives it away, may be
    shown: always outside a room; in a room once the instructor has revealed it."""
    m = member()
    return m is None or bool(_ask(store().revealed, m.code, question))


@st.fragment(run_every=VIEW_EVERY_S)
def until_revealed(question: str) -> None:
    """In place of the chart that answers the class's question: a note, and a check every few
    seconds that redraws the page once the instructor has revealed the answer."""
    if revealed(question):
        st.rerun()
    st.info(
        "This part answers the class's question: it appears for everyone when the instructor "
        "reveals the answer.",
        icon=":material/visibility_off:",
    )


def poll(question: str, options: Sequence[str], answer: str) -> bool:
    """In a room, after this browser's guess: the class's tally for the instructor (with a
    Reveal button; the projector shows the instructor's screen, so not the answer yet), and for
    everyone once revealed. Returns whether the answer may be shown."""
    m = member()
    if m is None:
        return True
    revealed = _ask(store().revealed, m.code, question)
    counts = _ask(store().tally, m.code, question) or {}
    if m.teaches or revealed:
        total = sum(counts.values())
        st.caption(f"The class's guesses ({total} so far):")
        draw(
            st,
            charts.tally_chart,
            tuple(sorted(counts.items())),
            tuple(options),
            answer if revealed else None,
        )
    if revealed:
        return True
    if m.teaches:
        st.button("Reveal the answer to the class", on_click=_reveal, args=(question,))
        return False
    st.info(
        "Your guess is in. The answer comes when your instructor reveals it.",
        icon=":material/hourglass_top:",
    )
    return False
