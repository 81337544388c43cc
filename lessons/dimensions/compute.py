"""The dimensions lesson's settings, cached computations, scenes and start-up warm-up.

Each section of the page declares its controls once, as a `Settings` dataclass; the page draws
them, and scenes and `warm()` build the same classes. Each cached computation takes plain
numbers (the public functions below turn a section's settings into them, so the page and the
warm-up ask for the very same cache entries) and returns numpy arrays, DataFrames and core's
dataclasses. A `*_view` function turns a result into what the page shows: its table, metrics
and the values its sentences need, so that every number in the prose is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd

from core import dimensions as dims
from core import networks
from ui.cache import computation
from ui.settings import Settings, of

#: The page's own key: its scene buttons, its prediction and its download files.
PAGE = "dimensions"


class Metric(NamedTuple):
    """One st.metric: a label, its value, a grey line under it and a tooltip."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None


def superscript(k: int) -> str:
    """An exponent in superscript digits: 3⁸."""
    return str(k).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def short_count(v: int) -> str:
    """10k, 1M: a count as the slider (and the address bar) shows it."""
    return f"{v // 1_000_000}M" if v >= 1_000_000 else f"{v // 1000}k"


# -- 1. distances ---------------------------------------------------------------------------------

LARGEST = (10, 100, 1000, 10000)  # choices of the largest dimension
DIMS = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000)
SHOWN_DIMS = (1, 10, 100, 1000, 10000)


@dataclass(frozen=True)
class Distances(Settings):
    PREFIX: ClassVar[str] = "distances"
    largest: int = 1000  # the largest dimension measured
    points: int = 200
    seed: int = 0


class DistanceData(NamedTuple):
    table: pd.DataFrame  # per dimension: d, mean, std, measured, theory, contrast
    density: pd.DataFrame  # histograms of distance ÷ mean for a few dimensions
    extremes: pd.DataFrame  # per dimension: d, lowest, highest distance ÷ mean


def distance_density(scaled: dict[int, np.ndarray], bins: int = 60) -> pd.DataFrame:
    """Histogram of distance ÷ mean distance per dimension, as densities: dimension, ratio,
    density (small, so it can be cached and drawn instead of every distance)."""
    edges = np.linspace(0, 2.5, bins + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    rows = []
    for d, values in scaled.items():
        counts, _ = np.histogram(values, edges)
        density = counts / max(counts.sum(), 1) / (edges[1] - edges[0])
        rows.append(pd.DataFrame({"dimension": f"d = {d:,}", "ratio": mids, "density": density}))
    return pd.concat(rows, ignore_index=True)


@computation(max_entries=32)
def _distance_data(largest: int, points: int, seed: int) -> DistanceData:
    r = dims.distances([d for d in DIMS if d <= largest], points, seed)
    table = pd.DataFrame(
        {
            "d": r.dims,
            "mean": r.mean,
            "std": r.std,
            "measured": r.spread,
            "theory": dims.spread_theory(r.dims),
            "contrast": r.contrast,
        }
    )
    shown = {int(d): r.scaled[k] for k, d in enumerate(r.dims) if d in SHOWN_DIMS or d == largest}
    extremes = pd.DataFrame(
        {
            "d": r.dims,
            "lowest": [float(s.min()) for s in r.scaled],
            "highest": [float(s.max()) for s in r.scaled],
        }
    )
    return DistanceData(table, distance_density(shown), extremes)


def distance_data(s: Distances) -> DistanceData:
    return _distance_data(int(s.largest), int(s.points), int(s.seed))


def distance_view(s: Distances, r: DistanceData) -> tuple[list[Metric], dict]:
    """The section's metrics, and the values its text fills in."""
    top, one = r.table.iloc[-1], r.table.iloc[0]
    far, near = r.extremes.iloc[-1], r.extremes.iloc[0]
    metrics = [
        Metric(
            f"Spread in d = {int(top.d):,}",
            f"{top.measured:.3f}",
            help="Standard deviation of the pairwise distances divided by their mean.",
        ),
        Metric("Spread in d = 1", f"{one.measured:.3f}"),
        Metric(
            f"Farthest ÷ nearest − 1, d = {int(top.d):,}",
            f"{top.contrast:.1%}",
            help="For each point, how much farther its farthest neighbour is than its "
            "nearest; the median over the points.",
        ),
    ]
    words = {
        "points": int(s.points),
        "pairs": int(s.points) * (int(s.points) - 1) // 2,
        "top": int(top.d),
        "low_one": near.lowest,
        "high_one": near.highest,
        "low_top": far.lowest,
        "high_top": far.highest,
        "contrast": top.contrast,
    }
    return metrics, words


# -- 2. grid search -------------------------------------------------------------------------------

WEIGHTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000, 100_000, 1_000_000)
GRID_VALUES = (2, 3, 10)  # lines always drawn, besides the chosen number of values


@dataclass(frozen=True)
class Grid(Settings):
    PREFIX: ClassVar[str] = "grid"
    values_per_weight: int = 10
    weights: int = 100


@computation(max_entries=1, ttl=3600)
def machine_rate() -> dims.Rate:
    """Measured once an hour: the machine's speed changes with its load, not per visit."""
    return dims.measure_rate()


def grid_view(s: Grid, rate: dims.Rate) -> tuple[pd.DataFrame, list[Metric], dict]:
    """Time for a full grid against the number of weights (one line per number of values),
    the section's metrics and the values its text fills in."""
    per_s = math.log10(rate.per_second)
    points_log = dims.grid_log10(s.values_per_weight, s.weights)
    seconds_log = points_log - per_s
    counts = np.array([w for w in WEIGHTS if w <= 100], dtype=float)
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "grid": f"{r} values",
                    "weights": counts,
                    "log10_seconds": counts * math.log10(r) - per_s,
                }
            )
            for r in sorted({*GRID_VALUES, s.values_per_weight})
        ],
        ignore_index=True,
    )
    number, unit = dims.duration_parts(seconds_log)
    power = f"{s.values_per_weight}{superscript(s.weights)}"
    metrics = [
        Metric(
            "Loss evaluations per second",
            f"{rate.per_second:,.0f}",
            help=f"Measured on this server: batches of {rate.batch:,} weight vectors of a "
            f"{rate.weights}-weight network on {rate.points} points, scored with one batched "
            "call and no gradient, timed for a third of a second (re-measured hourly).",
        ),
        Metric(
            "Grid points",
            dims.count_words(points_log),
            help=f"{s.values_per_weight} values for each of {s.weights:,} weights: {power}.",
        ),
        Metric("Time to try them all", number, unit),
    ]
    words = {
        "values": s.values_per_weight,
        "weights": s.weights,
        "power": power,
        "points": dims.count_words(points_log),
        "rate": rate.per_second,
        "duration": dims.duration_words(seconds_log),
    }
    return table, metrics, words


# -- 3. random symmetric matrices -----------------------------------------------------------------

SAMPLES = (10_000, 100_000, 1_000_000, 10_000_000)


@dataclass(frozen=True)
class Matrices(Settings):
    PREFIX: ClassVar[str] = "matrices"
    samples: int = 1_000_000  # random matrices of each size
    largest: int = 8  # the largest size n
    seed: int = 0


@computation(max_entries=64)
def _positive_count(n: int, samples: int, seed: int, _progress=None) -> int:
    return dims.goe_hits(n, samples, seed, _progress)


def matrix_census(s: Matrices, progress=None) -> dims.Census:
    """Random matrices of every size 1 … largest, cached one size at a time (a larger largest
    size reuses the smaller ones); BudgetError before anything is drawn if the whole is too
    much."""
    return dims.goe_census(
        range(1, int(s.largest) + 1), int(s.samples), int(s.seed), progress, count=_positive_count
    )


SHIFTED_SAMPLES = 20_000  # shifted matrices per size: their shares are large, so few suffice
SHIFTED = "shifted up by 2√n: a low critical point"


@computation(max_entries=64)
def _shifted_count(n: int, samples: int, seed: int) -> int:
    return dims.shifted_goe_hits(n, samples, seed)


def shifted_shares(s: Matrices) -> np.ndarray:
    """[largest] share of shifted matrices (a low critical point's Hessian) with every
    eigenvalue positive, for n = 1 … largest, each size cached on its own."""
    sizes = range(1, int(s.largest) + 1)
    return np.array([_shifted_count(n, SHIFTED_SAMPLES, int(s.seed)) for n in sizes]) / (
        SHIFTED_SAMPLES
    )


EXACT_SHARES = ((1, 0.5, "1/2"), (2, (2 - 2**0.5) / 4, "(2 − √2)/4"))


def faster_than_naive(census: dims.Census) -> str:
    """The sentence comparing the measured shares with the coin-flip guess, from the counts."""
    hit = census.n[(census.hits > 0) & (census.n >= 3)]
    if not len(hit):
        return "No matrix of size 3 or more was all-positive here: add samples to compare."
    naive = dims.naive(hit)
    share = census.share[hit - 1]
    n, ratio = int(hit[-1]), float(naive[-1] / share[-1])
    if (share < naive).all():
        return (
            f"The measured shares fall far faster: at n = {n} the share is {share[-1]:.1e}, "
            f"{ratio:,.0f} times below the guess."
        )
    return (
        f"Here the measured shares do not all fall below the guess (at n = {n}: "
        f"{share[-1]:.1e} against {naive[-1]:.1e}): add samples."
    )


def matrices_view(
    census: dims.Census, shifted: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, list[Metric], dict]:
    """Measured shares (with a label per size), the lines, the metrics and text values."""
    samples = census.samples
    measured = pd.DataFrame(
        {"n": census.n, "hits": census.hits, "samples": samples, "share": census.share}
    )
    measured["label"] = [f"{h:,} of {samples:,} samples" for h in census.hits]
    largest = int(census.n.max())
    grid = np.linspace(1, largest, 10 * (largest - 1) + 1)
    curves = pd.concat(
        [
            pd.DataFrame(
                {
                    "n": grid,
                    "share": dims.naive(grid),
                    "series": "naive guess 2⁻ⁿ (each sign a coin flip)",
                }
            ),
            pd.DataFrame(
                {
                    "n": grid,
                    "share": dims.dean_majumdar(grid),
                    "series": "theory 3^(−n²/4) (Dean & Majumdar 2008)",
                }
            ),
            pd.DataFrame({"n": census.n, "share": shifted, "series": SHIFTED}),
        ],
        ignore_index=True,
    )
    se = np.sqrt(census.share * (1 - census.share) / samples)
    metrics = [
        Metric(
            f"n = {n}: measured share",
            f"{census.share[n - 1]:.4f}",
            f"exact {exact:.4f}; sampling error ±{se[n - 1]:.4f}",
            f"Exact value for this ensemble: {why}. The sampling error is one standard "
            "deviation of a share measured from this many samples.",
        )
        for n, exact, why in EXACT_SHARES
    ]
    zero = census.n[census.hits == 0]
    metrics.append(
        Metric(
            "Sizes with no all-positive sample",
            f"n ≥ {zero.min()}" if len(zero) else "none",
            help=f"With no hit in {samples:,} samples the share is below "
            f"{census.zero_bound:.1e} (95% confidence), drawn as open triangles.",
        )
    )
    words = {
        "exact_two": EXACT_SHARES[1][1],
        "faster": faster_than_naive(census),
        "exponent_100": superscript(round(float(np.log10(dims.dean_majumdar(1.0))) * 100**2)),
        "shifted_low": float(shifted.min()),
        "shifted_high": float(shifted.max()),
        "shifted_samples": SHIFTED_SAMPLES,
        "largest": largest,
    }
    return measured, curves, metrics, words


# -- 4. Styblinski–Tang ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StyblinskiTang(Settings):
    PREFIX: ClassVar[str] = "styblinski"
    dimension: int = 8


@computation(max_entries=16)
def _critical_point_groups(d: int) -> pd.DataFrame:
    e = dims.st_critical_points(d)
    df = pd.DataFrame({"downhill": e.downhill, "index": e.index, "loss": np.round(e.loss, 9)})
    out = df.groupby(["downhill", "index", "loss"]).size().reset_index(name="count")
    out["kind"] = np.select(
        [out["downhill"] == 0, out["downhill"] == d], ["minimum", "maximum"], "saddle"
    )
    return out


def styblinski_groups(s: StyblinskiTang) -> pd.DataFrame:
    """One row per (number of downhill directions, loss): Styblinski–Tang's critical points
    grouped, since copies that differ only in which coordinates are at which root share both."""
    return _critical_point_groups(int(s.dimension))


def styblinski_view(s: StyblinskiTang, groups: pd.DataFrame) -> tuple[pd.DataFrame, list, dict]:
    """Counts per number of downhill directions, the metrics and the text's values."""
    d = int(s.dimension)
    by_k = groups.groupby(["downhill", "kind"], as_index=False)["count"].sum()
    total = int(groups["count"].sum())
    minima = int(groups.loc[groups.kind == "minimum", "count"].sum())
    saddles = int(groups.loc[groups.kind == "saddle", "count"].sum())
    metrics = [
        Metric("Critical points", f"{total:,}"),
        Metric("Minima", f"{minima:,}", f"{minima / total:.2%} of them"),
        Metric("Saddles", f"{saddles:,}"),
    ]
    roots = dims.st_roots().numpy()
    term = 0.5 * (roots**4 - 16 * roots**2 + 5 * roots)  # one coordinate's share of the loss
    words = {
        "title": f"All 3{superscript(d)} critical points of Styblinski–Tang in {d} "
        f"dimension{'s' if d > 1 else ''}",
        "d": d,
        "sup": superscript(d),
        "total": total,
        "minima": minima,
        "minima_share": minima / total,
        "low": roots[0],
        "hump": roots[1],
        "high": roots[2],
        "rise_small": term[1] - term[2],
        "rise_large": term[1] - term[0],
        "rest": styblinski_rest(groups),
        "order": styblinski_order(groups),
    }
    return by_k, metrics, words


def styblinski_rest(groups: pd.DataFrame) -> str:
    """What the critical points that are not minima are, counted."""
    saddles = int(groups.loc[groups.kind == "saddle", "count"].sum())
    maxima = int(groups.loc[groups.kind == "maximum", "count"].sum())
    maximum = f"{maxima:,} {'is a maximum' if maxima == 1 else 'are maxima'}"
    if not saddles:
        return f"the other {maximum}"
    return f"the other {saddles:,} are saddles and {maximum}"


def styblinski_order(groups: pd.DataFrame) -> str:
    """Whether the mean loss climbs with every extra downhill direction, from the points."""
    mean = (
        groups.assign(total=groups["loss"] * groups["count"])
        .groupby("downhill")[["total", "count"]]
        .sum()
    )
    mean = mean["total"] / mean["count"]
    steps = np.diff(mean.to_numpy())
    low, high = mean.iloc[0], mean.iloc[-1]
    k = int(mean.index[-1])
    if len(steps) and (steps > 0).all():
        return (
            f"the mean loss climbs with every extra downhill direction, from {low:.1f} with none "
            f"to {high:.1f} with {k}."
        )
    return f"the mean loss goes from {low:.1f} with no downhill direction to {high:.1f} with {k}."


# -- 5. a real network's critical points, and slices through a saddle -----------------------------

CRITICAL_POINTS = 200  # training points of the network whose critical points are searched
STARTS = (16, 32, 64, 128, 256)
SEARCH_STEPS = (25, 50, 100, 200, 400)
TRAIN_STEPS = 200  # Adam steps along which the search's starts are picked
ENDS_STEPS = 2000  # Adam steps of the runs the search is compared with
STATUS = (
    "critical point (gradient zero)",
    "stalled: gradient-flat",
    "stalled: not converged",
    f"where Adam ended after {ENDS_STEPS:,} steps",
)


@dataclass(frozen=True)
class NetworkSearch(Settings):
    PREFIX: ClassVar[str] = "critical"
    dataset: str = "gaussians"
    noise: float = 1.5
    units: int = 4  # hidden tanh units
    starts: int = 64
    search_steps: int = 100
    seed: int = 0


def _search_args(s: NetworkSearch) -> tuple:
    """The settings as the cached functions' arguments, in their order."""
    return (
        str(s.dataset),
        float(s.noise),
        int(s.units),
        int(s.starts),
        int(s.search_steps),
        int(s.seed),
    )


def _search(dataset, noise, units, starts, search_steps, seed, progress=None):
    return dims.network_critical_points(
        dataset,
        CRITICAL_POINTS,
        noise,
        units,
        "tanh",
        starts,
        train_steps=TRAIN_STEPS,
        iterations=search_steps,
        seed=seed,
        progress=progress,
    )


@computation(max_entries=32)
def _critical_table(
    dataset: str,
    noise: float,
    units: int,
    starts: int,
    search_steps: int,
    seed: int,
    _progress=None,
) -> pd.DataFrame:
    cp = _search(dataset, noise, units, starts, search_steps, seed, _progress)
    status = np.where(cp.found, STATUS[0], np.where(cp.gradient_flat, STATUS[1], STATUS[2]))
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


def critical_table(s: NetworkSearch, progress=None) -> pd.DataFrame:
    """Where each search ended: loss, gradient, downhill directions, status, one row a start."""
    return _critical_table(*_search_args(s), _progress=progress)


@computation(max_entries=32)
def _trained_ends(dataset: str, noise: float, units: int, starts: int, seed: int) -> pd.DataFrame:
    e = dims.trained_ends(dataset, CRITICAL_POINTS, noise, units, "tanh", starts, ENDS_STEPS, seed)
    size = networks.MLP((units,), "tanh").size
    return pd.DataFrame(
        {
            "start": np.arange(len(e.loss)),
            "loss": e.loss,
            "grad_norm": e.grad_norm,
            "downhill": e.downhill,
            "index": e.downhill / size,
            "status": STATUS[3],
        }
    )


def trained_ends(s: NetworkSearch) -> pd.DataFrame:
    """Where plain Adam training from the same starts ended: loss, gradient, downhill
    directions, one row a start (the search's own data, starts and seed)."""
    return _trained_ends(str(s.dataset), float(s.noise), int(s.units), int(s.starts), int(s.seed))


def found_saddles(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The distinct saddles the search found, lowest loss first, and the position among them
    of the one chosen at first: the first with the most downhill directions."""
    found = table[table["distinct"] & (table["downhill"] > 0)].sort_values("loss")
    return found, int(np.argmax(found["downhill"].to_numpy())) if len(found) else 0


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties); nan with fewer than 3 points or
    no variation."""
    if len(a) < 3:
        return float("nan")
    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def search_words(table: pd.DataFrame, ends: pd.DataFrame) -> dict:
    """The sentences on what the search found, and on its bias, chosen from the results."""
    found = table[table["status"] == STATUS[0]]
    distinct = found[found["distinct"]]
    minima = int((distinct["downhill"] == 0).sum())
    saddles = len(distinct) - minima
    words = {
        "found": f"It reached a zero gradient from {len(found)} of {len(table)} starts: "
        f"{len(distinct)} distinct critical points, {saddles} of them saddles and {minima} "
        f"minim{'um' if minima == 1 else 'a'}."
    }
    rho = rank_correlation(distinct["downhill"].to_numpy(), distinct["loss"].to_numpy())
    if not np.isfinite(rho):
        words["order"] = "Too few distinct critical points to relate loss and index."
    elif rho > 0.3:
        words["order"] = (
            f"Those with more downhill directions tend to sit higher (rank correlation "
            f"{rho:.2f}): the shape Dauphin et al. (2014) reported."
        )
    else:
        words["order"] = (
            f"Here loss and number of downhill directions are hardly related (rank correlation "
            f"{rho:.2f}): this small network shows the shape Dauphin et al. (2014) reported "
            "only weakly, if at all."
        )
    calm = ends[ends["downhill"] == 0]
    lowest = float(found["loss"].min()) if len(found) else float("nan")
    if len(calm):
        below = len(found) == 0 or float(calm["loss"].min()) < lowest
        where = (
            f", below the lowest critical point the search found ({lowest:.3f})"
            if below and len(found)
            else ""
        )
        words["bias"] = (
            f"Plain Adam from the same {len(ends)} starts ({ENDS_STEPS:,} steps, diamonds) ends "
            f"with no downhill direction in {len(calm)} runs, as low as "
            f"{float(calm['loss'].min()):.3f}{where}; its gradient there is small "
            f"(median {float(calm['grad_norm'].median()):.0e}) but not zero, so these are "
            "minima or slow valley floors that the search's strict test does not count. A "
            "search for ∇L = 0 is pulled towards whatever critical point is nearest, and from "
            "starts along training runs that is often a saddle: the share of saddles it finds "
            "says how the search was done as much as what the landscape holds."
        )
    else:
        words["bias"] = (
            f"Plain Adam from the same {len(ends)} starts ({ENDS_STEPS:,} steps, diamonds) "
            "never ended without a downhill direction here. A search for ∇L = 0 is pulled "
            "towards whatever critical point is nearest, so the share of saddles it finds says "
            "how the search was done as much as what the landscape holds."
        )
    return words


def critical_view(
    s: NetworkSearch, table: pd.DataFrame, ends: pd.DataFrame
) -> tuple[pd.DataFrame, list[Metric], dict]:
    """The chart's points (search endings and Adam endings), the metrics and the text's values."""
    found = table[table["status"] == STATUS[0]]
    size = int(table["weights"].iloc[0])
    metrics = [
        Metric(
            "Reached zero gradient",
            f"{len(found)} of {len(table)}",
            help=f"|∇L| below {dims.GRAD_TOL:g}.",
        ),
        Metric(
            "Distinct critical points",
            f"{int(table['distinct'].sum())}",
            help="Different loss or number of downhill directions: swapping hidden units or "
            "flipping a tanh unit's signs gives the same network, so copies share both.",
        ),
        Metric(
            "Minima among them",
            f"{int((found['downhill'] == 0).sum())}",
            help="Critical points with no downhill direction.",
        ),
    ]
    words = {
        "units": int(s.units),
        "size": size,
        "points": CRITICAL_POINTS,
        "starts": int(s.starts),
        "train_steps": TRAIN_STEPS,
        **search_words(table, ends),
    }
    cols = ["start", "loss", "grad_norm", "downhill", "index", "status"]
    return pd.concat([table[cols], ends[cols]], ignore_index=True), metrics, words


@dataclass(frozen=True)
class Slice(Settings):
    PREFIX: ClassVar[str] = "slice"
    saddle: int = -1  # the start whose search reached the saddle; −1: the one chosen at first


class SliceData(NamedTuple):
    census: dims.SliceCensus  # what random directions and planes show, against the truth
    planes: dict  # "random" | "eigen" → (loss − saddle on a grid, axis scales)


@computation(max_entries=32)
def _slice_data(
    dataset: str, noise: float, units: int, starts: int, search_steps: int, seed: int, start: int
) -> SliceData:
    cp = _search(dataset, noise, units, starts, search_steps, seed)
    return SliceData(
        dims.slice_census(cp.eigenvalues[start], seed=seed),
        dims.slice_planes(cp, start, seed=seed),
    )


def slice_data(s: NetworkSearch, start: int) -> SliceData:
    """Random slices through the saddle the search reached from `start`, and two planes."""
    return _slice_data(*_search_args(s), int(start))


def saddle_label(row) -> str:
    return f"loss {row.loss:.4f} — {directions(int(row.downhill))} of {int(row.weights)}"


def directions(k: int) -> str:
    return f"{k} downhill direction{'' if k == 1 else 's'}"


def slice_view(row, r: SliceData) -> tuple[pd.DataFrame, list[Metric], dict]:
    """Truth against random slices (bars), the metrics and the text's values."""
    census = r.census
    what = ["downhill directions", "planes that show a saddle", "planes that look like a bowl"]
    both = pd.concat(
        [
            pd.DataFrame(
                {
                    "what": what,
                    "share": [census.index, 1.0, 0.0],
                    "source": "the truth, from all eigenvalues: it is a saddle",
                }
            ),
            pd.DataFrame(
                {
                    "what": what,
                    "share": [
                        census.down,
                        census.planes["saddle-shaped"],
                        census.planes["bowl-shaped"],
                    ],
                    "source": f"{census.directions:,} random directions and planes",
                }
            ),
        ],
        ignore_index=True,
    )
    metrics = [
        Metric(
            "True share of downhill directions",
            f"{census.index:.1%}",
            help=f"{int(row.downhill)} of {int(row.weights)} Hessian eigenvalues are negative.",
        ),
        Metric("Random directions that go down", f"{census.down:.1%}"),
        Metric("Random planes that show a saddle", f"{census.planes['saddle-shaped']:.1%}"),
    ]
    below = {k: float(np.mean(z[np.isfinite(z)] < 0)) for k, (z, _) in r.planes.items()}
    bowl = census.planes["bowl-shaped"]
    words = {
        "directions": directions(int(row.downhill)),
        "weights": int(row.weights),
        "down": census.down,
        "saddle_planes": census.planes["saddle-shaped"],
        "bowl_planes": bowl,
        "verdict": "most random pictures say “minimum” where the truth is “saddle”."
        if bowl > 0.5
        else "here random pictures show the saddle more often than they hide it.",
        "below_eigen": below["eigen"],
        "below_random": below["random"],
        "rise": dims.SLICE_RISE,
        "max_step": dims.SLICE_MAX_STEP,
    }
    return both, metrics, words


PLANES = (
    ("random", "A random plane", ("random direction 1", "random direction 2")),
    (
        "eigen",
        "The plane of the extreme curvatures",
        ("most downhill direction", "most uphill direction"),
    ),
)


def slice_planes(r: SliceData) -> list[tuple]:
    """delta_heatmap's arguments for the random plane and the plane of the extreme curvatures:
    grid, grid, loss − saddle [along axis 2, along axis 1], title, axis titles with their scale."""
    out = []
    for key, title, names in PLANES:
        z, scales = r.planes[key]
        unit = np.linspace(-1, 1, z.shape[0])
        x_title, y_title = (f"{n} (× {k:.2g})" for n, k in zip(names, scales))
        out.append((unit, unit, z.T, title, x_title, y_title))
    return out


# -- 6. widths ------------------------------------------------------------------------------------

WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
RESTARTS = (4, 8, 16, 32, 64)
STEPS = (100, 200, 400, 800, 1600)
SWEEP_POINTS, SWEEP_LR = 1000, 0.05
NEAR_BEST = 0.01  # a restart within this loss of its width's best "agrees" with it
NEAR_BEST_COLUMN = f"within {NEAR_BEST:g} of best"


@dataclass(frozen=True)
class Sweep(Settings):
    PREFIX: ClassVar[str] = "sweep"
    dataset: str = "xor"
    noise: float = 0.4  # noisy enough that no width fits every label, clean enough to shrink
    widths: tuple[int, ...] = (2, 4, 8, 16)
    restarts: int = 16
    steps: int = 400
    seed: int = 0


@computation(max_entries=32)
def _width_sweep(
    dataset: str, noise: float, widths: tuple, restarts: int, steps: int, seed: int, _progress=None
) -> dims.WidthSweep:
    return dims.width_sweep(
        dataset, SWEEP_POINTS, noise, widths, restarts, steps, SWEEP_LR, seed, progress=_progress
    )


def chosen_widths(s: Sweep) -> tuple[int, ...]:
    """The widths chosen: each once, narrowest first."""
    return tuple(sorted({int(w) for w in s.widths}))


def width_sweep(s: Sweep, progress=None) -> dims.WidthSweep:
    return _width_sweep(
        str(s.dataset),
        float(s.noise),
        chosen_widths(s),
        int(s.restarts),
        int(s.steps),
        int(s.seed),
        _progress=progress,
    )


def sweep_view(s: Sweep, ws: dims.WidthSweep) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Every restart's final loss (for the chart and the download), the table per width, and
    the text's values."""
    K, R = ws.loss.shape
    runs = pd.DataFrame(
        {
            "width": np.repeat(ws.widths, R),
            "restart": np.tile(np.arange(R), K),
            "loss": ws.loss.ravel(),
            "diverged": ws.diverged.ravel(),
        }
    )
    table = pd.DataFrame(
        {
            "width": ws.widths,
            "weights": ws.weights,
            "best": ws.best,
            "median": np.nanmedian(ws.loss, axis=1),
            "box height (IQR)": ws.spread,
            NEAR_BEST_COLUMN: ws.within(NEAR_BEST),
        }
    )
    shrinks = spread_shrinks(ws)
    words = {
        "title": "Wider networks: restarts agree" if shrinks else "Do wider restarts agree?",
        "spread": spread_words(ws, shrinks),
        "restarts": R,
        "lr": SWEEP_LR,
        "steps": int(s.steps),
        "points": SWEEP_POINTS,
        "diverged": int(runs["diverged"].sum()),
    }
    return runs, table, words


def spread_shrinks(ws: dims.WidthSweep) -> bool:
    """Whether the box (the middle half of the restarts' losses) gets no taller with each wider
    network, from width 2 on (a single unit agrees for another reason: it can only draw a line),
    and ends shorter than it started."""
    spread = ws.spread[ws.widths >= 2]
    return len(spread) >= 2 and bool((np.diff(spread) <= 1e-4).all() and spread[-1] < spread[0])


def spread_words(ws: dims.WidthSweep, shrinks: bool) -> str:
    """The sentence on how the box height changes with the width, from the results."""
    heights = ", ".join(f"{h:.4f} at width {w}" for w, h in zip(ws.widths, ws.spread))
    if shrinks:
        return (
            f"The box, the middle half of the restarts' final losses, shrinks as the width grows "
            f"({heights}): wider networks' restarts end at nearly the same loss."
        )
    return (
        f"Here the box, the middle half of the restarts' final losses, does not shrink steadily "
        f"as the width grows ({heights})."
    )


# -- the page's question --------------------------------------------------------------------------

PREDICT_D = 10


def prediction() -> dict:
    """The numbers of the question: Styblinski–Tang in 10 dimensions."""
    d = PREDICT_D
    options = ["about half of them", f"{2**d:,} (about one in {round(3**d / 2**d)})", "just one"]
    return {
        "d": d,
        "sup": superscript(d),
        "total": 3**d,
        "minima": 2**d,
        "options": options,
        "answer": options[1],
    }


def network_size(units: int) -> int:
    return networks.MLP((int(units),), "tanh").size


# -- scenes and start-up --------------------------------------------------------------------------

#: Each scene sets every control of the sections it names; the others keep their values.
SCENES: dict[str, tuple[Settings, ...]] = {
    "Distances in 10,000 dimensions": (Distances(largest=10000, points=100),),
    "A grid over 100 weights": (Grid(values_per_weight=2, weights=100),),  # even 2 values each
    "Minima are rare": (Matrices(samples=1_000_000, largest=10),),  # up to the slider's end
    "3¹⁰ critical points": (StyblinskiTang(dimension=10),),
    "A wider network's critical points": (NetworkSearch(units=6, starts=128),),
    "Narrow against wide": (Sweep(widths=(1, 2, 4, 8, 16, 32), restarts=16),),
}


def warm() -> None:
    """Compute what the page computes when opened with no link and after each scene button,
    so that the class's first visit to each is a cache hit."""
    machine_rate()
    for scene in ((), *SCENES.values()):
        distance_data(of(scene, Distances))
        matrix_census(of(scene, Matrices))
        shifted_shares(of(scene, Matrices))
        styblinski_groups(of(scene, StyblinskiTang))
        search = of(scene, NetworkSearch)
        trained_ends(search)
        found, first = found_saddles(critical_table(search))
        if len(found):
            slice_data(search, int(found["start"].iloc[first]))
        width_sweep(of(scene, Sweep))
