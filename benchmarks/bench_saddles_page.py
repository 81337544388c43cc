"""How long the saddles page takes: the first (cold) run, a rerun with every section cached (hit),
and a rerun after one setting changes in each section (that section recomputes, the rest hit).

Run: python benchmarks/bench_saddles_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing); each repeat changes the seed of the section, so every "miss" really
recomputes. The page's target: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""

import argparse

from apptest_timing import Change, hits_and_misses, open_page, timed

#: One setting per section whose change makes only that section recompute.
SECTIONS = {
    "escape (5 optimisers × 21 starts)": Change(
        "number_input", "saddle_seed", (101, 102, 103, 104)
    ),
    "monkey vs strict saddle (1500 steps)": Change(
        "select_slider", "monkey_lr", (0.0316, 0.0562, 0.1, 0.0178)
    ),
    "network plateau (8 restarts)": Change("number_input", "plateau_seed", (101, 102, 103, 104)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    at = open_page("saddles")
    print(f"cold first run (imports, warm-up, every section): {timed(at):.2f} s")
    hits_and_misses(at, SECTIONS, args.repeats)


if __name__ == "__main__":
    main()
