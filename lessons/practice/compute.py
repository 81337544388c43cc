"""The practice lesson's cached computations: importable, so the start-up warm-up shares their
cache entries with the page (a page script runs as `__main__`, so its own cached functions could
not be called from anywhere else with the same cache key).

Plain arguments in, numpy and small dataclasses out. Every training goes through `gate.heavy`
under the cache, so only a cache miss waits for a turn. The page's widget defaults that decide a
computation live here too (DEFAULTS, by widget key), so that `warm()` computes exactly what the
page computes when opened without a link and after each scene button.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple

import numpy as np
import streamlit as st

from core import practice
from ui import gate

P = "pr"
HARD_SCALE = 0.1  # the hard setting's first weights: N(0, 0.1²)
SHORT = {"he": "He init", "relu": "ReLU", "adam": "Adam", "skip": "skips"}
FIRST_ORDER = tuple(practice.OPTIMIZERS)

#: The page's widget defaults (by key) for every value that decides a computation; the page draws
#: its widgets with them and warm() starts from them, so the two cannot drift apart.
DEFAULTS: dict[str, object] = {
    # 1. the recipe against a hard setting
    f"{P}_rc_data": "circles",
    f"{P}_rc_depth": 4,
    f"{P}_rc_width": 16,
    f"{P}_rc_ingredients": list(practice.INGREDIENTS),
    f"{P}_rc_sgd_lr": 0.5,
    f"{P}_rc_adam_lr": 0.01,
    f"{P}_rc_restarts": 16,
    f"{P}_rc_steps": 300,
    f"{P}_rc_seed": 0,
    # 2. the learning-rate sweep
    f"{P}_sw_data": "circles",
    f"{P}_sw_depth": 2,
    f"{P}_sw_width": 16,
    f"{P}_sw_act": "tanh",
    f"{P}_sw_opt": "sgd",
    f"{P}_sw_range": (0.001, 100.0),
    f"{P}_sw_count": 8,
    f"{P}_sw_restarts": 16,
    f"{P}_sw_steps": 300,
    f"{P}_sw_seed": 0,
    # 3. one choice at a time against a baseline
    f"{P}_choice": "init",
    f"{P}_data": "circles",
    f"{P}_depth": 3,
    f"{P}_width": 16,
    f"{P}_act": "tanh",
    f"{P}_skip": False,
    f"{P}_init": "xavier",
    f"{P}_small": 0.01,
    f"{P}_large": 5.0,
    f"{P}_opt": "momentum",
    f"{P}_lr_sgd": 0.5,
    f"{P}_lr_momentum": 0.05,
    f"{P}_lr_adam": 0.01,
    f"{P}_batch": practice.POINTS,
    f"{P}_restarts": 16,
    f"{P}_steps": 300,
    f"{P}_seed": 0,
}

#: Each scene sets every setting (the defaults, then its own changes), so it shows the same
#: experiment whichever scene came before it.
SCENES = {
    name: {**DEFAULTS, **changes}
    for name, changes in {
        "Sigmoid stalls, ReLU flies": {f"{P}_choice": "activation", f"{P}_depth": 4},
        "Too small a start": {f"{P}_choice": "init", f"{P}_depth": 3, f"{P}_opt": "sgd"},
        "Skips rescue a deep, small start": {
            f"{P}_choice": "skip",
            f"{P}_depth": 6,
            f"{P}_act": "tanh",
            f"{P}_init": "small",
            f"{P}_small": 0.1,
            f"{P}_steps": 300,
            f"{P}_restarts": 16,
        },
        "Minibatch noise": {f"{P}_choice": "batch", f"{P}_depth": 3},
        "Adam's learning rates": {f"{P}_sw_opt": "adam", f"{P}_sw_range": (0.0001, 10.0)},
    }.items()
}


# -- cached computations -----------------------------------------------------------------------


def sweep_init(activation: str) -> str:
    """The sweep's initialisation: He's scale for ReLU, Xavier's otherwise."""
    return "he" if activation == "relu" else "xavier"


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def sweep_data(
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
):
    """The sweep as one batched run: (summary columns, median-curve bands, starting loss)."""
    s = practice.Setting(
        dataset, depth, width, activation, False, sweep_init(activation), None, optimizer, lrs[0]
    )
    runs = practice.sweep(s, lrs, restarts, steps, seed, progress=_progress)
    start = float(np.median(np.concatenate([r.start for r in runs])))
    return practice.sweep_table(lrs, runs), [practice.band(r) for r in runs], start


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def train_data(settings: tuple, restarts: int, steps: int, seed: int, _progress=None):
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
    """Train the settings through the cache (train_data): Runs by label."""
    runs = train_data(
        tuple(astuple(s) for s in settings.values()), restarts, steps, seed, _progress=progress
    )
    return {label: practice.Runs(*r) for label, r in zip(settings, runs)}


# -- widget values → arguments (the page and warm() both use these) ----------------------------


def sweep_lrs(lo: float, hi: float, count: int) -> tuple[float, ...]:
    """The sweep's learning rates, as the tuple sweep_data caches on."""
    return tuple(practice.lr_grid(lo, hi, count))


def recipe_settings(
    dataset: str, depth: int, width: int, ingredients, sgd_lr: float, adam_lr: float
) -> dict[str, practice.Setting]:
    """The hard setting and the recipe (the hard setting with the chosen ingredients on)."""
    hard = practice.hard(dataset, depth, width, sgd_lr, scale=HARD_SCALE)
    chosen = [SHORT[i] for i in practice.INGREDIENTS if i in ingredients]
    label = f"recipe: {', '.join(chosen)}" if chosen else "recipe with no ingredient (= hard)"
    return {
        "hard: sigmoid, small init, plain SGD": hard,
        label: practice.recipe(hard, ingredients, adam_lr),
    }


def question() -> tuple[dict[str, practice.Setting], int, int, int]:
    """The predict-then-run question's experiment (settings, restarts, steps, seed): the hard
    setting the question describes, 4 sigmoid layers of 16 from N(0, 0.1²), plain SGD at 0.5,
    300 steps on the circles, beside the full recipe."""
    return recipe_settings("circles", 4, 16, list(practice.INGREDIENTS), 0.5, 0.01), 16, 300, 0


def baseline(
    dataset: str,
    depth: int,
    width: int,
    activation: str,
    skip: bool,
    init: str,
    small: float,
    large: float,
    optimizer: str,
    lr: float,
    batch: int,
) -> practice.Setting:
    """The comparison's baseline: the chosen init's scale (too small or too large only) and the
    batch size (every point: None)."""
    scale = {"small": small, "large": large}.get(init)
    return practice.Setting(
        dataset,
        depth,
        int(width),
        activation,
        skip,
        init,
        scale,
        optimizer,
        lr,
        None if batch == practice.POINTS else int(batch),
    )


# -- start-up warm-up --------------------------------------------------------------------------


def _compute(v: Mapping[str, object]) -> None:
    """Everything the page computes for these widget values (by key), section by section."""

    def at(name: str):
        return v[f"{P}_{name}"]

    train(
        recipe_settings(
            at("rc_data"),
            at("rc_depth"),
            at("rc_width"),
            at("rc_ingredients"),
            at("rc_sgd_lr"),
            at("rc_adam_lr"),
        ),
        at("rc_restarts"),
        at("rc_steps"),
        at("rc_seed"),
    )
    sweep_data(
        at("sw_data"),
        at("sw_depth"),
        at("sw_width"),
        at("sw_act"),
        at("sw_opt"),
        sweep_lrs(*at("sw_range"), at("sw_count")),
        at("sw_restarts"),
        at("sw_steps"),
        at("sw_seed"),
    )
    opt, choice = at("opt"), at("choice")
    base = baseline(
        at("data"),
        at("depth"),
        at("width"),
        at("act"),
        at("skip"),
        at("init"),
        at("small"),
        at("large"),
        opt,
        at(f"lr_{opt}"),
        at("batch"),
    )
    lrs = {name: at(f"lr_{name}") for name in (FIRST_ORDER if choice == "optimizer" else (opt,))}
    train(
        practice.levels(choice, base, at("small"), at("large"), lrs),
        at("restarts"),
        at("steps"),
        at("seed"),
    )


def warm() -> None:
    """Compute the default view, every scene's view and the prediction's run into the cache
    (a start-up hook: no widgets, no output)."""
    for view in (DEFAULTS, *SCENES.values()):
        _compute(view)
    train(*question())
