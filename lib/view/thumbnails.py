"""Small live pictures for the home page's lesson map: each lesson's view draws its own
(``thumbnail()``, from its PyTorch functions, for its default state); cached once per process and
language here."""

from __future__ import annotations

import streamlit as st
import torch

from lib.lessons import BY_PATH
from lib.view import kinds

HEIGHT = 150


def matrix(values: torch.Tensor, description: str) -> kinds.Spec:
    """A 2-D tensor as an unlabelled heatmap on its own value range."""
    cells = kinds.long_table(values, label=None)
    low, high = float(values.min()), float(values.max())
    return kinds.heatmap(
        cells,
        row="row",
        col="col",
        value="value",
        label="label",
        domain=(low, high if high > low else low + 1),
        title="",
        description=description,
        size=HEIGHT - 20,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def thumbnail(lesson: str, lang: str) -> kinds.Spec | None:
    """The picture for ``lesson`` (``lang`` only keys the cache: alt texts are translated), drawn
    by the lesson's own ``view.thumbnail()``."""
    from lib.view.lesson import view_of  # the views import this module

    builder = getattr(view_of(BY_PATH[lesson]), "thumbnail", None)
    return kinds.compact(builder()) if builder else None
