"""Where gradient descent ends up, and how many restarts it takes to find the global minimum.

Every start is one row of one batched `descent.run`, so a 200×200 map of starts is a single
tensor program. Each run is labelled by the known minimum it reached (the nearest listed minimum
within a tolerance, once it has stopped there or sits at that minimum's loss level) or by what
happened instead: still moving, stopped elsewhere (a saddle or a minimum not in the list),
escaped (fell off a surface downhill) or diverged (blew up). The best loss after k random
restarts comes from many shuffles of the same runs, computed as one tensor, not by looping over
shuffles. The chance of success within k restarts is measured on a fresh pool of runs cut into
disjoint groups of k: reshuffling the pool that gave p would only repeat what its count of
successes already fixes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from . import budget, curvature, descent, networks, optimizers
from .data import make as make_data

#: Outcome codes for runs that did not reach a listed minimum (minima are numbered 0, 1, …).
UNLISTED, ELSEWHERE, MOVING, ESCAPED, DIVERGED = -1, -2, -3, -4, -5
OUTCOMES = {
    UNLISTED: "a minimum not in the list",
    ELSEWHERE: "stopped on a saddle or flat",
    MOVING: "still moving",
    ESCAPED: "escaped",
    DIVERGED: "diverged",
}
#: Gradient steps (starts × steps) one request may take: 200×200 starts × 500 steps, about 1 s.
MAX_WORK = 2.0e7
#: Elements one forward and backward pass writes per point on Ackley, six-hump camel or Beale
#: (about 60; Himmelblau 34): the unit of step_cost, so every textbook surface costs 1.
REFERENCE_ELEMENTS = 64.0
MAX_GRID = 200
MAX_RESTARTS = 5000
MAX_SHUFFLES = 1000

Minimum = tuple[float, float, float]


# -- which minima a surface has ----------------------------------------------------------------
def known_minima(s) -> tuple[Minimum, ...]:
    """The surface's listed minima; for a typed formula (none listed), the strict local minima
    found inside its bounds by Newton's method on the gradient (curvature.critical_points)."""
    if s.minima:
        return tuple(s.minima)
    found = curvature.critical_points(s)
    return tuple((c.x, c.y, c.value) for c in found if c.kind == curvature.KINDS[0])


def global_ids(minima: tuple[Minimum, ...]) -> tuple[int, ...]:
    """Indices of the minima whose value is the lowest (several may tie, as on Himmelblau)."""
    if not minima:
        return ()
    values = [m[2] for m in minima]
    low = min(values)
    tol = 1e-6 * (1.0 + max(abs(v) for v in values))
    return tuple(i for i, v in enumerate(values) if v <= low + tol)


def tolerance(s, minima: tuple[Minimum, ...]) -> float:
    """How close a run must end to a minimum to count as having reached it: 3% of the plotted
    width, but less than a third of the distance between the two closest minima."""
    (x0, x1), (y0, y1) = s.bounds
    tol = 0.03 * min(x1 - x0, y1 - y0)
    if len(minima) > 1:
        p = torch.tensor([m[:2] for m in minima], dtype=torch.float64)
        d = torch.cdist(p, p) + torch.eye(len(minima)) * 1e300
        tol = min(tol, float(d.min()) / 3)
    return tol


#: A run near a minimum that has not stopped counts as there when its loss is within this share
#: of the typical drop (median starting loss − global minimum) of the minimum's own value: runs
#: still jostled by fading noise, or Adam's steps around a minimum, are there; a run bouncing
#: across a ripple with too large a step (loss several units above the bottom) is not.
AT_LEVEL = 1e-2
#: A run has stopped when its gradient is below this share of the typical gradient at the starts.
STOPPED = 1e-5


def label(s, starts: torch.Tensor, run: descent.Run, minima: tuple[Minimum, ...]) -> torch.Tensor:
    """[N] outcome of each run: the index of the listed minimum it reached, or an OUTCOMES code.

    A run has reached a listed minimum when it ended near it (within `tolerance`) *and* either
    has stopped (its gradient is below STOPPED of the typical gradient at the starts) or sits at
    the minimum's loss level (AT_LEVEL): being near is not enough, as a run with too large a step
    can bounce around a minimum for ever, well above it. Any other run that has not stopped is
    *still moving*. A stopped run elsewhere sits at *a minimum not in the list* when the Hessian
    there is positive definite or its loss is at the global minimum's level (minima forming a
    curve), otherwise *on a saddle or flat* ground.
    A run that left the box counts as *escaped* when it left downhill (its last loss is below its
    starting loss and it ended outside the plotted bounds: the surface falls away, or its minima
    lie at infinity), otherwise as *diverged* (the steps blew up).
    """
    final = run.final.to(torch.float64)
    x0 = starts.to(torch.float64)
    start_loss = _loss(s, x0)
    final_loss = run.final_loss.to(torch.float64)
    g = optimizers.row_norm(curvature.gradient(s, final))
    g0 = optimizers.row_norm(curvature.gradient(s, x0))
    g0 = g0[torch.isfinite(g0)]
    stopped = g <= STOPPED * float(g0.median()) if g0.numel() else torch.ones_like(g, dtype=bool)
    out = torch.full((final.shape[0],), MOVING, dtype=torch.long)
    if minima:
        p = torch.tensor([m[:2] for m in minima], dtype=torch.float64)
        values = torch.tensor([m[2] for m in minima], dtype=torch.float64)
        dist, nearest = torch.cdist(final, p).min(dim=1)
        level = (final_loss - values[nearest]).abs() <= AT_LEVEL * _drop(minima, start_loss)
        there = (dist <= tolerance(s, minima)) & (stopped | level)
        out = torch.where(there, nearest, out)
    at = ((out == MOVING) & stopped).nonzero().squeeze(-1)
    if at.numel():
        bowl = curvature.kind(curvature.eigenvalues(s, final[at])) == 0
        level = _at_global_level(run.final_loss[at], minima, start_loss)
        out[at] = torch.where(bowl | level, UNLISTED, ELSEWHERE)
    left = run.diverged
    if left.any():
        (a, b), (c, d) = s.bounds
        outside = (final[:, 0] < a) | (final[:, 0] > b) | (final[:, 1] < c) | (final[:, 1] > d)
        downhill = torch.isfinite(final_loss) & (final_loss < start_loss)
        out = torch.where(left, torch.where(downhill & outside, ESCAPED, DIVERGED), out)
    return out


def _drop(minima: tuple[Minimum, ...], start_loss: torch.Tensor) -> float:
    """The typical drop: median starting loss − the global minimum's value (at least 1e-12)."""
    gid = global_ids(minima)
    start = start_loss[torch.isfinite(start_loss)]
    if not gid or not start.numel():
        return 1e-12
    return max(float(start.median()) - minima[gid[0]][2], 1e-12)


def _loss(s, xy: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return s(xy.to(torch.float64))


def _at_global_level(
    final_loss: torch.Tensor, minima: tuple[Minimum, ...], start_loss: torch.Tensor
) -> torch.Tensor:
    """Loss within 1e-4 of the typical drop (median start loss − global value) of the global
    minimum's value: how a run on a curve of minima is recognised."""
    gid = global_ids(minima)
    if not gid:
        return torch.zeros(final_loss.shape, dtype=torch.bool)
    best = minima[gid[0]][2]
    return (final_loss.to(torch.float64) - best).abs() <= 1e-4 * _drop(minima, start_loss)


def names(codes: torch.Tensor | np.ndarray, minima: tuple[Minimum, ...]) -> list[str]:
    """Readable name of each outcome code, e.g. 'minimum 2 at (−2.81, 3.13)'."""
    glob = set(global_ids(minima))

    def name(c: int) -> str:
        if c < 0:
            return OUTCOMES[c]
        x, y, _ = minima[c]
        kind = "global minimum" if c in glob else "local minimum"
        return f"{kind} {c + 1} at ({x:.2f}, {y:.2f})"

    return [name(int(c)) for c in np.asarray(codes).ravel()]


def shares(codes: torch.Tensor, minima: tuple[Minimum, ...]) -> list[tuple[int, str, int, float]]:
    """(code, name, count, share) of every outcome that occurred, most common first."""
    values, counts = torch.unique(codes, return_counts=True)
    total = codes.numel()
    rows = [
        (int(v), names([int(v)], minima)[0], int(c), int(c) / total) for v, c in zip(values, counts)
    ]
    return sorted(rows, key=lambda r: -r[2])


def reached_global(
    codes: torch.Tensor,
    final_loss: torch.Tensor,
    minima: tuple[Minimum, ...],
    start_loss: torch.Tensor,
) -> torch.Tensor:
    """[N] bool: the run ended at a listed global minimum, or stopped at an unlisted point at
    the global minimum's level (a curve of minima, as w₁w₂ = 1)."""
    gid = global_ids(minima)
    if not gid:
        return torch.zeros(codes.shape, dtype=torch.bool)
    level = _at_global_level(final_loss, minima, start_loss) & (codes == UNLISTED)
    return torch.isin(codes, torch.tensor(gid)) | level


# -- requests ----------------------------------------------------------------------------------
class _Count(TorchDispatchMode):
    """Counts the elements every tensor operation writes: a clock-free measure of work."""

    def __init__(self):
        super().__init__()
        self.elements = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.elements += sum(t.numel() for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor))
        return out


def step_cost(s) -> float:
    """Work of one gradient step of a start on `s`, relative to the costliest textbook surface
    (at least 1).

    Surfaces of real models evaluate a whole dataset per point, so counting starts × steps alone
    would let a 200×200 map of `deep_linear_2w` take half a minute. The elements written by one
    forward and backward pass on a small probe batch measure this without a clock.
    """
    probe = torch.full((64, 2), 0.5, dtype=torch.float64, requires_grad=True)
    with _Count() as c:
        s(probe).sum().backward()
    return max(1.0, c.elements / 64 / REFERENCE_ELEMENTS)


def _check(s, starts: int, steps: int, optimizer: str, what: str) -> None:
    cost = step_cost(s) * (
        descent.SECOND_ORDER_COST if optimizers.info(optimizer).second_order else 1.0
    )
    budget.check(
        work=starts * steps * cost,
        max_work=MAX_WORK,
        what=what,
        hint="Use fewer starts or fewer steps (Newton-type steps, and surfaces built "
        "from data, cost more per step).",
    )


def largest_grid(s, steps: int, optimizer: str) -> int:
    """The largest n (≤ MAX_GRID) whose n×n map of `steps` steps fits the budget on `s`."""
    cost = step_cost(s) * (
        descent.SECOND_ORDER_COST if optimizers.info(optimizer).second_order else 1.0
    )
    return int(min(MAX_GRID, (MAX_WORK / (max(steps, 1) * cost)) ** 0.5))


def cell_centres(s, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Centres of an n×n grid of cells covering the bounds: xs [n], ys [n] (float64)."""
    (x0, x1), (y0, y1) = s.bounds
    i = (torch.arange(n, dtype=torch.float64) + 0.5) / n
    return x0 + (x1 - x0) * i, y0 + (y1 - y0) * i


@dataclass(frozen=True)
class BasinMap:
    """Outcome of an n×n grid of starts; a few sample paths drawn from spread-out starts."""

    xs: np.ndarray  # [n] cell centres
    ys: np.ndarray  # [n]
    codes: np.ndarray  # [n(y), n(x)] outcome of the run started in each cell
    minima: tuple[Minimum, ...]
    shares: list  # (code, name, count, share), most common first
    global_share: float  # share of starts that reached a global minimum (or its level)
    paths: np.ndarray  # [T, m, 2] sample paths (NaN after a run stopped)
    path_codes: np.ndarray  # [m]


def basin_map(
    s,
    n: int = 100,
    optimizer: str = "sgd",
    lr: float = 0.01,
    steps: int = 500,
    samples: int = 3,
    seed: int = 0,
    dtype=torch.float32,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> BasinMap:
    """Run every cell centre of an n×n grid (n ≤ 200) at once, keeping only final points, plus
    samples×samples spread-out starts whose whole paths are recorded."""
    if not 2 <= n <= MAX_GRID:
        raise ValueError(f"the grid has between 2 and {MAX_GRID} starts per side, not {n}")
    if not 0 <= samples <= 5:
        raise ValueError("between 0 and 5 sample paths per side")
    _check(s, n * n, steps, optimizer, f"A {n}×{n} map of {steps:,} steps")
    xs, ys = cell_centres(s, n)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([gx, gy], dim=-1).reshape(-1, 2)
    (x0, x1), (y0, y1) = s.bounds
    f = (torch.arange(samples, dtype=torch.float64) + 0.5) / max(samples, 1)
    sy, sx = torch.meshgrid(
        y0 + (y1 - y0) * (0.1 + 0.8 * f), x0 + (x1 - x0) * (0.1 + 0.8 * f), indexing="ij"
    )
    sample = torch.stack([sx, sy], dim=-1).reshape(-1, 2)
    starts = torch.cat([sample, grid]).to(dtype)  # samples first: record_first keeps their paths
    m = sample.shape[0]
    run = descent.run(
        s,
        starts,
        optimizer,
        lr=lr,
        steps=steps,
        seed=seed,
        record_first=m,
        record_every=max(1, steps // 200),
        progress=progress,
        **hyper,
    )
    minima = known_minima(s)
    codes = label(s, starts, run, minima)
    ok = reached_global(codes, run.final_loss, minima, _loss(s, starts))[m:]
    return BasinMap(
        xs.numpy(),
        ys.numpy(),
        codes[m:].reshape(n, n).numpy(),
        minima,
        shares(codes[m:], minima),
        float(ok.double().mean()),
        _stopped_nan(run, m),
        codes[:m].numpy(),
    )


def _stopped_nan(run: descent.Run, m: int) -> np.ndarray:
    """The recorded paths as numpy, NaN after each run was frozen (so nothing is drawn there)."""
    path = run.path.to(torch.float64).clone()
    stop = run.stopped_at[:m]
    after = (run.steps[:, None] > stop[None, :]) & (stop[None, :] >= 0)
    path[after] = torch.nan
    return path.numpy()


# -- random restarts ---------------------------------------------------------------------------
def random_starts(s, n: int, seed: int = 0, dtype=torch.float32) -> torch.Tensor:
    """n starts drawn uniformly inside the surface's bounds (seeded, drawn in float64)."""
    g = torch.Generator().manual_seed(int(seed))
    (x0, x1), (y0, y1) = s.bounds
    u = torch.rand((n, 2), generator=g, dtype=torch.float64)
    lo = torch.tensor([x0, y0], dtype=torch.float64)
    span = torch.tensor([x1 - x0, y1 - y0], dtype=torch.float64)
    return (lo + span * u).to(dtype)


@dataclass(frozen=True)
class Restarts:
    """N independent runs from random starts, summarised run by run."""

    starts: np.ndarray  # [N, 2]
    start_loss: np.ndarray  # [N]
    final_loss: np.ndarray  # [N]
    codes: np.ndarray  # [N]
    success: np.ndarray  # [N] bool: reached a global minimum (or its level)
    minima: tuple[Minimum, ...]
    ends: np.ndarray  # [N, 2] where each run ended

    @property
    def p(self) -> float:
        """Single-run success rate."""
        return float(self.success.mean()) if len(self.success) else 0.0


def restarts(
    s,
    n: int = 1000,
    optimizer: str = "sgd",
    lr: float = 0.01,
    steps: int = 500,
    seed: int = 0,
    noise: float = 0.0,
    anneal: bool = False,
    dtype=torch.float32,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> Restarts:
    """n runs from seeded uniform random starts (the same starts for the same seed and n, so
    plain and noisy gradient descent can be compared start for start)."""
    if not 1 <= n <= MAX_RESTARTS:
        raise ValueError(f"between 1 and {MAX_RESTARTS:,} restarts, not {n}")
    _check(s, n, steps, optimizer, f"{n:,} restarts × {steps:,} steps")
    starts = random_starts(s, n, seed, dtype)
    run = descent.run(
        s,
        starts,
        optimizer,
        lr=lr,
        steps=steps,
        seed=seed,
        noise=noise,
        anneal=anneal,
        record_first=0,
        progress=progress,
        **hyper,
    )
    minima = known_minima(s)
    codes = label(s, starts, run, minima)
    start_loss = _loss(s, starts)
    success = reached_global(codes, run.final_loss, minima, start_loss)
    return Restarts(
        starts.double().numpy(),
        start_loss.numpy(),
        run.final_loss.double().numpy(),
        codes.numpy(),
        success.numpy(),
        minima,
        run.final.double().numpy(),
    )


def k_values(n: int, points: int = 60) -> torch.Tensor:
    """About `points` restart counts 1 … n, log-spaced so the small counts are all there."""
    k = torch.logspace(0, np.log10(max(n, 1)), points, dtype=torch.float64).round().long()
    return torch.unique(torch.cat([k, torch.tensor([1, n])]))


def _shuffled(values: torch.Tensor, shuffles: int, seed: int) -> torch.Tensor:
    """[shuffles, N]: the runs in `shuffles` seeded random orders (one argsort, no loop)."""
    if not 1 <= shuffles <= MAX_SHUFFLES:
        raise ValueError(f"between 1 and {MAX_SHUFFLES} shuffles, not {shuffles}")
    g = torch.Generator().manual_seed(int(seed))
    order = torch.argsort(torch.rand((shuffles, values.shape[0]), generator=g), dim=1)
    return values[order]


def best_after_k(
    final_loss: np.ndarray,
    usable: np.ndarray,
    shuffles: int = 200,
    seed: int = 0,
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9),
) -> tuple[np.ndarray, np.ndarray]:
    """k [K] and the best loss after k restarts at the given quantiles over shuffles [Q, K].

    Runs that are not usable (escaped or diverged) count as +inf: they give no answer.
    """
    v = torch.as_tensor(final_loss, dtype=torch.float64).clone()
    v[~torch.as_tensor(usable)] = torch.inf
    best = torch.cummin(_shuffled(v, shuffles, seed), dim=1).values
    k = k_values(v.shape[0])
    q = torch.quantile(
        best[:, k - 1], torch.tensor(quantiles, dtype=torch.float64), dim=0, interpolation="nearest"
    )
    return k.numpy(), q.numpy()


def success_within_k(
    success: np.ndarray, shuffles: int = 200, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k [K], the measured share of shuffles that succeed within k restarts [K], and the
    independent-tries prediction 1 − (1 − p)ᵏ with p the single-run success rate [K]."""
    s = torch.as_tensor(success, dtype=torch.float64)
    hit = torch.cummax(_shuffled(s, shuffles, seed), dim=1).values
    k = k_values(s.shape[0])
    p = float(s.mean()) if s.numel() else 0.0
    return k.numpy(), hit[:, k - 1].mean(0).numpy(), (1 - (1 - p) ** k.double()).numpy()


#: Fewest disjoint groups a measured chance of success within k restarts is averaged over.
MIN_GROUPS = 10


def success_in_groups(
    success: np.ndarray, k: np.ndarray, min_groups: int = MIN_GROUPS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chance of success within k restarts, measured: the runs (a pool of its own, not the
    one p came from) cut into ⌊N/k⌋ disjoint groups of k, and the share of groups with at least
    one success. Each run counts once per k, so unlike reshuffling one pool this can disagree
    with 1 − (1 − p)ᵏ: it tests whether restarts behave as independent tries.
    Returns the k with at least `min_groups` groups [K'], the measured shares [K'] and the
    number of groups behind each [K']."""
    s = np.asarray(success, dtype=bool)
    k = np.asarray(k)
    k = k[(k >= 1) & (len(s) // np.maximum(k, 1) >= min_groups)]
    groups = len(s) // k
    hit = np.array([s[: g * j].reshape(g, j).any(axis=1).mean() for j, g in zip(k, groups)])
    return k, hit.astype(np.float64), groups


@dataclass(frozen=True)
class GoodEnough:
    """Each run's shortfall as a share of the way from the typical starting loss to the best."""

    gap: np.ndarray  # [N] (final − best) / (median start − best); NaN for left runs
    good: int
    not_good: int
    escaped: int
    diverged: int
    best: float
    reference: float  # the median starting loss


def good_enough(
    start_loss: np.ndarray, final_loss: np.ndarray, codes: np.ndarray, within: float = 0.05
) -> GoodEnough:
    """Which runs end within `within` (a share, 0.05 = 5%) of the best run, measured along the
    distance from the median starting loss down to the best final loss.

    A plain percentage of the best loss would be meaningless: minima can be 0 or negative.
    Escaped and diverged runs are counted apart and excluded from the best.
    """
    codes = np.asarray(codes)
    final = np.asarray(final_loss, dtype=np.float64)
    usable = (codes >= MOVING) & np.isfinite(final)
    escaped, diverged = int((codes == ESCAPED).sum()), int((codes == DIVERGED).sum())
    if not usable.any():
        return GoodEnough(np.full(final.shape, np.nan), 0, 0, escaped, diverged, np.nan, np.nan)
    best = float(final[usable].min())
    ref = float(np.nanmedian(np.where(np.isfinite(start_loss), start_loss, np.nan)))
    span = ref - best
    gap = np.where(usable, (final - best) / span if span > 0 else 0.0, np.nan)
    good = int((gap[usable] <= within).sum())
    return GoodEnough(gap, good, int(usable.sum()) - good, escaped, diverged, best, ref)


# -- restarts of a real network ----------------------------------------------------------------
@dataclass(frozen=True)
class NetRestarts:
    """R restarts of one small MLP on one dataset, and what the page draws from them."""

    X: np.ndarray  # [n, 2] data
    y: np.ndarray  # [n]
    final_loss: np.ndarray  # [R]
    diverged: np.ndarray  # [R] bool
    curve_steps: np.ndarray  # [T] steps at which curves are kept
    curves: np.ndarray  # [T, R] loss of every restart
    norms: np.ndarray  # [T, R] weight-vector norm of every restart
    accuracy: np.ndarray  # [R] share of points classified right
    picks: dict  # "best" / "median" / "worst" → restart index
    grid: tuple  # (xs [g], ys [g]) where the boundaries are drawn
    probs: dict  # same keys → [g(y), g(x)] probability of class 1
    stalled: np.ndarray  # [R] bool: not diverged, yet not within 10% of the way from the
    #                         typical starting loss down to the best restart
    size: int  # number of weights
    corner_output: np.ndarray  # [R, 4] mean output on the points of each quadrant (x < 0 or
    #                            not, y < 0 or not): XOR's four clusters
    corner_label: np.ndarray  # [4] share of class 1 among the points of each quadrant


def net_restarts(
    dataset: str = "xor",
    points: int = 200,
    noise: float = 0.1,
    hidden=(2,),
    activation: str = "sigmoid",
    loss: str = "mse",
    restarts: int = 64,
    steps: int = 500,
    optimizer: str = "sgd",
    lr: float = 2.0,
    seed: int = 0,
    scheme: str = "xavier",
    grid: int = 60,
    keep: int = 100,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> NetRestarts:
    """Train R restarts at once (networks.train) and summarise them for the page: loss curves and
    weight norms on about `keep` steps, and the decision boundaries of the best, median and worst
    restart on a grid × grid raster."""
    X, y = make_data(dataset, n=points, noise=noise, seed=seed)
    net = networks.MLP(hidden=hidden, activation=activation, loss=loss)
    W0 = net.init(restarts, seed=seed, scheme=scheme)
    every = max(1, steps // keep)
    fit = networks.train(
        net,
        X,
        y,
        W0,
        optimizer=optimizer,
        lr=lr,
        steps=steps,
        seed=seed,
        record_every=every,
        progress=progress,
        **hyper,
    )
    at = torch.tensor(sorted(set(range(0, steps + 1, every)) | {steps}))
    curves = fit.loss[at].double()
    norms = fit.path.double().square().sum(-1).sqrt()
    final = fit.loss[-1].double()
    with torch.no_grad():
        out = net.predict(fit.weights, X).double()
    acc = ((out > 0.5).to(y.dtype) == y).double().mean(-1)
    corner = (X[:, 0] >= 0).long() * 2 + (X[:, 1] >= 0).long()
    corners = [corner == q for q in range(4)]
    nan = torch.full(out.shape[:1], torch.nan, dtype=torch.float64)
    corner_output = torch.stack([out[:, c].mean(-1) if c.any() else nan for c in corners], -1)
    corner_label = torch.tensor(
        [float(y[c].double().mean()) if c.any() else np.nan for c in corners]
    )
    usable = torch.isfinite(final) & ~fit.diverged
    ranked = torch.argsort(torch.where(usable, final, torch.inf))
    count = int(usable.sum())
    picks = (
        {
            "best": int(ranked[0]),
            "median": int(ranked[(count - 1) // 2]),
            "worst": int(ranked[count - 1]),
        }
        if count
        else {}
    )
    lo, hi = X.min(0).values - 0.5, X.max(0).values + 0.5
    gx = torch.linspace(float(lo[0]), float(hi[0]), grid)
    gy = torch.linspace(float(lo[1]), float(hi[1]), grid)
    yy, xx = torch.meshgrid(gy, gx, indexing="ij")
    G = torch.stack([xx, yy], dim=-1).reshape(-1, 2)
    probs = {}
    if picks:
        with torch.no_grad():
            P = net.predict(fit.weights[list(picks.values())], G).double()
        probs = {k: P[i].reshape(grid, grid).numpy() for i, k in enumerate(picks)}
    codes = np.where(fit.diverged.numpy(), DIVERGED, ELSEWHERE)
    ge = good_enough(curves[0].numpy(), final.numpy(), codes, within=0.1)
    stalled = ~(ge.gap <= 0.1) & ~fit.diverged.numpy()
    return NetRestarts(
        X.double().numpy(),
        y.numpy(),
        final.numpy(),
        fit.diverged.numpy(),
        at.numpy(),
        curves.numpy(),
        norms.numpy(),
        acc.numpy(),
        picks,
        (gx.double().numpy(), gy.double().numpy()),
        probs,
        stalled,
        net.size,
        corner_output.numpy(),
        corner_label.numpy(),
    )
