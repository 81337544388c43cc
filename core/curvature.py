"""Slopes and curvature of a surface at a batch of points: the evidence for minima, saddles and
(non-)convexity, computed from the surface itself.

A surface is element-wise over leading dimensions, so the gradient of the *sum* gives every
point's own gradient, and two more backward passes give every point's 2×2 Hessian.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

Field = Callable[[torch.Tensor], torch.Tensor]  # [..., D] → [...], each point on its own

#: Names for the signs of the two eigenvalues, used by the curvature map.
KINDS = ("bowl-shaped", "saddle-shaped", "dome-shaped", "flat in some direction")


@torch.enable_grad()  # also inside a caller's no_grad block
def gradient(s: Field, xy: torch.Tensor) -> torch.Tensor:
    """∇f at every point: [..., D]."""
    xy = xy.detach().requires_grad_(True)
    f = s(xy)
    if not f.requires_grad:  # a formula that ignores x and y
        return torch.zeros_like(xy)
    return torch.autograd.grad(f.sum(), xy, allow_unused=True, materialize_grads=True)[0]


@torch.enable_grad()  # also inside a caller's no_grad block
def hessian(s: Field, xy: torch.Tensor) -> torch.Tensor:
    """The Hessian at every point: [..., D, D] (D = 2 for a surface; D backward passes, each
    batched over all points, were much faster than torch.func's vmap(hessian) for small D)."""
    d = xy.shape[-1]
    xy = xy.detach().requires_grad_(True)
    f = s(xy)
    if not f.requires_grad:  # a formula that ignores x and y
        return xy.new_zeros((*xy.shape, d))
    g = torch.autograd.grad(
        f.sum(), xy, create_graph=True, allow_unused=True, materialize_grads=True
    )[0]
    if not g.requires_grad:  # linear: no curvature at all
        return xy.new_zeros((*xy.shape, d)).detach()
    rows = [
        torch.autograd.grad(
            g[..., i].sum(), xy, retain_graph=True, allow_unused=True, materialize_grads=True
        )[0]
        for i in range(d)
    ]
    return torch.stack(rows, dim=-2).detach()


def eigenvalues(s: Field, xy: torch.Tensor) -> torch.Tensor:
    """The Hessian's eigenvalues at every point, ascending: [..., 2]."""
    return torch.linalg.eigvalsh(hessian(s, xy))


def _tolerance(eigs: torch.Tensor, rtol: float) -> torch.Tensor:
    return rtol * eigs.abs().amax(dim=-1, keepdim=True)


def index(eigs: torch.Tensor, rtol: float = 1e-6) -> torch.Tensor:
    """Share of downhill directions: eigenvalues below −rtol·max|λ|
    (0 at a minimum, 1 at a peak)."""
    return (eigs < -_tolerance(eigs, rtol)).to(eigs.dtype).mean(dim=-1)


def kind(eigs: torch.Tensor, rtol: float = 1e-6) -> torch.Tensor:
    """Index into KINDS for each point, from the signs of its eigenvalues (with a tolerance)."""
    tol = _tolerance(eigs, rtol)
    pos = (eigs > tol).sum(-1)
    neg = (eigs < -tol).sum(-1)
    d = eigs.shape[-1]
    out = torch.full(pos.shape, 3, dtype=torch.long)
    out[pos == d] = 0
    out[(pos > 0) & (neg > 0)] = 1
    out[neg == d] = 2
    return out


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    y: float
    value: float
    eigenvalues: tuple[float, float]
    index: float
    kind: str


def critical_points(
    s, n: int = 21, steps: int = 60, tol: float = 1e-6, rtol: float = 1e-6
) -> list[CriticalPoint]:
    """Stationary points of a surface inside its bounds, found by Newton's method on the gradient
    from an n×n grid of starts, then deduplicated; lowest value first.

    Newton's method on ∇f = 0 converges to minima, maxima and saddles alike, which is exactly what
    a census of critical points needs (and why Newton is a poor minimiser near saddles).
    """
    (x0, x1), (y0, y1) = s.bounds
    xs = torch.linspace(x0, x1, n, dtype=torch.float64)
    ys = torch.linspace(y0, y1, n, dtype=torch.float64)
    p = torch.cartesian_prod(xs, ys)
    for _ in range(steps):
        H, g = hessian(s, p), gradient(s, p)
        ok = torch.isfinite(H).flatten(-2).all(-1) & torch.isfinite(g).all(-1)
        H = torch.where(ok[:, None, None], H, torch.eye(2, dtype=H.dtype))  # pinv fails on NaN
        step = (torch.linalg.pinv(H) @ g.nan_to_num().unsqueeze(-1)).squeeze(-1)
        p = torch.where(ok[:, None] & torch.isfinite(p - step), p - step, torch.full_like(p, 1e6))
    g = gradient(s, p).norm(dim=-1)
    inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    p = p[inside & (g < tol)]
    span = max(x1 - x0, y1 - y0)
    kept: list[torch.Tensor] = []
    for q in p:
        if all((q - k).norm() > 1e-4 * span for k in kept):
            kept.append(q)
    if not kept:
        return []
    pts = torch.stack(kept)
    eigs = eigenvalues(s, pts)
    values = s(pts).detach()
    idx, kinds = index(eigs, rtol), kind(eigs, rtol)
    found = [
        CriticalPoint(
            float(q[0]), float(q[1]), float(v), (float(e[0]), float(e[1])), float(i), KINDS[int(k)]
        )
        for q, v, e, i, k in zip(pts, values, eigs, idx, kinds)
    ]
    return sorted(found, key=lambda c: c.value)


@dataclass(frozen=True)
class ChordTest:
    """Result of sampling chords: f(t a + (1−t) b) ≤ t f(a) + (1−t) f(b) holds if f is convex."""

    share_failed: float
    pairs: int
    worst: tuple[tuple[float, float], tuple[float, float], float] | None  # a, b, t of the worst gap
    worst_gap: float


def chord_test(s, pairs: int = 20000, seed: int = 0, rtol: float = 1e-9) -> ChordTest:
    """Sample random chords inside the bounds and report how many lie below the surface.

    A chord fails only when the surface rises above it by more than rtol·(|f(a)|+|f(b)|+1), so
    rounding cannot make a bowl look non-convex. Points where f is not finite are skipped.
    """
    g = torch.Generator().manual_seed(seed)
    (x0, x1), (y0, y1) = s.bounds
    lo = torch.tensor([x0, y0], dtype=torch.float64)
    span = torch.tensor([x1 - x0, y1 - y0], dtype=torch.float64)
    a = lo + span * torch.rand((pairs, 2), generator=g, dtype=torch.float64)
    b = lo + span * torch.rand((pairs, 2), generator=g, dtype=torch.float64)
    t = torch.rand((pairs, 1), generator=g, dtype=torch.float64)
    with torch.no_grad():
        fa, fb, fm = s(a), s(b), s(t * a + (1 - t) * b)
    chord = t[:, 0] * fa + (1 - t[:, 0]) * fb
    gap = fm - chord
    ok = torch.isfinite(gap)
    failed = ok & (gap > rtol * (fa.abs() + fb.abs() + 1))
    n_ok = int(ok.sum())
    if not failed.any():
        return ChordTest(0.0, n_ok, None, 0.0)
    i = int(torch.where(failed, gap, torch.full_like(gap, -torch.inf)).argmax())
    worst = ((float(a[i, 0]), float(a[i, 1])), (float(b[i, 0]), float(b[i, 1])), float(t[i, 0]))
    return ChordTest(float(failed.sum()) / max(n_ok, 1), n_ok, worst, float(gap[i]))
