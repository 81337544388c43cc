"""How long the saddles page takes: the first (cold) run, a rerun with every section cached (hit),
and a rerun after one setting changes in each section (that section recomputes, the rest hit).

Run: python benchmarks/bench_saddles_page.py [--repeats 3]. Prints seconds per script run in
AppTest (no browser drawing); each repeat changes the seed of the section, so every "miss" really
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

#: One setting per section whose change makes only that section recompute.
SECTIONS = {
    "escape (5 optimisers × 21 starts)": ("sd_seed", "number_input"),
    "monkey vs strict saddle (1500 steps)": ("sd_m_rate", "select_slider"),
    "network plateau (8 restarts)": ("sd_net_seed", "number_input"),
}
MONKEY_RATES = (0.0316, 0.0562, 0.1, 0.0178)


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    at = AppTest.from_file(str(ROOT / "pages" / "saddles.py"), default_timeout=300)
    print(f"cold first run (imports, warm-up, every section): {timed(at):.2f} s")
    hits = [timed(at) for _ in range(args.repeats)]
    print(f"rerun, all cached (hit): median {statistics.median(hits):.2f} s  {hits}")
    for name, (key, kind) in SECTIONS.items():
        runs = []
        for i in range(args.repeats):
            widget = getattr(at, kind)(key=key)
            widget.set_value(MONKEY_RATES[i % len(MONKEY_RATES)] if kind == "select_slider"
                             else 101 + i)
            runs.append(timed(at))
        print(f"{name}: miss median {statistics.median(runs):.2f} s  "
              f"{[round(r, 2) for r in runs]}")


if __name__ == "__main__":
    main()
