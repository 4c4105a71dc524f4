"""Memory cells: rounded boxes placed freely on a plane measured in cells (a storage strip, a
tensor grid, blocks of grids), each coloured by the storage index it reads, so the same colour
links an element to its cell of storage wherever either is drawn. Each box has its value
written in it; the written ones are outlined. Free text (block names, storage indices) goes
where the layout puts it. No axes: the layout is the picture.

(The dict this replaced also had a ``fontWeight`` encoding, bold on written cells: Vega-Lite
has no such channel, Altair's schema rejects it and Vega-Lite drops it with a warning, so it
never drew anything. The outline is the cue.)"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.view.kinds.base import INK, Spec, compiled, named, with_data

UNIT_PX = 24  # the height of one cell row, in pixels
LABEL_INK = "#4B5563"  # the free text: grey, quieter than the values
FILL_OPACITY = 0.45  # light enough for the values written on the boxes to read


def _boxes(chart: alt.Chart, mark: str, colours: int, encoding: dict, **style) -> list:
    """A box per cell coloured by the storage index it reads (turbo over 0 .. colours - 1),
    with its tooltip, and an outline on the written ones: the part every cells chart shares.
    ``mark``: "rect" (boxes placed by x/x2/y/y2) or "bar" (on a band row)."""
    draw = getattr(chart, f"mark_{mark}")
    written = getattr(chart.transform_filter("datum.written"), f"mark_{mark}")
    return [
        draw(**style).encode(
            **encoding,
            color=alt.Color(
                field="source",
                type="quantitative",
                scale=alt.Scale(domain=[0, max(colours - 1, 1)], scheme="turbo"),
                legend=None,
            ),
            fillOpacity=alt.value(FILL_OPACITY),
            tooltip=alt.Tooltip(field="tip", type="nominal"),
        ),
        written(filled=False, strokeWidth=2, **style).encode(**encoding, color=alt.value(INK)),
    ]


@compiled
def _cells(
    colours: int, width_units: float, height_units: float, description: str
) -> alt.LayerChart:
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    x_scale = alt.Scale(domain=[0, width_units], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, height_units], nice=False, zero=False, reverse=True)

    def at(x: str, y: str) -> dict:
        return {
            "x": alt.X(field=x, type="quantitative", scale=x_scale, axis=hidden),
            "y": alt.Y(field=y, type="quantitative", scale=y_scale, axis=hidden),
        }

    box = {**at("x0", "y0"), "x2": alt.X2(field="x1"), "y2": alt.Y2(field="y1")}
    centre = at("cx", "cy")
    cells = alt.Chart(named("cells"))
    return (
        alt.layer(
            *_boxes(cells, "rect", colours, box, cornerRadius=3),
            cells.mark_text(fontSize=11 if width_units <= 30 else 9).encode(
                **centre,
                text=alt.Text(field="label", type="nominal"),
                color=alt.value(INK),
            ),
            alt.Chart(named("labels"))
            .mark_text(fontSize=10, color=LABEL_INK)
            .encode(**centre, text=alt.Text(field="text", type="nominal")),
        )
        .properties(
            description=description,
            height=int(height_units * UNIT_PX),
            padding={"left": 4, "right": 4, "top": 4, "bottom": 4},
        )
        # Every mark unnamed for a screen reader: the description names the picture.
        .configure(aria=False, view=alt.ViewConfig(stroke=None))
    )


def cells(
    data: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    colours: int,
    width_units: float,
    height_units: float,
    description: str,
) -> Spec:
    """Boxes on a plane ``width_units`` cells wide (the chart stretches to its container) and
    ``height_units`` cell rows of UNIT_PX pixels tall, y growing downwards.

    ``data`` (dataset "cells"): a row a box, with x0, x1, y0, y1 (its corners, in cell units),
    cx, cy (its centre), label (the text written in it), source (the storage index it reads,
    its colour on a turbo scale over 0 .. ``colours`` - 1), tip (its tooltip) and written (a
    bool: outlined). ``labels`` (dataset "labels"): free text, with cx, cy and
    text. Charts given the same ``width_units`` draw a cell at the same size (text smaller
    past 30 cells across)."""
    template = _cells(int(colours), float(width_units), float(height_units), description)
    return with_data(template, cells=data, labels=labels)


STRIP_CELL_PX = 22  # the narrowest a storage cell gets before the strip wraps to a new row
STRIP_ROW_PX = 46  # one row of cells and, under it, their storage indices


@compiled
def _strip(cells: int, description: str) -> alt.LayerChart:
    # The browser decides how many cells fit across (Vega's ``width`` signal is the chart's
    # width): one row on a laptop, two rows of 12 on a 390 px phone (not 24 cells of 14 px).
    # Rows are balanced: 48 cells that fit 21 across are three rows of 16, not 21 + 21 + 6.
    fits = f"max(4, floor(width / {STRIP_CELL_PX}))"
    per_row = alt.param(name="per_row", expr=f"ceil({cells} / ceil({cells} / {fits}))")
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    x_scale = alt.Scale(domain=[0, alt.ExprRef("per_row")], nice=False, zero=False)
    row = alt.Y(
        field="row", type="ordinal", axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)
    )
    box = {
        "x": alt.X(field="x0", type="quantitative", scale=x_scale, axis=hidden),
        "x2": alt.X2(field="x1"),
        "y": row,
    }
    centre = {"x": alt.X(field="cx", type="quantitative", scale=x_scale, axis=hidden), "y": row}
    base = alt.Chart().transform_calculate(
        row="floor(datum.index / per_row)",
        x0="datum.index % per_row + 0.06",
        x1="datum.index % per_row + 0.94",
        cx="datum.index % per_row + 0.5",
    )
    cell = {"height": UNIT_PX - 2, "yOffset": -10, "cornerRadius": 3}
    return (
        alt.layer(
            *_boxes(base, "bar", cells, box, **cell),
            base.mark_text(fontSize=11, dy=-10).encode(
                **centre, text=alt.Text(field="label", type="nominal"), color=alt.value(INK)
            ),
            base.mark_text(fontSize=10, dy=12, color=LABEL_INK).encode(
                **centre, text=alt.Text(field="index", type="nominal")
            ),
            data=named("storage"),
        )
        .add_params(per_row)
        .properties(
            description=description,
            height=alt.Step(STRIP_ROW_PX),
            padding={"left": 4, "right": 4, "top": 4, "bottom": 4},
        )
        .configure(aria=False, view=alt.ViewConfig(stroke=None))
    )


def storage_strip(data: pd.DataFrame, *, description: str) -> Spec:
    """A tensor's storage as a strip of cells in index order, each with its storage index
    under it, wrapping to as many rows as the chart's width needs (cells never narrower than
    STRIP_CELL_PX). ``data`` (dataset "storage"): a row a cell, in index order, with index
    (its storage index, 0 ..), label (the value written in it), source (its colour on a turbo
    scale over the cells), tip (its tooltip) and written (a bool: outlined)."""
    return with_data(_strip(len(data), description), storage=data)
