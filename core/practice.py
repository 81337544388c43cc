"""Experiments for the "training in practice" lesson: many restarts of real networks per setting,
compared on the same seeds, and summarised the way practitioners read them.

Settings that share a network, an optimiser and a batch size train together as ONE batched call of
`networks.train`: their initial weights are stacked and each restart carries its own learning rate
(one parameter group per value). So a learning-rate sweep (L rates × R restarts) and a comparison
of initialisations are each one tensor program. Restart i of every setting starts from the draws of
(seed, i) and sees the same minibatches, so settings differ only in the choice being compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch

from . import budget, curvature, data, networks

POINTS, NOISE = 200, 0.1
#: restarts × steps × weights × points over one request: a few seconds on two shared cores.
MAX_WORK = 1.2e10
#: A restart diverged when its numbers overflowed or its loss ended this many times above its start.
RISE = 1.1
#: The best range: learning rates that get at least this share of the way from the starting loss
#: down to the best median final loss, with no restart diverging.
BEST_SHARE = 0.9

#: Initialisations offered: key → (label, engine scheme, default scale). "small" and "large" are
#: the engine's N(0, scale²) for every weight and bias; Xavier and He use their own spreads.
INITS = {
    "small": ("too small", "small", 0.01),
    "xavier": ("Xavier (Glorot)", "xavier", 1.0),
    "he": ("He", "he", 1.0),
    "large": ("too large", "small", 3.0),
}
ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
OPTIMIZERS = {"sgd": "plain SGD", "momentum": "momentum", "adam": "Adam"}
CHOICES = {
    "init": "Initialisation",
    "activation": "Activation",
    "optimizer": "Optimiser",
    "skip": "Skip connections",
    "width": "Width",
    "depth": "Depth",
    "batch": "Batch size",
}
WIDTHS = (2, 8, 32)
DEPTHS = (1, 2, 6)
BATCHES = (8, 32, None)  # None: every point, every step
#: The recipe's ingredients, each switched on over the hard setting.
INGREDIENTS = {
    "he": "He initialisation",
    "relu": "ReLU units",
    "adam": "Adam",
    "skip": "skip connections",
}


@dataclass(frozen=True)
class Setting:
    """Everything that decides a training run except the seed and the number of restarts."""

    dataset: str = "circles"
    depth: int = 2
    width: int = 16
    activation: str = "tanh"
    skip: bool = False
    init: str = "xavier"  # a key of INITS
    scale: float | None = None  # None: the init's own scale
    optimizer: str = "momentum"
    lr: float = 0.05
    batch_size: int | None = None  # None: every point, every step

    def net(self) -> networks.MLP:
        return networks.MLP(
            (int(self.width),) * int(self.depth), self.activation, skip=bool(self.skip)
        )

    def init_weights(self, restarts: int, seed: int) -> torch.Tensor:
        if self.init not in INITS:
            raise ValueError(
                f"unknown initialisation '{self.init}'; choose one of {', '.join(INITS)}"
            )
        _, scheme, scale = INITS[self.init]
        return self.net().init(restarts, seed, scheme, scale if self.scale is None else self.scale)

    def init_label(self) -> str:
        label, scheme, scale = INITS[self.init]
        if scheme == "small":
            return f"{label}: N(0, {scale if self.scale is None else self.scale:g}²)"
        return label


@dataclass
class Runs:
    """R restarts of one setting, as plain numpy.

    `loss[t, i]` is restart i's full-data loss after t steps, NaN from the step its numbers
    overflowed (`overflowed_at`, −1: never). `diverged` also holds restarts whose loss ended
    more than RISE times above where it started: they are counted, not summarised as numbers.
    """

    loss: np.ndarray  # [steps + 1, R]
    overflowed_at: np.ndarray  # [R]
    diverged: np.ndarray  # [R] bool

    @property
    def start(self) -> np.ndarray:
        return self.loss[0]

    @property
    def final(self) -> np.ndarray:
        return self.loss[-1]


def runs_of(fit: networks.Fit) -> Runs:
    """A fit's loss curves as the lesson reads them: blank after a run stopped, and which
    runs diverged (stopped, ended non-finite, or rose above RISE times their start)."""
    loss = fit.loss.detach().double().numpy().copy()
    stopped = fit.stopped_at.numpy().copy()
    for i in np.flatnonzero(stopped >= 0):
        loss[stopped[i] :, i] = np.nan
    final = loss[-1]
    rose = np.isfinite(final) & (final > RISE * loss[0])
    return Runs(loss, stopped, (stopped >= 0) | rose | ~np.isfinite(final))


def _shared(s: Setting) -> tuple:
    """What settings must share to train in one batched call (everything but init and lr)."""
    return (s.dataset, s.depth, s.width, s.activation, s.skip, s.optimizer, s.batch_size)


def work(settings: Sequence[Setting], restarts: int, steps: int) -> float:
    """restarts × steps × weights × points, summed over the settings."""
    return float(sum(restarts * steps * s.net().size * POINTS for s in settings))


def train(
    settings: Sequence[Setting],
    restarts: int,
    steps: int,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    dtype: torch.dtype = torch.float32,
) -> list[Runs]:
    """Train `restarts` restarts of every setting; one batched `networks.train` per group of
    settings that differ only in initialisation and learning rate. Returns Runs in order.
    `dtype`: float64 for exact comparisons in tests, float32 (the default) for pages."""
    settings = list(settings)
    restarts, steps = int(restarts), int(steps)
    if restarts < 1 or steps < 1:
        raise ValueError(f"need at least one restart and one step, got {restarts} and {steps}")
    total = work(settings, restarts, steps)
    budget.check(
        work=total,
        max_work=MAX_WORK,
        what=f"Training {len(settings) * restarts:,} networks for {steps:,} steps",
        hint="Use fewer restarts, steps or learning rates, or a smaller network.",
    )
    groups: dict[tuple, list[int]] = {}
    for i, s in enumerate(settings):
        groups.setdefault(_shared(s), []).append(i)
    out: list[Runs | None] = [None] * len(settings)
    done = 0.0
    for members in groups.values():
        first = settings[members[0]]
        X, y = data.make(first.dataset, n=POINTS, noise=NOISE, seed=seed)
        W0 = torch.cat([settings[i].init_weights(restarts, seed) for i in members]).to(dtype)
        lrs = [float(settings[i].lr) for i in members for _ in range(restarts)]
        share = work([settings[i] for i in members], restarts, steps) / total

        def report(f: float, at: float = done, share: float = share) -> None:
            if progress is not None:
                progress(min(1.0, at + share * f))

        fit = networks.train(
            first.net(),
            X,
            y,
            W0,
            first.optimizer,
            lrs,
            steps,
            seed=seed,
            batch_size=first.batch_size,
            progress=report,
        )
        whole = runs_of(fit)
        for k, i in enumerate(members):
            cols = slice(k * restarts, (k + 1) * restarts)
            out[i] = Runs(whole.loss[:, cols], whole.overflowed_at[cols], whole.diverged[cols])
        done += share
    return out  # type: ignore[return-value]


# -- the learning-rate sweep -------------------------------------------------------------------


def lr_grid(lo: float, hi: float, count: int) -> list[float]:
    """`count` log-spaced learning rates from lo to hi, to 3 significant digits."""
    if not 0 < lo <= hi:
        raise ValueError(f"learning rates must be positive and lo ≤ hi, got {lo} and {hi}")
    count = int(count)
    if count < 1:
        raise ValueError(f"need at least one learning rate, got {count}")
    values = np.geomspace(lo, hi, count) if count > 1 else np.array([lo])
    return sorted({float(f"{v:.3g}") for v in values})


def sweep(
    setting: Setting,
    lrs: Sequence[float],
    restarts: int,
    steps: int,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    dtype: torch.dtype = torch.float32,
) -> list[Runs]:
    """The setting at every learning rate: one batched run of len(lrs) × restarts networks,
    every learning rate starting from the same R initial weights."""
    return train(
        [replace(setting, lr=float(v)) for v in lrs], restarts, steps, seed, progress, dtype
    )


def sharpness(setting: Setting, restarts: int, seed: int = 0) -> np.ndarray:
    """λmax, the largest eigenvalue of the full-data loss Hessian, at each restart's first
    weights (the same draws the sweep starts from): the L of gradient descent's 2/L bound
    there. Exact, from the whole Hessian of every restart in one batched call, in float64, so
    only for networks of at most networks.MAX_HESSIAN weights."""
    net = setting.net()
    if net.size > networks.MAX_HESSIAN:
        raise ValueError(
            f"{net} has {net.size:,} weights; its Hessian is only computed for networks of at "
            f"most {networks.MAX_HESSIAN:,}."
        )
    X, y = data.make(setting.dataset, n=POINTS, noise=NOISE, seed=seed)
    W0 = setting.init_weights(int(restarts), seed).double()
    H = curvature.hessian(lambda V: net.loss(V, X.double(), y.double()), W0)
    return torch.linalg.eigvalsh((H + H.mT) / 2)[:, -1].numpy()


def _spread(values: np.ndarray) -> tuple[float, float, float]:
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    p10, med, p90 = np.quantile(values, [0.1, 0.5, 0.9])
    return float(med), float(p10), float(p90)


def sweep_table(lrs: Sequence[float], runs: Sequence[Runs]) -> dict[str, np.ndarray]:
    """Columns, one entry per learning rate: median and 10–90% spread of the final loss over the
    restarts that did not diverge (NaN where all did), and how many diverged or overflowed."""
    spread = np.array([_spread(r.final[~r.diverged]) for r in runs]).reshape(-1, 3)
    return {
        "lr": np.asarray(lrs, dtype=float),
        "median": spread[:, 0],
        "p10": spread[:, 1],
        "p90": spread[:, 2],
        "diverged": np.array([int(r.diverged.sum()) for r in runs]),
        "overflowed": np.array([int((r.overflowed_at >= 0).sum()) for r in runs]),
        "restarts": np.array([r.diverged.size for r in runs]),
    }


def best_range(table: Mapping[str, np.ndarray], start: float) -> tuple[float, float] | None:
    """The contiguous learning rates around the best one whose median final loss gets at least
    BEST_SHARE of the way from `start` down to the best median, none of whose restarts diverged.
    None when every learning rate had a diverged restart."""
    med = np.asarray(table["median"], dtype=float)
    ok = (np.asarray(table["diverged"]) == 0) & np.isfinite(med)
    if not ok.any():
        return None
    best = int(np.flatnonzero(ok)[np.argmin(med[ok])])
    good = ok & (med <= med[best] + (1 - BEST_SHARE) * max(start - med[best], 0.0))
    lo = hi = best
    while lo > 0 and good[lo - 1]:
        lo -= 1
    while hi + 1 < len(good) and good[hi + 1]:
        hi += 1
    lrs = np.asarray(table["lr"], dtype=float)
    return float(lrs[lo]), float(lrs[hi])


# -- comparing settings ------------------------------------------------------------------------


def steps_to(runs: Runs, target: float) -> np.ndarray:
    """[R] first step at which each restart's loss was at most `target` (−1: never)."""
    hit = runs.loss <= target  # NaN (overflowed) compares False
    return np.where(hit.any(0), hit.argmax(0), -1)


@dataclass(frozen=True)
class Outcome:
    """How one setting's restarts did against a target loss."""

    reached: float  # share of restarts that reached the target
    median_steps: float  # median steps to reach it over those that did (NaN: none)
    median_final: float  # median final loss over restarts that did not diverge (NaN: none)
    diverged: int
    restarts: int


def outcome(runs: Runs, target: float) -> Outcome:
    k = steps_to(runs, target)
    done = k[k >= 0]
    med, _, _ = _spread(runs.final[~runs.diverged])
    return Outcome(
        float((k >= 0).mean()),
        float(np.median(done)) if done.size else np.nan,
        med,
        int(runs.diverged.sum()),
        int(k.size),
    )


def band(runs: Runs, points: int = 200) -> dict[str, np.ndarray]:
    """Columns step, p10, median, p90, alive: the loss's median and 10–90% band at up to `points`
    steps, over the restarts whose numbers have not overflowed by then; steps where none is left
    are dropped, so no entry is NaN."""
    T = runs.loss.shape[0]
    at = np.unique(np.linspace(0, T - 1, min(points, T)).round().astype(int))
    rows = runs.loss[at]
    alive = np.isfinite(rows).sum(1)
    keep = alive > 0
    q = np.full((len(at), 3), np.nan)
    if keep.any():  # nanquantile loops over the steps in Python: only where some run has NaN
        quantile = np.nanquantile if np.isnan(rows[keep]).any() else np.quantile
        q[keep] = quantile(rows[keep], [0.1, 0.5, 0.9], axis=1).T
    return {
        "step": at[keep],
        "p10": q[keep, 0],
        "median": q[keep, 1],
        "p90": q[keep, 2],
        "alive": alive[keep],
    }


def levels(
    choice: str,
    base: Setting,
    small: float = 0.01,
    large: float = 3.0,
    lrs: Mapping[str, float] | None = None,
) -> dict[str, Setting]:
    """The settings that compare one choice against the baseline, by label; the baseline's own
    value is among them (labelled "… (baseline)") and every other field is the baseline's.
    `small`, `large`: the too-small and too-large initial scales; `lrs`: the learning rate of
    each optimiser (the baseline keeps its own)."""
    if choice == "init":
        scales = {"small": small, "large": large, "xavier": None, "he": None}
        options = [replace(base, init=k, scale=scales[k]) for k in INITS]
    elif choice == "activation":
        options = [replace(base, activation=a) for a in ACTIVATIONS]
    elif choice == "optimizer":
        lrs = dict(lrs or {})
        lrs[base.optimizer] = base.lr
        options = [replace(base, optimizer=o, lr=float(lrs.get(o, base.lr))) for o in OPTIMIZERS]
    elif choice == "skip":
        options = [replace(base, skip=v) for v in (False, True)]
    elif choice == "width":
        options = [replace(base, width=w) for w in sorted({*WIDTHS, base.width})]
    elif choice == "depth":
        options = [replace(base, depth=d) for d in sorted({*DEPTHS, base.depth})]
    elif choice == "batch":
        sizes = sorted({*BATCHES, base.batch_size}, key=lambda b: POINTS if b is None else b)
        options = [replace(base, batch_size=b) for b in sizes]
    else:
        raise ValueError(f"unknown choice '{choice}'; choose one of {', '.join(CHOICES)}")
    if base not in options:  # e.g. a baseline init scale other than the compared one
        options.insert(0, base)
    return {f"{describe(choice, s)}{' (baseline)' if s == base else ''}": s for s in options}


def describe(choice: str, s: Setting) -> str:
    """The value a setting takes for one choice, in words."""
    if choice == "init":
        return s.init_label()
    if choice == "activation":
        return ACTIVATIONS[s.activation]
    if choice == "optimizer":
        return f"{OPTIMIZERS[s.optimizer]}, lr {s.lr:g}"
    if choice == "skip":
        return "with skip connections" if s.skip else "no skip connections"
    if choice == "width":
        return f"{s.width} units per layer"
    if choice == "depth":
        return f"{s.depth} hidden layer{'s' if s.depth > 1 else ''}"
    if choice == "batch":
        return f"all {POINTS} points" if s.batch_size is None else f"batches of {s.batch_size}"
    raise ValueError(f"unknown choice '{choice}'")


# -- the recipe and the hard setting ------------------------------------------------------------


def hard(
    dataset: str = "circles", depth: int = 6, width: int = 16, lr: float = 0.5, scale: float = 0.01
) -> Setting:
    """A deliberately hard setting: a deep sigmoid net, small initial weights, plain SGD."""
    return Setting(dataset, depth, width, "sigmoid", False, "small", scale, "sgd", lr)


def recipe(start: Setting, ingredients: Sequence[str], adam_lr: float = 0.01) -> Setting:
    """`start` with the chosen modern defaults switched on (all of INGREDIENTS: the recipe)."""
    unknown = set(ingredients) - set(INGREDIENTS)
    if unknown:
        raise ValueError(
            f"unknown ingredient(s) {', '.join(sorted(unknown))}; choose from "
            f"{', '.join(INGREDIENTS)}"
        )
    s = start
    if "he" in ingredients:
        s = replace(s, init="he", scale=None)
    if "relu" in ingredients:
        s = replace(s, activation="relu")
    if "adam" in ingredients:
        s = replace(s, optimizer="adam", lr=float(adam_lr))
    if "skip" in ingredients:
        s = replace(s, skip=True)
    return s
