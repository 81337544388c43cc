"""Shared widgets and classroom helpers, driven through Streamlit's AppTest: defaults, links
(query parameters, including tampered ones), broken formulas, clicks, scenes, predict, export."""

import json
from io import StringIO

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import classroom, controls

DEFAULTS = "opt=adam|lr=0.01|hyper={'beta1': 0.9, 'beta2': 0.999}|seed=0|start=0.0,0.0"


def _app(script, **kwargs) -> AppTest:
    return AppTest.from_function(script, default_timeout=20, kwargs=kwargs or None)


def _shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def _no_problem(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# -- scripts (each runs as a page of its own) --------------------------------------------------


def pickers_page():
    import streamlit as st

    from ui import controls

    s = controls.surface_picker("t")
    o = controls.optimizer_picker("t", default_lr=s.surface.lr)
    seed = controls.seed_input("t_seed")
    x0, y0 = controls.start_inputs("t", s.surface)
    st.markdown(f"surface={s.key}|formula={s.formula}|label={s.surface.label}")
    st.markdown(f"opt={o.name}|lr={o.lr}|hyper={o.hyper_dict()}|seed={seed}|start={x0},{y0}")


def many_page():
    import streamlit as st

    from ui import controls

    chosen = controls.optimizers_picker("m", lr_for=lambda n: 0.02)
    st.markdown(";".join(f"{c.name}:{c.lr}:{c.hyper_dict()}" for c in chosen))


def click_page(x, y):
    import streamlit as st

    from core import surfaces
    from ui import controls

    x0, y0 = controls.start_inputs("c", surfaces.get("himmelblau"))
    st.markdown(f"start={x0},{y0}")
    if st.session_state.get("fake_click"):  # what st.altair_chart returns after a click
        controls.apply_click({"selection": {"start": [{"x": x, "y": y}]}}, "c")
    controls.apply_click({"selection": {"start": {}}}, "c")  # before any click


def classroom_page():
    from dataclasses import dataclass
    from typing import ClassVar

    import pandas as pd
    import streamlit as st

    from ui import classroom, controls, settings

    @dataclass(frozen=True)
    class K(settings.Settings):
        PREFIX: ClassVar[str] = "k"
        surface: str = "himmelblau"
        optimizer: str = "sgd"
        lr: float = 0.05
        x0: float = 0.0
        y0: float = 0.0

    present = classroom.page_setup("Title", "The idea.")
    scene = K(surface="rosenbrock", optimizer="sgd", lr=0.001, x0=1.0, y0=-0.5)
    classroom.scenes("k", {"Rosenbrock, SGD": (scene,)})
    with classroom.controls():
        s = controls.surface_picker("k")
        o = controls.optimizer_picker("k")
        x0, y0 = controls.start_inputs("k", s.surface)
    with classroom.section("One"):
        st.markdown(f"state={s.key}|{o.name}|{o.lr}|{x0},{y0}|present={present}")
    with classroom.section("Two"):
        st.markdown("second section")
    revealed = classroom.predict("k", "Which one?", ["A", "B"], "A", "Because A.")
    st.markdown(f"revealed={revealed}")
    classroom.export(
        "k",
        {"Paths": pd.DataFrame({"x": [1.0]}), "Loss": pd.DataFrame({"y": [2]})},
        classroom.current_settings(K),
    )
    st.markdown("settings=" + classroom.to_json(classroom.current_settings(K)))
    classroom.references(["Rosenbrock (1960)"])


def problem_page():
    from core import BudgetError
    from ui import controls

    controls.show_problem(BudgetError("too big"))
    controls.show_problem(ValueError("bad value"))


def snap_page():
    import streamlit as st

    from ui import controls

    if "s_lr" not in st.session_state:
        st.session_state["s_lr"] = 0.011  # e.g. a scene value that is not on the grid
    st.markdown(f"lr={controls.log_slider('lr', 's_lr', 1e-4, 1.0, 0.05)}")


# -- tests ------------------------------------------------------------------------------------


def test_pickers_defaults():
    at = _app(pickers_page).run()
    _no_problem(at)
    assert at.selectbox(key="t_surface").value == "himmelblau"
    assert "Himmelblau — non-convex" in at.selectbox(key="t_surface").options
    assert "Type your own formula" in at.selectbox(key="t_surface").options
    shown = _shown(at)
    assert "surface=himmelblau|formula=|label=Himmelblau" in shown
    assert DEFAULTS in shown


def test_pickers_read_the_link():
    at = _app(pickers_page)
    at.query_params.update(
        {
            "t_surface": "Rosenbrock — non-convex",
            "t_optimizer": "Momentum",
            "t_lr": "0.1",
            "t_momentum": "0.5",
            "t_seed": "7",
            "t_x0": "1.5",
            "t_y0": "-0.25",
        }
    )
    at.run()
    _no_problem(at)
    assert "opt=momentum|lr=0.1|hyper={'momentum': 0.5}|seed=7|start=1.5,-0.25" in _shown(at)
    assert at.selectbox(key="t_surface").value == "rosenbrock"


@pytest.mark.parametrize(
    "params",
    [
        {
            "t_surface": "no_such_surface",
            "t_optimizer": "lbfgs",
            "t_lr": "0.123",
            "t_seed": "abc",
            "t_x0": "1e9",
            "t_y0": "nan",
        },
        {"t_surface": "", "t_lr": "-1", "t_seed": "99999", "t_x0": "x", "t_beta1": "2"},
        {"t_surface": "custom", "t_formula": "__import__('os')", "t_lr": ["0.1", "1"]},
    ],
)
def test_tampered_links_fall_back_to_defaults(params):
    at = _app(pickers_page)
    at.query_params.update(params)
    at.run()
    _no_problem(at)
    assert DEFAULTS in _shown(at)


def test_custom_formula_error_keeps_the_last_good_surface():
    at = _app(pickers_page).run()
    at.selectbox(key="t_surface").set_value("custom").run()
    start = f"surface=custom|formula={controls.DEFAULT_FORMULA}"
    assert any(m.startswith(start) for m in _shown(at))
    at.text_input(key="t_formula").input("x**2 - y**2").run()
    assert "surface=custom|formula=x**2 - y**2|label=Your formula" in _shown(at)
    at.text_input(key="t_formula").input("x +* y").run()
    _no_problem(at)
    assert len(at.error) == 1
    assert "surface=custom|formula=x**2 - y**2|label=Your formula" in _shown(at)


def test_broken_formula_with_nothing_good_yet_uses_the_default_surface():
    at = _app(pickers_page)
    at.query_params.update({"t_surface": "Type your own formula", "t_formula": "z + 1"})
    at.run()
    _no_problem(at)
    assert at.text_input(key="t_formula").value == "z + 1"
    assert "z" in at.error[0].value
    assert "surface=himmelblau|formula=|label=Himmelblau" in _shown(at)


def test_new_surface_or_optimiser_resets_what_depends_on_it():
    at = _app(pickers_page)
    at.query_params.update({"t_x0": "2.0", "t_lr": "0.1"})  # the link keeps them: still reset
    at.run()
    assert at.number_input(key="t_x0").value == 2.0
    at.selectbox(key="t_surface").set_value("rosenbrock").run()
    assert at.number_input(key="t_x0").value == -1.5  # Rosenbrock's own start
    assert at.select_slider(key="t_lr").value == 0.001  # and its learning rate
    at.selectbox(key="t_optimizer").set_value("newton").run()
    assert "opt=newton|lr=0.001|hyper={'damping': 0.0001}" in _shown(at)[-1]


def rate_page():
    import streamlit as st

    from ui import controls

    o = controls.optimizer_picker(
        "r", default="newton", default_lr=lambda n: 1.0 if n == "newton" else 0.02
    )
    st.markdown(f"{o.label}")


def test_default_rate_may_depend_on_the_optimiser():
    at = _app(rate_page).run()
    assert _shown(at) == ["Newton (lr 1)"]
    at.selectbox(key="r_optimizer").set_value("sgd").run()
    assert _shown(at) == ["Gradient descent (lr 0.02)"]


def test_optimizers_picker_gives_each_its_own_rate():
    at = _app(many_page).run()
    _no_problem(at)
    assert _shown(at)[-1] == (
        "sgd:0.02:{};momentum:0.02:{'momentum': 0.9};adam:0.02:{'beta1': 0.9, 'beta2': 0.999}"
    )
    at.select_slider(key="m_adam_lr").set_value(0.1).run()
    at.number_input(key="m_momentum_momentum").set_value(0.5).run()
    assert _shown(at)[-1] == (
        "sgd:0.02:{};momentum:0.02:{'momentum': 0.5};adam:0.1:{'beta1': 0.9, 'beta2': 0.999}"
    )
    at.multiselect(key="m_optimizers").set_value([]).run()
    _no_problem(at)


def test_a_click_moves_the_start_point_once():
    at = _app(click_page, x=-3.0, y=2.5).run()
    assert "start=0.0,0.0" in _shown(at)
    at.session_state["fake_click"] = True
    at.run()  # reruns itself once after the click, then the same selection is ignored
    _no_problem(at)
    assert "start=-3.0,2.5" in _shown(at)
    assert at.number_input(key="c_x0").value == -3.0
    at.number_input(key="c_x0").set_value(1.0).run()  # a later edit is not undone by the old click
    assert "start=1.0,2.5" in _shown(at)


def test_clicked_point_reads_streamlit_selection():
    assert controls.clicked_point({"selection": {"start": [{"x": 1, "y": 2.5}]}}) == (1.0, 2.5)
    for empty in (
        {"selection": {"start": {}}},
        {"selection": {"start": []}},
        {},
        None,
        {"selection": {"start": [{"x": "nan", "y": 1}]}},
    ):
        assert controls.clicked_point(empty) is None


def test_scene_sets_every_widget():
    at = _app(classroom_page).run()
    _no_problem(at)
    assert at.button(key="_ui_k_scene_0").proto.type == "secondary"
    at.button(key="_ui_k_scene_0").click().run()
    _no_problem(at)
    assert "state=rosenbrock|sgd|0.001|1.0,-0.5|present=False" in _shown(at)
    assert at.button(key="_ui_k_scene_0").proto.type == "primary"  # the scene on show
    at.number_input(key="k_x0").set_value(0.5).run()
    assert at.button(key="_ui_k_scene_0").proto.type == "secondary"  # no longer the scene
    assert classroom.scene_names("k") == ["Rosenbrock, SGD"]


def test_log_slider_snaps_values_off_its_grid():
    at = _app(snap_page).run()
    _no_problem(at)
    assert "lr=0.01" in _shown(at)
    assert controls.log_values(1e-3, 1.0, 4, default=0.05) == [
        0.001,
        0.00178,
        0.00316,
        0.00562,
        0.01,
        0.0178,
        0.0316,
        0.05,
        0.0562,
        0.1,
        0.178,
        0.316,
        0.562,
        1.0,
    ]


def test_presentation_mode_folds_settings_and_shows_one_section():
    at = _app(classroom_page).run()
    opened = {e.label: e.proto.expanded for e in at.expander}
    assert not at.html and opened["Settings"]  # settings open; no extra CSS
    assert [m.value for m in at.subheader] == ["One", "Two"]
    at.toggle(key="present").set_value(True).run()
    _no_problem(at)
    assert at.html  # larger type
    labels = {e.label: e.proto.expanded for e in at.expander}
    assert labels["Settings"] is False and labels["One"] is True and labels["Two"] is False
    assert any("present=True" in m for m in _shown(at))


def test_predict_reveals_only_after_a_commit():
    at = _app(classroom_page).run()
    assert "revealed=False" in _shown(at) and at.button(key="_ui_k_commit").disabled
    at.radio(key="k_guess").set_value("B").run()
    assert "revealed=False" in _shown(at) and not at.info
    at.button(key="_ui_k_commit").click().run()
    assert "revealed=True" in _shown(at)
    assert "the answer is A" in at.info[0].value
    at.radio(key="k_guess").set_value("A")
    at.button(key="_ui_k_commit").click().run()
    assert "Because A." in at.success[0].value


def test_export_offers_csv_per_frame_and_settings_json():
    at = _app(classroom_page).run()
    at.radio(key="k_guess").set_value("A").run()
    labels = [b.proto.label for b in at.download_button]
    assert labels == ["Paths (CSV)", "Loss (CSV)", "Settings (JSON)"]
    settings = json.loads([m for m in _shown(at) if m.startswith("settings=")][0][9:])
    assert settings["k_surface"] == "himmelblau" and settings["k_lr"] == 0.05
    assert "k_guess" not in settings and not any(k.startswith("_ui") for k in settings)
    df = pd.DataFrame({"run": ["a", "b"], "loss": [0.5, float("nan")]})
    back = pd.read_csv(StringIO(classroom.to_csv(df)))
    pd.testing.assert_frame_equal(back, df)
    assert json.loads(classroom.to_json({"a": 1, "b": [0.1, "x"]})) == {"a": 1, "b": [0.1, "x"]}


def test_problems_are_shown_in_plain_words():
    at = _app(problem_page).run()
    _no_problem(at)
    assert at.warning[0].value == "too big" and at.error[0].value == "bad value"
