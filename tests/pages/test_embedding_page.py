"""The embedding page in AppTest: URL states against closed forms, bad links, the snippet.

The table itself is N(0, 1) from the seed: torch.manual_seed(seed); torch.randn(num, dim) gives
the same numbers (tests/lessons/test_embedding.py checks it), so sums of looked-up rows are
computed here from those draws with plain Python.
"""

from __future__ import annotations

import math

import pytest
import torch

from lib.lessons._format import num
from tests.pages.apptest import metrics, open_page, run_snippet, snippet, texts

PAGE = "embedding"
DEFAULT_URL = {
    "num": "10",
    "dim": "4",
    "ids": "2,3,4,5,2,6",
    "padding_idx": "-1",
    "max_norm": "0",
    "norm_type": "2",
    "scale_grad": "0",
    "sparse": "0",
    "loss": "sum",
    "seed": "0",
}


def f4(value: float) -> str:
    return num(value)


def table(num: int, dim: int, seed: int, padding: int | None = None) -> list[list[float]]:
    torch.manual_seed(seed)
    rows = torch.randn(num, dim).tolist()
    if padding is not None:
        rows[padding] = [0.0] * dim
    return rows


def rows_table(at) -> dict[str, dict[str, str]]:
    """The "rows looked up" table: row index -> column -> text."""
    frame = at.table[0].value
    return {str(r): {str(c): str(v) for c, v in row.items()} for r, row in frame.iterrows()}


def column(frame_rows: dict, prefix: str) -> dict[str, str]:
    return {
        r: next(v for c, v in cols.items() if c.startswith(prefix))
        for r, cols in frame_rows.items()
    }


def test_default_state():
    at = open_page(PAGE)
    shown = metrics(at)
    assert shown["parameters"] == "40"  # 10 x 4
    assert shown["output.shape"] == "(6, 4)"
    assert shown["weight.grad.sum()"] == f4(6 * 4)  # six positions x four columns, gradient 1
    assert shown["rows renormalised"] == "0"
    w = table(10, 4, 0)
    assert float(shown["output.sum()"]) == pytest.approx(
        sum(sum(w[r]) for r in (2, 3, 4, 5, 2, 6)), abs=1e-4
    )
    assert not at.warning
    url = dict(at.query_params)
    assert {k: url[k] for k in DEFAULT_URL} == DEFAULT_URL
    grads = column(rows_table(at), "weight.grad")
    assert grads == {"2": f4(2), "3": f4(1), "4": f4(1), "5": f4(1), "6": f4(1)}


def test_repeats_and_padding_from_the_url():
    at = open_page(PAGE, num=7, dim=3, ids="1,1,1,4", padding_idx=4, seed=3)
    shown = metrics(at)
    assert shown["parameters"] == "21"
    assert shown["output.shape"] == "(4, 3)"
    assert shown["weight.grad.sum()"] == f4(3 * 3)  # row 1 three times; the padding row: 0
    w = table(7, 3, 3, padding=4)
    assert float(shown["output.sum()"]) == pytest.approx(3 * sum(w[1]), rel=6e-4, abs=1e-4)
    rows = rows_table(at)
    assert column(rows, "weight.grad") == {"1": f4(3), "4": f4(0)}
    assert column(rows, "times") == {"1": "3", "4": "1"}
    assert column(rows, "‖W[r]‖ before")["4"] == f4(0)  # the padding row is zeros
    assert "padding_idx" in texts(at)


@pytest.mark.parametrize(
    ("loss", "scale", "expected"),
    [
        ("sum", 0, {"1": 2.0, "2": 1.0}),
        ("sum", 1, {"1": 1.0, "2": 1.0}),  # 2 / 2
        ("weighted", 0, {"1": 1 + 3, "2": 2.0}),  # positions 0 and 2 pick row 1: g = 1, 3
        ("weighted", 1, {"1": (1 + 3) / 2, "2": 2.0}),
    ],
)
def test_gradient_rows(loss, scale, expected):
    at = open_page(PAGE, ids="1,2,1", loss=loss, scale_grad=scale)
    grads = column(rows_table(at), "weight.grad")
    assert grads == {r: f4(v) for r, v in expected.items()}
    assert metrics(at)["weight.grad.sum()"] == f4(4 * sum(expected.values()))


@pytest.mark.parametrize(("max_norm", "norm_type"), [(1.0, "2"), (0.8, "1"), (1.2, "inf")])
def test_max_norm_rescales_looked_up_rows(max_norm, norm_type):
    ids = (0, 1, 2, 3, 1)
    at = open_page(PAGE, ids=",".join(map(str, ids)), max_norm=max_norm, norm_type=norm_type)
    p = math.inf if norm_type == "inf" else float(norm_type)
    w = table(10, 4, 0)

    def norm(row):
        return (
            max(abs(v) for v in row) if p == math.inf else sum(abs(v) ** p for v in row) ** (1 / p)
        )

    rows = rows_table(at)
    before = column(rows, "‖W[r]‖ before")
    after = column(rows, "‖W[r]‖ after")
    renormed = 0
    for r in sorted(set(ids)):
        n = norm(w[r])
        assert float(before[str(r)]) == pytest.approx(n, rel=6e-4, abs=1e-4)
        if n > max_norm:
            renormed += 1
            assert float(after[str(r)]) == pytest.approx(
                max_norm * n / (n + 1e-7), rel=6e-4, abs=1e-4
            )
        else:
            assert after[str(r)] == before[str(r)]
        assert float(after[str(r)]) <= max_norm + 1e-4 or n <= max_norm
    assert metrics(at)["rows renormalised"] == str(renormed)
    assert renormed > 0, "the case should show a rescaling"


def test_sentence_sets_the_indices():
    at = open_page(PAGE, text="The cat sat on the mat")
    assert at.query_params["ids"] == "2,3,4,5,2,6"
    assert at.query_params["text"] == "the cat sat on the mat"
    assert not at.warning
    at = open_page(PAGE, num=5, text="the dog")  # a 5-row table does not know "dog": <unk> = 1
    assert at.query_params["ids"] == "2,1"
    assert metrics(at)["output.shape"] == "(2, 4)"


def test_sparse_gradient_block():
    at = open_page(PAGE, ids="2,3,2,0", padding_idx=0, sparse=1)
    block = next(c.value for c in at.code if "layout" in c.value)
    assert "torch.sparse_coo" in block
    assert "_indices()     = [2, 3, 2]" in block  # padding position left out, repeat kept
    assert "coalesce().indices() = [2, 3]" in block
    assert metrics(at)["weight.grad.sum()"] == f4(3 * 4)


def test_sparse_with_scale_grad_shows_the_real_error():
    at = open_page(PAGE, sparse=1, scale_grad=1)
    assert metrics(at)["weight.grad.sum()"] == "None"
    errors = [c.value for c in at.code if c.language == "text" and "scale_grad_by_freq" in c.value]
    assert errors and errors[0].startswith("RuntimeError")
    assert not at.exception


def test_float_index_error_is_shown_as_text():
    at = open_page(PAGE)
    errors = [c.value for c in at.code if c.language == "text"]
    assert any("Long, Int" in e and "FloatTensor" in e for e in errors)
    assert any(e.startswith("IndexError") for e in errors)


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        ({"num": "abc", "dim": "nan"}, 2, {"num": "10", "dim": "4"}),
        ({"num": "1e308", "dim": "-inf"}, 2, {"num": "20", "dim": "1"}),
        ({"ids": ",".join(["1"] * 40)}, 1, {"ids": ",".join(["1"] * 12)}),
        ({"ids": "1,2,99"}, 1, {"ids": "1,2,9"}),  # 99 > 19 and >= num: the last row, 9
        # The default ids no longer fit 5 rows: moved without a notice (the link set no ids).
        ({"num": "5", "padding_idx": "77"}, 1, {"padding_idx": "-1", "ids": "2,3,4,4,2,4"}),
        ({"ids": "-3,1.5,2"}, 1, {"ids": "0,2"}),
        ({"ids": "x,y"}, 1, {"ids": "2,3,4,5,2,6"}),
        ({"num": "4", "padding_idx": "6"}, 1, {"padding_idx": "-1", "ids": "2,3,3,3,2,3"}),
        ({"num": "4", "ids": "2,3,9"}, 1, {"ids": "2,3,3"}),  # ids the link did set: a notice
        ({"max_norm": "1e308", "norm_type": "7"}, 2, {"max_norm": "5", "norm_type": "2"}),
        ({"seed": "-1", "sparse": "maybe", "loss": "mean"}, 3, {"seed": "0", "loss": "sum"}),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page(PAGE, **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert not at.exception


def test_markup_in_the_sentence_is_neither_html_nor_kept():
    at = open_page(PAGE, text="<script>alert(1)</script> cat")
    assert len(at.warning) == 1
    assert "<script>" not in at.warning[0].value  # escaped in the notice
    assert at.query_params["text"] == "script alert script cat"  # letters only
    assert all("<script>" not in m.value for m in at.markdown)


def test_lowering_num_clamps_the_typed_indices():
    at = open_page(PAGE)
    at.slider(key="embedding.num").set_value(4).run()
    assert at.query_params["ids"] == "2,3,3,3,2,3"
    assert at.warning, "a visible notice says the indices were moved"
    assert metrics(at)["parameters"] == "16"


def test_typing_indices_updates_the_numbers_and_url():
    at = open_page(PAGE)
    at.text_input(key="embedding.ids").input("7, 7, 7").run()
    assert at.query_params["ids"] == "7,7,7"
    assert metrics(at)["weight.grad.sum()"] == f4(3 * 4)
    assert column(rows_table(at), "times") == {"7": "3"}


def test_check_yourself_reveals_pytorchs_answer():
    at = open_page(PAGE)
    radio = next(r for r in at.radio if "appears" in r.label)
    radio.set_value(f4(2))  # row 2 appears twice: its gradient is 2
    at.run()
    assert at.success, "the right answer is confirmed"

    at = open_page(PAGE)
    next(r for r in at.radio if "appears" in r.label).set_value(f4(1))
    at.run()
    assert not at.success
    assert any("2" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"num": "7", "dim": "3", "ids": "1,1,1,4", "padding_idx": "4", "seed": "3"},
        {"ids": "0,1,2,3,1", "max_norm": "1", "norm_type": "inf", "loss": "weighted"},
        {"ids": "2,3,2,0", "padding_idx": "0", "sparse": "1", "max_norm": "0.7"},
        {"sparse": "1", "scale_grad": "1"},
        {"text": "the big red dog ran", "num": "20", "dim": "8", "scale_grad": "1"},
    ],
)
def test_snippet_prints_the_page_numbers(params):
    at = open_page(PAGE, **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    names = ("parameters", "output.shape", "output.sum()", "weight.grad.sum()", "rows renormalised")
    assert {name: printed[name] for name in names} == {name: shown[name] for name in names}
