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
from dataclasses import replace

from apptest_timing import Change, clock, hits_and_misses, open_page, timed

from core import practice

SWEEP = practice.Setting(depth=2, width=16, activation="tanh", optimizer="sgd")
BASELINE = practice.Setting(depth=3)  # the comparison's default baseline
LRS = practice.lr_grid(1e-3, 100.0, 8)
RESTARTS, STEPS = 32, 500
#: One setting per section whose change makes only that section recompute.
SECTIONS = {
    "recipe vs hard (2 settings × 16 restarts × 300 steps, 4×16 sigmoid/ReLU)": Change(
        "number_input", "recipe_seed", (101, 102, 103, 104)
    ),
    "learning-rate sweep (8 rates × 16 restarts × 300 steps, one batched run)": Change(
        "number_input", "sweep_seed", (101, 102, 103, 104)
    ),
    "comparison, initialisation (4 settings × 16 × 300, one batched run)": Change(
        "number_input", "compare_seed", (101, 102, 103, 104)
    ),
}


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
    times = {
        "one batched run (256 networks)": [],
        "one run per learning rate (8 × 32)": [],
        f"one run per restart (256 × 1), scaled from {loop_steps} steps": [],
    }
    for _ in range(repeats):  # in turns, so that a busy machine slows every case alike
        times["one batched run (256 networks)"].append(clock(batched))
        times["one run per learning rate (8 × 32)"].append(clock(per_lr))
        times[f"one run per restart (256 × 1), scaled from {loop_steps} steps"].append(
            clock(one) * STEPS / loop_steps
        )
    best = {k: min(v) for k, v in times.items()}
    base = best["one batched run (256 networks)"]
    print(
        f"sweep: {len(LRS)} learning rates × {RESTARTS} restarts × {STEPS} steps, "
        f"{SWEEP.net()} on {practice.POINTS} points (best of {repeats})"
    )
    for name, t in best.items():
        print(f"  {name}: {t:.2f} s  ({t / base:.1f}× the batched run)")


def bench_page(repeats: int) -> None:
    at = open_page("practice", timeout=600)
    print(f"page, cold first run (imports, every section): {timed(at):.2f} s")
    hits_and_misses(at, SECTIONS, repeats)
    for choice, label in practice.CHOICES.items():  # each comparison's first (cold) run
        if choice != "init":
            at.radio(key="compare_choice").set_value(choice)
            print(
                f"comparison, {label.lower()} ({len(practice.levels(choice, BASELINE))} "
                f"settings × 16 × 300): miss {timed(at):.2f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--loop-steps", type=int, default=50)
    args = parser.parse_args()
    bench_sweep(args.repeats, args.loop_steps)
    bench_page(args.repeats)


if __name__ == "__main__":
    main()
