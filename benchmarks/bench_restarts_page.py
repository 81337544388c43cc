"""How fast the restarts lesson is: its core calls one by one, then the page in AppTest.

1. The basin map, 200×200 starts × 500 steps, float32, final points only (goal: 2 s), for every
   surface with gradient descent and Adam; surfaces built from data get the largest grid the
   budget allows. Wall time and this process's CPU time are both printed: on a machine shared
   with other busy processes the CPU time is what one free core would take.
2. Random restarts (1,000 × 500 and the largest, 5,000 × 2,000), the plain + noisy pair, and the
   shuffle statistics (best after k, success within k) over 5,000 runs × 200 shuffles.
3. The network section: 64 restarts × 500 steps of the 2-2-1 XOR net (the default, goal 2 s),
   the XOR scene's 2,000 steps, and the largest the budget allows.
4. The page in AppTest: the first run (every section a cache miss), a rerun (every section a
   hit; goal 1 s), and each section's own miss. AppTest reruns the whole script, so a section's
   miss also pays for the other sections' hits.

256 restarts × 1,000 steps of 2-8-8-1 and 2-32-32-1 against the FLOP floor are timed in
benchmarks/bench_networks.py. Run: python benchmarks/bench_restarts_page.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
import torch

from core import basins, surfaces


def timed(fn, repeat: int, *args, **kwargs) -> tuple[float, float]:
    """Best wall time and best CPU time of this process over `repeat` calls of fn(*args)."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn(*args, **kwargs)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def line(what: str, wall: float, cpu: float, goal: float | None = None) -> None:
    mark = "" if goal is None else ("  ok" if cpu <= goal else f"  OVER the {goal:g} s goal")
    print(f"  {what:58s} {wall:6.2f} s wall  {cpu:6.2f} s cpu{mark}")


def basin_maps(repeat: int) -> None:
    print("1. Basin map, 500 steps, float32, final points only (+ 9 sample paths)")
    for key in surfaces.names():
        s = surfaces.get(key)
        n = min(200, basins.largest_grid(s, 500, "sgd"))
        for opt, lr in (("sgd", s.lr), ("adam", 0.05)):
            wall, cpu = timed(basins.basin_map, repeat, s, n, opt, lr, 500)
            line(f"{key} {n}×{n}, {opt}", wall, cpu, 2.0)


def restarts(repeat: int) -> None:
    print("\n2. Random restarts on Rastrigin (gradient descent, lr 0.002)")
    s = surfaces.get("rastrigin")
    for n, steps in ((1000, 500), (5000, 2000)):
        wall, cpu = timed(basins.restarts, repeat, s, n, "sgd", 0.002, steps)
        line(f"{n:,} restarts × {steps:,} steps", wall, cpu)
    wall, cpu = timed(
        lambda: (
            basins.restarts(s, 1000, "sgd", 0.002, 500),
            basins.restarts(s, 1000, "sgd", 0.002, 500, noise=100.0, anneal=True),
        ),
        repeat,
    )
    line("plain + annealed noise, 1,000 × 500 each", wall, cpu, 2.0)
    r = basins.restarts(s, 5000, "sgd", 0.002, 500)
    usable = r.codes > basins.ESCAPED
    wall, cpu = timed(
        lambda: (
            basins.best_after_k(r.final_loss, usable, 200),
            basins.success_within_k(r.success, 200),
        ),
        repeat,
    )
    line("best after k + success within k, 5,000 runs × 200 shuffles", wall, cpu)


def nets(repeat: int) -> None:
    print("\n3. Restarts of a real network (XOR, 200 points, gradient descent lr 3.16)")
    cases = [
        ("64 × 500 steps of 2-2-1 sigmoid, squared error (default)", (2,), 64, 500, 2.0),
        ("64 × 2,000 steps of 2-2-1 (the XOR scene)", (2,), 64, 2000, None),
        ("256 × 1,000 steps of 2-8-8-1", (8, 8), 256, 1000, None),
        ("128 × 1,000 steps of 2-32-32-1 (near the budget)", (32, 32), 128, 1000, None),
    ]
    for what, hidden, R, steps, goal in cases:
        wall, cpu = timed(
            basins.net_restarts, repeat, "xor", hidden=hidden, restarts=R, steps=steps, lr=3.16
        )
        line(what, wall, cpu, goal)


def page(repeat: int) -> None:
    from streamlit.testing.v1 import AppTest

    print("\n4. The page in AppTest (whole script per run)")
    at = AppTest.from_file(str(ROOT / "pages" / "restarts.py"), default_timeout=600)
    w, c = time.perf_counter(), time.process_time()
    at.run()
    line(
        "first run, every section a miss (includes imports)",
        time.perf_counter() - w,
        time.process_time() - c,
    )
    wall, cpu = timed(at.run, repeat)
    line("rerun, every section a hit", wall, cpu, 1.0)
    changes = [
        ("basins: grid 120 → 150", "select_slider", "map_grid", (150, 100, 80)),
        ("restarts: N 1,000 → 2,000", "select_slider", "restarts_runs", (2000, 500, 200)),
        ("noise: σ 30 → 100", "select_slider", "noise_start", (100.0, 10.0, 3.16)),
        ("network: 500 → 1,000 steps", "select_slider", "network_steps", (1000, 200, 2000)),
    ]
    for what, kind, key, values in changes:
        best = (np.inf, np.inf)
        for v in values[:repeat]:
            getattr(at, kind)(key=key).set_value(v)
            w, c = time.perf_counter(), time.process_time()
            at.run()
            best = min(best, (time.perf_counter() - w, time.process_time() - c))
        line(f"section miss, {what}", *best)
    assert not at.exception, at.exception


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", choices=("maps", "restarts", "nets", "page"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    steps = {"maps": basin_maps, "restarts": restarts, "nets": nets, "page": page}
    for name, fn in steps.items():
        if args.only in (None, name):
            fn(args.repeat)


if __name__ == "__main__":
    main()
