"""A real network's loss along lines and planes through weight space, and a training path drawn
on the plane that shows it best.

Every point of a line or plane is a weight vector, so a whole grid is one batch for `net.loss`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from . import budget
from .networks import MLP

MAX_WORK = 2e10  # weight vectors × weights × points evaluated by one line or plane
CHUNK = 1e6  # networks × points × widest layer per batch: 2.5× faster than 2e7 (cache)


def _alphas(values: Sequence[float] | torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(values, dtype=torch.float64).to(like.dtype).flatten()


def _check(net: MLP, count: int, X: torch.Tensor, like: torch.Tensor, what: str) -> None:
    budget.check(
        work=count * net.size * X.shape[0],
        max_work=MAX_WORK,
        what=what,
        nbytes=count * net.size * like.element_size(),
        hint="Use a coarser grid, fewer points or a smaller network.",
    )


def _losses(net: MLP, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """[B] losses of B weight vectors, in chunks whose activations fit in memory."""
    step = max(1, int(CHUNK // (X.shape[0] * max(net.sizes))))
    with torch.no_grad():
        return torch.cat([net.loss(W[s : s + step], X, y) for s in range(0, W.shape[0], step)])


def line(
    net: MLP,
    X: torch.Tensor,
    y: torch.Tensor,
    a: torch.Tensor,
    b: torch.Tensor,
    alphas: Sequence[float] | torch.Tensor,
) -> torch.Tensor:
    """Loss at a + α(b − a) for each α (Goodfellow, Vinyals & Saxe 2015): [len(alphas)]."""
    al = _alphas(alphas, a)
    _check(net, len(al), X, a, f"A line of {len(al):,} points")
    return _losses(net, X, y, a + al[:, None] * (b - a))


def direction(net: MLP, theta: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """A filter-normalised random direction [P] (Li et al. 2018).

    A Gaussian direction whose slice for each neuron (its row of incoming weights) is rescaled
    to the norm of the same row of θ, so that a step of 1 changes every neuron in proportion to
    its size; biases get zero. Without this, directions over nets of different scale are not
    comparable (a ReLU net's loss is unchanged when a layer is scaled up and the next down).
    """
    gen = torch.Generator().manual_seed(int(seed))
    d = torch.randn(theta.shape, generator=gen, dtype=torch.float64).to(theta.dtype)
    for dm, tm in zip(net.matrices(d.unsqueeze(0)), net.matrices(theta.unsqueeze(0))):
        w, tw = dm[..., :-1], tm[..., :-1]
        w.mul_(tw.norm(dim=-1, keepdim=True) / w.norm(dim=-1, keepdim=True))
        dm[..., -1] = 0
    return d


def plane(
    net: MLP,
    X: torch.Tensor,
    y: torch.Tensor,
    theta: torch.Tensor,
    d1: torch.Tensor,
    d2: torch.Tensor,
    alphas: Sequence[float] | torch.Tensor,
    betas: Sequence[float] | torch.Tensor,
) -> torch.Tensor:
    """Loss on θ + α·d1 + β·d2 over the grid: [len(alphas), len(betas)], as one batch."""
    al, be = _alphas(alphas, theta), _alphas(betas, theta)
    _check(net, len(al) * len(be), X, theta, f"A {len(al)}×{len(be)} plane")
    W = theta + al[:, None, None] * d1 + be[None, :, None] * d2
    return _losses(net, X, y, W.reshape(-1, net.size)).reshape(len(al), len(be))


def pca_plane(path: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The plane that shows a training path [T, P] best (Li et al. 2018).

    Returns its two unit directions d1, d2 [P] (the top principal directions of the path's points
    relative to the final point), the path's coordinates [T, 2] in that plane (least-squares
    projection; the final point is at the origin, the start at positive coordinates) and the
    share of the path's spread that each direction explains [2]. Random directions are nearly
    orthogonal to the path, so a path drawn on a random plane looks as if it never moved.
    """
    D = path - path[-1]
    _, s, Vh = torch.linalg.svd(D, full_matrices=False)
    k = min(2, Vh.shape[0])
    V = torch.zeros((2, path.shape[1]), dtype=path.dtype)
    V[:k] = Vh[:k]
    coords = D @ V.T  # least squares onto orthonormal directions is this projection
    flip = torch.where(coords[0] < 0, -1.0, 1.0).to(path.dtype)
    V, coords = V * flip[:, None], coords * flip
    var = torch.zeros(2, dtype=path.dtype)
    total = s.square().sum()
    if total > 0:
        var[:k] = s[:k].square() / total
    return V[0], V[1], coords, var


# -- what a line or a slice shows ------------------------------------------------------------

#: A point is a "dip" of a slice when it is lower than all eight neighbours by more than this
#: share of their value: float32 rounding wiggles on a flat floor are not counted.
DIP_RTOL = 1e-5


def barrier(alphas, losses) -> float:
    """Height of the bump on the segment α ∈ [0, 1] above the higher of its two ends (0 when
    the loss never rises above both ends); points outside [0, 1] are ignored."""
    a, v = np.asarray(alphas, dtype=float), np.asarray(losses, dtype=float)
    inside = (a >= 0) & (a <= 1)
    ends = max(float(v[np.argmin(np.abs(a))]), float(v[np.argmin(np.abs(a - 1))]))
    return max(0.0, float(np.nanmax(v[inside])) - ends)


def dips(z) -> int:
    """Grid points strictly lower than all 8 neighbours (by more than DIP_RTOL of the range):
    the little basins a slice shows. A dip on a 2-D slice need not be a minimum of the loss in
    all directions, and a minimum need not show as a dip."""
    z = np.asarray(z, dtype=float)
    if z.ndim != 2 or min(z.shape) < 3:
        return 0
    z = np.where(np.isfinite(z), z, np.inf)
    centre = z[1:-1, 1:-1]
    lower = np.isfinite(centre)
    n, m = z.shape
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                nb = z[1 + di : n - 1 + di, 1 + dj : m - 1 + dj]
                with np.errstate(invalid="ignore"):
                    lower &= centre < nb - DIP_RTOL * np.abs(nb)
    return int(lower.sum())


def permute_hidden(net, w: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """The same network with its hidden units shuffled: every input gives exactly the same
    output, yet the weight vector is a different point. Layers joined by a skip connection add
    unit i to unit i, so they share one shuffle."""
    gen = torch.Generator().manual_seed(int(seed))
    out = w.detach().clone().unsqueeze(0)
    mats = net.matrices(out)
    perm = None
    for k in range(len(mats) - 1):
        width = mats[k].shape[1]
        if not net.skips[k]:
            perm = torch.randperm(width, generator=gen)
        mats[k].copy_(mats[k][:, perm])  # rows: unit k's incoming weights, bias
        nxt = mats[k + 1]
        nxt[..., :-1] = nxt[..., :-1][..., perm]  # columns: what the next layer reads
    return out[0]
