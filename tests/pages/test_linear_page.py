"""The linear page in AppTest: numbers from the URL against hand loops over the seeded weights,
bad URL values, the grid picture, the notation table, and the "Reproduce this" snippet."""

from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from lib.lessons._format import num
from lib.lessons.linear import compute as linear
from tests.pages.apptest import (
    answer_check,
    metrics,
    numbers_in,
    open_answered,
    open_page,
    run_snippet,
    snippet,
    texts,
)


def f4(value: float) -> str:
    return num(value)


def hand_y(n_in: int, n_out: int, bias: bool, seed: int, x) -> list[float]:
    """y_j = sum_i W[j][i] x_i + b_j by hand, over the weights the seed gives."""
    layer = linear.make_layer(n_in, n_out, bias, seed)
    weight = layer.weight.tolist()
    b = layer.bias.tolist() if bias else [0.0] * n_out
    return [sum(weight[j][i] * x[i] for i in range(n_in)) + b[j] for j in range(n_out)]


def shown_y(at) -> list[float]:
    shown = metrics(at)
    return [float(shown[f"y[{j}]"]) for j in range(sum(k.startswith("y[") for k in shown))]


def charts(at) -> dict[str, dict]:
    """The page's Vega-Lite specs by their description."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    return {spec["description"]: spec for spec in specs}


def test_default_state():
    at = open_answered("linear")
    assert not at.warning
    shown = metrics(at)
    assert shown["weight.shape"] == "(2, 2)"
    assert shown["parameters"] == "6"  # 2 x 2 + 2
    assert shown_y(at) == pytest.approx(hand_y(2, 2, True, 0, (1.0, 0.5)), rel=6e-4, abs=1e-4)
    url = {"in": "2", "out": "2", "bias": "1", "seed": "0", "x": "1,0.5"}
    assert {name: at.query_params[name] for name in url} == url
    assert len(at.get("vega_lite_chart")) == 2  # the layer's numbers and the grid


@pytest.mark.parametrize(
    ("n_in", "n_out", "bias", "seed", "x"),
    [
        (3, 2, True, 7, (0.5, -1.5, 2.0)),
        (1, 4, False, 123, (-3.0,)),
        (8, 8, True, 2**31 - 1, (3.0, -3.0, 0.1, 0.2, -0.7, 1.1, 2.9, -2.4)),
        (2, 2, False, 42, (0.0, 0.0)),
    ],
)
def test_url_state_numbers_are_the_hand_loop(n_in, n_out, bias, seed, x):
    at = open_answered(
        "linear",
        **{"in": n_in, "out": n_out, "bias": int(bias), "seed": seed},
        x=",".join(map(str, x)),
    )
    assert not at.warning
    shown = metrics(at)
    assert shown["weight.shape"] == f"({n_out}, {n_in})"
    assert shown["parameters"] == str(n_in * n_out + (n_out if bias else 0))
    expected = hand_y(n_in, n_out, bias, seed, x)
    assert shown_y(at) == pytest.approx(expected, rel=6e-4, abs=1e-4)
    # The worked line of the formula ends with y_0, and the weight entries appear in it.
    latex = "\n".join(block.value for block in at.latex)
    assert latex.rstrip("$\n").endswith(rf"= {f4(expected[0])}\end{{aligned}}\end{{gathered}}")
    weight = linear.make_layer(n_in, n_out, bias, seed).weight.tolist()
    formula_numbers = numbers_in(latex)
    assert all(float(num(w)) in formula_numbers for row in weight for w in row)


def test_zero_input_without_bias_gives_zero():
    at = open_page("linear", **{"bias": 0, "x": "0,0"})
    assert shown_y(at) == [0.0, 0.0]  # y = x Aᵀ with x = 0


def test_grid_chart_only_for_two_by_two():
    at = open_page("linear", **{"in": 3, "out": 2})
    assert len(at.get("vega_lite_chart")) == 1
    assert "in_features = 2 and out_features = 2" in texts(at)
    {b.label: b for b in at.button}["Show the 2 → 2 case"].click().run()
    assert (at.query_params["in"], at.query_params["out"]) == ("2", "2")
    assert len(at.get("vega_lite_chart")) == 2


def test_grid_chart_marks_x_y_and_the_origin_image():
    seed, x = 9, (1.5, -0.5)
    at = open_page("linear", seed=seed, x="1.5,-0.5")
    layer = linear.make_layer(2, 2, True, seed)
    (w00, w01), (w10, w11) = layer.weight.tolist()
    b0, b1 = layer.bias.tolist()
    y = (w00 * x[0] + w01 * x[1] + b0, w10 * x[0] + w11 * x[1] + b1)
    (grid,) = [c for c in at.get("vega_lite_chart") if "Scatter of a unit-square grid" in c.spec]
    data = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in grid.proto.datasets}
    marked = data["points"].set_index("name")  # the marks' positions travel as data
    assert marked.loc["x", ["p0", "p1"]].tolist() == pytest.approx(x)
    assert marked.loc["y", ["p0", "p1"]].tolist() == pytest.approx(y, abs=1e-5)
    assert marked.loc["b", ["p0", "p1"]].tolist() == pytest.approx((b0, b1), abs=1e-6)
    # The caption: the corner (1, 0) goes to the first column of A plus b.
    assert f"(1, 0) goes to A[:, 0] + b = ({f4(w00 + b0)}, {f4(w10 + b1)})" in texts(at)


def test_weight_chart_has_the_true_shape():
    at = open_answered("linear", **{"in": 5, "out": 3})
    spec = next(s for d, s in charts(at).items() if d.startswith("Heatmaps of the layer"))
    weight_view = spec["hconcat"][0]
    position = weight_view["layer"][0]["encoding"]
    assert position["x"]["scale"]["domain"] == [0, 1, 2, 3, 4]  # in_features columns
    assert position["y"]["scale"]["domain"] == [0, 1, 2]  # out_features rows
    assert weight_view["width"] > weight_view["height"]  # 5 wide, 3 tall
    assert "= (3, 5)" in weight_view["title"]["text"]


def test_notation_table_and_the_real_error():
    at = open_page("linear", **{"in": 3, "out": 2, "seed": 4}, x="1,2,3")
    y = hand_y(3, 2, True, 4, (1.0, 2.0, 3.0))
    table = at.table[0].value
    results = table.iloc[:, 1].tolist()
    assert results == [f"[{f4(y[0])}, {f4(y[1])}]"] * 3  # layer(x), x Aᵀ + b, A x + b
    errors = [c.value for c in at.code if c.language == "text"]
    assert errors == ["RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x3 and 2x3)"]


def test_square_layer_shows_the_silent_wrong_answer():
    at = open_page("linear", seed=4, x="1,2")
    layer = linear.make_layer(2, 2, True, 4)
    w, b = layer.weight.tolist(), layer.bias.tolist()
    wrong = [1 * w[0][j] + 2 * w[1][j] + b[j] for j in range(2)]  # x @ W + b
    assert at.table[0].value.iloc[3, 1] == f"[{f4(wrong[0])}, {f4(wrong[1])}]"
    assert any("silent bug" in info.value for info in at.info)


def test_moving_an_input_slider_updates_numbers_and_url():
    at = open_page("linear", seed=3)
    at.slider(key="linear.x0").set_value(-2.0).run()
    assert at.query_params["x"] == "-2,0.5"
    assert shown_y(at) == pytest.approx(hand_y(2, 2, True, 3, (-2.0, 0.5)), rel=6e-4, abs=1e-4)


def test_more_inputs_add_a_slider_with_its_default():
    at = open_answered("linear", seed=3)
    at.slider(key="linear.in").set_value(3).run()
    assert at.query_params["x"] == "1,0.5,-1"
    assert metrics(at)["weight.shape"] == "?", "a new question: its answer hides again"
    answer_check(at)
    assert metrics(at)["weight.shape"] == "(2, 3)"
    assert shown_y(at) == pytest.approx(hand_y(3, 2, True, 3, (1.0, 0.5, -1.0)), rel=6e-4, abs=1e-4)


def test_new_weights_button_changes_the_seed_and_the_numbers():
    at = open_page("linear", seed=10)
    before = shown_y(at)
    {b.label: b for b in at.button}["New weights"].click().run()
    assert at.query_params["seed"] == "11"
    assert shown_y(at) == pytest.approx(hand_y(2, 2, True, 11, (1.0, 0.5)), rel=6e-4, abs=1e-4)
    assert shown_y(at) != before


def test_same_link_same_numbers():
    first = metrics(open_page("linear", **{"in": 4, "out": 3, "seed": 99}))
    open_page("linear", **{"in": 4, "out": 3, "seed": 100})  # someone else, another seed
    assert metrics(open_page("linear", **{"in": 4, "out": 3, "seed": 99})) == first


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        ({"in": "abc"}, 1, {"in": "2", "x": "1,0.5"}),
        ({"in": "99", "out": "0"}, 2, {"in": "8", "out": "1"}),
        ({"in": "nan", "out": "1e308"}, 2, {"in": "2", "out": "8"}),
        ({"bias": "maybe", "seed": "-4"}, 2, {"bias": "1", "seed": "0"}),
        ({"seed": "1e308"}, 1, {"seed": str(2**31 - 1)}),
        ({"seed": "2.5"}, 1, {"seed": "0"}),
        ({"x": "1e308,-inf"}, 1, {"x": "3,-3"}),
        ({"x": "1,2,3"}, 1, {"x": "1,2"}),  # one value too many for in = 2
        ({"in": "3", "x": "0.3"}, 1, {"x": "0.3,0.5,-1"}),  # missing values from the defaults
        # One notice per parameter, quoting the link and naming the value finally used:
        ({"x": "1,abc"}, 1, {"x": "1,0.5"}),  # a bad item, then one value short
        ({"x": ",".join(["1"] * 500)}, 1, {"x": "1,1"}),  # too long, then too many for in
        ({"x": "<script>alert(1)</script>"}, 1, {"x": "1,0.5"}),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page("linear", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert all("<script>" not in w.value for w in at.warning)
    # Whatever was in the link, the numbers are the layer's for the values the page used.
    n_in, n_out = int(at.query_params["in"]), int(at.query_params["out"])
    x = tuple(float(v) for v in at.query_params["x"].split(","))
    expected = hand_y(n_in, n_out, at.query_params["bias"] == "1", int(at.query_params["seed"]), x)
    assert shown_y(at) == pytest.approx(expected, rel=6e-4, abs=1e-4)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"in": "3", "out": "2", "seed": "7", "x": "0.5,-1.5,2"},
        {"in": "1", "out": "4", "bias": "0", "seed": "123", "x": "-3"},
        {"in": "8", "out": "8", "seed": "2147483647"},
        {"in": "2", "out": "2", "bias": "0", "x": "0,0"},
    ],
)
def test_snippet_prints_the_page_numbers(params):
    at = open_answered("linear", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert printed == {name: shown[name] for name in printed}
    assert set(printed) == set(shown)  # weight.shape, every y[j], parameters


def reveal(at) -> None:
    """A pick of the check's radio answers it: the rerun shows the verdict."""
    at.run()


def test_check_yourself_weight_shape():
    at = open_page("linear", **{"in": 3, "out": 5})
    radio = [r for r in at.radio if "weight.shape" in r.label][0]
    assert radio.options == ["(3, 5)", "(5, 3)", "(15,)"]
    radio.set_value("(5, 3)")
    reveal(at)
    assert any(s.value.startswith("Right.") and "(5, 3)" in s.value for s in at.success)


def test_check_yourself_parameter_count():
    at = open_page("linear", **{"in": 4, "out": 4, "bias": 0})
    radio = [r for r in at.radio if "parameters" in r.label][0]
    radio.set_value("16")  # 4 x 4 weights, no bias
    reveal(at)
    assert any(s.value.startswith("Right.") and "16" in s.value for s in at.success)
    radio = [r for r in at.radio if "parameters" in r.label][0]
    radio.set_value("20")  # 4 x 4 + 4 would be with a bias
    reveal(at)
    assert at.warning and "**16**" in at.warning[0].value
