"""A loss after each step on a log axis, as a run is stepped through: the steps shown solid, the
rest of the run dashed, the current step as a point, a bound as a dashed rule."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.view.kinds.base import EDGE, HIGHLIGHT, MUTED, Spec, compiled, named, with_data


@compiled
def _loss_curve(
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    floor: float,
    ceiling: float,
    description: str,
    height: int,
) -> alt.LayerChart:
    at = {
        "x": alt.X(
            field=x,
            type="quantitative",
            title=x_title,
            # No domain in the spec (it would change with the number of steps): Vega takes it
            # from the data, and the invisible "extent" rule keeps it when a run stops early.
            scale=alt.Scale(nice=False, zero=True),
            axis=alt.Axis(tickMinStep=1),
        ),
        "y": alt.Y(
            field=y,
            type="quantitative",
            title=y_title,
            scale=alt.Scale(type="log", domain=[floor, ceiling], nice=False),
            axis=alt.Axis(format=".0e"),
        ),
    }
    losses = alt.Chart(named("losses"))
    return alt.layer(
        alt.Chart(named("extent")).mark_rule(strokeOpacity=0, aria=False).encode(x=at["x"]),
        alt.Chart(named("bound")).mark_rule(color=HIGHLIGHT, strokeDash=[2, 4]).encode(y=at["y"]),
        losses.mark_line(color=EDGE, strokeWidth=1.5, strokeDash=[4, 3]).encode(**at),
        losses.transform_filter("datum.shown").mark_line(color=MUTED, strokeWidth=2.5).encode(**at),
        losses.transform_filter("datum.current")
        .mark_point(filled=True, size=120, color=HIGHLIGHT)
        .encode(**at),
    ).properties(description=description, height=height)


def loss_curve(
    losses: pd.DataFrame,
    steps: int,
    *,
    bound: float,
    floor: float,
    ceiling: float,
    x_title: str,
    y_title: str,
    description: str,
    x: str = "step",
    y: str = "loss",
    height: int = 330,
) -> Spec:
    """``losses``: columns ``x`` (the step), ``y`` (the loss, already clipped to [floor,
    ceiling]: the log axis spans exactly that), shown and current (booleans). The x axis
    spans [0, steps] even when the run stopped before ``steps``; the rule is at ``bound``."""
    template = _loss_curve(
        x, y, x_title, y_title, float(floor), float(ceiling), description, height
    )
    return with_data(
        template,
        losses=losses,
        bound=pd.DataFrame({y: [bound]}),
        extent=pd.DataFrame({x: [0, steps]}),
    )
