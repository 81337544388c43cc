"""Shared widgets: surface, optimiser(s), learning rate, seed and start point.

Every widget has a key (page-prefixed by the caller) and is bound to the address bar, so a link
restores the experiment. Streamlit drops values that equal the default from the URL and ignores
invalid ones (unknown option, out of range, text for a number): the default is used instead.

Keys, for a prefix p (scenes set these): p_surface, p_formula, p_optimizer, p_lr, p_<hyper>,
p_optimizers, p_<name>_lr, p_<name>_<hyper>, p_seed, p_x0, p_y0. Private state lives under
_ui_<p>_… so that `classroom.current_settings(p)` skips it.

Changing the surface resets that prefix's start point and learning rates, and changing the
optimiser resets its learning rate and settings: their defaults depend on the choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from core import BudgetError, optimizers, surfaces
from core.expressions import MAX_LENGTH
from core.surfaces import ExpressionError, Surface
from ui.streamlit_internals import drawing_outside_cache

CUSTOM = "custom"
DEFAULT_FORMULA = "sin(x) * cos(y) + 0.1 * (x**2 + y**2)"
#: Learning rates offered: 1e-4 … ~3, four per decade (plus the default).
LR_RANGE = (1e-4, 3.2)


def _private(prefix: str, name: str) -> str:
    return f"_ui_{prefix}_{name}"


# -- surfaces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfaceChoice:
    key: str  # a surface key, or "custom"
    formula: str  # the typed formula ("" unless custom)
    surface: Surface


@st.cache_resource(max_entries=64, show_spinner=False)
def surface_for(key: str, formula: str = "") -> Surface:
    """The Surface for a key, or for a typed formula when key is "custom" (shared, immutable).
    Raises ExpressionError for a bad formula (errors are not cached)."""
    if key == CUSTOM:
        return surfaces.parse(formula)
    return surfaces.get(key)


def _surface_label(key: str) -> str:
    if key == CUSTOM:
        return "Type your own formula"
    s = surfaces.get(key)
    return f"{s.label} — {s.group}"


_RESET = "_ui_reset"  # widget keys to put back to their default before they are next drawn


def _reset_later(keys) -> None:
    """Callback helper. Deleting a bound widget's state is not enough (the address bar would
    seed the old value again), so the default is written when the widget is next drawn."""
    st.session_state[_RESET] = set(st.session_state.get(_RESET, ())) | set(keys)


def _take_reset(key: str, default) -> None:
    """Before drawing a widget: if a reset is pending for it, set it to its default."""
    pending = st.session_state.get(_RESET)
    if pending and key in pending:
        st.session_state[_RESET] = pending - {key}
        st.session_state[key] = default


def set_values(values: Mapping[str, object]) -> None:
    """Set widgets by key, from a callback or before they are drawn (a lesson scene); a reset
    still pending for one of them is dropped, so the given value wins."""
    pending = st.session_state.get(_RESET)
    if pending:
        st.session_state[_RESET] = pending - set(values)
    for key, value in values.items():
        st.session_state[key] = value


def _reset_dependents(prefix: str) -> None:
    """Callback: the start point and learning rates have defaults that follow the surface."""
    _reset_later(
        [f"{prefix}_x0", f"{prefix}_y0"]
        + [
            k
            for k in st.session_state
            if isinstance(k, str) and k.startswith(prefix + "_") and k.endswith("_lr")
        ]
    )


def surface_picker(
    prefix: str,
    default: str = "himmelblau",
    allow_custom: bool = True,
    only: Sequence[str] | None = None,
) -> SurfaceChoice:
    """Pick a surface (grouped labels), or type a formula; a broken formula shows its error
    right under the box and the last good formula (or the default surface) is used."""
    keys = [k for group in surfaces.groups().values() for k in group if only is None or k in only]
    if allow_custom:
        keys.append(CUSTOM)
    index = keys.index(default) if default in keys else 0
    key = st.selectbox(
        "Error surface",
        keys,
        index=index,
        format_func=_surface_label,
        key=f"{prefix}_surface",
        bind="query-params",
        on_change=_reset_dependents,
        args=(prefix,),
    )
    if key != CUSTOM:
        return SurfaceChoice(key, "", surface_for(key))
    text = st.text_input(
        "Your formula in x and y",
        value=DEFAULT_FORMULA,
        max_chars=MAX_LENGTH,
        key=f"{prefix}_formula",
        bind="query-params",
        help="Use x, y, numbers, + − * / ** and ( ); functions such as sin, cos, exp, log, sqrt, "
        "abs, tanh, sigmoid, min(a, b), max(a, b); constants pi and e.",
    )
    good = _private(prefix, "good_formula")
    try:
        surface = surface_for(CUSTOM, text)
    except ExpressionError as exc:
        st.error(str(exc), icon=":material/error:")
        last = st.session_state.get(good)
        if last is None:
            fallback = default if default in keys and default != CUSTOM else keys[0]
            return SurfaceChoice(fallback, "", surface_for(fallback))
        return SurfaceChoice(CUSTOM, last, surface_for(CUSTOM, last))
    st.session_state[good] = text
    return SurfaceChoice(CUSTOM, text, surface)


# -- optimisers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizerChoice:
    name: str
    lr: float
    hyper: tuple = ()  # ((setting, value), …): hashable, so it can go to a cached function

    @property
    def label(self) -> str:
        return f"{optimizers.info(self.name).label} (lr {self.lr:g})"

    def hyper_dict(self) -> dict:
        return dict(self.hyper)


#: Widget settings per hyper-parameter: label, min, max, step, help.
_HYPER = {
    "momentum": ("Momentum", 0.0, 0.999, 0.05, "Share of the previous step carried into the next."),
    "beta1": ("β₁", 0.0, 0.999, 0.01, "How long Adam remembers the average gradient."),
    "beta2": ("β₂", 0.0, 0.9999, 0.001, "How long Adam remembers the average squared gradient."),
    "alpha": ("α", 0.0, 0.9999, 0.01, "How long RMSprop remembers the average squared gradient."),
    "damping": (
        "Damping",
        0.0,
        10.0,
        1e-3,
        "Added to the curvature so that a nearly flat direction cannot make a huge step.",
    ),
    "radius": ("Kick radius", 0.0, 5.0, 0.01, "How far a random kick may move the point."),
    "g_thres": (
        "Kick below gradient",
        0.0,
        10.0,
        1e-3,
        "A kick comes when the slope is smaller than this.",
    ),
    "t_thres": ("Steps between kicks", 1, 10_000, 1, "At least this many steps between two kicks."),
}


def default_hyper(name: str) -> tuple:
    """The settings an optimiser picker returns when they are left alone: for code that
    computes a scene without drawing its widgets (the start-up warm-up)."""
    return tuple(
        (h, v if isinstance(v, int) else float(v)) for h, v in optimizers.info(name).hyper.items()
    )


def _hyper_inputs(prefix: str, name: str) -> tuple:
    """Number inputs for an optimiser's settings; returns ((setting, value), …)."""
    out = []
    for h, default in optimizers.info(name).hyper.items():
        label, lo, hi, step, help_ = _HYPER.get(
            h, (h, 0.0, max(10.0 * abs(default), 1.0), abs(default) / 10 or 0.1, None)
        )
        whole = isinstance(
            default, int
        )  # shown without decimals, but a float input: see seed_input
        lo, hi, default = float(lo), float(hi), float(default)
        step = float(max(round(step), 1) if whole else step)
        _take_reset(f"{prefix}_{h}", default)
        value = st.number_input(
            label,
            min_value=lo,
            max_value=hi,
            value=default,
            step=step,
            format="%.0f" if whole else "%g",
            help=help_,
            key=f"{prefix}_{h}",
            bind="query-params",
        )
        out.append((h, int(value) if whole else value))
    return tuple(out)


def _lr_slider(prefix_key: str, name: str, default: float, label: str) -> float:
    return log_slider(
        label,
        prefix_key,
        *LR_RANGE,
        default=default,
        help=f"Step size of {optimizers.info(name).label}. Each notch is ×1.78; "
        "too small crawls, too large overshoots or blows up.",
    )


def _reset_optimizer(prefix: str) -> None:
    """Callback: a new optimiser starts from its own learning rate and settings."""
    _reset_later(
        [f"{prefix}_lr"] + [f"{prefix}_{h}" for i in optimizers.names().values() for h in i.hyper]
    )


def optimizer_picker(
    prefix: str, default: str = "adam", default_lr: float | Callable[[str], float] | None = None
) -> OptimizerChoice:
    """One optimiser: its name, a log-scale learning rate and (folded) its settings.
    default_lr: one rate for every optimiser, or a function of the optimiser's name (None:
    each optimiser's own default)."""
    infos = optimizers.names()
    names = list(infos)
    name = st.selectbox(
        "Optimiser",
        names,
        index=names.index(default) if default in names else 0,
        format_func=lambda n: infos[n].label,
        key=f"{prefix}_optimizer",
        bind="query-params",
        on_change=_reset_optimizer,
        args=(prefix,),
    )
    if callable(default_lr):
        default_lr = default_lr(name)
    lr = _lr_slider(f"{prefix}_lr", name, default_lr or infos[name].default_lr, "Learning rate")
    hyper: tuple = ()
    if infos[name].hyper:
        with st.expander(f"Settings of {infos[name].label}"):
            hyper = _hyper_inputs(prefix, name)
    return OptimizerChoice(name, lr, hyper)


def optimizers_picker(
    prefix: str,
    defaults: Sequence[str] = ("sgd", "momentum", "adam"),
    lr_for: Callable[[str], float] | None = None,
    allowed: Sequence[str] | None = None,
) -> list[OptimizerChoice]:
    """Several optimisers to compare, each with its own learning rate (and folded settings).
    lr_for(name) gives a name's default learning rate (e.g. one that suits the surface)."""
    infos = optimizers.names()
    options = [n for n in infos if allowed is None or n in allowed]
    chosen = st.multiselect(
        "Optimisers to compare",
        options,
        default=[n for n in defaults if n in options],
        format_func=lambda n: infos[n].label,
        key=f"{prefix}_optimizers",
        bind="query-params",
    )
    out = []
    for name in chosen:
        default = lr_for(name) if lr_for else infos[name].default_lr
        lr = _lr_slider(f"{prefix}_{name}_lr", name, default, f"{infos[name].label}: learning rate")
        out.append(OptimizerChoice(name, lr))
    with_settings = [n for n in chosen if infos[n].hyper]
    if with_settings:
        with st.expander("Optimiser settings"):
            hyper = {n: _hyper_inputs(f"{prefix}_{n}", n) for n in with_settings}
        out = [OptimizerChoice(c.name, c.lr, hyper.get(c.name, ())) for c in out]
    return out


# -- numbers ----------------------------------------------------------------------------------


def sig3(v: float) -> float:
    """A value as a log slider holds it: three significant digits."""
    return float(f"{v:.3g}")


def log_values(
    lo: float, hi: float, per_decade: int = 4, default: float | None = None
) -> list[float]:
    """Log-spaced values from lo to hi, per_decade per factor of ten, to 3 significant digits,
    with the default added if it is not on the grid."""
    k0 = math.ceil(math.log10(lo) * per_decade - 1e-9)
    k1 = math.floor(math.log10(hi) * per_decade + 1e-9)
    values = {sig3(10 ** (k / per_decade)) for k in range(k0, k1 + 1)}
    if default is not None:
        values.add(sig3(default))
    return sorted(values)


def _fmt(v: float) -> str:
    return f"{v:g}"


def log_slider(
    label: str,
    key: str,
    lo: float,
    hi: float,
    default: float,
    per_decade: int = 4,
    help: str | None = None,
) -> float:
    """A slider over log-spaced values (bound to the URL). A value set in session state (a scene)
    that is not on the grid is moved to the nearest grid value."""
    options = log_values(lo, hi, per_decade, default)
    _take_reset(key, sig3(default))
    current = st.session_state.get(key)
    if isinstance(current, (int, float)) and current not in options and current > 0:
        st.session_state[key] = min(options, key=lambda v: abs(math.log(v / current)))
    value = st.select_slider(
        label,
        options=options,
        value=sig3(default),
        format_func=_fmt,
        key=key,
        help=help,
        bind="query-params",
    )
    return float(value)


def seed_input(key: str, default: int = 0, label: str = "Seed") -> int:
    """The seed of every random draw: the same seed replays the same experiment.

    A float input shown without decimals: Streamlit 1.67's integer input raises OverflowError on a
    link such as ?seed=1e309, while the float one falls back to the default."""
    return int(
        st.number_input(
            label,
            min_value=0.0,
            max_value=10_000.0,
            value=float(default),
            step=1.0,
            format="%.0f",
            key=key,
            bind="query-params",
            help="Same seed, same random numbers: change it for another draw.",
        )
    )


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(float(v), lo), hi)


def start_inputs(
    prefix: str, surface: Surface, default: tuple[float, float] | None = None
) -> tuple[float, float]:
    """The start point (x0, y0), kept inside the surface's bounds; a click on the chart
    (apply_click) lands here."""
    (xl, xh), (yl, yh) = surface.bounds
    kx, ky = f"{prefix}_x0", f"{prefix}_y0"
    dx, dy = default if default is not None else surface.start
    _take_reset(kx, _clamp(dx, xl, xh))
    _take_reset(ky, _clamp(dy, yl, yh))
    clicked = st.session_state.pop(_private(prefix, "click"), None)
    if clicked is not None:
        st.session_state[kx], st.session_state[ky] = clicked
    for k, lo, hi in ((kx, xl, xh), (ky, yl, yh)):  # a value from a scene or a click, kept inside
        v = st.session_state.get(k)
        if isinstance(v, (int, float)) and math.isfinite(v) and not lo <= v <= hi:
            st.session_state[k] = _clamp(v, lo, hi)
    left, right = st.columns(2)
    x0 = left.number_input(
        "Start x",
        min_value=float(xl),
        max_value=float(xh),
        value=_clamp(dx, xl, xh),
        step=(xh - xl) / 100,
        format="%.4g",
        key=kx,
        bind="query-params",
    )
    y0 = right.number_input(
        "Start y",
        min_value=float(yl),
        max_value=float(yh),
        value=_clamp(dy, yl, yh),
        step=(yh - yl) / 100,
        format="%.4g",
        key=ky,
        bind="query-params",
    )
    return float(x0), float(y0)


# -- chart clicks and problems ----------------------------------------------------------------


def clicked_point(event) -> tuple[float, float] | None:
    """The (x, y) of the last click in an st.altair_chart event (structure: see apply_click)."""
    try:
        points = event["selection"]["start"]
    except (KeyError, TypeError):
        return None
    if not points or not isinstance(points, (list, tuple)):
        return None
    last = points[-1]
    try:
        x, y = float(last["x"]), float(last["y"])
    except (KeyError, TypeError, ValueError):
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def apply_click(event, prefix: str) -> None:
    """Move the start point (prefix_x0, prefix_y0) to a new click on a chart that has
    charts.click_layer, then rerun.

    `event` is what Streamlit 1.67 returns from `st.altair_chart(chart, on_select="rerun",
    key=...)`: a read-only dict (VegaLiteState) holding, per selection parameter, the list of
    selected points with the selection's fields — the frontend sends Vega's `vlPoint.or`:
        before any click:  {"selection": {"start": {}}}
        after a click:     {"selection": {"start": [{"x": -3.0, "y": 2.5}]}}
    (x, y are the nearest grid point of the click layer.) The chart keeps reporting its
    selection on every later run, so a click already applied is ignored; and as the number
    inputs already exist in this run, the point is parked for start_inputs to apply on the rerun.
    """
    point = clicked_point(event)
    if point is not None:  # short numbers in the shared link
        point = tuple(round(float(v), 4) for v in point)
    seen = _private(prefix, "click_seen")
    if point is None or point == st.session_state.get(seen):
        return
    st.session_state[seen] = point
    st.session_state[_private(prefix, "click")] = point
    st.rerun()


def show_problem(exc: Exception) -> None:
    """A refused or impossible request in plain words (never a traceback)."""
    if isinstance(exc, BudgetError):
        st.warning(str(exc), icon=":material/speed:")
    else:
        st.error(str(exc), icon=":material/error:")


@contextmanager
def progress(text: str) -> Iterator[Callable[[float], None]]:
    """A progress bar fed by a cached computation's `progress(fraction)` callback.

    Streamlit records every element drawn while a cached function runs and replays it on a cache
    hit, which fails for a bar that lives outside the function; so the updates are drawn with
    that recording switched off."""
    slot = st.empty()

    def update(fraction: float) -> None:
        with drawing_outside_cache():
            slot.progress(min(max(float(fraction), 0.0), 1.0), text=text)

    try:
        yield update
    finally:
        slot.empty()
