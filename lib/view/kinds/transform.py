"""A map of the plane drawn as what it does to a grid: the grid before (faint) and after (bold),
named points with their labels, and a dashed rule from one point to its image."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from lib.view.kinds.base import EDGE, MUTED, Spec, compiled, named, with_data

BEFORE = "#9CA3AF"  # the grid the map starts from, light grey


@compiled
def _grid_transform(
    x_title: str,
    y_title: str,
    colours: tuple[tuple[str, str], ...],
    moved: str,
    description: str,
    size: int,
) -> alt.LayerChart:
    # Both axes span exactly the data (the frame's corners among it), no nicer, no zero.
    scale = alt.Scale(nice=False, zero=False)

    def at(x: str = "p0", y: str = "p1", x_title=alt.Undefined, y_title=alt.Undefined) -> dict:
        return {
            "x": alt.X(field=x, type="quantitative", scale=scale, title=x_title),
            "y": alt.Y(field=y, type="quantitative", scale=scale, title=y_title),
        }

    lines = {
        "detail": alt.Detail(field="line", type="nominal"),
        "order": alt.Order(field="order", type="quantitative"),
    }
    grid, points = alt.Chart(named("grid")), alt.Chart(named("points"))
    return alt.layer(
        alt.Chart(named("frame")).mark_point(opacity=0, aria=False).encode(**at()),
        grid.transform_filter("datum.stage === 'before'")
        .mark_line(color=BEFORE, strokeWidth=1, opacity=0.6)
        .encode(**at(x_title=x_title, y_title=y_title), **lines),
        grid.transform_filter("datum.stage === 'after'")
        .mark_line(color=MUTED, strokeWidth=2.2)
        .encode(**at(), **lines),
        points.transform_filter(f"datum.name === '{moved}'")
        .mark_rule(color=EDGE, strokeDash=[4, 3])
        .encode(**at(), x2=alt.X2(field="q0"), y2=alt.Y2(field="q1")),
        points.mark_point(filled=True, size=90, opacity=1).encode(
            **at(),
            color=alt.Color(
                field="name",
                type="nominal",
                scale=alt.Scale(domain=[n for n, _ in colours], range=[c for _, c in colours]),
                legend=None,
            ),
        ),
        *(  # a white outline under each label keeps it readable over the grid lines
            points.mark_text(dx=10, dy=-10, fontSize=14, fontWeight="bold", **outline).encode(
                **at(), text=alt.Text(field="name", type="nominal")
            )
            for outline in ({"stroke": "white", "strokeWidth": 4}, {})
        ),
    ).properties(
        description=description,
        width=size,
        height=size,
        # The plot keeps its size x size square and the chart grows by its title and axes
        # (Streamlit's default "fit" squeezed the plot into size x size with them: flat, and
        # its two-line title cut at the top when presenting).
        autosize=alt.AutoSizeParams(type="pad"),
    )


def grid_transform(
    grid: pd.DataFrame,
    points: pd.DataFrame,
    half: float,
    *,
    x_title: str,
    y_title: str,
    colours: Mapping[str, str],
    moved: str,
    description: str,
    size: int = 300,
) -> Spec:
    """Square, with equal scales on both axes so angles look like angles.

    ``grid``: columns p0, p1 (a point), stage ("before" or "after" the map), line (which grid
    line) and order (along it). ``points``: name (a key of ``colours``, written by the point),
    p0, p1 and q0, q1, where the dashed rule from the point named ``moved`` ends (its image).
    The axes span [-half, half] from the data (invisible corners), not a domain in the spec,
    so a grid that outgrows the square changes the data, not the spec. ``size`` 300 with its
    axes fits a 390-pixel phone."""
    frame = pd.DataFrame({"p0": [-half, half], "p1": [-half, half]})
    template = _grid_transform(x_title, y_title, tuple(colours.items()), moved, description, size)
    return with_data(template, grid=grid, points=points, frame=frame)
