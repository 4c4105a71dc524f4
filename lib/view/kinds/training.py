"""A training run, scrubbed through its epochs in the browser: the decision boundary with the
points on top, each hidden unit's output, and the loss and accuracy curves, as one chart whose
own range input (the param ``scrub``, an epoch) picks the snapshot with no rerun.

The snapshots travel "wide": one row per grid cell (or per unit and cell), one column ``e<k>``
per epoch k. A scrub then computes ``datum['e' + scrub]`` on a few thousand rows instead of
filtering hundreds of thousands, and the spec never changes while only the data does.

Layout: a column that fits a 390 px phone (the boundary and the units side by side, then the
curves, stretched by Streamlit to the container's width), so that the range input sits right
under the curves. Vega-Lite's timer animation (a play button) works only on a single, un-layered
chart, so scrubbing is by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.view.frame import presenting
from lib.view.kinds.base import EDGE, INK, OKABE_ITO, Spec, compiled, named, with_data
from lib.view.kinds.lines import SCRUB

# Class 0 orange, class 1 blue (TensorFlow Playground's two colours), class 2 green.
CLASS_COLOURS = (OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[2])
NO_CLASS_COLOUR = "#9CA3AF"  # cells where the probabilities are nan (a diverged run)
SPLIT_COLOURS = (INK, "#D55E00")  # train, test


def _quoted(text: str) -> str:
    """A Vega expression string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _pick() -> str:
    """The snapshot column of the scrubbed epoch."""
    return f"datum['e' + {SCRUB}]"


@compiled
def _training(
    lo: float,
    hi: float,
    grid: int,
    code_scale: int,
    classes: int,
    layers: tuple[int, ...],
    unit_grid: int,
    epochs: int,
    size: int,
    thumb: int,
    texts: tuple[str, ...],  # scrub label, x1, x2, units title, epoch, loss, accuracy, train, test
    description: str,
) -> alt.VConcatChart:
    scrub_label, x1, x2, units_title, epoch_title, loss_title, acc_title, train, test = texts
    scrub = alt.param(
        name=SCRUB,
        value=epochs,
        bind=alt.binding_range(min=0, max=epochs, step=1, name=scrub_label),
    )
    square = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    ticks = list(range(int(lo), int(hi) + 1, 2))
    width = (hi - lo) / grid
    chance = 1 / classes
    shade = (
        f"datum.code < 0 ? 0.35 : "
        f"0.05 + 0.5 * max(0, ((datum.code % {code_scale}) / {code_scale - 1} - {chance})"
        f" / {1 - chance})"
    )
    class_scale = alt.Scale(
        domain=[-1, *range(classes)], range=[NO_CLASS_COLOUR, *CLASS_COLOURS[:classes]]
    )
    cells = (
        alt.Chart(named("boundary"))
        .transform_calculate(code=_pick())
        .transform_calculate(
            x0=f"{lo} + (datum.cell % {grid}) * {width}",
            y0=f"{lo} + floor(datum.cell / {grid}) * {width}",
            label=f"datum.code < 0 ? -1 : floor(datum.code / {code_scale})",
            shade=shade,
        )
        .transform_calculate(x1=f"datum.x0 + {width}", y1=f"datum.y0 + {width}")
        .mark_rect()
        .encode(
            x=alt.X("x0", type="quantitative", scale=square, title=x1,
                    axis=alt.Axis(values=ticks, grid=False)),
            x2=alt.X2("x1"),
            y=alt.Y("y0", type="quantitative", scale=square, title=x2,
                    axis=alt.Axis(values=ticks, grid=False)),
            y2=alt.Y2("y1"),
            color=alt.Color("label", type="nominal", scale=class_scale, legend=None),
            opacity=alt.Opacity("shade", type="quantitative", scale=None),
        )
    )  # fmt: skip
    at = {
        "x": alt.X("x", type="quantitative", scale=square),
        "y": alt.Y("y", type="quantitative", scale=square),
    }
    colour = alt.Color("label", type="nominal", scale=class_scale, legend=None)
    points = alt.Chart(named("points"))
    trained = points.transform_filter("datum.split == 'train'").mark_point(
        filled=True, size=30, stroke="white", strokeWidth=0.5, opacity=1, clip=True, aria=False
    )
    tested = points.transform_filter("datum.split == 'test'").mark_point(
        filled=True, size=30, fill="white", strokeWidth=1.5, opacity=1, clip=True, aria=False
    )
    boundary = alt.layer(
        cells,
        trained.encode(**at, fill=colour),
        tested.encode(**at, stroke=colour),
    ).properties(width=size, height=size)

    top = [boundary]
    if layers:
        step = unit_grid + 2  # a thumbnail and the gap after it, in cells
        tall = max(layers)
        pixel = thumb / unit_grid
        units = (
            alt.Chart(named("units"))
            .transform_calculate(value=_pick())
            .transform_calculate(
                px=f"datum.layer * {step} + datum.cell % {unit_grid}",
                py=f"({tall} - 1 - datum.unit) * {step} + floor(datum.cell / {unit_grid})",
            )
            .transform_calculate(px1="datum.px + 1", py1="datum.py + 1")
            .mark_rect()
            .encode(
                x=alt.X("px", type="quantitative", axis=None,
                        scale=alt.Scale(domain=[0, len(layers) * step - 2], nice=False)),
                x2=alt.X2("px1"),
                y=alt.Y("py", type="quantitative", axis=None,
                        scale=alt.Scale(domain=[0, tall * step - 2], nice=False)),
                y2=alt.Y2("py1"),
                color=alt.Color("value", type="quantitative", legend=None,
                                scale=alt.Scale(domain=[-100, 100], scheme="blueorange",
                                                reverse=True)),
            )
            .properties(
                width=round(pixel * (len(layers) * step - 2)),
                height=round(pixel * (tall * step - 2)),
                description=units_title,
            )
        )  # fmt: skip
        top.append(units)

    x_epoch = alt.X(
        "epoch", type="quantitative", title=epoch_title,
        scale=alt.Scale(domain=[0, max(epochs, 1)], nice=False),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )  # fmt: skip
    names = f"datum.label == 'train' ? {_quoted(train)} : {_quoted(test)}"
    split = alt.Color(
        "split", type="nominal", title=None,
        scale=alt.Scale(domain=["train", "test"], range=list(SPLIT_COLOURS)),
        legend=alt.Legend(orient="bottom", labelExpr=names),
    )  # fmt: skip
    curves = alt.Chart(named("curves"))
    now = curves.transform_filter(f"datum.epoch == {SCRUB}")

    def metric(name: str, y: alt.Y, dash: list[int]) -> alt.LayerChart:
        line = curves.transform_filter(f"datum.metric == '{name}'").mark_line(
            strokeWidth=2, strokeDash=dash, clip=True
        )
        dot = now.transform_filter(f"datum.metric == '{name}'").mark_point(
            filled=True, size=40, opacity=1, clip=True, aria=False
        )
        return alt.layer(
            line.encode(x=x_epoch, y=y, color=split), dot.encode(x=x_epoch, y=y, color=split)
        )

    loss = metric(
        "loss",
        alt.Y("plotted", type="quantitative", title=loss_title, scale=alt.Scale(zero=True)),
        [1, 0],
    )
    accuracy = metric(
        "accuracy",
        alt.Y("plotted", type="quantitative", title=acc_title,
              scale=alt.Scale(domain=[0, 1], nice=False), axis=alt.Axis(orient="right")),
        [5, 3],
    )  # fmt: skip
    rule = now.transform_filter("datum.metric == 'loss' && datum.split == 'train'").mark_rule(
        color=EDGE, strokeDash=[3, 3]
    )
    chart = alt.layer(rule.encode(x=x_epoch), loss, accuracy).resolve_scale(y="independent")
    curves_view = chart.properties(height=90)

    readout = (
        alt.Chart(named("readout"))
        .transform_filter(f"datum.epoch == {SCRUB}")
        .mark_text(align="left", baseline="top", lineBreak="\n", fontSize=12, color=INK)
        .encode(x=alt.XValue(0), y=alt.YValue(0), text=alt.Text("text", type="nominal"))
        .properties(height=34)
    )
    return (
        alt.vconcat(readout, alt.hconcat(*top, spacing=14), curves_view, spacing=10)
        .add_params(scrub)
        .properties(description=description)
    )


def training(
    boundary: pd.DataFrame,
    points: pd.DataFrame,
    units: pd.DataFrame | None,
    curves: pd.DataFrame,
    readout: pd.DataFrame,
    *,
    domain: tuple[float, float],
    grid: int,
    code_scale: int,
    classes: int,
    layers: Sequence[int],
    unit_grid: int,
    epochs: int,
    texts: Sequence[str],
    description: str,
) -> Spec:
    """The run's picture, scrubbed by epoch in the browser.

    ``boundary``: column cell (row by row from the bottom left of a grid x grid square over
    ``domain``) and e0 ... e<epochs>, each cell's most likely class times ``code_scale`` plus
    its probability times (code_scale - 1), or -1 where it is nan. ``points``: x, y, label,
    split ("train" or "test"). ``units``: layer, unit, cell (a unit_grid x unit_grid square)
    and e0 ..., each hidden unit's output clamped to [-1, 1] times 100. ``curves``: epoch,
    metric ("loss" or "accuracy"), split, plotted. ``readout``: epoch and its text (3 lines).
    ``texts``: the range input's label, the axis titles x1 and x2, the units' title, epoch,
    loss, accuracy, and the names of the train and test splits."""
    present = presenting()
    size = 360 if present else 250  # the whole chart within a 1080-pixel projector
    thumb = 44 if present else 30
    template = _training(
        float(domain[0]), float(domain[1]), grid, code_scale, classes, tuple(layers), unit_grid,
        int(epochs), size, thumb, tuple(texts), description,
    )  # fmt: skip
    datasets = {"boundary": boundary, "points": points, "curves": curves, "readout": readout}
    if layers and units is not None:
        datasets["units"] = units
    return with_data(template, **datasets)
