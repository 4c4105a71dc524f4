"""Horizontal bars of a quantity before and after a change, one row each, the "after" bar drawn
narrower inside the "before" one, and the limit the change enforces as a dashed rule."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import HIGHLIGHT, MUTED, Spec, compiled, named, with_data

BEFORE = "#CBD5E1"  # light grey: what was there
ROW_STEP = 22  # px a row, as table.py's rows (the two are drawn side by side)


@compiled
def _before_after_bars(
    order: tuple[str, ...],
    title: str,
    x_title: str,
    limit_field: str,
    description: str,
    dataset: str,
) -> alt.LayerChart:
    y = alt.Y(field="row", type="ordinal", title=None, sort=list(order))

    def bar(field: str, colour: str, size: int) -> alt.Chart:
        return (
            alt.Chart()
            .mark_bar(color=colour, size=size)
            .encode(y=y, x=alt.X(field=field, type="quantitative", title=x_title))
        )

    rule = (
        alt.Chart(named("limit"))
        .mark_rule(color=HIGHLIGHT, strokeDash=[5, 3], size=2)
        .encode(x=alt.X(field=limit_field, type="quantitative"))
    )
    return alt.layer(
        bar("before", BEFORE, 16), bar("after", MUTED, 8), rule, data=named(dataset)
    ).properties(
        description=description,
        title=alt.TitleParams(text=title, fontSize=13, anchor="start"),
        height=alt.Step(ROW_STEP),
    )


def before_after_bars(
    data: pd.DataFrame,
    *,
    limit: float,
    limit_field: str,
    order: Sequence[str],
    title: str,
    x_title: str,
    description: str,
    dataset: str = "bars",
) -> Spec:
    """One row of ``data`` a bar: columns row (its name), before and after (the values), drawn
    in ``order``. ``limit`` is drawn as a rule, from a dataset of its own whose one column is
    ``limit_field``: the limit and the axis (Vega fits it to the data) are not in the spec, so
    a slider that moves them changes the data only. ``dataset`` names the bars' dataset."""
    template = _before_after_bars(tuple(order), title, x_title, limit_field, description, dataset)
    limit_data = pd.DataFrame({limit_field: [float(limit)]})
    return with_data(template, **{dataset: data, "limit": limit_data})
