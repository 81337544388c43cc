"""The restarts lesson's settings, cached computations, scenes and start-up warm-up.

Each section of the page declares its controls once, as a `Settings` dataclass; the page draws
them, and scenes and `warm()` build the same classes. The cached computations take plain
numbers (the public functions below turn an `Experiment` into them, so the page and the warm-up
ask for the very same cache entries) and return numpy arrays and core.basins' dataclasses. A
`*_view` function turns a result into what the page shows: its tables, metrics and the values
its sentences need, so that every number in the prose is computed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
import torch

from core import basins, curvature, optimizers, surfaces
from ui import controls
from ui.cache import computation
from ui.settings import Settings

#: The page's own key: its scene buttons, its prediction and its download files.
PAGE = "restarts"
SHUFFLES = 200  # random orders of the same runs behind the restart curves
NET_POINTS = 200  # points of the network section's dataset
XOR_LR = 3.16  # a gradient-descent step on the learning-rate grid that trains the XOR net
TARGET = 0.95  # the chance of success the restarts metric asks for

STEPS = (50, 100, 200, 300, 500, 1000, 2000)
GRIDS = (20, 40, 60, 80, 100, 120, 150, 200)
RUNS = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
NET_RESTARTS = (4, 8, 16, 32, 64, 128, 256)
NET_STEPS = (100, 200, 500, 1000, 2000, 5000)
WIDTHS = (1, 2, 3, 4, 6, 8, 16, 32)
ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = {"mse": "squared error", "bce": "cross-entropy"}


class Metric(NamedTuple):
    """One st.metric: a label, its value, a change under it and a tooltip."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"  # "inverse" where a fall is good news


# -- settings ----------------------------------------------------------------------------------


class _LeavesNone(Settings):
    """Settings whose None fields mean "the default that follows another choice" (a learning
    rate that follows the surface or the optimiser): a scene leaves such a field alone."""

    def values(self) -> dict[str, object]:
        return {k: v for k, v in super().values().items() if v is not None}


@dataclass(frozen=True)
class Restarts(_LeavesNone):
    """Sections 1–4: the surface, the optimiser and the random restarts."""

    PREFIX: ClassVar[str] = "restarts"
    surface: str = "six_hump_camel"
    formula: str = controls.DEFAULT_FORMULA
    optimizer: str = "sgd"
    lr: float | None = None  # None: the surface's own step
    steps: int = 500
    runs: int = 1000  # random restarts N of sections 2–4
    seed: int = 0


@dataclass(frozen=True)
class Map(Settings):
    """Section 1: the grid of starts of the basin map."""

    PREFIX: ClassVar[str] = "map"
    grid: int = 120  # starts per side
    samples: int = 3  # sample paths per side


@dataclass(frozen=True)
class Noise(Settings):
    """Section 3: annealed gradient noise."""

    PREFIX: ClassVar[str] = "noise"
    start: float = 30.0  # standard deviation added to each gradient at the first step


@dataclass(frozen=True)
class GoodEnough(Settings):
    """Section 4: how close to the best counts as good enough."""

    PREFIX: ClassVar[str] = "good_enough"
    within: int = 10  # per cent of the way from the typical start down to the best


@dataclass(frozen=True)
class Network(_LeavesNone):
    """Section 5: restarts of a real network."""

    PREFIX: ClassVar[str] = "network"
    dataset: str = "xor"
    jitter: float = 0.1
    width: int = 2
    layers: int = 1
    activation: str = "sigmoid"
    loss: str = "mse"
    restarts: int = 64
    steps: int = 500
    optimizer: str = "sgd"
    lr: float | None = None  # None: net_default_lr of the optimiser
    seed: int = 0


SECTIONS = (Restarts, Map, Noise, GoodEnough, Network)


class Experiment(NamedTuple):
    """What sections 1–4 run: one surface and optimiser, as the pickers resolved them (a
    broken formula falls back to the last good one), with the steps, seed and restarts."""

    surface: str
    formula: str
    optimizer: str
    lr: float
    hyper: tuple
    steps: int
    seed: int
    runs: int


def experiment(s: Restarts, chosen=None, optimizer=None) -> Experiment:
    """The experiment of these settings; `chosen` and `optimizer` are the page's picker results
    (controls.SurfaceChoice, OptimizerChoice), absent in the warm-up, which uses the defaults the
    pickers show (the surface's step, the optimiser's own settings)."""
    key, formula = (chosen.key, chosen.formula) if chosen else (s.surface, "")
    if optimizer is None:
        lr = s.lr if s.lr is not None else controls.surface_for(key, formula).lr
        name, hyper = s.optimizer, controls.default_hyper(s.optimizer)
    else:
        name, lr, hyper = optimizer.name, optimizer.lr, optimizer.hyper
    return Experiment(key, formula, name, lr, hyper, int(s.steps), int(s.seed), int(s.runs))


def exported(values: dict, optimizer, network=None) -> dict[str, object]:
    """The settings file: every section's controls, and the settings of the chosen optimisers
    (momentum, β₁, …), which the optimiser pickers draw under the section's prefix."""
    extra = {f"{Restarts.PREFIX}_{h}": v for h, v in optimizer.hyper}
    if network is not None:
        extra.update({f"{Network.PREFIX}_{h}": v for h, v in network.hyper})
    return {**values, **extra}


def network_default_lr(state, query) -> float | None:
    """The network optimiser's default step (net_default_lr), before its picker draws: the
    choice is read from the widgets' state, or on a fresh visit from the link's label."""
    key = Network.key("optimizer")
    name = state.get(key)
    if name is None:
        label = query.get(key)
        name = next((k for k, i in optimizers.names().items() if i.label == label), "sgd")
    return net_default_lr(name)


def net_default_lr(optimizer: str) -> float | None:
    """Plain gradient descent gets the large step the XOR network needs (squared error on
    sigmoids has small gradients); every other optimiser its own default (None)."""
    return XOR_LR if optimizer == "sgd" else None


# -- 1. basins of attraction -------------------------------------------------------------------


@computation(max_entries=32)
def _basin_map(
    key: str,
    formula: str,
    optimizer: str,
    lr: float,
    hyper: tuple,
    steps: int,
    seed: int,
    grid: int,
    samples: int,
    _progress=None,
) -> basins.BasinMap:
    s = controls.surface_for(key, formula)
    return basins.basin_map(
        s, grid, optimizer, lr, steps, samples=samples, seed=seed, progress=_progress, **dict(hyper)
    )


@computation(max_entries=32)
def _grid_limit(key: str, formula: str, optimizer: str, steps: int) -> int:
    return basins.largest_grid(controls.surface_for(key, formula), steps, optimizer)


def map_grid(e: Experiment, asked: int) -> int:
    """Starts per side of the basin map: as asked, or fewer where that would not fit the budget."""
    return min(asked, max(_grid_limit(e.surface, e.formula, e.optimizer, e.steps), 2))


def basin_map(e: Experiment, m: Map, progress=None) -> basins.BasinMap:
    grid = map_grid(e, int(m.grid))
    return _basin_map(
        e.surface,
        e.formula,
        e.optimizer,
        e.lr,
        e.hyper,
        e.steps,
        e.seed,
        grid,
        int(m.samples),
        _progress=progress,
    )


def outcome_table(shares) -> pd.DataFrame:
    """Where the runs ended: one row per outcome, most common first."""
    return pd.DataFrame(
        [{"ended at": name, "starts": count, "share": share} for _, name, count, share in shares]
    )


def map_view(surface, m: basins.BasinMap) -> tuple[list[Metric], dict]:
    """The map's metrics, and the values its caption fills in."""
    metrics = [
        Metric("Starts that reach a global minimum", f"{m.global_share:.1%}"),
        Metric(
            "Known minima",
            f"{len(m.minima)}",
            help="Listed with the surface; for your own formula, found by Newton's method.",
        ),
    ]
    tol = basins.tolerance(surface, m.minima) if m.minima else 0.0
    return metrics, {"tolerance": tol, "grid": len(m.xs), "starts": len(m.xs) * len(m.ys)}


# -- 2. random restarts ------------------------------------------------------------------------


@computation(max_entries=64)
def _restart_runs(
    key: str,
    formula: str,
    optimizer: str,
    lr: float,
    hyper: tuple,
    steps: int,
    seed: int,
    n: int,
    noise: float = 0.0,
    _progress=None,
) -> basins.Restarts:
    s = controls.surface_for(key, formula)
    return basins.restarts(
        s,
        n,
        optimizer,
        lr,
        steps,
        seed=seed,
        noise=noise,
        anneal=noise > 0,
        progress=_progress,
        **dict(hyper),
    )


def restart_runs(e: Experiment, noise: float = 0.0, progress=None) -> basins.Restarts:
    """N runs from seeded random starts (with annealed gradient noise when noise > 0)."""
    args = (e.surface, e.formula, e.optimizer, e.lr, e.hyper, e.steps, e.seed, e.runs)
    if noise:
        return _restart_runs(*args, float(noise), _progress=progress)
    return _restart_runs(*args, _progress=progress)


def class_experiment(e: Experiment) -> tuple[str, str]:
    """The class room's experiment for these settings: a name that only runs with the same
    surface, optimiser, step and steps share (each student brings their own seed), and a title."""
    same = repr((e.surface, e.formula, e.optimizer, e.lr, e.hyper, e.steps))
    name = f"restarts-{hashlib.sha256(same.encode()).hexdigest()[:16]}"
    surface = controls.surface_for(e.surface, e.formula).label
    by = optimizers.info(e.optimizer).label
    return name, f"one restart each on {surface}, {by} at η = {e.lr:g}, {e.steps} steps"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def my_restart(e: Experiment, seed: int) -> dict[str, object]:
    """One restart from a student's own seed, as the class's experiment keeps it: the start and
    the end point, the final loss (None if it diverged), whether it reached a global minimum,
    and where."""
    r = _restart_runs(e.surface, e.formula, e.optimizer, e.lr, e.hyper, e.steps, seed, 1)
    x, y = r.ends[0]
    return {
        "loss": _finite(float(r.final_loss[0])),
        "success": bool(r.success[0]),
        "x0": float(r.starts[0, 0]),
        "y0": float(r.starts[0, 1]),
        "x": _finite(float(x)),
        "y": _finite(float(y)),
        "ended": basins.OUTCOMES.get(int(r.codes[0]), "a listed minimum"),
    }


#: The class view's basin map, redrawn on every student's page every few seconds: at most this
#: many cells a side (every k-th cell of section 1's map), so that it stays light to send.
CLASS_MAP_CELLS = 40


def coarse_map(m: basins.BasinMap) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every k-th cell of the map (xs, ys, codes), at most CLASS_MAP_CELLS a side."""
    k = max(1, math.ceil(len(m.xs) / CLASS_MAP_CELLS))
    return m.xs[::k], m.ys[::k], m.codes[::k, ::k]


def class_ends(outcomes) -> tuple[tuple[float, float, bool], ...]:
    """The end points of the class's restarts (outcomes as my_restart keeps them), with whether
    each reached a global minimum; runs that left no finite point are left out."""
    return tuple(
        (float(o["x"]), float(o["y"]), bool(o.get("success")))
        for o in outcomes
        if isinstance(o.get("x"), (int, float)) and isinstance(o.get("y"), (int, float))
    )


#: The fresh pool behind the measured chance of success has the seed `seed + FRESH_SEED`: beyond
#: the seed box (0–10,000), so it is never the pool a student sees under another seed.
FRESH_SEED = 10_001


class Curves(NamedTuple):
    """The restart statistics: best loss after k restarts over shuffles of the pool, and the
    chance of success within k, predicted from the pool's p and measured on a fresh pool."""

    k: np.ndarray  # [K] restart counts of the best-after-k curve
    best: np.ndarray  # [3, K] 10%, 50%, 90% of the best loss after k restarts
    predicted: np.ndarray  # [K] 1 − (1 − p)ᵏ, p from the pool
    measured_k: np.ndarray  # [K'] the k with at least basins.MIN_GROUPS groups of fresh runs
    measured: np.ndarray  # [K'] share of disjoint groups of k fresh runs with a success
    groups: np.ndarray  # [K'] groups behind each measured share
    fresh_p: float  # single-run success rate of the fresh pool


@computation(max_entries=64)
def _restart_curves(
    key: str, formula: str, optimizer: str, lr: float, hyper: tuple, steps: int, seed: int, n: int
) -> Curves:
    r = _restart_runs(key, formula, optimizer, lr, hyper, steps, seed, n)
    usable = r.codes > basins.ESCAPED
    k, q = basins.best_after_k(r.final_loss, usable, SHUFFLES, seed)
    fresh = _restart_runs(key, formula, optimizer, lr, hyper, steps, seed + FRESH_SEED, n)
    predicted = 1 - (1 - r.p) ** k.astype(np.float64)
    measured_k, measured, groups = basins.success_in_groups(fresh.success, k)
    return Curves(k, q, predicted, measured_k, measured, groups, fresh.p)


def restart_curves(e: Experiment) -> Curves:
    return _restart_curves(
        e.surface, e.formula, e.optimizer, e.lr, e.hyper, e.steps, e.seed, e.runs
    )


def agreement(p: float, c: Curves) -> tuple[float, float, int]:
    """The largest gap between the measured and predicted chance of success, in units of the
    measurement's standard error (binomial, over its groups); with its gap and k."""
    if not len(c.measured_k):
        return 0.0, 0.0, 0
    predicted = 1 - (1 - p) ** c.measured_k.astype(np.float64)
    gap = c.measured - predicted
    se = np.sqrt(np.maximum(predicted * (1 - predicted), 1e-12) / c.groups)
    i = int(np.argmax(np.abs(gap) / se))
    return float(abs(gap[i]) / se[i]), float(gap[i]), int(c.measured_k[i])


def curves_words(e: Experiment, r: basins.Restarts, c: Curves) -> dict:
    """The values the curves' caption fills in, and its last sentence chosen from them."""
    z, gap, k = agreement(r.p, c)
    if not len(c.measured_k):
        verdict = "Too few runs for even ten groups: raise N to measure it."
    elif r.p == 0 and c.fresh_p == 0:
        verdict = "No run succeeded in either pool, so both curves stay at 0."
    elif z <= 3:
        verdict = (
            f"At every k the two agree within three standard errors of the measurement (the "
            f"largest gap, {abs(gap):.1%} at k = {k:,}, is {z:.1f} of them): these restarts "
            "behave as independent tries with the same chance p."
        )
    else:
        verdict = (
            f"At k = {k:,} they differ by {gap:+.1%}, {z:.1f} standard errors: more than "
            "chance explains, so p from one pool does not predict the other here."
        )
    largest = int(c.measured_k[-1]) if len(c.measured_k) else 0
    return {
        "shuffles": SHUFFLES,
        "runs": e.runs,
        "p": r.p,
        "min_groups": basins.MIN_GROUPS,
        "largest": largest,
        "agreement": verdict,
    }


def restarts_needed(p: float, target: float = TARGET) -> str:
    """k with 1 − (1 − p)ᵏ ≥ target, in words."""
    if p <= 0:
        return "— (no run succeeded)"
    if p >= target:
        return "1"
    return f"{math.ceil(math.log(1 - target) / math.log(1 - p)):,}"


def prediction(p: float = 0.05, target: float = TARGET) -> dict:
    """The predict question's numbers: the restarts it takes, the naive guess target ÷ p, and the
    options with the right one (k rounded to ten) among them."""
    ratio = math.log(1 - target) / math.log(1 - p)
    k = math.ceil(ratio)
    naive = f"about {target / p:.0f} ({target:.0%} ÷ {p:.0%})"
    options = [naive, f"about {round(k, -1):,}", "about 200", "about 1,000"]
    return {
        "k": k,
        "ratio": ratio,
        "p": p,
        "target": target,
        "miss": 1 - p,
        "options": options,
        "answer": options[1],
    }


def try_words() -> dict[str, object]:
    """The numbers of "Try this": Rastrigin's limit 2/f″ at its minima (the same curvature,
    4π²·10 + 2, at every ripple) and the first learning-rate notch above it; how many of the
    default runs escape on the two saddles."""
    s = surfaces.get("rastrigin")
    top = float(curvature.eigenvalues(s, torch.zeros(1, 2, dtype=torch.float64)).max())
    limit = 2 / top
    lr = min(v for v in controls.log_values(*controls.LR_RANGE) if v > limit)
    words: dict[str, object] = {"limit": limit, "lr": lr}
    for key in ("saddle", "monkey_saddle"):
        r = restart_runs(experiment(Restarts(surface=key)))
        words[f"{key}_escaped"] = int((r.codes == basins.ESCAPED).sum())
        words[f"{key}_moving"] = int((r.codes == basins.MOVING).sum())
    words["runs"] = Restarts.default("runs")
    return words


def rounded(values: np.ndarray, r: basins.Restarts) -> np.ndarray:
    """Losses rounded to a millionth of the typical drop from the starts: differences below that
    are float32 rounding, and would otherwise fill a histogram's axis with 0.000000000001s."""
    finite = r.final_loss[np.isfinite(r.final_loss) & (r.codes > basins.ESCAPED)]
    drop = float(np.nanmedian(r.start_loss)) - float(finite.min()) if finite.size else 0.0
    step = 1e-6 * drop
    return np.round(values / step) * step if step > 0 else values


def global_value(minima) -> float | None:
    ids = basins.global_ids(minima)
    return minima[ids[0]][2] if ids else None


def usable(r: basins.Restarts) -> np.ndarray:
    """Runs with a loss to compare: neither escaped nor diverged."""
    return r.codes > basins.ESCAPED


def left_out(codes: np.ndarray) -> str:
    """A sentence on runs that escaped or diverged, or ''."""
    esc, div = int((codes == basins.ESCAPED).sum()), int((codes == basins.DIVERGED).sum())
    parts = [
        f"{esc:,} escaped (fell away downhill, out of the box)" if esc else "",
        f"{div:,} diverged (steps blew up)" if div else "",
    ]
    text = " and ".join(p for p in parts if p)
    return f"{text}: left out of the histogram." if text else ""


class RestartView(NamedTuple):
    metrics: list[Metric]
    losses: pd.DataFrame  # "final loss" of the usable runs, rounded
    best: np.ndarray  # the best-after-k quantiles, rounded
    global_value: float | None
    usable: int
    note: str  # runs left out of the histogram
    runs: pd.DataFrame  # every run, for the download


def restart_view(r: basins.Restarts, c: Curves) -> RestartView:
    ok = usable(r)
    metrics = [
        Metric(
            "Single-run success rate p",
            f"{r.p:.1%}",
            help="Share of runs that reach a global minimum (or its level).",
        ),
        Metric(
            f"Restarts for a {TARGET:.0%} chance",
            restarts_needed(r.p),
            help=f"The smallest k with 1 − (1 − p)ᵏ ≥ {TARGET:.0%}.",
        ),
        Metric("Best loss found", f"{r.final_loss[ok].min():.4g}" if ok.any() else "—"),
    ]
    runs = pd.DataFrame(
        {
            "start x": r.starts[:, 0],
            "start y": r.starts[:, 1],
            "start loss": r.start_loss,
            "final loss": r.final_loss,
            "ended at": basins.names(r.codes, r.minima),
            "success": r.success,
        }
    )
    return RestartView(
        metrics,
        pd.DataFrame({"final loss": rounded(r.final_loss[ok], r)}),
        rounded(c.best, r),
        global_value(r.minima),
        int(ok.sum()),
        left_out(r.codes),
        runs,
    )


# -- 3. noise ----------------------------------------------------------------------------------


def median_usable(r: basins.Restarts) -> float:
    ok = usable(r)
    return float(np.median(r.final_loss[ok])) if ok.any() else float("nan")


class NoiseView(NamedTuple):
    metrics: list[Metric]
    losses: pd.DataFrame  # "final loss" and "run" (plain or noisy), for the side-by-side chart
    note: str
    runs: pd.DataFrame  # for the download


def noise_view(plain: basins.Restarts, noisy: basins.Restarts, label: str) -> NoiseView:
    rows = []
    for name, r in ((f"plain {label}", plain), (f"{label} + annealed noise", noisy)):
        ok = usable(r)
        rows.append(pd.DataFrame({"final loss": rounded(r.final_loss[ok], plain), "run": name}))
    p0, p1 = round(100 * plain.p, 1), round(100 * noisy.p, 1)
    med_p, med_n = (float(rounded(np.array(median_usable(r)), plain)) for r in (plain, noisy))
    metrics = [
        Metric("Success, plain", f"{p0:.1f}%"),
        Metric("Success, with noise", f"{p1:.1f}%", delta=f"{p1 - p0:+.1f} points"),
        Metric(
            "Median final loss with noise",
            f"{med_n:.4g}",
            delta=f"{med_n - med_p:+.3g}",
            help=f"Without noise: {med_p:.4g}.",
            delta_color="inverse",
        ),
    ]
    note = left_out(noisy.codes)
    runs = pd.DataFrame(
        {
            "start x": plain.starts[:, 0],
            "start y": plain.starts[:, 1],
            "plain final loss": plain.final_loss,
            "noisy final loss": noisy.final_loss,
            "plain success": plain.success,
            "noisy success": noisy.success,
        }
    )
    return NoiseView(metrics, pd.concat(rows), f"With noise, {note}" if note else "", runs)


# -- 4. good enough ----------------------------------------------------------------------------


def good_enough_view(r: basins.Restarts, s: GoodEnough) -> tuple[basins.GoodEnough, list, dict]:
    within = s.within / 100
    g = basins.good_enough(r.start_loss, r.final_loss, r.codes, within)
    total = len(r.codes)
    metrics = [
        Metric("Good enough", f"{g.good / total:.1%}", help=f"{g.good:,} of {total:,} runs"),
        Metric("Not good enough", f"{g.not_good / total:.1%}", help=f"{g.not_good:,} runs"),
        Metric(
            "Escaped",
            f"{g.escaped / total:.1%}",
            help="Left the box going downhill: on a surface that falls away forever there is "
            "no best to compare with.",
        ),
        Metric("Diverged", f"{g.diverged / total:.1%}", help="The steps blew up."),
    ]
    words = {
        "best": g.best,
        "reference": g.reference,
        "within": s.within,
        "threshold": g.best + within * (g.reference - g.best),
    }
    return g, metrics, words


# -- 5. restarts of a real network -------------------------------------------------------------


@computation(max_entries=32)
def _network_runs(
    dataset: str,
    points: int,
    spread: float,
    width: int,
    layers: int,
    activation: str,
    loss: str,
    restarts: int,
    steps: int,
    optimizer: str,
    lr: float,
    hyper: tuple,
    seed: int,
    _progress=None,
) -> basins.NetRestarts:
    return basins.net_restarts(
        dataset,
        points,
        spread,
        (width,) * layers,
        activation,
        loss,
        restarts,
        steps,
        optimizer,
        lr,
        seed,
        progress=_progress,
        **dict(hyper),
    )


def _net_optimizer(s: Network, optimizer=None) -> tuple[str, float, tuple]:
    """The network's optimiser, step and settings: the page's picker result, or (in the warm-up)
    the step and settings the picker shows by default."""
    if optimizer is None:
        name = s.optimizer
        lr = s.lr or net_default_lr(name) or optimizers.info(name).default_lr
        return name, float(lr), controls.default_hyper(name)
    return optimizer.name, float(optimizer.lr), optimizer.hyper


def network_runs(
    s: Network, optimizer=None, progress=None, restarts: int | None = None, seed: int | None = None
) -> basins.NetRestarts:
    """R networks trained at once (or `restarts` from `seed`, a student's own in the class room);
    `optimizer` is the page's picker result (absent in the warm-up)."""
    name, lr, hyper = _net_optimizer(s, optimizer)
    return _network_runs(
        str(s.dataset),
        NET_POINTS,
        float(s.jitter),
        int(s.width),
        int(s.layers),
        str(s.activation),
        str(s.loss),
        int(s.restarts if restarts is None else restarts),
        int(s.steps),
        name,
        lr,
        hyper,
        int(s.seed if seed is None else seed),  # a number input holds a float
        _progress=progress,
    )


#: A restart stalled when it did not get this share of the way from the typical starting loss
#: down to the best restart (basins.net_restarts' rule).
STALL = 0.1


def network_threshold(r: basins.NetRestarts) -> float:
    """The final loss a restart needs not to stall among the section's restarts `r`: within
    STALL of the way from their typical start down to their best (NaN when none trained)."""
    codes = np.where(r.diverged, basins.DIVERGED, basins.ELSEWHERE)
    g = basins.good_enough(r.curves[0], r.final_loss, codes, within=STALL)
    return g.best + STALL * (g.reference - g.best)


def class_network_experiment(s: Network, optimizer=None) -> tuple[str, str]:
    """The class room's experiment for section 5: a name that only restarts of the same network,
    data and training share, and against the same section's restarts (their R and seed set the
    loss that counts as success); each student trains one network from their own seed."""
    name, lr, hyper = _net_optimizer(s, optimizer)
    same = repr((*s.values().items(), name, lr, hyper))
    code = f"netrestart-{hashlib.sha256(same.encode()).hexdigest()[:16]}"
    shape = "-".join(map(str, (2, *(s.width,) * s.layers, 1)))
    by = optimizers.info(name).label
    how = f"{by} at η = {lr:g}, {s.steps} steps"
    return code, f"one restart each of a {shape} {s.activation} network, {how}"


def my_network_restart(s: Network, optimizer, seed: int) -> dict[str, object]:
    """One network restart from a student's own seed (its data's jitter and first weights),
    as the class's experiment keeps it: final loss (None if it diverged), training accuracy,
    the first recorded step at the section's success loss (None: never), and success: it got
    there, the level of the best of the section's restarts, as the page counts not stalling."""
    threshold = network_threshold(network_runs(s, optimizer))
    r = network_runs(s, optimizer, restarts=1, seed=seed)
    loss = float(r.final_loss[0])
    ok = math.isfinite(loss) and not bool(r.diverged[0])
    hit = np.flatnonzero(r.curves[:, 0] <= threshold)
    return {
        "loss": loss if ok else None,
        "accuracy": float(r.accuracy[0]),
        "steps": int(r.curve_steps[hit[0]]) if hit.size else None,
        "threshold": float(threshold) if math.isfinite(threshold) else None,
        "success": ok and loss <= threshold,
    }


def is_xor_221(s: Network) -> bool:
    """The classic 2-2-1 sigmoid network with squared error on XOR (Hamey 1998's case)."""
    return (s.dataset, s.width, s.layers, s.activation, s.loss) == ("xor", 2, 1, "sigmoid", "mse")


#: How a stalled XOR run answers: it gets some clusters right and, on the clusters it cannot
#: tell apart, the average of their labels (½ for two clusters, ⅓ or ⅔ for three).
STUCK = ("two right, two at one half", "one right, three at a third or two thirds", "other")
NEAR = 0.15  # an output this close to a label (or to the average) counts as that answer


def xor_stalled_kinds(r: basins.NetRestarts) -> dict[str, int]:
    """The stalled runs of each kind in STUCK, from their mean outputs on the four clusters."""
    out, label = r.corner_output[r.stalled], r.corner_label
    right = np.abs(out - label) < NEAR
    rest = ~right
    average = (label * rest).sum(1) / np.maximum(rest.sum(1), 1)
    at_average = np.where(rest, np.abs(out - average[:, None]) < NEAR, True).all(1)
    two = at_average & (right.sum(1) == 2)
    one = at_average & (right.sum(1) == 1)
    return dict(zip(STUCK, (int(two.sum()), int(one.sum()), int((~two & ~one).sum()))))


def xor_words(r: basins.NetRestarts) -> dict[str, object]:
    """The XOR note's counts, and whether the first kind is most of the stalled runs."""
    kinds = xor_stalled_kinds(r)
    two, one, other = kinds.values()
    stalled = int(r.stalled.sum())
    return {
        "stalled": stalled,
        "two": two,
        "one": one,
        "other": other,
        "most": "Most" if two > stalled / 2 else "Some",
    }


class NetworkView(NamedTuple):
    metrics: list[Metric]
    shape: str  # "2-2-1"
    diverged: int
    losses: np.ndarray  # final loss of the restarts that did not diverge
    stalled: np.ndarray  # of those
    titles: dict  # best / median / worst → its boundary chart's title
    runs: pd.DataFrame  # for the download


def network_view(s: Network, r: basins.NetRestarts) -> NetworkView:
    ok = ~r.diverged
    metrics = [
        Metric(
            "Stalled restarts",
            f"{r.stalled.mean():.0%}",
            help="Not within 10% of the way from the typical start to the best restart.",
        ),
        Metric("Best final loss", f"{np.nanmin(r.final_loss[ok]):.4g}" if ok.any() else "—"),
        Metric("Worst final loss", f"{np.nanmax(r.final_loss[ok]):.4g}" if ok.any() else "—"),
        Metric("Weights per network", f"{r.size}"),
    ]
    titles = {
        k: f"{k}: loss {r.final_loss[i]:.3g}, accuracy {r.accuracy[i]:.0%}"
        for k, i in r.picks.items()
    }
    runs = pd.DataFrame(
        {
            "restart": np.arange(len(r.final_loss)),
            "final loss": r.final_loss,
            "accuracy": r.accuracy,
            "stalled": r.stalled,
            "diverged": r.diverged,
            "final weight norm": r.norms[-1],
        }
    )
    shape = "-".join(map(str, (2, *(s.width,) * s.layers, 1)))
    return NetworkView(
        metrics, shape, int(r.diverged.sum()), r.final_loss[ok], r.stalled[ok], titles, runs
    )


# -- scenes and start-up -----------------------------------------------------------------------

#: Each scene sets every control of the sections it names; the others keep their values.
SCENES: dict[str, tuple[Settings, ...]] = {
    "Himmelblau: four basins": (Restarts(surface="himmelblau", lr=0.01), Map(grid=200), Noise()),
    "Rastrigin traps gradient descent": (
        Restarts(surface="rastrigin", lr=0.002, runs=2000),
        Map(grid=200),
        Noise(),
    ),
    "Noise helps on Rastrigin": (
        Restarts(surface="rastrigin", lr=0.00316, steps=1000),
        Map(grid=100),
        Noise(start=100.0),
    ),
    "XOR stalls": (Network(dataset="xor", lr=XOR_LR, steps=2000),),
}


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button (in
    order: a scene leaves the other sections as the scene before left them), so that the class's
    first visit to each is a cache hit."""
    state: dict[type, Settings] = {cls: cls() for cls in SECTIONS}
    for scene in ((), *SCENES.values()):
        state.update({type(s): s for s in scene})
        e = experiment(state[Restarts])
        basin_map(e, state[Map])
        plain = restart_runs(e)
        restart_curves(e)
        restart_runs(e, state[Noise].start)
        good_enough_view(plain, state[GoodEnough])
        network_runs(state[Network])
    try_words()
