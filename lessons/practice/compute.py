"""The practice lesson's settings, cached computations, scenes and start-up warm-up.

Each section of the page declares its controls once, as a `Settings` dataclass; the page draws
them, and scenes and `warm()` build the same classes. The cached computations take plain values
(a Setting's fields as a tuple, numbers and strings), so the page and the warm-up ask for the very
same cache entries, and return numpy arrays and core's dataclasses. A `*_view` function turns a
result into what the page shows: its metrics, tables and the values its sentences need, so that
every number in the prose is computed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
import torch

from core import data, networks, practice
from ui.cache import computation
from ui.settings import Settings, of

#: The page's own key: its scene buttons, its prediction and its download files.
PAGE = "practice"
LN2 = math.log(2)  # the loss of a network that says 50% for every point
HARD_SCALE = 0.1  # the hard setting's first weights: N(0, 0.1²)
SHORT = {"he": "He init", "relu": "ReLU", "adam": "Adam", "skip": "skips"}
FIRST_ORDER = tuple(practice.OPTIMIZERS)

RESTARTS = (4, 8, 16, 32)
STEPS = (100, 200, 300, 500, 1000)
TARGETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
WIDTHS = (2, 4, 8, 16, 32, 64)
BATCHES = (8, 16, 32, 64, practice.POINTS)  # the last: every point, every step
CATAPULT = 1.5  # a median loss this many times its start on the way counts as a spike


class Metric(NamedTuple):
    """One st.metric: a label, its value, a grey line under it and a tooltip."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None


# -- the section's settings --------------------------------------------------------------------


@dataclass(frozen=True)
class Recipe(Settings):
    """1. The recipe against a deliberately hard setting."""

    PREFIX: ClassVar[str] = "recipe"
    dataset: str = "circles"
    depth: int = 4
    width: int = 16
    ingredients: tuple[str, ...] = tuple(practice.INGREDIENTS)
    sgd_lr: float = 0.5
    adam_lr: float = 0.01
    restarts: int = 16
    steps: int = 300
    target: float = 0.1
    seed: int = 0


@dataclass(frozen=True)
class Sweep(Settings):
    """2. The learning-rate sweep."""

    PREFIX: ClassVar[str] = "sweep"
    dataset: str = "circles"
    depth: int = 2
    width: int = 16
    activation: str = "tanh"
    optimizer: str = "sgd"
    lr_range: tuple[float, float] = (0.001, 100.0)
    count: int = 8
    restarts: int = 16
    steps: int = 300
    seed: int = 0


@dataclass(frozen=True)
class Compare(Settings):
    """3. One choice at a time against a baseline."""

    PREFIX: ClassVar[str] = "compare"
    choice: str = "init"
    dataset: str = "circles"
    depth: int = 3
    width: int = 16
    activation: str = "tanh"
    skip: bool = False
    init: str = "xavier"
    small: float = 0.01
    large: float = 5.0
    optimizer: str = "momentum"
    sgd_lr: float = 0.5
    momentum_lr: float = 0.05
    adam_lr: float = 0.01
    batch: int = practice.POINTS
    restarts: int = 16
    steps: int = 300
    target: float = 0.1
    seed: int = 0
    every: bool = False

    def lr(self, optimizer: str) -> float:
        """The learning rate set for one optimiser."""
        return float(getattr(self, f"{optimizer}_lr"))


def init_name(key: str) -> str:
    """An initialisation's name, as its select box (and so the address bar) shows it."""
    return practice.INITS[key][0]


# -- cached training -----------------------------------------------------------------------------


@computation(max_entries=32)
def _train_runs(settings: tuple, restarts: int, steps: int, seed: int, _progress=None):
    """Runs of several settings, each given as a tuple of plain values (a Setting's fields), as
    (loss, overflowed_at, diverged) arrays: plain values, so that a cached copy stays readable
    when a development server reloads core after an edit."""
    runs = practice.train(
        [practice.Setting(*s) for s in settings], restarts, steps, seed, progress=_progress
    )
    return [(r.loss, r.overflowed_at, r.diverged) for r in runs]


def train(
    settings: Mapping[str, practice.Setting], restarts: int, steps: int, seed: int, progress=None
) -> dict[str, practice.Runs]:
    """Train the settings through the cache: Runs by label."""
    runs = _train_runs(
        tuple(astuple(s) for s in settings.values()),
        int(restarts),
        int(steps),
        int(seed),
        _progress=progress,
    )
    return {label: practice.Runs(*r) for label, r in zip(settings, runs)}


class Outcome(NamedTuple):
    """One setting's result as the page states it."""

    label: str
    outcome: practice.Outcome


def outcomes(runs: Mapping[str, practice.Runs], target: float) -> list[Outcome]:
    return [Outcome(label, practice.outcome(r, target)) for label, r in runs.items()]


def outcome_table(runs: Mapping[str, practice.Runs], target: float) -> pd.DataFrame:
    """The comparison's table: per setting the share reaching the target, the median steps to
    reach it, the median final loss and the diverged restarts, in words where there is none."""
    rows = []
    for label, o in outcomes(runs, target):
        rows.append(
            {
                "setting": label,
                "reached target": 100 * o.reached,
                "median steps to reach it": "never"
                if np.isnan(o.median_steps)
                else f"{o.median_steps:.0f}",
                "median final loss": "all diverged"
                if np.isnan(o.median_final)
                else f"{o.median_final:.3g}",
                "diverged": f"{o.diverged} of {o.restarts}",
            }
        )
    return pd.DataFrame(rows)


# -- 1. the recipe against a hard setting ----------------------------------------------------------


def recipe_settings(s: Recipe) -> dict[str, practice.Setting]:
    """The hard setting and the recipe (the hard setting with the chosen ingredients on)."""
    hard = practice.hard(s.dataset, int(s.depth), int(s.width), float(s.sgd_lr), scale=HARD_SCALE)
    chosen = [SHORT[i] for i in practice.INGREDIENTS if i in s.ingredients]
    label = f"recipe: {', '.join(chosen)}" if chosen else "recipe with no ingredient (= hard)"
    return {
        "hard: sigmoid, small init, plain SGD": hard,
        label: practice.recipe(hard, list(s.ingredients), float(s.adam_lr)),
    }


def recipe_runs(s: Recipe, progress=None) -> dict[str, practice.Runs]:
    return train(recipe_settings(s), s.restarts, s.steps, s.seed, progress)


def recipe_view(s: Recipe, runs: Mapping[str, practice.Runs]) -> tuple[list[Metric], dict]:
    """A metric per setting (share reaching the target), and the values the text fills in."""
    metrics = []
    for label, o in outcomes(runs, s.target):
        metrics.append(
            Metric(
                f"{label.split(':')[0].capitalize()}: restarts reaching loss {s.target:g}",
                f"{o.reached:.0%}",
                "never reached"
                if np.isnan(o.median_steps)
                else f"median {o.median_steps:.0f} steps",
                f"Median final loss {o.median_final:.3g}; {o.diverged} of {o.restarts} diverged.",
            )
        )
    hard = next(iter(runs.values()))
    return metrics, {"hard_final": float(np.nanmedian(hard.final)), "ln2": LN2}


# -- 2. the learning-rate sweep --------------------------------------------------------------------


def sweep_init(activation: str) -> str:
    """The sweep's initialisation: He's scale for ReLU, Xavier's otherwise."""
    return "he" if activation == "relu" else "xavier"


def sweep_lrs(s: Sweep) -> tuple[float, ...]:
    """The sweep's learning rates, as the tuple the cache keys on."""
    lo, hi = s.lr_range
    return tuple(practice.lr_grid(float(lo), float(hi), int(s.count)))


def sweep_setting(
    dataset: str, depth: int, width: int, activation: str, optimizer: str, lr: float
) -> practice.Setting:
    return practice.Setting(
        dataset, depth, width, activation, False, sweep_init(activation), None, optimizer, lr
    )


class SweepData(NamedTuple):
    table: dict[str, np.ndarray]  # per learning rate: lr, median, p10, p90, diverged, …
    bands: list[dict[str, np.ndarray]]  # per learning rate: the median curve's band
    start: float  # the median starting loss


@computation(max_entries=32)
def _sweep_data(
    dataset: str,
    depth: int,
    width: int,
    activation: str,
    optimizer: str,
    lrs: tuple,
    restarts: int,
    steps: int,
    seed: int,
    _progress=None,
) -> SweepData:
    """The sweep as one batched run."""
    s = sweep_setting(dataset, depth, width, activation, optimizer, lrs[0])
    runs = practice.sweep(s, lrs, restarts, steps, seed, progress=_progress)
    start = float(np.median(np.concatenate([r.start for r in runs])))
    return SweepData(practice.sweep_table(lrs, runs), [practice.band(r) for r in runs], start)


def sweep_data(s: Sweep, progress=None) -> SweepData:
    return _sweep_data(
        str(s.dataset),
        int(s.depth),
        int(s.width),
        str(s.activation),
        str(s.optimizer),
        sweep_lrs(s),
        int(s.restarts),
        int(s.steps),
        int(s.seed),
        _progress=progress,
    )


@computation(max_entries=32)
def _sharpness(
    dataset: str, depth: int, width: int, activation: str, restarts: int, seed: int
) -> np.ndarray:
    setting = sweep_setting(dataset, depth, width, activation, "sgd", 0.1)
    return practice.sharpness(setting, restarts, seed)


def edge_words(s: Sweep, r: SweepData) -> tuple[str, dict[str, float]] | None:
    """The 2/L paragraph: which block and its numbers. λmax at the sweep's first weights (the
    median over the restarts) against the top of the best range, and what that rate's median
    loss did: rose well above its start first (the catapult), or not. None where the bound does
    not apply or cannot be computed: not plain gradient descent, no best range, or a network
    too large for its exact Hessian."""
    best = practice.best_range(r.table, r.start)
    shape = (str(s.dataset), int(s.depth), int(s.width), str(s.activation))
    if s.optimizer != "sgd" or best is None:
        return None
    if sweep_setting(*shape, "sgd", 0.1).net().size > networks.MAX_HESSIAN:
        return None
    lam = float(np.median(_sharpness(*shape, int(s.restarts), int(s.seed))))
    lr = best[1]
    median = r.bands[list(r.table["lr"]).index(lr)]["median"]
    words = {
        "lam": lam,
        "limit": 2 / lam,
        "lr": lr,
        "ratio": lr * lam / 2,
        "start": r.start,
        "peak": float(median.max()),
        "final": float(median[-1]),
    }
    if words["ratio"] <= 1:
        return "edge_within", words
    return ("edge_catapult" if words["peak"] > CATAPULT * r.start else "edge_beyond"), words


def sweep_view(r: SweepData) -> tuple[tuple[float, float] | None, pd.DataFrame, list[Metric]]:
    """The best range, the summary table (for the download) and the section's metrics."""
    best = practice.best_range(r.table, r.start)
    summary = pd.DataFrame(r.table)
    diverged = int(summary["diverged"].sum())
    first_bad = summary[summary["diverged"] > 0]["lr"]
    if best is None:
        shown = "none"
    elif best[0] == best[1]:
        shown = f"{best[0]:.3g}"
    else:
        shown = f"{best[0]:.3g} to {best[1]:.3g}"
    metrics = [
        Metric(
            "Best range of learning rates",
            shown,
            help=f"Learning rates whose median final loss gets at least "
            f"{practice.BEST_SHARE:.0%} of the way from the start ({r.start:.3g}) down to "
            "the best median, with no restart diverging.",
        ),
        Metric(
            "Diverged restarts",
            f"{diverged} of {int(summary['restarts'].sum())}",
            help="Loss ended more than 10% above its start, or the numbers overflowed.",
        ),
        Metric(
            "Smallest learning rate with a diverged restart",
            "none" if first_bad.empty else f"{first_bad.min():.3g}",
        ),
    ]
    return best, summary, metrics


# -- 3. one choice at a time -----------------------------------------------------------------------


def baseline(s: Compare) -> practice.Setting:
    """The comparison's baseline: the chosen init's scale (too small or too large only) and the
    batch size (every point: None)."""
    scale = {"small": float(s.small), "large": float(s.large)}.get(s.init)
    return practice.Setting(
        s.dataset,
        int(s.depth),
        int(s.width),
        s.activation,
        bool(s.skip),
        s.init,
        scale,
        s.optimizer,
        s.lr(s.optimizer),
        None if s.batch == practice.POINTS else int(s.batch),
    )


def compared_settings(s: Compare) -> dict[str, practice.Setting]:
    """The settings that compare the chosen choice against the baseline, by label."""
    names = FIRST_ORDER if s.choice == "optimizer" else (s.optimizer,)
    lrs = {name: s.lr(name) for name in names}
    return practice.levels(s.choice, baseline(s), float(s.small), float(s.large), lrs)


def compare_runs(s: Compare, progress=None) -> dict[str, practice.Runs]:
    return train(compared_settings(s), s.restarts, s.steps, s.seed, progress)


def compare_caption(s: Compare) -> dict:
    """The values of the caption that describes the baseline."""
    base = baseline(s)
    return {
        "depth": base.depth,
        "width": base.width,
        "activation": base.activation,
        "skips": " with skips" if base.skip else "",
        "init": base.init_label(),
        "optimizer": practice.OPTIMIZERS[base.optimizer],
        "lr": base.lr,
        "batch": practice.describe("batch", base),
        "restarts": int(s.restarts),
        "steps": int(s.steps),
    }


# -- the class room's experiment: one run of the baseline ------------------------------------------


def class_experiment(s: Compare) -> tuple[str, str]:
    """The class room's experiment for the comparison's baseline: a name that only runs of the
    same network, data, training and target loss share (each student brings their own first
    weights and minibatches), and a title."""
    base = baseline(s)
    same = repr((astuple(base), int(s.steps), float(s.target), int(s.seed)))
    name = f"practice-{hashlib.sha256(same.encode()).hexdigest()[:16]}"
    words = compare_caption(s)
    net = f"{base.depth} {base.activation} layers of {base.width}{words['skips']}"
    how = f"{words['init']}, {words['optimizer']} at {base.lr:g}, {words['batch']}"
    return name, (
        f"one run each of the baseline ({net}; {how}), {int(s.steps)} steps, "
        f"target loss {float(s.target):g}"
    )


@computation(max_entries=64)
def _class_run(setting: tuple, steps: int, target: float, data_seed: int, seed: int) -> dict:
    """One run of a setting on the page's data (`data_seed`), from the first weights and
    minibatches of a student's `seed`, summarised as practice summarises a restart."""
    s = practice.Setting(*setting)
    net = s.net()
    X, y = data.make(s.dataset, n=practice.POINTS, noise=practice.NOISE, seed=data_seed)
    W0 = s.init_weights(1, seed)
    fit = networks.train(
        net, X, y, W0, s.optimizer, s.lr, steps, seed=seed, batch_size=s.batch_size
    )
    runs = practice.runs_of(fit)  # the page's own rule for a diverged run
    with torch.no_grad():
        accuracy = float(((net.predict(fit.weights, X) > 0.5) == (y > 0.5)).float().mean())
    reached = int(practice.steps_to(runs, target)[0])
    loss = float(runs.final[0])
    return {
        "loss": None if runs.diverged[0] else loss,
        "accuracy": accuracy,
        "steps": reached if reached >= 0 else None,
        "success": reached >= 0,
    }


def class_run(s: Compare, seed: int) -> dict[str, object]:
    """A student's run of the baseline: final loss (None if it diverged), training accuracy, the
    first step at which the loss reached the target (None: never) and whether it did."""
    return _class_run(astuple(baseline(s)), int(s.steps), float(s.target), int(s.seed), seed)


# -- the page's question ---------------------------------------------------------------------------

#: The question's experiment: the recipe section's defaults (4 sigmoid layers of 16 from
#: N(0, 0.1²), plain SGD at 0.5, 300 steps on the circles, 16 restarts, seed 0).
QUESTION = Recipe()


def question_view(runs: Mapping[str, practice.Runs]) -> dict:
    """The question's numbers, its options and the answer (the option that names what happened:
    the median final loss of the hard setting against ln 2 and against its start)."""
    hard = next(iter(runs.values()))
    s = practice.hard(QUESTION.dataset, QUESTION.depth, QUESTION.width, QUESTION.sgd_lr)
    final, start = float(np.nanmedian(hard.final)), float(np.nanmedian(hard.start))
    options = [
        "close to 0: it just trains slower",
        "about half the starting loss",
        f"still about {LN2:.2f}: it has hardly moved",
    ]
    if final < 0.1:
        answer = options[0]
    elif final < 0.75 * start:
        answer = options[1]
    else:
        answer = options[2]
    return {
        "depth": s.depth,
        "width": s.width,
        "scale": HARD_SCALE,
        "lr": QUESTION.sgd_lr,
        "steps": QUESTION.steps,
        "dataset": QUESTION.dataset,
        "final": final,
        "ln2": LN2,
        "options": options,
        "answer": answer,
    }


# -- scenes and start-up ---------------------------------------------------------------------------

#: Each scene sets every control of the sections it names; the others keep their values.
SCENES: dict[str, tuple[Settings, ...]] = {
    "Sigmoid stalls, ReLU flies": (Compare(choice="activation", depth=4),),
    "Too small a start": (Compare(choice="init", depth=3, optimizer="sgd"),),
    "Skips rescue a deep, small start": (
        Compare(choice="skip", depth=6, activation="tanh", init="small", small=0.1),
    ),
    "Minibatch noise": (Compare(choice="batch", depth=3),),
    "Adam's learning rates": (Sweep(optimizer="adam", lr_range=(0.0001, 10.0)),),
}


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button,
    and the prediction's run, so that the class's first visit to each is a cache hit."""
    for scene in ((), *SCENES.values()):
        recipe_runs(of(scene, Recipe))
        r = sweep_data(of(scene, Sweep))
        edge_words(of(scene, Sweep), r)
        compare_runs(of(scene, Compare))
    recipe_runs(QUESTION)
