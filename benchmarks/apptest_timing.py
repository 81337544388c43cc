"""Page timing shared by the page benchmarks, in AppTest (no browser drawing): a page's cold first
run, reruns with every section cached (hits), and one changed setting per section (that section
misses, the rest hit). AppTest reruns the whole script, so a section's miss also pays for the
other sections' hits: an upper bound on what a student waits for.

Importing it puts the repository root on sys.path, for the benchmarks' and the pages' imports.
"""

import statistics
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest


class Change(NamedTuple):
    """A setting whose change makes one section recompute: the widget kind and key, values to
    cycle through (each repeat takes the next, so every miss really recomputes), and the value
    to put back after each timed run (untimed), if any."""

    kind: str
    key: str
    values: tuple
    restore: object = None


def clock(fn) -> float:
    """Wall seconds of one call of fn()."""
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def open_page(name: str, timeout: float = 300) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=timeout)


def timed(at: AppTest) -> float:
    """Seconds of one script run; a run that raised is no timing."""
    seconds = clock(at.run)
    assert not at.exception, [e.message for e in at.exception]
    return seconds


def median(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s  {[round(t, 2) for t in times]}"


def hits_and_misses(at: AppTest, sections: dict[str, Change], repeats: int) -> None:
    """Print the rerun with every section cached, then each section's miss (medians)."""
    print(f"rerun, all cached (hit): {median([timed(at) for _ in range(repeats)])}")
    for name, change in sections.items():
        runs = []
        for i in range(repeats):
            widget = getattr(at, change.kind)(key=change.key)
            widget.set_value(change.values[i % len(change.values)])
            runs.append(timed(at))
            if change.restore is not None:
                getattr(at, change.kind)(key=change.key).set_value(change.restore)
                timed(at)
        print(f"{name}: miss {median(runs)}")
