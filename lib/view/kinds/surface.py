"""A function of two variables as a heatmap on a square of the plane, with a path across it
(the steps shown solid, the rest of the run dashed) and marked points (start, minima, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import altair as alt
import pandas as pd

from lib.view.frame import presenting
from lib.view.kinds.base import EDGE, HIGHLIGHT, INK, Spec, compiled, named, with_data


class Marker(NamedTuple):
    """How the points of one ``kind`` are drawn."""

    kind: str
    shape: str
    size: int
    fill: str
    stroke: str


# An optimizer's run: the minima as white crosses, the start as a white circle, the point
# reached so far in the path's colour.
RUN_MARKERS = (
    Marker("minimum", "cross", 140, "#FFFFFF", INK),
    Marker("start", "circle", 130, "#FFFFFF", INK),
    Marker("current", "circle", 170, HIGHLIGHT, "#FFFFFF"),
)


@compiled
def _surface(
    lo: float,
    hi: float,
    count: int,
    bands: int,
    x_title: str,
    y_title: str,
    path_colour: str,
    rest_colour: str,
    markers: tuple[Marker, ...],
    description: str,
    size: int,
    pick: str | None = None,
) -> alt.LayerChart:
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)

    def at(x: str = "x", y: str = "y") -> dict:
        return {
            "x": alt.X(field=x, type="quantitative", scale=scale, title=x_title),
            "y": alt.Y(field=y, type="quantitative", scale=scale, title=y_title),
        }

    # The level in ``bands`` bands of colour, so that their edges read as contour lines.
    level = {
        "field": "level",
        "type": "quantitative",
        "scale": alt.Scale(
            type="quantize", domain=[0.0, 1.0], scheme=alt.SchemeParams(name="blues", count=bands)
        ),
        "legend": None,
    }
    width = (hi - lo) / count
    # The cell edges from its column and row, computed in the browser: three small columns of
    # data instead of five (less to serialise on every rerun).
    cells = (
        alt.Chart(named("cells"))
        .transform_calculate(
            x0=f"{lo} + datum.col * {width}",
            x1=f"{lo} + (datum.col + 1) * {width}",
            y0=f"{lo} + datum.row * {width}",
            y1=f"{lo} + (datum.row + 1) * {width}",
        )
        .mark_rect(strokeWidth=0.6)
        .encode(
            **at("x0", "y0"),
            x2=alt.X2(field="x1"),
            y2=alt.Y2(field="y1"),
            color=alt.Color(**level),
            stroke=alt.Stroke(**level),  # the same colour as an outline hides the seams
        )
    )
    if pick is not None:  # a click on a cell selects its column and row (the page reads them)
        cells = cells.add_params(
            alt.selection_point(name=pick, fields=["col", "row"], on="click")
        ).mark_rect(strokeWidth=0.6, cursor="pointer")
    path = alt.Chart(named("path"))
    step = alt.Order(field="step", type="quantitative")
    shown = path.transform_filter("datum.shown")
    return alt.layer(
        cells,
        path.mark_line(color=rest_colour, strokeWidth=1.5, clip=True, strokeDash=[4, 3]).encode(
            **at(), order=step
        ),
        shown.mark_line(color=path_colour, strokeWidth=2.5, clip=True).encode(**at(), order=step),
        shown.mark_point(filled=True, size=22, color=path_colour, clip=True).encode(**at()),
        *(
            alt.Chart(named("points"))
            .transform_filter(f"datum.kind == '{m.kind}'")
            .mark_point(
                shape=m.shape,
                size=m.size,
                filled=True,
                clip=True,
                fill=m.fill,
                stroke=m.stroke,
                strokeWidth=1.5,
                opacity=1,
            )
            .encode(**at())
            for m in markers
        ),
    ).properties(description=description, width=size, height=size)


def surface(
    cells: pd.DataFrame,
    path: pd.DataFrame,
    points: pd.DataFrame,
    *,
    domain: tuple[float, float],
    count: int,
    description: str,
    x_title: str = "x",
    y_title: str = "y",
    bands: int = 12,
    path_colour: str = HIGHLIGHT,
    rest_colour: str = EDGE,
    markers: Sequence[Marker] = RUN_MARKERS,
    size: int | None = None,
    pick: str | None = None,
) -> Spec:
    """The square ``domain`` x ``domain`` cut into ``count`` x ``count`` cells.

    ``cells``: col and row (from 0, from the low end of x and y) and level (0..1, the colour,
    in ``bands`` bands). ``path``: step, x, y and shown (the steps drawn solid, in order of
    step; the whole path is drawn dashed under them). ``points``: kind (one of the
    ``markers``'), x and y. Square, ``size`` pixels (by default fits a phone, or fills a
    projector when presenting); draw it at its own width so it stays square. ``pick``: the
    name of a point selection a click on a cell makes (its col and row), for
    ``show(..., on_select=...)``."""
    if size is None:
        size = 440 if presenting() else 330
    template = _surface(
        domain[0], domain[1], count, bands, x_title, y_title, path_colour, rest_colour,
        tuple(Marker(*m) for m in markers), description, size, pick,
    )  # fmt: skip
    return with_data(template, cells=cells, path=path, points=points)
