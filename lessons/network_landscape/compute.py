"""The network-landscape lesson's settings, cached computations, scenes and start-up warm-up.

Importable, so that the warm-up (`warm`) fills the same cache entries the page reads and the
class's first visit is a hit. Each section's settings are one frozen dataclass (ui.settings);
the page, the scenes and the warm-up build the same objects. Plain arguments in, numpy out; the
numbers the prose states are computed here (`*_numbers`), so the page's sentences and the claim
tests read one source.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
import torch

from core import budget, curvature, data, landscape, networks, optimizers, permutations
from lessons.network_landscape import charts as views
from ui.cache import computation
from ui.controls import default_hyper
from ui.settings import Settings

PAGE = "network_landscape"  # the page's own keys: its scenes, its prediction
SECOND_ORDER_STEPS = 100  # Newton-type runs stop here: each step builds a Hessian per restart
RECORDS = 50  # points of the training path kept for the PCA plane
LINE_ALPHAS = np.linspace(-0.5, 1.5, 81)
BOUNDARY_N = 81
COMPARE_GRID, COMPARE_SPAN = 41, 1.0
HESSIAN_CAP = 1000  # weights: a Hessian of P² entries costs P backward passes
#: restarts × steps × weights × points a page view may train, and weight vectors × weights ×
#: points a slice may evaluate; core's own budgets are far larger.
TRAIN_WORK, SLICE_WORK = 2.5e9, 3e9
#: The loss of predicting ½ for every point: a network below it has learnt something.
COIN = {"bce": math.log(2), "mse": 0.25}
COMPARE = {"width": "Narrow vs wide", "skip": "With and without skip connections"}
POINTS = (50, 100, 200, 400)
WIDTHS = (2, 4, 8, 16, 32, 64)
STEPS = (100, 200, 500, 1000, 2000)
GRIDS = (21, 31, 41, 51, 61)
SPANS = (0.25, 0.5, 1.0, 1.5, 2.0)
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LOSSES = {"bce": "Cross-entropy", "mse": "Squared error (on the sigmoid output)"}
TOLERANCES = (1e-8, 1e-6, 1e-4, 1e-2)
#: The names of the lines, as the charts and the download show them.
START_A, START_B = "run A: start → trained", "run B: start → trained"
A_B, A_B_MATCHED = "run A → run B", "run A → run B matched to A"
A_SHUFFLED = "run A → run A, hidden units shuffled"


def lr_default(name: str) -> float:
    """Rates that train these small networks well in a thousand steps."""
    return {
        "sgd": 0.5,
        "momentum": 0.1,
        "nesterov": 0.1,
        "adagrad": 0.1,
        "rmsprop": 0.01,
        "adam": 0.01,
        "newton": 1.0,
        "saddle_free_newton": 1.0,
        "perturbed_gd": 0.5,
    }[name]


# -- settings, one class per section -------------------------------------------------------------


@dataclass(frozen=True)
class Network(Settings):
    """The data, the network and its training (runs A and B). `lr` is the rate the optimiser
    picker starts from; a new optimiser resets it to that optimiser's `lr_default`."""

    PREFIX: ClassVar[str] = "net"
    dataset: str = "moons"
    points: int = 200
    noise: float = 0.1
    seed: int = 0
    layers: int = 2
    width: int = 16
    activation: str = "tanh"
    skips: bool = False
    loss: str = "bce"
    optimizer: str = "adam"
    lr: float = 0.01
    steps: int = 1000

    def setup(self, lr: float | None = None, hyper: tuple | None = None) -> Setup:
        """The experiment these settings run; rate and optimiser settings as the picker gives
        them (by default this object's rate and the optimiser's own settings)."""
        return Setup(
            self.dataset,
            int(self.points),
            float(self.noise),
            int(self.layers),
            int(self.width),
            self.activation,
            bool(self.skips),
            self.loss,
            self.optimizer,
            float(self.lr if lr is None else lr),
            default_hyper(self.optimizer) if hyper is None else hyper,
            int(self.steps),
            int(self.seed),
        )


@dataclass(frozen=True)
class Lines(Settings):
    PREFIX: ClassVar[str] = "lines"
    log_loss: bool = True


@dataclass(frozen=True)
class Slices(Settings):
    """The 2-D slices around run A's solution: grid points per side, half-width (in
    filter-normalised units) and the seed of the two random directions."""

    PREFIX: ClassVar[str] = "slices"
    grid: int = 41
    span: float = 1.0
    direction_seed: int = 0


@dataclass(frozen=True)
class Pair(Settings):
    """The side-by-side comparison: narrow vs wide (`layers`, `widths`) or without vs with
    skips (`deep_layers`, `deep_width`), on data drawn with its own seed."""

    PREFIX: ClassVar[str] = "pair"
    mode: str = "width"
    seed: int = 0
    layers: int = 2
    widths: tuple[int, int] = (4, 32)
    deep_layers: int = 10
    deep_width: int = 8

    def networks(self, s: Setup) -> list[tuple[str, Setup]]:
        """The two networks it trains: the page's data and optimiser, this section's seed (so
        that a new seed above does not retrain them) and the shapes it compares."""
        seed = int(self.seed)
        if self.mode == "width":
            return [
                (
                    f"{w} units per layer",
                    s._replace(depth=int(self.layers), width=int(w), skip=False, seed=seed),
                )
                for w in self.widths
            ]
        deep = s._replace(depth=int(self.deep_layers), width=int(self.deep_width), seed=seed)
        return [
            ("no skip connections", deep._replace(skip=False)),
            ("with skip connections", deep._replace(skip=True)),
        ]


@dataclass(frozen=True)
class Hessian(Settings):
    PREFIX: ClassVar[str] = "hessian"
    tolerance: float = 1e-6  # an eigenvalue counts as negative below −tolerance·|largest|


SECTIONS = (Network, Lines, Slices, Pair, Hessian)


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
        return (
            min(self.steps, SECOND_ORDER_STEPS)
            if optimizers.info(self.optimizer).second_order
            else self.steps
        )

    def label(self) -> str:
        return repr(self.net())[4:-1]  # "MLP(2-16-16-1, tanh, bce)" → "2-16-16-1, tanh, bce"


# -- computation (cached; a miss takes a turn, see ui.gate) -------------------------------------


def _check_training(s: Setup, net: networks.MLP) -> None:
    second = net.size if optimizers.info(s.optimizer).second_order else 1
    budget.check(
        work=2 * s.run_steps() * net.size * s.points * second,
        max_work=TRAIN_WORK,
        what=f"Training two {s.label()} networks for {s.run_steps():,} steps on {s.points} points",
        hint="Use fewer steps, points, layers or units.",
    )


@computation(max_entries=16)
def trained(s: Setup, _progress=None) -> views.Trained:
    """Runs A and B: restarts 0 and 1 of the seed, trained together as one batch."""
    net = s.net()
    _check_training(s, net)
    X, y = s.data()
    steps = s.run_steps()
    every = max(1, steps // RECORDS)
    W0 = net.init(2, seed=s.seed)
    fit = networks.train(
        net,
        X,
        y,
        W0,
        optimizer=s.optimizer,
        lr=s.lr,
        steps=steps,
        seed=s.seed,
        record_every=every,
        progress=_progress,
        **dict(s.hyper),
    )
    with torch.no_grad():
        right = (net.predict(fit.weights, X) > 0.5) == (y > 0.5)
    return views.Trained(
        size=net.size,
        start=W0.numpy(),
        final=fit.weights.numpy(),
        loss=fit.loss.numpy(),
        accuracy=right.float().mean(-1).numpy(),
        diverged=fit.diverged.numpy(),
        stopped_at=fit.stopped_at.numpy(),
        path=fit.path[:, 0].numpy(),
        path_steps=np.array(sorted(set(range(0, steps + 1, every)) | {steps})),
    )


@computation(max_entries=64)
def class_run(s: Setup, seed: int) -> dict[str, object]:
    """One training run of this network on this data from a student's own first weights (the
    class room's experiment): final loss (None if it diverged), training accuracy, and whether
    every point is classified right."""
    net = s.net()
    _check_training(s, net)
    X, y = s.data()
    W0 = net.init(1, seed=seed)
    fit = networks.train(
        net, X, y, W0, s.optimizer, s.lr, s.run_steps(), seed=seed, **dict(s.hyper)
    )
    with torch.no_grad():
        accuracy = float(((net.predict(fit.weights, X) > 0.5) == (y > 0.5)).float().mean())
    loss = float(fit.loss[-1, 0])
    ok = math.isfinite(loss) and not bool(fit.diverged[0])
    return {"loss": loss if ok else None, "accuracy": accuracy, "success": ok and accuracy == 1}


def class_experiment(s: Setup) -> tuple[str, str]:
    """The class room's experiment for this network and data: its name (runs pool only with the
    same set-up; each student brings their own first weights) and title."""
    name = f"network-{hashlib.sha256(repr(s).encode()).hexdigest()[:16]}"
    return name, f"one training run each of {s.label()} on the {s.dataset}, {s.run_steps()} steps"


@computation(max_entries=16)
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


@computation(max_entries=16)
def lines(s: Setup) -> pd.DataFrame:
    """Loss along five straight lines (line, alpha, loss): start → trained for runs A and B,
    A → B, A → B with B's hidden units matched to A's (core.permutations: B's function at
    another point), and A → A with its hidden units shuffled (the same function)."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    a0, b0 = (torch.from_numpy(w) for w in t.start)
    a, b = (torch.from_numpy(w) for w in t.final)
    matched, _ = permutations.match(net, a, b)
    shuffled = landscape.permute_hidden(net, a, seed=s.seed + 1)
    pairs = {
        START_A: (a0, a),
        START_B: (b0, b),
        A_B: (a, b),
        A_B_MATCHED: (a, matched),
        A_SHUFFLED: (a, shuffled),
    }
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "line": name,
                    "alpha": LINE_ALPHAS,
                    "loss": landscape.line(net, X, y, p, q, LINE_ALPHAS).numpy(),
                }
            )
            for name, (p, q) in pairs.items()
        ],
        ignore_index=True,
    )


def _check_slice(s: Setup, n: int, planes: int) -> None:
    budget.check(
        work=planes * n * n * s.net().size * s.points,
        max_work=SLICE_WORK,
        what=f"{planes} slice{'s' if planes > 1 else ''} of {n}×{n} networks",
        hint="Use a coarser grid, fewer points or a smaller network.",
    )


def _coords(D: torch.Tensor, d1: torch.Tensor, d2: torch.Tensor) -> tuple[np.ndarray, float]:
    """Least-squares coordinates of the rows of D [T, P] in the plane of d1, d2, and the share
    of D's squared length that the plane keeps."""
    A = torch.stack([d1, d2], 1).double()
    c = torch.linalg.lstsq(A, D.double().T).solution.T  # [T, 2]
    total = float(D.double().square().sum())
    kept = float((c @ A.T).square().sum()) / total if total > 0 else 0.0
    return c.numpy(), kept


def _random_plane(s: Setup, n: int, span: float, direction_seed: int):
    """Run A's trained weights, two filter-normalised random directions and the loss over
    the grid α, β ∈ [−span, span] that they span."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    theta = torch.from_numpy(t.final[0])
    d1 = landscape.direction(net, theta, seed=2 * direction_seed)
    d2 = landscape.direction(net, theta, seed=2 * direction_seed + 1)
    al = torch.linspace(-span, span, n)
    return theta, d1, d2, al, landscape.plane(net, X, y, theta, d1, d2, al, al)


@computation(max_entries=16)
def slices(s: Setup, n: int, span: float, direction_seed: int) -> views.Slice:
    """Run A's random filter-normalised slice (α, β ∈ [−span, span]) and its PCA plane."""
    _check_slice(s, n, 2)
    theta, d1, d2, al, z_random = _random_plane(s, n, span, direction_seed)
    net, (X, y), path = s.net(), s.data(), torch.from_numpy(trained(s).path)
    path_random, kept_random = _coords(path - theta, d1, d2)
    e1, e2, c, share = landscape.pca_plane(path)
    px, py = _pca_range(c[:, 0].numpy(), n), _pca_range(c[:, 1].numpy(), n, _half(c[:, 0].numpy()))
    z_pca = landscape.plane(net, X, y, theta, e1, e2, torch.from_numpy(px), torch.from_numpy(py))
    cos = float(d1 @ d2 / (d1.norm() * d2.norm()))
    return views.Slice(
        al.numpy(),
        z_random.numpy(),
        path_random,
        kept_random,
        cos,
        px,
        py,
        z_pca.numpy(),
        c.numpy(),
        float(share.sum()),
    )


def _half(c: np.ndarray) -> float:
    return float(np.abs(c).max()) if len(c) else 0.0


def _pca_range(c: np.ndarray, n: int, other: float = 0.0) -> np.ndarray:
    """Grid values covering a path coordinate with a margin; never thinner than a quarter of
    the other axis, so that a path that hardly moves sideways still gets a readable map."""
    half = max(1.25 * _half(c), 0.25 * 1.25 * other, 1e-3)
    return np.linspace(-half, half, n).astype(np.float32)


@computation(max_entries=16)
def random_slice(s: Setup, n: int, span: float, direction_seed: int = 0) -> np.ndarray:
    """Run A's random filter-normalised slice alone (for side-by-side comparisons)."""
    _check_slice(s, n, 1)
    return _random_plane(s, n, span, direction_seed)[-1].numpy()


@computation(max_entries=16)
def spectrum(s: Setup) -> np.ndarray:
    """The Hessian's eigenvalues at run A's trained weights, ascending, in float64."""
    net, (X, y), t = s.net(), s.data(), trained(s)
    return networks.eigenvalues(
        net, torch.from_numpy(t.final[0]).double(), X.double(), y.double()
    ).numpy()


# -- what the numbers say (plain data for the page's sentences; the claim tests read them too) ---


def tolerance(losses) -> float:
    """A rise smaller than this is noise on a line: 1% of the ends' loss, at least 10⁻³."""
    v = np.asarray(losses, dtype=float)
    return max(1e-3, 0.01 * float(np.nanmax(v[[0, -1]])))


def climb(alphas, losses) -> float:
    """The largest climb along the segment α ∈ [0, 1]: max over α of L(α) − min over α′ ≤ α of
    L(α′), how far the loss ever rises above where it had already been (0 on a line that
    never goes up)."""
    a, v = np.asarray(alphas, dtype=float), np.asarray(losses, dtype=float)
    inside = v[(a >= 0) & (a <= 1)]
    return float(np.nanmax(inside - np.fmin.accumulate(inside))) if inside.size else 0.0


def _halfway_rise(alphas, losses) -> float:
    """The loss at α = ½ above the higher of the two ends (negative: below both)."""
    a, v = np.asarray(alphas, dtype=float), np.asarray(losses, dtype=float)
    ends = max(float(v[np.argmin(np.abs(a))]), float(v[np.argmin(np.abs(a - 1))]))
    return float(v[np.argmin(np.abs(a - 0.5))]) - ends


class LineNumbers(NamedTuple):
    climb: float  # the larger climb of the two start → trained lines
    climb_tol: float  # a climb below this is noise (1% of the start lines' ends)
    barrier: float  # run A → run B
    matched: float  # run A → run B matched to A
    shuffled: float  # run A → run A shuffled
    tol: float  # a rise below this is noise (on the A → B line)
    halfway: float  # loss at α = ½ on A → B above the higher end
    halfway_matched: float
    beyond_min: float  # the lowest loss on run A's start line for α ∈ [1, 1.5]
    beyond_at: float  # where it is
    at_one: float  # the loss at α = 1 (run A's trained weights)
    path_ratio: float  # length of run A's recorded path / straight distance start → trained
    accuracy: float  # run A's training accuracy


def line_numbers(s: Setup) -> LineNumbers:
    by = {name: g for name, g in lines(s).groupby("line", sort=False)}
    t = trained(s)

    def height(name: str, of=landscape.barrier) -> float:
        return of(by[name]["alpha"].to_numpy(), by[name]["loss"].to_numpy())

    start = by[START_A]
    past = start[start["alpha"] >= 1]
    low = past.loc[past["loss"].idxmin()]
    steps = np.linalg.norm(np.diff(t.path.astype(np.float64), axis=0), axis=1).sum()
    straight = float(np.linalg.norm(t.final[0].astype(np.float64) - t.start[0]))
    return LineNumbers(
        climb=max(height(START_A, climb), height(START_B, climb)),
        climb_tol=max(tolerance(by[START_A]["loss"]), tolerance(by[START_B]["loss"])),
        barrier=height(A_B),
        matched=height(A_B_MATCHED),
        shuffled=height(A_SHUFFLED),
        tol=tolerance(by[A_B]["loss"]),
        halfway=height(A_B, _halfway_rise),
        halfway_matched=height(A_B_MATCHED, _halfway_rise),
        beyond_min=float(low["loss"]),
        beyond_at=float(low["alpha"]),
        at_one=float(past["loss"].iloc[0]),
        path_ratio=float(steps / straight) if straight > 0 else 1.0,
        accuracy=float(t.accuracy[0]),
    )


def beyond_block(n: LineNumbers) -> str:
    """Which sentence says what the start → trained line does past the trained weights."""
    if n.beyond_at <= 1 + 1e-9:
        return "beyond_rises"
    if n.beyond_at < LINE_ALPHAS[-1] - 1e-9:
        return "beyond_dips"
    return "beyond_falls_separated" if n.accuracy == 1 else "beyond_falls"


def start_block(n: LineNumbers) -> str:
    """Start → trained: downhill all the way, all but noise, or not."""
    if n.climb <= 0:
        return "start_falls"
    return "start_almost" if n.climb <= n.climb_tol else "start_climbs"


def barrier_block(n: LineNumbers) -> str:
    """A → B: a barrier or not; and how much of it matching B's units to A's removes."""
    if n.barrier <= n.tol:
        return "between_no_barrier"
    if n.matched <= n.tol:
        return "between_matched_flat"
    return "between_matched_most" if n.matched <= n.barrier / 4 else "between_matched_barrier"


class Prediction(NamedTuple):
    options: list[str]
    answer: str
    numbers: dict[str, float]
    block: str  # the explanation's last sentence


PREDICT_OPTIONS = ["about as low as at the two ends", "clearly higher: a barrier"]


def prediction(s: Setup) -> Prediction:
    """The predict-then-run question's answer, from the loss halfway between A and B."""
    n = line_numbers(s)
    answer = PREDICT_OPTIONS[int(n.halfway > n.tol)]
    block = "predict_matched_flat" if n.halfway_matched <= n.tol else "predict_matched_not"
    numbers = {"halfway": n.halfway, "halfway_matched": n.halfway_matched}
    return Prediction(PREDICT_OPTIONS, answer, numbers, block)


class PairNumbers(NamedTuple):
    mode: str
    names: tuple[str, str]
    dips: tuple[int, int]
    low: tuple[float, float]  # share of each slice below the coin-flip loss
    final: tuple[float, float]  # run A's final loss of each network
    coin: float


def pair_numbers(s: Setup, pair: Pair) -> PairNumbers:
    """The side-by-side section's numbers (trains both networks and slices them)."""
    nets = pair.networks(s)
    zs = [random_slice(v, COMPARE_GRID, COMPARE_SPAN) for _, v in nets]
    finals = [float(trained(v).loss[-1, 0]) for _, v in nets]
    coin = COIN[s.loss]
    return PairNumbers(
        pair.mode,
        tuple(name for name, _ in nets),
        tuple(landscape.dips(z) for z in zs),
        tuple(float((z < coin).mean()) for z in zs),
        tuple(finals),
        coin,
    )


class SpectrumNumbers(NamedTuple):
    size: int
    top: float  # largest |eigenvalue|
    negative: int  # below −tolerance·top
    flat: int  # |λ| ≤ tolerance·top
    large: int  # |λ| ≥ 1% of top: the steep directions
    small: int  # |λ| < 0.1% of top: nearly flat
    most_negative: float  # relative to top (≤ 0, or > 0 when every eigenvalue is positive)


def spectrum_numbers(eigs: np.ndarray, tol: float) -> SpectrumNumbers:
    top = float(np.abs(eigs).max())
    negative = round(float(curvature.index(torch.from_numpy(eigs), tol)) * len(eigs))
    return SpectrumNumbers(
        len(eigs),
        top,
        negative,
        int((np.abs(eigs) <= tol * top).sum()),
        int((np.abs(eigs) >= 1e-2 * top).sum()),
        int((np.abs(eigs) < 1e-3 * top).sum()),
        float(eigs[0] / top) if top > 0 else 0.0,
    )


def negative_block(n: SpectrumNumbers) -> str:
    """None negative; a few tiny ones (a question of tolerance); or a clear downhill direction."""
    if n.negative == 0:
        return "spectrum_none_negative"
    return "spectrum_negative" if -n.most_negative < 1e-2 else "spectrum_negative_large"


def spectrum_block(n: SpectrumNumbers) -> str:
    """Few steep directions and many flat ones (the usual picture), or not."""
    return "spectrum_usual" if n.large < n.small else "spectrum_unusual"


# -- lesson scenes and the start-up warm-up -----------------------------------------------------


def scene(pair: Pair = Pair(), **network) -> tuple[Settings, ...]:
    """Every section's settings (so that a scene never inherits from the one before), with
    Adam at its usual rate unless the scene says otherwise."""
    return (Network(**network), Lines(), Slices(), pair, Hessian())


SCENES: dict[str, tuple[Settings, ...]] = {
    "Moons, small tanh net": scene(dataset="moons", layers=1, width=8),
    "Spirals: wide vs narrow": scene(
        Pair(mode="width", layers=2, widths=(4, 64)), dataset="spirals", layers=2, width=32
    ),
    "Deep narrow: skips smooth the slice": scene(
        Pair(mode="skip", deep_layers=10, deep_width=8),
        dataset="spirals",
        layers=10,
        width=8,
        skips=True,
    ),
    "XOR: two solutions, a barrier between": scene(dataset="xor", layers=1, width=4),
}
WIDTH_SCENE = SCENES["Spirals: wide vs narrow"]
SKIP_SCENE = SCENES["Deep narrow: skips smooth the slice"]


def of(view: tuple[Settings, ...], cls: type[Settings]) -> Settings:
    return next((v for v in view if isinstance(v, cls)), cls())


def view_setup(view: tuple[Settings, ...]) -> Setup:
    return of(view, Network).setup()


def notice_numbers() -> dict[str, object]:
    """The comparisons "What to notice" states in general, measured in the two scenes made for
    them: skips against none (deep narrow) and narrow against wide (spirals)."""
    skip = pair_numbers(view_setup(SKIP_SCENE), of(SKIP_SCENE, Pair))
    width = pair_numbers(view_setup(WIDTH_SCENE), of(WIDTH_SCENE, Pair))
    return {
        "skip": skip,
        "width": width,
        "skip_block": "notice_skip_smoother" if skip.dips[1] < skip.dips[0] else "notice_skip_not",
        "width_block": (
            "notice_width_wider" if width.low[1] > width.low[0] else "notice_width_not"
        ),
    }


def view(values: tuple[Settings, ...]) -> None:
    """Compute everything the page shows for these settings (all cached)."""
    s = view_setup(values)
    t = trained(s)
    boundary(s)
    line_numbers(s)
    sl = of(values, Slices)
    slices(s, int(sl.grid), float(sl.span), int(sl.direction_seed))
    pair_numbers(s, of(values, Pair))
    if not t.diverged[0] and t.size <= HESSIAN_CAP:
        spectrum(s)


def warm() -> None:
    """The default view and every lesson scene, for the start-up warm-up."""
    for values in ((), *SCENES.values()):
        view(values)
    notice_numbers()


# -- what the page's sections show, as plain data -----------------------------------------------


def slice_view(s: Setup, sl: Slices) -> views.Slice:
    return slices(s, int(sl.grid), float(sl.span), int(sl.direction_seed))


def slice_blocks(sl: views.Slice) -> list[str]:
    """The slice paragraph's sentences, chosen from what the slice measured."""
    return [
        "slice_intro",
        "slice_random_blind" if sl.kept_random < 0.1 else "slice_random_sees",
        "slice_orthogonal" if abs(sl.cosine) < 0.1 else "slice_not_orthogonal",
        "slice_pca",
    ]


def pair_slices(s: Setup, pair: Pair) -> list[tuple[str, Setup, np.ndarray]]:
    return [(n, v, random_slice(v, COMPARE_GRID, COMPARE_SPAN)) for n, v in pair.networks(s)]


def pair_table(s: Setup, pair: Pair) -> pd.DataFrame:
    """One row per compared network: size, final loss, accuracy, dips and low share."""
    coin = COIN[s.loss]
    rows = []
    for name, v, z in pair_slices(s, pair):
        t = trained(v)
        rows.append(
            {
                "network": f"{name} ({t.size:,} weights)",
                "final loss": f"{t.loss[-1, 0]:.3g}",
                "training accuracy": f"{t.accuracy[0]:.0%}",
                "dips in the slice": landscape.dips(z),
                f"slice below {coin:.3g}": f"{float((z < coin).mean()):.0%}",
            }
        )
    return pd.DataFrame(rows)


def tolerance_counts(eigs: np.ndarray) -> dict[float, int]:
    """Negative eigenvalues at each of TOLERANCES."""
    e = torch.from_numpy(eigs)
    return {r: round(float(curvature.index(e, r)) * len(eigs)) for r in TOLERANCES}


def _spectrum_of(s: Setup) -> np.ndarray | None:
    t = trained(s)
    return None if t.diverged[0] or t.size > HESSIAN_CAP else spectrum(s)


def notice_items(s: Setup, sl: Slices, tol: float) -> list[tuple[str, dict]]:
    """ "What to notice": (text block, its numbers) per bullet, for this view where it could be
    computed (a refused setting leaves its bullet out) and for the two comparison scenes."""
    items: list[tuple[str, dict]] = []
    try:
        n = line_numbers(s)._asdict()
        items += [("notice_start", n), ("notice_barrier", n)]
        view_ = slice_view(s, sl)
        items.append(
            ("notice_slices", {"kept_random": view_.kept_random, "kept_pca": view_.kept_pca})
        )
    except ValueError:
        pass
    scenes = notice_numbers()
    skip, width = scenes["skip"], scenes["width"]
    items.append((scenes["skip_block"], {"without": skip.dips[0], "with_skips": skip.dips[1]}))
    items.append((scenes["width_block"], {"narrow": width.low[0], "wide": width.low[1]}))
    try:
        eigs = _spectrum_of(s)
    except ValueError:
        eigs = None
    if eigs is not None:
        spec = spectrum_numbers(eigs, tol)
        items.append(
            ("notice_flat" if spec.small > spec.size / 2 else "notice_steep", spec._asdict())
        )
    return items


def export_frames(s: Setup, sl: Slices) -> dict[str, pd.DataFrame]:
    """The page's data for download: what could be computed for this view."""
    frames: dict[str, pd.DataFrame] = {}
    parts = {
        "Training loss": lambda: views.curves_frame(trained(s)),
        "Loss along lines": lambda: lines(s),
        "Random slice": lambda: views.slice_frame(slice_view(s, sl)),
        "Hessian eigenvalues": lambda: views.spectrum_frame(_spectrum_of(s)),
    }
    for name, part in parts.items():
        try:
            frame = part()
        except ValueError:
            continue
        if frame is not None:
            frames[name] = frame
    return frames


def references(block: str) -> list[str]:
    """The entries of a markdown list (a text.md block), each on one line."""
    return [" ".join(item.split()) for item in block.removeprefix("- ").split("\n- ")]


def exported(values: dict[str, object], s: Setup) -> dict[str, object]:
    """The settings file: every section's controls, and the chosen optimiser's own settings
    (β₁, momentum, …), which its picker draws under the network's prefix."""
    return {**values, **{f"{Network.PREFIX}_{h}": v for h, v in s.hyper}}


def setup_notes(s: Setup) -> list[tuple[str, dict]]:
    """The caption under the settings: the network's size, and what a setting will not do."""
    net, info = s.net(), optimizers.info(s.optimizer)
    notes = [("size_note", {"size": net.size, "label": s.label()})]
    if s.skip and not any(net.skips):
        notes.append(("no_skip_to_make", {}))
    if info.second_order:
        values = {"label": info.label, "cap": networks.MAX_SECOND_ORDER, "steps": s.run_steps()}
        notes.append(("second_order_note", values))
    return notes
