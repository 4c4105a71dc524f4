"""Every page in AppTest: default and URL-given states, no exception, the expected numbers.

Expected numbers come from closed forms computed here with ``math``, never from the lesson code.
"""

from __future__ import annotations

import math

import pytest

from lib.lessons._format import num
from tests.pages.apptest import PAGES, metrics, numbers_in, open_answered, open_page, texts


def f4(value: float) -> str:
    return num(value)


def test_home_lists_every_lesson_in_order():
    from streamlit.testing.v1 import AppTest

    from lib.lessons import LESSONS
    from tests.pages.apptest import ENTRY

    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert not at.exception
    titles = [m.value for m in at.markdown if m.value.startswith("**§")]
    refs = [lesson.notes_ref for lesson in LESSONS]
    assert len(titles) == len(refs)
    assert all(t.startswith(f"**{ref} · ") for t, ref in zip(titles, refs, strict=True))
    # ... and the lessons follow the notes: section numbers never go back (the capstone, the
    # playground, puts §4-§5 together and comes last).
    assert LESSONS[-1].path == "playground"
    chapters = refs[:-1]
    first_section = [tuple(int(n) for n in ref.split(" · ")[0][1:].split(".")) for ref in chapters]
    assert first_section == sorted(first_section)


@pytest.mark.parametrize("page", PAGES)
def test_default_state_has_no_notice_and_a_full_url(page):
    at = open_page(page)
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params, "the page writes its state to the URL"
    assert at.subheader, "every lesson has its panels"


@pytest.mark.parametrize("page", PAGES)
def test_pages_leave_the_global_rng_alone(page):
    """Every draw from torch's global RNG happens inside seeded_global_rng (which restores the
    state), so no page can shift another visitor's seeded draws."""
    import torch

    before = torch.get_rng_state()
    at = open_page(page)
    for button in at.button:  # press everything once: "new mask", "backward() again", ...
        button.click().run()
    assert torch.equal(torch.get_rng_state(), before)


# --- autograd ------------------------------------------------------------------------------


@pytest.mark.parametrize(("w", "x", "b"), [(2, 1, 3), (1.5, -2, 0.5), (-3.7, 4.2, -5)])
def test_autograd_numbers(w, x, b):
    at = open_page("autograd", w=w, x=x, b=b)
    shown = metrics(at)
    assert shown["y"] == f4(w * x + b)
    assert shown["w.grad"] == f4(x)  # dy/dw = x
    assert shown["x.grad"] == f4(w)  # dy/dx = w
    assert shown["b.grad"] == f4(1.0)
    assert at.query_params == {"w": str(w), "x": str(x), "b": str(b), "lang": "en"}


def test_autograd_defaults_are_the_notes_values():
    shown = metrics(open_page("autograd"))
    assert shown["y"] == "5"  # 2 * 1 + 3


def test_autograd_backward_again_doubles_then_zero_grad_clears():
    at = open_page("autograd", w=2, x=1.5, b=0)
    buttons = {b.label: b for b in at.button}
    buttons["backward() again"].click().run()
    table = at.table[0].value
    assert list(table["w.grad"]) == [f4(1.5), f4(3.0)]
    {b.label: b for b in at.button}["zero_grad()"].click().run()
    {b.label: b for b in at.button}["backward() again"].click().run()
    table = at.table[0].value
    assert list(table["x.grad"]) == [f4(2.0), f4(4.0), "None", f4(2.0)]


def test_autograd_shows_the_notes_real_error():
    at = open_page("autograd")
    errors = [c.value for c in at.code if c.value.startswith("RuntimeError")]
    assert any("does not require grad" in e for e in errors)


def test_autograd_slider_change_updates_numbers_and_url():
    at = open_page("autograd")
    at.slider(key="autograd.w").set_value(-1.5).run()
    assert metrics(at)["y"] == f4(-1.5 * 1 + 3)
    assert at.query_params["w"] == "-1.5"


@pytest.mark.parametrize(
    ("params", "expected_notices", "expected_url"),
    [
        ({"w": "abc", "x": "1e308", "b": "nan"}, 3, {"w": "2", "x": "5", "b": "3"}),
        ({"w": "-inf"}, 1, {"w": "-5"}),
        ({"w": "<script>alert(1)</script>"}, 1, {"w": "2"}),
    ],
)
def test_autograd_bad_url_values_fall_back_with_a_notice(params, expected_notices, expected_url):
    at = open_page("autograd", **params)
    assert len(at.warning) == expected_notices
    for name, value in expected_url.items():
        assert at.query_params[name] == value
    assert all("<script>" not in w.value for w in at.warning)  # escaped, never raw HTML


# --- activations ---------------------------------------------------------------------------


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def test_activations_probe_matches_closed_forms():
    x = 0.7
    at = open_page("activations", fn="relu,sigmoid,tanh,softplus,gelu,silu", x=x)
    table = at.table[0].value
    phi = 0.5 * (1 + math.erf(x / math.sqrt(2)))
    pdf = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    expected = {
        "relu": (x, 1.0),
        "sigmoid": (sigmoid(x), sigmoid(x) * (1 - sigmoid(x))),
        "tanh": (math.tanh(x), 1 - math.tanh(x) ** 2),
        "softplus": (math.log1p(math.exp(x)), sigmoid(x)),
        "gelu": (x * phi, phi + x * pdf),
        "silu": (x * sigmoid(x), sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    }
    for name, (value, slope) in expected.items():
        assert float(table.loc[name, "f(x)"]) == pytest.approx(value, rel=6e-4, abs=1e-4), name
        assert float(table.loc[name, "f'(x)"]) == pytest.approx(slope, rel=6e-4, abs=1e-4), name


def test_activations_softplus_beta_from_url():
    x, beta = 1.0, 2.0
    at = open_page("activations", fn="softplus", x=x, beta=beta)
    row = at.table[0].value.loc["softplus"]
    assert float(row["f(x)"]) == pytest.approx(
        math.log1p(math.exp(beta * x)) / beta, rel=6e-4, abs=1e-4
    )
    assert float(row["f'(x)"]) == pytest.approx(sigmoid(beta * x), rel=6e-4, abs=1e-4)


def test_activations_bad_url_values():
    at = open_page("activations", fn="relu,bogus,tanh", x="9", lo="3", hi="2")
    assert len(at.warning) == 4  # unknown name, lo and hi (empty range), x outside the plot
    assert at.query_params["fn"] == "relu,tanh"
    assert (at.query_params["lo"], at.query_params["hi"], at.query_params["x"]) == ("-5", "5", "5")


def test_activations_repeated_keys_are_read_as_a_list():
    at = open_page("activations", fn=["tanh", "sigmoid"])
    assert at.query_params["fn"] == "tanh,sigmoid"  # rewritten as our comma list
    assert list(at.table[0].value.index) == ["tanh", "sigmoid"]


def test_activations_inplace_overwrites_the_input():
    at = open_page("activations", inplace=1)
    demo = at.table[1].value
    assert list(demo.iloc[2]) == [0.0, 0.0, 0.0, 1.5]  # the input after relu_(): overwritten
    at = open_page("activations", inplace=0)
    assert list(at.table[1].value.iloc[2]) == [-2.0, -0.5, 0.0, 1.5]


# --- dropout -------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
def test_dropout_scale_and_kept_values(p):
    at = open_answered("dropout", p=p, seed=3)
    shown = metrics(at)
    assert shown["kept units × 1/(1-p)"] == f4(1 / (1 - p))
    kept = int(shown["kept"].split(" of ")[0])
    assert 0 <= kept <= 64 and shown["kept"].endswith("of 64")
    # Every output value in the formula line is 0 or x/(1-p): y[0,0] from the page.
    y00 = float(shown["y[0, 0]"])
    assert y00 == pytest.approx(0.0) or y00 == pytest.approx(1.0 / (1 - p), rel=6e-4, abs=1e-4)


def test_dropout_eval_is_identity():
    at = open_page("dropout", p=0.9, mode="eval")
    shown = metrics(at)
    assert shown["kept"] == "64 of 64"
    i = range(8)
    total = sum(round(1.0 + (a + b) / 14, 2) for a in i for b in i)
    assert float(shown["sum(y)"]) == pytest.approx(total, abs=1e-3)


def test_dropout_same_link_same_mask():
    first = metrics(open_page("dropout", p=0.5, seed=42))
    open_page("dropout", p=0.5, seed=43)  # another visitor, another seed
    again = metrics(open_page("dropout", p=0.5, seed=42))
    assert first == again


def test_dropout_new_seed_button_changes_seed_and_url():
    at = open_page("dropout", seed=10)
    {b.label: b for b in at.button}["New mask"].click().run()
    assert at.query_params["seed"] == "11"


# --- cross-entropy -------------------------------------------------------------------------


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


@pytest.mark.parametrize(
    ("logits", "target"), [((2, 1, 0.1), 0), ((0.5, -1, 3, 2), 2), ((1, 1), 1)]
)
def test_cross_entropy_loss_and_gradient(logits, target):
    at = open_page("cross_entropy", logits=",".join(map(str, logits)), target=target)
    p = softmax(logits)
    assert metrics(at)["loss"] == f4(-math.log(p[target]))
    text = texts(at)
    grad = [p[i] - (1.0 if i == target else 0.0) for i in range(len(logits))]
    assert f"grad = [{', '.join(f4(g) for g in grad)}]" in text
    assert f"softmax = [{', '.join(f4(v) for v in p)}]" in text


def test_cross_entropy_label_smoothing_closed_form():
    z, t, eps = (2.0, 1.0, 0.1), 0, 0.2
    at = open_page("cross_entropy", logits="2,1,0.1", target=t, smoothing=eps)
    p = softmax(z)
    expected = (1 - eps) * -math.log(p[t]) + eps / 3 * sum(-math.log(v) for v in p)
    assert metrics(at)["loss"] == f4(expected)


def test_cross_entropy_sum_reduction_with_weights():
    at = open_page("cross_entropy", logits="2,1,0.1", target=1, weight="1,3,1", reduction="sum")
    p = softmax((2.0, 1.0, 0.1))
    assert metrics(at)["loss"] == f4(3 * -math.log(p[1]))


def test_cross_entropy_double_softmax_mistake():
    at = open_page("cross_entropy", logits="2,1,0.1", target=0, mistake=1)
    p = softmax((2.0, 1.0, 0.1))
    assert metrics(at)["loss"] == f4(-math.log(softmax(p)[0]))
    assert at.warning, "the page explains the mistake"


def test_cross_entropy_ignore_index_gives_nan_mean():
    at = open_page("cross_entropy", logits="2,1,0.1", target=0, ignore=0)
    assert metrics(at)["loss"] == "nan"
    assert "grad = [0, 0, 0]" in texts(at)


@pytest.mark.parametrize(
    ("params", "notices", "url"),
    [
        ({"logits": "1,2,x,3", "target": "7"}, 2, {"logits": "1,2,3", "target": "2"}),
        ({"logits": ",".join(["1"] * 500)}, 1, {"logits": ",".join(["1"] * 10)}),
        ({"logits": "5"}, 1, {"logits": "2,1,0.1"}),
        ({"weight": "1,2"}, 1, {}),
        ({"reduction": "average", "ignore": "-5"}, 2, {"reduction": "mean", "ignore": "-100"}),
    ],
)
def test_cross_entropy_bad_url_values(params, notices, url):
    at = open_page("cross_entropy", **params)
    assert len(at.warning) == notices, [w.value for w in at.warning]
    for name, value in url.items():
        assert at.query_params[name] == value
    assert "weight" not in at.query_params or at.query_params["weight"]


def test_cross_entropy_numbers_in_formula_match_metrics():
    at = open_page("cross_entropy", logits="3,0,-1", target=1)
    loss = float(metrics(at)["loss"])
    assert loss in numbers_in("\n".join(x.value for x in at.latex))
