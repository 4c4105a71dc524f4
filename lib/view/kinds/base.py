"""What every chart kind shares: the palette, presenter sizes, compiling an Altair chart once,
and drawing a spec.

A kind is authored with Altair's typed API and compiled to a Vega-Lite dict once per set of
options (``compiled``: an LRU cache keyed by the options, the language and presenter mode
included where they shape the chart). A rerun only attaches its DataFrames as *named datasets*
to that dict, so the spec stays byte-identical while a slider moves (the browser then swaps the
data instead of re-embedding the chart: tests/pages/test_stable_chart_specs.py) and costs well
under a millisecond; Altair's schema validation (~10-30 ms a chart) runs only on a cache miss.
Drawn with ``st.vega_lite_chart``: ``st.altair_chart`` would run ``to_dict()`` on every call and
name datasets by their content, changing the spec with the data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps

import altair as alt
import pandas as pd
import streamlit as st

from lib.view.frame import presenting

Spec = dict

# Okabe-Ito (the same list as .streamlit/config.toml), for charts that colour by a fixed role.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HIGHLIGHT, MUTED, INK, EDGE = "#D55E00", "#0072B2", "#1F2933", "#6B7280"
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

# Presenter mode: larger chart text and thicker lines, readable from the back of a classroom.
PRESENTER_CONFIG = {
    "axis": {"labelFontSize": 16, "titleFontSize": 18},
    "legend": {"labelFontSize": 16, "symbolSize": 200},
    "title": {"fontSize": 20},
}
PRESENTER_SCALE = 1.6


def palette(names) -> dict[str, str]:
    """A fixed colour per series name, so a series keeps its colour whichever others are shown."""
    return {name: LINE_COLOURS[i % len(LINE_COLOURS)] for i, name in enumerate(names)}


def em_width(text: str, latin: float = 0.6) -> float:
    """The widest line of ``text`` in ems, on the safe side: a CJK character is 1 em wide,
    anything else at most ``latin`` em in the chart fonts (measured: 0.42-0.48 for the legends'
    lower-case names, 0.5 for digits)."""
    return max(
        sum(1.0 if unicodedata.east_asian_width(c) in "WF" else latin for c in line)
        for line in text.split("\n")
    )


def quantitative(field: str, title: str | None, domain=None, **scale) -> dict:
    """A typed quantitative channel's arguments. A fixed ``domain`` is not rounded ("nice") and
    takes the ``scale`` options; without one, Vega fits the scale to the data."""
    channel: dict = {"field": field, "type": "quantitative", "title": title}
    if domain is not None:
        channel["scale"] = alt.Scale(domain=[float(v) for v in domain], nice=False, **scale)
    return channel


def compiled(build: Callable[..., alt.TopLevelMixin]) -> Callable[..., Spec]:
    """Cache ``build(*options)``'s chart as a Vega-Lite dict (no data: the kind attaches it).
    The options must be hashable (tuples, not lists)."""

    @lru_cache(maxsize=512)
    @wraps(build)
    def compile_once(*options) -> Spec:
        spec = build(*options).to_dict()
        spec.pop("$schema", None)  # Streamlit's bundled Vega-Lite reads the spec as it is
        config = spec.get("config", {})
        view = config.get("view", {})
        for default in ("continuousWidth", "continuousHeight"):  # Altair's 300x300 view: the
            view.pop(default, None)  # container sizes ours (a kind's own view config stays)
        if not view:
            config.pop("view", None)
        if not config:
            spec.pop("config", None)
        return spec

    return compile_once


def two_decimals(value: float) -> str:
    """Two decimals, never a negative zero: -0.004 is "0.00", not "-0.00" (issue 13)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def long_table(values, label: Callable[[float], str] | None = two_decimals) -> pd.DataFrame:
    """A 2-D tensor as the long table the grid kinds draw: one line per cell, row by row, with
    the columns row, col, value and label (``label(value)``; empty with ``label=None``)."""
    rows, cols = values.shape
    flat = [float(v) for v in values.flatten().tolist()]
    return pd.DataFrame(
        {
            "row": [i // cols for i in range(rows * cols)],
            "col": [i % cols for i in range(rows * cols)],
            "value": flat,
            "label": [label(v) for v in flat] if label is not None else [""] * len(flat),
        }
    )


def with_data(template: Spec, **datasets: pd.DataFrame) -> Spec:
    """The compiled ``template`` with this run's named datasets (the template is shared: never
    mutate what this returns in place)."""
    return {**template, "datasets": datasets}


def named(name: str) -> alt.Data:
    return alt.Data(name=name)


def compact(spec: Spec) -> Spec:
    """The same chart without axes and legend: a thumbnail."""
    config = {**spec.get("config", {}), "axis": {"disable": True}, "legend": {"disable": True}}
    return {**spec, "config": config}


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


def unnamed_marks_hidden(spec: Spec) -> Spec:
    """``spec`` with ``aria: false`` on the marks a screen reader could not name.

    Vega gives a mark's container role=graphics-symbol and no name unless the mark itself says
    ``aria: false`` (seen in the DOM here): an empty layer (nothing to draw) and every mark of a
    chart with ``config.aria: false`` (which Vega-Lite applies to the items, not the mark) would
    be read as unnamed images (axe: svg-img-alt). The chart's ``description`` still names it.
    """
    for concat in ("hconcat", "vconcat"):
        if concat in spec:  # each part, with the whole chart's data and config
            shared = {k: spec[k] for k in ("datasets", "config") if k in spec}
            parts = [unnamed_marks_hidden({**part, **shared}) for part in spec[concat]]
            parts = [{k: v for k, v in p.items() if k not in shared} for p in parts]
            return {**spec, concat: parts}
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


def _pieces(word: str, line: float) -> list[str]:
    """``word`` whole if it fits a line of ``line`` ems, else its parts, each ending after a
    dot, comma or opening bracket (code such as ``torch.arange(24).reshape(2,``): places where
    the title may break inside it."""
    if em_width(word) <= line:
        return [word]
    return re.findall(r"[^.,(]*[.,(]|[^.,(]+$", word)


def titled(spec: Spec, title: str, line: float = 14) -> Spec:
    """``spec`` with ``title`` above it, inside the chart (a heading of its own would be one
    more element on every move), broken into lines of at most ``line`` ems: Vega cuts a title
    wider than its chart short with an ellipsis (seen in a narrow column)."""
    lines: list[str] = []
    for word in title.split(" "):
        for i, piece in enumerate(_pieces(word, line)):
            glue = " " if i == 0 else ""  # a word too long for a line breaks after a . , (
            if lines and em_width(f"{lines[-1]}{glue}{piece}") <= line:
                lines[-1] = f"{lines[-1]}{glue}{piece}"
            else:
                lines.append(piece)
    text = lines[0] if len(lines) == 1 else lines
    return {**spec, "title": {"text": text, "anchor": "start", "fontWeight": "bold"}}


def show(spec: Spec, key: str, width: str | int = "stretch", on_select=None) -> None:
    """Draw a spec; ``width="content"`` keeps the spec's own width (true-shape matrices), a
    number of pixels fixes it (charts side by side in a row that wraps on a phone).
    ``on_select``: a callback run when the student selects in the chart (a click on a bar of
    ``bars(..., pick=...)``); the selection is then in ``st.session_state[key]``."""
    spec = unnamed_marks_hidden(spec)
    if presenting():
        spec = _enlarged(spec)
    if on_select is None:
        st.vega_lite_chart(spec, key=key, width=width)
    else:
        st.vega_lite_chart(spec, key=key, width=width, on_select=on_select)
