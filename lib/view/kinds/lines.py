"""Line charts: series over x, an optional probe (rule + points), and the scrub variant whose
probe and readout follow the chart's own range input in the browser, with no rerun."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.frame import presenting
from lib.view.kinds.base import (
    EDGE,
    INK,
    LINE_COLOURS,
    LINE_DASHES,
    PRESENTER_CONFIG,
    PRESENTER_SCALE,
    Spec,
    compiled,
    em_width,
    named,
    quantitative,
    with_data,
)

LEGEND_MAX_COLUMNS = 4
# Scrub mode: the name of a chart's own control (a Vega-Lite param bound to a range input).
SCRUB = "scrub"
READOUT_FONT = 12  # px, the scrub readout's largest size (x PRESENTER_SCALE when presenting)


def legend_columns(names: Sequence[str], presenter: bool) -> str:
    """Vega expression: the most legend columns (up to LEGEND_MAX_COLUMNS) whose rows fit the
    chart's ``width``, so a phone, above all in presenter mode, wraps the legend onto more rows
    instead of cutting it. With k columns, column j holds entries j, j + k, ...; a column is as
    wide as its widest entry: its stroke, gaps and label (measured in Chromium: 42 px besides
    the label, 44 taken; labels at 14 px, 16 px when presenting)."""
    font = PRESENTER_CONFIG["legend"]["labelFontSize"] if presenter else 14
    entries = [44 + font * em_width(str(name), latin=0.5) for name in names] or [0.0]
    most = max(1, min(LEGEND_MAX_COLUMNS, len(entries)))
    rule = "1"
    for k in range(2, most + 1):
        need = sum(max(entries[j::k]) for j in range(k))
        rule = f"width + 20 >= {need:.0f} ? {k} : ({rule})"
    return rule


def _x_channel(x: str, title: str, domain, log: bool) -> dict:
    extra = {"type": "log"} if log else {}
    if domain is not None:
        return quantitative(x, title, domain, **extra)
    # The axis spans the data exactly (computed by Vega): a range set by a slider is data.
    scale = alt.Scale(nice=False, zero=False, **extra)
    return {"field": x, "type": "quantitative", "title": title, "scale": scale}


@compiled
def _lines(
    x: str,
    y: str,
    color: str | None,
    x_title: str,
    y_title: str,
    x_domain: tuple | None,
    y_domain: tuple | None,
    description: str,
    series: tuple[tuple[str, str, tuple], ...],  # (name, colour, dash) of each series shown
    with_marks: bool,
    x_log: bool,
    height: int,
    presenter: bool,
    pieces: str | None = None,
) -> alt.LayerChart:
    encoding = {
        "x": alt.X(**_x_channel(x, x_title, x_domain, x_log)),
        "y": alt.Y(**quantitative(y, y_title, y_domain, clamp=True)),
    }
    point_encoding = dict(encoding)
    if pieces is not None:  # one path per piece: a jump is drawn as a jump, not a steep line
        encoding["detail"] = alt.Detail(field=pieces, type="nominal")
    if color is not None:
        legend = alt.Legend(
            orient="bottom",
            columns=alt.ExprRef(expr=legend_columns([s[0] for s in series], presenter)),
            symbolType="stroke",
            symbolStrokeWidth=2.5,
            symbolSize=500,  # a stroke long enough to show its dash pattern
        )
        domain = [s[0] for s in series]
        encoding["color"] = alt.Color(
            field=color, type="nominal", title=None, legend=legend,
            scale=alt.Scale(domain=domain, range=[s[1] for s in series]),
        )  # fmt: skip
        encoding["strokeDash"] = alt.StrokeDash(
            field=color, type="nominal", title=None, legend=legend,
            scale=alt.Scale(domain=domain, range=[list(s[2]) for s in series]),
        )  # fmt: skip
        point_encoding["color"] = encoding["color"]
    layers = [alt.Chart().mark_line(strokeWidth=2.5, clip=True).encode(**encoding)]
    if with_marks:
        layers += [
            alt.Chart(named("marks"))
            .mark_rule(strokeDash=[4, 4], color=EDGE)
            .encode(x=alt.X(field=x, type="quantitative")),
            alt.Chart(named("marks"))
            .mark_point(size=90, filled=True, opacity=1, clip=True)
            .encode(**point_encoding),
        ]
    return alt.layer(*layers, data=named("lines")).properties(
        description=description, height=height
    )


def _series(data: pd.DataFrame, color: str | None, palette: dict[str, str] | None) -> tuple:
    """Each series shown, pinned to its colour and dash by its place in ``palette`` (else by
    order of appearance), so a function keeps its cues whichever others are chosen."""
    if color is None:
        return ()
    names = list(palette) if palette is not None else list(dict.fromkeys(data[color]))
    colours = [palette[name] for name in names] if palette is not None else LINE_COLOURS
    shown = set(data[color])
    return tuple(
        (name, colours[i % len(colours)], tuple(LINE_DASHES[i % len(LINE_DASHES)]))
        for i, name in enumerate(names)
        if name in shown
    )


def _tuple(values) -> tuple | None:
    return None if values is None else tuple(float(v) for v in values)


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
    pieces: str | None = None,
) -> Spec:
    """Line chart (one line per ``color`` value), optionally with highlighted points ``marks``
    (same columns) and a vertical rule at their x. ``palette`` pins each series to its colour.
    ``pieces``: a column that splits a series where it jumps (its line is not drawn across).
    ``x_domain=None``: the x axis spans the data exactly, computed by Vega, so a plotted range
    set by a slider changes the data and not the spec."""
    with_marks = marks is not None and len(marks) > 0
    legend_for_presenter = presenting() and color is not None  # the legend's column rule
    template = _lines(
        x, y, color, x_title, y_title, _tuple(x_domain), _tuple(y_domain), description,
        _series(data, color, palette), with_marks, x_log, height, legend_for_presenter, pieces,
    )  # fmt: skip
    datasets = {"lines": data, "marks": marks} if with_marks else {"lines": data}
    return with_data(template, **datasets)


@compiled
def _scrub_layers(
    x: str, step: float, value: float, label: str, x_domain: tuple, right: bool, size: float
) -> alt.LayerChart:
    """The scrub's param, and the readout (a white halo under the text keeps it readable where
    the rule or a curve crosses it; a screen reader reads the text once: the halo is aria off)."""
    scrub = alt.param(
        name=SCRUB,
        value=value,
        bind=alt.binding_range(min=x_domain[0], max=x_domain[1], step=step, name=label),
    )
    text = dict(
        align="right" if right else "left", baseline="top", lineBreak="\n", dx=-6 if right else 6,
        dy=6,
    )  # fmt: skip
    readout = (
        alt.Chart(named("readout"))
        .transform_filter(f"abs(datum['{x}'] - {SCRUB}) < {step / 2}")
        # The font shrinks to fit the longest line into the plot's width (a phone, above all in
        # presenter mode, has less room); ``em`` travels in the data, so the spec stays put.
        .transform_calculate(font_size=f"min({size:g}, (width - 12) / datum.em)")
        .encode(
            x=alt.XValue("width") if right else alt.XValue(0),
            y=alt.YValue(0),
            text=alt.Text(field="text", type="nominal"),
            size=alt.Size(field="font_size", type="quantitative", scale=None),
        )
    )
    return alt.layer(
        readout.mark_text(**text, color="white", stroke="white", strokeWidth=4, aria=False),
        readout.mark_text(**text, color=INK),
    ).add_params(scrub)


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
    base = lines(
        grid, x=x, y=y, color=color, x_title=x_title, y_title=y_title, x_domain=x_domain,
        y_domain=y_domain, description=description, palette=palette, marks=grid,
        height=max(height, 200 + 30 * rows),
    )  # fmt: skip
    size = READOUT_FONT * (PRESENTER_SCALE if presenting() else 1)
    extra = _scrub_layers(x, step, float(value), label, _tuple(x_domain), corner == "right", size)
    at_scrub = extra["layer"][0]["transform"][0]
    marks = {"name": "marks"}
    layers = [  # the probe's rule and points, as ``lines`` draws them, read from the grid
        {**lay, "data": {"name": "lines"}, "transform": [at_scrub]} if lay.get("data") == marks
        else lay
        for lay in base["layer"]
    ]  # fmt: skip
    readout = readout.assign(em=[em_width(line) for line in readout["text"]])
    # Altair lifts the readout's data to the layer it compiled; here it joins other layers.
    readout_layers = [{"data": extra["data"], **lay} for lay in extra["layer"]]
    return {
        **base,
        "params": extra["params"],
        "layer": layers + readout_layers,
        "datasets": {"lines": grid, "readout": readout},
    }
