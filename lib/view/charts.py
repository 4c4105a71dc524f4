"""Vega-Lite chart builders shared by the pages.

The specs are plain dicts with typed encodings, fixed scale domains and *named* datasets:
- building a dict costs well under a millisecond, against ~20 ms for Altair's schema validation
  on every rerun (measured with py-spy on the autograd page);
- fixed domains keep the axes still while a slider moves, so what changes on screen is the data;
- with the same spec and dataset names from one rerun to the next, only data changes.
Streamlit turns each named DataFrame in ``datasets`` into Arrow. Every chart carries a
``description``, which Vega-Lite puts on the chart as its accessible name (alt text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lib.view.frame import presenting

# Okabe-Ito (the same list as .streamlit/config.toml), for charts that colour by a fixed role.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT, MUTED, INK = "#D55E00", "#0072B2", "#1F2933"
# For lines: Okabe-Ito with black before the yellow, darkened because #F0E442 is too faint for a
# thin line on white.
LINE_COLOURS = [*OKABE_ITO[:6], "#000000", "#B59F00"]


# Colour is never the only cue: each series also gets its own dash pattern, in the same order as
# the colours, and the legend draws each series' line (colour and dash). Point shapes per series
# were tried: Vega-Lite merges their legend into the lines' one and shows blobs, not dashes.
LINE_DASHES = [
    [1, 0],
    [7, 3],
    [2, 2],
    [8, 3, 2, 3],
    [12, 4],
    [4, 4, 1, 4],
    [1, 4],
    [6, 2, 2, 2, 2, 2],
]


def palette(names) -> dict[str, str]:
    """A fixed colour per series name, so a series keeps its colour whichever others are shown."""
    return {name: LINE_COLOURS[i % len(LINE_COLOURS)] for i, name in enumerate(names)}


Spec = dict


# Presenter mode: larger chart text and thicker lines, readable from the back of a classroom.
PRESENTER_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 18},
    "legend": {"labelFontSize": 16, "symbolSize": 200},
    "title": {"fontSize": 20},
}
PRESENTER_SCALE = 1.6


def _enlarged(spec: Spec) -> Spec:
    """A copy of ``spec`` with every mark's stroke width and font size scaled up."""

    def walk(node):
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items() if k != "datasets"}
            if "datasets" in node:
                out["datasets"] = node["datasets"]  # data untouched (and not copied)
            mark = out.get("mark")
            if isinstance(mark, dict):
                for prop in ("strokeWidth", "fontSize"):
                    if prop in mark:
                        mark[prop] = round(mark[prop] * PRESENTER_SCALE, 1)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    enlarged = walk(spec)
    enlarged["config"] = {**PRESENTER_CONFIG, **enlarged.get("config", {})}
    return enlarged


def compact(spec: Spec) -> Spec:
    """The same chart without axes and legend: a thumbnail."""
    config = {**spec.get("config", {}), "axis": {"disable": True}, "legend": {"disable": True}}
    return {**spec, "config": config}


def _unnamed_marks_hidden(spec: Spec) -> Spec:
    """``spec`` with ``aria: false`` on the marks a screen reader could not name.

    Vega gives a mark's container role=graphics-symbol and no name unless the mark itself says
    ``aria: false`` (seen in the DOM here): an empty layer (nothing to draw) and every mark of a
    chart with ``config.aria: false`` (which Vega-Lite applies to the items, not the mark) would
    be read as unnamed images (axe: svg-img-alt). The chart's ``description`` still names it.
    """
    layers = spec.get("layer")
    if not layers:
        return spec
    datasets = spec.get("datasets", {})
    everything = spec.get("config", {}).get("aria") is False

    def silent(layer: dict) -> bool:
        name = (layer.get("data") or spec.get("data") or {}).get("name")
        return everything or (name in datasets and len(datasets[name]) == 0)

    def hidden(mark) -> dict:
        return {**(mark if isinstance(mark, dict) else {"type": mark}), "aria": False}

    return {
        **spec,
        "layer": [
            {**lay, "mark": hidden(lay["mark"])} if "mark" in lay and silent(lay) else lay
            for lay in layers
        ],
    }


def show(spec: Spec, key: str, width: str = "stretch") -> None:
    """Draw a spec; ``width="content"`` keeps the spec's own width (true-shape matrices)."""
    spec = _unnamed_marks_hidden(spec)
    if presenting():
        spec = _enlarged(spec)
    st.vega_lite_chart(spec, key=key, width=width)


def _quantitative(field: str, title: str, domain: Sequence[float] | None, **scale) -> dict:
    channel = {"field": field, "type": "quantitative", "title": title}
    if domain is not None:
        channel["scale"] = {"domain": [float(v) for v in domain], "nice": False, **scale}
    return channel


LEGEND_MAX_COLUMNS = 4


def _em_width(text: str, latin: float = 0.6) -> float:
    """The widest line of ``text`` in ems, on the safe side: a CJK character is 1 em wide,
    anything else at most ``latin`` em in the chart fonts (measured: 0.42-0.48 for the legends'
    lower-case names, 0.5 for digits)."""
    return max(
        sum(1.0 if unicodedata.east_asian_width(c) in "WF" else latin for c in line)
        for line in text.split("\n")
    )


def _legend_columns(names: Sequence[str]) -> str:
    """Vega expression: the most legend columns (up to LEGEND_MAX_COLUMNS) whose rows fit the
    chart's ``width``, so a phone, above all in presenter mode, wraps the legend onto more rows
    instead of cutting it. With k columns, column j holds entries j, j + k, ...; a column is as
    wide as its widest entry: its stroke, gaps and label (measured in Chromium: 42 px besides
    the label, 44 taken; labels at 14 px, 16 px when presenting)."""
    font = PRESENTER_CONFIG["legend"]["labelFontSize"] if presenting() else 14
    entries = [44 + font * _em_width(str(name), latin=0.5) for name in names] or [0.0]
    most = max(1, min(LEGEND_MAX_COLUMNS, len(entries)))
    rule = "1"
    for k in range(2, most + 1):
        need = sum(max(entries[j::k]) for j in range(k))
        rule = f"width + 20 >= {need:.0f} ? {k} : ({rule})"
    return rule


def lines(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None,
    x_title: str,
    y_title: str,
    x_domain: Sequence[float] | None,
    y_domain: Sequence[float] | None,
    description: str,
    palette: dict[str, str] | None = None,
    marks: pd.DataFrame | None = None,
    x_log: bool = False,
    height: int = 300,
) -> Spec:
    """Line chart (one line per ``color`` value), optionally with highlighted points ``marks``
    (same columns) and a vertical rule at their x. ``palette`` pins each series to its colour,
    so a function keeps its colour whichever others are chosen. ``x_domain=None``: the x axis
    spans the data exactly, computed by Vega, so a plotted range set by a slider changes the
    data and not the spec."""
    log = {"type": "log"} if x_log else {}
    encoding = {
        "x": _quantitative(x, x_title, x_domain, **log)
        if x_domain is not None
        else {"field": x, "type": "quantitative", "title": x_title,
              "scale": {"nice": False, "zero": False, **log}},
        "y": _quantitative(y, y_title, y_domain, clamp=True),
    }  # fmt: skip
    point_encoding = encoding
    if color is not None:
        # Each series pinned to its colour and dash by its place in ``palette`` (else by order
        # of appearance).
        names = list(palette) if palette is not None else list(dict.fromkeys(data[color]))
        shown = set(data[color])
        present = [(i, name) for i, name in enumerate(names) if name in shown]

        def channel(values: list, legend: dict | None) -> dict:
            return {
                "field": color,
                "type": "nominal",
                "title": None,
                "legend": legend,
                "scale": {
                    "domain": [name for _, name in present],
                    "range": [values[i % len(values)] for i, _ in present],
                },
            }

        legend = {
            "orient": "bottom",
            "columns": {"expr": _legend_columns([name for _, name in present])},
            "symbolType": "stroke",
            "symbolStrokeWidth": 2.5,
            "symbolSize": 500,  # a stroke long enough to show its dash pattern
        }
        colours = [palette[name] for name in names] if palette is not None else LINE_COLOURS
        encoding["color"] = channel(colours, legend)
        encoding["strokeDash"] = channel(LINE_DASHES, legend)
        point_encoding = {k: v for k, v in encoding.items() if k != "strokeDash"}
    layers = [{"mark": {"type": "line", "strokeWidth": 2.5, "clip": True}, "encoding": encoding}]
    datasets = {"lines": data}
    if marks is not None and len(marks):
        datasets["marks"] = marks
        layers += [
            {
                "data": {"name": "marks"},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6B7280"},
                "encoding": {"x": {"field": x, "type": "quantitative"}},
            },
            {
                "data": {"name": "marks"},
                "mark": {"type": "point", "size": 90, "filled": True, "opacity": 1, "clip": True},
                "encoding": point_encoding,
            },
        ]
    return {
        "description": description,
        "height": height,
        "datasets": datasets,
        "data": {"name": "lines"},
        "layer": layers,
    }


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
) -> Spec:
    """A grid of cells coloured by ``value`` on a fixed domain, with the number (``label``
    column, default the value) written in each cell."""
    hidden_axis = {"labels": False, "ticks": False, "domain": False}
    position = {
        "x": {"field": col, "type": "ordinal", "title": None, "axis": hidden_axis},
        "y": {"field": row, "type": "ordinal", "title": None, "axis": hidden_axis},
    }
    dark_from = domain[0] + 0.6 * (domain[1] - domain[0])  # white text on dark cells
    return {
        "description": description,
        "title": title,
        "width": size,
        "height": size,
        "datasets": {"cells": data},
        "data": {"name": "cells"},
        "layer": [
            {
                "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
                "encoding": {
                    **position,
                    "color": {
                        "field": value,
                        "type": "quantitative",
                        "scale": {"domain": [float(v) for v in domain], "scheme": "blues"},
                        "legend": None,
                    },
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10},
                "encoding": {
                    **position,
                    "text": {"field": label or value, "type": "nominal"},
                    "color": {
                        "condition": {"test": f"datum['{value}'] > {dark_from}", "value": "white"},
                        "value": INK,
                    },
                },
            },
        ],
    }


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
) -> Spec:
    """Bars with one category highlighted (boolean column ``highlight``) and values written
    above positive bars and below negative ones. The highlight is not colour alone: its bar
    is outlined and its value written in bold. ``y_domain=None``: Vega takes it from the data
    (a spec that stays the same while the data changes), with 18% room for the labels."""
    position = {
        "x": {"field": x, "type": "ordinal", "title": x_title, "axis": {"labelAngle": 0}},
        "y": _quantitative(y, y_title, y_domain, clamp=True),
    }
    size = 12 if len(data) <= 6 else 9
    text = [
        {
            "transform": [{"filter": f"datum['{y}'] {op} 0"}],
            "mark": {"type": "text", "dy": dy, "fontSize": size},
            "encoding": {
                **position,
                "text": {"field": label or y, "type": "nominal"},
                "fontWeight": {
                    "condition": {"test": f"datum['{highlight}']", "value": "bold"},
                    "value": "normal",
                },
            },
        }
        for op, dy in ((">=", -7), ("<", 9))
    ]
    bar = {
        "mark": {"type": "bar", "stroke": INK},
        "encoding": {
            **position,
            "color": {
                "condition": {"test": f"datum['{highlight}']", "value": HIGHLIGHT},
                "value": MUTED,
            },
            "strokeWidth": {
                "condition": {"test": f"datum['{highlight}']", "value": 2.5},
                "value": 0,
            },
        },
    }
    room = []
    if y_domain is None:  # invisible points at 1.18x each bar stretch the axis for its label
        room = [
            {
                "transform": [{"calculate": f"datum['{y}'] * 1.18", "as": "_room"}],
                "mark": {"type": "point", "opacity": 0, "aria": False},
                "encoding": {**position, "y": {"field": "_room", "type": "quantitative"}},
            }
        ]
    return {
        "description": description,
        "height": height,
        "datasets": {"bars": data},
        "data": {"name": "bars"},
        "layer": [bar, *text, *room],
    }


def _layers(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, tuple[int, float]]:
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


def graph(
    nodes: pd.DataFrame,
    edges: Sequence[tuple[str, str]],
    *,
    description: str,
    fills: dict[str, str],
    height: int = 300,
) -> Spec:
    """A computation graph as boxes and lines (left to right), micrograd's draw_dot as a chart.

    ``nodes`` has columns id, kind (a key of ``fills``) and text (three lines, split by "\n").
    Drawn with Vega-Lite rather than Graphviz: the layout never changes as sliders move, so
    only the numbers are sent (Graphviz re-laid the graph out in the browser on every change,
    ~170 ms measured).
    """
    place = _layers(list(nodes["id"]), edges)
    boxes = nodes.assign(
        x=[place[n][0] for n in nodes["id"]],
        y=[place[n][1] for n in nodes["id"]],
    )
    boxes = boxes.assign(x0=boxes.x - 0.36, x1=boxes.x + 0.36, y0=boxes.y - 0.36, y1=boxes.y + 0.36)
    lines = pd.DataFrame(
        {
            "x": [place[s][0] + 0.36 for s, _ in edges],
            "y": [place[s][1] for s, _ in edges],
            "x2": [place[d][0] - 0.36 for _, d in edges],
            "y2": [place[d][1] for _, d in edges],
        }
    )
    columns = max(p[0] for p in place.values())
    half_rows = max(abs(p[1]) for p in place.values()) + 0.5
    hidden = {"labels": False, "ticks": False, "domain": False, "grid": False, "title": None}
    x_scale = {"domain": [-0.5, columns + 0.5], "nice": False}
    y_scale = {"domain": [half_rows, -half_rows], "nice": False}

    def q(field: str, scale: dict) -> dict:
        return {"field": field, "type": "quantitative", "scale": scale, "axis": hidden}

    return {
        "description": description,
        "height": height,
        "datasets": {"boxes": boxes, "edges": lines},
        "config": {"aria": False},  # the description says it all; box coordinates would not
        "layer": [
            {
                "data": {"name": "edges"},
                "mark": {"type": "rule", "color": "#6B7280", "strokeWidth": 1.5},
                "encoding": {
                    "x": q("x", x_scale),
                    "y": q("y", y_scale),
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                },
            },
            {
                "data": {"name": "boxes"},
                "mark": {"type": "rect", "cornerRadius": 6, "stroke": "#4B5563"},
                "encoding": {
                    "x": q("x0", x_scale),
                    "x2": {"field": "x1"},
                    "y": q("y0", y_scale),
                    "y2": {"field": "y1"},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "scale": {"domain": list(fills), "range": list(fills.values())},
                        "legend": None,
                    },
                },
            },
            {
                "data": {"name": "edges"},
                "mark": {"type": "point", "shape": "triangle-right", "filled": True, "size": 60},
                "encoding": {
                    "x": q("x2", x_scale),
                    "y": q("y2", y_scale),
                    "color": {"value": "#6B7280"},
                },
            },
            {
                "data": {"name": "boxes"},
                "mark": {
                    "type": "text",
                    "lineBreak": "\n",
                    "fontSize": 12,
                    "color": INK,
                    "baseline": "middle",
                    "dy": -14,  # centres three lines of text on the box
                },
                "encoding": {"x": q("x", x_scale), "y": q("y", y_scale), "text": {"field": "text"}},
            },
        ],
    }


# Scrub mode: the name of a chart's own control (a Vega-Lite param bound to a range input).
SCRUB = "scrub"
READOUT_FONT = 12  # px, the scrub readout's largest size (x PRESENTER_SCALE when presenting)


def scrub_lines(
    grid: pd.DataFrame,
    readout: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None,
    x_title: str,
    y_title: str,
    x_domain: Sequence[float],
    y_domain: Sequence[float] | None,
    description: str,
    label: str,
    step: float,
    value: float,
    palette: dict[str, str] | None = None,
    corner: str = "left",
    height: int = 300,
) -> Spec:
    """``lines`` over a grid of PyTorch results, scrubbed in the browser with no rerun.

    A range input under the chart (labelled ``label``, starting at ``value``: the page's own
    slider) sets the param ``scrub``; the rule and points of the grid row at that value, and the
    ``readout`` row there (columns ``x`` and ``text``, lines split by "\\n", written in the top
    ``corner``), follow it at frame rate. Grid values must be the slider's values (same step).
    """
    # Room for the readout's lines above the curves, also at presenter size (1.6x), and for
    # the legend and axis that share the chart's height.
    rows = int(readout["text"].str.count("\n").max()) + 1 if len(readout) else 0
    spec = lines(
        grid, x=x, y=y, color=color, x_title=x_title, y_title=y_title, x_domain=x_domain,
        y_domain=y_domain, description=description, palette=palette, marks=grid,
        height=max(height, 200 + 30 * rows),
    )  # fmt: skip
    at_scrub = {"filter": f"abs(datum['{x}'] - {SCRUB}) < {step / 2}"}
    marks = {"name": "marks"}
    layers = [  # the probe's rule and points, as ``lines`` draws them, read from the grid
        {**lay, "data": {"name": "lines"}, "transform": [at_scrub]} if lay.get("data") == marks
        else lay
        for lay in spec["layer"]
    ]  # fmt: skip
    right = corner == "right"
    text = {
        "type": "text",
        "align": "right" if right else "left",
        "baseline": "top",
        "lineBreak": "\n",
        "dx": -6 if right else 6,
        "dy": 6,
    }
    # The readout's font shrinks to fit its longest line into the plot's width (a phone, above
    # all in presenter mode, has less room than the line needs); ``em`` travels in the data, so
    # the spec stays the same while the text changes.
    size = READOUT_FONT * (PRESENTER_SCALE if presenting() else 1)
    readout = readout.assign(em=[_em_width(line) for line in readout["text"]])
    readout_layer = {
        "data": {"name": "readout"},
        "transform": [
            at_scrub,
            {"calculate": f"min({size:g}, (width - 12) / datum.em)", "as": "font_size"},
        ],
        "encoding": {
            "x": {"value": "width" if right else 0},
            "y": {"value": 0},
            "text": {"field": "text", "type": "nominal"},
            "size": {"field": "font_size", "type": "quantitative", "scale": None},
        },
    }
    layers += [
        # A white halo under the text keeps it readable where the rule or a curve crosses it;
        # a screen reader reads the text once (the halo is aria: false).
        {
            **readout_layer,
            "mark": {**text, "color": "white", "stroke": "white", "strokeWidth": 4, "aria": False},
        },
        {**readout_layer, "mark": {**text, "color": INK}},
    ]
    datasets = {"lines": grid, "readout": readout}
    return {
        **spec,
        "params": [
            {
                "name": SCRUB,
                "value": value,
                "bind": {
                    "input": "range",
                    "min": float(x_domain[0]),
                    "max": float(x_domain[1]),
                    "step": step,
                    "name": label,
                },
            }
        ],
        "datasets": datasets,
        "layer": layers,
    }
