"""Cross-entropy for one sample: F.cross_entropy and its autograd gradient against closed forms."""

import contextlib
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._format import num
from lib.lessons.cross_entropy import compute as ce

SETTINGS = settings(deadline=None, max_examples=60)


def approx(value):
    return pytest.approx(value, rel=1e-5, abs=1e-5)


def softmax(z: list[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


def neg_log_softmax(z: list[float]) -> list[float]:
    """-log softmax(z)_j = logsumexp(z) - z_j, computed stably."""
    top = max(z)
    lse = top + math.log(sum(math.exp(v - top) for v in z))
    return [lse - v for v in z]


def onehot(t: int, n: int) -> list[float]:
    return [1.0 if j == t else 0.0 for j in range(n)]


logit = st.floats(min_value=ce.LOGIT_RANGE[0], max_value=ce.LOGIT_RANGE[1], allow_nan=False)


@st.composite
def logits_and_target(draw):
    n = draw(st.integers(min_value=ce.MIN_CLASSES, max_value=ce.MAX_CLASSES))
    z = draw(st.lists(logit, min_size=n, max_size=n))
    t = draw(st.integers(min_value=0, max_value=n - 1))
    return tuple(z), t


weight_value = st.floats(min_value=0.1, max_value=ce.WEIGHT_RANGE[1])
smoothing = st.floats(min_value=0.0, max_value=1.0)


@SETTINGS
@given(case=logits_and_target())
def test_softmax_sums_to_one_and_matches_closed_form(case):
    z, t = case
    result = ce.compute(ce.Setup(z, t))
    assert sum(result.probs) == pytest.approx(1.0, abs=1e-5)
    assert list(result.probs) == pytest.approx(softmax(list(z)), rel=1e-5, abs=1e-7)
    assert all(0.0 <= p <= 1.0 for p in result.probs)
    assert result.inputs == pytest.approx(z, rel=1e-6, abs=1e-6)  # the raw logits, unchanged
    assert result.ignored is False


@SETTINGS
@given(case=logits_and_target(), reduction=st.sampled_from(ce.REDUCTIONS))
def test_loss_is_minus_log_softmax_and_grad_is_softmax_minus_onehot(case, reduction):
    z, t = case
    result = ce.compute(ce.Setup(z, t, reduction=reduction))
    assert result.loss == approx(neg_log_softmax(list(z))[t])
    expected_grad = [p - y for p, y in zip(softmax(list(z)), onehot(t, len(z)), strict=True)]
    assert list(result.grad) == pytest.approx(expected_grad, abs=1e-5)


def test_hand_example_two_equal_logits():
    # z = (0, 0): p = (1/2, 1/2), loss = -log(1/2) = log 2, grad = (1/2 - 1, 1/2) = (-1/2, 1/2).
    result = ce.compute(ce.Setup((0.0, 0.0), 0))
    assert result.probs == pytest.approx((0.5, 0.5))
    assert result.loss == approx(math.log(2))
    assert result.grad == pytest.approx((-0.5, 0.5))


@SETTINGS
@given(case=logits_and_target(), eps=smoothing, reduction=st.sampled_from(ce.REDUCTIONS))
def test_label_smoothing_closed_form(case, eps, reduction):
    z, t = case
    n = len(z)
    result = ce.compute(ce.Setup(z, t, label_smoothing=eps, reduction=reduction))
    nls = neg_log_softmax(list(z))
    assert result.loss == approx((1 - eps) * nls[t] + eps / n * sum(nls))
    q = [(1 - eps) * y + eps / n for y in onehot(t, n)]
    expected_grad = [p - qj for p, qj in zip(softmax(list(z)), q, strict=True)]
    assert list(result.grad) == pytest.approx(expected_grad, abs=1e-5)


@st.composite
def weighted_case(draw):
    z, t = draw(logits_and_target())
    weights = draw(st.lists(weight_value, min_size=len(z), max_size=len(z)))
    return z, t, tuple(weights)


@SETTINGS
@given(case=weighted_case())
def test_class_weight_cancels_with_mean_for_one_sample(case):
    z, t, weights = case
    result = ce.compute(ce.Setup(z, t, weight=weights, reduction="mean"))
    # mean divides the weighted sum w_t * (-log p_t) by the total weight w_t.
    assert result.loss == approx(neg_log_softmax(list(z))[t])
    expected_grad = [p - y for p, y in zip(softmax(list(z)), onehot(t, len(z)), strict=True)]
    assert list(result.grad) == pytest.approx(expected_grad, abs=1e-5)


@SETTINGS
@given(case=weighted_case(), reduction=st.sampled_from(("sum", "none")))
def test_class_weight_scales_sum_for_one_sample(case, reduction):
    z, t, weights = case
    result = ce.compute(ce.Setup(z, t, weight=weights, reduction=reduction))
    w_t = weights[t]
    assert result.loss == approx(w_t * neg_log_softmax(list(z))[t])
    expected_grad = [
        w_t * (p - y) for p, y in zip(softmax(list(z)), onehot(t, len(z)), strict=True)
    ]
    assert list(result.grad) == pytest.approx(expected_grad, rel=1e-5, abs=1e-4)


@SETTINGS
@given(case=weighted_case(), eps=smoothing, reduction=st.sampled_from(ce.REDUCTIONS))
def test_weights_with_label_smoothing_match_the_page_formula(case, eps, reduction):
    """The page's formula: [(1-eps) w_t (-log p_t) + eps/C sum_j w_j (-log p_j)] / w_t (mean)."""
    z, t, weights = case
    n = len(z)
    result = ce.compute(ce.Setup(z, t, weight=weights, label_smoothing=eps, reduction=reduction))
    nls = neg_log_softmax(list(z))
    total = (1 - eps) * weights[t] * nls[t] + eps / n * sum(
        w * v for w, v in zip(weights, nls, strict=True)
    )
    expected = total / weights[t] if reduction == "mean" else total
    assert result.loss == pytest.approx(expected, rel=1e-5, abs=1e-4)


@SETTINGS
@given(case=logits_and_target(), eps=smoothing)
def test_reduction_none_equals_sum_for_one_sample(case, eps):
    z, t = case
    none = ce.compute(ce.Setup(z, t, label_smoothing=eps, reduction="none"))
    total = ce.compute(ce.Setup(z, t, label_smoothing=eps, reduction="sum"))
    nls = neg_log_softmax(list(z))
    expected = (1 - eps) * nls[t] + eps / len(z) * sum(nls)
    assert none.loss == approx(expected)
    assert total.loss == approx(expected)
    assert none.loss == total.loss
    assert none.grad == total.grad


@SETTINGS
@given(case=logits_and_target(), weighted=st.booleans())
def test_ignore_index_equal_to_target(case, weighted):
    z, t = case
    weight = tuple(1.0 + j for j in range(len(z))) if weighted else None
    mean = ce.compute(ce.Setup(z, t, weight=weight, ignore_index=t, reduction="mean"))
    total = ce.compute(ce.Setup(z, t, weight=weight, ignore_index=t, reduction="sum"))
    none = ce.compute(ce.Setup(z, t, weight=weight, ignore_index=t, reduction="none"))
    assert mean.ignored and total.ignored and none.ignored
    assert math.isnan(mean.loss)  # 0 / 0 total weight
    assert total.loss == 0.0
    assert none.loss == 0.0
    for result in (total, none):
        assert result.grad == (0.0,) * len(z)
    # The probabilities are still the softmax of the logits.
    assert list(mean.probs) == pytest.approx(softmax(list(z)), rel=1e-5, abs=1e-7)


@SETTINGS
@given(case=logits_and_target())
def test_ignore_index_of_another_class_changes_nothing(case):
    z, t = case
    other = (t + 1) % len(z)
    result = ce.compute(ce.Setup(z, t, ignore_index=other))
    assert result.ignored is False
    assert result.loss == approx(neg_log_softmax(list(z))[t])


@SETTINGS
@given(case=logits_and_target())
def test_double_softmax_closed_form_and_floor(case):
    z, t = case
    n = len(z)
    result = ce.compute(ce.Setup(z, t, double_softmax=True))
    p = softmax(list(z))
    assert list(result.inputs) == pytest.approx(p, rel=1e-5, abs=1e-7)  # probabilities fed in
    q = [math.exp(v) for v in p]  # softmax of probabilities in [0, 1]: no overflow
    by_hand = -math.log(q[t] / sum(q))
    assert result.loss == approx(by_hand)
    # Best case p_t = 1, the rest 0: softmax gives e / (e + C - 1) at most.
    floor = -math.log(math.e / (math.e + n - 1))
    assert result.loss >= floor - 1e-5
    # So whenever the right loss is below that floor, the double-softmax loss is too high.
    right = neg_log_softmax(list(z))[t]
    if right < floor - 1e-3:
        assert result.loss > right


@SETTINGS
@given(case=logits_and_target())
def test_double_softmax_gradient_by_chain_rule(case):
    """d/dz of -log softmax(p)[t] with p = softmax(z): J_p^T (softmax(p) - onehot)."""
    z, t = case
    n = len(z)
    result = ce.compute(ce.Setup(z, t, double_softmax=True))
    p = softmax(list(z))
    outer = [a - y for a, y in zip(softmax(p), onehot(t, n), strict=True)]  # d loss / d p
    # d p_i / d z_j = p_i (delta_ij - p_j)
    expected = [sum(outer[i] * p[i] * ((i == j) - p[j]) for i in range(n)) for j in range(n)]
    assert list(result.grad) == pytest.approx(expected, abs=1e-5)


@SETTINGS
@given(case=logits_and_target())
def test_raising_the_target_logit_lowers_the_loss(case):
    z, t = case
    before, after = ce.raise_target_effect(ce.Setup(z, t))
    raised = list(z)
    raised[t] += 1.0
    assert before == approx(neg_log_softmax(list(z))[t])
    assert after == approx(neg_log_softmax(raised)[t])
    # -log p_t strictly decreases in z_t while other classes have any probability;
    # float32 can only tell when the loss is not already ~0.
    if before > 1e-3:
        assert after < before


def test_snippet_prints_hand_values():
    # z = (0, 0), t = 1: loss = log 2, softmax = (1/2, 1/2), grad = (1/2, 1/2 - 1).
    code = ce.snippet(ce.Setup((0.0, 0.0), 1))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    assert out.getvalue().splitlines() == [
        f"loss = {num(math.log(2))}",
        "softmax = [0.5, 0.5]",
        "grad = [0.5, -0.5]",
    ]
