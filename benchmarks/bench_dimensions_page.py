"""How long the dimensions page takes: the first (cold) run, a rerun with every section cached
(hit), and a rerun after one setting changes in each section (that section recomputes, the rest
hit); also core.dimensions.warm() and the pieces it is made of.

Run: python benchmarks/bench_dimensions_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing); each repeat picks a new seed or value, so every "miss" really
recomputes. The page's target: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from core import dimensions as dm  # noqa: E402

#: One setting per section whose change makes only that section recompute: key, widget kind,
#: values to cycle through.
SECTIONS = {
    "distances (200 points, d ≤ 1,000)": ("dm_seed", "number_input", (11, 12, 13, 14)),
    "random matrices (10⁶ per size, n ≤ 8)": ("dm_goe_seed", "number_input", (11, 12, 13, 14)),
    "Styblinski–Tang (d = 9, 10, 11, 12)": ("dm_st_d", "slider", (9, 10, 11, 12)),
    "network critical points (64 starts)": ("dm_cp_seed", "number_input", (11, 12, 13, 14)),
    "width sweep (4 widths × 16 restarts)": ("dm_ws_seed", "number_input", (11, 12, 13, 14)),
}


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return time.perf_counter() - t


def clock(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"warm(): critical points {clock(dm.network_critical_points):.2f} s, "
          f"width sweep {clock(dm.width_sweep):.2f} s")
    at = AppTest.from_file(str(ROOT / "pages" / "dimensions.py"), default_timeout=300)
    print(f"first run after warm() (imports, rate measurement, the rest): {timed(at):.2f} s")
    hits = [timed(at) for _ in range(args.repeats)]
    print(f"rerun, all cached (hit): median {statistics.median(hits):.2f} s  "
          f"{[round(h, 2) for h in hits]}")
    for name, (key, kind, values) in SECTIONS.items():
        runs = []
        for i in range(args.repeats):
            getattr(at, kind)(key=key).set_value(values[i % len(values)])
            runs.append(timed(at))
        print(f"{name}: miss median {statistics.median(runs):.2f} s  "
              f"{[round(r, 2) for r in runs]}")


if __name__ == "__main__":
    main()
