"""What changes as the number of dimensions grows, measured rather than asserted.

Random points in a cube all end up about equally far apart; a grid over the weights needs rᵈ
points; a random symmetric matrix (a stand-in for the Hessian at a random critical point) almost
never has every eigenvalue positive; a separable function's 3ᵈ critical points are nearly all
saddles, and the more downhill directions a critical point has the higher it sits. The same is
then looked for in real networks: critical points found by a search, restarts of several widths,
and random 2-D slices through a saddle.
"""

from __future__ import annotations

import functools
import inspect
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from . import budget, curvature, data, landscape, networks

Progress = Callable[[float], None] | None

AGE_OF_UNIVERSE_S = 13.8e9 * 365.25 * 86400  # 13.8 billion years (Planck Collaboration 2020)


def _remembered(fn):
    """Keep the last few results of an expensive experiment by its arguments (progress aside),
    so that a later question about the same result (a slice through one of its saddles) does not
    run it again. Thread-safe."""
    sig = inspect.signature(fn)
    memo: OrderedDict = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def wrapper(*args, progress: Progress = None, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        key = tuple(
            (k, tuple(v) if isinstance(v, list) else v)
            for k, v in bound.arguments.items()
            if k != "progress"
        )
        with lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        out = fn(*args, progress=progress, **kwargs)
        with lock:
            memo[key] = out
            while len(memo) > 8:
                memo.popitem(last=False)
        return out

    return wrapper


def _generator(seed: int, stream: int = 0) -> torch.Generator:
    """A generator for one (seed, stream) pair, so that e.g. the draw for n = 4 does not depend
    on which other sizes were asked for."""
    return torch.Generator().manual_seed(int(seed) * 1_000_003 + int(stream))


# -- 1. distances concentrate ---------------------------------------------------------------------

MAX_DISTANCE_WORK = 1e9  # pairs × dimensions summed over the dimensions asked for


@dataclass(frozen=True)
class Distances:
    """Pairwise distances between `points` uniform random points of the unit cube, per dimension."""

    dims: np.ndarray  # [K]
    mean: np.ndarray  # [K] mean distance
    std: np.ndarray  # [K] standard deviation of the distances
    contrast: np.ndarray  # [K] median over points of (farthest − nearest) / nearest
    scaled: list[np.ndarray]  # per dimension: every distance divided by the mean distance

    @property
    def spread(self) -> np.ndarray:
        """Standard deviation relative to the mean: how different the distances still are."""
        return self.std / self.mean


def spread_theory(d) -> np.ndarray:
    """Large-d spread of uniform-cube distances: each squared coordinate gap has mean 1/6 and
    variance 7/180, so distance ≈ √(d/6) ± √(7/120) and spread ≈ √(0.35/d)."""
    return np.sqrt(0.35 / np.asarray(d, dtype=np.float64))


def distances(dims: Sequence[int], points: int = 200, seed: int = 0) -> Distances:
    """Distances among the same random points, using their first d coordinates for each d."""
    dims = sorted({int(d) for d in dims})
    if not dims or dims[0] < 1:
        raise ValueError("dimensions start at 1")
    points = int(points)
    if points < 3:
        raise ValueError(f"need at least 3 points, not {points}")
    pairs = points * (points - 1) / 2
    budget.check(
        work=pairs * sum(dims),
        max_work=MAX_DISTANCE_WORK,
        what=f"Distances among {points:,} points in up to {dims[-1]:,} dimensions",
        nbytes=8.0 * points * dims[-1],
        hint="Use fewer points or dimensions.",
    )
    X = torch.rand((points, dims[-1]), generator=_generator(seed), dtype=torch.float64)
    mean, std, contrast, scaled = [], [], [], []
    for d in dims:  # a handful of dimensions, each one batched over all pairs
        D = torch.cdist(X[:, :d], X[:, :d])
        D.fill_diagonal_(float("nan"))
        near = D.nan_to_num(float("inf")).amin(dim=1)
        far = D.nan_to_num(0.0).amax(dim=1)
        flat = torch.pdist(X[:, :d])
        m = flat.mean()
        mean.append(float(m))
        std.append(float(flat.std()))
        contrast.append(float(((far - near) / near).median()))
        scaled.append((flat / m).numpy())
    return Distances(np.array(dims), np.array(mean), np.array(std), np.array(contrast), scaled)


# -- 2. grids explode -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """Loss evaluations per second measured on this machine, and on what."""

    per_second: float
    weights: int
    points: int
    batch: int


def measure_rate(
    hidden: int = 24, points: int = 200, batch: int = 2048, seconds: float = 0.3
) -> Rate:
    """Time batched `net.loss` (no gradient) on a 2-hidden-1 network: how many weight vectors a
    grid search could score per second here, at best (one thread, as the server runs)."""
    net = networks.MLP((int(hidden),), "tanh")
    X, y = data.make("moons", n=points, noise=0.1, seed=0)
    W = net.init(batch, seed=0)
    with torch.no_grad():
        net.loss(W, X, y)  # first call pays one-off costs
        done, start = 0, time.perf_counter()
        while True:
            net.loss(W, X, y)
            done += batch
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
    return Rate(done / elapsed, net.size, int(points), int(batch))


def grid_log10(values_per_weight: float, weights: float) -> float:
    """log₁₀ of the number of grid points: r values for each of d weights is rᵈ points."""
    if values_per_weight < 1 or weights < 0:
        raise ValueError("a grid has at least one value per weight and no negative weights")
    return float(weights) * math.log10(values_per_weight)


_UNITS = [
    ("second", 1.0),
    ("minute", 60.0),
    ("hour", 3600.0),
    ("day", 86400.0),
    ("year", 365.25 * 86400),
]


def _power(log10: float) -> str:
    """10 to a power in plain text: 3.2 × 10⁴⁵."""
    k = math.floor(log10)
    mantissa = 10 ** (log10 - k)
    if mantissa >= 9.95:
        mantissa, k = 1.0, k + 1
    sup = str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa:.1f} × 10{sup}"


def _count(log10: float) -> str:
    if log10 < 6:
        return f"{10**log10:,.0f}"
    if log10 < 15:
        for word, p in (("trillion", 12), ("billion", 9), ("million", 6)):
            if log10 >= p:
                return f"{10 ** (log10 - p):.1f} {word}"
    return _power(log10)


def duration_parts(log10_seconds: float) -> tuple[str, str]:
    """A duration given as log₁₀ seconds as (number, unit): the largest plain unit that fits, up
    to a million years; then millions or billions of years; beyond the age of the universe
    (13.8 billion years), ages of the universe."""
    if log10_seconds < 0:
        return "less than 1", "second"
    years = log10_seconds - math.log10(_UNITS[-1][1])
    universe = log10_seconds - math.log10(AGE_OF_UNIVERSE_S)
    if years < 6:
        word, size = next(u for u in reversed(_UNITS) if log10_seconds >= math.log10(u[1]))
        value = 10**log10_seconds / size
        shown = f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
        return shown, word + ("" if shown == "1.0" else "s")
    if universe < 0:
        return _count(years), "years"
    if universe < 1:
        return f"{10**universe:.1f}", "ages of the universe"
    return _count(universe), "ages of the universe"


def duration_words(log10_seconds: float) -> str:
    """duration_parts as one phrase: "3.2 million years"."""
    return " ".join(duration_parts(log10_seconds))


def count_words(log10: float) -> str:
    """A count given as log₁₀, in words or powers of ten."""
    return _count(log10)


# -- 3. random Hessians: almost never all positive ------------------------------------------------

MAX_GOE_WORK = 1e8  # samples × n, summed over the sizes asked for: numbers drawn
GOE_CHUNK = 1 << 18


def goe(
    n: int, samples: int, generator: torch.Generator, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """[samples, n, n] matrices from the Gaussian orthogonal ensemble: (A + Aᵀ)/√2 with A's
    entries standard normal, so off-diagonal entries have variance 1 and diagonal ones 2 (the
    density is proportional to exp(−tr H²/4), unchanged by rotations)."""
    A = torch.randn((samples, n, n), generator=generator, dtype=dtype)
    return (A + A.transpose(1, 2)) * (0.5**0.5)


def positive_definite(H: torch.Tensor) -> torch.Tensor:
    """[S] bool: every eigenvalue > 0. A Cholesky factorisation exists exactly then; it gives
    the same answer as the sign of eigvalsh's smallest eigenvalue about ten times faster."""
    return torch.linalg.cholesky_ex(H).info == 0


def goe_hits(n: int, samples: int, seed: int = 0, progress: Progress = None) -> int:
    """How many of `samples` GOE matrices of size n have every eigenvalue positive.

    A matrix with a negative diagonal entry has a negative eigenvalue (eᵢᵀHeᵢ < 0), and the
    entries are independent, so the diagonals are drawn first and only the 2⁻ⁿ share of
    matrices whose diagonal is all positive get their other entries and a Cholesky test: the
    same count as testing every matrix, a few hundred times cheaper at n = 8."""
    n, samples = int(n), int(samples)
    if n < 1 or samples < 1:
        raise ValueError("need n ≥ 1 and at least one sample")
    budget.check(
        work=samples * n,
        max_work=MAX_GOE_WORK,
        what=f"{samples:,} random {n}×{n} matrices",
        hint="Use fewer samples.",
    )
    gen, hits = _generator(seed, n), 0
    for start in range(0, samples, GOE_CHUNK):
        size = min(GOE_CHUNK, samples - start)
        diagonal = torch.randn((size, n), generator=gen) * 2**0.5
        diagonal = diagonal[(diagonal > 0).all(-1)]
        if len(diagonal):
            H = goe(n, len(diagonal), gen)
            H.diagonal(dim1=1, dim2=2).copy_(diagonal)
            hits += int(positive_definite(H).sum())
        if progress is not None:
            progress((start + size) / samples)
    return hits


def shifted_goe_hits(n: int, samples: int, seed: int = 0, shift: float = 2.0) -> int:
    """How many of `samples` GOE matrices of size n, every eigenvalue moved up by shift·√n, have
    every eigenvalue positive: the Hessian at a *low* critical point of a random Gaussian
    landscape, which in Bray & Dean's (2007) analysis is a GOE matrix plus a shift that grows
    the lower the point sits. The GOE's eigenvalues fill about ±2√n, so shift = 2 moves the
    lowest of them to about zero."""
    n, samples = int(n), int(samples)
    if n < 1 or samples < 1:
        raise ValueError("need n ≥ 1 and at least one sample")
    budget.check(
        work=samples * n * n,
        max_work=MAX_GOE_WORK,
        what=f"{samples:,} shifted random {n}×{n} matrices",
        hint="Use fewer samples.",
    )
    gen, hits = _generator(seed, 1000 + n), 0
    for start in range(0, samples, GOE_CHUNK):
        size = min(GOE_CHUNK, samples - start)
        H = goe(n, size, gen)
        H.diagonal(dim1=1, dim2=2).add_(shift * math.sqrt(n))
        hits += int(positive_definite(H).sum())
    return hits


def goe_minimum_fraction(n: int, samples: int = 100_000, seed: int = 0) -> float:
    """Share of random symmetric (GOE) n×n matrices with all eigenvalues > 0: the chance that a
    random critical point with that Hessian would be a minimum. 1/2 for n = 1, (2 − √2)/4 for
    n = 2, and about 3^(−n²/4) for large n (Dean & Majumdar 2008)."""
    return goe_hits(n, samples, seed) / int(samples)


@dataclass(frozen=True)
class Census:
    n: np.ndarray  # [K]
    hits: np.ndarray  # [K] matrices with every eigenvalue positive
    samples: int

    @property
    def share(self) -> np.ndarray:
        return self.hits / self.samples

    @property
    def zero_bound(self) -> float:
        """With no hit in N samples, the share is below 1 − 0.05^(1/N) ≈ 3/N (95% confidence)."""
        return -math.expm1(math.log(0.05) / self.samples)


def check_census(ns: Sequence[int], samples: int) -> None:
    """Raise BudgetError if `samples` matrices of every size in ns is too much work."""
    budget.check(
        work=int(samples) * sum(int(n) for n in ns),
        max_work=MAX_GOE_WORK,
        what=f"{int(samples):,} random matrices for each size up to {max(ns)}",
        hint="Use fewer samples or a smaller largest size.",
    )


def goe_census(
    ns: Sequence[int],
    samples: int,
    seed: int = 0,
    progress: Progress = None,
    count: Callable[..., int] = goe_hits,
) -> Census:
    """`goe_hits` for every n, sharing one budget; `count` may be a cached goe_hits, so that each
    size is kept on its own."""
    ns = [int(n) for n in ns]
    check_census(ns, samples)
    hits = []
    for k, n in enumerate(ns):
        step = (lambda f, k=k: progress((k + f) / len(ns))) if progress else None
        hits.append(count(n, samples, seed, step))
    return Census(np.array(ns), np.array(hits), int(samples))


def dean_majumdar(n) -> np.ndarray:
    """The large-n rate of the share with all eigenvalues positive, exp(−n² ln3 / 4) = 3^(−n²/4)
    (Dean & Majumdar 2006, 2008): its leading term only, so a trend, not small-n values."""
    n = np.asarray(n, dtype=np.float64)
    return 3.0 ** (-n * n / 4)


def naive(n) -> np.ndarray:
    """The share if each eigenvalue's sign were an independent coin flip: 2⁻ⁿ."""
    return 2.0 ** -np.asarray(n, dtype=np.float64)


# -- 4. a separable function: every critical point, enumerated ------------------------------------

MAX_ST_DIM = 12  # 3¹² = 531,441 critical points


def st_roots() -> torch.Tensor:
    """The three roots of the 1-D Styblinski–Tang slope, 2x³ − 16x + 5/2 = 0, ascending (float64):
    x³ − 8x + 5/4 = 0 solved by the trigonometric formula for three real roots."""
    p, q = -8.0, 1.25
    r = 2 * math.sqrt(-p / 3)
    phi = math.acos(3 * q / (p * r))
    roots = [r * math.cos((phi - 2 * math.pi * k) / 3) for k in range(3)]
    return torch.tensor(sorted(roots), dtype=torch.float64)


def styblinski_tang(x: torch.Tensor) -> torch.Tensor:
    """½ Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ) over the last dimension: [..., d] → [...]."""
    return 0.5 * (x**4 - 16 * x**2 + 5 * x).sum(-1)


def st_curvature(x: torch.Tensor) -> torch.Tensor:
    """The Hessian's diagonal, 6xᵢ² − 16: the function is a sum of 1-D terms, so its Hessian is
    diagonal and these are its eigenvalues."""
    return 6 * x**2 - 16


@dataclass(frozen=True)
class Enumeration:
    """All 3ᵈ critical points of d-dimensional Styblinski–Tang."""

    d: int
    choice: np.ndarray  # [3ᵈ, d] uint8: which root (0 low, 1 middle, 2 high) per coordinate
    loss: np.ndarray  # [3ᵈ]
    downhill: np.ndarray  # [3ᵈ] number of negative Hessian eigenvalues
    index: np.ndarray  # [3ᵈ] share of negative eigenvalues

    @property
    def minima(self) -> int:
        return int((self.downhill == 0).sum())


def st_critical_points(d: int) -> Enumeration:
    """Every critical point, as one batch: each coordinate sits at one of the three roots of the
    1-D slope, so the points are the base-3 numbers 0 … 3ᵈ − 1; their loss and Hessian follow."""
    d = int(d)
    if not 1 <= d <= MAX_ST_DIM:
        raise ValueError(
            f"enumerate between 1 and {MAX_ST_DIM} dimensions (3^{MAX_ST_DIM} = "
            f"{3**MAX_ST_DIM:,} points), not {d}"
        )
    code = torch.arange(3**d)
    choice = (code[:, None] // (3 ** torch.arange(d))) % 3  # [3ᵈ, d]
    x = st_roots()[choice]
    eigs = st_curvature(x)
    index = curvature.index(eigs)
    downhill = (eigs < 0).sum(-1)
    return Enumeration(
        d,
        choice.to(torch.uint8).numpy(),
        styblinski_tang(x).numpy(),
        downhill.numpy(),
        index.numpy(),
    )


# -- 5. critical points of a real network ---------------------------------------------------------

MAX_CP_WEIGHTS = 50
MAX_CP_WORK = 1e10  # starts × (iterations × weights² + training steps × weights) × points
GRAD_TOL = 1e-8  # a search that ends with |∇L| below this found a critical point
EIG_RTOL = 1e-6  # an eigenvalue counts as negative below −rtol·max|λ|
FLAT_RATIO = 1e-2  # |H∇L| / (‖H‖·|∇L|) below this: the gradient lies in a nearly flat direction


def one_hidden_derivatives(
    net: networks.MLP, W: torch.Tensor, X: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Loss [B], gradient [B, P] and Hessian [B, P, P] of B one-hidden-layer networks (BCE, tanh
    or sigmoid), written out: H = Jᵀ diag(ℓ″) J / n + Σₖ ℓ′ₖ ∇²zₖ / n, where J is the logits'
    Jacobian and ∇²z is non-zero only inside a unit's incoming weights and between them and its
    outgoing weight. For a few dozen weights this is ~50× faster than autograd's Hessian."""
    if len(net.hidden) != 1 or net.loss_name != "bce" or net.activation not in ("tanh", "sigmoid"):
        raise ValueError(
            "written out for one hidden layer of tanh or sigmoid units with cross-entropy loss"
        )
    (U, b), (V, c) = net.unflatten(W)
    B, H = b.shape
    n = X.shape[0]
    Xt = torch.cat([X.to(W.dtype), torch.ones((n, 1), dtype=W.dtype)], 1)  # [n, 3]
    A = torch.einsum("bhi,ni->bnh", torch.cat([U, b.unsqueeze(-1)], -1), Xt)  # [B, n, H]
    if net.activation == "tanh":
        T = torch.tanh(A)
        d1 = 1 - T * T
        d2 = -2 * T * d1
    else:
        T = torch.sigmoid(A)
        d1 = T * (1 - T)
        d2 = d1 * (1 - 2 * T)
    v = V[:, 0, :]  # [B, H]
    z = torch.einsum("bnh,bh->bn", T, v) + c
    yy = y.to(W.dtype).expand_as(z)
    loss = F.binary_cross_entropy_with_logits(z, yy, reduction="none").mean(-1)
    p = torch.sigmoid(z)
    l1, l2 = (p - yy) / n, p * (1 - p) / n  # [B, n]
    JU = (v[:, None, :, None] * d1[..., None]) * Xt[None, :, None, :]  # [B, n, H, 3]
    J = torch.cat([JU.reshape(B, n, 3 * H), T, torch.ones((B, n, 1), dtype=W.dtype)], -1)
    grad = torch.einsum("bn,bnp->bp", l1, J)
    hess = torch.einsum("bnp,bnq->bpq", J * l2.unsqueeze(-1), J)
    outer = (Xt[:, :, None] * Xt[:, None, :]).reshape(n, 9)
    UU = v[:, :, None] * torch.einsum("bnh,nk->bhk", l1.unsqueeze(-1) * d2, outer)  # [B, H, 9]
    Uv = torch.einsum("bnh,ni->bhi", l1.unsqueeze(-1) * d1, Xt)  # [B, H, 3]
    eye = torch.eye(H, dtype=W.dtype)
    hess[:, : 3 * H, : 3 * H] += (UU.view(B, H, 3, 1, 3) * eye[None, :, None, :, None]).reshape(
        B, 3 * H, 3 * H
    )
    cross = (Uv.view(B, H, 3, 1) * eye[None, :, None, :]).reshape(B, 3 * H, H)
    hess[:, : 3 * H, 3 * H : 4 * H] += cross
    hess[:, 3 * H : 4 * H, : 3 * H] += cross.transpose(1, 2)
    return loss, grad, hess


@dataclass(frozen=True)
class CriticalPoints:
    """Where a search for ∇L = 0 ended, from each start; rows are starts."""

    net: networks.MLP
    X: torch.Tensor  # the data, float64
    y: torch.Tensor
    weights: torch.Tensor  # [S, P] float64
    start_loss: np.ndarray  # [S]
    loss: np.ndarray  # [S]
    grad_norm: np.ndarray  # [S]
    eigenvalues: np.ndarray  # [S, P] ascending
    downhill: np.ndarray  # [S] number of negative eigenvalues
    index: np.ndarray  # [S] share of negative eigenvalues
    flatness: np.ndarray  # [S] |H∇L| / (‖H‖·|∇L|): small where the gradient sees no curvature

    @property
    def found(self) -> np.ndarray:
        """[S] bool: the search reached a point whose gradient is (numerically) zero."""
        return self.grad_norm < GRAD_TOL

    @property
    def gradient_flat(self) -> np.ndarray:
        """[S] bool: stalled with a gradient that lies almost in the Hessian's kernel — a
        gradient-flat point (Frye et al. 2020), where |∇L|² is stationary without being zero."""
        return ~self.found & (self.flatness < FLAT_RATIO)


STEP_SIZES = (1.0, 0.5, 0.2, 0.05, 0.01, 1e-3)


def _search_step(net, X, y, W, g, H, gn, mu) -> tuple[torch.Tensor, torch.Tensor]:
    """One step towards ∇L = 0 for every start at once; returns the new weights and damping.

    Candidates, all scored in one batch by their gradient norm: Newton steps with a
    pseudo-inverse (the minimum-residual solution of H·step = −∇L, in the spirit of Newton-MR,
    Roosta et al. 2018) at several step sizes, and a Levenberg–Marquardt step
    −(H² + μI)⁻¹H∇L, whose damping μ shrinks after a success and grows after a failure.
    A start moves to the best candidate if it lowers |∇L|, and otherwise stays put."""
    S, P = W.shape
    lam, Q = torch.linalg.eigh(H)
    keep = lam.abs() > 1e-10 * lam.abs().amax(-1, keepdim=True)
    inv = torch.where(
        keep, 1.0 / torch.where(keep, lam, torch.ones_like(lam)), torch.zeros_like(lam)
    )
    gq = Q.transpose(1, 2) @ g.unsqueeze(-1)  # g in H's axes
    newton = -(Q @ (inv.unsqueeze(-1) * gq)).squeeze(-1)
    damped = -(Q @ ((lam / (lam**2 + mu[:, None])).unsqueeze(-1) * gq)).squeeze(-1)
    sizes = torch.tensor(STEP_SIZES, dtype=W.dtype)
    trial = torch.cat(
        [W[:, None, :] + sizes[None, :, None] * newton[:, None, :], (W + damped)[:, None, :]], dim=1
    )  # [S, K, P]
    K = trial.shape[1]
    _, gt = net.loss_and_grad(trial.reshape(S * K, P), X, y)
    gtn = gt.norm(dim=-1).view(S, K).nan_to_num(float("inf"))
    best = gtn.argmin(dim=-1)
    rows = torch.arange(S)
    better = gtn[rows, best] < gn
    damped_ok = gtn[:, -1] < gn
    mu = torch.where(damped_ok, mu / 5, mu * 3).clamp(1e-15, 1e10)
    return torch.where(better[:, None], trial[rows, best], W), mu


def _starts(net, X, y, starts: int, train_steps: int, seed: int) -> torch.Tensor:
    """Starting weights spread from high to low loss: points along Adam training runs, each
    start at a randomly chosen recorded step of its own run."""
    fit = networks.train(
        net,
        X,
        y,
        net.init(starts, seed=seed),
        optimizer="adam",
        lr=0.05,
        steps=train_steps,
        seed=seed,
        record_every=max(1, train_steps // 10),
    )
    pick = torch.randint(0, fit.path.shape[0], (starts,), generator=_generator(seed, 1))
    return fit.path[pick, torch.arange(starts)].to(torch.float64)


@_remembered
def network_critical_points(
    dataset: str = "gaussians",
    points: int = 200,
    noise: float = 1.5,
    hidden: int = 4,
    activation: str = "tanh",
    starts: int = 64,
    train_steps: int = 200,
    iterations: int = 100,
    seed: int = 0,
    progress: Progress = None,
) -> CriticalPoints:
    """Critical points of a small network's loss, found from many starts at once by minimising
    ½|∇L|² with Levenberg–Marquardt steps: Newton steps on ∇L = 0 (using H², the Gauss–Newton
    curvature of ½|∇L|²), damped where they fail. Such a search converges to minima and saddles
    alike — which is the point — but it can also stall where |∇L|² has a floor and not a zero."""
    net = networks.MLP((int(hidden),), activation)
    P, S = net.size, int(starts)
    if P > MAX_CP_WEIGHTS:
        raise ValueError(
            f"{net} has {P} weights; this search builds a Hessian per start and "
            f"step, so it runs only on networks of at most {MAX_CP_WEIGHTS} weights."
        )
    if S < 1 or int(iterations) < 1:
        raise ValueError("need at least one start and one iteration")
    budget.check(
        work=S * (int(iterations) * P * P + int(train_steps) * P) * int(points),
        max_work=MAX_CP_WORK,
        what=f"A critical-point search from {S} starts on {net}",
        hint="Use fewer starts, iterations or points.",
    )
    X, y = data.make(dataset, n=points, noise=noise, seed=seed)
    W = _starts(net, X, y, S, int(train_steps), seed)
    X, y = X.double(), y.double()
    if progress is not None:
        progress(0.2)
    start_loss, mu = None, torch.full((S,), 1e-3, dtype=torch.float64)
    for it in range(int(iterations)):
        loss, g, H = one_hidden_derivatives(net, W, X, y)
        if start_loss is None:
            start_loss = loss
        gn = g.norm(dim=-1)
        if bool((gn < GRAD_TOL * 1e-3).all()):
            break
        W, mu = _search_step(net, X, y, W, g, H, gn, mu)
        if progress is not None and it % 10 == 9:
            progress(0.2 + 0.8 * (it + 1) / int(iterations))
    loss, g, H = one_hidden_derivatives(net, W, X, y)
    eigs = torch.linalg.eigvalsh(H)
    gn = g.norm(dim=-1)
    Hg = (H @ g.unsqueeze(-1)).squeeze(-1).norm(dim=-1)
    flat = Hg / (eigs.abs().amax(-1) * gn).clamp_min(1e-300)
    tol = EIG_RTOL * eigs.abs().amax(-1, keepdim=True)
    return CriticalPoints(
        net,
        X,
        y,
        W,
        start_loss.numpy(),
        loss.numpy(),
        gn.numpy(),
        eigs.numpy(),
        (eigs < -tol).sum(-1).numpy(),
        curvature.index(eigs, EIG_RTOL).numpy(),
        flat.numpy(),
    )


@dataclass(frozen=True)
class TrainedEnds:
    """Where plain training (full-batch Adam) ended from the same starts as a critical-point
    search: what the search should be compared with, since training heads for minima."""

    steps: int
    loss: np.ndarray  # [S]
    grad_norm: np.ndarray  # [S]
    downhill: np.ndarray  # [S] number of negative Hessian eigenvalues at the end

    @property
    def no_downhill(self) -> np.ndarray:
        """[S] bool: no direction curves down where training stopped (a minimum, or a flat
        valley floor where it is still creeping on)."""
        return self.downhill == 0


def trained_ends(
    dataset: str = "gaussians",
    points: int = 200,
    noise: float = 1.5,
    hidden: int = 4,
    activation: str = "tanh",
    starts: int = 64,
    steps: int = 2000,
    seed: int = 0,
) -> TrainedEnds:
    """Train from the initial weights network_critical_points starts from (same data, same
    seed) with full-batch Adam for `steps` steps, and count the downhill directions of the full
    Hessian where each run ends."""
    net = networks.MLP((int(hidden),), activation)
    if net.size > MAX_CP_WEIGHTS:
        raise ValueError(f"{net} has {net.size} weights; at most {MAX_CP_WEIGHTS} here.")
    budget.check(
        work=int(starts) * (int(steps) * net.size + net.size**2) * int(points),
        max_work=MAX_CP_WORK,
        what=f"Training {int(starts)} starts of {net} for {int(steps):,} steps",
        hint="Use fewer starts or points.",
    )
    X, y = data.make(dataset, n=points, noise=noise, seed=seed)
    fit = networks.train(
        net,
        X,
        y,
        net.init(int(starts), seed=seed),
        optimizer="adam",
        lr=0.05,
        steps=int(steps),
        seed=seed,
    )
    W = fit.weights.to(torch.float64)
    loss, g, H = one_hidden_derivatives(net, W, X.double(), y.double())
    eigs = torch.linalg.eigvalsh(H)
    tol = EIG_RTOL * eigs.abs().amax(-1, keepdim=True)
    return TrainedEnds(
        int(steps), loss.numpy(), g.norm(dim=-1).numpy(), (eigs < -tol).sum(-1).numpy()
    )


def distinct(cp: CriticalPoints, decimals: int = 6) -> np.ndarray:
    """Indices of the found critical points that differ in loss or number of downhill
    directions: swapping two hidden units, or flipping a tanh unit's signs, gives the same
    network, so copies share both."""
    seen, keep = set(), []
    for i in np.flatnonzero(cp.found):
        key = (round(float(cp.loss[i]), decimals), int(cp.downhill[i]))
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return np.array(keep, dtype=np.int64)


# -- 6. wider networks: restarts agree ------------------------------------------------------------

MAX_SWEEP_WORK = 5e9  # restarts × steps × weights × points, summed over the widths


@dataclass(frozen=True)
class WidthSweep:
    widths: np.ndarray  # [K]
    weights: np.ndarray  # [K] weights of each width
    loss: np.ndarray  # [K, R] final training loss of every restart
    grad_norm: np.ndarray  # [K, R] final gradient norm
    diverged: np.ndarray  # [K, R]

    @property
    def best(self) -> np.ndarray:
        return np.nanmin(self.loss, axis=1)

    def within(self, gap: float) -> np.ndarray:
        """[K] share of restarts whose loss is at most `gap` above the best restart of the same
        width (an absolute gap: a relative one means nothing once the best loss nears zero)."""
        return np.mean(self.loss <= self.best[:, None] + gap, axis=1)

    @property
    def spread(self) -> np.ndarray:
        """[K] interquartile range of the final losses: the height of a box plot's box."""
        q = np.nanquantile(self.loss, [0.25, 0.75], axis=1)
        return q[1] - q[0]


def width_sweep(
    dataset: str = "xor",
    points: int = 1000,
    noise: float = 0.8,
    widths: tuple = (2, 4, 8, 16),
    restarts: int = 16,
    steps: int = 400,
    lr: float = 0.05,
    seed: int = 0,
    progress: Progress = None,
) -> WidthSweep:
    """R restarts of a one-hidden-layer tanh network for every width on one fixed dataset (drawn
    with seed 0), one batched training run per width (full-batch Adam); restart i of every
    width starts from seed (seed, i)."""
    widths = tuple(int(w) for w in widths)
    X, y = data.make(dataset, n=points, noise=noise, seed=0)
    nets = [networks.MLP((w,), "tanh") for w in widths]
    total = sum(n.size for n in nets)
    budget.check(
        work=restarts * steps * total * points,
        max_work=MAX_SWEEP_WORK,
        what=f"{restarts} restarts of {len(widths)} widths for {steps:,} steps",
        hint="Use fewer restarts, steps, points or widths.",
    )
    loss, gn, bad, done = [], [], [], 0
    for net in nets:
        step = (
            (lambda f, done=done, net=net: progress((done + f * net.size) / total))
            if progress
            else None
        )
        fit = networks.train(
            net,
            X,
            y,
            net.init(restarts, seed=seed),
            optimizer="adam",
            lr=lr,
            steps=steps,
            seed=seed,
            progress=step,
        )
        loss.append(fit.loss[-1].numpy())
        gn.append(fit.grad_norm[-1].numpy())
        bad.append(fit.diverged.numpy())
        done += net.size
    return WidthSweep(
        np.array(widths),
        np.array([n.size for n in nets]),
        np.array(loss),
        np.array(gn),
        np.array(bad),
    )


# -- 7. a 2-D slice against the whole Hessian -----------------------------------------------------


@dataclass(frozen=True)
class SliceCensus:
    directions: int
    down: float  # share of random directions along which the loss curves down
    planes: dict  # share of random planes that look bowl-, saddle-, dome-shaped or flat
    index: float  # true share of negative eigenvalues


def slice_census(
    eigenvalues, directions: int = 20_000, seed: int = 0, rtol: float = EIG_RTOL
) -> SliceCensus:
    """What random directions and random 2-D planes through a critical point show, against the
    truth. A Gaussian direction is equally likely to point anywhere, so in the Hessian's own
    axes it is again Gaussian: its curvature is Σλᵢzᵢ²/Σzᵢ², and a random plane's 2×2 Hessian is
    QᵀΛQ for two orthonormal Gaussian vectors Q — only the eigenvalues are needed."""
    lam = torch.as_tensor(np.asarray(eigenvalues), dtype=torch.float64)
    budget.check(
        work=directions * lam.numel(),
        max_work=5e8,
        what="Random slices",
        hint="Use fewer directions.",
    )
    gen = _generator(seed, 7)
    Z = torch.randn((directions, 2, lam.numel()), generator=gen, dtype=torch.float64)
    tol = rtol * float(lam.abs().max())
    along = (Z[:, 0] ** 2 * lam).sum(-1) / (Z[:, 0] ** 2).sum(-1)
    Q, _ = torch.linalg.qr(Z.transpose(1, 2))  # [D, P, 2] orthonormal
    M = Q.transpose(1, 2) @ (lam[:, None] * Q)  # [D, 2, 2]
    kinds = curvature.kind(torch.linalg.eigvalsh(M), rtol)
    planes = {name: float((kinds == k).double().mean()) for k, name in enumerate(curvature.KINDS)}
    index = float(curvature.index(lam.unsqueeze(0), rtol)[0])
    return SliceCensus(int(directions), float((along < -tol).double().mean()), planes, index)


SLICE_RISE = 0.05  # the loss change the curvature alone would make at a slice's edge
SLICE_MAX_STEP = 1.0  # the largest half-width of a slice, in weight units


def slice_planes(
    cp: CriticalPoints,
    i: int,
    grid: int = 41,
    rise: float = SLICE_RISE,
    max_step: float = SLICE_MAX_STEP,
    seed: int = 0,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The network's loss minus its value at critical point i on two planes through it, each a
    single batch: a random plane, and the plane of the most negative and most positive
    curvature. Axis k runs over ±scale_k, where the curvature c_k alone would change the loss by
    `rise` (scale_k = √(2·rise/|c_k|)), but at most `max_step` in weight space.
    Returns {"random" | "eigen": (z [grid, grid] indexed [along axis 1, along axis 2], scales)}."""
    w = cp.weights[i]
    _, _, H = one_hidden_derivatives(cp.net, w.unsqueeze(0), cp.X, cp.y)
    _, vecs = torch.linalg.eigh(H[0])
    gauss = torch.randn((w.numel(), 2), generator=_generator(seed, 8), dtype=torch.float64)
    rand = torch.linalg.qr(gauss)[0].T
    unit = torch.linspace(-1, 1, grid, dtype=torch.float64)
    out = {}
    for name, (d1, d2) in (("random", (rand[0], rand[1])), ("eigen", (vecs[:, 0], vecs[:, -1]))):
        scales = [
            min(max_step, math.sqrt(2 * rise / max(abs(float(d @ H[0] @ d)), 1e-12)))
            for d in (d1, d2)
        ]
        z = landscape.plane(cp.net, cp.X, cp.y, w, d1 * scales[0], d2 * scales[1], unit, unit)
        out[name] = (z.numpy() - float(cp.loss[i]), np.array(scales))
    return out
