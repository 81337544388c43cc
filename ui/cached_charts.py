"""Charts whose Vega-Lite specification is built once per distinct input, then sent as it is.

A rerun whose numbers all come from the cache still built every Altair chart again and turned it
into a Vega-Lite specification, which Altair checks piece by piece against its schema: about two
thirds of the CPU of such a rerun (profiles of the Restarts and Network landscape pages, 0.4-0.55
s a rerun). With 30 students on one server that is most of its time. `draw` caches the finished
specification (with its data already in Arrow form) by the builder and its arguments, so a
repeated chart costs a hash of its inputs and one small JSON dump.

The conversion is Streamlit's own, the one `st.altair_chart` uses (a private function of
Streamlit 1.67); tests/test_cached_charts.py checks that `draw` sends what `st.altair_chart`
sends, so a Streamlit upgrade that changes it fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import altair as alt
import streamlit as st

from ui.streamlit_internals import altair_to_vega_lite


@st.cache_resource(max_entries=256, show_spinner=False)
def _spec(name: str, args: tuple, kwargs: dict, _build: Callable[..., alt.TopLevelMixin]) -> dict:
    """The Vega-Lite spec of _build(*args, **kwargs); `name` stands for _build in the key."""
    return altair_to_vega_lite(_build(*args, **kwargs))


def draw(
    where,
    build: Callable[..., alt.TopLevelMixin],
    *args,
    width: int | Literal["stretch", "content"] = "stretch",
    key: str | None = None,
    on_select: Literal["ignore", "rerun"] = "ignore",
    selection_mode=None,
    **kwargs,
):
    """`where.altair_chart(build(*args, **kwargs), width=…)`, with the spec cached.

    `build` must be a module-level function of its arguments alone (no lambda, no closure):
    the cache knows it by name, so anything it read from elsewhere would not be in the key.
    Returns what st.vega_lite_chart returns (the selection state when on_select="rerun")."""
    if build.__name__ == "<lambda>" or build.__closure__ or "<locals>" in build.__qualname__:
        raise TypeError(f"draw() needs a module-level chart builder, not {build.__qualname__}")
    spec = _spec(f"{build.__module__}.{build.__qualname__}", args, kwargs, build)
    return where.vega_lite_chart(
        spec=dict(spec), width=width, key=key, on_select=on_select, selection_mode=selection_mode
    )
