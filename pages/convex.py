"""Lesson: convex and non-convex error surfaces — why a bowl is easy and hills and valleys are not.

Thin page: URL-bound controls → cached calls (ui.convex_compute, into core's surfaces, descent
and curvature) → Altair charts (ui.charts, ui.convex_views; their specs cached by
ui.cached_charts.draw) and two Plotly figures (the 3-D surface, the Play animation).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import curvature
from lessons.convex import charts as views
from lessons.convex.compute import (
    CURVE_N,
    DEFAULT_OPTIMIZERS,
    DEFAULT_STEPS,
    DEFAULT_SURFACE,
    MAP_N,
    MODELS,
    PAIRS,
    PREDICT_START,
    RTOL,
    SCENES,
    SOLID_N,
    P,
    Run,
    chords,
    descend,
    eigen_grid,
    kinds,
    lipschitz,
    lr_for,
    paths,
    play,
    predict_run,
    surface_grid,
)
from ui import charts, classroom, controls, gate
from ui.cached_charts import draw

STEPS = (50, 100, 200, 300, 500, 1000)
SETTLED = 1e-4  # a run whose slope |∇f| is below this has come to rest

IDEA = (
    "An error surface is **convex** when it has no hills to hide valleys behind: the straight "
    "line between any two points of the surface never runs below it. On such a surface every "
    "downhill walk with a small enough step ends at the lowest point (if there is one), wherever "
    "it starts. Real networks have non-convex surfaces, so where training starts, and how it "
    "steps, decides where it ends. Run the optimisers below and check the evidence for yourself: "
    "the curvature map and the chord test are computed from the surface, not asserted."
)


# -- how a run ended ----------------------------------------------------------------------------


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
    return {
        "bowl-shaped": f"came to rest in {minimum}",
        "saddle-shaped": "stuck at a saddle point",
        "dome-shaped": "balanced on a peak",
    }.get(r["shape"], "came to rest on flat ground")


def nearest_minimum(point, minima) -> str:
    if not minima:
        return "—"
    m = min(minima, key=lambda q: math.dist(point, q[:2]))
    return f"({m[0]:.2f}, {m[1]:.2f})"


# -- page --------------------------------------------------------------------------------------


def surface_section(choice) -> None:
    s = choice.surface
    xs, ys, z = surface_grid(choice.key, choice.formula, MAP_N)
    finite = np.isfinite(z)
    if not finite.all():
        st.info(
            f"Your formula is not a finite number on {1 - finite.mean():.0%} of the map (for "
            "example the log or square root of a negative number, or a division by zero). "
            "Those cells are left blank.",
            icon=":material/info:",
        )
    if not finite.any():
        return
    log, _ = charts.banded_scale(z)
    flat, solid = st.columns(2)
    draw(flat, views.surface_map, xs, ys, z, s.minima)
    sx, sy, sz = surface_grid(choice.key, choice.formula, SOLID_N)
    solid.plotly_chart(
        views.surface_3d(sx, sy, sz, s.minima, log), width="stretch", key=f"_{P}_solid"
    )
    note = (
        "Colour bands are spaced logarithmically, because the loss spans a wide range. "
        if log
        else ""
    )
    marks = "Stars mark global minima, crosses local ones. " if s.minima else ""
    st.caption(
        f"{note}{marks}Drag the 3-D view to turn it; its height is the same quantity as the colour."
    )


def _run_all(choice, chosen, x0: float, y0: float, steps: int) -> tuple[Run, ...]:
    """Run each optimiser (cached) under a progress bar; a refused one shows why and is left out,
    and no turn in time (BusyError) stops them all, for the section to say so. (The bar moves
    between optimisers: a cached function cannot draw into a bar made outside it.)"""
    runs, bar = [], st.progress(0.0)
    try:
        for i, c in enumerate(chosen):
            bar.progress(i / len(chosen), text=f"Descending: {c.label} ({i + 1} of {len(chosen)})")
            try:
                descend(choice.key, choice.formula, c.name, c.lr, c.hyper, x0, y0, steps)
                runs.append((c.name, c.lr, c.hyper))
            except gate.BusyError:
                raise  # no turn came: one message for the section, not one wait per optimiser
            except ValueError as exc:  # BudgetError, a setting the optimiser refuses
                controls.show_problem(exc)
    finally:
        bar.empty()
    return tuple(runs)


@st.fragment
def descent_section(choice) -> None:
    s = choice.surface
    with classroom.controls("Optimisers, steps and start"):
        left, right = st.columns([3, 2])
        with left:
            chosen = controls.optimizers_picker(P, DEFAULT_OPTIMIZERS, lr_for=lr_for(s))
        with right:
            steps = st.select_slider(
                "Steps", STEPS, value=DEFAULT_STEPS, key=f"{P}_steps", bind="query-params"
            )
            x0, y0 = controls.start_inputs(P, s)
            log_y = st.toggle(
                "Loss on a log scale", value=True, key=f"{P}_logy", bind="query-params"
            )
    if not chosen:
        st.info("Choose at least one optimiser above.", icon=":material/info:")
        return
    try:
        runs = _run_all(choice, chosen, x0, y0, steps)
        if not runs:
            return
        frame, results = paths(choice.key, choice.formula, runs, x0, y0, steps)
        animation = play(choice.key, choice.formula, runs, x0, y0, steps)
        xs, ys, z = surface_grid(choice.key, choice.formula, MAP_N)
        L = lipschitz(choice.key, choice.formula)
    except ValueError as exc:  # BusyError: no turn came in time
        controls.show_problem(exc)
        return
    where, moving = st.columns(2)
    with where:
        event = draw(
            st,
            views.descent_map,
            xs,
            ys,
            z,
            s.minima,
            s.bounds,
            frame,
            steps,
            on_select="rerun",
            selection_mode="start",
            key=f"_{P}_map",
        )
        st.caption(
            "Click anywhere on the map to start there. Drag the **step** slider under the "
            "map to move every marker along its path (no recomputation)."
        )
    controls.apply_click(event, P)
    with moving:
        st.plotly_chart(animation, width="stretch", key=f"_{P}_play")
        st.caption("Press ▶ Play to watch the runs move together, step by step.")
    curves, notes = st.columns([3, 2])
    draw(curves, charts.loss_chart, frame, log_y=log_y, title="Loss at each step")
    if L:
        notes.markdown(
            f"The largest curvature on this map is **L ≈ {L:.3g}**, so a plain "
            f"gradient-descent step is sure to go downhill (on this map) for learning "
            f"rates below **2/L ≈ {2 / L:.3g}**. Above it, a step can overshoot."
        )
    table = pd.DataFrame(
        [
            {
                "optimiser": label,
                "how it ended": status(r, s, steps),
                "final point": f"({r['final'][0]:.3f}, {r['final'][1]:.3f})",
                "final loss": r["final_loss"],
                "slope |∇f|": r["slope"],
                "nearest known minimum": nearest_minimum(r["final"], s.minima),
            }
            for label, r in results.items()
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "final loss": st.column_config.NumberColumn(format="%.4g"),
            "slope |∇f|": st.column_config.NumberColumn(format="%.2e"),
        },
    )
    # Exported here, inside the fragment, so that the files always match what is shown.
    classroom.export(
        f"{P}_runs", {"paths": frame, "how the runs ended": table}, classroom.current_settings(P)
    )


@st.fragment
def evidence_section(choice) -> None:
    st.markdown(
        "**What convex means.** Pick any two points *a* and *b* of the map and walk the straight "
        "line between them. The surface is convex if its height along that walk never rises above "
        "the straight line joining the two heights — in symbols "
        "f(t·a + (1−t)·b) ≤ t·f(a) + (1−t)·f(b) for every t between 0 and 1. For a smooth surface "
        "that is the same as saying it curves upward (or not at all) in every direction at every "
        "point: both eigenvalues of the *Hessian*, the 2×2 table of second derivatives, are ≥ 0. "
        "Below, both tests run on this surface."
    )
    with classroom.controls("Test settings"):
        left, right = st.columns(2)
        with left:
            rtol = controls.log_slider(
                "Sign tolerance (relative)",
                f"{P}_rtol",
                1e-9,
                1e-1,
                RTOL,
                per_decade=1,
                help="A curvature counts as negative only "
                "below −tolerance × the larger curvature there, and a chord "
                "fails only by more than tolerance × |f|: rounding errors "
                "must not make a bowl look bumpy.",
            )
        with right:
            pairs = st.select_slider(
                "Random chords",
                PAIRS,
                value=PAIRS[2],
                key=f"{P}_pairs",
                bind="query-params",
                format_func=lambda v: f"{v:,}",
            )
    key, formula = choice.key, choice.formula
    try:
        xs, ys, eigs = eigen_grid(key, formula)
        test, profile = chords(key, formula, pairs, rtol)
    except ValueError as exc:  # BusyError: no turn came in time
        controls.show_problem(exc)
        return
    k = kinds(eigs, rtol)
    defined = max(int((k >= 0).sum()), 1)
    share = {name: float((k == i).sum()) / defined for i, name in enumerate(curvature.KINDS)}
    downhill = float((eigs[..., 0] < -rtol * np.abs(eigs).max(-1)).sum()) / defined
    evidence = pd.DataFrame(
        [{"test": f"share of map {n}", "value": v} for n, v in share.items()]
        + [
            {"test": "share of map curving downhill in some direction", "value": downhill},
            {"test": "share of chords that fail", "value": test.share_failed},
            {"test": "chords tested", "value": test.pairs},
        ]
    )

    a, b, c = st.columns(3)
    a.metric(
        "Curves downhill somewhere",
        "yes" if downhill > 0 else "no",
        delta=f"{downhill:.1%} of the map",
        delta_color="off",
        delta_arrow="off",
        help="Share of the map where some direction curves downward (a negative "
        "eigenvalue, beyond the tolerance).",
    )
    b.metric(
        "Chords that fail",
        f"{test.share_failed:.1%}",
        help=f"Out of {test.pairs:,} random chords with finite ends.",
    )
    convex = test.share_failed == 0 and downhill == 0
    c.metric("Verdict on this map", "no sign of non-convexity" if convex else "not convex")
    mapped, chord = st.columns(2)
    with mapped:
        draw(
            st, views.curvature_board, xs, ys, k, curvature.KINDS, choice.surface.bounds, test.worst
        )
        st.caption(
            " · ".join(f"{n}: {v:.1%}" for n, v in share.items() if v > 0)
            + f" — computed on a {CURVE_N}×{CURVE_N} grid."
        )
    with chord:
        if profile is None:
            st.success(
                "No chord failed: every sampled straight line stays on or above the "
                "surface, as a convex surface requires. (A sample cannot prove convexity "
                "everywhere, but one failure is enough to disprove it.)",
                icon=":material/check_circle:",
            )
        else:
            st.markdown("**The worst failing chord**")
            draw(st, views.chord_profile, profile)
            st.caption(
                f"The surface along the dashed chord drawn on the map: it rises "
                f"{test.worst_gap:.3g} above the chord at the cross. One such chord "
                "proves the surface is not convex."
            )
    frames = {"curvature and chord test": evidence}
    if profile is not None:
        frames["worst chord profile"] = profile
    classroom.export(f"{P}_evidence", frames, classroom.current_settings(P))


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
        "(1, 1) and (−1, −1) is the saddle, higher than both, so the chord test fails."
    )
    for col, (key, (x_title, y_title)) in zip(st.columns(2), MODELS.items()):
        try:
            test, _ = chords(key, "", PAIRS[2], RTOL)
            _, _, eigs = eigen_grid(key, "")
            xs, ys, z = surface_grid(key, "", MAP_N)
        except ValueError as exc:  # BusyError: no turn came in time
            with col:
                controls.show_problem(exc)
            continue
        bowl = float((kinds(eigs, RTOL) == 0).mean())
        s = controls.surface_for(key)
        with col:
            st.markdown(f"**{s.label}**")
            draw(st, views.surface_map, xs, ys, z, s.minima, 320, test.worst, x_title, y_title)
            st.caption(
                f"Bowl-shaped on {bowl:.0%} of the map; {test.share_failed:.1%} of "
                f"{test.pairs:,} chords fail."
            )
    st.markdown(
        "Multiplying weights — stacking layers — is one way to lose convexity, but not the only "
        "one: a single sigmoid neuron trained with squared error is already non-convex, and can "
        "have exponentially many local minima in the number of inputs (Auer, Herbster & Warmuth "
        "1996). Deep *linear* networks are a gentle case: Baldi & Hornik (1989) showed that their "
        "loss has no bad local minima, only saddles, like the one here."
    )


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
        "(Himmelblau), a ripple can trap it (Rastrigin), and near a saddle it crawls."
    )


def predict_section() -> None:
    s = controls.surface_for("himmelblau")
    options = [f"({m[0]:.2f}, {m[1]:.2f})" for m in s.minima]
    try:
        r = predict_run()
    except ValueError as exc:  # BusyError: no turn came in time
        controls.show_problem(exc)
        return
    answer = nearest_minimum(r["final"], s.minima)
    x, y = PREDICT_START
    classroom.predict(
        P,
        f"Himmelblau has four minima of equal depth. Plain gradient descent (learning rate "
        f"0.01) starts at ({x}, {y}). Which minimum will it reach after 500 steps?",
        options,
        answer,
        f"Running it gives ({r['final'][0]:.3f}, {r['final'][1]:.3f}). The nearest minimum to "
        "the start is not the one reached: the slope at the start points the walk elsewhere, and "
        "it follows the slope, not the distance. Try it on the map with the scene “Himmelblau: "
        "start decides” and a click at the start point.",
    )


def main() -> None:
    classroom.page_setup("Convex or not: why a bowl is easy", IDEA)
    classroom.scenes(P, SCENES)
    pick, about = st.columns([2, 3])
    with pick:
        choice = controls.surface_picker(P, DEFAULT_SURFACE)
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
        "- A learning rate above 2/L makes even the bowl diverge: the table says at which step."
    )
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
        'region turns "flat". Why is a tolerance that large a wrong answer too?'
    )
    predict_section()
    classroom.references(
        [
            (
                "Auer, P., Herbster, M. & Warmuth, M. K. (1996). Exponentially many local minima for "
                "single neurons. *Advances in Neural Information Processing Systems 8*."
            ),
            (
                "Baldi, P. & Hornik, K. (1989). Neural networks and principal component analysis: "
                "learning from examples without local minima. *Neural Networks* 2(1)."
            ),
            "Ackley, D. H. (1987). *A Connectionist Machine for Genetic Hillclimbing*. Kluwer.",
            "Boyd, S. & Vandenberghe, L. (2004). *Convex Optimization*. Cambridge University Press.",
            (
                "Dixon, L. C. W. & Szegö, G. P. (1978). The global optimization problem: an "
                "introduction. In *Towards Global Optimisation 2*. North-Holland."
            ),
            "Himmelblau, D. M. (1972). *Applied Nonlinear Programming*. McGraw-Hill.",
            "Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR*.",
            (
                "Lee, J. D., Simchowitz, M., Jordan, M. I. & Recht, B. (2016). Gradient descent only "
                "converges to minimizers. *COLT*."
            ),
            (
                "Nesterov, Y. (2004). *Introductory Lectures on Convex Optimization: A Basic Course*. "
                "Kluwer."
            ),
            (
                "Okabe, M. & Ito, K. (2008). *Color Universal Design*: the colour-blind-safe palette used "
                "in the charts."
            ),
            (
                "Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods. "
                "*USSR Computational Mathematics and Mathematical Physics* 4(5)."
            ),
            "Rastrigin, L. A. (1974). *Systems of Extremal Control*. Nauka.",
            (
                "Rosenbrock, H. H. (1960). An automatic method for finding the greatest or least value "
                "of a function. *The Computer Journal* 3(3)."
            ),
        ]
    )


main()
