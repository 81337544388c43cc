"""The saddles lesson's settings, cached computations, scenes and start-up warm-up.

Importable, so the start-up warm-up shares its cache entries with the page (a function cached in
a page script lives in `__main__`). Plain arguments in, numpy, frames and core's dataclasses out;
every computation takes a turn in ui.gate on a cache miss, so a hit never waits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
import torch

from core import curvature, data, descent, escape, networks, optimizers, surfaces
from ui import controls
from ui.cache import computation
from ui.settings import PerOptimizer, Settings
from ui.text import load

text = load(__file__)

PAGE = "saddles"  # the page's own keys: its scenes, its prediction
MAP_N = 101
SECOND_ORDER_STEPS = 100  # Newton-type runs stop here: each step builds a Hessian per restart
PREDICT_LR, PREDICT_STEPS = 0.05, 400  # the predict-first question's sweep
PREDICT_EPS = (1e-4, 1e-8)
STEPS = (100, 200, 300, 500, 800, 1200, 2000, 3000)
MONKEY_STEPS = (500, 1000, 1500, 3000, 5000)
NET_STEPS = (200, 400, 800, 1500, 2500)
FIRST_ORDER = ("sgd", "momentum", "adam")
ACTIVATIONS = ("tanh", "sigmoid")
OFFERED = ("sgd", "momentum", "adam", "newton", "saddle_free_newton", "perturbed_gd")
#: The plateau sweep: the small initial scale times these factors (each half the one before),
#: trained together for SWEEP_STEPS steps.
SWEEP_FACTORS = (2.0, 1.0, 0.5, 0.25)
SWEEP_STEPS = 4000
#: Increments per halving that grow by at least this factor make a power law, not a logarithm.
POWER_GROWTH = 1.5


# -- settings, one class per section -------------------------------------------------------------


@dataclass(frozen=True)
class Escape(PerOptimizer):
    """Leaving a saddle: the surface, which of its saddles, the push ε and the optimisers. The
    learning rates follow the surface (lr_for) unless set; start x0, y0 is used only on a surface
    without a saddle, and its default is the default surface's own start."""

    PREFIX: ClassVar[str] = "saddle"
    surface: str = "saddle"
    formula: str = controls.DEFAULT_FORMULA
    near: int = 0
    eps: float = 1e-6
    along: float = 1.0
    steps: int = 500
    seed: int = 0
    optimizers: tuple[str, ...] = ("sgd", "momentum", "adam", "newton", "saddle_free_newton")
    noisy: bool = False
    sigma: float = 1e-3
    x0: float = surfaces.get("saddle").start[0]
    y0: float = surfaces.get("saddle").start[1]

    def chosen(self) -> list[controls.OptimizerChoice]:
        """The optimisers as the picker returns them when their settings are left alone."""
        default_lr = lr_for(controls.surface_for(self.surface))
        return [
            controls.OptimizerChoice(
                n,
                float(self.get("lr", n, default_lr(n))),
                tuple((h, self.get(h, n, v)) for h, v in controls.default_hyper(n)),
            )
            for n in self.optimizers
        ]


@dataclass(frozen=True)
class Monkey(Settings):
    """The monkey saddle against x² − y²: gradient descent's learning rate and steps."""

    PREFIX: ClassVar[str] = "monkey"
    lr: float = 0.05
    steps: int = 1500


@dataclass(frozen=True)
class Plateau(Settings):
    """A real network's plateau: the network, its data, two initial scales and the training."""

    PREFIX: ClassVar[str] = "plateau"
    data: str = "xor"
    depth: int = 2
    width: int = 4
    activation: str = "tanh"
    small: float = 0.05
    large: float = 0.5
    restarts: int = 4
    optimizer: str = "sgd"
    lr: float = 1.0
    steps: int = 800
    seed: int = 0


class Run(NamedTuple):
    """One run of the escape section: hashable, so it can go to a cached function."""

    label: str
    name: str
    lr: float
    hyper: tuple
    noise: float


# -- computation: plain arguments in, numpy out (cached) --------------------------------------


@computation(max_entries=32)
def find_saddles(key: str, formula: str) -> list[escape.Saddle]:
    return escape.find_saddles(controls.surface_for(key, formula))


@computation(max_entries=32)
def surface_grid(key: str, formula: str):
    xs, ys, z = controls.surface_for(key, formula).grid(MAP_N)
    return xs.numpy(), ys.numpy(), z.numpy()


@computation(max_entries=64)
def escape_runs(
    key: str,
    formula: str,
    saddle: int,
    name: str,
    lr: float,
    hyper: tuple,
    noise: float,
    eps: float,
    along: float,
    steps: int,
    seed: int,
) -> escape.Escape:
    """One optimiser from (saddle + along·stable + ε·unstable) for the chosen ε, ε = 0 and the
    whole sweep, as one batched float64 run: restarts 0, 1 and 2… in that order."""
    s = controls.surface_for(key, formula)
    return escape.measure(
        s,
        find_saddles(key, formula)[saddle],
        (eps, 0.0, *escape.EPS_GRID),
        name,
        lr,
        steps,
        along,
        seed,
        noise,
        **dict(hyper),
    )


@computation(max_entries=64)
def free_run(
    key: str,
    formula: str,
    name: str,
    lr: float,
    hyper: tuple,
    noise: float,
    x0: float,
    y0: float,
    steps: int,
    seed: int,
) -> pd.DataFrame:
    """One optimiser from a chosen start, for surfaces without a saddle: step, x, y, loss,
    grad_norm, index, and `stopped` (−1, or the step at which it left the map's box)."""
    s = controls.surface_for(key, formula)
    run = descent.run(
        s,
        torch.tensor([[x0, y0]], dtype=torch.float64),
        optimizer=name,
        lr=lr,
        steps=steps,
        seed=seed,
        noise=noise,
        **dict(hyper),
    )
    idx = escape.path_index(s, run.path[:, 0])
    return pd.DataFrame(
        {
            "step": run.steps.numpy(),
            "x": run.path[:, 0, 0].numpy(),
            "y": run.path[:, 0, 1].numpy(),
            "loss": run.loss[:, 0].numpy(),
            "grad_norm": run.grad_norm[:, 0].numpy(),
            "index": idx.numpy(),
            "stopped": int(run.stopped_at[0]),
        }
    )


@computation(max_entries=32)
def sweep(key: str, lr: float, steps: int) -> escape.Escape:
    """Gradient descent from (1, ε) on a built-in saddle surface, for every ε of the sweep."""
    s = controls.surface_for(key)
    return escape.measure(s, find_saddles(key, "")[0], escape.EPS_GRID, "sgd", lr, steps)


@computation(max_entries=32, spinner="Training the networks…")
def plateau_runs(p: Plateau) -> escape.NetPlateau:
    return escape.net_plateau(
        p.data,
        (p.width,) * p.depth,
        p.activation,
        (p.small, p.large),
        p.restarts,
        p.optimizer,
        p.lr,
        p.steps,
        p.seed,
    )


class Origin(NamedTuple):
    """The all-zero network: its loss (the plateau), slope and Hessian spectrum."""

    level: float
    slope: float  # |∇L(0)|
    eigenvalues: np.ndarray  # ascending, all P of them
    size: int

    @property
    def nonzero(self) -> int:
        return int((np.abs(self.eigenvalues) > 1e-9).sum())

    @property
    def negative(self) -> int:
        return int((self.eigenvalues < -1e-9).sum())


def origin_sentence(p: Plateau) -> tuple[str, dict]:
    """The text block and values that say what the all-zero network is here."""
    o = origin(p)
    block = "origin_critical" if o.slope < 1e-9 else "origin_not_critical"
    verb = "is" if o.nonzero == 1 else "are"
    return block, {**o._asdict(), "nonzero": o.nonzero, "negative": o.negative, "verb": verb}


def _problem(p: Plateau):
    X, y = data.make(p.data, n=100, noise=0.2, seed=p.seed)  # as escape.net_plateau makes them
    return X, y, networks.MLP(hidden=(p.width,) * p.depth, activation=p.activation)


@computation(max_entries=32)
def origin(p: Plateau) -> Origin:
    X, y, net = _problem(p)
    X64, y64 = X.double(), y.double()
    loss = lambda V: net.loss(V, X64, y64)  # noqa: E731
    W = torch.zeros(1, net.size, dtype=torch.float64)
    eig = torch.linalg.eigvalsh(curvature.hessian(loss, W)[0]).numpy()
    slope = float(curvature.gradient(loss, W)[0].norm())
    return Origin(float(loss(W)[0]), slope, eig, net.size)


class PlateauSweep(NamedTuple):
    """Steps on the plateau against the initial scale: every restart (scale, restart, steps,
    left) and, per scale that all restarts left, the median; `power` is the slope of log median
    against log 1/s and `growth` the median ratio of successive increments (a logarithmic law
    adds the same steps per halving: growth ≈ 1; a power p multiplies them by 2^p)."""

    frame: pd.DataFrame
    medians: pd.DataFrame  # scale, steps
    power: float | None
    growth: float | None
    cap: int


@computation(max_entries=32, spinner="Training the networks…")
def plateau_sweep(p: Plateau) -> PlateauSweep:
    """The section's network from initial scales small × SWEEP_FACTORS, all restarts of every
    scale as one batch, each until its loss is 10% below the all-zero network's."""
    X, y, net = _problem(p)
    scales = [p.small * f for f in SWEEP_FACTORS]
    W0 = torch.cat([net.init(p.restarts, seed=p.seed, scheme="small", scale=s) for s in scales])
    fit = networks.train(
        net, X, y, W0, optimizer=p.optimizer, lr=p.lr, steps=SWEEP_STEPS, seed=p.seed
    )
    level = float(net.loss(torch.zeros(1, net.size), X, y)[0])
    below = (fit.loss <= 0.9 * level).numpy()
    left = below.any(0)
    at = np.where(left, below.argmax(0), SWEEP_STEPS)
    frame = pd.DataFrame(
        {
            "scale": np.repeat(scales, p.restarts),
            "restart": np.tile(np.arange(p.restarts), len(scales)),
            "steps": at,
            "left": left,
        }
    )
    done = frame.groupby("scale", sort=False).filter(lambda g: bool(g["left"].all()))
    medians = done.groupby("scale", sort=False)["steps"].median().reset_index()
    s, k = medians["scale"].to_numpy(float), medians["steps"].to_numpy(float)
    power = (
        float(np.polyfit(np.log(1 / s), np.log(k), 1)[0]) if len(s) >= 2 and k.min() > 0 else None
    )
    gaps = np.diff(k)  # scales go down by halves: one increment per halving
    growth = float(np.median(gaps[1:] / gaps[:-1])) if len(gaps) >= 2 and (gaps > 0).all() else None
    return PlateauSweep(frame, medians, power, growth, SWEEP_STEPS)


def sweep_law(result: PlateauSweep) -> str:
    """Which text block says what the sweep found."""
    if result.growth is None:
        every = len(result.medians) == len(SWEEP_FACTORS)
        if every and np.ptp(result.medians["steps"]) <= 0.2 * max(
            1.0, result.medians["steps"].min()
        ):
            return "sweep_flat"
        return "sweep_unclear"
    return "sweep_power" if result.growth >= POWER_GROWTH else "sweep_log"


def chain_exponent(p: Plateau) -> int:
    """The exponent a chain of k = depth + 1 weight layers predicts for the wait, s^−(k−2): each
    weight of a chain of k equal weights u, the output u^k, grows as du/dt ∝ u^(k−1) near 0,
    which takes about ∫ du / u^(k−1) ∝ s^−(k−2) from u = s (and ln(1/s) for k = 2)."""
    return p.depth + 1 - 2


# -- widget values → call arguments (the page and warm() alike) -------------------------------


def lr_for(surface):
    """Defaults that work here: the surface's own gradient-descent step, Newton's full step."""

    def pick(name: str) -> float:
        if optimizers.info(name).second_order:
            return 1.0
        return 0.05 if name == "adam" else surface.lr

    return pick


def steps_for(name: str, steps: int) -> int:
    return min(steps, SECOND_ORDER_STEPS) if optimizers.info(name).second_order else steps


def runs_for(chosen, noisy: bool, sigma: float) -> list[Run]:
    """Every run: the chosen optimisers, plus gradient descent with noise when asked for."""
    info = optimizers.names()
    runs = [Run(info[c.name].label, c.name, c.lr, c.hyper, 0.0) for c in chosen]
    gd = next((c for c in chosen if c.name == "sgd"), None)
    if noisy and gd is not None:
        runs.append(Run(f"Gradient descent + noise {sigma:g}", "sgd", gd.lr, (), sigma))
    return runs


def escape_batch(choice, near: int, run: Run, e: Escape) -> escape.Escape:
    """The cached batch of one run, started near saddle number `near`."""
    return escape_runs(
        choice.key,
        choice.formula,
        near,
        run.name,
        run.lr,
        run.hyper,
        run.noise,
        e.eps,
        e.along,
        steps_for(run.name, e.steps),
        e.seed,
    )


def free_path(choice, run: Run, start: tuple[float, float], steps: int, seed: int):
    """The cached path of one run from a chosen start (surfaces without a saddle)."""
    return free_run(
        choice.key,
        choice.formula,
        run.name,
        run.lr,
        run.hyper,
        run.noise,
        *start,
        steps_for(run.name, steps),
        seed,
    )


def free_frame(found: dict[str, pd.DataFrame], runs: list[Run]) -> pd.DataFrame:
    """The paths of free_path, one frame with a run label and a restart number each."""
    frames = [found[r.label].assign(run=r.label, restart=i) for i, r in enumerate(runs)
              if r.label in found]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def strict_steps(lr: float, steps: int) -> int:
    """Steps for x² − y² beside the monkey saddle: enough for the smallest ε to escape."""
    return min(steps, int(escape.theory_steps([1e-10], 1 + 2 * lr)[0] * 1.3) + 20)


# -- what the escape section shows --------------------------------------------------------------


def outcome(e: escape.Escape, i: int, sd: escape.Saddle, bounded: bool) -> str:
    """How restart i ended, in words."""
    k, left, stop = int(e.escape_step[i]), bool(e.left[i]), int(e.stopped_at[i])
    gone = "diverged" if bounded else "left the map for good"
    if k >= 0:
        return f"escaped at step {k}" + (f", {gone} at step {stop}" if left else "")
    if left:
        return f"{gone} at step {stop}"
    d = float(np.hypot(*(e.path[-1, i] - (sd.x, sd.y))))
    if d < 1e-6:
        return f"stuck on the saddle: {d:.1e} from it after {int(e.steps[-1])} steps"
    return f"not escaped within {int(e.steps[-1])} steps; ends {d:.2g} from the saddle"


def saddle_label(sd: escape.Saddle) -> str:
    lo, hi = sd.eigenvalues
    kind = "degenerate" if sd.degenerate else f"curvatures {lo:.3g}, {hi:.3g}"
    return f"({sd.x:.3f}, {sd.y:.3f}), loss {sd.value:.4g} — {kind}"


def escape_frame(label: str, e: escape.Escape, offset: int = 2) -> pd.DataFrame:
    """Escape steps against ε of one run (run, eps, escaped, steps: a miss at its last step)."""
    k = e.escape_step[offset:]
    return pd.DataFrame(
        {
            "run": label,
            "eps": np.array(escape.EPS_GRID),
            "escaped": k >= 0,
            "steps": np.where(k >= 0, k, int(e.steps[-1])),
        }
    )


class Slope(NamedTuple):
    label: str
    rho: float
    measured: float | None  # extra steps per factor of 10 smaller ε, fitted
    predicted: float  # ln 10 / ln ρ


class EscapeView(NamedTuple):
    paths: pd.DataFrame  # run, restart, step, x, y, loss, grad_norm, index (the chosen ε)
    measured: pd.DataFrame  # escape_frame of every run
    theory: pd.DataFrame  # line, eps, steps: ln(1/ε)/ln ρ for gradient descent and momentum
    slopes: list[Slope]
    table: pd.DataFrame  # run, from the chosen ε, from ε = 0
    marks: pd.DataFrame  # run, step, loss, grad_norm where each escaped
    loss_domain: tuple[float, float]


def escape_view(results: dict[str, escape.Escape], runs: list[Run], sd, e: Escape, bounded: bool):
    """The frames, fitted slopes and outcome table of the escape section."""
    paths = pd.concat(
        [
            pd.DataFrame(
                {
                    "run": label,
                    "restart": i,
                    "step": r.steps,
                    "x": r.path[:, 0, 0],
                    "y": r.path[:, 0, 1],
                    "loss": r.loss[:, 0],
                    "grad_norm": r.grad_norm[:, 0],
                    "index": r.index[:, 0],
                }
            )
            for i, (label, r) in enumerate(results.items())
        ],
        ignore_index=True,
    )
    measured = pd.concat([escape_frame(k, r) for k, r in results.items()], ignore_index=True)
    grid = np.array(escape.EPS_GRID)
    lines, slopes = [], []
    for run in runs if not sd.degenerate else ():
        momentum = {k: v for k, v in run.hyper if k == "momentum"}
        rho = escape.growth(run.name, run.lr, sd.rate, **momentum) if run.noise == 0 else None
        if rho is None:
            continue
        tag = f"{run.label}: ln(1/ε) / ln {rho:.4g}"
        lines.append(
            pd.DataFrame({"line": tag, "eps": grid, "steps": escape.theory_steps(grid, rho)})
        )
        if run.label in results:
            fit = escape.slope(grid, results[run.label].escape_step[2:])
            per = None if fit is None else fit * math.log(10)
            slopes.append(Slope(run.label, rho, per, math.log(10) / math.log(rho)))
    theory = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame()
    table = pd.DataFrame(
        [
            {
                "run": label,
                f"from ε = {e.eps:g}": outcome(r, 0, sd, bounded),
                "from ε = 0 exactly": outcome(r, 1, sd, bounded),
            }
            for label, r in results.items()
        ]
    )
    marks = pd.DataFrame(
        [
            {
                "run": label,
                "step": int(r.escape_step[0]),
                "loss": float(r.loss[int(r.escape_step[0]), 0]),
                "grad_norm": float(r.grad_norm[int(r.escape_step[0]), 0]),
            }
            for label, r in results.items()
            if r.escape_step[0] >= 0
        ]
    )
    finite = paths["loss"][np.isfinite(paths["loss"])]
    low = max(float(finite.min()), sd.value - 2 * sd.drop) if len(finite) else sd.value - 1
    high = float(finite.max()) if len(finite) else sd.value + 1
    return EscapeView(
        paths, measured, theory, slopes, table, marks, (low, max(high, sd.value + 1e-9))
    )


def paths_numbers(sd: escape.Saddle, e: Escape) -> dict[str, object]:
    way = "the x axis" if sd.degenerate else f"({sd.stable[0]:.2f}, {sd.stable[1]:.2f})"
    return {"along": e.along, "direction": way, "eps": e.eps, "second": SECOND_ORDER_STEPS}


def zero_note(results, runs: list[Run], sd: escape.Saddle) -> tuple[str, dict] | None:
    """(text block, values) saying why a deterministic method left from ε = 0, when one did."""
    left = [
        r.label
        for r in runs
        if r.noise == 0
        and not optimizers.info(r.name).stochastic
        and r.label in results
        and results[r.label].escape_step[1] >= 0
    ]
    if not left:
        return None
    who = ", ".join(left)
    if sd.degenerate:
        return "zero_degenerate", {"who": who}
    gd = next((r.lr for r in runs if r.name == "sgd" and r.noise == 0), None)
    rho = escape.growth("sgd", gd, sd.rate) if gd else None
    if rho:
        return "zero_rounding_gd", {"who": who, "n": escape.theory_steps([1e-16], rho)[0]}
    return "zero_rounding", {"who": who}


class MonkeyView(NamedTuple):
    measured: pd.DataFrame
    theory: pd.DataFrame
    power: float | None  # fitted exponent of the monkey saddle's steps over ε ≤ 1e-3
    smallest: float | None  # the smallest ε that escaped the monkey saddle
    strict: escape.Escape
    monkey: escape.Escape


def monkey_view(m: Monkey) -> MonkeyView:
    strict = sweep("saddle", m.lr, strict_steps(m.lr, m.steps))
    monkey = sweep("monkey_saddle", m.lr, m.steps)
    grid = np.array(escape.EPS_GRID)
    measured = pd.concat(
        [
            escape_frame("x² − y² (strict)", strict, 0),
            escape_frame("monkey saddle (degenerate)", monkey, 0),
        ],
        ignore_index=True,
    )
    theory = pd.DataFrame(
        {
            "line": f"x² − y²: ln(1/ε) / ln {1 + 2 * m.lr:.4g}",
            "eps": grid,
            "steps": escape.theory_steps(grid, 1 + 2 * m.lr),
        }
    )
    small = grid <= 1e-3
    reached = monkey.escape_step >= 0
    return MonkeyView(
        measured,
        theory,
        escape.power(grid[small], monkey.escape_step[small]),
        float(grid[reached].min()) if reached.any() else None,
        strict,
        monkey,
    )


class FlatStretch(NamedTuple):
    """Gradient descent's run from the chosen ε: where its slope was smallest before it escaped."""

    value: float  # the saddle's height
    smallest: float  # the smallest |∇f| before the escape
    quiet: int  # the step where it was
    escaped: int


def flat_stretch(results, runs: list[Run], sd: escape.Saddle) -> FlatStretch | None:
    """The numbers of the "flat, then a drop" paragraph, or None where gradient descent did not
    escape from the chosen ε or its slope did not first shrink (then the paragraph is not true)."""
    gd = next((r for r in runs if r.name == "sgd" and r.noise == 0 and r.label in results), None)
    if gd is None:
        return None
    r = results[gd.label]
    k = int(r.escape_step[0])
    if k <= 1:
        return None
    g = r.grad_norm[:k, 0]
    quiet = int(np.argmin(g))
    if quiet == 0 or g[quiet] >= 0.1 * g[0]:
        return None
    return FlatStretch(sd.value, float(g[quiet]), quiet, k)


# -- what the plateau section shows -------------------------------------------------------------


class PlateauView(NamedTuple):
    labels: list[str]
    curves: pd.DataFrame  # run, restart, step, loss, grad_norm
    medians: list[int | None]  # per scale: median steps on the plateau of those that left
    left: list[tuple[int, int]]  # per scale: (restarts that left, restarts)
    index: pd.DataFrame  # run, step, index
    spectrum: pd.DataFrame  # where, rank, eigenvalue
    at: int  # the probe on the first small-scale restart's plateau
    metrics: list[tuple[str, str, str]]  # per scale: label, median steps, restarts that left


def plateau_view(r: escape.NetPlateau, steps: int) -> PlateauView:
    labels = [f"scale {v:g}" for v in r.scales]
    T, R = r.loss.shape
    curves = pd.DataFrame(
        {
            "run": np.tile(np.array(labels, dtype=object)[r.group], T),
            "restart": np.tile(np.arange(R), T),
            "step": np.repeat(np.arange(T), R),
            "loss": r.loss.ravel(),
            "grad_norm": r.grad_norm.ravel(),
        }
    )
    medians, left = [], []
    for g in range(len(labels)):
        group = r.left_at[r.group == g]
        done = group[group >= 0]
        medians.append(int(np.median(done)) if len(done) else None)
        left.append((len(done), len(group)))
    first = r.left_at[0]
    mid = (first // 2) if first > 0 else steps // 2
    at = int(np.abs(r.probe_steps - mid).argmin())
    index = pd.DataFrame(
        {
            "run": np.repeat(labels, len(r.probe_steps)),
            "step": np.tile(r.probe_steps, len(labels)),
            "index": r.index.ravel(),
        }
    )
    spectrum = pd.concat(
        [
            pd.DataFrame(
                {
                    "where": f"{labels[0]}, step {int(r.probe_steps[k])}"
                    + (" (on the plateau)" if k == at else " (end)"),
                    "rank": np.arange(r.size) + 1,
                    "eigenvalue": r.eigenvalues[0, k],
                }
            )
            for k in dict.fromkeys((at, len(r.probe_steps) - 1))
        ],
        ignore_index=True,
    )
    metrics = [
        (
            f"Initial {label}: median steps on the plateau",
            f"> {steps}" if median is None else f"{median}",
            f"{done} of {of} restarts left it",
        )
        for label, median, (done, of) in zip(labels, medians, left)
    ]
    return PlateauView(labels, curves, medians, left, index, spectrum, at, metrics)


def curvature_numbers(r: escape.NetPlateau, v: PlateauView) -> dict[str, object]:
    """The curvature paragraph's numbers: the Hessian on the first small-scale restart's plateau,
    and the two scales' median waits compared (compare_faster only when the larger is faster)."""
    lam = r.eigenvalues[0, v.at]
    small, large = v.medians[0], v.medians[-1]
    faster = large is not None and (small is None or large < small)
    shown = {"small": f"> {r.loss.shape[0] - 1}" if small is None else small, "large": large}
    compare = text("compare_faster" if faster else "compare_not_faster", **shown)
    return {
        "step": int(r.probe_steps[v.at]),
        "label": v.labels[0],
        "size": r.size,
        "index": float(r.index[0, v.at]),
        "downhill": round(float(r.index[0, v.at]) * r.size),
        "lowest": float(lam[0]),
        "highest": float(lam[-1]),
        "compare": compare,
    }


def sweep_numbers(result: PlateauSweep, p: Plateau) -> dict[str, object]:
    k = result.medians["steps"].to_numpy(float)
    return {
        "power": result.power if result.power is not None else float("nan"),
        "ratio": 2.0**result.power if result.power is not None else float("nan"),
        "growth": result.growth if result.growth is not None else float("nan"),
        "k": p.depth + 1,
        "predicted": chain_exponent(p),
        "low": float(k.min()) if len(k) else 0.0,
        "high": float(k.max()) if len(k) else 0.0,
        "cap": result.cap,
        "scales": ", ".join(f"{s:g}" for s in pd.unique(result.frame["scale"])),
        "restarts": p.restarts,
    }


def plateau_notice() -> str:
    """The "what to notice" line about the network, from the default network's sweep."""
    p = Plateau()
    result = plateau_sweep(p)
    block = "notice_power" if sweep_law(result) == "sweep_power" else "notice_other"
    return text(block, **sweep_numbers(result, p))


# -- the predict-then-run question --------------------------------------------------------------


class Prediction(NamedTuple):
    near: int  # escape steps from ε = 1e-4
    far: int  # from ε = 1e-8
    per_decade: float  # ln 10 / ln(1 + 2η)


def prediction() -> Prediction:
    e = sweep("saddle", PREDICT_LR, PREDICT_STEPS)
    grid = np.array(escape.EPS_GRID)
    a, b = (int(e.escape_step[np.argmin(np.abs(np.log(grid / v)))]) for v in PREDICT_EPS)
    return Prediction(a, b, math.log(10) / math.log(1 + 2 * PREDICT_LR))


# -- lesson scenes ------------------------------------------------------------------------------


def scene(surface: str, runs: dict[str, float], eps: float, steps: int = 500, **extra) -> Escape:
    """The escape section on `surface` with these optimisers and learning rates; the start
    point (for a surface without a saddle) is the surface's own."""
    x0, y0 = surfaces.get(surface).start
    lr = tuple(sorted(runs.items()))
    return Escape(
        surface=surface, optimizers=tuple(runs), eps=eps, steps=steps, x0=x0, y0=y0, lr=lr, **extra
    )


SCENES = {
    "Adam escapes the saddle": (
        scene("saddle", {"sgd": 0.05, "momentum": 0.05, "adam": 0.0562}, 1e-8),
    ),
    "Newton walks into the saddle": (
        scene("saddle", {"sgd": 0.05, "newton": 1.0, "saddle_free_newton": 1.0}, 1e-4, 300),
    ),
    "Noise knocks it off": (
        scene("lee_saddle", {"sgd": 0.05, "perturbed_gd": 0.05}, 1e-10, 800, noisy=True),
    ),
    "Monkey saddle: degenerate": (
        scene("monkey_saddle", {"sgd": 0.0562, "momentum": 0.0562, "adam": 0.0562}, 1e-4, 2000),
    ),
    "Plateau: looks converged": (scene("plateau", {"sgd": 0.1, "adam": 0.0562}, 1e-6, 1200),),
    "Deep linear net at the origin": (
        scene("deep_linear_2w", {"sgd": 0.05, "momentum": 0.05, "saddle_free_newton": 1.0}, 1e-6),
    ),
}


def views() -> tuple[Escape, ...]:
    """Every escape section the page shows without a student's own change."""
    return (Escape(), *(s[0] for s in SCENES.values()))


# -- start-up warm-up ---------------------------------------------------------------------------


def compute_escape(e: Escape) -> dict[str, escape.Escape] | list[pd.DataFrame]:
    """What the escape section computes for these settings (a built-in surface)."""
    choice = controls.SurfaceChoice(e.surface, "", controls.surface_for(e.surface))
    runs = runs_for(e.chosen(), e.noisy, e.sigma)
    surface_grid(choice.key, choice.formula)
    if find_saddles(choice.key, choice.formula):
        return {r.label: escape_batch(choice, e.near, r, e) for r in runs}
    return [free_path(choice, r, (e.x0, e.y0), e.steps, e.seed) for r in runs]


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button, with
    the page's arguments, so that the class's first visit to each is a cache hit. Scenes set only
    the escape section: the other sections keep their defaults."""
    for e in views():
        compute_escape(e)
    monkey_view(Monkey())
    plateau_runs(Plateau())
    plateau_sweep(Plateau())
    origin(Plateau())
    prediction()


def items(block: str) -> list[str]:
    """The entries of a markdown list (a text.md block), each on one line."""
    return [" ".join(item.split()) for item in block.removeprefix("- ").split("\n- ")]
