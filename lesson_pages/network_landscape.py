"""Lesson: a real network's landscape — lines and slices through the weights of a trained MLP.

Thin page: URL-bound controls → cached calls into core (data, networks, landscape, curvature) →
Altair charts (ui.charts, ui.network_views). Two restarts of one network train together; the
sections then draw straight lines between weight vectors, 2-D slices, slices of differently shaped
networks side by side, and the Hessian spectrum at the solution.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import budget, curvature, data, landscape, networks, optimizers
from ui import charts, classroom, controls
from ui import network_views as views

P = "nl"
POINTS = (50, 100, 200, 400)
WIDTHS = (2, 4, 8, 16, 32, 64)
STEPS = (100, 200, 500, 1000, 2000)
GRIDS = (21, 31, 41, 51, 61)
SPANS = (0.25, 0.5, 1.0, 1.5, 2.0)
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = {"bce": "Cross-entropy", "mse": "Squared error (on the sigmoid output)"}
SECOND_ORDER_STEPS = 100   # Newton-type runs stop here: each step builds a Hessian per restart
RECORDS = 50               # points of the training path kept for the PCA plane
LINE_ALPHAS = np.linspace(-0.5, 1.5, 81)
BOUNDARY_N = 81
COMPARE_GRID, COMPARE_SPAN = 41, 1.0
HESSIAN_CAP = 1000         # weights: a Hessian of P² entries costs P backward passes (about 1 s)
TOLERANCES = (1e-8, 1e-6, 1e-4, 1e-2)
#: restarts × steps × weights × points a page view may train (≈ 6 s here), and weight vectors ×
#: weights × points a slice may evaluate (≈ 2 s); core's own budgets are far larger.
TRAIN_WORK, SLICE_WORK = 2.5e9, 3e9
#: The loss of predicting ½ for every point: a network below it has learnt something.
COIN = {"bce": math.log(2), "mse": 0.25}
#: Measured with this page's settings (8 units per layer, tanh, Adam 0.01, 1,000 steps, run A,
#: direction seed 0, 41×41 over ±1) on data and weight seeds 0-4: mean dips per slice.
SKIP_EVIDENCE = (
    "the effect grows with depth: on the spirals (8 units per layer, tanh, seeds 0–4) the "
    "slices without skips had on average 10 dips at 4 layers against 7 with skips, and 26 "
    "against 10 at 10 layers. On the easy moons they hardly differed, even at 10 layers (5 "
    "against 4).")
COMPARE = {"width": "Narrow vs wide", "skip": "With and without skip connections"}

IDEA = (
    "A neural network's loss is a function of *all* its weights at once: thousands of numbers, so "
    "its landscape cannot be drawn. What we can draw are **lines and slices** through it: pick "
    "one or two directions in weight space and evaluate the real network's loss along them. Below "
    "a small network learns a toy dataset from two random starts; then we look along the straight "
    "line it travelled, across to the other solution, over 2-D slices around the solution, and at "
    "the curvature there — and ask what such pictures can and cannot tell us."
)

WORDS = (
    "- **Weights θ**: every number of the network (weights and biases) in one long vector. A "
    "point in weight space is one whole network.\n"
    "- **Run A, run B**: the same network trained twice from two independent random starts "
    "(restarts 0 and 1 of the seed), on the same data with the same optimiser.\n"
    "- **Line**: the networks θ(α) = a + α·(b − a). α = 0 is a, α = 1 is b; α below 0 or above 1 "
    "goes on past the ends.\n"
    "- **Barrier**: how far the loss on the line between two solutions rises above the higher of "
    "its two ends.\n"
    "- **Slice**: the networks θ + α·d₁ + β·d₂ for two directions d₁, d₂ — a 2-D map of the loss.\n"
    "- **Filter-normalised direction** (Li et al. 2018): a random direction rescaled so that each "
    "neuron's incoming weights move in proportion to their own size (biases stay put); α = 1 "
    "changes every neuron by as much as it already weighs.\n"
    "- **PCA plane**: the two directions along which the training path spread out most "
    "(principal components of its recorded points).\n"
    "- **Hessian**: the table of second derivatives of the loss in the weights; its eigenvalues "
    "are the curvatures along its main directions (negative: downhill).")


# -- the experiment, as plain values ------------------------------------------------------------

class Setup(NamedTuple):
    """Everything that decides the trained networks: plain values, so cached functions hash it."""
    dataset: str = "moons"
    points: int = 200
    noise: float = 0.1
    depth: int = 2
    width: int = 16
    activation: str = "tanh"
    skip: bool = False
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.01
    hyper: tuple = ()
    steps: int = 1000
    seed: int = 0

    def net(self) -> networks.MLP:
        return networks.MLP((self.width,) * self.depth, self.activation, self.skip, self.loss)

    def data(self) -> tuple[torch.Tensor, torch.Tensor]:
        return data.make(self.dataset, self.points, self.noise, self.seed)

    def run_steps(self) -> int:
        return min(self.steps, SECOND_ORDER_STEPS) if optimizers.info(self.optimizer).second_order \
            else self.steps

    def label(self) -> str:
        return repr(self.net())[4:-1]  # "MLP(2-16-16-1, tanh, bce)" → "2-16-16-1, tanh, bce"


# -- computation: plain arguments in, numpy out (cached) ----------------------------------------

def _check_training(s: Setup, net: networks.MLP) -> None:
    second = net.size if optimizers.info(s.optimizer).second_order else 1
    budget.check(work=2 * s.run_steps() * net.size * s.points * second, max_work=TRAIN_WORK,
                 what=f"Training two {s.label()} networks for {s.run_steps():,} steps on "
                      f"{s.points} points", hint="Use fewer steps, points, layers or units.")


@st.cache_data(max_entries=16, show_spinner=False)
def trained(s: Setup, _progress=None) -> views.Trained:
    """Runs A and B: restarts 0 and 1 of the seed, trained together as one batch."""
    net = s.net()
    _check_training(s, net)
    X, y = s.data()
    steps = s.run_steps()
    every = max(1, steps // RECORDS)
    W0 = net.init(2, seed=s.seed)
    fit = networks.train(net, X, y, W0, optimizer=s.optimizer, lr=s.lr, steps=steps,
                         seed=s.seed, record_every=every, progress=_progress, **dict(s.hyper))
    with torch.no_grad():
        right = (net.predict(fit.weights, X) > 0.5) == (y > 0.5)
    return views.Trained(
        size=net.size, start=W0.numpy(), final=fit.weights.numpy(), loss=fit.loss.numpy(),
        accuracy=right.float().mean(-1).numpy(), diverged=fit.diverged.numpy(),
        stopped_at=fit.stopped_at.numpy(), path=fit.path[:, 0].numpy(),
        path_steps=np.array(sorted(set(range(0, steps + 1, every)) | {steps})))


@st.cache_data(max_entries=16, show_spinner=False)
def boundary(s: Setup) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each run's probability of class 1 over a grid around the data: xs, ys, p[2, ny, nx]."""
    X, _ = s.data()
    lo, hi = X.min(0).values - 0.5, X.max(0).values + 0.5
    xs = torch.linspace(float(lo[0]), float(hi[0]), BOUNDARY_N)
    ys = torch.linspace(float(lo[1]), float(hi[1]), BOUNDARY_N)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    grid = torch.stack([gx.ravel(), gy.ravel()], -1)
    with torch.no_grad():
        p = s.net().predict(torch.from_numpy(trained(s).final), grid)
    return xs.numpy(), ys.numpy(), p.reshape(2, BOUNDARY_N, BOUNDARY_N).numpy()


@st.cache_data(max_entries=16, show_spinner=False)
def lines(s: Setup) -> pd.DataFrame:
    """Loss along four straight lines (line, alpha, loss): start → trained for runs A and B,
    A → B, and A → A with its hidden units shuffled (the same function)."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    a0, b0 = (torch.from_numpy(w) for w in t.start)
    a, b = (torch.from_numpy(w) for w in t.final)
    shuffled = landscape.permute_hidden(net, a, seed=s.seed + 1)
    pairs = {"run A: start → trained": (a0, a), "run B: start → trained": (b0, b),
             "run A → run B": (a, b), "run A → run A, hidden units shuffled": (a, shuffled)}
    return pd.concat([pd.DataFrame({"line": name, "alpha": LINE_ALPHAS,
                                    "loss": landscape.line(net, X, y, p, q, LINE_ALPHAS).numpy()})
                      for name, (p, q) in pairs.items()], ignore_index=True)


def _check_slice(s: Setup, n: int, planes: int) -> None:
    budget.check(work=planes * n * n * s.net().size * s.points, max_work=SLICE_WORK,
                 what=f"{planes} slice{'s' if planes > 1 else ''} of {n}×{n} networks",
                 hint="Use a coarser grid, fewer points or a smaller network.")


def _coords(D: torch.Tensor, d1: torch.Tensor, d2: torch.Tensor) -> tuple[np.ndarray, float]:
    """Least-squares coordinates of the rows of D [T, P] in the plane of d1, d2, and the share
    of D's squared length that the plane keeps."""
    A = torch.stack([d1, d2], 1).double()
    c = torch.linalg.lstsq(A, D.double().T).solution.T            # [T, 2]
    total = float(D.double().square().sum())
    kept = float((c @ A.T).square().sum()) / total if total > 0 else 0.0
    return c.numpy(), kept


@st.cache_data(max_entries=16, show_spinner=False)
def slices(s: Setup, n: int, span: float, direction_seed: int) -> views.Slice:
    """Run A's random filter-normalised slice (α, β ∈ [−span, span]) and its PCA plane."""
    _check_slice(s, n, 2)
    net, (X, y), t = s.net(), s.data(), trained(s)
    theta, path = torch.from_numpy(t.final[0]), torch.from_numpy(t.path)
    d1 = landscape.direction(net, theta, seed=2 * direction_seed)
    d2 = landscape.direction(net, theta, seed=2 * direction_seed + 1)
    al = torch.linspace(-span, span, n)
    z_random = landscape.plane(net, X, y, theta, d1, d2, al, al)
    D = path - theta
    path_random, kept_random = _coords(D, d1, d2)
    e1, e2, c, share = landscape.pca_plane(path)
    px, py = _pca_range(c[:, 0].numpy(), n), _pca_range(c[:, 1].numpy(), n,
                                                       _half(c[:, 0].numpy()))
    z_pca = landscape.plane(net, X, y, theta, e1, e2, torch.from_numpy(px), torch.from_numpy(py))
    cos = float(d1 @ d2 / (d1.norm() * d2.norm()))
    return views.Slice(al.numpy(), z_random.numpy(), path_random, kept_random, cos, px, py,
                       z_pca.numpy(), c.numpy(), float(share.sum()))


def _half(c: np.ndarray) -> float:
    return float(np.abs(c).max()) if len(c) else 0.0


def _pca_range(c: np.ndarray, n: int, other: float = 0.0) -> np.ndarray:
    """Grid values covering a path coordinate with a margin; never thinner than a quarter of
    the other axis, so that a path that hardly moves sideways still gets a readable map."""
    half = max(1.25 * _half(c), 0.25 * 1.25 * other, 1e-3)
    return np.linspace(-half, half, n).astype(np.float32)


@st.cache_data(max_entries=16, show_spinner=False)
def random_slice(s: Setup, n: int, span: float, direction_seed: int = 0) -> np.ndarray:
    """Run A's random filter-normalised slice alone (for side-by-side comparisons)."""
    _check_slice(s, n, 1)
    net, (X, y), t = s.net(), s.data(), trained(s)
    theta = torch.from_numpy(t.final[0])
    d1 = landscape.direction(net, theta, seed=2 * direction_seed)
    d2 = landscape.direction(net, theta, seed=2 * direction_seed + 1)
    al = torch.linspace(-span, span, n)
    return landscape.plane(net, X, y, theta, d1, d2, al, al).numpy()


@st.cache_data(max_entries=16, show_spinner=False)
def spectrum(s: Setup) -> np.ndarray:
    """The Hessian's eigenvalues at run A's trained weights, ascending, in float64."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    return networks.eigenvalues(net, torch.from_numpy(t.final[0]).double(), X.double(),
                                y.double()).numpy()


# -- controls ----------------------------------------------------------------------------------

def _lr_default(name: str) -> float:
    """Rates that train these small networks well in a thousand steps."""
    return {"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.1, "rmsprop": 0.01,
            "adam": 0.01, "newton": 1.0, "saddle_free_newton": 1.0, "perturbed_gd": 0.5}[name]


def setup_controls() -> Setup:
    with classroom.controls("Data, network and training"):
        a, b, c = st.columns(3)
        with a:
            names = data.names()
            dataset = st.selectbox("Dataset", list(names), index=list(names).index("moons"),
                                   format_func=names.get, key=f"{P}_data", bind="query-params")
            points = st.select_slider("Points", POINTS, value=200, key=f"{P}_points",
                                      bind="query-params")
            noise = st.slider("Noise", 0.0, 0.5, 0.1, 0.05, key=f"{P}_noise",
                              bind="query-params", help="Spread of the jitter around each shape.")
            seed = controls.seed_input(P)
        with b:
            depth = st.slider("Hidden layers", 1, 10, 2, key=f"{P}_depth", bind="query-params")
            width = st.select_slider("Units per hidden layer", WIDTHS, value=16,
                                     key=f"{P}_width", bind="query-params")
            activation = st.selectbox("Activation", ACTIVATIONS, key=f"{P}_act",
                                      bind="query-params")
            skip = st.toggle("Skip connections", value=False, key=f"{P}_skip",
                             bind="query-params",
                             help="Each hidden layer after the first adds its input to its "
                                  "output: h ← h + act(W h + b), as in residual networks "
                                  "(He et al. 2016).")
            loss = st.selectbox("Loss", list(LOSSES), format_func=LOSSES.get, key=f"{P}_loss",
                                bind="query-params")
        with c:
            choice = controls.optimizer_picker(P, default="adam", default_lr=_lr_default)
            steps = st.select_slider("Steps", STEPS, value=1000, key=f"{P}_steps",
                                     bind="query-params",
                                     help=f"Full-batch steps. Newton-type methods stop after "
                                          f"{SECOND_ORDER_STEPS}: each step builds a Hessian.")
    s = Setup(dataset, int(points), float(noise), int(depth), int(width), activation, bool(skip),
              loss, choice.name, float(choice.lr), choice.hyper, int(steps), int(seed))
    net = s.net()
    note = f"**{net.size:,} weights** ({s.label()})."
    if skip and not any(net.skips):
        note += " With one hidden layer there is no layer to skip over, so skips change nothing."
    if optimizers.info(s.optimizer).second_order:
        note += (f" {optimizers.info(s.optimizer).label} builds each run's full Hessian every "
                 f"step: only for networks of at most {networks.MAX_SECOND_ORDER} weights, and "
                 f"for {min(s.steps, SECOND_ORDER_STEPS)} steps.")
    st.caption(note)
    return s


# -- 1. training and what the network learned --------------------------------------------------

def train_section(s: Setup) -> views.Trained | None:
    try:
        with controls.progress("Training runs A and B together…") as bar:
            t = trained(s, _progress=bar)
    except ValueError as exc:  # BudgetError, or a second-order method on a large network
        controls.show_problem(exc)
        return None
    for i, run in enumerate("AB"):
        if t.diverged[i]:
            st.warning(f"Run {run} diverged at step {int(t.stopped_at[i])}: its weights and "
                       "curves are those of the step before. Try a smaller learning rate.",
                       icon=":material/warning:")
    curves = pd.DataFrame({"run": np.tile(["run A", "run B"], len(t.loss)),
                           "step": np.repeat(np.arange(len(t.loss)), 2),
                           "loss": t.loss.ravel()})
    st.session_state[f"_{P}_frames"] = {"Training loss": curves}
    with classroom.section("The data and what the network learned"):
        xs, ys, prob = boundary(s)
        X, y = s.data()
        cols = st.columns(2)
        for i, (col, run) in enumerate(zip(cols, "AB")):
            col.altair_chart(views.boundary_chart(xs, ys, prob[i], X.numpy(), y.numpy(),
                                                  title=f"Run {run}"), width="stretch")
        st.caption("Background: the network's probability of class 1, in ten bands from blue "
                   "(class 0) to orange (class 1); the black line is where it is exactly ½, the "
                   "decision boundary. Both runs are the same network and data, started from two "
                   "independent random draws of the weights.")
        m = st.columns(4)
        for i, run in enumerate("AB"):
            m[2 * i].metric(f"Run {run}: final loss", f"{t.loss[-1, i]:.4g}")
            m[2 * i + 1].metric(f"Run {run}: training accuracy", f"{t.accuracy[i]:.1%}")
        st.altair_chart(charts.loss_chart(curves, log_y=True, title="Training loss",
                                          height=220), width="stretch")
    return t


# -- 2. straight lines -------------------------------------------------------------------------

@st.fragment
def line_section(s: Setup) -> None:
    log_y = st.toggle("Log scale for the loss", value=True, key=f"{P}_logy", bind="query-params")
    try:
        df = lines(s)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    st.session_state[f"_{P}_lines"] = df
    by = {name: g for name, g in df.groupby("line", sort=False)}
    left, right = st.columns(2)
    start = df[df["line"].str.contains("start")]
    left.altair_chart(views.line_chart(start, "From the start to the trained weights", log_y,
                                       ends=("start", "trained")), width="stretch")
    other = df[~df["line"].str.contains("start")]
    right.altair_chart(views.line_chart(other, "Between two solutions", log_y,
                                        ends=("run A", "other end")), width="stretch")
    rises = {name: landscape.barrier(g["alpha"], g["loss"]) for name, g in by.items()}
    ab, shuffled = rises["run A → run B"], rises["run A → run A, hidden units shuffled"]
    m = st.columns(3)
    bump = max(rises["run A: start → trained"], rises["run B: start → trained"])
    m[0].metric("Bump on the start → trained lines", f"{bump:.3g}",
                help="On α from 0 to 1, how far the loss rises above the higher end (the "
                     "start); the larger of runs A and B.")
    m[1].metric("Barrier between run A and run B", f"{ab:.3g}",
                help="Highest loss on the line from A to B minus the higher of the two ends.")
    m[2].metric("Barrier between A and A shuffled", f"{shuffled:.3g}",
                help="The same function at both ends, so both ends have the same loss.")
    start_loss = by["run A: start → trained"]["loss"].to_numpy()
    falls = bool(np.all(np.diff(start_loss[(LINE_ALPHAS >= 0) & (LINE_ALPHAS <= 1)]) <= 1e-9))
    at_one = int(np.argmin(np.abs(LINE_ALPHAS - 1)))
    if start_loss[-1] > start_loss[at_one]:
        beyond = ("Past α = 1 the loss rises again (perhaps after a small further dip): along "
                  "this line the solution sits in a valley.")
    else:
        beyond = ("Past α = 1 the loss keeps falling: the network already separates the data, "
                  "and scaling its weights up only makes it more confident: its loss reaches "
                  "zero only as the weights grow without end.")
    st.markdown(
        f"**From the start to the solution**, the loss on the straight line "
        f"{'falls all the way' if falls else 'does not fall all the way'} from α = 0 to α = 1"
        f"{'' if falls else ' (it rises somewhere on the way)'}. Goodfellow, Vinyals & Saxe "
        "(2015) found the same for much larger networks: the straight line from the start to the "
        "solution is usually a smooth downhill slope with no obstacles, even though training "
        f"took a winding path. {beyond}")
    verdict = (f"rises by **{ab:.3g}** in the middle: a barrier on the straight line"
               if ab > _barrier_tol(by["run A → run B"]["loss"]) else
               "stays about as low as at its ends: no barrier on this line")
    st.markdown(
        f"**Between two solutions**, the loss on the line from run A to run B {verdict}. Even the "
        f"line from run A to *itself with its hidden units shuffled* rises by **{shuffled:.3g}**, "
        "though both ends are exactly the same function: reorder a layer's units (and the "
        "weights that read them) and every output stays the same, but the weight vector is a "
        "different point. So any solution comes with many copies, one per reordering, and "
        "the average of two copies is usually a worse network. A bump on the straight line "
        "therefore does **not** mean the two solutions sit in separate valleys: Garipov et al. "
        "(2018) and Draxler et al. (2018) found that solutions of real networks are joined by "
        "simple *curved* paths along which the loss stays low, where the straight line between "
        "them climbs a barrier.")


def _barrier_tol(losses) -> float:
    """A bump smaller than this is noise on the line: 1% of the ends' loss, at least 10⁻³."""
    v = np.asarray(losses, dtype=float)
    return max(1e-3, 0.01 * float(np.nanmax(v[[0, -1]])))


# -- 3. slices ---------------------------------------------------------------------------------

@st.fragment
def slice_section(s: Setup, t: views.Trained) -> None:
    a, b, c = st.columns(3)
    n = a.select_slider("Grid points per side", GRIDS, value=41, key=f"{P}_grid",
                        bind="query-params")
    span = b.select_slider("Slice half-width (in filter-normalised units)", SPANS, value=1.0,
                           key=f"{P}_span", bind="query-params",
                           help="α and β run from −this to +this; 1 changes every neuron by "
                                "as much as it already weighs.")
    dseed = int(c.number_input("Random directions: seed", min_value=0.0, max_value=10_000.0,
                               value=0.0, step=1.0, format="%.0f", key=f"{P}_dseed",
                               bind="query-params"))
    try:
        with st.spinner(f"Evaluating 2 × {n * n:,} networks…"):
            sl = slices(s, int(n), float(span), dseed)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    frame = charts.surface_frame(sl.alphas, sl.alphas, sl.z_random.T)
    st.session_state[f"_{P}_slice"] = frame.rename(columns={"x": "alpha", "y": "beta"})
    path_r = pd.DataFrame({"run": "run A's path", "step": t.path_steps,
                           "x": sl.path_random[:, 0], "y": sl.path_random[:, 1]})
    path_p = pd.DataFrame({"run": "run A's path", "step": t.path_steps,
                           "x": sl.path_pca[:, 0], "y": sl.path_pca[:, 1]})
    left, right = st.columns(2)
    left.altair_chart(charts.layer(
        views.slice_heatmap(sl.alphas, sl.alphas, sl.z_random.T,
                            x_title="α (random direction 1)", y_title="β (random direction 2)"),
        charts.paths_layer(path_r), views.point_marker(),
        title="A random filter-normalised slice"), width="stretch")
    right.altair_chart(charts.layer(
        views.slice_heatmap(sl.pca_x, sl.pca_y, sl.z_pca.T, x_title="first principal direction",
                            y_title="second principal direction"),
        charts.paths_layer(path_p), views.point_marker(),
        title="The plane of the training path (PCA)"), width="stretch")
    m = st.columns(4)
    m[0].metric("Path seen by the random slice", f"{sl.kept_random:.1%}",
                help="Share of the path's squared distance from the solution that lies in the "
                     "slice (least-squares projection).")
    m[1].metric("Path seen by the PCA plane", f"{sl.kept_pca:.1%}",
                help="Share of the path's spread along its two principal directions.")
    m[2].metric("Dips in the random slice", f"{landscape.dips(sl.z_random)}",
                help="Grid points lower than all eight neighbours: the little basins the slice "
                     "shows.")
    m[3].metric("Cosine of d₁ and d₂", f"{sl.cosine:+.3f}",
                help="1 would be the same direction, 0 a right angle.")
    st.markdown(
        f"Each picture is the loss of {n * n:,} real networks, θ + α·d₁ + β·d₂, with the "
        "trained weights θ (white star) at the centre; colours are banded, on a log scale "
        "when the loss spans many orders of magnitude. **Left**, d₁ and d₂ are random and "
        "filter-normalised (Li et al. 2018). The training path, projected onto them, barely "
        f"leaves the star — the slice shows only **{sl.kept_random:.1%}** of its movement. In "
        f"{t.size:,} dimensions two random directions are nearly at right angles to each other "
        f"(cosine {sl.cosine:+.3f}) *and* to the path, so a path drawn on a random slice looks "
        "frozen. **Right**, the plane is the one the path itself spread out in most (its two "
        f"principal directions, **{sl.kept_pca:.1%}** of its spread), so there the path can be "
        "seen coming down into the valley — but that plane was chosen by the path, so its valley "
        "is a flattering view.")
    st.info(
        "**What a slice can and cannot show.** A slice is two directions out of "
        f"{t.size:,}: it shows the loss exactly, but only there. A valley in the slice may be a "
        "ridge in a direction the slice leaves out, and a dip in the slice (a point lower than "
        "its neighbours on the grid) need not be a local minimum of the network; a bowl-shaped "
        "slice does not prove the landscape is convex. What slices *can* do is compare: drawn "
        "the same way around different networks, their shapes differ — sharper or flatter, "
        "smooth or chaotic — as below.", icon=":material/visibility:")


# -- 4. side by side ----------------------------------------------------------------------------

def _compare_setups(s: Setup) -> tuple[str, list[tuple[str, Setup]]] | None:
    a, b, c = st.columns(3)
    mode = a.selectbox("Compare", list(COMPARE), format_func=COMPARE.get, key=f"{P}_cmp",
                       bind="query-params")
    if mode == "width":
        layers = b.slider("Hidden layers (both)", 1, 4, 2, key=f"{P}_cmp_layers",
                          bind="query-params")
        narrow, wide = c.select_slider("Units: narrow and wide", WIDTHS, value=(4, 32),
                                       key=f"{P}_cmp_widths", bind="query-params")
        pair = [(f"{narrow} units per layer", s._replace(depth=layers, width=narrow, skip=False)),
                (f"{wide} units per layer", s._replace(depth=layers, width=wide, skip=False))]
    else:
        layers = b.slider("Hidden layers (both)", 2, 10, 10, key=f"{P}_cmp_depth",
                          bind="query-params")
        width = c.select_slider("Units per layer (both)", WIDTHS[:4], value=8,
                                key=f"{P}_cmp_width", bind="query-params")
        pair = [("no skip connections", s._replace(depth=layers, width=width, skip=False)),
                ("with skip connections", s._replace(depth=layers, width=width, skip=True))]
    return mode, pair


@st.fragment
def compare_section(s: Setup) -> None:
    mode, pair = _compare_setups(s)
    results = []
    for i, (name, v) in enumerate(pair):
        try:
            with controls.progress(f"Training the network with {name}…") as bar:
                t = trained(v, _progress=bar)
            with st.spinner(f"Slicing the network with {name}…"):
                z = random_slice(v, COMPARE_GRID, COMPARE_SPAN)
        except ValueError as exc:
            controls.show_problem(exc)
            return
        results.append((name, v, t, z))
    edges = views.loss_bands([r[3] for r in results])
    al = np.linspace(-COMPARE_SPAN, COMPARE_SPAN, COMPARE_GRID)
    coin = COIN[s.loss]
    rows = []
    for col, (name, v, t, z) in zip(st.columns(2), results):
        col.altair_chart(charts.layer(
            views.slice_heatmap(al, al, z.T, edges, height=320), views.point_marker(),
            title=f"{name.capitalize()}: {v.label()}"), width="stretch")
        rows.append({"network": f"{name} ({t.size:,} weights)", "final loss": f"{t.loss[-1, 0]:.3g}",
                     "training accuracy": f"{t.accuracy[0]:.0%}", "dips in the slice": landscape.dips(z),
                     f"slice below {coin:.3g}": f"{float((z < coin).mean()):.0%}"})
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
    (k0, k1) = (r["dips in the slice"] for r in rows)
    low0, low1 = (r[f"slice below {coin:.3g}"] for r in rows)
    st.caption(f"Both slices: run A of each network, random filter-normalised directions (seed "
               f"0), α and β from −{COMPARE_SPAN:g} to {COMPARE_SPAN:g}, one colour scale shared "
               f"by the two pictures. *Dips*: grid points lower than all eight neighbours. "
               f"*Slice below {coin:.3g}*: the share of the slice where the network still beats "
               "predicting ½ for every point (that is its loss).")
    if mode == "width":
        wider = "wider" if low1 > low0 else "not wider"
        st.markdown(
            f"Here the wide network's low region is **{wider}** ({low1} of its slice below "
            f"{coin:.3g}, against {low0}), with {k1} dip{'s' * (k1 != 1)} against {k0}. Li et "
            "al. (2018) found that wider networks have wider, flatter, more convex-looking "
            "valleys. Filter normalisation is what makes the comparison fair: each neuron moves "
            "in proportion to its own size, so a network cannot look flat merely because its "
            "weights are large. Try other seeds and datasets: two directions out of hundreds "
            "are a sample, not a verdict.")
    else:
        verdict = ("the slice with skips is the smoother one, as Li et al. (2018) found"
                   if k1 < k0 else "this time the slice with skips is not the smoother one")
        st.markdown(
            f"Here the slice of the deep narrow network **without** skips has **{k0}** "
            f"dip{'s' * (k0 != 1)}, the one **with** skips **{k1}**: {verdict}. Li et al.'s "
            "effect is about depth: in their pictures a 20-layer network without skips still "
            "looked fairly smooth, while at 56 and 110 layers the slices without skips turned "
            "chaotic and those with skips stayed smooth. These toy networks are narrow, and "
            f"{SKIP_EVIDENCE} Skips also help training itself: each layer only adds a "
            "correction to what it receives, so the signal and its gradient pass through many "
            "layers intact — compare the final losses.")


# -- 5. curvature ------------------------------------------------------------------------------

@st.fragment
def curvature_section(s: Setup, t: views.Trained) -> None:
    if t.diverged[0]:
        st.info("Run A diverged, so there is no solution whose curvature could be measured. "
                "Try a smaller learning rate.", icon=":material/info:")
        return
    if t.size > HESSIAN_CAP:
        st.info(f"The spectrum is hidden for this network: it has {t.size:,} weights, so its "
                f"Hessian has {t.size ** 2:,} entries and takes {t.size:,} backward passes. "
                f"This page computes it for networks of up to {HESSIAN_CAP:,} weights "
                "(about a second). Use fewer or narrower layers to see it.",
                icon=":material/info:")
        return
    tol = controls.log_slider("Tolerance: an eigenvalue counts as negative below −tol·|largest|",
                              f"{P}_tol", 1e-10, 1e-1, 1e-6, per_decade=1)
    try:
        with st.spinner(f"Computing a {t.size}×{t.size} Hessian…"):
            eigs = spectrum(s)
    except ValueError as exc:
        controls.show_problem(exc)
        return
    top = float(np.abs(eigs).max())
    e = torch.from_numpy(eigs)
    negative = round(float(curvature.index(e, tol)) * len(eigs))
    flat = int((np.abs(eigs) <= tol * top).sum())
    st.session_state[f"_{P}_spectrum"] = pd.DataFrame({"rank": np.arange(1, len(eigs) + 1),
                                                       "eigenvalue": eigs})
    left, right = st.columns([3, 2])
    left.altair_chart(views.spectrum_chart(eigs, tol * top,
                                           title="Hessian eigenvalues at run A's solution"),
                      width="stretch")
    with right:
        st.metric("Negative eigenvalues (downhill directions)", f"{negative} of {len(eigs)}",
                  help=f"Below −{tol:g} × the largest |eigenvalue| ({top:.3g}).")
        st.metric("About zero (flat directions)", f"{flat}")
        st.metric("Largest / most negative", f"{eigs[-1]:.3g} / {eigs[0]:.3g}")
        counts = ", ".join(f"{r:g}: {round(float(curvature.index(e, r)) * len(eigs))}"
                           for r in TOLERANCES)
        st.caption(f"Negative eigenvalues at other tolerances — {counts}.")
    st.markdown(
        "A few large eigenvalues and a great many near zero: the solution sits in a valley that "
        "is steep in a handful of directions and nearly flat in most others — the usual picture "
        "for neural networks (Sagun et al. 2017). Whether the few small negative ones count is a "
        "question of tolerance: training stopped before the exact bottom (cross-entropy on data "
        "the network can separate has no bottom at finite weights), and rounding alone makes "
        "zero look like ±10⁻¹⁶ times the largest. So a \"negative\" count needs its tolerance "
        "next to it.")


# -- page --------------------------------------------------------------------------------------

def _scene(dataset: str, depth: int, width: int, activation: str = "tanh", skip: bool = False,
           steps: int = 1000, **extra) -> dict[str, object]:
    values = {f"{P}_data": dataset, f"{P}_points": 200, f"{P}_noise": 0.1, f"{P}_depth": depth,
              f"{P}_width": width, f"{P}_act": activation, f"{P}_skip": skip, f"{P}_loss": "bce",
              f"{P}_optimizer": "adam", f"{P}_lr": 0.01, f"{P}_steps": steps, f"{P}_seed": 0}
    values.update({f"{P}_{k}": v for k, v in extra.items()})
    return values


SCENES = {
    "Moons, small tanh net": _scene("moons", 1, 8, cmp="width"),
    "Spirals: wide vs narrow": _scene("spirals", 2, 32, cmp="width", cmp_layers=2,
                                      cmp_widths=(4, 64)),
    "Deep narrow: skips smooth the slice": _scene("spirals", 10, 8, skip=True, cmp="skip",
                                                  cmp_depth=10, cmp_width=8),
    "XOR: two solutions, a barrier between": _scene("xor", 1, 4, cmp="width"),
}


def predict_section(s: Setup) -> None:
    try:
        df = lines(s)
    except ValueError:
        return
    ab = df[df["line"] == "run A → run B"]
    answer = ("clearly higher: a barrier" if landscape.barrier(ab["alpha"], ab["loss"])
              > _barrier_tol(ab["loss"]) else "about as low as at the two ends")
    classroom.predict(
        P, "Runs A and B both fit the data. Halfway along the straight line between their "
           "weights, is the loss…",
        ["about as low as at the two ends", "clearly higher: a barrier"], answer,
        "See the line from run A to run B above. For small networks it usually climbs: the "
        "halfway network averages units that play different roles in the two runs. A straight "
        "line is just one of infinitely many paths, though; curved low-loss paths often exist.")


classroom.page_setup("A real network's landscape", IDEA)
classroom.scenes(P, SCENES)
classroom.glossary(WORDS)

setup = setup_controls()
st.header("Train two runs")
result = train_section(setup)
if result is None:
    st.info("The sections below draw lines, slices and curvature of the trained networks: "
            "choose settings that can be trained to see them.", icon=":material/info:")
else:
    st.header("Straight lines through weight space")
    line_section(setup)
    st.header("Slices around the solution")
    slice_section(setup, result)
    st.header("Side by side: narrow vs wide, skips vs none")
    st.markdown("Slices only mean something in comparison. Here two networks, differing in one "
                "way, learn the same data with the same optimiser, and each is sliced the same "
                "way around its solution, on one shared colour scale.")
    compare_section(setup)
    st.header("Curvature at the solution")
    curvature_section(setup, result)

st.header("What to notice")
st.markdown(
    "- The straight line from the start to the trained weights usually goes smoothly downhill "
    "(Goodfellow et al. 2015): the difficulty of training is not visible on that line.\n"
    "- Two solutions of the same network are usually separated by a bump on the straight line "
    "between them — and so is a solution and its own copy with the hidden units shuffled. A "
    "bump on a line is not a wall between valleys: curved low-loss paths often go round it.\n"
    "- A random slice sees almost none of the training path; the PCA plane sees most of it.\n"
    "- Slices of deep narrow networks are more irregular without skip connections; with them, "
    "they look like one bowl. Wider networks give wider low regions.\n"
    "- At the solution most Hessian eigenvalues are close to zero: flat in most directions, "
    "steep in a few.")
st.header("Try this")
st.markdown(
    "- Change the seed: do the two runs find the same decision boundary? Is there still a "
    "barrier between them?\n"
    "- Widen the network to 64 units: does the barrier between A and B shrink?\n"
    "- Set the slice half-width to 0.25 and then 2: how far does the valley reach?\n"
    "- Use ReLU instead of tanh, or squared error instead of cross-entropy, and look at the "
    "spectrum.\n"
    "- With one hidden layer of 4 units (17 weights), train with Newton's method: where does it "
    "end up, and what does the Hessian say about that point?")
if result is not None:
    predict_section(setup)
frames = dict(st.session_state.get(f"_{P}_frames", {}))
for key, name in ((f"_{P}_lines", "Loss along lines"), (f"_{P}_slice", "Random slice"),
                  (f"_{P}_spectrum", "Hessian eigenvalues")):
    if isinstance(st.session_state.get(key), pd.DataFrame):
        frames[name] = st.session_state[key]
classroom.export(P, frames, classroom.current_settings(P))
classroom.references([
    ("Draxler, F., Veschgini, K., Salmhofer, M., & Hamprecht, F. A. (2018). Essentially no "
     "barriers in neural network energy landscape. ICML."),
    ("Garipov, T., Izmailov, P., Podoprikhin, D., Vetrov, D., & Wilson, A. G. (2018). Loss "
     "surfaces, mode connectivity, and fast ensembling of DNNs. NeurIPS."),
    ("Goodfellow, I. J., Vinyals, O., & Saxe, A. M. (2015). Qualitatively characterizing neural "
     "network optimization problems. ICLR."),
    ("He, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image "
     "recognition. CVPR."),
    ("Li, H., Xu, Z., Taylor, G., Studer, C., & Goldstein, T. (2018). Visualizing the loss "
     "landscape of neural nets. NeurIPS."),
    ("Sagun, L., Evci, U., Güney, V. U., Dauphin, Y., & Bottou, L. (2017). Empirical analysis of "
     "the Hessian of over-parametrized neural networks. arXiv:1706.04454."),
])
