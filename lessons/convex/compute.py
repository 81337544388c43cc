"""The convex lesson's settings, cached computations, scenes and start-up warm-up.

Importable, so the start-up warm-up shares its cache entries with the page (a function defined
in the page script lives in `__main__`, where nothing else can reach its cache). Plain arguments
in, numpy / frames / core's results out; every computation takes a turn in ui.gate on a cache
miss, so a hit never waits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
import torch

from core import curvature, descent, optimizers, surfaces
from ui import controls
from ui.cache import computation
from ui.settings import PerOptimizer, Settings

PAGE = "convex"  # the page's own keys: its scenes, its prediction
MAP_N = 100  # heatmap cells per side
SOLID_N = 70  # 3-D surface grid per side
CURVE_N = 200  # curvature map grid per side (one batched Hessian call)
PAIRS = (1_000, 5_000, 20_000, 100_000)
STEPS = (50, 100, 200, 300, 500, 1000)
RECORDS = 250  # at most about this many recorded points per path
SETTLED = 1e-4  # a run whose slope |∇f| is below this has come to rest
#: The two real models, with their axis titles.
MODELS = {"logistic_2w": ("w (weight)", "b (bias)"), "deep_linear_2w": ("w₁", "w₂")}


# -- settings, one class per section -------------------------------------------------------------


@dataclass(frozen=True)
class Descent(PerOptimizer):
    """The surface and the optimisers that walk on it. The start point and the learning rates
    follow the surface (the surface picker resets them), so their defaults here are those of
    the default surface; `lr` and each optimiser setting are per optimiser."""

    PREFIX: ClassVar[str] = "descent"
    surface: str = "himmelblau"
    formula: str = controls.DEFAULT_FORMULA
    optimizers: tuple[str, ...] = ("sgd", "momentum", "adam")
    steps: int = 300
    x0: float = 0.0
    y0: float = 0.0
    log_loss: bool = True

    def runs(self) -> tuple[Run, ...]:
        """The chosen optimisers as the picker returns them: a whole-number setting as an int,
        every other number as a float, a setting left out at its default."""
        out = []
        for name in self.optimizers:
            hyper = tuple(
                (h, (int if isinstance(d, int) else float)(self.get(h, name, d)))
                for h, d in optimizers.info(name).hyper.items()
            )
            out.append(Run(name, float(self.get("lr", name)), hyper))
        return tuple(out)


@dataclass(frozen=True)
class Evidence(Settings):
    """The two convexity tests: the sign tolerance and the number of random chords."""

    PREFIX: ClassVar[str] = "evidence"
    tolerance: float = 1e-6
    chords: int = 20_000


class Run(NamedTuple):
    """One optimiser's settings: hashable, so it can go to a cached function."""

    name: str
    lr: float
    hyper: tuple = ()

    @property
    def label(self) -> str:
        return controls.OptimizerChoice(*self).label


@dataclass(frozen=True)
class Walk:
    """One optimiser's run from one start: its recorded path (cut where it diverged) and how it
    ended. `steepest` is the largest curvature (Hessian eigenvalue) at the points it visited and
    `rises` the number of recorded steps on which its loss went up."""

    steps: np.ndarray
    x: np.ndarray
    y: np.ndarray
    loss: np.ndarray
    stopped: int  # the step at which it was frozen (−1: never)
    final: tuple[float, float]
    final_loss: float
    slope: float  # |∇f| at the end
    shape: str  # curvature.KINDS at the end
    steepest: float
    rises: int


class Paths(NamedTuple):
    frame: pd.DataFrame  # run, step, x, y, loss: every chosen optimiser's path in long form
    walks: dict[str, Walk]  # by run label


class Chords(NamedTuple):
    test: curvature.ChordTest
    profile: pd.DataFrame | None  # s (0 at a, 1 at b), surface, chord: the worst failing chord


class Prediction(NamedTuple):
    """The predict-then-run question: plain gradient descent on Himmelblau from a start where
    the nearest minimum is not the one reached (tests/test_claims_convex.py checks it)."""

    surface: str = "himmelblau"
    start: tuple[float, float] = (0.25, 4.0)
    lr: float = 0.01
    steps: int = 500


PREDICTION = Prediction()


# -- computation: plain arguments in, numpy out (cached) --------------------------------------


def _surface(key: str, formula: str):
    return controls.surface_for(key, formula)


def _curvable(s):
    """The surface plus 0·|xy|², which changes no value but gives autograd a second derivative
    to take even when a typed formula is constant or linear."""
    return lambda xy: s(xy) + 0.0 * (xy * xy).sum(-1)


@computation(max_entries=64)
def surface_grid(key: str, formula: str, n: int):
    """xs [n], ys [n] and the loss z [n, n] on the surface's bounds."""
    xs, ys, z = _surface(key, formula).grid(n)
    return xs.numpy(), ys.numpy(), z.numpy()


@computation(max_entries=32)
def eigen_grid(key: str, formula: str):
    """The Hessian's two eigenvalues at every point of a CURVE_N² grid, in one batched call;
    NaN where the surface or its curvature is not a finite number."""
    s = _surface(key, formula)
    xs, ys, z = s.grid(CURVE_N)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    h = curvature.hessian(_curvable(s), torch.stack([gx, gy], dim=-1))
    ok = torch.isfinite(h).flatten(-2).all(-1) & torch.isfinite(z)
    eigs = torch.linalg.eigvalsh(torch.where(ok[..., None, None], h, torch.zeros_like(h)))
    eigs[~ok] = torch.nan
    return xs.numpy(), ys.numpy(), eigs.numpy()


def kinds(eigs: np.ndarray, rtol: float) -> np.ndarray:
    """Index into curvature.KINDS per grid point (−1 where undefined), signs with a tolerance."""
    e = torch.from_numpy(eigs)
    k = curvature.kind(torch.nan_to_num(e), rtol).numpy()
    return np.where(np.isnan(eigs).any(-1), -1, k)


@computation(max_entries=32)
def run_chord_test(key: str, formula: str, pairs: int, rtol: float) -> Chords:
    """The chord test, and the surface along its worst failing chord."""
    s = _surface(key, formula)
    test = curvature.chord_test(s, pairs=pairs, rtol=rtol)
    profile = None
    if test.worst is not None:
        a, b, _ = test.worst
        u = torch.linspace(0, 1, 101, dtype=torch.float64)
        a_, b_ = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
        with torch.no_grad():
            f = s((1 - u)[:, None] * a_ + u[:, None] * b_)
        ends = s(torch.stack([a_, b_]))
        profile = pd.DataFrame(
            {
                "s": u.numpy(),
                "surface": f.numpy(),
                "chord": ((1 - u) * ends[0] + u * ends[1]).detach().numpy(),
            }
        )
    return Chords(test, profile)


@computation(max_entries=64)
def descend(
    key: str, formula: str, name: str, lr: float, hyper: tuple, x0: float, y0: float, steps: int
) -> Walk:
    """One optimiser from one start: its recorded path, cut where it diverged, and how it ended."""
    s = _surface(key, formula)
    start = torch.tensor([[x0, y0]], dtype=torch.float64)
    run = descent.run(
        s,
        start,
        optimizer=name,
        lr=lr,
        steps=steps,
        record_every=max(1, steps // RECORDS),
        **dict(hyper),
    )
    at = run.steps.numpy()
    path, loss = run.path[:, 0].numpy(), run.loss[:, 0].numpy()
    stopped = int(run.stopped_at[0])
    if stopped >= 0:  # keep the path up to there; the run was held at its last good point
        keep = at < stopped
        at, path, loss = (
            np.append(at[keep], stopped),
            np.vstack([path[keep], path[-1:]]),
            np.append(loss[keep], loss[-1]),
        )
    end = run.final[:1]
    slope = float(curvature.gradient(_curvable(s), end).norm())
    eig = curvature.eigenvalues(_curvable(s), end)[0]
    visited = torch.from_numpy(path[np.isfinite(path).all(-1)])
    steepest = (
        float(curvature.eigenvalues(_curvable(s), visited)[:, 1].max()) if len(visited) else 0.0
    )
    finite = loss[np.isfinite(loss)]
    rises = int((np.diff(finite) > 1e-12 * (1 + np.abs(finite[:-1]))).sum())
    return Walk(
        steps=at,
        x=path[:, 0],
        y=path[:, 1],
        loss=loss,
        stopped=stopped,
        final=tuple(float(v) for v in end[0]),
        final_loss=float(run.final_loss[0]),
        slope=slope,
        shape=curvature.KINDS[int(curvature.kind(eig))],
        steepest=steepest if math.isfinite(steepest) else 0.0,
        rises=rises,
    )


@computation(max_entries=64)
def trace_paths(
    key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int
) -> Paths:
    """Every chosen optimiser's path in long form (run, step, x, y, loss), and their walks."""
    walks = {r.label: descend(key, formula, *r, x0, y0, steps) for r in runs}
    frame = pd.concat(
        [
            pd.DataFrame({"run": label, "step": w.steps, "x": w.x, "y": w.y, "loss": w.loss})
            for label, w in walks.items()
        ],
        ignore_index=True,
    )
    return Paths(frame, walks)


@computation(max_entries=64)
def largest_curvature(key: str, formula: str) -> float:
    """L: the largest |eigenvalue| of the Hessian on the map, how fast the gradient can change."""
    _, _, eigs = eigen_grid(key, formula)
    big = np.abs(eigs[np.isfinite(eigs)])
    return float(big.max()) if big.size else 0.0


def predict_run() -> Walk:
    """The run that answers the page's question."""
    p = PREDICTION
    return descend(p.surface, "", "sgd", p.lr, (), *p.start, p.steps)


# -- what the numbers say (plain data for the page's sentences and tables) -----------------------


def describe_ending(w: Walk, surface, steps: int) -> str:
    """How a run ended, in words: diverged/escaped at step k, or what kind of point it rests at."""
    if not np.isfinite(w.loss[0]):
        return "cannot start: the surface has no value at the start point"
    if w.stopped >= 0:
        if surface.bounded_below:
            return f"diverged at step {w.stopped}"
        return f"escaped at step {w.stopped} (this surface falls away forever)"
    if w.slope >= SETTLED:
        return f"still moving after {steps} steps"
    best = min((m[2] for m in surface.minima), default=None)
    if best is not None and w.final_loss <= best + 1e-6 * (1 + abs(best)):
        return "reached a global minimum"
    minimum = "a local minimum" if best is not None else "a minimum"
    return {
        "bowl-shaped": f"came to rest in {minimum}",
        "saddle-shaped": "stuck at a saddle point",
        "dome-shaped": "balanced on a peak",
    }.get(w.shape, "came to rest on flat ground")


def nearest_minimum(point, minima) -> tuple[float, float, float] | None:
    """The listed minimum nearest to a point, or None when the surface lists none."""
    return min(minima, key=lambda q: math.dist(point, q[:2])) if minima else None


def point_label(point) -> str:
    return "—" if point is None else f"({point[0]:.2f}, {point[1]:.2f})"


def ending_table(walks: dict[str, Walk], surface, steps: int) -> pd.DataFrame:
    """One row per run: how it ended, where, at what loss and slope, near which minimum."""
    return pd.DataFrame(
        [
            {
                "optimiser": label,
                "how it ended": describe_ending(w, surface, steps),
                "final point": f"({w.final[0]:.3f}, {w.final[1]:.3f})",
                "final loss": w.final_loss,
                "slope |∇f|": w.slope,
                "nearest known minimum": point_label(nearest_minimum(w.final, surface.minima)),
            }
            for label, w in walks.items()
        ]
    )


class Verdict(NamedTuple):
    kinds: np.ndarray  # index into curvature.KINDS per grid point (−1: undefined)
    share: dict[str, float]  # share of the map of each kind
    downhill: float  # share of the map curving downhill in some direction
    convex: bool  # no chord failed and nothing curves downhill
    frame: pd.DataFrame  # test, value: the numbers behind the verdict, for the download


def judge(eigs: np.ndarray, test: curvature.ChordTest, rtol: float) -> Verdict:
    """The curvature map's and the chord test's numbers, and the verdict they give."""
    k = kinds(eigs, rtol)
    defined = max(int((k >= 0).sum()), 1)
    share = {name: float((k == i).sum()) / defined for i, name in enumerate(curvature.KINDS)}
    downhill = float((eigs[..., 0] < -rtol * np.abs(eigs).max(-1)).sum()) / defined
    frame = pd.DataFrame(
        [{"test": f"share of map {n}", "value": v} for n, v in share.items()]
        + [
            {"test": "share of map curving downhill in some direction", "value": downhill},
            {"test": "share of chords that fail", "value": test.share_failed},
            {"test": "chords tested", "value": test.pairs},
        ]
    )
    return Verdict(k, share, downhill, test.share_failed == 0 and downhill == 0, frame)


class StepCheck(NamedTuple):
    """Plain gradient descent's learning rate against the 2/L guarantee, and what it did."""

    lr: float
    L: float  # the largest curvature anywhere on the map
    steepest: float  # the largest curvature at the points the walk visited
    rises: int  # recorded steps on which the loss went up
    recorded: int  # recorded steps
    stopped: int
    ending: str  # describe_ending's words


def check_step(key: str, formula: str, walk: Walk, lr: float, steps: int) -> StepCheck:
    ending = describe_ending(walk, _surface(key, formula), steps)
    L = largest_curvature(key, formula)
    return StepCheck(lr, L, walk.steepest, walk.rises, len(walk.loss) - 1, walk.stopped, ending)


def step_checks(d: Descent) -> StepCheck:
    """check_step for the gradient-descent run of a view (one that has one)."""
    gd = next(r for r in d.runs() if r.name == "sgd")
    walk = trace_paths(d.surface, "", d.runs(), d.x0, d.y0, d.steps).walks[gd.label]
    return check_step(d.surface, "", walk, gd.lr, d.steps)


def deep_linear_heights() -> dict[str, float]:
    """The deep linear model's loss at its saddle (0, 0) and at the minima (1, 1), (−1, −1)."""
    s = surfaces.get("deep_linear_2w")
    with torch.no_grad():
        f = s(torch.tensor([[0.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64))
    return {"saddle": float(f[0]), "minimum": float(f[1:].max())}


class Model(NamedTuple):
    surface: surfaces.Surface
    grid: tuple  # xs, ys, z of the map
    test: curvature.ChordTest
    numbers: dict  # bowl (share of the map bowl-shaped), failed (share of chords), pairs


def model_evidence(key: str) -> Model:
    """A real model's map and its convexity evidence, at the evidence section's defaults."""
    evidence = Evidence()
    test, _ = run_chord_test(key, "", evidence.chords, evidence.tolerance)
    _, _, eigs = eigen_grid(key, "")
    bowl = float((kinds(eigs, evidence.tolerance) == 0).mean())
    numbers = {"bowl": bowl, "failed": test.share_failed, "pairs": test.pairs}
    return Model(surfaces.get(key), surface_grid(key, "", MAP_N), test, numbers)


# -- defaults that work on each surface, and the lesson scenes ---------------------------------


def lr_for(surface):
    """A learning rate that suits the surface: its own plain-GD step for the gradient methods,
    a step about 1% of the map for the adaptive ones (their step is nearly lr in each direction)."""
    (x0, x1), (y0, y1) = surface.bounds
    span = max(x1 - x0, y1 - y0)

    def pick(name: str) -> float:
        if optimizers.info(name).second_order:
            return 1.0
        if name == "nesterov":
            return surface.lr / 2  # Nesterov's momentum is stable for smaller steps than Polyak's
        if name in ("adam", "rmsprop"):
            return span / 100
        if name == "adagrad":
            return span / 10
        return surface.lr

    return pick


def scene(
    surface: str,
    start: tuple[float, float],
    rates: dict[str, float],
    steps: int = Descent.steps,
    **hyper: float,
) -> Descent:
    """A scene's runs: surface, start, steps, and each optimiser's learning rate and settings
    (`momentum_momentum=0.5`: the momentum of Momentum; defaults unless given, so that no
    setting leaks in from an earlier scene)."""
    per: dict[str, list] = {}
    for name in rates:
        for h, default in optimizers.info(name).hyper.items():
            per.setdefault(h, []).append((name, hyper.get(f"{name}_{h}", default)))
    return Descent(
        surface=surface,
        optimizers=tuple(rates),
        steps=steps,
        x0=start[0],
        y0=start[1],
        lr=tuple(sorted(rates.items())),
        **{h: tuple(sorted(pairs)) for h, pairs in per.items()},
    )


def default_view() -> Descent:
    """The page opened with no link: the default surface from its own start, the default
    optimisers at the learning rates lr_for gives them."""
    s = surfaces.get(Descent.surface)
    pick = lr_for(s)
    return scene(Descent.surface, s.start, {n: controls.sig3(pick(n)) for n in Descent.optimizers})


SCENES = {
    "Bowl: every path agrees": (
        scene("bowl", (-2.5, 2.0), {"sgd": 0.1, "momentum": 0.1, "adam": 0.0562}),
    ),
    "Ravine: momentum vs plain GD": (
        scene("ravine", (-2.8, 1.5), {"sgd": 0.09, "momentum": 0.1}, 100, momentum_momentum=0.5),
    ),
    "Himmelblau: start decides": (
        scene("himmelblau", (0.0, 0.0), {"sgd": 0.01, "momentum": 0.01, "adam": 0.1}),
    ),
    "Rastrigin traps gradient descent": (
        scene("rastrigin", (3.2, -2.1), {"sgd": 0.00178, "momentum": 0.00178, "adagrad": 1.02}),
    ),
    "Deep linear: saddle at the origin": (scene("deep_linear_2w", (1.5, -1.499), {"sgd": 0.0562}),),
    "Too big a step": (scene("bowl", (-2.5, 2.0), {"sgd": 1.78, "momentum": 0.1}, 100),),
}
TOO_BIG = SCENES["Too big a step"][0]  # the scene the theory section's sentence is about


def views() -> tuple[Descent, ...]:
    """Every set of runs the page shows without a student's own change: the default view and
    each scene's."""
    return (default_view(), *(s[0] for s in SCENES.values()))


# -- start-up warm-up ----------------------------------------------------------------------------


def compute_runs(d: Descent) -> Paths:
    """What the descent section computes for these settings (a typed formula aside)."""
    for r in d.runs():
        descend(d.surface, "", *r, d.x0, d.y0, d.steps)
    return trace_paths(d.surface, "", d.runs(), d.x0, d.y0, d.steps)


def warm() -> None:
    """Compute what the page shows for its default view and for every lesson scene, with the
    arguments the page passes, so that the class's first visit is a cache hit (warmup.HOOKS)."""
    evidence = Evidence()
    for d in views():
        surface_grid(d.surface, "", SOLID_N)
        surface_grid(d.surface, "", MAP_N)
        compute_runs(d)
        largest_curvature(d.surface, "")
        eigen_grid(d.surface, "")
        run_chord_test(d.surface, "", evidence.chords, evidence.tolerance)
    for key in MODELS:
        surface_grid(key, "", MAP_N)
        run_chord_test(key, "", evidence.chords, evidence.tolerance)
        eigen_grid(key, "")
    predict_answer()
    theory_numbers()
    notice_numbers()


def theory_numbers() -> dict[str, float | str]:
    """The theory section's numbers: the scene *Too big a step* on the bowl, and plain gradient
    descent in the default view, each against 2/L."""
    big, usual = step_checks(TOO_BIG), step_checks(default_view())
    return {
        "bowl_curvature": big.L,
        "bowl_limit": 2 / big.L,
        "bowl_lr": big.lr,
        "bowl_ending": big.ending,
        "lr": usual.lr,
        "limit": 2 / usual.L,
        "ending": usual.ending,
        "steepest": usual.steepest,
    }


RAVINE = SCENES["Ravine: momentum vs plain GD"][0]
DEEP_LINEAR = SCENES["Deep linear: saddle at the origin"][0]


def ravine_momentum(d: Descent = RAVINE, momentum: float | None = None) -> Walk:
    """Momentum in the ravine scene, at the scene's setting or at another momentum."""
    run = next(r for r in d.runs() if r.name == "momentum")
    hyper = run.hyper if momentum is None else (("momentum", momentum),)
    return descend(d.surface, "", run.name, run.lr, hyper, d.x0, d.y0, d.steps)


def gd_walk(d: Descent) -> Walk:
    """The gradient-descent run of a view."""
    gd = next(r for r in d.runs() if r.name == "sgd")
    return descend(d.surface, "", *gd, d.x0, d.y0, d.steps)


def notice_numbers() -> dict[str, float]:
    """The numbers of "What to notice": momentum tuned and untuned in the ravine scene against
    plain gradient descent, and how near the deep-linear walk passes the saddle and for how many
    steps its loss stays within 1% of the saddle's."""
    usual = optimizers.info("momentum").hyper["momentum"]
    tuned = dict(next(r for r in RAVINE.runs() if r.name == "momentum").hyper)["momentum"]
    walk = gd_walk(DEEP_LINEAR)
    saddle = deep_linear_heights()["saddle"]
    return {
        "tuned": tuned,
        "tuned_loss": ravine_momentum().final_loss,
        "usual": usual,
        "usual_loss": ravine_momentum(momentum=usual).final_loss,
        "gd_loss": gd_walk(RAVINE).final_loss,
        "steps": RAVINE.steps,
        "closest": float(np.hypot(walk.x, walk.y).min()),
        "flat": int((np.abs(walk.loss - saddle) < 0.01 * saddle).sum()),
    }


class Answer(NamedTuple):
    """The predict-then-run question's numbers, its options and answer, and the text block
    of the explanation (chosen from the computed distances)."""

    question: dict
    options: list[str]
    answer: str
    block: str
    numbers: dict


def predict_answer() -> Answer:
    p, walk = PREDICTION, predict_run()
    minima = surfaces.get(p.surface).minima
    reached = nearest_minimum(walk.final, minima)
    near = nearest_minimum(p.start, minima)
    question = {"count": len(minima), "lr": p.lr, "x": p.start[0], "y": p.start[1]}
    numbers = {
        "x": walk.final[0],
        "y": walk.final[1],
        "reached": math.dist(p.start, reached[:2]),
        "near": point_label(near),
        "nearest": math.dist(p.start, near[:2]),
        "x0": p.start[0],
        "y0": p.start[1],
        "lr": p.lr,
    }
    block = "predict_nearest" if reached == near else "predict_not_nearest"
    options = [point_label(m) for m in minima]
    return Answer({**question, "steps": p.steps}, options, point_label(reached), block, numbers)


def items(block: str) -> list[str]:
    """The entries of a markdown list (a text.md block), each on one line."""
    return [" ".join(item.split()) for item in block.removeprefix("- ").split("\n- ")]
