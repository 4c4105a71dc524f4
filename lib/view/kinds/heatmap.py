"""A grid of cells shaded by value on a fixed domain, each with its number written in it."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import INK, Spec, compiled, named, with_data


@compiled
def _heatmap(
    row: str,
    col: str,
    value: str,
    domain: tuple,
    title: str,
    description: str,
    label: str | None,
    size: int,
) -> alt.LayerChart:
    hidden_axis = alt.Axis(labels=False, ticks=False, domain=False)
    position = {
        "x": alt.X(field=col, type="ordinal", title=None, axis=hidden_axis),
        "y": alt.Y(field=row, type="ordinal", title=None, axis=hidden_axis),
    }
    dark_from = domain[0] + 0.6 * (domain[1] - domain[0])  # white text on dark cells
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            **position,
            color=alt.Color(
                field=value,
                type="quantitative",
                legend=None,
                scale=alt.Scale(domain=list(domain), scheme="blues"),
            ),
        )  # fmt: skip
    )
    numbers = (
        alt.Chart()
        .mark_text(fontSize=10)
        .encode(
            **position,
            text=alt.Text(field=label or value, type="nominal"),
            color=alt.condition(
                f"datum['{value}'] > {dark_from}", alt.value("white"), alt.value(INK)
            ),
        )
    )
    return alt.layer(cells, numbers, data=named("cells")).properties(
        description=description, title=title, width=size, height=size
    )


def heatmap(
    data: pd.DataFrame,
    *,
    row: str,
    col: str,
    value: str,
    domain: Sequence[float],
    title: str,
    description: str,
    label: str | None = None,
    size: int = 260,
) -> Spec:
    """A grid of cells coloured by ``value`` on a fixed domain, with the number (``label``
    column, default the value) written in each cell."""
    template = _heatmap(
        row, col, value, tuple(float(v) for v in domain), title, description, label, size
    )
    return with_data(template, cells=data)
