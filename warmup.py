"""Start-up warm-up: one-time costs of a server process, paid once, off the students' path.

app.py calls `warm()` after each page run; the first call starts one background thread per
server process. It imports what the first `torch.optim` optimiser or `torch.func` transform
imports (`torch._dynamo`: 0.8 s on a quiet machine here, 2-3 s under load), then runs each
lesson's `warm()` (lessons/<lesson>/compute.py): its default view and every lesson scene, computed
through the same cached functions the page calls, so the class's first visit to each lesson and
each scene the instructor steps through are cache hits (about a minute of CPU in all).
Started after the page, not before, so that it never competes with the page that triggered it.
LANDSCAPE_WARM_UP=off in the environment keeps only the torch part (the browser tests' server).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

import streamlit as st

from lessons import LESSONS
from ui import gate

_LOG = logging.getLogger(__name__)


def _torch() -> None:
    """Import what the first optimiser and the first Hessian would import. Only reverse mode:
    torch.func's forward mode (jacfwd, hessian) keeps global state that is not thread-safe."""
    import torch
    from torch.func import jacrev, vmap

    w = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    torch.optim.SGD([w], lr=0.1)
    vmap(jacrev(jacrev(lambda v: (v**3).sum())))(w.detach())


#: Run in order, in one background thread.
HOOKS: list[Callable[[], object]] = [_torch, *(lesson.compute().warm for lesson in LESSONS)]


def _run(hooks: tuple[Callable[[], object], ...]) -> None:
    gate.in_background()
    for hook in hooks:
        if gate.stopping():
            return
        try:
            hook()
        except gate.Stopping:
            return
        except Exception:  # a failed warm-up only costs time: the page computes it when asked
            _LOG.exception("warm-up %s failed", getattr(hook, "__qualname__", hook))


@st.cache_resource(max_entries=1, show_spinner=False)
def warm() -> threading.Thread:
    """Start the warm-up thread; cached, so it starts once per server process. Not a daemon
    (which it would be by default, started from a script run's daemon thread):
    when the server stops, Python waits for it, and it stops before its next computation."""
    hooks = HOOKS if os.environ.get("LANDSCAPE_WARM_UP") != "off" else [_torch]
    thread = threading.Thread(
        target=_run, args=(tuple(hooks),), name="landscape-warm-up", daemon=False
    )
    thread.start()
    return thread
