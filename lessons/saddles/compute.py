"""The saddles lesson's cached computations: importable, so the start-up warm-up shares their
cache entries with the page (a function cached in a page script lives in `__main__`).

Plain arguments in, numpy, DataFrames and core's dataclasses out. Every one runs PyTorch work, so
each takes a turn (`gate.heavy`) on a cache miss; a hit never waits.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from core import descent, escape, optimizers
from ui import controls, gate

P = "sd"
MAP_N = 101
SECOND_ORDER_STEPS = 100  # Newton-type runs stop here: each step builds a Hessian per restart
PREDICT_LR, PREDICT_STEPS = 0.05, 400  # the predict-first question's sweep

#: Every widget's value on the page opened with no link: the page's widgets start here, and the
#: warm-up computes the same view. (Learning rates follow the surface: see lr_for.)
DEFAULTS = {
    f"{P}_surface": "saddle",
    f"{P}_eps": 1e-6,
    f"{P}_along": 1.0,
    f"{P}_steps": 500,
    f"{P}_seed": 0,
    f"{P}_optimizers": ("sgd", "momentum", "adam", "newton", "saddle_free_newton"),
    f"{P}_noisy": False,
    f"{P}_sigma": 1e-3,
    f"{P}_m_rate": 0.05,
    f"{P}_m_steps": 1500,
    f"{P}_net_data": "xor",
    f"{P}_net_depth": 2,
    f"{P}_net_width": 4,
    f"{P}_net_act": "tanh",
    f"{P}_net_small": 0.05,
    f"{P}_net_large": 0.5,
    f"{P}_net_restarts": 4,
    f"{P}_net_opt": "sgd",
    f"{P}_net_rate": 1.0,
    f"{P}_net_steps": 800,
    f"{P}_net_seed": 0,
}


# -- computation: plain arguments in, numpy out (cached) --------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def saddles_of(key: str, formula: str) -> list[escape.Saddle]:
    return escape.find_saddles(controls.surface_for(key, formula))


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def surface_grid(key: str, formula: str):
    xs, ys, z = controls.surface_for(key, formula).grid(MAP_N)
    return xs.numpy(), ys.numpy(), z.numpy()


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
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
        saddles_of(key, formula)[saddle],
        (eps, 0.0, *escape.EPS_GRID),
        name,
        lr,
        steps,
        along,
        seed,
        noise,
        **dict(hyper),
    )


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
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


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def sweep(key: str, lr: float, steps: int) -> escape.Escape:
    """Gradient descent from (1, ε) on a built-in saddle surface, for every ε of the sweep."""
    s = controls.surface_for(key)
    return escape.measure(s, saddles_of(key, "")[0], escape.EPS_GRID, "sgd", lr, steps)


@st.cache_data(max_entries=32, show_spinner="Training the networks…")
@gate.heavy
def plateau_runs(
    dataset: str,
    depth: int,
    width: int,
    activation: str,
    small: float,
    large: float,
    name: str,
    lr: float,
    steps: int,
    restarts: int,
    seed: int,
) -> escape.NetPlateau:
    return escape.net_plateau(
        dataset, (width,) * depth, activation, (small, large), restarts, name, lr, steps, seed
    )


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


def runs_for(chosen, noisy: bool, sigma: float):
    """(label, name, lr, hyper, noise) for every run: the chosen optimisers, plus gradient
    descent with noise when asked for."""
    info = optimizers.names()
    runs = [(info[c.name].label, c.name, c.lr, c.hyper, 0.0) for c in chosen]
    gd = next((c for c in chosen if c.name == "sgd"), None)
    if noisy and gd is not None:
        runs.append((f"Gradient descent + noise {sigma:g}", "sgd", gd.lr, (), sigma))
    return runs


def escape_of(
    choice, pick: int, run, eps: float, along: float, steps: int, seed: int
) -> escape.Escape:
    """The cached batch of one run of runs_for, started near saddle number `pick`."""
    _, name, lr, hyper, noise = run
    return escape_runs(
        choice.key,
        choice.formula,
        pick,
        name,
        lr,
        hyper,
        noise,
        eps,
        along,
        steps_for(name, steps),
        seed,
    )


def free_of(choice, run, start: tuple[float, float], steps: int, seed: int) -> pd.DataFrame:
    """The cached path of one run of runs_for from a chosen start (surfaces without a saddle)."""
    _, name, lr, hyper, noise = run
    return free_run(
        choice.key, choice.formula, name, lr, hyper, noise, *start, steps_for(name, steps), seed
    )


def strict_steps(lr: float, steps: int) -> int:
    """Steps for x² − y² beside the monkey saddle: enough for the smallest ε to escape."""
    return min(steps, int(escape.theory_steps([1e-10], 1 + 2 * lr)[0] * 1.3) + 20)


# -- lesson scenes ------------------------------------------------------------------------------


def _scene(surface: str, runs: dict[str, float], eps: float, steps: int = 500, **extra):
    values = {
        f"{P}_surface": surface,
        f"{P}_optimizers": list(runs),
        f"{P}_eps": eps,
        f"{P}_steps": steps,
        f"{P}_along": 1.0,
        f"{P}_noisy": False,
    }
    values.update({f"{P}_{name}_lr": lr for name, lr in runs.items()})
    values.update({f"{P}_{k}": v for k, v in extra.items()})
    return values


SCENES = {
    "Adam escapes the saddle": _scene(
        "saddle", {"sgd": 0.05, "momentum": 0.05, "adam": 0.0562}, 1e-8
    ),
    "Newton walks into the saddle": _scene(
        "saddle", {"sgd": 0.05, "newton": 1.0, "saddle_free_newton": 1.0}, 1e-4, 300
    ),
    "Noise knocks it off": _scene(
        "lee_saddle", {"sgd": 0.05, "perturbed_gd": 0.05}, 1e-10, 800, noisy=True, sigma=0.001
    ),
    "Monkey saddle: degenerate": _scene(
        "monkey_saddle", {"sgd": 0.0562, "momentum": 0.0562, "adam": 0.0562}, 1e-4, 2000
    ),
    "Plateau: looks converged": _scene("plateau", {"sgd": 0.1, "adam": 0.0562}, 1e-6, 1200),
    "Deep linear net at the origin": _scene(
        "deep_linear_2w", {"sgd": 0.05, "momentum": 0.05, "saddle_free_newton": 1.0}, 1e-6
    ),
}


# -- start-up warm-up ---------------------------------------------------------------------------


def _escape_view(v: dict) -> None:
    """The escape section for widget values v (a built-in surface, settings left alone)."""
    choice = controls.SurfaceChoice(v[f"{P}_surface"], "", controls.surface_for(v[f"{P}_surface"]))
    default_lr = lr_for(choice.surface)
    chosen = [
        controls.OptimizerChoice(n, v.get(f"{P}_{n}_lr", default_lr(n)), controls.default_hyper(n))
        for n in v[f"{P}_optimizers"]
    ]
    runs = runs_for(chosen, v[f"{P}_noisy"], v[f"{P}_sigma"])
    if saddles_of(choice.key, choice.formula):
        for run in runs:  # near the first saddle: the select box's default
            escape_of(
                choice, 0, run, v[f"{P}_eps"], v[f"{P}_along"], v[f"{P}_steps"], v[f"{P}_seed"]
            )
    else:  # the start point's widgets start at the surface's own start
        for run in runs:
            free_of(choice, run, choice.surface.start, v[f"{P}_steps"], v[f"{P}_seed"])
    surface_grid(choice.key, choice.formula)


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button, with
    the page's arguments, so that the class's first visit to each is a cache hit. Scenes set only
    the escape section's widgets: the other sections keep their defaults."""
    for scene in ({}, *SCENES.values()):
        _escape_view({**DEFAULTS, **scene})
    v = DEFAULTS
    lr, steps = v[f"{P}_m_rate"], v[f"{P}_m_steps"]
    sweep("saddle", lr, strict_steps(lr, steps))
    sweep("monkey_saddle", lr, steps)
    plateau_runs(
        v[f"{P}_net_data"],
        v[f"{P}_net_depth"],
        v[f"{P}_net_width"],
        v[f"{P}_net_act"],
        v[f"{P}_net_small"],
        v[f"{P}_net_large"],
        v[f"{P}_net_opt"],
        v[f"{P}_net_rate"],
        v[f"{P}_net_steps"],
        v[f"{P}_net_restarts"],
        v[f"{P}_net_seed"],
    )
    sweep("saddle", PREDICT_LR, PREDICT_STEPS)
