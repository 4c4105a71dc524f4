"""Scrub mode on the pages (issue 8): the chart carries PyTorch's grid as its datasets, a range
input bound to a Vega-Lite param that starts at the page's slider value, and a readout per grid
value; a teacher's lock or hide takes it away."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from lib.i18n import catalog
from lib.lessons._format import num
from lib.lessons.activations import compute as activations
from lib.lessons.cross_entropy import compute as ce
from lib.lessons.dropout import compute as dropout
from tests.pages.apptest import open_page


def scrub_charts(at) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Each chart with a bound param: its spec and its named datasets as DataFrames."""
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if any("bind" in param for param in spec.get("params", [])):
            datasets = {
                d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets
            }
            found.append((spec, datasets))
    return found


def the_scrub_chart(at) -> tuple[dict, dict, dict[str, pd.DataFrame]]:
    charts = scrub_charts(at)
    assert len(charts) == 1
    spec, datasets = charts[0]
    (param,) = spec["params"]
    return spec, param, datasets


def readout_at(datasets: dict[str, pd.DataFrame], column: str, value: float) -> str:
    readout = datasets["readout"]
    (text,) = readout.loc[(readout[column] - value).abs() < 1e-6, "text"]
    return text


def same_rows(shown: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        shown.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False
    )


def test_activations_scrub_chart_carries_the_lessons_grid():
    at = open_page("activations", fn="sigmoid,tanh", x="1.3", lo="-4", hi="4")
    spec, param, datasets = the_scrub_chart(at)
    assert param["value"] == 1.3
    assert param["bind"] == {
        "input": "range", "min": -4.0, "max": 4.0, "step": 0.1, "name": "Scrub x here"
    }  # fmt: skip
    grid = activations.scrub_grid(("sigmoid", "tanh"), -4.0, 4.0)
    same_rows(datasets["lines"], grid)
    assert len(datasets["readout"]) == 81
    text = readout_at(datasets, "x", 2.5)
    sigmoid = 1 / (1 + math.exp(-2.5))
    assert f"sigmoid: f(x) = {num(sigmoid)}, f′(x) = {num(sigmoid * (1 - sigmoid))}" in text
    assert f"tanh: f(x) = {num(math.tanh(2.5))}" in text


def test_cross_entropy_scrub_chart_carries_the_lessons_grid():
    at = open_page("cross_entropy", logits="1,2,3", target="2")
    spec, param, datasets = the_scrub_chart(at)
    assert param["value"] == 3.0
    assert param["bind"]["name"] == "Scrub z[2] here"
    same_rows(datasets["lines"], ce.scrub_grid(ce.Setup((1.0, 2.0, 3.0), 2)))
    z = -1.5
    p = math.exp(z) / (math.exp(1) + math.exp(2) + math.exp(z))
    text = readout_at(datasets, "z", z)
    assert text.splitlines() == [
        f"z[2] = {num(z)}",
        f"loss = {num(-math.log(p))}",
        f"softmax[2] = {num(p)}",
        f"∂loss/∂z[2] = {num(p - 1)}",
    ]


def test_dropout_scrub_chart_carries_the_lessons_grid():
    at = open_page("dropout", p="0.3", seed="5")
    spec, param, datasets = the_scrub_chart(at)
    assert param["value"] == 0.3
    assert param["bind"]["step"] == 0.05
    grid = dropout.scrub_grid(5)
    shown = datasets["lines"]
    same_rows(shown[shown["series"] == "sum(y)"][["p", "value"]], grid[["p", "sum"]].rename(
        columns={"sum": "value"}
    ))  # fmt: skip
    draw = dropout.draw(0.75, 5)
    text = readout_at(datasets, "p", 0.75)
    assert f"kept {draw.kept_count} of 64, scale 1/(1-p) = {num(4.0)}" in text
    assert f"sum(y) = {num(draw.output.sum().item())}" in text


def test_scrub_input_is_labelled_in_chinese():
    at = open_page("activations", lang="zh")
    _, param, _ = the_scrub_chart(at)
    assert param["bind"]["name"] == catalog("zh")["activations.scrub_label"]


def test_scrub_chart_in_presenter_mode_keeps_its_input_and_grows_its_text():
    _, _, plain = the_scrub_chart(open_page("cross_entropy"))
    spec, param, datasets = the_scrub_chart(open_page("cross_entropy", present="1"))
    assert param["bind"]["input"] == "range"
    same_rows(datasets["lines"], plain["lines"])
    halo, text = [layer for layer in spec["layer"] if layer.get("data") == {"name": "readout"}]
    plain_spec, _, _ = the_scrub_chart(open_page("cross_entropy"))
    plain_text = [lay for lay in plain_spec["layer"] if lay.get("data") == {"name": "readout"}][1]
    # The font: at most 12 px x 1.6 when presenting (12 px otherwise), less where the longest
    # line would not fit the plot's width; the halo grows with the text.
    assert font_size_rule(text) == font_size_rule(halo) == "min(19.2, (width - 12) / datum.em)"
    assert font_size_rule(plain_text) == "min(12, (width - 12) / datum.em)"
    assert (
        text["encoding"]["size"]
        == halo["encoding"]["size"]
        == {
            "field": "font_size",
            "type": "quantitative",
            "scale": None,
        }
    )
    assert halo["mark"]["aria"] is False and halo["mark"]["strokeWidth"] > 4


def font_size_rule(layer: dict) -> str:
    (rule,) = [step["calculate"] for step in layer["transform"] if step.get("as") == "font_size"]
    return rule


def test_scrub_readout_carries_the_width_of_its_longest_line():
    # 1 em a CJK character, 0.6 em anything else: "p = 0.5000" is 10 x 0.6 = 6 em.
    for lang in ("en", "zh"):
        _, _, datasets = the_scrub_chart(open_page("dropout", lang=lang))
        for text, em in zip(datasets["readout"]["text"], datasets["readout"]["em"], strict=True):
            widest = max(
                sum(1.0 if "\u4e00" <= c <= "\u9fff" or c in "，、：（）" else 0.6 for c in line)
                for line in text.split("\n")
            )
            assert em == pytest.approx(widest), text


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("activations", {"lock": "1"}),
        ("activations", {"hide": "x"}),
        ("cross_entropy", {"hide": "logits"}),
        ("dropout", {"lock": "1"}),
        ("dropout", {"hide": "p"}),
    ],
)
def test_a_teachers_lock_or_hide_leaves_no_scrub_input(page, params):
    assert scrub_charts(open_page(page, **params)) == []
