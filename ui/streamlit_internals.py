"""The few private Streamlit functions the lab relies on, in one place.

requirements.txt pins the Streamlit minor version these were checked against (1.67); the tests
in tests/test_cached_charts.py and tests/test_gate.py fail if an upgrade changes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    get_script_run_ctx,
    in_cached_function,
)

__all__ = ["altair_to_vega_lite", "drawing_outside_cache", "in_script_run"]

#: Streamlit's own Altair → Vega-Lite conversion, the one `st.altair_chart` uses.
altair_to_vega_lite = _convert_altair_to_vega_lite_spec


def in_script_run() -> bool:
    """Whether this thread runs a page script (False in the start-up warm-up, a notebook)."""
    return get_script_run_ctx(suppress_warning=True) is not None


@contextmanager
def drawing_outside_cache() -> Iterator[None]:
    """Draw an element from inside an `st.cache_data` function without it being recorded for
    replay on a cache hit (a progress bar, a "wait your turn" note): Streamlit replays recorded
    elements on a hit, which fails for one that lives outside the function."""
    token = in_cached_function.set(False)
    try:
        yield
    finally:
        in_cached_function.reset(token)
