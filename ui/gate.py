"""Taking turns: at most a few heavy computations run at once in one server process.

A server process runs every session's script in one Python interpreter, so it has about one
core however many students ask. When 30 of them ask for 30 different experiments at the same
moment, running all 30 together makes every one of them finish at the end, after a minute;
running them a few at a time gives most students their answer in turn, and caps memory. A cache
hit never waits: `heavy` goes under `st.cache_data`, so only a cache miss takes a turn.
"""
from __future__ import annotations

import functools
import threading
from collections import Counter
from typing import Callable, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    get_script_run_ctx,
    in_cached_function,
)

from core import BudgetError

#: Heavy computations that run at once. Two: one computing while the other's thread waits on
#: the interpreter costs little, and torch releases it inside its kernels.
SLOTS = 2
#: Longest wait for a turn before the student is told to try again (below the minute after
#: which a student gives up on a page).
WAIT_S = 40.0

F = TypeVar("F", bound=Callable)

_slots = threading.BoundedSemaphore(SLOTS)
_held = threading.local()        # how deep this thread is inside heavy calls
_count_lock = threading.Lock()
_waiting = 0
_turns: Counter[str] = Counter()


class BusyError(BudgetError):
    """Every slot stayed busy for WAIT_S: the request is refused, not queued for ever."""


def waiting() -> int:
    """Computations waiting for a turn now."""
    return _waiting


def turns() -> Counter[str]:
    """Heavy computations started since the process began, by function: a run that starts
    none computed nothing new (the warm-up tests count on it)."""
    with _count_lock:
        return Counter(_turns)


def _notice(text: str):
    """An info box drawn from inside a cached function without being recorded for replay
    (see controls.progress); None outside a script run, e.g. in the start-up warm-up."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    token = in_cached_function.set(False)
    try:
        slot = st.empty()
        slot.info(text, icon=":material/hourglass_top:")
        return slot
    finally:
        in_cached_function.reset(token)


def _clear(slot) -> None:
    if slot is not None:
        token = in_cached_function.set(False)
        try:
            slot.empty()
        finally:
            in_cached_function.reset(token)


def _wait_turn() -> None:
    global _waiting
    with _count_lock:
        _waiting += 1
        ahead = _waiting
    slot = _notice(f"The server is busy with other students' experiments; yours starts in "
                   f"turn ({ahead} waiting).")
    try:
        if not _slots.acquire(timeout=WAIT_S):
            raise BusyError(f"The server stayed busy with other students' experiments for "
                            f"{WAIT_S:.0f} s. Try again in a minute, or go back to a scene "
                            "the whole class shares (those are ready at once).")
    finally:
        with _count_lock:
            _waiting -= 1
        _clear(slot)


def heavy(fn: F) -> F:
    """Run fn in one of SLOTS turns. Nested heavy calls in the same thread reuse the turn."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        depth = getattr(_held, "depth", 0)
        if depth == 0:
            if not _slots.acquire(blocking=False):
                _wait_turn()
            with _count_lock:
                _turns[fn.__qualname__] += 1
        _held.depth = depth + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _held.depth = depth
            if depth == 0:
                _slots.release()
    return wrapper  # type: ignore[return-value]
