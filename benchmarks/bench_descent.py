"""How fast is descent.run? Adam, 500 steps on Himmelblau in float32, measured in one run:

- the batched engine at N = 100, 10,000 and 40,000 restarts (final points only, as a basin map);
- at N = 100, the same runs one at a time, each with its own torch.optim.Adam (the loop a student
  would write) — the batched engine should be at least 50x faster;
- at N = 40,000, a hand-written numpy loop with analytic gradients and the Adam update (the floor
  for this work on a CPU) — the engine should stay within 4x of it;
- the 40,000 case with 1 and 2 torch threads (core uses 1: see core/__init__.py).

Run: python benchmarks/bench_descent.py  (timings are the best of --repeat runs)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from core import descent, surfaces  # noqa: E402

S = surfaces.get("himmelblau")
LR, STEPS, BETAS, EPS = 0.05, 500, (0.9, 0.999), 1e-8


def starts(n: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    (x0, x1), (y0, y1) = S.bounds
    u = torch.rand((n, 2), generator=g, dtype=torch.float64)
    return (torch.tensor([x0, y0]) + u * torch.tensor([x1 - x0, y1 - y0])).float()


def best(fns: dict, repeat: int) -> dict:
    """Best time of each function, timed in turn (round robin), so that a change in the load of a
    shared machine hits every contender alike."""
    times = {k: float("inf") for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k] = min(times[k], time.perf_counter() - t)
    return times


def threads(n: int, fn):
    def timed():
        torch.set_num_threads(n)
        try:
            return fn()
        finally:
            torch.set_num_threads(1)

    return timed


def batched(x: torch.Tensor) -> torch.Tensor:
    return descent.run(S, x, "adam", lr=LR, steps=STEPS, record_first=0).final


def one_at_a_time(x: torch.Tensor) -> torch.Tensor:
    out = []
    for row in x:
        p = torch.nn.Parameter(row.clone().unsqueeze(0))
        opt = torch.optim.Adam([p], lr=LR, betas=BETAS, eps=EPS)
        for _ in range(STEPS):
            opt.zero_grad()
            S(p).sum().backward()
            opt.step()
        out.append(p.detach()[0])
    return torch.stack(out)


def numpy_adam(x: torch.Tensor) -> np.ndarray:
    """Analytic Himmelblau gradient and the Adam update, in place, float32."""
    p = x.numpy().copy()
    m, v, g = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
    b1, b2 = np.float32(BETAS[0]), np.float32(BETAS[1])
    X, Y = p[:, 0], p[:, 1]
    for t in range(1, STEPS + 1):
        a = X * X + Y - 11
        b = X + Y * Y - 7
        g[:, 0] = 4 * X * a + 2 * b
        g[:, 1] = 2 * a + 4 * Y * b
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        step = LR / (1 - BETAS[0] ** t)
        denom = np.sqrt(v / np.float32(1 - BETAS[1] ** t)) + np.float32(EPS)
        p -= np.float32(step) * m / denom
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    batched(starts(50))  # first use imports torch's optimiser machinery: not part of a step

    x = {n: starts(n) for n in (100, 10_000, 40_000)}
    t = best(
        {
            **{n: (lambda n=n: batched(x[n])) for n in x},
            "numpy": lambda: numpy_adam(x[40_000]),
            "2 threads": threads(2, lambda: batched(x[40_000])),
        },
        args.repeat,
    )
    t["loop"] = best({"loop": lambda: one_at_a_time(x[100])}, 1)["loop"]

    same = torch.allclose(one_at_a_time(x[100][:5]), batched(x[100][:5]), atol=1e-4)
    close = np.abs(numpy_adam(x[40_000][:1000]) - batched(x[40_000][:1000]).numpy()).max(-1)
    rows = [
        (
            f"descent.run, N={n:,}",
            t[n],
            f"{t[n] / t[100]:.1f}x the N=100 time, {n * STEPS / t[n] / 1e6:.1f} M restart-steps/s",
        )
        for n in x
    ]
    rows += [
        (
            "100 runs one at a time, own torch.optim.Adam",
            t["loop"],
            f"batched N=100 is {t['loop'] / t[100]:.0f}x faster (target >= 50x); "
            f"same answers: {same}",
        ),
        (
            "numpy loop, analytic gradient, N=40,000",
            t["numpy"],
            f"descent.run is {t[40_000] / t['numpy']:.2f}x this floor (target <= 4x); "
            f"same answers: {(close < 1e-3).mean():.1%} of 1,000 rows",
        ),
        (
            "descent.run, N=40,000, 2 torch threads",
            t["2 threads"],
            f"{t['2 threads'] / t[40_000]:.2f}x the 1-thread time",
        ),
    ]
    print(
        f"Adam, {STEPS} steps, himmelblau, float32; best of {args.repeat}; "
        f"torch {torch.__version__}"
    )
    width = max(len(r[0]) for r in rows)
    for name, secs, note in rows:
        print(f"{name:<{width}}  {secs:8.3f} s  {note}")
    print(
        f"targets: N=10,000 < 0.5 s ({t[10_000]:.2f} s), N=40,000 < 1 s ({t[40_000]:.2f} s); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
