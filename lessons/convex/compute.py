"""The convex lesson's cached computations: importable, so the start-up warm-up shares their
cache entries with the page (a function defined in the page script lives in `__main__`, where
nothing else can reach its cache).

Plain arguments in, numpy / frames / charts out. The heavy ones (an optimiser run, a batched
Hessian, the chord test) take a turn in ui.gate on a cache miss; a hit never waits.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import curvature, descent, optimizers, surfaces
from lessons.convex import charts as views
from ui import charts, controls, gate

P = "cv"
MAP_N = 100  # heatmap cells per side
SOLID_N = 70  # 3-D surface grid per side
CURVE_N = 200  # curvature map grid per side (one batched Hessian call)
PAIRS = (1_000, 5_000, 20_000, 100_000)
RTOL = 1e-6  # default sign tolerance of the curvature map and the chord test
RECORDS = 250  # at most about this many recorded points per path
PREDICT_START = (-0.5, -0.5)
#: What the page shows when opened with no link.
DEFAULT_SURFACE = "himmelblau"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")
DEFAULT_STEPS = 300
#: The two real models, with their axis titles.
MODELS = {"logistic_2w": ("w (weight)", "b (bias)"), "deep_linear_2w": ("w₁", "w₂")}


# -- computation: plain arguments in, numpy out (cached) --------------------------------------


def _surface(key: str, formula: str):
    return controls.surface_for(key, formula)


def _curvable(s):
    """The surface plus 0·|xy|², which changes no value but gives autograd a second derivative
    to take even when a typed formula is constant or linear."""
    return lambda xy: s(xy) + 0.0 * (xy * xy).sum(-1)


@st.cache_data(max_entries=64, show_spinner=False)
def surface_grid(key: str, formula: str, n: int):
    """xs [n], ys [n] and the loss z [n, n] on the surface's bounds. Not gated: at most ~15 ms."""
    xs, ys, z = _surface(key, formula).grid(n)
    return xs.numpy(), ys.numpy(), z.numpy()


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
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


@st.cache_data(max_entries=32, show_spinner=False)
@gate.heavy
def chords(key: str, formula: str, pairs: int, rtol: float):
    """The chord test, and the surface along its worst failing chord (s: 0 at a, 1 at b)."""
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
    return test, profile


@st.cache_data(max_entries=64, show_spinner=False)
@gate.heavy
def descend(
    key: str, formula: str, name: str, lr: float, hyper: tuple, x0: float, y0: float, steps: int
) -> dict:
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
    return {
        "steps": at,
        "x": path[:, 0],
        "y": path[:, 1],
        "loss": loss,
        "stopped": stopped,
        "final": tuple(float(v) for v in end[0]),
        "final_loss": float(run.final_loss[0]),
        "slope": slope,
        "shape": curvature.KINDS[int(curvature.kind(eig))],
    }


Run = tuple  # (name, lr, hyper): one optimiser's settings, hashable


@st.cache_data(max_entries=64, show_spinner=False)
def paths(key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int):
    """Every chosen optimiser's path in long form (run, step, x, y, loss), and their endings."""
    results = {
        controls.OptimizerChoice(*r).label: descend(key, formula, *r, x0, y0, steps) for r in runs
    }
    frame = pd.concat(
        [
            pd.DataFrame(
                {"run": label, "step": r["steps"], "x": r["x"], "y": r["y"], "loss": r["loss"]}
            )
            for label, r in results.items()
        ],
        ignore_index=True,
    )
    return frame, results


@st.cache_data(max_entries=64, show_spinner=False)
def lipschitz(key: str, formula: str) -> float:
    """The largest |eigenvalue| of the Hessian on the map: how fast the gradient can change."""
    _, _, eigs = eigen_grid(key, formula)
    big = np.abs(eigs[np.isfinite(eigs)])
    return float(big.max()) if big.size else 0.0


def predict_run() -> dict:
    """The run that answers the page's question: plain gradient descent on Himmelblau."""
    return descend("himmelblau", "", "sgd", 0.01, (), *PREDICT_START, 500)


# -- the Play animation, built once per setting (Altair charts: ui.cached_charts) ----------------


@st.cache_resource(max_entries=32, show_spinner=False)
def play(key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int):
    """The Play animation (Plotly) of the runs' paths over the surface."""
    s = _surface(key, formula)
    frame, _ = paths(key, formula, runs, x0, y0, steps)
    xs, ys, z = surface_grid(key, formula, MAP_N)
    return views.play_figure(xs, ys, z, frame, s.minima, charts.banded_scale(z)[0])


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


def _scene(
    surface: str,
    start: tuple[float, float],
    runs: dict[str, float],
    steps: int = DEFAULT_STEPS,
    **hyper: float,
) -> dict:
    """Widget values for a scene: surface, start, steps, and each optimiser's learning rate and
    settings (defaults unless given, so that no setting leaks in from an earlier scene)."""
    values = {
        f"{P}_surface": surface,
        f"{P}_x0": start[0],
        f"{P}_y0": start[1],
        f"{P}_optimizers": list(runs),
        f"{P}_steps": steps,
    }
    for name, lr in runs.items():
        values[f"{P}_{name}_lr"] = lr
        for h, default in optimizers.info(name).hyper.items():
            values[f"{P}_{name}_{h}"] = hyper.get(f"{name}_{h}", default)
    return values


SCENES = {
    "Bowl: every path agrees": _scene(
        "bowl", (-2.5, 2.0), {"sgd": 0.1, "momentum": 0.1, "adam": 0.0562}
    ),
    "Ravine: momentum vs plain GD": _scene(
        "ravine", (-2.8, 1.5), {"sgd": 0.09, "momentum": 0.1}, 100, momentum_momentum=0.5
    ),
    "Himmelblau: start decides": _scene(
        "himmelblau", (0.0, 0.0), {"sgd": 0.01, "momentum": 0.01, "adam": 0.1}
    ),
    "Rastrigin traps gradient descent": _scene(
        "rastrigin", (3.2, -2.1), {"sgd": 0.00178, "momentum": 0.00178, "adagrad": 1.02}
    ),
    "Deep linear: saddle at the origin": _scene("deep_linear_2w", (1.5, -1.499), {"sgd": 0.0562}),
    "Too big a step": _scene("bowl", (-2.5, 2.0), {"sgd": 1.78, "momentum": 0.1}, 100),
}


# -- start-up warm-up ----------------------------------------------------------------------------


def _default_view() -> dict:
    """The widget values of the page opened with no link: the default surface from its own start,
    the default optimisers at the learning rates lr_for gives them."""
    s = surfaces.get(DEFAULT_SURFACE)
    pick = lr_for(s)
    return _scene(
        DEFAULT_SURFACE, s.start, {name: controls.sig3(pick(name)) for name in DEFAULT_OPTIMIZERS}
    )


def _runs(values: Mapping[str, object]) -> tuple[Run, ...]:
    """A scene's optimisers as the pickers return them: (name, lr, ((setting, value), …)), a
    whole-number setting as an int and every other number as a float."""
    runs = []
    for name in values[f"{P}_optimizers"]:
        hyper = tuple(
            (h, (int if isinstance(default, int) else float)(values[f"{P}_{name}_{h}"]))
            for h, default in optimizers.info(name).hyper.items()
        )
        runs.append((name, float(values[f"{P}_{name}_lr"]), hyper))
    return tuple(runs)


def warm() -> None:
    """Compute what the page shows for its default view and for every lesson scene, with the
    arguments the page passes, so that the class's first visit is a cache hit (warmup.HOOKS)."""
    for values in (_default_view(), *SCENES.values()):
        key, runs, steps = values[f"{P}_surface"], _runs(values), values[f"{P}_steps"]
        x0, y0 = float(values[f"{P}_x0"]), float(values[f"{P}_y0"])
        surface_grid(key, "", SOLID_N)
        surface_grid(key, "", MAP_N)
        play(key, "", runs, x0, y0, steps)
        lipschitz(key, "")
        eigen_grid(key, "")
        chords(key, "", PAIRS[2], RTOL)
    for key in MODELS:
        surface_grid(key, "", MAP_N)
        chords(key, "", PAIRS[2], RTOL)
        eigen_grid(key, "")
    predict_run()
