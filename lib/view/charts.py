"""Altair chart builders shared by the pages.

Typed encodings and fixed scale domains throughout: shorthand strings cost ~17 ms a chart to
build against ~5 ms typed (DESIGN.md), and fixed domains keep the axes still while a slider
moves, so what changes on screen is the data. Every chart carries a ``description``: Vega-Lite
puts it on the chart as its accessible name (alt text).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

# Okabe-Ito (the same list as .streamlit/config.toml), for charts that colour by a fixed role.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT, MUTED = "#D55E00", "#0072B2"


def show(chart: alt.TopLevelMixin, key: str) -> None:
    st.altair_chart(chart, key=key, width="stretch")


def _q(field: str, title: str, domain: Sequence[float] | None = None, **scale) -> dict:
    """Arguments of a quantitative channel with an optional fixed domain."""
    args = {"field": field, "type": "quantitative", "title": title}
    if domain is not None:
        args["scale"] = alt.Scale(domain=list(domain), nice=False, **scale)
    return args


def lines(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None,
    x_title: str,
    y_title: str,
    x_domain: Sequence[float],
    y_domain: Sequence[float] | None,
    description: str,
    palette: dict[str, str] | None = None,
    marks: pd.DataFrame | None = None,
    x_log: bool = False,
    height: int = 300,
) -> alt.LayerChart:
    """Line chart (one line per ``color`` value), optionally with highlighted points ``marks``
    (same columns) and a vertical rule at their x. ``palette`` pins each series to its colour,
    so a function keeps its colour whichever others are chosen."""
    x_scale = {"type": "log"} if x_log else {}
    encode = {
        "x": alt.X(**_q(x, x_title, x_domain, **x_scale)),
        "y": alt.Y(**_q(y, y_title, y_domain, clamp=True)),
    }
    if color is not None:
        scale = alt.Undefined
        if palette is not None:
            present = [name for name in palette if name in set(data[color])]
            scale = alt.Scale(domain=present, range=[palette[name] for name in present])
        legend = alt.Legend(orient="bottom", columns=4)
        encode["color"] = alt.Color(
            field=color, type="nominal", title=None, scale=scale, legend=legend
        )
    base = alt.Chart(data).mark_line(strokeWidth=2.5, clip=True).encode(**encode)
    layers = [base]
    if marks is not None and len(marks):
        layers.append(
            alt.Chart(marks)
            .mark_rule(strokeDash=[4, 4], color="#6B7280")
            .encode(x=alt.X(field=x, type="quantitative"))
        )
        layers.append(
            alt.Chart(marks).mark_point(size=90, filled=True, opacity=1, clip=True).encode(**encode)
        )
    return alt.layer(*layers).properties(height=height, description=description)


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
) -> alt.LayerChart:
    """A grid of cells coloured by ``value`` on a fixed domain, with the number (``label``
    column, default the value) written in each cell."""
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                field=col, type="ordinal", title=None, axis=alt.Axis(labels=False, ticks=False)
            ),
            y=alt.Y(
                field=row, type="ordinal", title=None, axis=alt.Axis(labels=False, ticks=False)
            ),
            color=alt.Color(
                field=value,
                type="quantitative",
                scale=alt.Scale(domain=list(domain), scheme="blues"),
                legend=None,
            ),
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontSize=10)
        .encode(
            x=alt.X(field=col, type="ordinal"),
            y=alt.Y(field=row, type="ordinal"),
            text=alt.Text(field=label or value, type="nominal"),
            color=alt.condition(
                f"datum['{value}'] > {domain[0] + 0.6 * (domain[1] - domain[0])}",
                alt.value("white"),
                alt.value("#1F2933"),
            ),
        )
    )
    return alt.layer(cells, text).properties(
        width=size, height=size, title=title, description=description
    )


def bars(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    highlight: str,
    x_title: str,
    y_title: str,
    y_domain: Sequence[float],
    description: str,
    label: str | None = None,
    height: int = 260,
) -> alt.LayerChart:
    """Bars with one category highlighted (boolean column ``highlight``) and values on top."""
    encode = {
        "x": alt.X(field=x, type="ordinal", title=x_title, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(**_q(y, y_title, y_domain, clamp=True)),
    }
    bar = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            **encode,
            color=alt.condition(f"datum['{highlight}']", alt.value(HIGHLIGHT), alt.value(MUTED)),
        )
    )
    size = 12 if len(data) <= 6 else 9
    # Values above a positive bar, below a negative one.
    above, below = (
        alt.Chart(data)
        .transform_filter(f"datum['{y}'] {op} 0")
        .mark_text(dy=dy, fontSize=size)
        .encode(**encode, text=alt.Text(field=label or y, type="nominal"))
        for op, dy in ((">=", -7), ("<", 9))
    )
    return alt.layer(bar, above, below).properties(height=height, description=description)
