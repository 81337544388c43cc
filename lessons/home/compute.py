"""Home's one live picture: four Adam runs started close together on Himmelblau's function."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core import descent, surfaces
from ui import charts

#: Four starts close together around Himmelblau's central hill.
STARTS = ((0.0, 0.0), (-0.5, 0.5), (-1.0, -1.0), (0.0, -1.5))


class Walks(NamedTuple):
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    minima: list
    paths: pd.DataFrame  # charts.run_frame: run, step, x, y, loss
    reached: tuple[int, ...]  # for each run, the index of the nearest minimum where it ended


@st.cache_data(max_entries=1, show_spinner="Four optimisers walking downhill…")
def four_walks() -> Walks:
    """The surface on an 81×81 grid (enough for a picture this size) and four Adam runs on it,
    computed once per server."""
    s = surfaces.get("himmelblau")
    xs, ys, z = s.grid(81)
    run = descent.run(
        s,
        torch.tensor(STARTS, dtype=torch.float64),
        optimizer="adam",
        lr=0.1,
        steps=200,
        record_every=2,
    )
    labels = [f"start ({x:g}, {y:g})" for x, y in STARTS]
    minima = torch.tensor([m[:2] for m in s.minima], dtype=torch.float64)
    reached = torch.cdist(run.final, minima).argmin(dim=1)
    return Walks(
        xs.numpy(),
        ys.numpy(),
        z.numpy(),
        s.minima,
        charts.run_frame(run, labels),
        tuple(int(i) for i in reached),
    )


def ending(reached: tuple[int, ...]) -> str:
    """How the runs ended, in words, from the minima they reached."""
    distinct = len(set(reached))
    if distinct == len(reached):
        return "and each walks down into a different minimum"
    if distinct == 1:
        return "and all of them walk down into the same minimum"
    return f"and between them they reach {distinct} different minima"
