"""The convex lesson page, run headless with AppTest: what it shows for defaults, every scene,
every surface, typed formulas (good, broken, partly undefined), diverging and escaping runs,
the largest settings every control allows, and tampered links."""

import pytest
from page_kit import metric, open_lesson, run, texts
from streamlit.testing.v1 import AppTest

from core import optimizers, surfaces


def open_page(query: dict | None = None) -> AppTest:
    return open_lesson("convex", query, timeout=60)


def outcomes(at: AppTest) -> dict[str, str]:
    """Optimiser label → "how it ended", from the results table."""
    table = at.dataframe[0].value
    return dict(zip(table["optimiser"], table["how it ended"]))


def final_points(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["final point"])


def choose(at: AppTest, surface: str, optimisers=None, steps=None, **lrs) -> AppTest:
    """Set the surface (which resets start and learning rates), then the other controls."""
    at.selectbox(key="descent_surface").set_value(surface)
    run(at)
    if optimisers is not None:
        at.multiselect(key="descent_optimizers").set_value(list(optimisers))
        run(at)
    if steps is not None:
        at.select_slider(key="descent_steps").set_value(steps)
    for name, lr in lrs.items():
        at.select_slider(key=f"descent_{name}_lr").set_value(lr)
    return run(at)


def test_defaults_run_three_optimisers_on_himmelblau():
    at = open_page()
    assert not at.error and not at.warning
    ended = outcomes(at)
    assert list(ended) == ["Gradient descent (lr 0.01)", "Momentum (lr 0.01)", "Adam (lr 0.1)"]
    assert set(ended.values()) == {"reached a global minimum"}
    # From (0, 0) plain GD and momentum end in different minima of the same surface.
    points = final_points(at)
    assert points[0] == "(3.000, 2.000)" and points[1] == "(3.584, -1.848)"
    assert metric(at, "Verdict on this map") == "not convex"


def test_every_scene_renders_and_shows_its_point():
    at = open_page()
    scenes = [b for b in at.button if (b.key or "").startswith("_ui_convex_scene_")]
    assert len(scenes) >= 5
    seen = {}
    for i in range(len(scenes)):
        button = next(b for b in at.button if b.key == f"_ui_convex_scene_{i}")
        label = button.label
        button.click()
        run(at)
        assert not at.error, (label, [e.value for e in at.error])
        seen[label] = (outcomes(at), metric(at, "Verdict on this map"), final_points(at))
    bowl = seen["Bowl: every path agrees"]
    assert set(bowl[0].values()) == {"reached a global minimum"}
    assert bowl[1] == "no sign of non-convexity"
    ravine = seen["Ravine: momentum vs plain GD"][0]
    assert ravine["Momentum (lr 0.1)"] == "reached a global minimum"
    assert ravine["Gradient descent (lr 0.09)"].startswith("still moving")
    assert len(set(seen["Himmelblau: start decides"][2])) == 2
    assert all("local minimum" in v for v in seen["Rastrigin traps gradient descent"][0].values())
    deep = seen["Deep linear: saddle at the origin"]
    assert deep[1] == "not convex" and deep[0] == {
        "Gradient descent (lr 0.0562)": "reached a global minimum"
    }
    assert seen["Too big a step"][0]["Gradient descent (lr 1.78)"].startswith("diverged at step")


def test_every_surface_gets_the_verdict_its_catalogue_entry_expects():
    at = open_page({"descent_steps": "50"})
    for key in surfaces.names():
        at.selectbox(key="descent_surface").set_value(key)
        run(at)
        assert not at.error, (key, [e.value for e in at.error])
        verdict = metric(at, "Verdict on this map")
        expected = "no sign of non-convexity" if surfaces.get(key).convex else "not convex"
        assert verdict == expected, key
        assert len(at.dataframe[0].value) == 3, key


def test_bowl_never_shows_rounding_noise_even_at_the_smallest_tolerance():
    at = open_page()
    for key in ("bowl", "logistic_2w"):
        choose(at, key, steps=50)
        at.select_slider(key="evidence_tolerance").set_value(1e-9)
        run(at)
        assert metric(at, "Curves downhill somewhere") == "no", key
        assert any("bowl-shaped: 100.0%" in c.value for c in at.caption), key


def test_custom_formula_is_drawn_and_tested():
    at = open_page()
    choose(at, "custom", steps=50)
    at.text_input(key="descent_formula").input("x**2 + 3*y**2")
    run(at)
    assert not at.error
    assert metric(at, "Verdict on this map") == "no sign of non-convexity"
    assert any("3" in tex.value and "y" in tex.value for tex in at.latex)


def test_broken_formula_shows_the_parser_message_and_keeps_the_last_good_surface():
    at = open_page()
    choose(at, "custom", steps=50)
    at.text_input(key="descent_formula").input("x**4 - x**2 + y**2")
    run(at)
    good = at.latex[0].value
    at.text_input(key="descent_formula").input("x**2 +* y")
    run(at)
    assert at.error, "a broken formula must show why"
    assert at.latex[0].value == good
    assert metric(at, "Verdict on this map") == "not convex"  # x⁴ − x² still drawn and tested


def test_formula_undefined_on_part_of_the_map_is_drawn_with_a_note():
    at = open_page()
    choose(at, "custom", steps=50)
    at.text_input(key="descent_formula").input("log(x) + y**2")
    run(at)
    note = texts(at.info)
    assert "not a finite number on 50%" in note
    assert metric(at, "Verdict on this map") == "not convex"  # log is concave where defined
    at.number_input(key="descent_x0").set_value(-1.0)
    run(at)
    assert set(outcomes(at).values()) == {
        "cannot start: the surface has no value at the start point"
    }


@pytest.mark.parametrize("formula", ["1", "x + y", "0*x"])
def test_flat_and_linear_formulas_do_not_break_the_curvature_map(formula):
    at = open_page()
    choose(at, "custom", steps=50)
    at.text_input(key="descent_formula").input(formula)
    run(at)
    assert not at.error
    assert metric(at, "Chords that fail") == "0.0%"


def test_diverging_learning_rate_reports_the_step_and_keeps_the_path_up_to_it():
    at = open_page()
    choose(at, "bowl", optimisers=["sgd", "adam"], sgd=3.16)
    ended = outcomes(at)
    assert ended["Gradient descent (lr 3.16)"] == "diverged at step 2"
    assert ended["Adam (lr 0.06)"] == "reached a global minimum"
    # From (−2.5, 2) each step multiplies the point by 1 − 2·3.16: the last point inside the
    # box (ten times the map) is the one after the first step; the path ends there.
    assert final_points(at)[0] == "(13.300, -10.640)"


def test_a_surface_that_falls_away_forever_says_escaped():
    at = open_page()
    choose(at, "saddle", optimisers=["sgd"])
    assert outcomes(at)["Gradient descent (lr 0.05)"].startswith("escaped at step")


def test_typed_start_point_decides_the_minimum():
    at = open_page()
    at.multiselect(key="descent_optimizers").set_value(["sgd"])
    at.number_input(key="descent_x0").set_value(-0.5)
    at.number_input(key="descent_y0").set_value(-0.5)
    run(at)
    assert final_points(at) == ["(-2.805, 3.131)"]


def test_predict_question_answer_comes_from_running():
    at = open_page()
    at.radio(key="convex_guess").set_value("(3.00, 2.00)")
    run(at)
    next(b for b in at.button if b.label == "Commit my guess").click()
    run(at)
    assert at.success and at.success[0].value.startswith("Right")
    # the explanation gives the distances it rests on (tests/test_claims_convex.py checks them)
    said = " ".join(at.success[0].value.split())
    assert "3.40 from the start" in said
    assert "The nearest minimum, (-2.81, 3.13), is only 3.18 away" in said


def step_note(at: AppTest) -> str:
    """The note beside the loss curves: what 2/L guarantees and what gradient descent did."""
    notes = [" ".join(m.value.split()) for m in at.markdown if "2/L ≈" in m.value]
    assert len(notes) == 1, notes
    return notes[0]


def test_step_note_says_what_two_over_l_guarantees_and_what_the_run_did():
    """Issue 15, item 9: 2/L is a guarantee for small steps, not a hard limit. At the defaults
    gradient descent runs at η = 0.01 > 2/L ≈ 0.00612 and still converges; the note says so,
    with the curvature the walk met (82.3, so η·λ = 0.82) computed."""
    at = open_page()
    note = step_note(at)
    assert "2/L ≈ 0.00612" in note and "a guarantee for small steps, not a limit" in note
    assert "Here η = 0.01 is above 2/L, and the run *reached a global minimum*" in note
    assert "the curvature was at most 82.3, so η·λ ≤ 0.82" in note
    theory = " ".join(texts(m for m in at.markdown if "Too large a step" in m.value).split())
    assert (
        "η = 0.01 is above 2/L = 0.00612, yet gradient descent reached a global minimum" in theory
    )
    next(b for b in at.button if b.label == "Bowl: every path agrees").click()
    note = step_note(run(at))
    assert "Here η = 0.1 is below 2/L; the loss rose on 0 of 300 recorded steps" in note


def test_largest_settings_run_or_are_refused_with_a_message():
    at = open_page()
    names = list(optimizers.names())
    choose(at, "bowl", optimisers=names, steps=1000, **{n: 3.16 for n in names})
    at.select_slider(key="evidence_chords").set_value(100_000)
    at.select_slider(key="evidence_tolerance").set_value(0.1)
    run(at)
    ended = outcomes(at) if at.dataframe else {}
    assert len(ended) == len(names) or at.warning, "every run is shown, or the refusal is"
    assert any(v.startswith("diverged") for v in ended.values())


def test_tampered_link_falls_back_to_defaults():
    at = open_page(
        {
            "descent_surface": "no such surface",
            "descent_x0": "zzz",
            "descent_y0": "1e309",
            "descent_steps": "7",
            "evidence_tolerance": "NaN",
            "evidence_chords": "-1",
            "descent_optimizers": ["nope", "__import__('os')"],
            "descent_formula": "x" * 5000,
            "descent_sgd_lr": "-1",
            "descent_log_loss": "maybe",
        }
    )
    assert not at.error
    assert at.selectbox(key="descent_surface").value == "himmelblau"
    assert at.select_slider(key="descent_steps").value == 300


def test_presentation_mode_renders_every_section():
    at = open_page({"present": "true"})
    assert not at.error
    assert at.toggle(key="present").value is True
    assert len(at.dataframe) == 1 and metric(at, "Verdict on this map") == "not convex"
