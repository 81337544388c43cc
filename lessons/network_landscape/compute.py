"""The network-landscape lesson's cached computations: importable, so that the start-up warm-up
(`warm`) fills the same cache entries the page reads, and the class's first visit is a hit.

Plain arguments in, numpy out. A page setting reaches these functions as a mapping of widget
key → value (`setup_from`, `slice_args`, `compare_pair`), the same mapping a lesson scene sets,
so the page and the warm-up turn settings into calls one way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import budget, data, landscape, networks, optimizers
from lessons.network_landscape import charts as views
from ui import gate
from ui.controls import default_hyper

P = "nl"
SECOND_ORDER_STEPS = 100  # Newton-type runs stop here: each step builds a Hessian per restart
RECORDS = 50  # points of the training path kept for the PCA plane
LINE_ALPHAS = np.linspace(-0.5, 1.5, 81)
BOUNDARY_N = 81
COMPARE_GRID, COMPARE_SPAN = 41, 1.0
HESSIAN_CAP = 1000  # weights: a Hessian of P² entries costs P backward passes (about 1 s)
#: restarts × steps × weights × points a page view may train (≈ 6 s here), and weight vectors ×
#: weights × points a slice may evaluate (≈ 2 s); core's own budgets are far larger.
TRAIN_WORK, SLICE_WORK = 2.5e9, 3e9
#: The loss of predicting ½ for every point: a network below it has learnt something.
COIN = {"bce": math.log(2), "mse": 0.25}
COMPARE = {"width": "Narrow vs wide", "skip": "With and without skip connections"}

#: Every setting of the page (widget key without the prefix → value when untouched).
DEFAULTS: dict[str, object] = {
    "data": "moons",
    "points": 200,
    "noise": 0.1,
    "seed": 0,
    "depth": 2,
    "width": 16,
    "act": "tanh",
    "skip": False,
    "loss": "bce",
    "optimizer": "adam",
    "steps": 1000,
    "grid": 41,
    "span": 1.0,
    "dseed": 0,
    "cmp": "width",
    "cmp_seed": 0,
    "cmp_layers": 2,
    "cmp_widths": (4, 32),
    "cmp_depth": 10,
    "cmp_width": 8,
}


def lr_default(name: str) -> float:
    """Rates that train these small networks well in a thousand steps."""
    return {
        "sgd": 0.5,
        "momentum": 0.1,
        "nesterov": 0.1,
        "adagrad": 0.1,
        "rmsprop": 0.01,
        "adam": 0.01,
        "newton": 1.0,
        "saddle_free_newton": 1.0,
        "perturbed_gd": 0.5,
    }[name]


# -- the experiment, as plain values ------------------------------------------------------------


class Setup(NamedTuple):
    """Everything that decides the trained networks: plain values, so cached functions hash it."""

    dataset: str = "moons"
    points: int = 200
    noise: float = 0.1
    depth: int = 2
    width: int = 16
    activation: str = "tanh"
    skip: bool = False
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.01
    hyper: tuple = ()
    steps: int = 1000
    seed: int = 0

    def net(self) -> networks.MLP:
        return networks.MLP((self.width,) * self.depth, self.activation, self.skip, self.loss)

    def data(self) -> tuple[torch.Tensor, torch.Tensor]:
        return data.make(self.dataset, self.points, self.noise, self.seed)

    def run_steps(self) -> int:
        return (
            min(self.steps, SECOND_ORDER_STEPS)
            if optimizers.info(self.optimizer).second_order
            else self.steps
        )

    def label(self) -> str:
        return repr(self.net())[4:-1]  # "MLP(2-16-16-1, tanh, bce)" → "2-16-16-1, tanh, bce"


def _get(values: Mapping[str, object], name: str):
    return values.get(f"{P}_{name}", DEFAULTS[name])


def setup_from(
    values: Mapping[str, object], lr: float | None = None, hyper: tuple | None = None
) -> Setup:
    """The Setup of a page whose widgets hold `values` (key → value; missing keys: defaults).
    The optimiser's rate and settings default to those its picker starts from."""
    name = str(_get(values, "optimizer"))
    lr = values.get(f"{P}_lr", lr_default(name)) if lr is None else lr
    return Setup(
        str(_get(values, "data")),
        int(_get(values, "points")),
        float(_get(values, "noise")),
        int(_get(values, "depth")),
        int(_get(values, "width")),
        str(_get(values, "act")),
        bool(_get(values, "skip")),
        str(_get(values, "loss")),
        name,
        float(lr),
        default_hyper(name) if hyper is None else hyper,
        int(_get(values, "steps")),
        int(_get(values, "seed")),
    )


def slice_args(values: Mapping[str, object]) -> tuple[int, float, int]:
    """Grid points per side, half-width and direction seed of the slice section."""
    return int(_get(values, "grid")), float(_get(values, "span")), int(_get(values, "dseed"))


def compare_pair(s: Setup, values: Mapping[str, object]) -> tuple[str, list[tuple[str, Setup]]]:
    """The two networks the side-by-side section trains: the page's data and optimiser, its
    own seed (so that a new seed above does not retrain them) and the shapes it compares."""
    mode, seed = str(_get(values, "cmp")), int(_get(values, "cmp_seed"))
    if mode == "width":
        layers = int(_get(values, "cmp_layers"))
        narrow, wide = (int(w) for w in _get(values, "cmp_widths"))
        return mode, [
            (
                f"{narrow} units per layer",
                s._replace(depth=layers, width=narrow, skip=False, seed=seed),
            ),
            (
                f"{wide} units per layer",
                s._replace(depth=layers, width=wide, skip=False, seed=seed),
            ),
        ]
    layers, width = int(_get(values, "cmp_depth")), int(_get(values, "cmp_width"))
    return mode, [
        ("no skip connections", s._replace(depth=layers, width=width, skip=False, seed=seed)),
        ("with skip connections", s._replace(depth=layers, width=width, skip=True, seed=seed)),
    ]


# -- computation (cached; a miss takes a turn, see ui.gate) -------------------------------------


def _check_training(s: Setup, net: networks.MLP) -> None:
    second = net.size if optimizers.info(s.optimizer).second_order else 1
    budget.check(
        work=2 * s.run_steps() * net.size * s.points * second,
        max_work=TRAIN_WORK,
        what=f"Training two {s.label()} networks for {s.run_steps():,} steps on {s.points} points",
        hint="Use fewer steps, points, layers or units.",
    )


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def trained(s: Setup, _progress=None) -> views.Trained:
    """Runs A and B: restarts 0 and 1 of the seed, trained together as one batch."""
    net = s.net()
    _check_training(s, net)
    X, y = s.data()
    steps = s.run_steps()
    every = max(1, steps // RECORDS)
    W0 = net.init(2, seed=s.seed)
    fit = networks.train(
        net,
        X,
        y,
        W0,
        optimizer=s.optimizer,
        lr=s.lr,
        steps=steps,
        seed=s.seed,
        record_every=every,
        progress=_progress,
        **dict(s.hyper),
    )
    with torch.no_grad():
        right = (net.predict(fit.weights, X) > 0.5) == (y > 0.5)
    return views.Trained(
        size=net.size,
        start=W0.numpy(),
        final=fit.weights.numpy(),
        loss=fit.loss.numpy(),
        accuracy=right.float().mean(-1).numpy(),
        diverged=fit.diverged.numpy(),
        stopped_at=fit.stopped_at.numpy(),
        path=fit.path[:, 0].numpy(),
        path_steps=np.array(sorted(set(range(0, steps + 1, every)) | {steps})),
    )


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def boundary(s: Setup) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each run's probability of class 1 over a grid around the data: xs, ys, p[2, ny, nx]."""
    X, _ = s.data()
    lo, hi = X.min(0).values - 0.5, X.max(0).values + 0.5
    xs = torch.linspace(float(lo[0]), float(hi[0]), BOUNDARY_N)
    ys = torch.linspace(float(lo[1]), float(hi[1]), BOUNDARY_N)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    grid = torch.stack([gx.ravel(), gy.ravel()], -1)
    with torch.no_grad():
        p = s.net().predict(torch.from_numpy(trained(s).final), grid)
    return xs.numpy(), ys.numpy(), p.reshape(2, BOUNDARY_N, BOUNDARY_N).numpy()


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def lines(s: Setup) -> pd.DataFrame:
    """Loss along four straight lines (line, alpha, loss): start → trained for runs A and B,
    A → B, and A → A with its hidden units shuffled (the same function)."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    a0, b0 = (torch.from_numpy(w) for w in t.start)
    a, b = (torch.from_numpy(w) for w in t.final)
    shuffled = landscape.permute_hidden(net, a, seed=s.seed + 1)
    pairs = {
        "run A: start → trained": (a0, a),
        "run B: start → trained": (b0, b),
        "run A → run B": (a, b),
        "run A → run A, hidden units shuffled": (a, shuffled),
    }
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "line": name,
                    "alpha": LINE_ALPHAS,
                    "loss": landscape.line(net, X, y, p, q, LINE_ALPHAS).numpy(),
                }
            )
            for name, (p, q) in pairs.items()
        ],
        ignore_index=True,
    )


def _check_slice(s: Setup, n: int, planes: int) -> None:
    budget.check(
        work=planes * n * n * s.net().size * s.points,
        max_work=SLICE_WORK,
        what=f"{planes} slice{'s' if planes > 1 else ''} of {n}×{n} networks",
        hint="Use a coarser grid, fewer points or a smaller network.",
    )


def _coords(D: torch.Tensor, d1: torch.Tensor, d2: torch.Tensor) -> tuple[np.ndarray, float]:
    """Least-squares coordinates of the rows of D [T, P] in the plane of d1, d2, and the share
    of D's squared length that the plane keeps."""
    A = torch.stack([d1, d2], 1).double()
    c = torch.linalg.lstsq(A, D.double().T).solution.T  # [T, 2]
    total = float(D.double().square().sum())
    kept = float((c @ A.T).square().sum()) / total if total > 0 else 0.0
    return c.numpy(), kept


def _random_plane(s: Setup, n: int, span: float, direction_seed: int):
    """Run A's trained weights, two filter-normalised random directions and the loss over
    the grid α, β ∈ [−span, span] that they span."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    theta = torch.from_numpy(t.final[0])
    d1 = landscape.direction(net, theta, seed=2 * direction_seed)
    d2 = landscape.direction(net, theta, seed=2 * direction_seed + 1)
    al = torch.linspace(-span, span, n)
    return theta, d1, d2, al, landscape.plane(net, X, y, theta, d1, d2, al, al)


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def slices(s: Setup, n: int, span: float, direction_seed: int) -> views.Slice:
    """Run A's random filter-normalised slice (α, β ∈ [−span, span]) and its PCA plane."""
    _check_slice(s, n, 2)
    theta, d1, d2, al, z_random = _random_plane(s, n, span, direction_seed)
    net, (X, y), path = s.net(), s.data(), torch.from_numpy(trained(s).path)
    path_random, kept_random = _coords(path - theta, d1, d2)
    e1, e2, c, share = landscape.pca_plane(path)
    px, py = _pca_range(c[:, 0].numpy(), n), _pca_range(c[:, 1].numpy(), n, _half(c[:, 0].numpy()))
    z_pca = landscape.plane(net, X, y, theta, e1, e2, torch.from_numpy(px), torch.from_numpy(py))
    cos = float(d1 @ d2 / (d1.norm() * d2.norm()))
    return views.Slice(
        al.numpy(),
        z_random.numpy(),
        path_random,
        kept_random,
        cos,
        px,
        py,
        z_pca.numpy(),
        c.numpy(),
        float(share.sum()),
    )


def _half(c: np.ndarray) -> float:
    return float(np.abs(c).max()) if len(c) else 0.0


def _pca_range(c: np.ndarray, n: int, other: float = 0.0) -> np.ndarray:
    """Grid values covering a path coordinate with a margin; never thinner than a quarter of
    the other axis, so that a path that hardly moves sideways still gets a readable map."""
    half = max(1.25 * _half(c), 0.25 * 1.25 * other, 1e-3)
    return np.linspace(-half, half, n).astype(np.float32)


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def random_slice(s: Setup, n: int, span: float, direction_seed: int = 0) -> np.ndarray:
    """Run A's random filter-normalised slice alone (for side-by-side comparisons)."""
    _check_slice(s, n, 1)
    return _random_plane(s, n, span, direction_seed)[-1].numpy()


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def spectrum(s: Setup) -> np.ndarray:
    """The Hessian's eigenvalues at run A's trained weights, ascending, in float64."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    return networks.eigenvalues(
        net, torch.from_numpy(t.final[0]).double(), X.double(), y.double()
    ).numpy()


# -- lesson scenes and the start-up warm-up -----------------------------------------------------


def _scene(dataset: str, depth: int, width: int, **extra) -> dict[str, object]:
    """Every setting of the page (so that a scene never inherits the one before), with Adam at
    its usual rate."""
    values = {
        f"{P}_{k}": v
        for k, v in {**DEFAULTS, "data": dataset, "depth": depth, "width": width, **extra}.items()
    }
    values[f"{P}_lr"] = lr_default(str(values[f"{P}_optimizer"]))
    return values


SCENES = {
    "Moons, small tanh net": _scene("moons", 1, 8, cmp="width"),
    "Spirals: wide vs narrow": _scene(
        "spirals", 2, 32, cmp="width", cmp_layers=2, cmp_widths=(4, 64)
    ),
    "Deep narrow: skips smooth the slice": _scene(
        "spirals", 10, 8, skip=True, cmp="skip", cmp_depth=10, cmp_width=8
    ),
    "XOR: two solutions, a barrier between": _scene("xor", 1, 4, cmp="width"),
}


def view(values: Mapping[str, object]) -> None:
    """Compute everything the page shows for these settings (all cached)."""
    s = setup_from(values)
    t = trained(s)
    boundary(s)
    lines(s)
    slices(s, *slice_args(values))
    for _, v in compare_pair(s, values)[1]:
        trained(v)
        random_slice(v, COMPARE_GRID, COMPARE_SPAN)
    if not t.diverged[0] and t.size <= HESSIAN_CAP:
        spectrum(s)


def warm() -> None:
    """The default view and every lesson scene, for the start-up warm-up."""
    for values in ({}, *SCENES.values()):
        view(values)
