"""How long the convex page takes: the first (cold) run, a rerun with every section cached (hit),
and a rerun after one setting changes in each section (that section recomputes, the rest hit).

Run: python benchmarks/bench_convex_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing; AppTest reruns the whole script, so a section's miss also pays for
the other sections' hits). Each repeat picks a value not used before, so every "miss" really
recomputes. The page's target: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""

import argparse
import os

from apptest_timing import Change, hits_and_misses, open_page, timed

#: One change per section; a new surface goes back to Himmelblau after each repeat.
SECTIONS = {
    "descent: one learning rate (1 of 3 runs, map, Play)": Change(
        "select_slider", "descent_sgd_lr", (0.00562, 0.00316, 0.0178, 0.0316)
    ),
    "descent: steps (all 3 runs, map, Play)": Change(
        "select_slider", "descent_steps", (500, 200, 1000, 100)
    ),
    "descent: start point typed (all 3 runs)": Change(
        "number_input", "descent_x0", (1.0, -1.0, 2.0, -2.0)
    ),
    "evidence: sign tolerance (curvature map)": Change(
        "select_slider", "evidence_tolerance", (1e-5, 1e-4, 1e-3, 1e-2)
    ),
    "evidence: number of chords (chord test)": Change(
        "select_slider", "evidence_chords", (5_000, 100_000, 1_000)
    ),
    "surface: a new surface (every section)": Change(
        "selectbox",
        "descent_surface",
        ("rastrigin", "beale", "six_hump_camel", "ackley"),
        restore="himmelblau",
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    at = open_page("convex")
    print(f"cold first run (imports, every section, models, predict): {timed(at):.2f} s")
    hits_and_misses(at, SECTIONS, args.repeats)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
