"""The host's shared result folder (ui/shared_cache.py): one computation per entry across
processes, the cache key, the bound on disk, the code version, and damaged files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import shared_cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(tmp_path))
    return tmp_path


def _counting(log: Path):
    @shared_cache.shared
    def square(x: int, _progress=None) -> int:
        with log.open("a") as f:
            f.write(f"{x}\n")
        return x * x

    return square


def _calls(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_a_result_is_computed_once_and_then_read(folder, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "calls"
    square = _counting(log)
    assert square(3) == 9 and square(3) == 9
    assert square(3, _progress=object()) == 9  # "_" arguments are not part of the key
    assert square(4) == 16
    assert _calls(log) == ["3", "4"]
    assert len(list((folder / shared_cache.version()).glob("*.pkl"))) == 2


def test_off_keeps_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", "off")
    log = tmp_path / "calls"
    square = _counting(log)
    assert square(2) == square(2) == 4
    assert _calls(log) == ["2", "2"]


#: A process that computes a slow square through the shared folder, noting each computation.
SLOW = """
import sys, time
from ui import shared_cache

@shared_cache.shared
def slow(x: int) -> int:
    with open(sys.argv[1], "a") as f:
        f.write("computed\\n")
    time.sleep(1.0)
    return x * x

print(slow(7))
"""


def test_processes_asking_at_once_compute_it_once(folder, tmp_path_factory):
    """Two replicas warming up together: the second waits for the first one's file."""
    log = tmp_path_factory.mktemp("log") / "calls"
    env = {**os.environ, "LANDSCAPE_CACHE_DIR": str(folder)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SLOW, str(log)],
            cwd=shared_cache.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in "ab"
    ]
    assert [p.communicate(timeout=120)[0].strip() for p in procs] == ["49", "49"]
    assert _calls(log) == ["computed"]


def test_the_least_recently_read_entries_go_first(tmp_path):
    for i, name in enumerate("abcd"):
        path = tmp_path / f"{name}.pkl"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1000 + i, 1000 + i))
    os.utime(tmp_path / "a.pkl", (2000, 2000))  # read most recently
    shared_cache.evict(tmp_path, limit=2500)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pkl", "d.pkl"]


def test_a_new_code_version_starts_a_fresh_folder(folder, monkeypatch):
    stale = folder / "0123456789abcdef"
    stale.mkdir()
    (stale / "old.pkl").write_bytes(b"old")
    here = shared_cache.folder()
    assert here == folder / shared_cache.version() and here.is_dir()
    assert not stale.exists()


def test_a_damaged_file_is_computed_again(folder, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "calls"
    square = _counting(log)
    square(5)
    (entry,) = (folder / shared_cache.version()).glob("*.pkl")
    entry.write_bytes(b"not a pickle")
    assert square(5) == 25
    assert _calls(log) == ["5", "5"]


def test_a_folder_that_cannot_be_made_only_costs_the_sharing(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LANDSCAPE_CACHE_DIR", str(blocker / "cache"))
    log = tmp_path / "calls"
    square = _counting(log)
    assert square(6) == square(6) == 36
    assert _calls(log) == ["6", "6"]
