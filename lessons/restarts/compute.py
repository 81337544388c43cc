"""The restarts lesson's cached computations: importable, so the start-up warm-up shares their
cache entries with the page (a function defined in the page script lives in `__main__`, where
nothing else can reach its cache).

Plain arguments in, numpy and small dataclasses out. The heavy ones take a turn in ui.gate on a
cache miss; a hit never waits.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from core import basins, optimizers
from ui import controls, gate

P = "rs"  # the page's widget-key prefix
SHUFFLES = 200  # random orders of the same runs behind the restart curves
NET_POINTS = 200  # points of the network section's dataset
XOR_LR = 3.16  # a gradient-descent step on the learning-rate grid that trains the XOR net


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def basin_data(
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


@st.cache_data(max_entries=32, show_spinner=False)
def grid_limit(key: str, formula: str, optimizer: str, steps: int) -> int:
    return basins.largest_grid(controls.surface_for(key, formula), steps, optimizer)


def map_grid(key: str, formula: str, optimizer: str, steps: int, asked: int) -> int:
    """Starts per side of the basin map: as asked, or fewer where that would not fit the budget."""
    return min(asked, max(grid_limit(key, formula, optimizer, steps), 2))


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
def restart_data(
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


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
def restart_curves(
    key: str, formula: str, optimizer: str, lr: float, hyper: tuple, steps: int, seed: int, n: int
):
    r = restart_data(key, formula, optimizer, lr, hyper, steps, seed, n)
    usable = r.codes > basins.ESCAPED
    return (
        basins.best_after_k(r.final_loss, usable, SHUFFLES, seed),
        basins.success_within_k(r.success, SHUFFLES, seed),
    )


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def net_data(
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


def net_default_lr(optimizer: str) -> float | None:
    """Plain gradient descent gets the large step the XOR network needs (squared error on
    sigmoids has small gradients); every other optimiser its own default (None)."""
    return XOR_LR if optimizer == "sgd" else None


# -- scenes and warm-up ----------------------------------------------------------------------

#: What the page's widgets hold on a link with no settings (the page draws them from here). The
#: learning rates are left out: theirs follow the surface and the optimiser.
DEFAULTS = {
    f"{P}_surface": "six_hump_camel",
    f"{P}_optimizer": "sgd",
    f"{P}_steps": 500,
    f"{P}_n": 1000,
    f"{P}_seed": 0,
    f"{P}_grid": 120,
    f"{P}_samples": 3,
    f"{P}_noise": 30.0,
    f"{P}_data": "xor",
    f"{P}_spread": 0.1,
    f"{P}_width": 2,
    f"{P}_layers": 1,
    f"{P}_act": "sigmoid",
    f"{P}_loss": "mse",
    f"{P}_restarts": 64,
    f"{P}_net_steps": 500,
    f"{P}_net_optimizer": "sgd",
    f"{P}_net_seed": 0,
}


_SURFACE_KEYS = ("surface", "optimizer", "steps", "n", "seed", "grid", "samples", "noise")
_NET_KEYS = (
    "data",
    "spread",
    "width",
    "layers",
    "act",
    "loss",
    "restarts",
    "net_steps",
    "net_optimizer",
    "net_seed",
)


def _scene(section: tuple[str, ...], **changes) -> dict[str, object]:
    """A scene sets every widget of its section: the defaults, then its own changes (so it shows
    the same experiment whichever scene came before it)."""
    return {
        **{f"{P}_{k}": DEFAULTS[f"{P}_{k}"] for k in section},
        **{f"{P}_{k}": v for k, v in changes.items()},
    }


SCENES = {
    "Himmelblau: four basins": _scene(_SURFACE_KEYS, surface="himmelblau", lr=0.01, grid=200),
    "Rastrigin traps gradient descent": _scene(
        _SURFACE_KEYS, surface="rastrigin", lr=0.002, grid=200, n=2000
    ),
    "Noise helps on Rastrigin": _scene(
        _SURFACE_KEYS, surface="rastrigin", lr=0.00316, steps=1000, grid=100, noise=100.0
    ),
    "XOR stalls": _scene(_NET_KEYS, data="xor", net_lr=XOR_LR, net_steps=2000),
}


def _view(v: Mapping[str, object]) -> None:
    """Compute every section of the page for these widget values, called as the page calls."""
    key, name, steps, seed, n = (
        v[f"{P}_{k}"] for k in ("surface", "optimizer", "steps", "seed", "n")
    )
    lr = v.get(f"{P}_lr", controls.surface_for(key).lr)
    hyper = controls.default_hyper(name)
    grid = map_grid(key, "", name, steps, v[f"{P}_grid"])
    basin_data(key, "", name, lr, hyper, steps, seed, grid, v[f"{P}_samples"])
    restart_data(key, "", name, lr, hyper, steps, seed, n)
    restart_curves(key, "", name, lr, hyper, steps, seed, n)
    restart_data(key, "", name, lr, hyper, steps, seed, n, v[f"{P}_noise"])
    net = v[f"{P}_net_optimizer"]
    net_lr = v.get(f"{P}_net_lr") or net_default_lr(net) or optimizers.info(net).default_lr
    net_data(
        v[f"{P}_data"],
        NET_POINTS,
        v[f"{P}_spread"],
        v[f"{P}_width"],
        v[f"{P}_layers"],
        v[f"{P}_act"],
        v[f"{P}_loss"],
        v[f"{P}_restarts"],
        v[f"{P}_net_steps"],
        net,
        net_lr,
        controls.default_hyper(net),
        v[f"{P}_net_seed"],
    )


def warm() -> None:
    """The page's default view and every scene's (each scene laid over the defaults, as its
    link opens it and as the instructor steps through them in order), into the cache."""
    for scene in ({}, *SCENES.values()):
        _view({**DEFAULTS, **scene})
