"""Every "Reproduce this" panel, run in a fresh Python, prints exactly the page's numbers."""

from __future__ import annotations

import pytest

from tests.pages.apptest import metrics, open_page, run_snippet, snippet, texts


@pytest.mark.parametrize(
    "params", [{}, {"w": "-3.7", "x": "4.2", "b": "-5"}, {"w": "0.1", "x": "0.3", "b": "0"}]
)
def test_autograd_snippet(params):
    at = open_page("autograd", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert printed == {name: shown[name] for name in ("y", "w.grad", "x.grad", "b.grad")}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"fn": "relu,sigmoid,tanh,softplus,leaky_relu,elu,gelu,silu", "x": "-1.3"},
        {"fn": "softplus", "x": "2", "beta": "3.5", "threshold": "5"},
    ],
)
def test_activations_snippet(params):
    at = open_page("activations", **params)
    printed = run_snippet(snippet(at))
    table = at.table[0].value
    # The snippet prints "relu: f(x) = 0.5000, f'(x) = 1.0000": split on ", f'(x) = ".
    slope = "f'(x)"
    expected = {
        f"{fn}: f(x)": f"{row['f(x)']}, f'(x) = {row[slope]}" for fn, row in table.iterrows()
    }
    assert printed == expected


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"p": "0.3", "seed": "123"},
        {"p": "0.8", "seed": "7", "inplace": "1"},
        {"p": "0.5", "mode": "eval"},
        {"p": "1", "seed": "5"},
    ],
)
def test_dropout_snippet(params):
    at = open_page("dropout", **params)
    printed = run_snippet(snippet(at))
    shown = metrics(at)
    assert printed == {name: shown[name] for name in ("kept", "sum(y)", "y[0, 0]")}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"logits": "0.5,-1,3,2", "target": "2", "smoothing": "0.1"},
        {"logits": "2,1,0.1", "target": "1", "weight": "1,3,0.5", "reduction": "sum"},
        {"logits": "2,1,0.1", "target": "0", "mistake": "1"},
        {"logits": "2,1,0.1", "target": "0", "ignore": "0"},
        {"logits": "4,-2", "target": "1", "reduction": "none"},
    ],
)
def test_cross_entropy_snippet(params):
    at = open_page("cross_entropy", **params)
    printed = run_snippet(snippet(at))
    assert printed["loss"] == metrics(at)["loss"]
    page_text = texts(at)
    assert f"softmax = {printed['softmax']}" in page_text
    assert f"grad = {printed['grad']}" in page_text
