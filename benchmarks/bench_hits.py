"""A cache-hit rerun of every lesson page, in AppTest: what each click costs the server when
nothing new has to be computed (the common case in a class following the same scenes).

Prints, per page, the median wall time and process CPU time of 7 reruns after two warm-up runs.
Compare commits by running it in a checkout of each (`git worktree add /tmp/old <commit>`).
"""

import statistics
import sys
import time

from apptest_timing import open_page

from lessons import LESSONS

REPEATS = 7


def hit_times(name: str) -> tuple[float, float]:
    at = open_page(name)
    for _ in range(2):  # the first run computes, the second fills the chart caches
        at.run()
    wall, cpu = [], []
    for _ in range(REPEATS):
        w, c = time.perf_counter(), time.process_time()
        at.run()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        assert not at.exception, [e.message for e in at.exception]
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    names = sys.argv[1:] or [e.file.rsplit("/", 1)[-1].removesuffix(".py") for e in LESSONS]
    print(f"{'page':<20}{'hit wall s':>12}{'hit CPU s':>12}")
    for name in names:
        wall, cpu = hit_times(name)
        print(f"{name:<20}{wall:>12.3f}{cpu:>12.3f}")


if __name__ == "__main__":
    main()
