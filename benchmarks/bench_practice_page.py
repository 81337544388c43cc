"""How fast is the practice page, and is its learning-rate sweep really one batched run?

1. The sweep the issue asks for — 8 learning rates × 32 restarts × 500 steps of the sweep's
   default network (2-16-16-1 tanh, plain SGD, 200 points) — as ONE batched `networks.train` with a
   per-restart learning rate (core.practice.sweep), against one batched call per learning rate
   (8 calls of 32) and against the plain loop, one call per restart (256 calls; run for
   --loop-steps steps and scaled to 500: the time per step is constant).
2. The page in AppTest (no browser drawing): the first (cold) run, a rerun with every section
   cached (hit), a rerun after one setting of each section changes (that section recomputes,
   the rest hit; each repeat changes the section's seed, so every "miss" really recomputes), and
   the first run of every other comparison. AppTest reruns the whole script where a browser
   reruns only the changed section (an st.fragment), so a miss here is an upper bound.

Run: python benchmarks/bench_practice_page.py [--repeats 3] [--loop-steps 50]
Targets: hit ≤ 1 s, a section's miss ≤ 2 s on two shared cores.
"""
import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest

from core import practice

SWEEP = practice.Setting(depth=2, width=16, activation="tanh", optimizer="sgd")
BASELINE = practice.Setting(depth=3)  # the comparison's default baseline
LRS = practice.lr_grid(1e-3, 100.0, 8)
RESTARTS, STEPS = 32, 500
#: One setting per section whose change makes only that section recompute.
SECTIONS = {
    "recipe vs hard (2 settings × 16 restarts × 300 steps, 4×16 sigmoid/ReLU)": "pr_rc_seed",
    "learning-rate sweep (8 rates × 16 restarts × 300 steps, one batched run)": "pr_sw_seed",
    "comparison, initialisation (4 settings × 16 × 300, one batched run)": "pr_seed",
}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_sweep(repeats: int, loop_steps: int) -> None:
    def batched():
        practice.sweep(SWEEP, LRS, RESTARTS, STEPS)

    def per_lr():
        for v in LRS:
            practice.train([replace(SWEEP, lr=v)], RESTARTS, STEPS)

    def one():
        for v in LRS:
            for i in range(RESTARTS):
                practice.train([replace(SWEEP, lr=v)], 1, loop_steps, seed=i)

    batched()  # warm-up: first calls of the kernels
    times = {"one batched run (256 networks)": [], "one run per learning rate (8 × 32)": [],
             f"one run per restart (256 × 1), scaled from {loop_steps} steps": []}
    for _ in range(repeats):  # in turns, so that a busy machine slows every case alike
        times["one batched run (256 networks)"].append(timed(batched))
        times["one run per learning rate (8 × 32)"].append(timed(per_lr))
        times[f"one run per restart (256 × 1), scaled from {loop_steps} steps"].append(
            timed(one) * STEPS / loop_steps)
    best = {k: min(v) for k, v in times.items()}
    base = best["one batched run (256 networks)"]
    print(f"sweep: {len(LRS)} learning rates × {RESTARTS} restarts × {STEPS} steps, "
          f"{SWEEP.net()} on {practice.POINTS} points (best of {repeats})")
    for name, t in best.items():
        print(f"  {name}: {t:.2f} s  ({t / base:.1f}× the batched run)")


def bench_page(repeats: int) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "practice.py"), default_timeout=600)

    def run():
        at.run()
        assert not at.exception, [e.message for e in at.exception]

    print(f"page, cold first run (imports, every section): {timed(run):.2f} s")
    hits = [timed(run) for _ in range(repeats)]
    print(f"page, rerun with every section cached (hit): median {statistics.median(hits):.2f} s "
          f"{[round(h, 2) for h in hits]}")
    for name, key in SECTIONS.items():
        misses = []
        for i in range(repeats):
            at.number_input(key=key).set_value(101 + i)
            misses.append(timed(run))
        print(f"{name}: miss median {statistics.median(misses):.2f} s "
              f"{[round(m, 2) for m in misses]}")
    for choice, label in practice.CHOICES.items():  # each comparison's first (cold) run
        if choice != "init":
            at.radio(key="pr_choice").set_value(choice)
            print(f"comparison, {label.lower()} ({len(practice.levels(choice, BASELINE))} "
                  f"settings × 16 × 300): miss {timed(run):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-steps", type=int, default=50)
    args = parser.parse_args()
    bench_sweep(args.repeats, args.loop_steps)
    bench_page(args.repeats)


if __name__ == "__main__":
    main()
