"""Bars with one category highlighted, each bar's value written above (or below) it."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import (
    HIGHLIGHT,
    INK,
    MUTED,
    Spec,
    compiled,
    named,
    quantitative,
    with_data,
)


@compiled
def _bars(
    x: str,
    y: str,
    highlight: str,
    x_title: str,
    y_title: str,
    y_domain: tuple | None,
    description: str,
    label: str | None,
    height: int,
    font_size: int,
    keep_order: bool,
    pick: str | None = None,
) -> alt.LayerChart:
    position = {
        "x": alt.X(
            field=x, type="ordinal", title=x_title, axis=alt.Axis(labelAngle=0),
            **({"sort": None} if keep_order else {}),
        ),
        "y": alt.Y(**quantitative(y, y_title, y_domain, clamp=True)),
    }  # fmt: skip
    hit = f"datum['{highlight}']"
    bar = (
        alt.Chart()
        .mark_bar(stroke=INK)
        .encode(
            **position,
            color=alt.condition(hit, alt.value(HIGHLIGHT), alt.value(MUTED)),
            strokeWidth=alt.condition(hit, alt.value(2.5), alt.value(0)),
        )
    )
    if pick is not None:  # a click on a bar selects its category (the page reads it)
        bar = bar.add_params(alt.selection_point(name=pick, fields=[x], on="click")).mark_bar(
            stroke=INK, cursor="pointer"
        )
    # Vega-Lite has no fontWeight channel (a condition on it was silently dropped, so the
    # highlighted value was never bold): the highlighted bar's value is a layer of its own.
    texts = [
        alt.Chart()
        .transform_filter(f"datum['{y}'] {op} 0 && {'' if bold else '!'}{hit}")
        .mark_text(dy=dy, fontSize=font_size, fontWeight="bold" if bold else "normal")
        .encode(**position, text=alt.Text(field=label or y, type="nominal"))
        for op, dy in ((">=", -7), ("<", 9))
        for bold in (False, True)
    ]
    room = []
    if y_domain is None:  # invisible points at 1.18x each bar stretch the axis for its label
        room = [
            alt.Chart()
            .transform_calculate(_room=f"datum['{y}'] * 1.18")
            .mark_point(opacity=0, aria=False)
            .encode(x=position["x"], y=alt.Y(field="_room", type="quantitative"))
        ]
    return alt.layer(bar, *texts, *room, data=named("bars")).properties(
        description=description, height=height
    )


def bars(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    highlight: str,
    x_title: str,
    y_title: str,
    y_domain: Sequence[float] | None,
    description: str,
    label: str | None = None,
    height: int = 260,
    keep_order: bool = False,
    pick: str | None = None,
) -> Spec:
    """Bars with one category highlighted (boolean column ``highlight``) and values written
    above positive bars and below negative ones. The highlight is not colour alone: its bar
    is outlined and its value written in bold. ``y_domain=None``: Vega takes it from the data
    (a spec that stays the same while the data changes), with 18% room for the labels.
    ``keep_order``: the bars in the data's order (a model's layers), not sorted by name.
    ``pick``: the name of a point selection a click on a bar makes (field ``x``), for
    ``show(..., on_select=...)``."""
    template = _bars(
        x, y, highlight, x_title, y_title,
        None if y_domain is None else tuple(float(v) for v in y_domain), description, label,
        height, 12 if len(data) <= 6 else 9, keep_order, pick,
    )  # fmt: skip
    return with_data(template, bars=data)
