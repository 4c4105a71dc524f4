"""The sgd page in AppTest: URL states against closed forms of gradient descent, stepping through
a run with the buttons, bad links, PyTorch's own refusal of Nesterov, and the "Reproduce this"
snippet against the page."""

from __future__ import annotations

import math

import pytest

from lib.lessons._format import num
from lib.lessons.sgd import compute as sgd
from tests.pages.apptest import metrics, open_page, run_snippet, snippet, texts

HEADLINE = ("x", "y", "loss", "steps taken")
MESSAGE = "Nesterov momentum requires a momentum and zero dampening"


def heavy_ball(a, x0, y0, lr, momentum, steps, dampening=0.0):
    """Points of SGD on the bowl (a x^2 + y^2)/2 by hand: b = g first, then mu b + (1 - tau) g."""
    x, y, bx, by = x0, y0, None, None
    points = [(x, y)]
    for _ in range(steps):
        gx, gy = a * x, y
        if momentum:
            if bx is None:
                bx, by = gx, gy
            else:
                bx, by = momentum * bx + (1 - dampening) * gx, momentum * by + (1 - dampening) * gy
            gx, gy = bx, by
        x, y = x - lr * gx, y - lr * gy
        points.append((x, y))
    return points


def bowl(a, x, y):
    return 0.5 * (a * x * x + y * y)


def shown_numbers(at) -> tuple[float, float, float, int]:
    m = metrics(at)
    return float(m["x"]), float(m["y"]), float(m["loss"]), int(m["steps taken"])


def assert_at(at, a, point, steps_taken):
    x, y, loss, taken = shown_numbers(at)
    assert (x, y) == pytest.approx(point, rel=6e-4, abs=1.5e-4)
    assert loss == pytest.approx(bowl(a, *point), rel=6e-4, abs=1.5e-4)
    assert taken == steps_taken


MOVE_LABELS = {"Start": "reset", "Step": "step", "All": "all"}


class Move:
    """A click on Start, Step or All (one segmented control: a click acts, then it clears)."""

    def __init__(self, at, choice: str):
        self.at, self.choice = at, choice

    def click(self):
        return self.at.button_group(key="sgd.move").set_value(self.choice)


def buttons(at) -> dict:
    return {label: Move(at, choice) for label, choice in MOVE_LABELS.items()}


def test_default_state_is_heavy_ball_on_the_bowl():
    at = open_page("sgd")
    assert not at.warning
    assert_at(at, 10.0, heavy_ball(10.0, -1.8, 1.6, 0.15, 0.5, 30)[30], 30)
    expected = {
        "surface": "bowl", "cond": "10", "x0": "-1.8", "y0": "1.6", "lr": "0.15",
        "momentum": "0.5", "dampening": "0", "wd": "0", "nesterov": "0", "steps": "30",
        "show": "30",
    }  # fmt: skip
    assert {k: at.query_params[k] for k in expected} == expected


@pytest.mark.parametrize(("a", "lr", "steps"), [(4.0, 0.1, 10), (1.0, 0.37, 12), (20.0, 0.05, 25)])
def test_plain_gd_is_geometric(a, lr, steps):
    """No momentum: x_k = (1 - lr a)^k x0, y_k = (1 - lr)^k y0. lr = 0.37 is not one of the
    slider's values: the link's value is used as given, without a notice."""
    at = open_page("sgd", cond=a, lr=lr, momentum=0, steps=steps)
    assert not at.warning
    point = (-1.8 * (1 - lr * a) ** steps, 1.6 * (1 - lr) ** steps)
    assert_at(at, a, point, steps)
    assert at.query_params["lr"] == str(lr)


def test_show_fewer_steps_and_the_step_table():
    at = open_page("sgd", show=3)
    points = heavy_ball(10.0, -1.8, 1.6, 0.15, 0.5, 3)
    assert_at(at, 10.0, points[3], 3)
    table = at.table[0].value
    assert list(table["step"]) == [1, 2, 3]
    zh = open_page("sgd", show=3, lang="zh").table[0].value
    assert list(zh["步"]) == [1, 2, 3]  # the header in the page's language
    first = table.iloc[0]
    # Step 1 starts at the start point; its gradient is (a x0, y0) and the buffer equals it.
    assert first["p"] == "(-1.8, 1.6)"
    assert first["p.grad"] == "(-18, 1.6)" == first["momentum_buffer"]
    assert first["f(p)"] == num(bowl(10.0, -1.8, 1.6))
    after = [tuple(float(v) for v in cell.strip("()").split(", ")) for cell in table.iloc[:, -1]]
    assert after == [pytest.approx(p, rel=6e-4, abs=1.5e-4) for p in points[1:]]


def test_table_with_weight_decay_shows_the_decayed_gradient_in_the_buffer():
    at = open_page("sgd", show=1, wd=0.5, momentum=0.9)
    first = at.table[0].value.iloc[0]
    # p.grad = (-18, 1.6); + 0.5 p = (-0.9, 0.8): the buffer starts at (-18.9, 2.4).
    assert first["p.grad"] == "(-18, 1.6)"
    assert first["p.grad + wd·p"] == "(-18.9, 2.4)" == first["momentum_buffer"]


def test_no_momentum_no_buffer_in_the_table():
    at = open_page("sgd", show=2, momentum=0)
    assert list(at.table[0].value["momentum_buffer"]) == ["—", "—"]


def test_step_buttons_walk_through_the_run():
    at = open_page("sgd", show=3)
    points = heavy_ball(10.0, -1.8, 1.6, 0.15, 0.5, 30)
    buttons(at)["Step"].click().run()
    assert at.query_params["show"] == "4"
    assert_at(at, 10.0, points[4], 4)
    buttons(at)["Start"].click().run()
    assert at.query_params["show"] == "0"
    assert_at(at, 10.0, (-1.8, 1.6), 0)
    assert not at.table  # nothing to tabulate before the first step
    buttons(at)["All"].click().run()
    assert at.query_params["show"] == "30"
    assert_at(at, 10.0, points[30], 30)


def test_step_after_the_last_step_runs_one_more():
    at = open_page("sgd", steps=30)
    buttons(at)["All"].click().run()  # every step is shown already: nothing to do
    assert (at.query_params["steps"], at.query_params["show"]) == ("30", "30")
    buttons(at)["Step"].click().run()
    assert (at.query_params["steps"], at.query_params["show"]) == ("31", "31")
    assert_at(at, 10.0, heavy_ball(10.0, -1.8, 1.6, 0.15, 0.5, 31)[31], 31)
    at = open_page("sgd", steps=200)
    buttons(at)["Step"].click().run()  # at the cap: nothing more to run
    assert (at.query_params["steps"], at.query_params["show"]) == ("200", "200")


def test_more_steps_keep_showing_all_but_a_partial_view_stays():
    at = open_page("sgd")
    at.slider(key="sgd.steps").set_value(50).run()
    assert at.query_params["show"] == "50"  # all were shown: all still are
    at = open_page("sgd", show=10)
    at.slider(key="sgd.steps").set_value(50).run()
    assert at.query_params["show"] == "10"
    at.slider(key="sgd.steps").set_value(5).run()
    assert at.query_params["show"] == "5"  # cannot show more steps than were run


def test_show_larger_than_steps_means_all_without_a_notice():
    at = open_page("sgd", steps=20, show=150)
    assert not at.warning
    assert at.query_params["show"] == "20"


def test_too_large_a_learning_rate_diverges_and_stops():
    """lr = 0.21 > 2/10: x_k = (-1.1)^k x0 grows; the loss first exceeds 1e4 at k = 34."""
    at = open_page("sgd", lr=0.21, momentum=0, steps=200)
    x, y, loss, taken = shown_numbers(at)
    assert taken == 34
    assert x == pytest.approx(-1.8 * (-1.1) ** 34, rel=6e-4)
    assert loss > 1e4 and math.isfinite(loss)
    assert any("diverged" in i.value for i in at.info)
    buttons(at)["Step"].click().run()  # a stopped run has no next step: nothing changes
    assert metrics(at)["steps taken"] == "34" and at.query_params["show"] == "200"
    assert "lr < **0.2**" in texts(at)  # the stability limit 2/lambda_max, lambda_max = 10


def test_nesterov_without_momentum_shows_pytorchs_error():
    at = open_page("sgd", nesterov=1, momentum=0)
    errors = [c.value for c in at.code if c.language == "text"]
    assert errors == [f"ValueError: {MESSAGE}"]
    assert any("PyTorch's own check" in i.value for i in at.info)
    assert_at(at, 10.0, (-1.8, 1.6), 0)
    assert not at.table and not at.exception
    assert run_snippet(snippet(at)) == {"ValueError": MESSAGE}


def test_wells_settles_in_the_local_minimum():
    at = open_page("sgd", surface="wells", x0=1.8, lr=0.05, momentum=0, steps=200)
    x_local = (1 + math.sqrt(0.8)) / 2
    x, y, loss, _ = shown_numbers(at)
    assert x == pytest.approx(x_local, rel=6e-4, abs=1.5e-4)
    assert loss == pytest.approx(
        (x_local**2 - 1) ** 2 + 0.1 * (x_local + 1) ** 2, rel=6e-4, abs=2e-4
    )


def test_formula_shows_the_current_step():
    at = open_page("sgd", show=2)
    latex = "\n".join(x.value for x in at.latex)
    m = metrics(at)
    assert "step 2:" in latex
    assert rf"\begin{{pmatrix}}{m['x']}\\ {m['y']}\end{{pmatrix}}" in latex
    # b_2 = 0.5 b_1 + g_2 with b_1 = g_1 = (-18, 1.6)
    assert r"\begin{pmatrix}-18\\ 1.6\end{pmatrix}" in latex


def test_lock_makes_the_controls_read_only():
    at = open_page("sgd", lock=1, show=3)
    assert at.slider and all(s.disabled for s in [*at.slider, *at.select_slider])
    assert at.select_slider[0].label == "lr"
    assert at.button_group(key="sgd.move").disabled
    assert_at(at, 10.0, heavy_ball(10.0, -1.8, 1.6, 0.15, 0.5, 3)[3], 3)


def test_check_yourself_answer_comes_from_the_optimizer():
    at = open_page("sgd")
    question = next(r for r in at.radio if "momentum_buffer" in r.label)
    question.set_value("grad")
    at.run()
    assert at.success and "(-18, 1.6)" in at.success[0].value


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        (
            {"lr": "abc", "momentum": "nan", "steps": "1e308", "surface": "<b>x</b>", "x0": "9",
             "show": "-3", "cond": "0", "nesterov": "maybe", "dampening": "2", "wd": "-1",
             "y0": "inf"},
            11,
            {"lr": "0.15", "momentum": "0.5", "steps": "200", "surface": "bowl", "x0": "2",
             "show": "0", "cond": "1", "nesterov": "0", "dampening": "0.9", "wd": "0", "y0": "2"},
        ),
        ({"lr": "5"}, 1, {"lr": "2"}),
        ({"steps": "0", "momentum": "1"}, 2, {"steps": "1", "momentum": "0.99"}),
        ({"steps": "2.5", "surface": "ROSENBROCK"}, 1, {"steps": "30", "surface": "rosenbrock"}),
    ],
)  # fmt: skip
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page("sgd", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value, name
    assert all("<b>" not in w.value for w in at.warning)  # escaped, never raw HTML


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"show": "7"},
        {"show": "0"},
        {"lr": "0.21", "momentum": "0", "steps": "200"},  # diverged
        {"surface": "rosenbrock", "lr": "2", "momentum": "0.99"},  # diverged at once
        {"surface": "rosenbrock", "lr": "0.01", "momentum": "0.9", "nesterov": "1", "steps": "200"},
        {"surface": "wells", "x0": "1.8", "y0": "-0.3", "lr": "0.05", "momentum": "0.8",
         "dampening": "0.3", "wd": "0.05", "steps": "120", "show": "77"},
        {"cond": "37.5", "lr": "0.001", "wd": "1", "steps": "1"},
    ],
)  # fmt: skip
def test_snippet_prints_what_the_page_shows(params):
    at = open_page("sgd", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert printed == {name: shown[name] for name in HEADLINE}


def test_hide_leaves_out_the_stepping_controls_but_keeps_the_state():
    at = open_page("sgd", hide="show,lr", show=3, lr=0.1)
    assert [s.label for s in at.select_slider] == []  # lr
    assert "steps shown" not in [s.label for s in at.slider]
    assert not [b for b in at.button_group if b.key == "sgd.move"]
    assert_at(at, 10.0, heavy_ball(10.0, -1.8, 1.6, 0.1, 0.5, 3)[3], 3)


def test_on_the_stability_limit_the_page_says_it_neither_converges_nor_diverges():
    at = open_page("sgd", lr=0.3, momentum=0.5)
    shown = texts(at)
    assert "neither converges nor diverges" in shown
    assert "left the plotted square" in shown  # x swings to ±5.4, outside [-2, 2]
    assert "neither" not in texts(open_page("sgd", lr=0.25, momentum=0.5))


def test_small_numbers_keep_their_digits_and_zero_has_no_sign():
    at = open_page("sgd", lr=0.3, momentum=0.5)  # y ends at -3.7e-05, not at a misleading 0
    y = sgd.run(sgd.Settings("bowl", 10.0, -1.8, 1.6, 0.3, 0.5, 0.0, False, 0.0, 30)).point(30)[1]
    assert metrics(at)["y"] == num(y) and "e-05" in num(y)
    minimum = open_page("sgd", x0=0, y0=0)  # the start is the minimum: every step is 0
    assert metrics(minimum)["x"] == "0" == metrics(minimum)["y"]


def test_a_clicked_cell_starts_on_the_start_sliders_grid_inside_the_cell():
    from lib.lessons.sgd import compute as sgd
    from lib.lessons.sgd import view

    lo, hi = sgd.DOMAIN
    width = (hi - lo) / sgd.GRID
    for index in range(sgd.GRID):
        value = view.lesson.cell_centre(index)
        assert lo + index * width - 1e-9 <= value <= lo + (index + 1) * width + 1e-9
        assert abs(value * 10 - round(value * 10)) < 1e-9  # a value the 0.1 slider can take


def test_the_surface_takes_a_click_only_where_the_start_is_the_students():
    import json

    def picks(**params) -> list[bool]:
        specs = [
            json.loads(c.proto.spec) for c in open_page("sgd", **params).get("vega_lite_chart")
        ]
        return ['"name": "pick_start"' in json.dumps(spec) for spec in specs]

    assert picks().count(True) == 1
    assert not any(picks(lock=1)) and not any(picks(hide="x0,y0"))
