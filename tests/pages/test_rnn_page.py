"""The rnn page in AppTest: URL states, numbers against a hand loop, bad links, the snippet.

Expected numbers come from closed forms (parameter formulas, shapes) and from a pure-Python loop
over the weights PyTorch's default init gives for the seed (torch.manual_seed(seed), then the
module: the same weights the page promises everyone with the link).
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from torch import nn

from lib.lessons._format import num
from tests.pages.apptest import metrics, numbers_in, open_page, run_snippet, snippet, texts


def f4(value: float) -> str:
    return num(value)


def vector(values) -> str:
    return "[" + ", ".join(f4(v) for v in values) + "]"


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def weights_for(cell: str, input_size: int, hidden: int, seed: int) -> dict[str, list]:
    """The initial weights a link with this seed promises: torch.manual_seed, then the module
    (the global RNG is restored afterwards so this test changes nothing for the others)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = (nn.LSTM if cell == "lstm" else nn.RNN)(input_size, hidden)
    return {name: p.detach().tolist() for name, p in module.named_parameters()}


def hand_states(cell, kind, input_size, hidden, steps, batch, seed, freq=0.125, tokens=None):
    """h_t (and c_t) for every step and sequence, by a plain loop: [t][b][j]."""
    w = weights_for(cell, input_size, hidden, seed)
    w_ih, w_hh = w["weight_ih_l0"], w["weight_hh_l0"]
    b_ih, b_hh = w["bias_ih_l0"], w["bias_hh_l0"]
    cycle = tokens or list(range(input_size))
    hs, cs = [], []
    h = [[0.0] * hidden for _ in range(batch)]
    c = [[0.0] * hidden for _ in range(batch)]
    for t in range(steps):
        for b in range(batch):
            if kind == "onehot":
                tok = cycle[(t + b) % len(cycle)]
                x = [1.0 if k == tok else 0.0 for k in range(input_size)]
            else:
                x = [
                    math.sin(2 * math.pi * freq * (t + b) + math.pi * k / input_size)
                    for k in range(input_size)
                ]
            pre = [
                sum(w_ih[r][k] * x[k] for k in range(input_size))
                + b_ih[r]
                + sum(w_hh[r][m] * h[b][m] for m in range(hidden))
                + b_hh[r]
                for r in range(len(w_ih))
            ]
            if cell == "lstm":
                gate = [
                    [
                        (math.tanh if block == 2 else sigmoid)(pre[block * hidden + j])
                        for j in range(hidden)
                    ]
                    for block in range(4)
                ]
                i, f, g, o = gate
                c[b] = [f[j] * c[b][j] + i[j] * g[j] for j in range(hidden)]
                h[b] = [o[j] * math.tanh(c[b][j]) for j in range(hidden)]
            else:
                h[b] = [math.tanh(v) for v in pre]
        hs.append([list(v) for v in h])
        cs.append([list(v) for v in c])
    return hs, cs


def table_with(at, *columns: str):
    """The first table on the page with any of these columns (found by what it shows, not by
    where the layout puts it)."""
    return next(tb.value for tb in at.table if set(columns) & set(tb.value.columns))


def shown_vector(page_text: str, name: str) -> list[float]:
    line = next(ln for ln in page_text.replace("`", "").splitlines() if ln.startswith(name))
    return numbers_in(line.split(" = ", 1)[1])


def test_default_state():
    at = open_page("rnn")
    assert not at.warning
    assert metrics(at) == {
        "parameters": "28",  # 4·(1 + 4) + 2·4
        "output.shape": "(16, 1, 4)",
        "h_n.shape": "(1, 1, 4)",
    }
    assert at.query_params["cell"] == "rnn" and at.query_params["steps"] == "16"
    assert "tokens" not in at.query_params  # empty: count through the vocabulary
    hs, _ = hand_states("rnn", "sine", 1, 4, 16, 1, seed=0)
    assert shown_vector(texts(at), "h_n[0, 0]") == pytest.approx(hs[-1][0], rel=6e-4, abs=1e-4)


@pytest.mark.parametrize(
    "params",
    [
        {"cell": "lstm", "input": "3", "hidden": "5", "steps": "7", "batch": "2", "seed": "11"},
        {
            "cell": "lstm",
            "kind": "onehot",
            "input": "4",
            "tokens": "3,1,1",
            "hidden": "3",
            "steps": "9",
            "batch": "3",
            "seed": "2",
            "batch_first": "1",
        },
        {"cell": "rnn", "kind": "sine", "input": "2", "hidden": "6", "freq": "0.3", "seed": "7"},
    ],
)
def test_url_states_match_the_hand_loop(params):
    at = open_page("rnn", **params)
    assert not at.warning, [w.value for w in at.warning]
    cell, kind = params["cell"], params.get("kind", "sine")
    i, h = int(params["input"]), int(params["hidden"])
    steps, batch = int(params.get("steps", 16)), int(params.get("batch", 1))
    tokens = [int(v) for v in params["tokens"].split(",")] if "tokens" in params else None
    freq = float(params.get("freq", 0.125))
    gates = 4 if cell == "lstm" else 1
    shown = metrics(at)
    assert shown["parameters"] == str(gates * (h * (i + h) + 2 * h))
    bf = params.get("batch_first") == "1"
    assert shown["output.shape"] == str((batch, steps, h) if bf else (steps, batch, h))
    assert shown["h_n.shape"] == str((1, batch, h))
    hs, cs = hand_states(cell, kind, i, h, steps, batch, int(params["seed"]), freq, tokens)
    page_text = texts(at)
    for b in range(batch):
        assert shown_vector(page_text, f"h_n[0, {b}]") == pytest.approx(
            hs[-1][b], rel=6e-4, abs=1e-4
        )
        if cell == "lstm":
            assert shown_vector(page_text, f"c_n[0, {b}]") == pytest.approx(
                cs[-1][b], rel=6e-4, abs=1e-4
            )


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_step_formula_and_table_match_the_hand_loop(cell):
    params = {"cell": cell, "input": "2", "hidden": "3", "steps": "6", "seed": "5", "t": "4"}
    at = open_page("rnn", **params, unit="2")
    hs, cs = hand_states(cell, "sine", 2, 3, 6, 1, seed=5)
    latex = at.latex
    worked = [x.value for x in latex if "h_{4}[2]" in x.value]
    assert worked, "the formula names step 4, unit 2"
    prefix = re.compile(r"^(\[\d+pt\])?(\\begin\{aligned\})?")  # "[4pt]\begin{aligned}h_..."
    lines = [prefix.sub("", ln.strip()) for ln in worked[0].split(r"\\")]

    def result(name: str) -> float:
        """The last number of the equation for ``name`` (it may go on over "&= ..." lines, and a
        sum over "&\\qquad + ..." lines)."""
        first = next(k for k, ln in enumerate(lines) if ln.startswith(name))
        end = next((k for k in range(first + 1, len(lines)) if not lines[k].startswith("&")), None)
        return numbers_in(" ".join(lines[first:end]))[-1]

    assert result("h_{4}[2]") == pytest.approx(hs[4][0][2], rel=6e-4, abs=1e-4)
    table = table_with(at, "h_t = tanh(sum)", "h_t")  # every unit at step t
    assert [float(v) for v in table.iloc[:, -1]] == pytest.approx(hs[4][0], rel=6e-4, abs=1e-4)
    if cell == "lstm":
        assert [float(v) for v in table["c_t"]] == pytest.approx(cs[4][0], rel=6e-4, abs=1e-4)
        assert [float(v) for v in table["c_(t-1)"]] == pytest.approx(cs[3][0], rel=6e-4, abs=1e-4)
        assert result("c_{4}[2]") == pytest.approx(cs[4][0][2], rel=6e-4, abs=1e-4)


@pytest.mark.parametrize(("cell", "count"), [("rnn", 4 * (2 + 4) + 8), ("lstm", 4 * 32)])
def test_parameter_formula_in_latex(cell, count):
    at = open_page("rnn", cell=cell, input=2, hidden=4)
    latex = "\n".join(x.value for x in at.latex)
    assert f"= {count}" in latex
    assert metrics(at)["parameters"] == str(count)
    shapes = table_with(at, "numel()")  # the parameter table
    gates = 4 if cell == "lstm" else 1
    rows = gates * 4
    assert list(shapes["shape"]) == [str((rows, 2)), str((rows, 4)), f"({rows},)", f"({rows},)"]
    assert sum(int(v) for v in shapes["numel()"]) == count


def test_layouts_table_shows_both_ways():
    at = open_page("rnn", cell="lstm", input=3, hidden=2, steps=5, batch=2)
    table = table_with(at, "x.shape")
    assert list(table["x.shape"]) == ["(5, 2, 3)", "(2, 5, 3)"]
    assert list(table["output.shape"]) == ["(5, 2, 2)", "(2, 5, 2)"]
    assert list(table["h_n.shape"]) == ["(1, 2, 2)", "(1, 2, 2)"]
    assert list(table["c_n.shape"]) == ["(1, 2, 2)", "(1, 2, 2)"]
    errors = [c.value for c in at.code if c.language == "text"]
    assert any("RuntimeError" in e and "(1, 2, 2)" in e for e in errors)  # the h0 slip


def test_h0_slip_hides_with_batch_one():
    at = open_page("rnn")
    assert not [c for c in at.code if c.language == "text" and "RuntimeError" in c.value]
    assert any("batch = 1" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        (
            {"cell": "gru", "hidden": "abc", "steps": "1e308", "input": "nan"},
            4,
            {"cell": "rnn", "hidden": "4", "steps": "40", "input": "1"},
        ),
        ({"steps": "5", "t": "99"}, 1, {"t": "4"}),  # out of range, then past the last step
        ({"steps": "5", "t": "4.5"}, 1, {"t": "3"}),  # not whole: the default 3 fits
        ({"steps": "5", "t": "7"}, 1, {"t": "4"}),  # valid alone, past the last step
        ({"hidden": "3", "unit": "9"}, 1, {"unit": "2"}),
        ({"kind": "onehot", "input": "3", "tokens": "0,5"}, 1, {"tokens": "0,2"}),
        ({"kind": "onehot", "tokens": "0,5"}, 0, {"tokens": "0,5", "input": "6"}),
        ({"kind": "onehot", "input": "8", "tokens": ",".join(["1"] * 500)}, 1, {}),
        ({"freq": "-inf", "seed": "<script>alert(1)</script>"}, 2, {"freq": "0", "seed": "0"}),
        ({"batch_first": "maybe", "batch": "0"}, 2, {"batch_first": "0", "batch": "1"}),
        ({"steps": "1", "hidden": "1"}, 0, {"t": "0", "unit": "0"}),  # defaults moved quietly
    ],
)
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page("rnn", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert all("<script>" not in w.value for w in at.warning)


def test_too_long_token_list_is_cut_to_the_cap():
    at = open_page("rnn", kind="onehot", input="8", tokens=",".join(["1"] * 500))
    assert at.query_params["tokens"] == ",".join(["1"] * 40)


def test_slider_changes_numbers_and_url():
    at = open_page("rnn", cell="lstm", input=2, hidden=3)
    assert metrics(at)["parameters"] == str(4 * (3 * 5 + 6))
    at.slider(key="rnn.hidden").set_value(6).run()
    assert metrics(at)["parameters"] == str(4 * (6 * 8 + 12))
    assert at.query_params["hidden"] == "6"
    assert metrics(at)["h_n.shape"] == "(1, 1, 6)"


def test_fewer_steps_pull_the_inspected_step_in():
    at = open_page("rnn", steps=10, t=8)
    at.slider(key="rnn.steps").set_value(4).run()
    assert at.query_params["t"] == "3"
    assert at.slider(key="rnn.t").value == 3


def test_tokens_box_is_tidied_to_the_vocabulary():
    at = open_page("rnn", kind="onehot", input=3)
    at.text_input(key="rnn.tokens").input("0, 9,x,1").run()
    assert at.text_input(key="rnn.tokens").value == "0,2,1"
    assert at.query_params["tokens"] == "0,2,1"
    assert any("0,2,1" in c.value for c in at.caption)
    assert not at.exception


def test_batch_first_toggle_transposes_the_output_shape():
    at = open_page("rnn", steps=6, batch=3, hidden=2)
    assert metrics(at)["output.shape"] == "(6, 3, 2)"
    at.toggle(key="rnn.batch_first").set_value(True).run()
    assert metrics(at)["output.shape"] == "(3, 6, 2)"
    assert metrics(at)["h_n.shape"] == "(1, 3, 2)"
    assert at.query_params["batch_first"] == "1"


def test_same_link_same_numbers():
    first = texts(open_page("rnn", cell="lstm", seed=42))
    open_page("rnn", cell="lstm", seed=43)  # someone else, another seed
    again = texts(open_page("rnn", cell="lstm", seed=42))
    assert shown_vector(first, "h_n[0, 0]") == shown_vector(again, "h_n[0, 0]")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cell": "lstm"},
        {"cell": "lstm", "input": "3", "hidden": "5", "steps": "7", "batch": "2", "seed": "11"},
        {"kind": "onehot", "input": "4", "tokens": "3,1,1", "batch": "4", "batch_first": "1"},
        {"cell": "lstm", "kind": "onehot", "input": "8", "hidden": "16", "steps": "40"},
        {"steps": "1", "hidden": "1", "freq": "0.5", "seed": "2147483647"},
    ],
)
def test_snippet_prints_the_page_numbers(params):
    at = open_page("rnn", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    for name in ("parameters", "output.shape", "h_n.shape"):
        assert printed[name] == shown[name]
    page_text = texts(at).replace("`", "")
    vectors = {k: v for k, v in printed.items() if k.startswith(("h_n[", "c_n["))}
    assert vectors
    for name, value in vectors.items():
        assert f"{name} = {value}" in page_text


@pytest.mark.parametrize(("batch_first", "expected"), [("0", "(1, 3, 2)"), ("1", "(1, 3, 2)")])
def test_check_yourself_answer_is_h_n_shape(batch_first, expected):
    at = open_page("rnn", steps=6, batch=3, hidden=2, batch_first=batch_first)
    question = next(r for r in at.radio if "h_n.shape" in r.label)
    assert expected in question.options
    assert len(question.options) == len(set(question.options))
    question.set_value(expected)
    at.run()
    assert at.success and not [w for w in at.warning if "Not quite" in w.value]
    wrong = "(3, 1, 2)"  # the batch-first guess
    question = next(r for r in at.radio if "h_n.shape" in r.label)
    question.set_value(wrong)
    at.run()
    assert any(expected in w.value for w in at.warning)
