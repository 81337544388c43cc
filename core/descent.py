"""Run N restarts of one optimiser on a 2-D surface as one tensor program.

The restarts are one `[N, 2]` parameter and the loss handed to the optimiser is the sum over
restarts, so each restart receives exactly its own gradient: N independent runs for the price of
one vectorised run. Runs that blow up are frozen at their last good point and flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from . import budget, curvature
from .optimizers import Stepper, info, row_norm

#: Restart-steps one request may run: a 200×200 basin map of 500 steps fits, with room to spare.
MAX_POINT_STEPS = 2.5e7
#: A Newton step (gradient, Hessian, 2×2 eigen-solve per restart) measured 3.4-4.4× an Adam step.
SECOND_ORDER_COST = 5.0


@dataclass(frozen=True)
class Run:
    """What a run leaves behind. Recorded arrays cover the first M restarts every k-th step."""

    path: torch.Tensor  # [T, M, 2] points at the recorded steps (start included)
    loss: torch.Tensor  # [T, M]
    grad_norm: torch.Tensor  # [T, M]
    steps: torch.Tensor  # [T] the step number of each record
    final: torch.Tensor  # [N, 2] every restart's last point
    final_loss: torch.Tensor  # [N]
    diverged: torch.Tensor  # [N] bool: frozen after NaN/inf or leaving the box
    stopped_at: torch.Tensor  # [N] step at which a run was frozen (−1: never)


def _check_budget(n: int, steps: int, optimizer: str, recorded: int, kept: int, itemsize: int):
    cost = SECOND_ORDER_COST if info(optimizer).second_order else 1.0
    budget.check(
        work=n * steps * cost,
        max_work=MAX_POINT_STEPS,
        what=f"{n:,} runs × {steps:,} steps",
        nbytes=recorded * kept * 4 * itemsize,
        hint="Use fewer starts or fewer steps.",
    )


def run(
    s: Callable[[torch.Tensor], torch.Tensor],
    starts: torch.Tensor,
    optimizer: str = "adam",
    lr: float | Sequence[float] = 0.01,
    steps: int = 500,
    seed: int = 0,
    noise: float = 0.0,
    anneal: bool = False,
    record_every: int = 1,
    record_first: int | None = None,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> Run:
    """Descend from every start at once.

    noise: standard deviation of Gaussian noise added to each gradient (seeded); with anneal=True
    it shrinks linearly to zero over the run (a simple annealed / Langevin-style schedule).
    A run leaves when its point or loss stops being finite or it leaves `s.box()` (if it has one).
    """
    if starts.ndim != 2 or starts.shape[-1] != 2:
        raise ValueError("starts must have shape [N, 2]")
    if steps < 0 or record_every < 1:
        raise ValueError("steps must be ≥ 0 and record_every ≥ 1")
    n = starts.shape[0]
    m = n if record_first is None else max(0, min(record_first, n))
    recorded = steps // record_every + 1 + (steps % record_every != 0)
    _check_budget(n, steps, optimizer, recorded, m, starts.element_size())
    dtype = starts.dtype
    gen = torch.Generator().manual_seed(int(seed))
    stepper = Stepper(starts, optimizer, lr, gen, **hyper)
    lo, hi = _box(s, dtype)

    path, losses, gnorms, at = [], [], [], []
    stopped = torch.full((n,), -1, dtype=torch.long)
    x = starts.detach().clone()
    prev = x
    every = max(1, steps // 20)
    for t in range(steps):
        std = noise * (1 - t / steps) if anneal else noise
        loss, g = stepper.step(s, std)
        if not torch.isfinite(loss.sum()):  # some loss is not finite: hold the previous point
            bad = ~torch.isfinite(loss) & (stopped < 0)
            stepper.freeze(bad, prev)
            stopped[bad] = t
            x = torch.where(bad.unsqueeze(-1), prev, x)
            with torch.no_grad():
                loss = s(x)
            g = curvature.gradient(s, x)  # the gradient of the point recorded, not of the bad one
        if t % record_every == 0:
            _record(path, losses, gnorms, at, t, x[:m], loss[:m], row_norm(g[:m]))
        new = stepper.x
        if _leaves(new, lo, hi):
            inside = ((new >= lo) & (new <= hi)).all(-1)  # false for NaN too
            out = ~inside & (stopped < 0)
            stepper.freeze(out, x)
            stopped[out] = t + 1
            new = stepper.x
        prev, x = x, new
        if progress and ((t + 1) % every == 0 or t + 1 == steps):
            progress((t + 1) / steps)

    with torch.no_grad():
        final_loss = s(x)
    final_gn = row_norm(curvature.gradient(s, x[:m]))
    _record(path, losses, gnorms, at, steps, x[:m], final_loss[:m], final_gn)
    return Run(
        torch.stack(path),
        torch.stack(losses),
        torch.stack(gnorms),
        torch.tensor(at),
        x,
        final_loss,
        stopped >= 0,
        stopped,
    )


def _box(s, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Lower and upper corners of the box a run must stay in (all finite numbers for a plain
    function, so that inf still leaves it)."""
    if not hasattr(s, "box"):
        big = torch.finfo(dtype).max
        return torch.full((2,), -big, dtype=dtype), torch.full((2,), big, dtype=dtype)
    (x0, x1), (y0, y1) = s.box()
    return torch.tensor([x0, y0], dtype=dtype), torch.tensor([x1, y1], dtype=dtype)


def _leaves(x: torch.Tensor, lo: torch.Tensor, hi: torch.Tensor) -> bool:
    """Whether any row is outside the box or not finite. One pass (aminmax, which keeps NaN)
    instead of a per-row test on every step: that test cost about a tenth of a step."""
    if x.numel() == 0:
        return False
    low, high = torch.aminmax(x, dim=0)
    return not bool(((low >= lo) & (high <= hi)).all())


def _record(path, losses, gnorms, at, t, x, loss, gn) -> None:
    path.append(x.clone())
    losses.append(loss.clone())
    gnorms.append(gn.detach().clone())
    at.append(t)
