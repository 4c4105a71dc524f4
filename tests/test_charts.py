"""The chart builders' accessibility: colour is never the only cue, and nothing a screen reader
cannot name. (That descriptions reach the DOM is checked in tests/e2e/test_a11y_browser.py.)"""

from __future__ import annotations

import pandas as pd

from lib.view import kinds as charts
from lib.view.kinds.base import unnamed_marks_hidden

NAMES = ["relu", "sigmoid", "tanh", "softplus", "gelu"]


def series(names) -> pd.DataFrame:
    return pd.DataFrame(
        [{"fn": n, "x": x, "y": i * x} for i, n in enumerate(names) for x in (0.0, 1.0)]
    )


def line_chart(names, **kwargs) -> dict:
    return charts.lines(
        series(names), x="x", y="y", color="fn", x_title="x", y_title="y", x_domain=(0, 1),
        y_domain=None, description="d", palette=charts.palette(NAMES), **kwargs,
    )  # fmt: skip


def cues(spec: dict, layer: int, channel: str) -> dict:
    scale = spec["layer"][layer]["encoding"][channel]["scale"]
    return dict(zip(scale["domain"], map(str, scale["range"]), strict=True))


def test_each_series_has_its_own_colour_and_dash():
    marks = series(NAMES).query("x == 1.0")
    spec = line_chart(NAMES, marks=marks)
    for channel in ("color", "strokeDash"):
        by_name = cues(spec, 0, channel)
        assert list(by_name) == NAMES
        assert len(set(by_name.values())) == len(NAMES), channel
    # The legend draws each series' line, so it shows the dash too.
    legend = spec["layer"][0]["encoding"]["strokeDash"]["legend"]
    assert legend["symbolType"] == "stroke"
    assert spec["layer"][2]["encoding"]["color"] == spec["layer"][0]["encoding"]["color"]


def test_a_series_keeps_its_cues_whichever_others_are_shown():
    every, some = line_chart(NAMES), line_chart(["tanh", "gelu"])
    for channel in ("color", "strokeDash"):
        assert cues(some, 0, channel) == {
            name: cue for name, cue in cues(every, 0, channel).items() if name in ("tanh", "gelu")
        }


def test_highlighted_bar_is_outlined_and_its_value_bold():
    data = pd.DataFrame({"k": ["0", "1", "2"], "p": [0.2, 0.5, -0.3], "hit": [False, True, False]})
    spec = charts.bars(
        data, x="k", y="p", highlight="hit", x_title="k", y_title="p", y_domain=(-1, 1),
        description="d",
    )  # fmt: skip
    bar, *texts = spec["layer"]
    assert bar["encoding"]["strokeWidth"]["condition"] == {"test": "datum['hit']", "value": 2.5}
    assert bar["encoding"]["strokeWidth"]["value"] == 0
    # Each value is written by exactly one text layer, in bold where the bar is highlighted.
    for hit in (False, True):
        for value in data["p"]:
            writers = [
                t["mark"]["fontWeight"]
                for t in texts
                if eval_filter(t["transform"][0]["filter"], {"p": value, "hit": hit})
            ]
            assert writers == ["bold" if hit else "normal"], (value, hit)


def eval_filter(expression: str, datum: dict) -> bool:
    """A bars filter (comparisons, !, &&) on one datum, without eval."""
    result = True
    for term in expression.split("&&"):
        term = term.strip()
        negate = term.startswith("!")
        term = term.lstrip("!")
        field = term.split("'")[1]
        value = datum[field]
        if ">=" in term:
            ok = value >= float(term.split(">=")[1])
        elif "<" in term:
            ok = value < float(term.split("<")[1])
        else:
            ok = bool(value)
        result = result and (ok != negate)
    return result


def test_marks_a_screen_reader_cannot_name_are_hidden_from_it():
    empty = pd.DataFrame({"x": [], "y": []})
    spec = {
        "description": "d",
        "datasets": {"full": pd.DataFrame({"x": [1], "y": [2]}), "empty": empty},
        "layer": [
            {"data": {"name": "full"}, "mark": "point"},
            {"data": {"name": "empty"}, "mark": {"type": "rect"}},
        ],
    }
    shown = unnamed_marks_hidden(spec)
    assert shown["layer"][0]["mark"] == "point"  # has items, each described by Vega-Lite
    assert shown["layer"][1]["mark"] == {"type": "rect", "aria": False}
    # config.aria false reaches the items only; the marks must say it themselves.
    quiet = unnamed_marks_hidden({**spec, "config": {"aria": False}})
    assert all(layer["mark"]["aria"] is False for layer in quiet["layer"])
    assert spec["layer"][1]["mark"] == {"type": "rect"}  # the builder's spec is not changed
