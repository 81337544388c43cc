"""A real network's loss along lines and planes through weight space, and a training path drawn
on the plane that shows it best.

Every point of a line or plane is a weight vector, so a whole grid is one batch for `net.loss`.
"""
from __future__ import annotations

from typing import Sequence

import torch

from . import budget
from .networks import MLP

MAX_WORK = 2e10    # weight vectors × weights × points evaluated by one line or plane
CHUNK = 1e6        # networks × points × widest layer per batch: 2.5× faster than 2e7 (cache)


def _alphas(values: Sequence[float] | torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(values, dtype=torch.float64).to(like.dtype).flatten()


def _check(net: MLP, count: int, X: torch.Tensor, like: torch.Tensor, what: str) -> None:
    budget.check(work=count * net.size * X.shape[0], max_work=MAX_WORK, what=what,
                 nbytes=count * net.size * like.element_size(),
                 hint="Use a coarser grid, fewer points or a smaller network.")


def _losses(net: MLP, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """[B] losses of B weight vectors, in chunks whose activations fit in memory."""
    step = max(1, int(CHUNK // (X.shape[0] * max(net.sizes))))
    with torch.no_grad():
        return torch.cat([net.loss(W[s:s + step], X, y) for s in range(0, W.shape[0], step)])


def line(net: MLP, X: torch.Tensor, y: torch.Tensor, a: torch.Tensor, b: torch.Tensor,
         alphas: Sequence[float] | torch.Tensor) -> torch.Tensor:
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


def plane(net: MLP, X: torch.Tensor, y: torch.Tensor, theta: torch.Tensor, d1: torch.Tensor,
          d2: torch.Tensor, alphas: Sequence[float] | torch.Tensor,
          betas: Sequence[float] | torch.Tensor) -> torch.Tensor:
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
