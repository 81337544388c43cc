"""The class view's charts (Altair, no Streamlit): the spread of the class's final losses, the
class's best-of-k curve and a poll's tally."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from ui.charts import PALETTE


def loss_histogram(losses: Sequence[float], height: int = 240) -> alt.Chart:
    """One bar per range of final loss: how many students' runs ended there."""
    df = pd.DataFrame({"loss": list(losses)})
    return (
        alt.Chart(df)
        .mark_bar(color=PALETTE[1])
        .encode(
            x=alt.X("loss:Q", bin=alt.Bin(maxbins=30), title="final loss"),
            y=alt.Y("count():Q", title="students' runs"),
            tooltip=[alt.Tooltip("count():Q", title="runs")],
        )
        .properties(height=height, description="Histogram of the class's final losses.")
    )


def best_of_k_chart(df: pd.DataFrame, height: int = 240) -> alt.Chart:
    """df from rooms.pooled.best_of_k: the class's curve (solid) against independence (dashed)."""
    names = list(pd.unique(df["series"]))
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("k:Q", title="k students", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "chance:Q", title="chance one of them succeeded", scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=PALETTE[: len(names)]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=300),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=names, range=[[1, 0], [6, 3]][: len(names)]),
                legend=None,
            ),
            tooltip=["series:N", "k:Q", alt.Tooltip("chance:Q", format=".2f")],
        )
        .properties(height=height, description="Best of k students against 1 − (1 − p)^k.")
    )


def tally_chart(
    counts: Sequence[tuple[str, int]], options: Sequence[str], answer: str | None
) -> alt.Chart:
    """A bar per option with the number of students who chose it (counts: (option, n) pairs,
    hashable for the chart cache); the answer, once revealed, in its own colour."""
    counts = dict(counts)
    df = pd.DataFrame(
        {
            "option": list(options),
            "students": [int(counts.get(o, 0)) for o in options],
            "answer": [o == answer for o in options],
        }
    )
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=list(options), title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("students:Q", title="students", axis=alt.Axis(tickMinStep=1)),
            color=alt.condition(alt.datum.answer, alt.value(PALETTE[2]), alt.value(PALETTE[1])),
            tooltip=["option:N", "students:Q"],
        )
        .properties(height=40 * len(options) + 30, description="The class's guesses, counted.")
    )
