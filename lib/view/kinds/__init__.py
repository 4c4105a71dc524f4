"""The chart kinds every lesson draws from, authored in Altair and compiled once (base.py says
how). A lesson's view calls a kind with its DataFrames and draws the result with ``show``;
no Vega-Lite is written anywhere else."""

from lib.view.kinds.bars import bars
from lib.view.kinds.base import (
    HIGHLIGHT,
    INK,
    LINE_COLOURS,
    MUTED,
    OKABE_ITO,
    Spec,
    compact,
    long_table,
    palette,
    show,
    titled,
    two_decimals,
)
from lib.view.kinds.before_after import before_after_bars
from lib.view.kinds.cells import cells, storage_strip
from lib.view.kinds.compose import side_by_side
from lib.view.kinds.graph import dot, graph
from lib.view.kinds.heatmap import heatmap
from lib.view.kinds.lines import SCRUB, lines, scrub_lines
from lib.view.kinds.loss import loss_curve
from lib.view.kinds.matrix import Block, matrices
from lib.view.kinds.surface import RUN_MARKERS, Marker, surface
from lib.view.kinds.table import table_heatmap
from lib.view.kinds.timeline import time_heatmap
from lib.view.kinds.training import boundary_images, training, unit_images
from lib.view.kinds.transform import grid_transform

__all__ = [
    "HIGHLIGHT",
    "INK",
    "LINE_COLOURS",
    "MUTED",
    "OKABE_ITO",
    "RUN_MARKERS",
    "SCRUB",
    "Block",
    "Marker",
    "Spec",
    "bars",
    "before_after_bars",
    "boundary_images",
    "cells",
    "compact",
    "long_table",
    "dot",
    "graph",
    "grid_transform",
    "heatmap",
    "lines",
    "loss_curve",
    "matrices",
    "palette",
    "scrub_lines",
    "show",
    "side_by_side",
    "storage_strip",
    "titled",
    "surface",
    "table_heatmap",
    "time_heatmap",
    "training",
    "unit_images",
    "two_decimals",
]
