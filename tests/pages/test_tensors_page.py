"""The tensors page in AppTest: URL states against closed forms (suffix-product strides,
index · stride sums), bad links falling back with a notice, PyTorch's real errors shown as text,
and the "Reproduce this" snippet printing exactly the page's numbers."""

from __future__ import annotations

import math

import pytest

from lib.lessons._format import num
from lib.lessons.tensors.view import METRICS
from tests.pages.apptest import metrics, open_page, run_snippet, snippet, texts

NAMES = METRICS  # the headline numbers, named as the snippet prints them
VIEW_ERROR = "view size is not compatible with input tensor's size and stride"


def suffix_products(shape) -> tuple[int, ...]:
    return tuple(math.prod(shape[k + 1 :]) for k in range(len(shape)))


def unravel(flat: int, shape) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        flat, rest = divmod(flat, size)
        index.append(rest)
    return tuple(reversed(index))


def csv(values) -> str:
    return ",".join(map(str, values))


def parse_tuple(text: str) -> tuple[int, ...]:
    """ "(6, 1)" or "(1,)" as printed by Python, back to ints."""
    return tuple(int(v) for v in text.strip("()").split(",") if v.strip())


def dot(index, stride) -> int:
    """storage_offset 0 + i0*s0 + i1*s1 + ..."""
    return sum(i * s for i, s in zip(index, stride, strict=True))


def table_with(at, column: str):
    """The first table on the page with this column (found by what it shows, not by where the
    layout puts it)."""
    return next(tb.value for tb in at.table if column in tb.value.columns)


def text_blocks(at) -> list[str]:
    """PyTorch's error messages, shown as plain text code blocks."""
    return [c.value for c in at.code if c.language == "text"]


def test_default_state_is_a_working_view():
    at = open_page("tensors")
    shown = metrics(at)
    assert shown["t.stride()"] == str(suffix_products((2, 3, 4)))  # (12, 4, 1)
    assert shown["t.is_contiguous()"] == "True"
    assert shown["v.stride()"] == str(suffix_products((4, 6)))  # (6, 1)
    assert shown["reshape copied"] == "False"
    i, j = unravel(8, (4, 6))  # v[1, 2]
    assert shown["element's storage index"] == str(i * 6 + j * 1)
    assert shown["x changed"] == "True"
    assert not at.warning
    assert dict(at.query_params) | {"lang": "en"} == {
        "shape": "2,3,4",
        "view": "4,6",
        "transpose": "0",
        "at": "8",
        "value": "99",
        "dtype": "float32",
        "lang": "en",
    }
    assert "x[0, 2, 0]" in texts(at)  # storage cell 8 of a (2, 3, 4) tensor


def test_transpose_makes_view_fail_and_reshape_copy():
    at = open_page("tensors", transpose=1)
    shown = metrics(at)
    assert shown["t.stride()"] == "(4, 12, 1)"  # (12, 4, 1) with dims 0 and 1 swapped
    assert shown["t.is_contiguous()"] == "False"
    assert shown["v.stride()"] == "RuntimeError"
    assert shown["reshape copied"] == "True"
    assert shown["element's storage index"] == "8"  # r is a fresh contiguous (4, 6) copy
    assert shown["x changed"] == "False"
    assert any(VIEW_ERROR in block for block in text_blocks(at))
    assert at.query_params["transpose"] == "0,1"  # 1 means dims 0 and 1
    table = table_with(at, "data_ptr()")  # every tensor's facts
    assert list(table.index) == ["x", "t", "r"]
    assert table.loc["t", "data_ptr()"] == table.loc["x", "data_ptr()"]
    assert table.loc["r", "data_ptr()"] != table.loc["x", "data_ptr()"]


@pytest.mark.parametrize(
    ("shape", "view", "pair", "at_", "works"),
    [
        ((4, 6), (3, 8), (0, 1), 5, False),
        ((2, 3, 4), (3, 2, 2, 2), (0, 1), 13, True),  # only the last dim splits: a view works
        ((2, 2, 3, 4), (-1,), (1, 3), 47, False),  # the caps: 4 dims, 48 elements
        ((48,), (6, 8), (), 47, True),
        ((3, 1, 4), (12,), (0, 1), 7, True),  # moving a size-1 dim keeps t contiguous
    ],
)
def test_url_states_against_closed_forms(shape, view, pair, at_, works):
    at = open_page("tensors", shape=csv(shape), view=csv(view), transpose=csv(pair) or "0", at=at_)
    assert not at.warning, [w.value for w in at.warning]
    shown = metrics(at)
    t_shape, t_stride = list(shape), list(suffix_products(shape))
    if pair:
        a, b = pair
        t_shape[a], t_shape[b] = t_shape[b], t_shape[a]
        t_stride[a], t_stride[b] = t_stride[b], t_stride[a]
    assert shown["t.stride()"] == str(tuple(t_stride))
    n = math.prod(shape)
    resolved = tuple(n // math.prod(d for d in view if d != -1) if d == -1 else d for d in view)
    assert shown["reshape copied"] == str(not works)
    assert (shown["v.stride()"] == "RuntimeError") == (not works)
    index = unravel(at_, resolved)
    if not works:
        # r is a contiguous copy: its strides are the suffix products of the target shape.
        r_stride = suffix_products(resolved)
        assert shown["element's storage index"] == str(dot(index, r_stride))
        assert shown["x changed"] == "False"
    else:
        v_stride = parse_tuple(shown["v.stride()"])
        assert shown["element's storage index"] == str(dot(index, v_stride))
        assert shown["x changed"] == "True"


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        ({"shape": "2,30"}, 1, {"shape": "2,3,4"}),
        ({"shape": "abc"}, 1, {"shape": "2,3,4"}),
        ({"shape": "nan"}, 1, {"shape": "2,3,4"}),
        ({"shape": "1,2,3,4,5"}, 1, {"shape": "1,2,3,4"}),  # at most 4 dims; 24 elements fit
        ({"shape": "1e308,2"}, 1, {"shape": "2,3,4"}),  # clamped to 48,2: too many elements
        ({"view": "4,5"}, 1, {"view": "-1"}),
        ({"view": "-1,-1"}, 1, {"view": "-1"}),
        ({"view": ",".join(["1"] * 500)}, 1, {"view": "-1"}),  # cut to 4 sizes, then no fit
        ({"transpose": "5"}, 1, {"transpose": "0"}),
        ({"transpose": "2,3"}, 1, {"transpose": "0,1"}),  # a 3-D shape has no dim 3
        ({"shape": "24", "transpose": "1"}, 1, {"transpose": "0"}),  # 1-D: nothing to swap
        ({"at": "1e308"}, 1, {"at": "23"}),  # one notice, though two checks replaced it
        ({"at": "-3"}, 1, {"at": "0"}),
        ({"value": "nan", "dtype": "int128"}, 2, {"value": "99", "dtype": "float32"}),
        ({"value": "-1e308"}, 1, {"value": "-99"}),
        ({"dtype": "<script>alert(1)</script>"}, 1, {"dtype": "float32"}),
    ],
)
def test_bad_url_values_fall_back_with_a_notice(params, notices, url):
    at = open_page("tensors", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert all("<script>" not in w.value for w in at.warning)
    assert metrics(at)["t.stride()"].startswith("(")  # the page still works


def test_a_target_that_does_not_fit_shows_pytorchs_error():
    at = open_page("tensors", view="4,5")
    assert "shape '[4, 5]' is invalid for input of size 24" in text_blocks(at)
    assert metrics(at)["v.stride()"] == "(1,)"  # the fallback view(-1)


def test_typing_shapes_and_moving_the_element():
    at = open_page("tensors")
    at.text_input(key="tensors.shape").input("4,6").run()
    at.text_input(key="tensors.view").input("2,12").run()
    assert metrics(at)["t.stride()"] == "(6, 1)"
    assert metrics(at)["v.stride()"] == "(12, 1)"
    assert (at.query_params["shape"], at.query_params["view"]) == ("4,6", "2,12")
    at.slider(key="tensors.at").set_value(13).run()
    assert metrics(at)["element's storage index"] == "13"  # v[1, 1]: 1 * 12 + 1 * 1
    assert at.query_params["at"] == "13"
    at.selectbox(key="tensors.transpose").set_value((0, 1)).run()
    assert metrics(at)["t.stride()"] == "(1, 6)"
    assert metrics(at)["v.stride()"] == "RuntimeError"
    assert at.query_params["transpose"] == "0,1"


def test_typing_a_target_that_does_not_fit():
    at = open_page("tensors")
    at.text_input(key="tensors.view").input("5,5").run()
    assert len(at.warning) == 1
    assert "shape '[5, 5]' is invalid for input of size 24" in text_blocks(at)
    assert at.query_params["view"] == "-1"
    assert not at.exception


def test_typing_a_shape_over_the_cap():
    at = open_page("tensors")
    at.text_input(key="tensors.shape").input("7,7").run()
    assert len(at.warning) == 1
    assert at.query_params["shape"] == "2,3,4"


def test_a_smaller_shape_keeps_the_element_and_transpose_valid():
    at = open_page("tensors", transpose="1,2", at=20)
    at.text_input(key="tensors.shape").input("2,3").run()
    at.text_input(key="tensors.view").input("3,2").run()
    assert at.query_params["transpose"] == "0,1"  # the shape lost dim 2
    assert at.query_params["at"] == "5"  # 6 elements: 0 … 5
    assert not at.exception


def test_dtype_demo():
    at = open_page("tensors", dtype="int64")
    page = "\n".join(s.value for s in at.success)
    assert "[20.0, 21.0], [0.0, 1.0], [10.0, 11.0]" in page  # row i of the table is (10i, 10i+1)
    logits = [[0.0, 1.0, 2.0], [2.0, 0.0, 0.0], [0.0, 3.0, 1.0]]
    targets = [2, 0, 1]
    loss = sum(
        math.log(sum(math.exp(v) for v in z)) - z[t] for z, t in zip(logits, targets, strict=True)
    )
    assert num(loss / 3) in page
    at = open_page("tensors", dtype="float32")
    blocks = text_blocks(at)
    assert any("Long, Int" in b for b in blocks)  # F.embedding's message
    assert any("expected target dtype to be Long" in b for b in blocks)


def test_dtype_table_numbers():
    at = open_page("tensors")
    table = table_with(at, "element_size()")  # the dtype table
    rows = dict(zip(table["dtype"], table["element_size()"], strict=True))
    assert rows["torch.int64"] == "8" and rows["torch.float16"] == "2"
    limits = dict(zip(table["dtype"], table["max"], strict=True))
    assert limits["torch.float16"] == "65504"  # (2 - 2**-10) * 2**15
    assert limits["torch.int16"] == str(2**15 - 1)
    assert limits["torch.float32"] == f"{(2 - 2**-23) * 2**127:.5g}"


def test_formula_has_the_current_numbers():
    at = open_page("tensors", shape="3,4", view="2,6", at=9)
    latex = "\n".join(x.value for x in at.latex)
    assert r"= (4,\ 1)" not in latex  # the suffix products are written as a tuple
    assert "(4, 1)" in latex
    assert r"0 + 1\cdot 6 + 3\cdot 1" in latex  # v[1, 3] = storage[0 + 1*6 + 3*1]
    assert r"\text{storage}[9]" in latex


def test_check_yourself_answer_is_pytorchs():
    at = open_page("tensors", transpose=1)
    radio = next(r for r in at.radio if "contiguous()" in r.label)
    radio.set_value(str(suffix_products((3, 2, 4))))  # (8, 4, 1); submitted with the form
    at.run()
    assert at.success and at.success[-1].value.startswith("Right")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"transpose": "1"},
        {"shape": "2,2,3,4", "view": "-1", "transpose": "1,3", "at": "47", "value": "-99"},
        {"shape": "2,3,4", "view": "3,2,2,2", "transpose": "0,1", "at": "13"},
        {"shape": "48", "view": "6,8", "at": "47", "value": "8"},
        {"shape": "5", "view": "5", "at": "4", "value": "4"},
    ],
)
def test_snippet_prints_the_page_numbers(params):
    at = open_page("tensors", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert {name: printed[name] for name in NAMES} == {name: shown[name] for name in NAMES}
    if "view error" in printed:
        assert printed["view error"] in text_blocks(at)
