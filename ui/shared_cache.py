"""A cache on disk that every server process on one host shares, under the in-memory cache.

Replicas of the app on one host would otherwise each compute the same lesson scenes (the
warm-up) and the same popular settings. Here a result computed by one replica is a file the
others read, and a restarted replica comes back warm without computing anything.

Streamlit's own `st.cache_data(persist="disk")` is not used: it has no bound on the disk (only
`max_entries` in memory), ignores `ttl`, and two processes asking at once both compute. This
cache is bounded (least recently read files go first), keyed by the code's version (a change
of the code starts a fresh folder and removes the old ones), written atomically (a reader never
sees half a file), and a process that finds another computing the same entry waits for it.

LANDSCAPE_CACHE_DIR names the folder (default `data/cache`, which git ignores; "off" turns the
disk cache off); LANDSCAPE_CACHE_MB bounds it (default 1024). Files are pickles written only by
this app: the folder must not be writable by anyone else.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import inspect
import logging
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

F = TypeVar("F", bound=Callable)

ROOT = Path(__file__).resolve().parents[1]
#: The packages whose code decides a result: a change in any of them is a new version.
CODE = ("core", "lessons", "ui", "rooms")
DEFAULT_MB = 1024
#: Longest a process waits for another computing the same entry before computing it itself
#: (two replicas can then never wait on each other for ever).
WAIT_S = 60.0
SUFFIX = ".pkl"
#: Entries share this many lock files (by their name), so locks never pile up on disk.
LOCKS = 256

_LOG = logging.getLogger(__name__)


@functools.cache
def version() -> str:
    """A hash of the source of every package a result depends on, as this process loaded it
    (taken at import: a file edited later is not the code this process runs)."""
    h = hashlib.sha256()
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def folder() -> Path | None:
    """This code version's folder, made on first use; None when the disk cache is off. Folders
    of other versions are removed: their results belong to code that is gone."""
    base = os.environ.get("LANDSCAPE_CACHE_DIR", str(ROOT / "data" / "cache"))
    if base.lower() == "off":
        return None
    here = Path(base) / version()
    try:
        here.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only host: every process computes on its own, as without it
        _LOG.warning("no shared cache: cannot write %s", here)
        return None
    _drop_other_versions(here)
    return here


@functools.cache
def _drop_other_versions(here: Path) -> None:
    for other in here.parent.iterdir():
        if other.is_dir() and other != here:
            shutil.rmtree(other, ignore_errors=True)


def limit_bytes() -> int:
    return int(float(os.environ.get("LANDSCAPE_CACHE_MB", DEFAULT_MB)) * 2**20)


def key(fn: Callable, args: tuple, kwargs: dict) -> str:
    """The entry's name: the function and its arguments, as st.cache_data keys them
    (parameters whose name starts with "_" are left out: progress bars and the like)."""
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    kept = sorted((k, v) for k, v in bound.arguments.items() if not k.startswith("_"))
    text = repr((fn.__module__, fn.__qualname__, kept))
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path) -> tuple[bool, object]:
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except FileNotFoundError:
        return False, None
    except Exception:  # a file from a crash or a full disk: drop it and compute again
        _LOG.warning("dropping unreadable cache file %s", path.name)
        path.unlink(missing_ok=True)
        return False, None
    with contextlib.suppress(OSError):
        os.utime(path)  # read now: the last to be evicted
    return True, value


def _write(path: Path, value: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    evict(path.parent, limit_bytes())


def evict(here: Path, limit: int) -> None:
    """Remove the least recently read entries until the folder holds at most `limit` bytes."""
    entries = []
    for e in os.scandir(here):
        if e.name.endswith(SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                st = e.stat()
                entries.append((st.st_mtime, st.st_size, e.path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            total -= size


_held = threading.local()  # the lock files this thread holds (a nested computation may share one)


@contextlib.contextmanager
def _turn(lock: Path) -> Iterator[None]:
    """Hold the entry's lock while computing it, so that other processes wait and read the
    result; after WAIT_S without the lock, go on without it."""
    held = _held.__dict__.setdefault("locks", set())
    if lock in held:
        yield
        return
    with lock.open("a") as f:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield
                    return
                time.sleep(0.05)
        held.add(lock)
        try:
            yield
        finally:
            held.discard(lock)
            fcntl.flock(f, fcntl.LOCK_UN)


def shared(fn: F) -> F:
    """Read fn's result from the host's shared folder, or compute it there once."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        here = folder()
        if here is None:
            return fn(*args, **kwargs)
        name = key(fn, args, kwargs)
        path = here / f"{name}{SUFFIX}"
        found, value = _read(path)
        if found:
            return value
        with _turn(here / f"{int(name[:8], 16) % LOCKS}.lock"):
            found, value = _read(path)  # another process may have computed it meanwhile
            if found:
                return value
            value = fn(*args, **kwargs)
            try:
                _write(path, value)
            except OSError:  # a full disk costs the next process a computation, nothing more
                _LOG.warning("could not keep %s in the shared cache", fn.__qualname__)
        return value

    return wrapper  # type: ignore[return-value]


version()  # now, at import: the code this process runs
