"""A training run, scrubbed through its epochs in the browser: the decision boundary with the
points on top, each hidden unit's output, and the loss and accuracy curves, as one chart whose
own range input (the param ``scrub``, an epoch) picks the snapshot with no rerun.

The snapshots travel as images, one column ``e<k>`` per epoch k in a one-row dataset: each
epoch's decision boundary (a pixel per grid cell) and all the hidden units' outputs (one image
for all of them), built once per setting with the run. A scrub then picks two images
(``datum['e' + scrub]``) and Vega swaps them, and the spec never changes while only the data
does.

Layout: a column that fits a 390 px phone (the boundary and the units side by side, then the
curves, stretched by Streamlit to the container's width), so that the range input sits right
under the curves. Vega-Lite's timer animation (a play button) works only on a single, un-layered
chart, so scrubbing is by hand.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd
from PIL import Image

from lib.view.frame import presenting
from lib.view.kinds.base import EDGE, INK, OKABE_ITO, Spec, compiled, named, with_data
from lib.view.kinds.lines import SCRUB

# Class 0 orange, class 1 blue (TensorFlow Playground's two colours), class 2 green.
CLASS_COLOURS = (OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[2])
NO_CLASS_COLOUR = "#9CA3AF"  # cells where the probabilities are nan (a diverged run)
SPLIT_COLOURS = (INK, "#D55E00")  # train, test


SHADE_LEVELS = 24  # lightness steps of a class's colour, from chance to certain


def _blend(colour: str, alpha: float) -> str:
    """``colour`` at opacity ``alpha`` over white, as one opaque colour."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * alpha):02X}" for c in rgb)


@lru_cache(maxsize=8)
def _shades(classes: int) -> tuple[str, ...]:
    """The boundary's colours: index 0 for nan (grey), then SHADE_LEVELS per class, from
    barely tinted (the class is as likely as chance) to the class's colour at 55 %."""
    levels = [0.05 + 0.5 * k / (SHADE_LEVELS - 1) for k in range(SHADE_LEVELS)]
    return (
        _blend(NO_CLASS_COLOUR, 0.35),
        *(_blend(CLASS_COLOURS[c], a) for c in range(classes) for a in levels),
    )


def boundary_shades(codes: np.ndarray, code_scale: int, classes: int) -> np.ndarray:
    """Boundary codes (class * code_scale + confidence * (code_scale - 1), or negative for nan)
    as indices into the palette of ``_shades`` less one (-1 for nan): the browser then picks a
    colour per cell with no arithmetic of its own (a scrub step repaints 1,600 cells, and Vega
    interprets each expression row by row)."""
    codes = codes.astype(np.int32)
    chance = 1 / classes
    confidence = (codes % code_scale) / (code_scale - 1)
    above = np.clip((confidence - chance) / (1 - chance), 0, 1)
    shade = (codes // code_scale) * SHADE_LEVELS + np.rint(above * (SHADE_LEVELS - 1))
    return np.where(codes < 0, -1, shade).astype(np.int16)


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

    # Each snapshot is one picture (an image per epoch: the boundary, and all the units' outputs
    # side by side): a scrub step swaps two images, where 1,600 cells and every unit's 144 were
    # each re-encoded by Vega's expression interpreter (68 ms a step; the issue asks 50).
    def snapshot(name: str, width: int, height: int) -> alt.Chart:
        return (
            alt.Chart(named(name))
            .transform_calculate(url=_pick())
            .mark_image(width=width, height=height, aspect=False, smooth=False,
                        align="left", baseline="top", aria=False)
            .encode(x=alt.XValue(0), y=alt.YValue(0), url=alt.Url("url", type="nominal"))
        )  # fmt: skip

    class_scale = alt.Scale(domain=list(range(classes)), range=list(CLASS_COLOURS[:classes]))
    axis = alt.Axis(values=ticks, grid=False)
    at = {
        "x": alt.X("x", type="quantitative", scale=square, title=x1, axis=axis),
        "y": alt.Y("y", type="quantitative", scale=square, title=x2, axis=axis),
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
        snapshot("boundary", size, size),
        trained.encode(**at, fill=colour),
        tested.encode(**at, stroke=colour),
    ).properties(width=size, height=size)

    top = [boundary]
    if layers:
        columns, rows = units_shape(layers, unit_grid)
        pixel = thumb / unit_grid
        width, height = round(pixel * columns), round(pixel * rows)
        units = snapshot("units", width, height).properties(
            width=width, height=height, description=units_title
        )
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
    classes: int,
    layers: Sequence[int],
    unit_grid: int,
    epochs: int,
    texts: Sequence[str],
    description: str,
) -> Spec:
    """The run's picture, scrubbed by epoch in the browser.

    ``boundary``: ``boundary_images``'s one row (the boundary over the square ``domain``, one
    image per epoch). ``points``: x, y, label, split ("train" or "test"). ``units``:
    ``unit_images``'s one row, or None without hidden layers. ``curves``: epoch, metric
    ("loss" or "accuracy"), split, plotted. ``readout``: epoch and its text (3 lines).
    ``texts``: the range input's label, the axis titles x1 and x2, the units' title, epoch,
    loss, accuracy, and the names of the train and test splits."""
    present = presenting()
    size = 360 if present else 250  # the whole chart within a 1080-pixel projector
    thumb = 44 if present else 30
    template = _training(
        float(domain[0]), float(domain[1]), classes, tuple(layers), unit_grid,
        int(epochs), size, thumb, tuple(texts), description,
    )  # fmt: skip
    datasets = {"boundary": boundary, "points": points, "curves": curves, "readout": readout}
    if layers and units is not None:
        datasets["units"] = units
    return with_data(template, **datasets)


# --- the snapshots as images (built once per setting, with the run) ---------------------------

UNIT_LEVELS = 41  # steps of a unit's output from -1 to 1 (0.05 apart)


def units_shape(layers: Sequence[int], unit_grid: int) -> tuple[int, int]:
    """The units' picture in cells: a column per layer, a thumbnail per unit (unit 0 at the
    top), two empty cells between thumbnails."""
    step = unit_grid + 2
    return len(layers) * step - 2, max(layers) * step - 2


def _data_url(pixels: np.ndarray, palette: Sequence[str], transparent: int | None = None) -> str:
    """A PNG of palette indices (row 0 at the top) as a data: URL."""
    image = Image.fromarray(pixels.astype(np.uint8), mode="P")
    image.putpalette([int(c[i : i + 2], 16) for c in palette for i in (1, 3, 5)])
    png = io.BytesIO()
    image.save(png, format="PNG", **({} if transparent is None else {"transparency": transparent}))
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def boundary_images(codes: np.ndarray, code_scale: int, classes: int) -> pd.DataFrame:
    """``codes`` (one row per epoch, a grid x grid square's cells row by row from the bottom
    left: class * code_scale + confidence * (code_scale - 1), negative for nan) as one row with a
    column e<k> per epoch: the boundary as a PNG, a pixel per cell, in ``_shades``' colours."""
    cells = codes.shape[1]
    grid = int(round(cells**0.5))
    indices = boundary_shades(codes, code_scale, classes) + 1  # 0: nan
    palette = _shades(classes)
    return pd.DataFrame(
        {
            f"e{k}": [_data_url(np.flipud(indices[k].reshape(grid, grid)), palette)]
            for k in range(codes.shape[0])
        }
    )


@lru_cache(maxsize=1)
def _unit_palette() -> tuple[str, ...]:
    """-1 (class 0's orange) through 0 (white) to 1 (class 1's blue), then the gap colour."""
    steps = [2 * k / (UNIT_LEVELS - 1) - 1 for k in range(UNIT_LEVELS)]
    return (
        *(_blend(CLASS_COLOURS[1 if v > 0 else 0], abs(v)) for v in steps),
        "#FFFFFF",  # drawn transparent
    )


def unit_images(values: np.ndarray, layers: Sequence[int], unit_grid: int) -> pd.DataFrame:
    """``values`` (epochs + 1, units, unit_grid²: each hidden unit's output over the square, row
    by row from the bottom left, clamped to [-1, 1] times 100) as one row with a column e<k> per
    epoch: every unit's picture, laid out as ``units_shape`` says, in one PNG."""
    columns, rows = units_shape(layers, unit_grid)
    step = unit_grid + 2
    gap = UNIT_LEVELS  # the palette's last entry
    levels = np.rint((values.astype(np.float32) + 100) / 200 * (UNIT_LEVELS - 1)).astype(np.uint8)
    places = [(layer, unit) for layer, n in enumerate(layers) for unit in range(n)]
    images = {}
    for k in range(values.shape[0]):
        pixels = np.full((rows, columns), gap, dtype=np.uint8)
        for i, (layer, unit) in enumerate(places):
            square = np.flipud(levels[k, i].reshape(unit_grid, unit_grid))
            top, left = unit * step, layer * step
            pixels[top : top + unit_grid, left : left + unit_grid] = square
        images[f"e{k}"] = [_data_url(pixels, _unit_palette(), transparent=gap)]
    return pd.DataFrame(images)
