"""How long descent takes to leave a saddle, measured by running it, next to what theory predicts.

The experiment (on x² − y²: start at (1, ε)): start on the saddle's *stable* direction, the one
that on its own leads into the saddle, pushed off it by ε along the *unstable* (downhill) one.
Every ε is one restart of one batched float64 `descent.run` (float32 cannot hold an offset of
1e-10 next to 1). A run has *escaped* at the first step whose loss is at least `Saddle.drop` below
the saddle's own value — a height no point near the saddle's stable side reaches — so the count
does not depend on how the path wanders before.

Theory for a strict saddle (Hessian eigenvalue λ < 0): near it, gradient descent multiplies the
downhill offset by ρ = 1 + η|λ| each step, so the offset grows from ε to about 1 in
ln(1/ε) / ln ρ steps: a straight line against log ε. Heavy-ball momentum has a larger ρ, the
larger root of z² − (1 + β + η|λ|) z + β = 0. At a degenerate saddle (zero Hessian, e.g. the monkey
saddle) the push is not proportional to the offset and the count grows like a power of 1/ε.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from . import curvature, descent

#: The ε of the sweep: 1e-1 … 1e-10, two per decade.
EPS_GRID: tuple[float, ...] = tuple(10.0 ** -(k / 2) for k in range(2, 21))
#: A Hessian whose eigenvalues are all below this (in size) counts as zero: no preferred directions.
FLAT = 1e-8


@dataclass(frozen=True)
class Saddle:
    """A saddle point and the directions the escape experiment uses."""

    x: float
    y: float
    value: float
    eigenvalues: tuple[float, float]  # ascending; the first is negative at a strict saddle
    stable: tuple[float, float]  # unit vector of the larger eigenvalue: uphill, leads back in
    unstable: tuple[float, float]  # unit vector of the smaller eigenvalue: the way out
    degenerate: bool  # zero Hessian: the axes are used as directions
    drop: float  # how far below `value` the loss must fall to count as escaped

    @property
    def rate(self) -> float:
        """|λ| of the downhill direction (0 at a degenerate saddle)."""
        return 0.0 if self.degenerate else max(0.0, -self.eigenvalues[0])


def _is_saddle(s, p: torch.Tensor, value: float, span: float) -> bool:
    """Lower *and* higher points arbitrarily close: the definition of a saddle, which also
    catches degenerate ones whose Hessian test is silent."""
    angle = torch.linspace(0, 2 * math.pi, 73, dtype=torch.float64)[:-1]
    ring = p + 1e-3 * span * torch.stack([angle.cos(), angle.sin()], -1)
    with torch.no_grad():
        f = s(ring)
    tol = 1e-13 * (1 + abs(value))
    return bool((f < value - tol).any() and (f > value + tol).any())


def find_saddles(s, n: int = 21) -> list[Saddle]:
    """Every saddle of `s` inside its bounds that `curvature.critical_points` finds, lowest first.

    `drop` is half the fall from the saddle to the lowest critical point or known minimum below
    it, or 1 where there is none (a surface that falls away forever).
    """
    try:
        found = curvature.critical_points(s, n=n)
    except torch.linalg.LinAlgError as exc:  # a Hessian that is not a finite number somewhere
        raise ValueError(
            "This surface is not a finite number everywhere on its map (for example "
            "the square root or log of a negative number), so its saddles cannot be "
            "searched for."
        ) from exc
    (x0, x1), (y0, y1) = s.bounds
    span = max(x1 - x0, y1 - y0)
    lows = [c.value for c in found] + [m[2] for m in s.minima]
    out = []
    for c in found:
        p = torch.tensor([c.x, c.y], dtype=torch.float64)
        if not _is_saddle(s, p, c.value, span):
            continue
        lam, vec = torch.linalg.eigh(curvature.hessian(s, p))
        degenerate = float(lam.abs().max()) < FLAT
        if degenerate:
            stable, unstable = (1.0, 0.0), (0.0, 1.0)
        else:
            stable = tuple(float(v) for v in vec[:, 1])
            unstable = tuple(float(v) for v in vec[:, 0])
        below = [v for v in lows if v < c.value - 1e-9 * (1 + abs(c.value))]
        drop = 0.5 * (c.value - min(below)) if below and s.bounded_below else 1.0
        out.append(
            Saddle(
                c.x,
                c.y,
                c.value,
                (float(lam[0]), float(lam[1])),
                stable,
                unstable,
                degenerate,
                drop,
            )
        )
    return out


def starts(saddle: Saddle, eps: Sequence[float], along: float = 1.0) -> torch.Tensor:
    """[K, 2] float64: the saddle + `along` × stable direction + ε × unstable direction."""
    e = torch.as_tensor(list(eps), dtype=torch.float64).unsqueeze(-1)
    p = torch.tensor([saddle.x, saddle.y], dtype=torch.float64)
    return (
        p
        + along * torch.tensor(saddle.stable, dtype=torch.float64)
        + e * torch.tensor(saddle.unstable, dtype=torch.float64)
    )


@dataclass(frozen=True)
class Escape:
    """One optimiser run from every ε at once; arrays are numpy, restarts in the order of `eps`."""

    eps: np.ndarray  # [K]
    escape_step: np.ndarray  # [K] first step with loss ≤ threshold; −1: not within the run
    left: np.ndarray  # [K] bool: left the surface's box (escaped far, or diverged)
    stopped_at: np.ndarray  # [K] step at which a run that left was frozen (−1: never)
    steps: np.ndarray  # [T] step numbers 0 … n
    path: np.ndarray  # [T, K, 2]
    loss: np.ndarray  # [T, K]
    grad_norm: np.ndarray  # [T, K]
    index: np.ndarray  # [T, K] share of downhill curvature directions along each path
    threshold: float  # the loss that counts as escaped


def measure(
    s,
    saddle: Saddle,
    eps: Sequence[float],
    optimizer: str = "sgd",
    lr: float = 0.05,
    steps: int = 400,
    along: float = 1.0,
    seed: int = 0,
    noise: float = 0.0,
    progress: Callable[[float], None] | None = None,
    **hyper,
) -> Escape:
    """Run `optimizer` from every ε as one float64 batch and count the steps to escape."""
    x0 = starts(saddle, eps, along)
    run = descent.run(
        s,
        x0,
        optimizer=optimizer,
        lr=lr,
        steps=steps,
        seed=seed,
        noise=noise,
        record_every=1,
        progress=progress,
        **hyper,
    )
    threshold = saddle.value - saddle.drop
    below = run.loss <= threshold
    hit = below.any(0)
    never = torch.full_like(hit, -1, dtype=torch.long)
    first = torch.where(hit, below.to(torch.int8).argmax(0), never)
    idx = path_index(s, run.path)
    return Escape(
        np.asarray(list(eps), dtype=float),
        first.numpy(),
        run.diverged.numpy(),
        run.stopped_at.numpy(),
        run.steps.numpy(),
        run.path.numpy(),
        run.loss.numpy(),
        run.grad_norm.numpy(),
        idx.numpy(),
        threshold,
    )


def path_index(s, points: torch.Tensor) -> torch.Tensor:
    """The index (share of downhill curvature directions) at every point [..., 2]; NaN where the
    Hessian is not a finite number (a typed formula can have such points)."""
    H = curvature.hessian(s, points)
    ok = torch.isfinite(H).flatten(-2).all(-1)
    eigs = torch.linalg.eigvalsh(torch.where(ok[..., None, None], H, torch.zeros_like(H)))
    return torch.where(ok, curvature.index(eigs), torch.full_like(ok, torch.nan, dtype=H.dtype))


def growth(optimizer: str, lr: float, rate: float, momentum: float = 0.9) -> float | None:
    """Factor by which the downhill offset grows per step near a strict saddle of curvature −rate,
    for gradient descent and heavy-ball momentum; None where there is no such law."""
    if rate <= 0 or lr <= 0:
        return None
    if optimizer == "sgd":
        return 1.0 + lr * rate
    if optimizer == "momentum":
        b = 1.0 + momentum + lr * rate
        return (b + math.sqrt(b * b - 4 * momentum)) / 2
    return None


def theory_steps(eps: Sequence[float], rho: float) -> np.ndarray:
    """ln(1/ε) / ln ρ: steps for an offset ε to grow to 1 when it grows by ρ each step."""
    return np.log(1.0 / np.asarray(eps, dtype=float)) / math.log(rho)


def _fit(x: np.ndarray, y: np.ndarray) -> float | None:
    return float(np.polyfit(x, y, 1)[0]) if len(x) >= 3 and np.ptp(x) > 0 else None


def slope(eps: Sequence[float], escape_step: Sequence[int]) -> float | None:
    """Measured steps per e-fold of 1/ε (least squares over the runs that escaped, ε > 0);
    compare with 1 / ln ρ. None with fewer than three such runs."""
    e, k = np.asarray(eps, dtype=float), np.asarray(escape_step)
    ok = (e > 0) & (k >= 0)
    return _fit(np.log(1.0 / e[ok]), k[ok].astype(float))


def power(eps: Sequence[float], escape_step: Sequence[int]) -> float | None:
    """Measured exponent p in steps ∝ (1/ε)^p (a straight line on log–log axes): near 0 for a
    strict saddle, clearly positive for a degenerate one."""
    e, k = np.asarray(eps, dtype=float), np.asarray(escape_step)
    ok = (e > 0) & (k > 0)
    return _fit(np.log(1.0 / e[ok]), np.log(k[ok].astype(float)))


# -- a real network's plateau ----------------------------------------------------------------------


@dataclass(frozen=True)
class NetPlateau:
    """Restarts of one small network from two initial scales, trained together; restart r used
    `scales[group[r]]`. The plateau's height `level` is the loss of the all-zero network, which
    predicts 50% everywhere; a restart has left the plateau once its loss is 10% below it."""

    scales: tuple[float, ...]
    group: np.ndarray  # [R]
    loss: np.ndarray  # [steps + 1, R]
    grad_norm: np.ndarray  # [steps + 1, R]
    level: float
    left_at: np.ndarray  # [R] first step with loss ≤ 0.9 × level; −1: never
    probe_steps: np.ndarray  # [T] steps at which the first restart of each scale was examined
    eigenvalues: np.ndarray  # [G, T, P] its Hessian eigenvalues there (ascending)
    index: np.ndarray  # [G, T] share of negative ones
    size: int  # P, the number of weights


#: Hessian entries (probes × P²) examined along each run: 40 probes of a 37-weight net.
PROBE_WORK = 6e4


def _hessians(net, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """[B, P, P] Hessians of the loss at each row of W, in float64, all rows in one batched
    `curvature.hessian` (reverse mode only: torch.func's forward-mode hessian keeps global
    state, and two sessions computing at once on one server failed with it)."""
    X64, y64 = X.to(torch.float64), y.to(torch.float64)
    return curvature.hessian(lambda V: net.loss(V, X64, y64), W.to(torch.float64))


def net_plateau(
    dataset: str = "xor",
    hidden: Sequence[int] = (4, 4),
    activation: str = "tanh",
    scales: Sequence[float] = (0.05, 0.5),
    restarts: int = 6,
    optimizer: str = "sgd",
    lr: float = 1.0,
    steps: int = 800,
    seed: int = 0,
    n: int = 100,
    noise: float = 0.2,
    progress: Callable[[float], None] | None = None,
) -> NetPlateau:
    """Train `restarts` networks per initial scale (N(0, scale²) weights) as one batch, and take
    the Hessian of the first restart of each scale at evenly spaced steps along its run (up to
    40, fewer for larger networks: see PROBE_WORK)."""
    from . import data, networks

    X, y = data.make(dataset, n=n, noise=noise, seed=seed)
    net = networks.MLP(hidden=tuple(hidden), activation=activation)
    W0 = torch.cat(
        [net.init(restarts, seed=seed, scheme="small", scale=float(sc)) for sc in scales]
    )
    probes = max(4, min(40, int(PROBE_WORK / net.size**2)))
    every = max(1, -(-steps // probes))
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
    )
    level = float(net.loss(torch.zeros(1, net.size), X, y)[0])
    below = fit.loss <= 0.9 * level
    left = torch.where(below.any(0), below.to(torch.int8).argmax(0), torch.full((W0.shape[0],), -1))
    firsts = [g * restarts for g in range(len(scales))]
    T = fit.path.shape[0]
    with torch.no_grad():
        H = _hessians(net, X, y, fit.path[:, firsts].reshape(T * len(firsts), -1))
        eig = torch.linalg.eigvalsh(H).reshape(T, len(firsts), -1).transpose(0, 1)
    probe_steps = np.array(sorted(set(range(0, steps + 1, every)) | {steps}))
    return NetPlateau(
        tuple(float(s) for s in scales),
        np.repeat(np.arange(len(scales)), restarts),
        fit.loss.double().numpy(),
        fit.grad_norm.double().numpy(),
        level,
        left.numpy(),
        probe_steps,
        eig.numpy(),
        curvature.index(eig).numpy(),
        net.size,
    )
