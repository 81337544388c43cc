"""The symmetries of a network's hidden units, and weight matching: reorder (and, for odd
activations, flip) one network's hidden units so that its weights line up with another's.

Reorder the units of a hidden layer, together with the rows of the weights that feed them and
the columns of the weights that read them, and the network computes exactly the same function
from a different weight vector. For an odd activation (tanh, linear: act(−z) = −act(z)) a unit
may also be flipped: negate its incoming weights and bias and the weights that read it. So a
solution has many copies, and two runs may have found "the same" solution in another order.

Weight matching (Ainsworth, Hayase & Srinivasa 2023, "Git Re-Basin", ICLR; the idea that most
barriers between solutions are such reorderings is Entezari, Sedghi, Saukh & Neyshabur 2022,
ICLR) picks, layer by layer, the reordering of B's units that makes B's weights most similar to
A's (largest sum of products), a linear assignment problem solved exactly here by the Hungarian
algorithm; layers are revisited until no layer's choice improves the total. It is a heuristic:
the best joint choice over all layers is a harder problem, and nothing here promises it.

Layers joined by a skip connection add unit i to unit i, so they share one reordering.
The flat weight layout is core.networks': per layer a block [out, in + 1], each row one unit's
incoming weights followed by its bias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from .networks import MLP

#: Activations with act(−z) = −act(z), for which a hidden unit may be flipped in sign.
ODD = ("tanh", "linear")
MAX_ROUNDS = 50  # passes over the layers; each pass that changes nothing ends the search


def assignment(score: np.ndarray) -> np.ndarray:
    """The permutation p maximising Σᵢ score[i, p[i]] of a square matrix, exactly
    (the Hungarian algorithm with potentials, O(n³); the inner loop over columns is numpy).
    """
    score = np.asarray(score, dtype=float)
    n = score.shape[0]
    if score.shape != (n, n):
        raise ValueError(f"assignment needs a square matrix, got shape {score.shape}")
    if n == 0:
        return np.zeros(0, dtype=int)
    cost = score.max() - score  # minimise; ≥ 0
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    owner = np.zeros(n + 1, dtype=int)  # owner[j]: the row (1-based) assigned to column j; 0 none
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        least = np.full(n + 1, np.inf)
        came = np.zeros(n + 1, dtype=int)
        used = np.zeros(n + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = owner[j0]
            free = ~used[1:]
            reduced = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (reduced < least[1:])
            least[1:][better] = reduced[better]
            came[1:][better] = j0
            candidates = np.where(free, least[1:], np.inf)
            j1 = int(np.argmin(candidates)) + 1
            delta = candidates[j1 - 1]
            u[owner[used]] += delta
            v[used] -= delta
            least[1:][free] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:  # augment along the path back to the start
            j1 = came[j0]
            owner[j0] = owner[j1]
            j0 = j1
    p = np.zeros(n, dtype=int)
    p[owner[1:] - 1] = np.arange(n)
    return p


class Alignment(NamedTuple):
    """One reordering per hidden layer: unit i of the result is unit order[k][i] of the original,
    multiplied by sign[k][i] (±1). Layers joined by a skip have equal entries."""

    order: list[np.ndarray]
    sign: list[np.ndarray]


def identity(net: MLP) -> Alignment:
    widths = net.sizes[1:-1]
    return Alignment([np.arange(w) for w in widths], [np.ones(w) for w in widths])


def groups(net: MLP) -> list[list[int]]:
    """The hidden layers that must share one reordering: runs of layers joined by skips."""
    out: list[list[int]] = []
    for k in range(len(net.sizes) - 2):
        if k > 0 and net.skips[k]:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _blocks(net: MLP, w: torch.Tensor) -> list[np.ndarray]:
    """Per layer the [out, in + 1] block of one weight vector, as float64 numpy copies."""
    w = torch.as_tensor(w).detach().reshape(1, -1)
    return [m[0].double().numpy().copy() for m in net.matrices(w)]


def _rows(m: np.ndarray, align: Alignment, k: int) -> np.ndarray:
    """Block k with its rows (layer k's units, incoming weights and bias) reordered."""
    return m[align.order[k]] * align.sign[k][:, None] if k < len(align.order) else m


def _columns(m: np.ndarray, align: Alignment, k: int) -> np.ndarray:
    """Block k with its columns (what it reads from layer k − 1) reordered; the bias stays."""
    if k == 0:
        return m
    m = m.copy()
    m[:, :-1] = m[:, :-1][:, align.order[k - 1]] * align.sign[k - 1][None, :]
    return m


def _apply_blocks(blocks: Sequence[np.ndarray], align: Alignment) -> list[np.ndarray]:
    return [_columns(_rows(m, align, k), align, k) for k, m in enumerate(blocks)]


def apply(net: MLP, w: torch.Tensor, align: Alignment) -> torch.Tensor:
    """Weight vector `w` [P] with its hidden units reordered and flipped by `align`: the same
    function (exactly, up to rounding) at another point, in w's dtype."""
    for group in groups(net):
        for k in group[1:]:
            if not (
                np.array_equal(align.order[k], align.order[group[0]])
                and np.array_equal(align.sign[k], align.sign[group[0]])
            ):
                raise ValueError(f"layers {group} are joined by skips and need one reordering")
    if net.activation not in ODD and any((s < 0).any() for s in align.sign):
        raise ValueError(f"a {net.activation} unit cannot be flipped in sign")
    blocks = _apply_blocks(_blocks(net, w), align)
    flat = np.concatenate([m.ravel() for m in blocks])
    return torch.from_numpy(flat).to(torch.as_tensor(w).dtype)


def random(net: MLP, seed: int = 0) -> Alignment:
    """A random reordering of every hidden layer (no flips; skip-joined layers share one)."""
    gen = torch.Generator().manual_seed(int(seed))
    align = identity(net)
    for group in groups(net):
        order = torch.randperm(net.sizes[group[0] + 1], generator=gen).numpy()
        for k in group:
            align.order[k] = order
    return align


def _similarity(a, b, align: Alignment, group: list[int]) -> np.ndarray:
    """score[i, j]: the sum of products between A's unit i and B's unit j over the weights that
    touch the group's units (their incoming rows, and the columns that read them), B's other
    axes aligned by `align`. Pairing i with j (sign s) adds s·score[i, j] to the total. For a
    group joined by skips the group's own other axes use the current choice: a linearisation."""
    n = a[group[0]].shape[0]
    score = np.zeros((n, n))
    for k in group:
        score += a[k] @ _columns(b[k], align, k).T  # rows: incoming weights and bias
        reader = _rows(b[k + 1], align, k + 1)
        score += a[k + 1][:, :-1].T @ reader[:, :-1]  # columns: the weights that read unit i
    return score


def _total(a, b) -> float:
    return float(sum((x * y).sum() for x, y in zip(a, b)))


def _assign(score: np.ndarray, flips: bool) -> tuple[np.ndarray, np.ndarray]:
    """The best reordering for a score matrix, and the signs that go with it."""
    order = assignment(np.abs(score) if flips else score)
    picked = score[np.arange(len(order)), order]
    return order, np.where(picked < 0, -1.0, 1.0) if flips else np.ones(len(order))


def _with(align: Alignment, group: list[int], order, sign) -> Alignment:
    trial = Alignment(list(align.order), list(align.sign))
    for k in group:
        trial.order[k], trial.sign[k] = order, sign
    return trial


def _forward(A, B, net: MLP, flips: bool) -> Alignment:
    """A first guess, layer after layer from the input: each group's units matched by the
    incoming weights of its first layer alone, whose inputs (the group before) are already
    aligned, so the guess is exact for a reordered copy. (The group's later layers read the
    group's own units, whose order is not known yet: they would only add noise.)"""
    align = identity(net)
    for group in groups(net):
        k = group[0]
        align = _with(align, group, *_assign(A[k] @ _columns(B[k], align, k).T, flips))
    return align


def _refine(A, B, net: MLP, align: Alignment, flips: bool) -> tuple[Alignment, float]:
    """Coordinate ascent: each group in turn gets its best reordering with the others fixed,
    kept only when the total rises; passes go on until one changes nothing."""
    best = _total(A, _apply_blocks(B, align))
    for _ in range(MAX_ROUNDS):
        improved = False
        for group in groups(net):
            trial = _with(align, group, *_assign(_similarity(A, B, align, group), flips))
            total = _total(A, _apply_blocks(B, trial))
            if total > best + 1e-12 * max(1.0, abs(best)):
                align, best, improved = trial, total, True
        if not improved:
            break
    return align, best


def match(
    net: MLP, a: torch.Tensor, b: torch.Tensor, flips: bool | None = None
) -> tuple[torch.Tensor, Alignment]:
    """Weight vector b [P] with its hidden units reordered (and flipped, for odd activations)
    to line up with a [P] by weight matching; it computes exactly b's function. Returns it and
    the alignment used. `flips`: allow sign flips (default: when the activation is odd).

    Two starts, B as it is and a layer-by-layer first guess, each refined; the one whose weights
    end up more similar to A's (larger sum of products) is kept."""
    flips = net.activation in ODD if flips is None else bool(flips)
    if flips and net.activation not in ODD:
        raise ValueError(f"a {net.activation} unit cannot be flipped in sign")
    A, B = _blocks(net, a), _blocks(net, b)
    found = [
        _refine(A, B, net, start, flips) for start in (identity(net), _forward(A, B, net, flips))
    ]
    align = max(found, key=lambda f: f[1])[0]
    return apply(net, b, align), align
