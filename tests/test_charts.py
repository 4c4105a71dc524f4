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


def matrix_cells(values: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"row": i, "col": j, "value": v, "label": f"{v:.2f}"}
            for i, row in enumerate(values)
            for j, v in enumerate(row)
        ]
    )


def test_matrices_are_signed_true_shaped_and_only_the_first_has_axes():
    weight = charts.Block("w", matrix_cells([[0.5, -0.5, 0.1]]), ["A"], 0.5, col_title="in")
    y = charts.Block("y", matrix_cells([[2.0]]), ["y"], 3.0)
    spec = charts.matrices(weight, y, row_title="out", cell=30, description="d")
    first, second = spec["hconcat"]
    assert (first["width"], first["height"], second["width"]) == (90, 30, 30)
    for view, bound in ((first, 0.5), (second, 3.0)):
        cells, numbers = view["layer"]
        # Zero sits in the middle of a diverging scale, whatever the block's bound.
        assert cells["encoding"]["color"]["scale"] == {
            "domain": [-bound, bound],
            "scheme": "blueorange",
        }
        # White text at both ends of the scale, the negative one too.
        assert numbers["encoding"]["color"]["condition"]["test"].startswith("abs(datum['value'])")
    assert first["layer"][0]["encoding"]["x"]["axis"]["orient"] == "top"
    assert second["layer"][0]["encoding"]["x"]["axis"] is None
    assert second["layer"][0]["encoding"]["y"]["axis"] is None
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    assert spec["config"]["view"] == {"stroke": None}  # the kind's own view config is kept
    assert set(spec["datasets"]) == {"w", "y"}


def surface_chart(shown: int) -> dict:
    path = pd.DataFrame(
        {"step": range(4), "x": [1.0, 0.5, 0.2, 0.1], "y": [1.0, 0.4, 0.1, 0.0]}
    ).assign(shown=lambda d: d.step <= shown)
    points = pd.DataFrame({"kind": ["minimum", "start", "current"], "x": [0, 1, 0.2], "y": [0] * 3})
    cells = pd.DataFrame({"col": [0, 1, 0, 1], "row": [0, 0, 1, 1], "level": [0, 0.3, 0.6, 1]})
    return charts.surface(cells, path, points, domain=(-2.0, 2.0), count=2, description="d")


def test_surface_draws_the_path_in_step_order_and_only_data_follows_the_steps():
    spec = surface_chart(shown=2)
    rest, solid, dots = spec["layer"][1:4]
    for line in (rest, solid):  # a path that turns back is drawn in order of step, not of x
        assert line["encoding"]["order"] == {"field": "step", "type": "quantitative"}
    assert rest["mark"]["strokeDash"] and "strokeDash" not in solid["mark"]
    assert solid["transform"] == dots["transform"] == [{"filter": "datum.shown"}]
    # Each marker kind is drawn by its own layer; the current point is filled, not white.
    kinds = {layer["transform"][0]["filter"]: layer["mark"] for layer in spec["layer"][4:]}
    assert kinds["datum.kind == 'current'"]["fill"] == charts.HIGHLIGHT
    assert kinds["datum.kind == 'start'"]["fill"] == "#FFFFFF"
    # Stepping on changes the datasets only.
    later = surface_chart(shown=3)
    assert {**later, "datasets": None} == {**spec, "datasets": None}
    assert later["datasets"]["path"]["shown"].sum() == 4


def test_grid_transform_frames_the_square_and_draws_the_rule_from_one_point():
    grid = pd.DataFrame(
        {"p0": [0, 1, 0, 2], "p1": [0, 0, 0, 1], "stage": ["before"] * 2 + ["after"] * 2}
    ).assign(line="x1=0", order=[0, 1, 0, 1])
    points = pd.DataFrame({"name": ["x", "y"], "p0": [1, 2], "p1": [0, 1]}).assign(q0=2, q1=1)
    spec = charts.grid_transform(
        grid, points, 2.5, x_title="a", y_title="b", colours={"x": "#111", "y": "#222"},
        moved="x", description="d",
    )  # fmt: skip
    assert spec["datasets"]["frame"].to_dict("list") == {"p0": [-2.5, 2.5], "p1": [-2.5, 2.5]}
    assert "domain" not in spec["layer"][0]["encoding"]["x"]["scale"]  # the data frames it
    (rule,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rule["transform"] == [{"filter": "datum.name === 'x'"}]
    assert rule["encoding"]["x2"] == {"field": "q0"}
    assert spec["width"] == spec["height"]


def test_loss_curve_is_on_a_log_axis_and_spans_the_steps_asked_for():
    losses = pd.DataFrame({"step": [0, 1], "loss": [1.0, 0.1], "shown": True, "current": False})
    spec = charts.loss_curve(
        losses, 50, bound=1e3, floor=1e-6, ceiling=1e5, x_title="step", y_title="loss",
        description="d",
    )  # fmt: skip
    y = spec["layer"][2]["encoding"]["y"]
    assert y["scale"] == {"type": "log", "domain": [1e-6, 1e5], "nice": False}
    assert spec["datasets"]["extent"]["step"].tolist() == [0, 50]  # a run that stopped early
    assert spec["datasets"]["bound"]["loss"].tolist() == [1e3]
    # Fewer steps or another bound: other data, the same spec.
    other = charts.loss_curve(
        losses, 9, bound=1.0, floor=1e-6, ceiling=1e5, x_title="step", y_title="loss",
        description="d",
    )  # fmt: skip
    assert {**other, "datasets": None} == {**spec, "datasets": None}


def table_cells(values, picked) -> pd.DataFrame:
    names = [f"{r} w{r}" for r in range(len(values))]
    return pd.DataFrame(
        [
            {"row": names[i], "col": j, "value": v, "label": f"{v:.2f}", "picked": picked[i]}
            for i, row in enumerate(values)
            for j, v in enumerate(row)
        ]
    )


def test_table_heatmap_outlines_picked_rows_and_whitens_numbers_on_strong_colours():
    data = table_cells([[0.5, -2.5], [1.0, 0.0]], [False, True])
    order = ["0 w0", "1 w1"]
    common = dict(order=order, title="t", subtitle="s", description="d")
    signed = charts.table_heatmap(data, domain=(-3, 3), colours="blueorange", dark=1.9, **common)
    cells, numbers, outline = signed["layer"]
    assert cells["encoding"]["y"]["sort"] == order  # rows in the table's order, not by name
    assert cells["encoding"]["color"]["scale"] == {
        "domain": [-3.0, 3.0],
        "scheme": "blueorange",
        "clamp": True,
    }
    # Both ends of a signed scale are strong colours; only the top of a one-sided one.
    assert numbers["encoding"]["color"]["condition"]["test"] == "abs(datum.value) > 1.9"
    # One outline a picked row, across the width, hidden from screen readers.
    assert outline["transform"] == [{"filter": "datum.picked && datum.col == 0"}]
    assert outline["encoding"]["x2"] == {"value": "width"}
    assert outline["mark"]["aria"] is False
    assert signed["height"] == {"step": 22}
    grey_to_orange = ("#F1F5F9", charts.HIGHLIGHT)
    one_sided = charts.table_heatmap(
        data, domain=(0, 2), colours=grey_to_orange, dark=1.2, **common
    )
    scale = one_sided["layer"][0]["encoding"]["color"]["scale"]
    assert (scale["range"], scale["interpolate"]) == (list(grey_to_orange), "rgb")
    assert one_sided["layer"][1]["encoding"]["color"]["condition"]["test"] == "datum.value > 1.2"
    assert signed["datasets"]["cells"] is data


def test_before_after_bars_keep_the_limit_in_the_data():
    norms = pd.DataFrame({"row": ["a", "b"], "before": [2.0, 0.5], "after": [1.0, 0.5]})
    common = dict(
        limit_field="max_norm", order=["a", "b"], title="t", x_title="x", description="d",
        dataset="norms",
    )  # fmt: skip
    spec = charts.before_after_bars(norms, limit=1.0, **common)
    before, after, rule = spec["layer"]
    assert before["mark"]["size"] > after["mark"]["size"]  # "after" drawn inside "before"
    assert rule["data"] == {"name": "limit"}
    assert rule["encoding"]["x"] == {"field": "max_norm", "type": "quantitative"}
    assert "domain" not in before["encoding"]["x"].get("scale", {})  # Vega fits the axis
    assert spec["datasets"]["limit"]["max_norm"].tolist() == [1.0]
    # Another limit: other data, the same spec.
    other = charts.before_after_bars(norms, limit=2.5, **common)
    assert {**other, "datasets": None} == {**spec, "datasets": None}


def time_cells(steps: int, units: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"step": s, "unit": u, "value": 0.1 * s - u, "label": f"{0.1 * s - u:.2f}"}
            for u in range(units)
            for s in range(steps)
        ]
    ).assign(steps=steps)


def test_time_heatmap_writes_numbers_or_signs_and_sizes_are_data():
    common = dict(
        title="h", step_title="t", rows_title="unit", domain=(-1, 1), scheme="blueorange",
        description="d",
    )  # fmt: skip
    spec = charts.time_heatmap(time_cells(16, 4), focus=3, numbers=True, **common)
    cells, focus, numbers, signs = spec["layer"]
    assert focus["data"] == {"name": "focus"} and focus["mark"]["fill"] is None
    assert spec["datasets"]["focus"]["step"].tolist() == [3]
    # Numbers where a cell is wide enough, the sign elsewhere: colour is never the only cue.
    fit = numbers["encoding"]["opacity"]["condition"]["test"]
    assert fit == signs["encoding"]["opacity"]["condition"]["test"] == "width / datum.steps >= 26"
    assert numbers["encoding"]["opacity"]["condition"]["value"] == 1
    assert signs["encoding"]["opacity"]["condition"]["value"] == 0
    assert cells["encoding"]["color"]["scale"]["clamp"] is True
    # Other sizes and another inspected step: other data, the same spec.
    other = charts.time_heatmap(time_cells(12, 6), focus=7, numbers=True, **common)
    assert {**other, "datasets": None} == {**spec, "datasets": None}
    # Too many steps for numbers: only the signs, always shown.
    many = charts.time_heatmap(time_cells(30, 2), focus=0, numbers=False, **common)
    assert [layer["mark"]["type"] for layer in many["layer"]] == ["rect", "rect", "text"]
    assert many["layer"][2]["encoding"]["opacity"]["condition"]["test"] == "false"


def memory_cells(written: int) -> pd.DataFrame:
    """Three cells in a row reading storage cells 2, 0, 1; one of them written."""
    return pd.DataFrame(
        {"x0": [0.06, 1.06, 2.06], "x1": [0.94, 1.94, 2.94], "y0": 0.06, "y1": 0.94}
    ).assign(
        cx=[0.5, 1.5, 2.5], cy=0.5, label=["2", "0", "1"], source=[2, 0, 1], tip="t",
        written=[i == written for i in range(3)],
    )  # fmt: skip


def test_cells_colour_by_storage_index_and_outline_only_the_written_ones():
    labels = pd.DataFrame({"cx": [1.5], "cy": [1.45], "text": ["[0]"]})
    common = dict(colours=3, width_units=24, height_units=1.9, description="d")
    spec = charts.cells(memory_cells(0), labels, **common)
    boxes, outlines, values, free_text = spec["layer"]
    # One colour per storage index, the same scale in every chart of n elements: the link.
    assert boxes["encoding"]["color"]["field"] == "source"
    assert boxes["encoding"]["color"]["scale"] == {"domain": [0, 2], "scheme": "turbo"}
    assert outlines["transform"] == [{"filter": "datum.written"}]
    assert outlines["mark"]["filled"] is False
    assert values["encoding"]["text"] == {"field": "label", "type": "nominal"}
    assert free_text["data"] == {"name": "labels"}
    # y grows downwards, in cell rows of 24 px; no axes: the layout is the picture.
    assert boxes["encoding"]["y"]["scale"]["reverse"] is True
    assert boxes["encoding"]["x"]["scale"]["domain"] == [0, 24.0]
    assert spec["height"] == int(1.9 * 24)
    assert boxes["encoding"]["x"]["axis"]["labels"] is False
    # Every mark is hidden from screen readers; the description names the chart.
    assert all(lay["mark"]["aria"] is False for lay in unnamed_marks_hidden(spec)["layer"])
    # Writing another element changes the datasets only.
    other = charts.cells(memory_cells(2), labels, **common)
    assert {**other, "datasets": None} == {**spec, "datasets": None}
    assert other["datasets"]["cells"]["written"].tolist() == [False, False, True]
    # A single element still gets a scale with two ends; past 30 cells across, smaller text.
    one = charts.cells(memory_cells(0).head(1), labels, **{**common, "colours": 1})
    assert one["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1]
    wide = charts.cells(memory_cells(0), labels, **{**common, "width_units": 48})
    assert (spec["layer"][2]["mark"]["fontSize"], wide["layer"][2]["mark"]["fontSize"]) == (11, 9)


def test_dot_graph_escapes_labels_and_keeps_every_node_and_edge():
    from lib.view.kinds import dot

    text = dot(
        [("a", "leaf", ("a<b>", "data 1", "grad 2")), ("y", "out", ("y & z", "3", "out"))],
        [("a", "y")],
        {"leaf": "#DCEBF7", "out": "#FFFFFF"},
    )
    assert "<b>a&lt;b&gt;</b><br/>data 1<br/>grad 2" in text  # text, never markup
    assert "<b>y &amp; z</b>" in text
    assert '"a" -> "y";' in text and 'fillcolor="#DCEBF7"' in text
    assert "fontsize=16" in dot([], [], {}, presenting=True)  # larger on a projector


def test_titled_breaks_a_long_title_into_lines_instead_of_cutting_it():
    from lib.view.kinds import titled

    assert titled({}, "short")["title"]["text"] == "short"
    lines = titled({}, "y as a function of x, and the tangent at x")["title"]["text"]
    assert " ".join(lines) == "y as a function of x, and the tangent at x" and len(lines) == 2


def test_time_heatmap_writes_signs_only_on_a_signed_scale():
    import pandas as pd

    from lib.view.kinds import time_heatmap

    data = pd.DataFrame({"step": [0], "unit": [0], "value": [0.7], "label": ["0.70"], "steps": [1]})

    def spec(domain):
        return time_heatmap(
            data, focus=0, title="g", step_title="t", rows_title="j", domain=domain,
            scheme="greens", numbers=True, description="d",
        )  # fmt: skip

    assert "'+'" not in str(spec((0.0, 1.0)))  # a gate in (0, 1): "+" everywhere says nothing
    assert "'+'" in str(spec((-1.0, 1.0)))


def test_titled_breaks_long_code_after_a_dot_comma_or_bracket():
    """A chain of calls has no space to break at: it breaks inside, after a . , or ( (Vega cut
    "x = torch.arange(24).reshape(2, 3, 4) ..." to "x = torch.arange(24).resha…")."""
    from lib.view.kinds import titled
    from lib.view.kinds.base import em_width

    title = "x = torch.arange(24).reshape(2, 3, 4) · stride() (12, 4, 1)"
    lines = titled({}, title, line=15)["title"]["text"]
    assert lines[0] == "x = torch.arange(24)."
    assert all(em_width(line) <= 15 for line in lines), lines
    assert " ".join(lines).replace(". ", ".") == title  # every character kept, in order
