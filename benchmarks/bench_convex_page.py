"""How long the convex page takes: the first (cold) run, a rerun with every section cached (hit),
and a rerun after one setting changes in each section (that section recomputes, the rest hit).

Run: python benchmarks/bench_convex_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing; AppTest reruns the whole script, so a section's miss also pays for
the other sections' hits). Each repeat picks a value not used before, so every "miss" really
recomputes. The page's target: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest

#: One change per section: (what, widget kind, key, a fresh value for each repeat).
SECTIONS = {
    "descent: one learning rate (1 of 3 runs, map, Play)":
        ("select_slider", "cv_sgd_lr", (0.00562, 0.00316, 0.0178, 0.0316)),
    "descent: steps (all 3 runs, map, Play)":
        ("select_slider", "cv_steps", (500, 200, 1000, 100)),
    "descent: start point typed (all 3 runs)":
        ("number_input", "cv_x0", (1.0, -1.0, 2.0, -2.0)),
    "evidence: sign tolerance (curvature map)":
        ("select_slider", "cv_rtol", (1e-5, 1e-4, 1e-3, 1e-2)),
    "evidence: number of chords (chord test)":
        ("select_slider", "cv_pairs", (5_000, 100_000, 1_000)),
    "surface: a new surface (every section)":
        ("selectbox", "cv_surface", ("rastrigin", "beale", "six_hump_camel", "ackley")),
}


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    at = AppTest.from_file(str(ROOT / "pages" / "convex.py"), default_timeout=300)
    print(f"cold first run (imports, every section, models, predict): {timed(at):.2f} s")
    hits = [timed(at) for _ in range(args.repeats)]
    print(f"rerun, all cached (hit): median {statistics.median(hits):.2f} s  "
          f"{[round(h, 2) for h in hits]}")
    for name, (kind, key, values) in SECTIONS.items():
        runs = []
        for i in range(args.repeats):
            getattr(at, kind)(key=key).set_value(values[i % len(values)])
            runs.append(timed(at))
            if key == "cv_surface":  # back to the default surface, untimed (a hit)
                at.selectbox(key=key).set_value("himmelblau")
                timed(at)
        print(f"{name}: miss median {statistics.median(runs):.2f} s  "
              f"{[round(r, 2) for r in runs]}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
