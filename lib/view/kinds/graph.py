"""A computation graph as boxes and arrows, left to right: micrograd's draw_dot as a chart."""

from __future__ import annotations

import html
from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.kinds.base import EDGE, INK, Spec, compiled, named, with_data

BOX = 0.36  # half a box's side, in layout units (one unit between columns and rows)


def layers(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, tuple[int, float]]:
    """Left-to-right layout of a DAG: a node sits as far left as its longest path to the
    output allows (so a leaf stands next to the op that uses it); rows centred on 0."""
    to_end = dict.fromkeys(ids, 0)
    for _ in ids:  # longest-path relaxation; the graphs here have a handful of nodes
        for src, dst in edges:
            to_end[src] = max(to_end[src], to_end[dst] + 1)
    column = {node: max(to_end.values()) - to_end[node] for node in ids}
    by_column: dict[int, list[str]] = {}
    for node in ids:
        by_column.setdefault(column[node], []).append(node)
    return {
        node: (col, i - (len(members) - 1) / 2)
        for col, members in by_column.items()
        for i, node in enumerate(members)
    }


@compiled
def _graph(
    columns: int, half_rows: float, fills: tuple, description: str, height: int
) -> alt.LayerChart:
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    x_scale = alt.Scale(domain=[-0.5, columns + 0.5], nice=False)
    y_scale = alt.Scale(domain=[half_rows, -half_rows], nice=False)

    def x(field: str) -> alt.X:
        return alt.X(field=field, type="quantitative", scale=x_scale, axis=hidden)

    def y(field: str) -> alt.Y:
        return alt.Y(field=field, type="quantitative", scale=y_scale, axis=hidden)

    edges, boxes = alt.Chart(named("edges")), alt.Chart(named("boxes"))
    return alt.layer(
        edges.mark_rule(color=EDGE, strokeWidth=1.5).encode(
            x=x("x"), y=y("y"), x2=alt.X2(field="x2"), y2=alt.Y2(field="y2")
        ),
        boxes.mark_rect(cornerRadius=6, stroke="#4B5563").encode(
            x=x("x0"),
            x2=alt.X2(field="x1"),
            y=y("y0"),
            y2=alt.Y2(field="y1"),
            color=alt.Color(
                field="kind",
                type="nominal",
                legend=None,
                scale=alt.Scale(domain=[k for k, _ in fills], range=[v for _, v in fills]),
            ),
        ),  # fmt: skip
        edges.mark_point(shape="triangle-right", filled=True, size=60).encode(
            x=x("x2"), y=y("y2"), color=alt.value(EDGE)
        ),
        boxes.mark_text(
            lineBreak="\n",
            fontSize=12,
            color=INK,
            baseline="middle",
            dy=-14,  # centres three lines of text on the box
        ).encode(x=x("x"), y=y("y"), text=alt.Text(field="text")),  # fmt: skip
    ).properties(
        description=description,
        height=height,
        # The description says it all; box coordinates would not.
        config=alt.Config(aria=False),
    )


def graph(
    nodes: pd.DataFrame,
    edges: Sequence[tuple[str, str]],
    *,
    description: str,
    fills: dict[str, str],
    height: int = 300,
) -> Spec:
    """``nodes`` has columns id, kind (a key of ``fills``) and text (three lines, split by "\n").
    Drawn with Vega-Lite rather than Graphviz: the layout never changes as sliders move, so
    only the numbers are sent (Graphviz re-laid the graph out in the browser on every change,
    ~170 ms measured)."""
    place = layers(list(nodes["id"]), edges)
    boxes = nodes.assign(
        x=[place[n][0] for n in nodes["id"]],
        y=[place[n][1] for n in nodes["id"]],
    )
    boxes = boxes.assign(x0=boxes.x - BOX, x1=boxes.x + BOX, y0=boxes.y - BOX, y1=boxes.y + BOX)
    arrows = pd.DataFrame(
        {
            "x": [place[s][0] + BOX for s, _ in edges],
            "y": [place[s][1] for s, _ in edges],
            "x2": [place[d][0] - BOX for _, d in edges],
            "y2": [place[d][1] for _, d in edges],
        }
    )
    columns = max(p[0] for p in place.values())
    half_rows = max(abs(p[1]) for p in place.values()) + 0.5
    template = _graph(columns, half_rows, tuple(fills.items()), description, height)
    return with_data(template, boxes=boxes, edges=arrows)


def _dot_text(text: str) -> str:
    """``text`` safe inside a Graphviz HTML-like label."""
    return html.escape(text, quote=True)


def dot(
    nodes: Sequence[tuple[str, str, Sequence[str]]],
    edges: Sequence[tuple[str, str]],
    fills: dict[str, str],
    *,
    title: str = "",
    presenting: bool = False,
) -> str:
    """A computation graph in Graphviz's DOT, top to bottom: ``nodes`` are (id, kind, lines),
    the first line in bold, the box filled by ``fills[kind]``; ``edges`` run from input to
    output. Graphviz sizes every box to its text, so nothing spills out of a box on a phone or
    a projector, and the arrows never cross the text (issue 13: the hand-made layout did)."""
    size = 16 if presenting else 12
    # The title inside the drawing (a heading of its own would be one more element a move).
    heading = (
        f", label=<<b>{_dot_text(title)}</b>>, labelloc=t, labeljust=l, fontsize={size + 2},"
        ' fontname="Source Sans Pro, sans-serif"'
        if title
        else ""
    )
    lines = [
        "digraph {",
        '  graph [rankdir=TB, bgcolor="transparent", nodesep=0.25, ranksep=0.3, margin=0'
        + heading
        + "];",
        f'  node [shape=box, style="rounded,filled", color="#4B5563", fontcolor="{INK}",'
        f' fontname="Source Sans Pro, sans-serif", fontsize={size}, margin="0.12,0.05"];',
        f'  edge [color="{EDGE}", arrowsize=0.7];',
    ]
    for node_id, kind, text in nodes:
        head, *rest = (_dot_text(line) for line in text)
        label = "<br/>".join([f"<b>{head}</b>", *rest])
        lines.append(f'  "{node_id}" [label=<{label}>, fillcolor="{fills[kind]}"];')
    lines += [f'  "{src}" -> "{dst}";' for src, dst in edges]
    lines.append("}")
    return "\n".join(lines)
