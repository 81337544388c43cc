"""How long the dimensions page takes: the first (cold) run, a rerun with every section cached
(hit), and a rerun after one setting changes in each section (that section recomputes, the rest
hit); also the start-up warm-up (lessons.dimensions.compute.warm: the default view and every scene).

Run: python benchmarks/bench_dimensions_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing); each repeat picks a new seed or value, so every "miss" really
recomputes. The page's target: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""

import argparse

from apptest_timing import Change, clock, hits_and_misses, open_page, timed

from lessons.dimensions.compute import warm

#: One setting per section whose change makes only that section recompute.
SECTIONS = {
    "distances (200 points, d ≤ 1,000)": Change("number_input", "distances_seed", (11, 12, 13, 14)),
    "random matrices (10⁶ per size, n ≤ 8)": Change(
        "number_input", "matrices_seed", (11, 12, 13, 14)
    ),
    "Styblinski–Tang (d = 9, 10, 11, 12)": Change(
        "slider", "styblinski_dimension", (9, 10, 11, 12)
    ),
    "network critical points (64 starts)": Change(
        "number_input", "critical_seed", (11, 12, 13, 14)
    ),
    "width sweep (4 widths × 16 restarts)": Change("number_input", "sweep_seed", (11, 12, 13, 14)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"warm(): {clock(warm):.2f} s")
    at = open_page("dimensions")
    print(f"first run after warm() (imports and cache hits): {timed(at):.2f} s")
    hits_and_misses(at, SECTIONS, args.repeats)


if __name__ == "__main__":
    main()
