"""Lesson: convex and non-convex error surfaces — why a bowl is easy and hills and valleys are not.

Thin page: URL-bound controls → cached calls into core (surfaces, descent, curvature) → Altair
charts (ui.charts, ui.convex_views) and two Plotly figures (the 3-D surface, the Play animation).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import curvature, descent, optimizers
from ui import charts, classroom, controls
from ui import convex_views as views

P = "cv"
MAP_N = 100        # heatmap cells per side
SOLID_N = 70       # 3-D surface grid per side
CURVE_N = 200      # curvature map grid per side (one batched Hessian call)
STEPS = (50, 100, 200, 300, 500, 1000)
PAIRS = (1_000, 5_000, 20_000, 100_000)
RTOL = 1e-6        # default sign tolerance of the curvature map and the chord test
RECORDS = 250      # at most about this many recorded points per path
SETTLED = 1e-4     # a run whose slope |∇f| is below this has come to rest
PREDICT_START = (-0.5, -0.5)

IDEA = (
    "An error surface is **convex** when it has no hills to hide valleys behind: the straight "
    "line between any two points of the surface never runs below it. On such a surface every "
    "downhill walk with a small enough step ends at the lowest point (if there is one), wherever "
    "it starts. Real networks have non-convex surfaces, so where training starts, and how it "
    "steps, decides where it ends. Run the optimisers below and check the evidence for yourself: "
    "the curvature map and the chord test are computed from the surface, not asserted."
)


# -- computation: plain arguments in, numpy out (cached) --------------------------------------

def _surface(key: str, formula: str):
    return controls.surface_for(key, formula)


def _curvable(s):
    """The surface plus 0·|xy|², which changes no value but gives autograd a second derivative
    to take even when a typed formula is constant or linear."""
    return lambda xy: s(xy) + 0.0 * (xy * xy).sum(-1)


@st.cache_data(max_entries=64, show_spinner=False)
def surface_grid(key: str, formula: str, n: int):
    """xs [n], ys [n] and the loss z [n, n] on the surface's bounds."""
    xs, ys, z = _surface(key, formula).grid(n)
    return xs.numpy(), ys.numpy(), z.numpy()


@st.cache_data(max_entries=32, show_spinner=False)
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
        profile = pd.DataFrame({"s": u.numpy(), "surface": f.numpy(),
                                "chord": ((1 - u) * ends[0] + u * ends[1]).detach().numpy()})
    return test, profile


@st.cache_data(max_entries=64, show_spinner=False)
def descend(key: str, formula: str, name: str, lr: float, hyper: tuple, x0: float, y0: float,
            steps: int) -> dict:
    """One optimiser from one start: its recorded path, cut where it diverged, and how it ended."""
    s = _surface(key, formula)
    start = torch.tensor([[x0, y0]], dtype=torch.float64)
    run = descent.run(s, start, optimizer=name, lr=lr, steps=steps,
                      record_every=max(1, steps // RECORDS), **dict(hyper))
    at = run.steps.numpy()
    path, loss = run.path[:, 0].numpy(), run.loss[:, 0].numpy()
    stopped = int(run.stopped_at[0])
    if stopped >= 0:  # keep the path up to there; the run was held at its last good point
        keep = at < stopped
        at, path, loss = (np.append(at[keep], stopped), np.vstack([path[keep], path[-1:]]),
                          np.append(loss[keep], loss[-1]))
    end = run.final[:1]
    slope = float(curvature.gradient(_curvable(s), end).norm())
    eig = curvature.eigenvalues(_curvable(s), end)[0]
    return {"steps": at, "x": path[:, 0], "y": path[:, 1], "loss": loss, "stopped": stopped,
            "final": tuple(float(v) for v in end[0]), "final_loss": float(run.final_loss[0]),
            "slope": slope, "shape": curvature.KINDS[int(curvature.kind(eig))]}


Run = tuple  # (name, lr, hyper): one optimiser's settings, hashable


@st.cache_data(max_entries=64, show_spinner=False)
def paths(key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int):
    """Every chosen optimiser's path in long form (run, step, x, y, loss), and their endings."""
    results = {controls.OptimizerChoice(*r).label: descend(key, formula, *r, x0, y0, steps)
               for r in runs}
    frame = pd.concat([pd.DataFrame({"run": label, "step": r["steps"], "x": r["x"], "y": r["y"],
                                     "loss": r["loss"]}) for label, r in results.items()],
                      ignore_index=True)
    return frame, results


# -- charts, built once per setting --------------------------------------------------------------
# Building an Altair chart validates every encoding against the Vega-Lite schema, which costs more
# than the numbers behind it; the same immutable chart object is reused (cache_resource).

@st.cache_resource(max_entries=32, show_spinner=False)
def surface_chart(key: str, formula: str, height: int = 380, chord: bool = False,
                  x_title: str = "x", y_title: str = "y"):
    """Banded heatmap with the known minima (and, if asked, the worst failing chord)."""
    xs, ys, z = surface_grid(key, formula, MAP_N)
    layers = [charts.surface_heatmap(xs, ys, z, height=height, x_title=x_title, y_title=y_title),
              charts.minima_layer(_surface(key, formula).minima)]
    if chord:
        test, _ = chords(key, formula, PAIRS[2], RTOL)
        if test.worst is not None:
            layers.append(views.chord_layer(*test.worst))
    return charts.layer(*layers)


@st.cache_resource(max_entries=32, show_spinner=False)
def board(key: str, formula: str, runs: tuple[Run, ...], x0: float, y0: float, steps: int):
    """The map to click and scrub: surface, minima, paths, the step marker, the click layer;
    and the Play animation of the same paths."""
    s = _surface(key, formula)
    frame, _ = paths(key, formula, runs, x0, y0, steps)
    xs, ys, z = surface_grid(key, formula, MAP_N)
    _, marker = charts.scrub_marker(frame, steps)
    chart = charts.layer(surface_chart(key, formula, height=420), charts.paths_layer(frame),
                         marker, charts.click_layer(s.bounds,
                                                    frame=charts.surface_frame(xs, ys, z)))
    play = views.play_figure(xs, ys, z, frame, s.minima, charts.banded_scale(z)[0])
    return chart, play


@st.cache_resource(max_entries=32, show_spinner=False)
def curvature_chart(key: str, formula: str, rtol: float, pairs: int):
    """The curvature map with the worst failing chord drawn on it."""
    xs, ys, eigs = eigen_grid(key, formula)
    layers = [views.curvature_map(charts.kind_frame(xs, ys, kinds(eigs, rtol), curvature.KINDS),
                                  _surface(key, formula).bounds)]
    test, _ = chords(key, formula, pairs, rtol)
    if test.worst is not None:
        layers.append(views.chord_layer(*test.worst))
    return charts.layer(*layers, title="Curvature map")


# -- defaults that work on each surface --------------------------------------------------------

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


def status(r: dict, surface, steps: int) -> str:
    """How a run ended, in words: diverged/escaped at step k, or what kind of point it rests at."""
    if not np.isfinite(r["loss"][0]):
        return "cannot start: the surface has no value at the start point"
    if r["stopped"] >= 0:
        if surface.bounded_below:
            return f"diverged at step {r['stopped']}"
        return f"escaped at step {r['stopped']} (this surface falls away forever)"
    if r["slope"] >= SETTLED:
        return f"still moving after {steps} steps"
    best = min((m[2] for m in surface.minima), default=None)
    if best is not None and r["final_loss"] <= best + 1e-6 * (1 + abs(best)):
        return "reached a global minimum"
    minimum = "a local minimum" if best is not None else "a minimum"
    return {"bowl-shaped": f"came to rest in {minimum}", "saddle-shaped": "stuck at a saddle point",
            "dome-shaped": "balanced on a peak"}.get(r["shape"], "came to rest on flat ground")


def nearest_minimum(point, minima) -> str:
    if not minima:
        return "—"
    m = min(minima, key=lambda q: math.dist(point, q[:2]))
    return f"({m[0]:.2f}, {m[1]:.2f})"


# -- page --------------------------------------------------------------------------------------

def _scene(surface: str, start: tuple[float, float], runs: dict[str, float], steps: int = 300,
           **hyper: float) -> dict:
    """Widget values for a scene: surface, start, steps, and each optimiser's learning rate and
    settings (defaults unless given, so that no setting leaks in from an earlier scene)."""
    values = {f"{P}_surface": surface, f"{P}_x0": start[0], f"{P}_y0": start[1],
              f"{P}_optimizers": list(runs), f"{P}_steps": steps}
    for name, lr in runs.items():
        values[f"{P}_{name}_lr"] = lr
        for h, default in optimizers.info(name).hyper.items():
            values[f"{P}_{name}_{h}"] = hyper.get(f"{name}_{h}", default)
    return values


SCENES = {
    "Bowl: every path agrees": _scene("bowl", (-2.5, 2.0), {"sgd": 0.1, "momentum": 0.1,
                                                            "adam": 0.0562}),
    "Ravine: momentum vs plain GD": _scene("ravine", (-2.8, 1.5), {"sgd": 0.09, "momentum": 0.1},
                                           100, momentum_momentum=0.5),
    "Himmelblau: start decides": _scene("himmelblau", (0.0, 0.0), {"sgd": 0.01, "momentum": 0.01,
                                                                   "adam": 0.1}),
    "Rastrigin traps gradient descent": _scene("rastrigin", (3.2, -2.1),
                                               {"sgd": 0.00178, "momentum": 0.00178,
                                                "adagrad": 1.02}),
    "Deep linear: saddle at the origin": _scene("deep_linear_2w", (1.5, -1.499),
                                                {"sgd": 0.0562}),
    "Too big a step": _scene("bowl", (-2.5, 2.0), {"sgd": 1.78, "momentum": 0.1}, 100),
}


def surface_section(choice) -> None:
    s = choice.surface
    _, _, z = surface_grid(choice.key, choice.formula, MAP_N)
    finite = np.isfinite(z)
    if not finite.all():
        st.info(f"Your formula is not a finite number on {1 - finite.mean():.0%} of the map (for "
                "example the log or square root of a negative number, or a division by zero). "
                "Those cells are left blank.", icon=":material/info:")
    if not finite.any():
        return
    log, _ = charts.banded_scale(z)
    flat, solid = st.columns(2)
    flat.altair_chart(surface_chart(choice.key, choice.formula), width="stretch")
    sx, sy, sz = surface_grid(choice.key, choice.formula, SOLID_N)
    solid.plotly_chart(views.surface_3d(sx, sy, sz, s.minima, log), width="stretch",
                       key=f"_{P}_solid")
    note = ("Colour bands are spaced logarithmically, because the loss spans a wide range. "
            if log else "")
    marks = "Stars mark global minima, crosses local ones. " if s.minima else ""
    st.caption(f"{note}{marks}Drag the 3-D view to turn it; its height is the same quantity as "
               "the colour.")


def _run_all(choice, chosen, x0: float, y0: float, steps: int) -> tuple[Run, ...]:
    """Run each optimiser (cached) under a progress bar; a refused one shows why and is left out.
    (The bar moves between optimisers: a cached function cannot draw into a bar made outside it.)"""
    runs, bar = [], st.progress(0.0)
    for i, c in enumerate(chosen):
        bar.progress(i / len(chosen), text=f"Descending: {c.label} ({i + 1} of {len(chosen)})")
        try:
            descend(choice.key, choice.formula, c.name, c.lr, c.hyper, x0, y0, steps)
            runs.append((c.name, c.lr, c.hyper))
        except ValueError as exc:  # BudgetError, a setting the optimiser refuses
            controls.show_problem(exc)
    bar.empty()
    return tuple(runs)


@st.fragment
def descent_section(choice) -> None:
    s = choice.surface
    with classroom.controls("Optimisers, steps and start"):
        left, right = st.columns([3, 2])
        with left:
            chosen = controls.optimizers_picker(P, lr_for=lr_for(s))
        with right:
            steps = st.select_slider("Steps", STEPS, value=300, key=f"{P}_steps",
                                     bind="query-params")
            x0, y0 = controls.start_inputs(P, s)
            log_y = st.toggle("Loss on a log scale", value=True, key=f"{P}_logy",
                              bind="query-params")
    if not chosen:
        st.info("Choose at least one optimiser above.", icon=":material/info:")
        return
    runs = _run_all(choice, chosen, x0, y0, steps)
    if not runs:
        return
    frame, results = paths(choice.key, choice.formula, runs, x0, y0, steps)
    chart, play = board(choice.key, choice.formula, runs, x0, y0, steps)
    where, moving = st.columns(2)
    with where:
        event = st.altair_chart(chart, width="stretch", on_select="rerun", selection_mode="start",
                                key=f"_{P}_map")
        st.caption("Click anywhere on the map to start there. Drag the **step** slider under the "
                   "map to move every marker along its path (no recomputation).")
    controls.apply_click(event, P)
    with moving:
        st.plotly_chart(play, width="stretch", key=f"_{P}_play")
        st.caption("Press ▶ Play to watch the runs move together, step by step.")
    curves, notes = st.columns([3, 2])
    curves.altair_chart(charts.loss_chart(frame, log_y=log_y, title="Loss at each step"),
                        width="stretch")
    L = lipschitz(choice.key, choice.formula)
    if L:
        notes.markdown(f"The largest curvature on this map is **L ≈ {L:.3g}**, so a plain "
                       f"gradient-descent step is sure to go downhill (on this map) for learning "
                       f"rates below **2/L ≈ {2 / L:.3g}**. Above it, a step can overshoot.")
    table = pd.DataFrame([{
        "optimiser": label, "how it ended": status(r, s, steps),
        "final point": f"({r['final'][0]:.3f}, {r['final'][1]:.3f})",
        "final loss": r["final_loss"], "slope |∇f|": r["slope"],
        "nearest known minimum": nearest_minimum(r["final"], s.minima)}
        for label, r in results.items()])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"final loss": st.column_config.NumberColumn(format="%.4g"),
                                "slope |∇f|": st.column_config.NumberColumn(format="%.2e")})
    # Exported here, inside the fragment, so that the files always match what is shown.
    classroom.export(f"{P}_runs", {"paths": frame, "how the runs ended": table},
                     classroom.current_settings(P))


@st.cache_data(max_entries=64, show_spinner=False)
def lipschitz(key: str, formula: str) -> float:
    """The largest |eigenvalue| of the Hessian on the map: how fast the gradient can change."""
    _, _, eigs = eigen_grid(key, formula)
    big = np.abs(eigs[np.isfinite(eigs)])
    return float(big.max()) if big.size else 0.0


@st.fragment
def evidence_section(choice) -> None:
    st.markdown(
        "**What convex means.** Pick any two points *a* and *b* of the map and walk the straight "
        "line between them. The surface is convex if its height along that walk never rises above "
        "the straight line joining the two heights — in symbols "
        "f(t·a + (1−t)·b) ≤ t·f(a) + (1−t)·f(b) for every t between 0 and 1. For a smooth surface "
        "that is the same as saying it curves upward (or not at all) in every direction at every "
        "point: both eigenvalues of the *Hessian*, the 2×2 table of second derivatives, are ≥ 0. "
        "Below, both tests run on this surface.")
    with classroom.controls("Test settings"):
        left, right = st.columns(2)
        with left:
            rtol = controls.log_slider("Sign tolerance (relative)", f"{P}_rtol", 1e-9, 1e-1, RTOL,
                                       per_decade=1, help="A curvature counts as negative only "
                                       "below −tolerance × the larger curvature there, and a chord "
                                       "fails only by more than tolerance × |f|: rounding errors "
                                       "must not make a bowl look bumpy.")
        with right:
            pairs = st.select_slider("Random chords", PAIRS, value=PAIRS[2], key=f"{P}_pairs",
                                     bind="query-params", format_func=lambda v: f"{v:,}")
    key, formula = choice.key, choice.formula
    _, _, eigs = eigen_grid(key, formula)
    test, profile = chords(key, formula, pairs, rtol)
    k = kinds(eigs, rtol)
    defined = max(int((k >= 0).sum()), 1)
    share = {name: float((k == i).sum()) / defined for i, name in enumerate(curvature.KINDS)}
    downhill = float((eigs[..., 0] < -rtol * np.abs(eigs).max(-1)).sum()) / defined
    evidence = pd.DataFrame(
        [{"test": f"share of map {n}", "value": v} for n, v in share.items()]
        + [{"test": "share of map curving downhill in some direction", "value": downhill},
           {"test": "share of chords that fail", "value": test.share_failed},
           {"test": "chords tested", "value": test.pairs}])

    a, b, c = st.columns(3)
    a.metric("Curves downhill somewhere", "yes" if downhill > 0 else "no",
             delta=f"{downhill:.1%} of the map", delta_color="off", delta_arrow="off",
             help="Share of the map where some direction curves downward (a negative "
                  "eigenvalue, beyond the tolerance).")
    b.metric("Chords that fail", f"{test.share_failed:.1%}",
             help=f"Out of {test.pairs:,} random chords with finite ends.")
    convex = test.share_failed == 0 and downhill == 0
    c.metric("Verdict on this map", "no sign of non-convexity" if convex else "not convex")
    mapped, chord = st.columns(2)
    with mapped:
        st.altair_chart(curvature_chart(key, formula, rtol, pairs), width="stretch")
        st.caption(" · ".join(f"{n}: {v:.1%}" for n, v in share.items() if v > 0)
                   + f" — computed on a {CURVE_N}×{CURVE_N} grid.")
    with chord:
        if profile is None:
            st.success("No chord failed: every sampled straight line stays on or above the "
                       "surface, as a convex surface requires. (A sample cannot prove convexity "
                       "everywhere, but one failure is enough to disprove it.)",
                       icon=":material/check_circle:")
        else:
            st.markdown("**The worst failing chord**")
            st.altair_chart(views.chord_profile(profile), width="stretch")
            st.caption(f"The surface along the dashed chord drawn on the map: it rises "
                       f"{test.worst_gap:.3g} above the chord at the cross. One such chord "
                       "proves the surface is not convex.")
    frames = {"curvature and chord test": evidence}
    if profile is not None:
        frames["worst chord profile"] = profile
    classroom.export(f"{P}_evidence", frames, classroom.current_settings(P))


MODELS = {"logistic_2w": ("w (weight)", "b (bias)"), "deep_linear_2w": ("w₁", "w₂")}


def models_section() -> None:
    st.markdown(
        "Two real models with two weights each, trained on a handful of points. **Logistic "
        "regression** (one weight and a bias, cross-entropy loss, classes that overlap) is "
        "convex: its loss adds up terms log(1 + e^−z), each a convex function of a *linear* "
        "function of the weights, and sums of convex functions are convex. It has a minimum "
        "because the classes overlap; on classes that a threshold separates the loss would keep "
        "falling as the weight grows, and there would be no minimum to reach. The **deep linear "
        "model** stacks two one-weight layers, ŷ = w₂·(w₁·x). The loss is still a nice bowl in "
        "the *product* w₁w₂, but a product of weights is not linear in them: at (0, 0) the slope "
        "is zero, moving both weights the same way lowers the loss and moving them apart raises "
        "it — a saddle — and the minima form a whole curve, w₁w₂ = 1. The midpoint of the minima "
        "(1, 1) and (−1, −1) is the saddle, higher than both, so the chord test fails.")
    for col, (key, (x_title, y_title)) in zip(st.columns(2), MODELS.items()):
        test, _ = chords(key, "", PAIRS[2], RTOL)
        _, _, eigs = eigen_grid(key, "")
        bowl = float((kinds(eigs, RTOL) == 0).mean())
        with col:
            st.markdown(f"**{_surface(key, '').label}**")
            st.altair_chart(surface_chart(key, "", 320, True, x_title, y_title), width="stretch")
            st.caption(f"Bowl-shaped on {bowl:.0%} of the map; {test.share_failed:.1%} of "
                       f"{test.pairs:,} chords fail.")
    st.markdown(
        "Multiplying weights — stacking layers — is one way to lose convexity, but not the only "
        "one: a single sigmoid neuron trained with squared error is already non-convex, and can "
        "have exponentially many local minima in the number of inputs (Auer, Herbster & Warmuth "
        "1996). Deep *linear* networks are a gentle case: Baldi & Hornik (1989) showed that their "
        "loss has no bad local minima, only saddles, like the one here.")


def theory_section() -> None:
    st.markdown(
        "Say the gradient changes at most at rate *L* (its change between two points is at most L "
        "times their distance; for a two-weight surface, L is the largest curvature). A step of "
        "gradient descent with learning rate η then lowers the loss by at least "
        "η(1 − ηL/2)·|∇f|², which is positive whenever η < 2/L and the slope is not zero. So the "
        "loss keeps falling until the walk reaches flat ground. On a convex surface every flat "
        "point is a lowest point — there are no other valleys, saddles or peaks — so if the "
        "surface has a minimum, gradient descent reaches the minimum loss from *any* start; with "
        "η ≤ 1/L the gap after k steps is at most |x₀ − x*|² / (2ηk) (Nesterov 2004; Boyd & "
        "Vandenberghe 2004).\n\n"
        "What goes wrong otherwise:\n"
        "- **Too large a step** (η > 2/L): along the steepest direction each step overshoots by "
        "more than it corrects, so the walk swings wider and wider and diverges (scene *Too big a "
        "step*: on the bowl L = 2, so η = 1.78 > 2/L = 1).\n"
        "- **No minimum**: a convex surface can still fall forever (logistic regression on "
        "separable classes); the walk never stops.\n"
        "- **Not convex**: flat ground is also local minima, saddles and peaks. Gradient descent "
        "stops at the first flat place it falls into, so the start decides where it ends "
        "(Himmelblau), a ripple can trap it (Rastrigin), and near a saddle it crawls.")


def predict_section() -> None:
    s = controls.surface_for("himmelblau")
    options = [f"({m[0]:.2f}, {m[1]:.2f})" for m in s.minima]
    r = descend("himmelblau", "", "sgd", 0.01, (), *PREDICT_START, 500)
    answer = nearest_minimum(r["final"], s.minima)
    x, y = PREDICT_START
    classroom.predict(
        P, f"Himmelblau has four minima of equal depth. Plain gradient descent (learning rate "
           f"0.01) starts at ({x}, {y}). Which minimum will it reach after 500 steps?",
        options, answer,
        f"Running it gives ({r['final'][0]:.3f}, {r['final'][1]:.3f}). The nearest minimum to "
        "the start is not the one reached: the slope at the start points the walk elsewhere, and "
        "it follows the slope, not the distance. Try it on the map with the scene “Himmelblau: "
        "start decides” and a click at the start point.")


def main() -> None:
    classroom.page_setup("Convex or not: why a bowl is easy", IDEA)
    classroom.scenes(P, SCENES)
    pick, about = st.columns([2, 3])
    with pick:
        choice = controls.surface_picker(P)
    s = choice.surface
    with about:
        st.latex(s.latex)
        st.caption(s.description + (" The catalogue lists it as convex." if s.convex else ""))
    with classroom.section("The surface"):
        surface_section(choice)
    with classroom.section("Run the optimisers"):
        descent_section(choice)
    with classroom.section("Is it convex? The evidence"):
        evidence_section(choice)
    with classroom.section("Stacking weights breaks convexity"):
        models_section()
    with classroom.section("Why convex is easy, and what goes wrong otherwise"):
        theory_section()

    st.subheader("What to notice")
    st.markdown(
        "- On the bowl and the ravine every optimiser ends at the same point; the curvature map is "
        "one colour and no chord fails.\n"
        "- On Himmelblau, the same method from different starts (or different methods from the "
        "same start) ends in different minima.\n"
        "- The ravine is convex but slow for plain gradient descent: a step small enough for the "
        "steep direction makes slow progress along the shallow one. Momentum (Polyak 1964) "
        "builds up speed along the ravine and damps the zig-zag across it — once it is tuned: "
        "the scene uses momentum 0.5 (under *Optimiser settings*); with 0.9 and a small step it "
        "is slower than plain gradient descent.\n"
        "- In the deep-linear scene the path runs almost straight into the saddle at (0, 0); the "
        "loss curve then stays flat for dozens of steps before the walk finds the way down to "
        "the curve of minima.\n"
        "- A learning rate above 2/L makes even the bowl diverge: the table says at which step.")
    st.subheader("Try this")
    st.markdown(
        "- Click several starts on Himmelblau and predict each time which minimum you will reach.\n"
        "- On Rastrigin, compare plain gradient descent with Adagrad, whose large early steps can "
        "jump over ripples.\n"
        "- Type your own formula, such as `x**4 - x**2 + y**2` or `log(x) + y**2`, and read the "
        "curvature map before you run anything.\n"
        "- Add Newton's method on logistic regression: the surface is convex, yet from the "
        "far start plain Newton (no line search) jumps off the map — the 2/L rule is a promise "
        "about gradient descent, not about every method.\n"
        "- On Rosenbrock, set the sign tolerance to its largest value: part of the saddle-shaped "
        "region turns \"flat\". Why is a tolerance that large a wrong answer too?")
    predict_section()
    classroom.references([
        ("Auer, P., Herbster, M. & Warmuth, M. K. (1996). Exponentially many local minima for "
         "single neurons. *Advances in Neural Information Processing Systems 8*."),
        ("Baldi, P. & Hornik, K. (1989). Neural networks and principal component analysis: "
         "learning from examples without local minima. *Neural Networks* 2(1)."),
        "Ackley, D. H. (1987). *A Connectionist Machine for Genetic Hillclimbing*. Kluwer.",
        "Boyd, S. & Vandenberghe, L. (2004). *Convex Optimization*. Cambridge University Press.",
        ("Dixon, L. C. W. & Szegö, G. P. (1978). The global optimization problem: an "
         "introduction. In *Towards Global Optimisation 2*. North-Holland."),
        "Himmelblau, D. M. (1972). *Applied Nonlinear Programming*. McGraw-Hill.",
        "Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.",
        ("Lee, J. D., Simchowitz, M., Jordan, M. I. & Recht, B. (2016). Gradient descent only "
         "converges to minimizers. *COLT*."),
        ("Nesterov, Y. (2004). *Introductory Lectures on Convex Optimization: A Basic Course*. "
         "Kluwer."),
        ("Okabe, M. & Ito, K. (2008). *Color Universal Design*: the colour-blind-safe palette used "
         "in the charts."),
        ("Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods. "
         "*USSR Computational Mathematics and Mathematical Physics* 4(5)."),
        "Rastrigin, L. A. (1974). *Systems of Extremal Control*. Nauka.",
        ("Rosenbrock, H. H. (1960). An automatic method for finding the greatest or least value "
         "of a function. *The Computer Journal* 3(3)."),
    ])


main()
