"""Taking turns: at most a few heavy computations run at once in one server process.

A server process runs every session's script in one Python interpreter, so it has about one
core however many students ask. When 30 of them ask for 30 different experiments at the same
moment, running all 30 together makes every one of them finish at the end, after a minute;
running them a few at a time gives most students their answer in turn, and caps memory. A cache
hit never waits: `heavy` goes under `st.cache_data`, so only a cache miss takes a turn.

A page's rerun may need several heavy calls in a row (train, then slice, then the Hessian). So
that it is not sent to the back of the queue after each one, a thread that had a turn moments
ago goes ahead of new requests, and its waits add up against one budget (WAIT_S): a request is
answered in turn or refused with a message, never left hanging.
"""

from __future__ import annotations

import atexit
import functools
import heapq
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core import BudgetError
from ui.streamlit_internals import drawing_outside_cache, in_script_run

#: Heavy computations that run at once. Two: one computing while the other's thread waits on
#: the interpreter costs little, and torch releases it inside its kernels.
SLOTS = 2
#: Longest a request waits for its turns, all together, before the student is told to try again
#: (below the minute after which a student gives up on a page).
WAIT_S = 40.0
#: A thread that had a turn, or was refused, this recently is still answering the same request.
SAME_REQUEST_S = 5.0
#: Longest an exiting process waits for the computations in progress.
DRAIN_S = 30.0

F = TypeVar("F", bound=Callable)

_cond = threading.Condition()
_free = SLOTS
_queue: list[tuple[int, int]] = []  # heap of (priority, ticket): 0 continuing a request,
#                                     1 a new request, 2 background work
_tickets = itertools.count()
_held = threading.local()  # depth inside heavy calls; last turn or refusal; wait budget left
_turns: Counter[str] = Counter()


class BusyError(BudgetError):
    """The request's turns did not come within WAIT_S: refused, not queued for ever."""


class Stopping(Exception):
    """The server is shutting down: no computation starts any more. A process that exits
    while a thread is inside PyTorch aborts (SIGABRT) instead of exiting."""


def stopping() -> bool:
    """Whether the process is exiting: its main thread (the server's) has finished."""
    return not threading.main_thread().is_alive()


def _drain() -> None:
    """At exit, before Python's finalisation: wait for the computations in progress (script
    runs are daemon threads, which Python does not wait for)."""
    with _cond:
        _cond.wait_for(lambda: _free == SLOTS, timeout=DRAIN_S)


atexit.register(_drain)


def waiting() -> int:
    """Computations waiting for a turn now."""
    with _cond:
        return len(_queue)


def turns() -> Counter[str]:
    """Heavy computations started since the process began, by function: a run that starts
    none computed nothing new (the warm-up tests count on it)."""
    with _cond:
        return Counter(_turns)


def _notice(text: str):
    """An info box drawn from inside a cached function without being recorded for replay
    (see controls.progress); None outside a script run, e.g. in the start-up warm-up."""
    if not in_script_run():
        return None
    with drawing_outside_cache():
        slot = st.empty()
        slot.info(text, icon=":material/hourglass_top:")
        return slot


def _clear(slot) -> None:
    if slot is not None:
        with drawing_outside_cache():
            slot.empty()


def in_background() -> None:
    """Mark this thread as background work (the start-up warm-up): it goes after every
    student's request and waits as long as it takes."""
    _held.background = True


def _budget(now: float) -> tuple[int, float]:
    """This thread's priority and wait budget: a request it is still answering keeps both."""
    if getattr(_held, "background", False):
        return 2, float("inf")
    if now - getattr(_held, "last", -1e9) < SAME_REQUEST_S:
        return 0, _held.budget
    _held.budget = WAIT_S
    return 1, WAIT_S


def _take(priority: int, timeout: float) -> bool:
    """Wait (at most timeout) until a slot is free and this ticket is first in line."""
    global _free
    me = (priority, next(_tickets))
    with _cond:
        heapq.heappush(_queue, me)
        try:
            if not _cond.wait_for(
                lambda: _free > 0 and _queue[0] == me,
                None if timeout == float("inf") else max(timeout, 0.0),
            ):
                return False
            _free -= 1
            return True
        finally:
            _queue.remove(me)
            heapq.heapify(_queue)
            _cond.notify_all()


def _give_back() -> None:
    global _free
    with _cond:
        _free += 1
        _cond.notify_all()


def _turn() -> None:
    """Take a slot for this thread, telling the student while they wait; BusyError when the
    request's wait budget runs out."""
    start = time.monotonic()
    priority, budget = _budget(start)
    if _take(priority, 0.0):
        return
    slot = _notice(
        f"The server is busy with other students' experiments; yours starts in "
        f"turn ({waiting() + 1} waiting)."
    )
    try:
        got = budget > 0 and _take(priority, budget)
    finally:
        _held.budget = budget - (time.monotonic() - start)
        _held.last = time.monotonic()
    try:  # Streamlit may stop the script here (the student clicked again): return the slot
        _clear(slot)
    except BaseException:
        if got:
            _give_back()
        raise
    if not got:
        raise BusyError(
            f"The server stayed busy with other students' experiments for "
            f"{WAIT_S:.0f} s. Try again in a minute, or go back to a scene the whole "
            "class shares (those are ready at once)."
        )


def heavy(fn: F) -> F:
    """Run fn in one of SLOTS turns. Nested heavy calls in the same thread reuse the turn."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if stopping():
            raise Stopping(fn.__qualname__)
        depth = getattr(_held, "depth", 0)
        if depth == 0:
            _turn()
            if stopping():  # the turn came while the process was exiting
                _give_back()
                raise Stopping(fn.__qualname__)
            with _cond:
                _turns[fn.__qualname__] += 1
        _held.depth = depth + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _held.depth = depth
            if depth == 0:
                _held.last = time.monotonic()
                _give_back()

    return wrapper  # type: ignore[return-value]
