"""The dimensions lesson's cached computations: importable, so the start-up warm-up shares their
cache entries with the page (a function cached in a page script lives in `__main__`).

Plain arguments in, numpy, DataFrames and small dataclasses out. Every cached one runs PyTorch work,
so each takes a turn (`gate.heavy`) on a cache miss; a hit never waits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core import dimensions as dims
from lessons.dimensions import charts as views
from ui import gate

P = "dm"
DIMS = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000)
SHOWN_DIMS = (1, 10, 100, 1000, 10000)
CP_POINTS = 200
WS_POINTS, WS_LR = 1000, 0.05

#: Every widget's value on the page opened with no link: the page's widgets start here, and the
#: warm-up computes the same view.
DEFAULTS = {
    f"{P}_dmax": 1000,
    f"{P}_points": 200,
    f"{P}_seed": 0,
    f"{P}_values": 10,
    f"{P}_weights": 100,
    f"{P}_samples": 1_000_000,
    f"{P}_nmax": 8,
    f"{P}_goe_seed": 0,
    f"{P}_st_d": 8,
    f"{P}_cp_data": "gaussians",
    f"{P}_cp_noise": 1.5,
    f"{P}_cp_hidden": 4,
    f"{P}_cp_starts": 64,
    f"{P}_cp_iters": 100,
    f"{P}_cp_seed": 0,
    f"{P}_ws_data": "xor",
    f"{P}_ws_noise": 0.8,
    f"{P}_ws_widths": (2, 4, 8, 16),
    f"{P}_ws_restarts": 16,
    f"{P}_ws_steps": 400,
    f"{P}_ws_seed": 0,
}

#: Each scene sets the widgets of one section; the others keep their values.
SCENES = {
    "Distances in 10,000 dimensions": {f"{P}_dmax": 10000, f"{P}_points": 100},
    "A grid over 100 weights": {f"{P}_values": 10, f"{P}_weights": 100},
    "Minima are rare": {f"{P}_samples": 1_000_000, f"{P}_nmax": 8},
    "3¹⁰ critical points": {f"{P}_st_d": 10},
    "A wider network's critical points": {f"{P}_cp_hidden": 6, f"{P}_cp_starts": 128},
    "Narrow against wide": {f"{P}_ws_widths": [1, 2, 4, 8, 16, 32], f"{P}_ws_restarts": 16},
}


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def distance_data(dmax: int, points: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per dimension: mean, spread (measured and theory), contrast; and the distance histograms
    of a few dimensions."""
    r = dims.distances([d for d in DIMS if d <= dmax], points, seed)
    df = pd.DataFrame(
        {
            "d": r.dims,
            "mean": r.mean,
            "std": r.std,
            "measured": r.spread,
            "theory": dims.spread_theory(r.dims),
            "contrast": r.contrast,
        }
    )
    shown = {int(d): r.scaled[k] for k, d in enumerate(r.dims) if d in SHOWN_DIMS or d == dmax}
    return df, views.distance_density(shown)


@st.cache_data(max_entries=1, ttl=3600, show_spinner=False)
@gate.heavy
def machine_rate() -> dims.Rate:
    """Measured once an hour: the machine's speed changes with its load, not per visit."""
    return dims.measure_rate()


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
def goe_data(n: int, samples: int, seed: int, _progress=None) -> int:
    return dims.goe_hits(n, samples, seed, _progress)


def matrix_census(nmax: int, samples: int, seed: int, progress=None) -> dims.Census:
    """Random matrices of every size 1 … nmax, cached one size at a time (a larger nmax reuses
    the smaller sizes); BudgetError before anything is drawn if the whole is too much."""
    return dims.goe_census(range(1, nmax + 1), samples, seed, progress, count=goe_data)


@st.cache_data(max_entries=16, show_spinner=False)
@gate.heavy
def st_summary(d: int) -> pd.DataFrame:
    """One row per (number of downhill directions, loss): Styblinski–Tang's critical points
    grouped, since copies that differ only in which coordinates are at which root share both."""
    e = dims.st_critical_points(d)
    df = pd.DataFrame({"downhill": e.downhill, "index": e.index, "loss": np.round(e.loss, 9)})
    out = df.groupby(["downhill", "index", "loss"]).size().reset_index(name="count")
    out["kind"] = np.select(
        [out["downhill"] == 0, out["downhill"] == d], ["minimum", "maximum"], "saddle"
    )
    return out


def network_args(
    dataset: str, noise: float, hidden: int, starts: int, iterations: int, seed: int
) -> dict:
    """The network section's settings as critical_data's and slice_data's keyword arguments
    (their order is part of the cache key)."""
    return {
        "dataset": dataset,
        "noise": float(noise),
        "hidden": int(hidden),
        "starts": int(starts),
        "iterations": int(iterations),
        "seed": seed,
    }


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def critical_data(
    dataset: str, noise: float, hidden: int, starts: int, iterations: int, seed: int, _progress=None
) -> pd.DataFrame:
    cp = dims.network_critical_points(
        dataset,
        CP_POINTS,
        noise,
        hidden,
        "tanh",
        starts,
        iterations=iterations,
        seed=seed,
        progress=_progress,
    )
    status = np.where(
        cp.found, views.STATUS[0], np.where(cp.gradient_flat, views.STATUS[1], views.STATUS[2])
    )
    df = pd.DataFrame(
        {
            "start": np.arange(len(cp.loss)),
            "start_loss": cp.start_loss,
            "loss": cp.loss,
            "grad_norm": cp.grad_norm,
            "downhill": cp.downhill,
            "index": cp.index,
            "status": status,
            "weights": cp.net.size,
        }
    )
    df["distinct"] = df["start"].isin(dims.distinct(cp))
    return df


def saddles(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The distinct saddles critical_data found, lowest loss first, and the position among them
    of the one chosen at first: the first with the most downhill directions."""
    found = df[df["distinct"] & (df["downhill"] > 0)].sort_values("loss")
    return found, int(np.argmax(found["downhill"].to_numpy())) if len(found) else 0


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def slice_data(
    dataset: str, noise: float, hidden: int, starts: int, iterations: int, seed: int, start: int
) -> tuple[dims.SliceCensus, dict]:
    """Random slices through one found saddle: what they show, and the loss on two planes."""
    cp = dims.network_critical_points(
        dataset, CP_POINTS, noise, hidden, "tanh", starts, iterations=iterations, seed=seed
    )
    return (
        dims.slice_census(cp.eigenvalues[start], seed=seed),
        dims.slice_planes(cp, start, seed=seed),
    )


def width_set(widths) -> tuple[int, ...]:
    """The widths chosen, as width_data's argument: each once, narrowest first."""
    return tuple(sorted({int(w) for w in widths}))


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def width_data(
    dataset: str, noise: float, widths: tuple, restarts: int, steps: int, seed: int, _progress=None
) -> dims.WidthSweep:
    return dims.width_sweep(
        dataset, WS_POINTS, noise, widths, restarts, steps, WS_LR, seed, progress=_progress
    )


# -- start-up --------------------------------------------------------------------------------------


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button, with
    the page's arguments, so that the class's first visit to each is a cache hit."""
    machine_rate()
    for scene in ({}, *SCENES.values()):
        v = {**DEFAULTS, **scene}
        distance_data(v[f"{P}_dmax"], v[f"{P}_points"], v[f"{P}_seed"])
        matrix_census(v[f"{P}_nmax"], v[f"{P}_samples"], v[f"{P}_goe_seed"])
        st_summary(v[f"{P}_st_d"])
        s = network_args(
            v[f"{P}_cp_data"],
            v[f"{P}_cp_noise"],
            v[f"{P}_cp_hidden"],
            v[f"{P}_cp_starts"],
            v[f"{P}_cp_iters"],
            v[f"{P}_cp_seed"],
        )
        found, first = saddles(critical_data(**s))
        if len(found):
            slice_data(**s, start=int(found["start"].iloc[first]))
        width_data(
            v[f"{P}_ws_data"],
            float(v[f"{P}_ws_noise"]),
            width_set(v[f"{P}_ws_widths"]),
            int(v[f"{P}_ws_restarts"]),
            int(v[f"{P}_ws_steps"]),
            v[f"{P}_ws_seed"],
        )
