"""Two-weight error surfaces: the test functions of the optimisation literature, saddles, and
the losses of two real two-weight models. Each knows its bounds and its known minima.

Minima from the literature are refined here by Newton's method in float64, so a listed minimum
is the true stationary point rather than a rounded table value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from . import curvature
from .expressions import ExpressionError, compile_formula

Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Surface:
    """A loss over two weights (x, y). Call it on a tensor [..., 2] to get the loss [...]."""

    key: str
    label: str
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    bounds: Bounds
    latex: str
    description: str
    minima: tuple[tuple[float, float, float], ...] = ()
    convex: bool = False
    bounded_below: bool = True
    group: str = "non-convex"
    start: tuple[float, float] = (0.0, 0.0)
    lr: float = 0.01  # a plain gradient-descent step that works on this surface
    notes: dict = field(default_factory=dict)

    def __call__(self, xy: torch.Tensor) -> torch.Tensor:
        return self.fn(xy[..., 0], xy[..., 1])

    def box(self, factor: float = 10.0) -> Bounds:
        """The generous box outside which a run counts as having left (diverged or escaped)."""
        return tuple(  # type: ignore[return-value]
            ((lo + hi) / 2 - factor * (hi - lo) / 2, (lo + hi) / 2 + factor * (hi - lo) / 2)
            for lo, hi in self.bounds
        )

    def grid(
        self, n: int = 121, dtype=torch.float64
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """xs [n], ys [n] and the loss on the grid, z [n(y), n(x)]."""
        (x0, x1), (y0, y1) = self.bounds
        xs = torch.linspace(x0, x1, n, dtype=dtype)
        ys = torch.linspace(y0, y1, n, dtype=dtype)
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")
        with torch.no_grad():
            z = self(torch.stack([gx, gy], dim=-1))
        return xs, ys, z


# -- formulas --------------------------------------------------------------------------------


def _rastrigin(x, y):
    return 20 + x**2 - 10 * torch.cos(2 * math.pi * x) + y**2 - 10 * torch.cos(2 * math.pi * y)


def _ackley(x, y):
    r = torch.sqrt(0.5 * (x**2 + y**2) + 1e-12)  # ε keeps autograd finite at the kink
    waves = 0.5 * (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y))
    return -20 * torch.exp(-0.2 * r) - torch.exp(waves) + math.e + 20


def _camel(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _styblinski_tang(x, y):
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)


# -- two real two-weight models ----------------------------------------------------------------


def _overlapping_classes(n: int = 60, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """One feature, two classes whose Gaussians overlap, so no threshold separates them."""
    g = torch.Generator().manual_seed(seed)
    y = (torch.arange(n) % 2).double()
    x = torch.randn(n, generator=g, dtype=torch.float64) + (2 * y - 1) * 1.0
    return x, y


_LOGI_X, _LOGI_Y = _overlapping_classes()


def _logistic(w, b):
    """Mean cross-entropy of p = σ(w·x + b): the model computes it, nothing is typed in."""
    logits = w.unsqueeze(-1) * _LOGI_X.to(w.dtype) + b.unsqueeze(-1)
    target = _LOGI_Y.to(w.dtype).expand_as(logits)
    return torch.nn.functional.binary_cross_entropy_with_logits(
        logits, target, reduction="none"
    ).mean(-1)


_DEEP_X = torch.randn(40, generator=torch.Generator().manual_seed(1), dtype=torch.float64)


def _deep_linear(w1, w2):
    """Two stacked one-weight linear layers learning the identity: ŷ = w₂(w₁x)."""
    x = _DEEP_X.to(w1.dtype)
    pred = w2.unsqueeze(-1) * (w1.unsqueeze(-1) * x)
    return ((pred - x) ** 2).mean(-1)


# -- the catalogue -----------------------------------------------------------------------------


def _refine(fn, points, steps: int = 30):
    """Polish approximate minima with Newton's method in float64 (all points as one batch)."""
    f = lambda p: fn(p[..., 0], p[..., 1])  # noqa: E731
    p = torch.tensor(points, dtype=torch.float64)
    for _ in range(steps):
        step = torch.linalg.solve(curvature.hessian(f, p), curvature.gradient(f, p).unsqueeze(-1))
        p = p - step.squeeze(-1)
    return tuple((float(a), float(b), float(v)) for (a, b), v in zip(p, f(p)))


def _rastrigin_minima():
    """Rastrigin is separable: its minima are all pairs of the 1-D minima near each integer."""
    ks = sorted(range(-5, 6), key=abs)
    pairs = sorted(((i, j) for i in ks for j in ks), key=lambda p: p[0] ** 2 + p[1] ** 2)
    return _refine(_rastrigin, [(float(i), float(j)) for i, j in pairs])


def _build() -> dict[str, Surface]:
    sq = ((-3.0, 3.0), (-3.0, 3.0))
    items = [
        Surface(
            "bowl",
            "Bowl",
            lambda x, y: x**2 + y**2,
            sq,
            r"x^2 + y^2",
            "The simplest convex surface: every step downhill points at the one minimum.",
            ((0.0, 0.0, 0.0),),
            convex=True,
            group="convex",
            start=(-2.5, 2.0),
            lr=0.1,
        ),
        Surface(
            "ravine",
            "Ravine (ill-conditioned bowl)",
            lambda x, y: 0.5 * x**2 + 10 * y**2,
            sq,
            r"\tfrac12 x^2 + 10\,y^2",
            "Convex, but twenty times steeper across than along: plain gradient descent "
            "zig-zags across the ravine and crawls along it.",
            ((0.0, 0.0, 0.0),),
            convex=True,
            group="convex",
            start=(-2.8, 1.5),
            lr=0.09,
        ),
        Surface(
            "rosenbrock",
            "Rosenbrock",
            lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            ((-2.0, 2.0), (-1.0, 3.0)),
            r"(1-x)^2 + 100\,(y - x^2)^2",
            "A curved, flat-bottomed valley (Rosenbrock 1960): easy to find, slow to follow.",
            ((1.0, 1.0, 0.0),),
            start=(-1.5, 2.5),
            lr=0.001,
        ),
        Surface(
            "himmelblau",
            "Himmelblau",
            lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
            ((-5.0, 5.0), (-5.0, 5.0)),
            r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            "Four minima of equal depth (Himmelblau 1972): where you start decides where you end.",
            _refine(
                lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
                [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
            ),
            start=(0.0, 0.0),
            lr=0.01,
        ),
        Surface(
            "rastrigin",
            "Rastrigin",
            _rastrigin,
            ((-5.12, 5.12), (-5.12, 5.12)),
            r"20 + \sum_{v\in\{x,y\}} \left(v^2 - 10\cos 2\pi v\right)",
            "A bowl covered in ripples (Rastrigin 1974): about a hundred local minima here, "
            "one global minimum at the origin.",
            _rastrigin_minima(),
            start=(3.2, -2.1),
            lr=0.002,
        ),
        Surface(
            "ackley",
            "Ackley",
            _ackley,
            ((-5.0, 5.0), (-5.0, 5.0)),
            r"-20e^{-0.2\sqrt{(x^2+y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
            "A nearly flat, bumpy plain with one deep, sharp hole at the origin (Ackley 1987).",
            ((0.0, 0.0, float(_ackley(*torch.zeros(2, dtype=torch.float64)))),),
            start=(2.6, -3.4),
            lr=0.01,
        ),
        Surface(
            "six_hump_camel",
            "Six-hump camel",
            _camel,
            ((-2.0, 2.0), (-1.2, 1.2)),
            r"\left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
            "Six minima, two of them global (Dixon & Szegö 1978).",
            _refine(
                _camel,
                [
                    (0.0898, -0.7126),
                    (-0.0898, 0.7126),
                    (-1.7036, 0.7961),
                    (1.7036, -0.7961),
                    (1.6071, 0.5687),
                    (-1.6071, -0.5687),
                ],
            ),
            start=(-1.5, -1.0),
            lr=0.01,
        ),
        Surface(
            "beale",
            "Beale",
            _beale,
            ((-4.5, 4.5), (-4.5, 4.5)),
            r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            "Flat plateaus and sharp ridges with one minimum at (3, 0.5).",
            ((3.0, 0.5, 0.0),),
            start=(1.0, 1.4),
            lr=0.001,
        ),
        Surface(
            "styblinski_tang",
            "Styblinski–Tang",
            _styblinski_tang,
            ((-5.0, 5.0), (-5.0, 5.0)),
            r"\tfrac12\sum_{v\in\{x,y\}} \left(v^4 - 16v^2 + 5v\right)",
            "Separable: two minima per coordinate, so four minima in 2-D, one global.",
            _refine(
                _styblinski_tang,
                [
                    (-2.903534, -2.903534),
                    (-2.903534, 2.746803),
                    (2.746803, -2.903534),
                    (2.746803, 2.746803),
                ],
            ),
            start=(0.3, 0.2),
            lr=0.01,
        ),
        Surface(
            "saddle",
            "Saddle",
            lambda x, y: x**2 - y**2,
            ((-2.0, 2.0), (-2.0, 2.0)),
            r"x^2 - y^2",
            "Uphill along x, downhill along y: a strict saddle at the origin; it falls away "
            "forever, so it has no minimum.",
            (),
            bounded_below=False,
            group="saddles and flat regions",
            start=(1.5, 1e-3),
            lr=0.05,
        ),
        Surface(
            "monkey_saddle",
            "Monkey saddle",
            lambda x, y: x**3 - 3 * x * y**2,
            ((-2.0, 2.0), (-2.0, 2.0)),
            r"x^3 - 3xy^2",
            "Three valleys meet at a point where even the curvature is zero: a degenerate "
            "saddle that gradient descent leaves only slowly.",
            (),
            bounded_below=False,
            group="saddles and flat regions",
            start=(1.0, 1e-3),
            lr=0.02,
        ),
        Surface(
            "lee_saddle",
            "Saddle between two minima",
            lambda x, y: x**2 / 2 + y**4 / 4 - y**2 / 2,
            ((-2.0, 2.0), (-2.0, 2.0)),
            r"\tfrac12 x^2 + \tfrac14 y^4 - \tfrac12 y^2",
            "A strict saddle at the origin between two minima at (0, ±1) — the example of "
            "Lee et al. (2016).",
            ((0.0, 1.0, -0.25), (0.0, -1.0, -0.25)),
            group="saddles and flat regions",
            start=(1.8, 1e-4),
            lr=0.05,
        ),
        Surface(
            "plateau",
            "Plateau",
            lambda x, y: 1 - torch.exp(-(x**2 + y**2) / 4),
            ((-5.0, 5.0), (-5.0, 5.0)),
            r"1 - e^{-(x^2 + y^2)/4}",
            "A well in a vast flat plain: far from the well the gradient all but vanishes.",
            ((0.0, 0.0, 0.0),),
            group="saddles and flat regions",
            start=(3.8, 3.2),
            lr=0.5,
        ),
        Surface(
            "logistic_2w",
            "Logistic regression (weight, bias)",
            _logistic,
            ((-4.0, 6.0), (-5.0, 5.0)),
            r"\tfrac1n\sum_i -y_i\log\sigma(w x_i + b) - (1-y_i)\log(1-\sigma(w x_i + b))",
            "A real model: one-feature logistic regression on 60 points from two overlapping "
            "classes. Its loss is convex and, because the classes overlap, has a minimum.",
            _refine(_logistic, [(1.5, 0.0)]),
            convex=True,
            group="real two-weight models",
            start=(-3.0, 4.0),
            lr=0.5,
        ),
        Surface(
            "deep_linear_2w",
            "Deep linear model (two layers, one weight each)",
            _deep_linear,
            ((-2.5, 2.5), (-2.5, 2.5)),
            r"\tfrac1n\sum_i (w_2 w_1 x_i - x_i)^2",
            "A real model: two stacked one-weight linear layers learning y = x. Multiplying "
            "weights makes a saddle at (0, 0) and a whole curve of minima, w₁w₂ = 1; the "
            "points listed are representatives of that curve.",
            (
                (1.0, 1.0, 0.0),
                (-1.0, -1.0, 0.0),
                (2.0, 0.5, 0.0),
                (0.5, 2.0, 0.0),
                (-2.0, -0.5, 0.0),
                (-0.5, -2.0, 0.0),
            ),
            group="real two-weight models",
            start=(0.05, -2.0),
            lr=0.05,
        ),
    ]
    return {s.key: s for s in items}


_SURFACES = _build()
GROUPS = ("convex", "non-convex", "saddles and flat regions", "real two-weight models")


def names() -> list[str]:
    return list(_SURFACES)


def get(key: str) -> Surface:
    if key not in _SURFACES:
        raise KeyError(f"unknown surface '{key}'; choose one of {', '.join(_SURFACES)}")
    return _SURFACES[key]


def groups() -> dict[str, list[str]]:
    """Surface keys by group, in the order a picker shows them."""
    return {g: [k for k, s in _SURFACES.items() if s.group == g] for g in GROUPS}


def parse(text: str, bounds: Bounds = ((-3.0, 3.0), (-3.0, 3.0))) -> Surface:
    """A surface from a typed formula in x and y; raises ExpressionError with a plain message."""
    formula = compile_formula(text)
    return Surface(
        "custom",
        "Your formula",
        formula,
        bounds,
        formula.latex,
        f"Your formula: {formula.text}",
        start=(0.5 * bounds[0][1], 0.5 * bounds[1][1]),
    )


__all__ = ["Surface", "ExpressionError", "names", "get", "groups", "parse", "GROUPS"]
