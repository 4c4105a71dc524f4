"""A table of named rows as a heatmap: the rows named on the y axis, the columns counted on top,
each cell coloured by its value and labelled with it, and some rows outlined across the width."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import HIGHLIGHT, INK, Spec, compiled, named, with_data

ROW_STEP = 22  # px a row: the outline of a picked row lines up between tables drawn side by side


@compiled
def _table_heatmap(
    order: tuple[str, ...],
    title: str,
    subtitle: str,
    description: str,
    domain: tuple[float, float],
    colours: str | tuple[str, ...],
    dark: float,
) -> alt.LayerChart:
    position = {
        "x": alt.X(
            field="col",
            type="ordinal",
            title="j",
            axis=alt.Axis(labelAngle=0, ticks=False, domain=False, orient="top"),
        ),
        "y": alt.Y(
            field="row",
            type="ordinal",
            title=None,
            sort=list(order),
            axis=alt.Axis(ticks=False, domain=False, labelFontSize=11),
        ),
    }
    if isinstance(colours, str):
        scale = alt.Scale(domain=list(domain), scheme=colours, clamp=True)
    else:  # from the first colour at the bottom of the domain to the last at its top
        scale = alt.Scale(domain=list(domain), range=list(colours), interpolate="rgb", clamp=True)
    # White text where the colour is strong: both ends of a signed domain, the top of another.
    dark_test = f"abs(datum.value) > {dark}" if domain[0] < 0 else f"datum.value > {dark}"
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            **position,
            color=alt.Color(field="value", type="quantitative", scale=scale, legend=None),
        )
    )
    numbers = (
        alt.Chart()
        .mark_text(fontSize=10)
        .encode(
            **position,
            text=alt.Text(field="label", type="nominal"),
            color=alt.condition(dark_test, alt.value("white"), alt.value(INK)),
        )
    )
    # One outline per picked row, across the whole width. Often empty, and nothing a screen
    # reader could name: aria off.
    outlines = (
        alt.Chart()
        .transform_filter("datum.picked && datum.col == 0")
        .mark_rect(fill=None, stroke=HIGHLIGHT, strokeWidth=2.5, aria=False)
        .encode(y=position["y"], x=alt.XValue(0), x2=alt.X2Value("width"))
    )
    return alt.layer(cells, numbers, outlines, data=named("cells")).properties(
        description=description,
        title=alt.TitleParams(text=title, subtitle=subtitle, fontSize=13, anchor="start"),
        height=alt.Step(ROW_STEP),
    )


def table_heatmap(
    data: pd.DataFrame,
    *,
    order: Sequence[str],
    title: str,
    subtitle: str,
    description: str,
    domain: Sequence[float],
    colours: str | Sequence[str],
    dark: float,
) -> Spec:
    """A table, one line of ``data`` a cell: columns row (the row's name), col (its index j
    from 0), value (its colour), label (the text written in it) and picked (outline the row).
    Rows are drawn in ``order``, ``ROW_STEP`` pixels each; the columns share the width.

    The colours span ``domain`` (clamped beyond it): ``colours`` is a Vega scheme's name, or
    colours interpolated in RGB from the bottom of the domain to its top. Numbers are white
    where the colour is strong: beyond ±``dark`` on a signed domain, above ``dark`` on one
    that starts at 0 or more."""
    template = _table_heatmap(
        tuple(order),
        title,
        subtitle,
        description,
        (float(domain[0]), float(domain[1])),
        colours if isinstance(colours, str) else tuple(colours),
        float(dark),
    )
    return with_data(template, cells=data)
