"""ui.cached_charts.draw sends exactly what st.altair_chart sends, and builds a chart once per
distinct input (a rerun with the same data does not call the builder again)."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import cached_charts, charts

CALLS: list[int] = []


def counted_loss_chart(df: pd.DataFrame, title: str = ""):
    CALLS.append(len(df))
    return charts.loss_chart(df, title=title)


SCRIPT = """
import numpy as np
import pandas as pd
import streamlit as st
from tests.test_cached_charts import counted_loss_chart
from ui import cached_charts, charts

steps = int(st.session_state.get("steps", 50))
df = pd.DataFrame({"run": np.repeat(["a", "b"], steps), "step": np.tile(np.arange(steps), 2),
                   "loss": np.exp(-np.arange(2 * steps) / 30.0)})
xs = np.linspace(-2, 2, 31)
z = np.add.outer(xs ** 2, xs ** 2)
st.altair_chart(charts.loss_chart(df, title="Loss"), width="stretch")
cached_charts.draw(st, counted_loss_chart, df, title="Loss")
st.altair_chart(charts.surface_heatmap(xs, xs, z, title="Bowl"), width="content")
cached_charts.draw(st, charts.surface_heatmap, xs, xs, z, title="Bowl", width="content")
"""


def drawn(at: AppTest) -> list:
    return [c.proto for c in at.get("vega_lite_chart")]


def test_draw_sends_what_altair_chart_sends():
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception
    plain_loss, cached_loss, plain_map, cached_map = drawn(at)
    for plain, cached in ((plain_loss, cached_loss), (plain_map, cached_map)):
        assert cached.spec == plain.spec
        assert [(d.name, d.data.data) for d in cached.datasets] == [
            (d.name, d.data.data) for d in plain.datasets
        ]


def test_a_chart_is_built_once_per_distinct_input():
    from tests import test_cached_charts as imported  # pytest's copy of this file is another module

    CALLS = imported.CALLS
    CALLS.clear()
    cached_charts._spec.clear()
    at = AppTest.from_string(SCRIPT).run()
    at.run()
    assert CALLS == [100], "a rerun with the same data built the chart again"
    at.session_state["steps"] = 60
    at.run()
    assert CALLS == [100, 120], "new data must give a new chart"
    loss = drawn(at)[1]
    assert loss.datasets[0].data.data == drawn(at)[0].datasets[0].data.data


def test_a_builder_that_reads_outside_its_arguments_is_refused():
    offset = 1.0
    with pytest.raises(TypeError, match="module-level"):
        cached_charts.draw(None, lambda: charts.loss_chart(pd.DataFrame({"x": [offset]})))

    def local(df):
        return charts.loss_chart(df)

    with pytest.raises(TypeError, match="module-level"):
        cached_charts.draw(None, local, pd.DataFrame({"step": [0], "loss": [np.e]}))
