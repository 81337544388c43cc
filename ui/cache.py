"""One decorator for a lesson's computations: cached per distinct arguments, and on a cache miss
run in turn with other students' (ui.gate), so a hit never waits.

    @computation(max_entries=32)
    def escape_runs(surface: str, eps: float, steps: int) -> escape.Escape: ...

Arguments are plain numbers, strings and tuples (or frozen settings dataclasses), so the cache
key is cheap; results are numpy arrays, DataFrames and core's dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ui import gate

F = TypeVar("F", bound=Callable)


def computation(
    max_entries: int, spinner: str | bool = False, ttl: float | None = None
) -> Callable[[F], F]:
    """`st.cache_data(max_entries=…)` over `gate.heavy`: the shape of every lesson computation.
    `ttl` (seconds) for a result that describes this machine rather than a setting."""

    def wrap(fn: F) -> F:
        cached = st.cache_data(max_entries=max_entries, ttl=ttl, show_spinner=spinner)
        return cached(gate.heavy(fn))

    return wrap
