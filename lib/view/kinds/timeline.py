"""A quantity over time as a heatmap: rows (hidden units, input features) by time steps, coloured
on a fixed domain with a legend, one step outlined, and in each cell its number where it fits
(else its sign: colour is never the only cue)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import INK, Spec, compiled, named, with_data

ROW_STEP = 18  # px a row
# A cell is wide enough for "-0.00": decided in the browser from the chart's width, the number
# of steps read from the data (so the spec says no size).
NUMBERS_FIT = "width / datum.steps >= 26"


@compiled
def _time_heatmap(
    title: str,
    step_title: str,
    rows_title: str,
    domain: tuple[float, float],
    scheme: str,
    numbers: bool,
    description: str,
) -> alt.LayerChart:
    x = alt.X(
        field="step",
        type="ordinal",
        title=step_title,
        axis=alt.Axis(labelAngle=0, labelOverlap=True),
    )
    y = alt.Y(field="unit", type="ordinal", title=rows_title, axis=alt.Axis(labelOverlap=False))
    lo, hi = domain
    dark = 0.55 * max(abs(lo), abs(hi))  # white text where the colour is strong
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                field="value",
                type="quantitative",
                scale=alt.Scale(domain=[lo, hi], scheme=scheme, clamp=True),
                # The gradient as tall as the chart (a size slider changes the data only).
                legend=alt.Legend(title=None, gradientLength=alt.ExprRef(expr="max(40, height)")),
            ),
            tooltip=[
                alt.Tooltip(field="step", type="ordinal", title="t"),
                alt.Tooltip(field="unit", type="ordinal", title=rows_title),
                alt.Tooltip(field="value", type="quantitative", format=".4f"),
            ],
        )
    )
    focus = (
        alt.Chart(named("focus"))
        .mark_rect(fill=None, stroke=INK, strokeWidth=2)
        .encode(x=alt.X(field="step", type="ordinal"))
    )
    # White text on the dark ends of the colour scale, ink elsewhere.
    ink = alt.condition(
        f"abs(datum.value - {(lo + hi) / 2}) > {dark}", alt.value("white"), alt.value(INK)
    )
    layers = [cells, focus]
    if numbers:
        layers.append(
            alt.Chart()
            .mark_text(fontSize=9)
            .encode(
                x=x,
                y=y,
                # Only where a cell is wide enough for "-0.00": the chart knows its width.
                opacity=alt.condition(NUMBERS_FIT, alt.value(1), alt.value(0)),
                text=alt.Text(field="label", type="nominal"),
                color=ink,
            )
        )
    # Where no number fits, the sign is written instead: on a signed scale only (a gate in (0, 1)
    # would read "+" in every cell, which says nothing).
    numbers_fit = NUMBERS_FIT if numbers else "false"
    if lo < 0:
        layers.append(
            alt.Chart()
            .transform_calculate(sign="datum.value > 0.005 ? '+' : datum.value < -0.005 ? '−' : ''")
            .mark_text(fontSize=11)
            .encode(
                x=x,
                y=y,
                opacity=alt.condition(numbers_fit, alt.value(0), alt.value(1)),
                text=alt.Text(field="sign", type="nominal"),
                color=ink,
            )
        )
    return alt.layer(*layers, data=named("cells")).properties(
        description=description, title=title, height=alt.Step(ROW_STEP)
    )


def time_heatmap(
    data: pd.DataFrame,
    *,
    focus: int,
    title: str,
    step_title: str,
    rows_title: str,
    domain: Sequence[float],
    scheme: str,
    numbers: bool,
    description: str,
) -> Spec:
    """Rows by time steps, one line of ``data`` a cell: columns step, unit (the row), value,
    label (its number, written when ``numbers`` and the cell is wide enough) and steps (how
    many there are). The colours span ``domain`` (clamped beyond it) in the Vega ``scheme``;
    step ``focus`` is outlined. The sizes are not in the spec (the legend follows the chart's
    height, the cells' width test reads the number of steps from the data), so a slider that
    changes them changes the data only."""
    template = _time_heatmap(
        title,
        step_title,
        rows_title,
        (float(domain[0]), float(domain[1])),
        scheme,
        numbers,
        description,
    )
    return with_data(template, cells=data, focus=pd.DataFrame({"step": [focus]}))
