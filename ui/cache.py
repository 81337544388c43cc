"""One decorator for a lesson's computations: cached per distinct arguments, in memory and in the
folder every server process on the host shares (ui.shared_cache), and on a miss in both run in
turn with other students' (ui.gate), so a hit never waits.

    @computation(max_entries=32)
    def escape_runs(surface: str, eps: float, steps: int) -> escape.Escape: ...

Arguments are plain numbers, strings and tuples (or frozen settings dataclasses), so the cache
key is cheap; results are numpy arrays, DataFrames and core's dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ui import gate, shared_cache

F = TypeVar("F", bound=Callable)


def computation(
    max_entries: int, spinner: str | bool = False, ttl: float | None = None
) -> Callable[[F], F]:
    """`st.cache_data(max_entries=…)` over the shared folder over `gate.heavy`: the shape of
    every lesson computation. `ttl` (seconds) for a result that describes this moment's machine
    rather than a setting: kept in memory only, so that it does expire."""

    def wrap(fn: F) -> F:
        cached = st.cache_data(max_entries=max_entries, ttl=ttl, show_spinner=spinner)
        turns = gate.heavy(fn)
        return cached(turns if ttl is not None else shared_cache.shared(turns))

    return wrap
