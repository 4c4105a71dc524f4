"""Matrices side by side in their true shape: square cells on a signed (diverging) colour scale,
each with its number written in it, the row and column indices on the axes of those that have
axes (the others share their rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from lib.view.kinds.base import INK, Spec, compiled, named, with_data

# Diverging colours: orange positive, blue negative, white at zero.
SIGNED_SCHEME = "blueorange"


@dataclass(frozen=True)
class Block:
    """One matrix of the row: ``data`` has a row for each cell, with columns row, col (indices
    from 0), value (its colour) and label (the text written in it). The colours span
    [-bound, bound]. ``col_title`` names the column axis; without it, the block has no axes."""

    name: str  # the dataset's name
    data: pd.DataFrame
    title: Sequence[str]  # lines under the block
    bound: float
    col_title: str | None = None


def _block(
    name: str,
    rows: int,
    cols: int,
    title: tuple[str, ...],
    bound: float,
    col_title: str | None,
    row_title: str,
    cell: int,
) -> alt.LayerChart:
    position = {
        "x": alt.X(
            field="col",
            type="ordinal",
            title=col_title,
            scale=alt.Scale(domain=list(range(cols))),
            axis=alt.Axis(orient="top", labelAngle=0) if col_title else None,
        ),
        "y": alt.Y(
            field="row",
            type="ordinal",
            title=row_title,
            scale=alt.Scale(domain=list(range(rows))),
            axis=alt.Axis() if col_title else None,
        ),
    }
    cells = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            **position,
            color=alt.Color(
                field="value",
                type="quantitative",
                scale=alt.Scale(domain=[-bound, bound], scheme=SIGNED_SCHEME),
                legend=None,
            ),
        )
    )
    numbers = (
        alt.Chart()
        .mark_text(fontSize=11 if cell >= 36 else 9)
        .encode(
            **position,
            text=alt.Text(field="label", type="nominal"),
            # White on the strong colours at either end of the scale.
            color=alt.condition(
                f"abs(datum['value']) > {0.6 * bound}", alt.value("white"), alt.value(INK)
            ),
        )
    )
    return alt.layer(cells, numbers, data=named(name)).properties(
        title=alt.TitleParams(
            text=list(title), orient="bottom", anchor="middle", fontSize=12, lineHeight=15
        ),
        width=cell * cols,
        height=cell * rows,
    )


@compiled
def _matrices(
    blocks: tuple[tuple, ...], row_title: str, cell: int, description: str
) -> alt.HConcatChart:
    return (
        alt.hconcat(*(_block(*block, row_title, cell) for block in blocks), spacing=10)
        .resolve_scale(color="independent")
        .properties(description=description)
        .configure_view(stroke=None)
        .configure_axis(grid=False, ticks=False)
    )


def matrices(*blocks: Block, row_title: str, cell: int, description: str) -> Spec:
    """The ``blocks`` left to right, ``cell`` pixels a cell (so a block is as wide and tall as
    its matrix), each on its own signed colour scale. Rows are counted on ``row_title``'s axis,
    drawn by the blocks with axes."""
    options = tuple(
        (
            b.name,
            int(b.data["row"].max()) + 1,
            int(b.data["col"].max()) + 1,
            tuple(b.title),
            float(b.bound),
            b.col_title,
        )
        for b in blocks
    )
    template = _matrices(options, row_title, cell, description)
    return with_data(template, **{b.name: b.data for b in blocks})
