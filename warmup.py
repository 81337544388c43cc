"""Start-up warm-up: one-time costs of a server process, paid once, off the students' path.

The first `torch.optim` optimiser or `torch.func` transform built in a process imports
`torch._dynamo` (0.8 s on a quiet machine here, 2-3 s under load). app.py calls `warm()` after
each page run; the first call starts one background thread per server process that pays these
costs, and then runs the hooks that lessons add: functions that compute a page's default scene
through the page's own cached functions, so the class's first visit to each lesson is a cache hit.
Started after the page, not before, so that it never competes with the page that triggered it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import streamlit as st

_LOG = logging.getLogger(__name__)


def _torch() -> None:
    """Import what the first optimiser and the first Hessian would import. Only reverse mode:
    torch.func's forward mode (jacfwd, hessian) keeps global state that is not thread-safe."""
    import torch
    from torch.func import jacrev, vmap

    w = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    torch.optim.SGD([w], lr=0.1)
    vmap(jacrev(jacrev(lambda v: (v ** 3).sum())))(w.detach())


#: Run in order, in one background thread. A lesson appends a function that computes its default
#: scene (plain arguments into the page's cached functions; no widgets, no st.* output).
HOOKS: list[Callable[[], object]] = [_torch]


def _run(hooks: tuple[Callable[[], object], ...]) -> None:
    for hook in hooks:
        try:
            hook()
        except Exception:  # a failed warm-up only costs time: the page computes it when asked
            _LOG.exception("warm-up %s failed", getattr(hook, "__qualname__", hook))


@st.cache_resource(max_entries=1, show_spinner=False)
def warm() -> threading.Thread:
    """Start the warm-up thread; cached, so it starts once per server process."""
    thread = threading.Thread(target=_run, args=(tuple(HOOKS),), name="landscape-warm-up",
                              daemon=True)
    thread.start()
    return thread
