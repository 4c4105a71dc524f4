"""Autograd lesson: y = w*x + b against its closed forms dy/dw = x, dy/dx = w, dy/db = 1."""

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons.autograd import compute as autograd


# Values are float32 inside PyTorch; the closed forms are computed in float64.
def approx(value):
    return pytest.approx(value, rel=1e-6, abs=1e-5)


coord = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
SETTINGS = settings(deadline=None, max_examples=60)


@SETTINGS
@given(w=coord, x=coord, b=coord)
def test_forward_backward_matches_closed_form(w, x, b):
    result = autograd.forward_backward(w, x, b)
    assert result.y == approx(w * x + b)
    assert result.grad_w == approx(x)
    assert result.grad_x == approx(w)
    assert result.grad_b == approx(1.0)


def test_hand_example_from_the_notes():
    # w = 2, x = 1, b = 3: y = 2*1 + 3 = 5, dy/dw = x = 1, dy/dx = w = 2, dy/db = 1.
    result = autograd.forward_backward(2.0, 1.0, 3.0)
    assert (result.y, result.grad_w, result.grad_x, result.grad_b) == (5.0, 1.0, 2.0, 1.0)


@SETTINGS
@given(w=coord, x=coord, b=coord)
def test_graph_nodes_and_edges(w, x, b):
    result = autograd.forward_backward(w, x, b)
    nodes = {node.id: node for node in result.nodes}
    assert set(nodes) == {"w", "x", "b", "MulBackward0", "AddBackward0"}

    expected_leaves = {"w": (w, x), "x": (x, w), "b": (b, 1.0)}  # name -> (value, dy/d(name))
    for name, (value, grad) in expected_leaves.items():
        node = nodes[name]
        assert (node.label, node.kind) == (name, "leaf")
        assert node.value == approx(value)
        assert node.grad == approx(grad)

    mul, add = nodes["MulBackward0"], nodes["AddBackward0"]
    assert (mul.label, mul.kind) == ("MulBackward0", "op")
    assert (add.label, add.kind) == ("AddBackward0", "op")
    assert mul.value == approx(w * x)
    assert mul.grad == approx(1.0)  # y = (w*x) + b: dy/d(w*x) = 1
    assert add.value == approx(w * x + b)
    assert add.grad == approx(1.0)  # dy/dy

    edges = {(edge.src, edge.dst) for edge in result.edges}
    assert edges == {
        ("w", "MulBackward0"),
        ("x", "MulBackward0"),
        ("MulBackward0", "AddBackward0"),
        ("b", "AddBackward0"),
    }
    assert len(result.edges) == 4


@SETTINGS
@given(w=coord, x=coord, b=coord, k=st.integers(min_value=1, max_value=5))
def test_accumulate_adds_up_then_zero_grad_resets(w, x, b, k):
    calls = autograd.accumulate(w, x, b, ["backward"] * k + ["zero_grad", "backward"])
    assert len(calls) == k + 2
    for i, call in enumerate(calls[:k], start=1):
        assert call.action == "backward"
        assert call.grad_w == approx(i * x)
        assert call.grad_x == approx(i * w)
        assert call.grad_b == approx(i * 1.0)

    zeroed = calls[k]
    assert zeroed.action == "zero_grad"
    assert (zeroed.grad_w, zeroed.grad_x, zeroed.grad_b) == (None, None, None)

    again = calls[k + 1]
    assert again.action == "backward"
    assert again.grad_w == approx(x)
    assert again.grad_x == approx(w)
    assert again.grad_b == approx(1.0)


def test_accumulate_before_any_backward_has_no_grad():
    calls = autograd.accumulate(2.0, 1.0, 3.0, ["zero_grad"])
    assert (calls[0].grad_w, calls[0].grad_x, calls[0].grad_b) == (None, None, None)


def test_accumulate_rejects_unknown_action():
    with pytest.raises(ValueError, match="unknown action"):
        autograd.accumulate(1.0, 1.0, 1.0, ["step"])


def test_notes_code_error_says_no_grad_is_required():
    message = autograd.notes_code_error()
    assert message.startswith("RuntimeError: ")
    assert "does not require grad" in message


@SETTINGS
@given(
    w=coord,
    b=coord,
    lo=st.floats(min_value=-5.0, max_value=-0.5),
    hi=st.floats(min_value=0.5, max_value=5.0),
    n=st.integers(min_value=2, max_value=60),
    index=st.integers(min_value=0, max_value=59),
)
def test_y_and_tangent_is_the_line_itself(w, b, lo, hi, n, index):
    index = min(index, n - 1)
    grid = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
    x = grid[index]  # the tangent point: one of the plotted points
    table = autograd.y_and_tangent(w, x, b, lo, hi, n)

    assert list(table.columns) == ["x", "y", "tangent"]
    assert len(table) == n
    for i, row in enumerate(table.itertuples()):
        assert row.x == approx(grid[i])
        assert row.y == approx(w * grid[i] + b)
        # Linear in x: the tangent at x, with slope x.grad = w, is the line itself.
        assert row.tangent == approx(row.y)
    assert table["y"].iloc[index] == approx(w * x + b)
    assert table["tangent"].iloc[index] == approx(w * x + b)


def test_snippet_prints_the_hand_computed_numbers():
    # w = 2, x = 1, b = 3: y = 5, w.grad = x = 1, x.grad = w = 2, b.grad = 1.
    code = autograd.snippet(2.0, 1.0, 3.0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    assert out.getvalue().splitlines() == [
        "y = 5",
        "w.grad = 1",
        "x.grad = 2",
        "b.grad = 1",
    ]
