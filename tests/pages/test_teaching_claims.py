"""What the lesson texts claim, checked against PyTorch (issue 7: a review found these wrong).

Each test pins a sentence of a lesson (in both languages where the claim is in a catalog) to the
PyTorch behaviour it describes, so a text that drifts from PyTorch fails here.
"""

from __future__ import annotations

import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.i18n import catalog
from lib.lessons._format import num
from lib.lessons.activations import compute as activations
from lib.lessons.autograd import compute as autograd
from lib.lessons.cross_entropy import compute as cross_entropy
from lib.lessons.dropout import compute as dropout
from lib.lessons.rnn import compute as rnn
from lib.lessons.sgd import compute as sgd
from lib.lessons.tensors import compute as tensors
from tests.pages.apptest import metrics, open_page, run_snippet, snippet, texts

EN, ZH = catalog("en"), catalog("zh")


def softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


# --- 1. activations: F.sigmoid and F.tanh are not deprecated --------------------------------


def test_functional_sigmoid_and_tanh_run_without_a_deprecation_warning():
    x = torch.linspace(-3, 3, 7)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert torch.equal(F.sigmoid(x), torch.sigmoid(x))
        assert torch.equal(F.tanh(x), torch.tanh(x))
    assert caught == []
    assert "not deprecated" in EN["activations.notes"]
    assert "没有被弃用" in ZH["activations.notes"]


# --- 2. autograd: Variable(t) detaches; the table retains the graph --------------------------


def test_variable_returns_a_detached_tensor_that_shares_data():
    from torch.autograd import Variable

    t = torch.tensor([1.0, 2.0], requires_grad=True)
    v = Variable(t)
    assert v is not t and not v.requires_grad and v.data_ptr() == t.data_ptr()
    assert "unchanged" not in EN["autograd.notes"] and "detached" in EN["autograd.notes"]
    assert "原样返回" not in ZH["autograd.notes"] and "分离" in ZH["autograd.notes"]


def test_accumulate_table_says_retain_graph_and_a_plain_second_backward_raises():
    at = open_page("autograd", w=2, x=1.5, b=0)
    calls = at.table[0].value.iloc[:, 0].tolist()
    assert calls == ["y.backward(retain_graph=True)"]
    error = autograd.second_backward_error(2, 1.5, 0)
    assert "backward through the graph a second time" in error
    assert error in [c.value for c in at.code]
    assert "retain_graph=True" in EN["autograd.accumulate_intro"]


# --- 3. cross-entropy: the caption, the weight note and nan -----------------------------------


def test_smoothing_makes_the_target_gradient_positive_and_the_caption_says_so():
    setup = cross_entropy.Setup((10.0, -10.0, -10.0), 0, label_smoothing=0.5)
    grad = cross_entropy.compute(setup).grad
    p0 = softmax([10.0, -10.0, -10.0])[0]
    assert grad[0] == pytest.approx(p0 - (1 - 0.5) - 0.5 / 3, abs=1e-6)  # +0.3333
    assert grad[0] > 0 and not cross_entropy.grad_is_softmax_minus_onehot(setup)
    page = texts(open_page("cross_entropy", logits="10,-10,-10", target=0, smoothing=0.5))
    assert EN["cross_entropy.target_colour"] not in page
    assert "the target's gradient is 0.3333" in page


@settings(deadline=None, max_examples=40)
@given(
    logits=st.lists(st.floats(-10, 10), min_size=2, max_size=6),
    data=st.data(),
)
def test_the_plain_caption_holds_exactly_when_grad_is_softmax_minus_onehot(logits, data):
    n = len(logits)
    target = data.draw(st.integers(0, n - 1))
    weight = data.draw(
        st.none() | st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n)
    )
    setup = cross_entropy.Setup(
        tuple(logits),
        target,
        weight=None if weight is None else tuple(weight),
        label_smoothing=data.draw(st.sampled_from([0.0, 0.0, 0.2])),
        reduction=data.draw(st.sampled_from(cross_entropy.REDUCTIONS)),
    )
    if cross_entropy.grad_is_softmax_minus_onehot(setup):
        expected = [
            p - (i == target)
            for i, p in enumerate(softmax(list(map(float, torch.tensor(logits).tolist()))))
        ]
        assert cross_entropy.compute(setup).grad == pytest.approx(expected, abs=1e-5)


def test_class_weights_count_with_label_smoothing_even_for_one_sample():
    logits, target = (1.0, -1.0, 0.5, 3.0, -2.0), 3
    weight = (2.0, 0.5, 1.0, 3.0, 1.0)
    plain = cross_entropy.compute(cross_entropy.Setup(logits, target, label_smoothing=0.2))
    weighted = cross_entropy.compute(cross_entropy.Setup(logits, target, weight, 0.2))
    # Closed form for reduction='mean': [(1-e) w_t (-log p_t) + e/C sum_j w_j (-log p_j)] / w_t
    nll = [-math.log(p) for p in softmax(list(logits))]
    for w, result in (((1.0,) * 5, plain), (weight, weighted)):
        loss = (
            0.8 * w[target] * nll[target]
            + 0.2 / 5 * sum(a * b for a, b in zip(w, nll, strict=True))
        ) / w[target]
        assert result.loss == pytest.approx(loss, rel=1e-5)
    assert num(plain.loss) == "0.7571" and num(weighted.loss) == "0.3754"
    page = texts(
        open_page(
            "cross_entropy", logits="1,-1,0.5,3,-2", target=3, smoothing=0.2, weight="2,0.5,1,3,1"
        )
    )
    assert EN["cross_entropy.weight_cancels"] not in page
    assert EN["cross_entropy.weight_counts_with_smoothing"] in page


def test_zero_weight_on_the_target_explains_the_nan():
    at = open_page("cross_entropy", logits="1,-1,0.5,3,-2", target=3, weight="1,1,1,0,1")
    assert metrics(at)["loss"] == "nan"
    assert any("weight 0" in i.value and "nan" in i.value for i in at.info)
    summed = open_page(
        "cross_entropy", logits="1,-1,0.5,3,-2", target=3, weight="1,1,1,0,1", reduction="sum"
    )
    assert metrics(summed)["loss"] == "0" and not summed.info


# --- 4. tensors: a transpose of a size-1 dimension stays contiguous; what min means ------------


def test_transposing_a_size_one_dimension_keeps_t_contiguous_and_the_caption_says_so():
    x = torch.arange(4).reshape(1, 4)
    assert x.transpose(0, 1).is_contiguous()
    at = open_page("tensors", shape="1,4", transpose="0,1", view="4")
    assert metrics(at)["t.is_contiguous()"] == "True"
    page = texts(at)
    assert "still contiguous" in page and "so t is not contiguous" not in page
    jumpy = texts(open_page("tensors", shape="2,3", transpose="0,1", view="6"))
    assert "so t is not contiguous" in jumpy


def test_dtype_min_is_the_most_negative_value():
    rows = {row.name: row for row in tensors.dtype_table()}
    assert rows["float32"].lo == -torch.finfo(torch.float32).max
    assert rows["int64"].lo == -(2**63)
    assert "most negative" in EN["tensors.dtype_table_caption"]
    assert "最负" in ZH["tensors.dtype_table_caption"]


# --- 5. activations: the softplus row shows the branch PyTorch took --------------------------


def test_softplus_row_shows_the_threshold_branch():
    page = texts(open_page("activations", fn="softplus", x=19.9, hi=20, beta=0.1, threshold=1))
    assert r"x \quad (\beta x = 1.99 > 1) \\ &= 19.9" in page  # the value on the next line
    general = math.log1p(math.exp(0.1 * 19.9)) / 0.1
    assert f"{general:.2f}" == "21.18"  # what the general formula would have claimed


@settings(deadline=None, max_examples=60)
@given(
    x=st.floats(-20, 20),
    beta=st.sampled_from([0.1, 0.5, 1.0, 2.0, 10.0]),
    threshold=st.sampled_from([1.0, 5.0, 20.0, 40.0]),
)
def test_softplus_formula_branch_evaluates_to_pytorchs_value(x, beta, threshold):
    value = activations.probe(("softplus",), x, beta, threshold)[0].value
    formula = activations.formula_at("softplus", x, beta, threshold)
    x32 = torch.tensor(x).item()
    if formula.startswith("x"):
        assert value == x32
    else:
        assert value == pytest.approx(math.log1p(math.exp(beta * x32)) / beta, rel=1e-5, abs=1e-6)


# --- 6. dropout: all 64 dropped by chance in training ------------------------------------------


def test_all_dropped_by_chance_is_explained_as_chance():
    draw = dropout.draw(0.95, 1, train=True)
    assert draw.kept_count == 0
    assert dropout.all_dropped_chance(0.95) == pytest.approx(0.95**64)
    at = open_page("dropout", p=0.95, seed=1, mode="train")
    # The check's radio (in its form): the mode radio is in "More settings", below the check.
    next(r for r in at.radio if r.key and r.key.startswith("check.")).set_value("64")
    at.run()
    shown = " ".join(s.value for s in at.success)
    assert "happened to drop all of them" in shown and f"{0.95**64:.2%}" in shown
    assert "eval mode" not in shown


# --- 7. rnn: sequence b starts b steps ahead ---------------------------------------------------


def test_sequence_b_is_sequence_zero_b_steps_ahead():
    x = rnn.make_input(rnn.Setup(batch=3, steps=10))
    for b in range(3):
        assert torch.equal(x[: 10 - b, b], x[b:, 0])
    assert "b steps ahead" in EN["rnn.batch_help"] and "later" not in EN["rnn.batch_help"]
    assert "提前 b 步" in ZH["rnn.batch_help"] and "晚 b 步" not in ZH["rnn.batch_help"]


# --- 8. sgd: Sutskever's velocity only where it describes the same path -----------------------


@pytest.mark.parametrize(
    "params, shown",
    [({}, True), ({"dampening": 0.5}, False), ({"nesterov": 1}, False)],
)
def test_sutskever_line_only_without_dampening_and_nesterov(params, shown):
    s = sgd.Settings(momentum=0.9, steps=3, dampening=params.get("dampening", 0.0),
                     nesterov=bool(params.get("nesterov", 0)))  # fmt: skip
    parts = sgd.step_parts(sgd.run(s), 2)
    assert (parts.sutskever_v is not None) == shown
    page = texts(open_page("sgd", momentum=0.9, steps=3, show=2, **params))
    assert (r"\text{(Sutskever)}" in page) == shown


# --- 9. Chinese pages: no English words in labels and formulas; the usual terms ---------------


@pytest.mark.parametrize(
    "page, params, english",
    [
        ("dropout", {"mode": "train"}, ["kept", " of 64"]),
        ("dropout", {"mode": "eval"}, ["eval:"]),
        ("sgd", {}, ["step 30:", "Sutskever et al."]),
        ("tensors", {}, ["storage", "address", "bytes", "reshape copied", "x changed"]),
        ("sequential", {}, ["total", "output shape", "input"]),
        ("embedding", {}, ["parameters", "rows renormalised"]),
        ("linear", {}, ["parameters"]),
        ("rnn", {}, ["parameters"]),
    ],
)
def test_chinese_labels_and_formulas_have_no_english_words(page, params, english):
    at = open_page(page, lang="zh", **params)
    shown = [*metrics(at).keys(), *metrics(at).values()]
    shown += [x.value for x in at.latex]
    for word in english:
        assert not [s for s in shown if word in s], (page, word)


@pytest.mark.parametrize(
    "mode, name", [("eval", "评估（eval）模式"), ("train", "训练（train）模式")]
)
def test_chinese_dropout_question_names_the_mode_in_chinese(mode, name):
    # p = 1 in training and any p in eval ask how many elements are zeroed, naming the mode.
    at = open_page("dropout", lang="zh", p=1.0 if mode == "train" else 0.5, mode=mode)
    question = next(r.label for r in at.radio if "置为 0" in r.label)
    assert name in question and f"{mode} 模式" not in question


def test_chinese_navigation_uses_the_usual_terms():
    assert ZH["activations.nav"] == "激活函数" and "激励" not in ZH["activations.title"]
    assert ZH["sequential.nav"].startswith("顺序容器")


# --- 10. sequential: the snippet prints each layer's parameter count --------------------------


def test_snippet_prints_each_layers_parameter_count():
    at = open_page("sequential")
    printed = run_snippet(snippet(at))
    assert printed["conv1 params"] == f"{20 * 1 * 5 * 5 + 20:,}" == "520"
    assert printed["conv2 params"] == f"{64 * 20 * 5 * 5 + 64:,}" == "32,064"
    table = at.table[0].value
    layer_params = dict(zip(table.iloc[1:-1]["name"], table.iloc[1:-1]["params"], strict=True))
    for name, count in layer_params.items():
        assert printed[f"{name} params"] == count


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"fn": "relu,tanh"}, [], ["Φ", "σ is", "threshold"]),
        ({"fn": "gelu"}, ["Φ is the standard normal CDF"], ["σ is", "threshold"]),
        ({"fn": "silu,softplus"}, ["σ is the sigmoid", "threshold"], ["Φ"]),
    ],
)
def test_activations_formula_caption_names_only_the_symbols_shown(params, present, absent):
    captions = "\n".join(c.value for c in open_page("activations", **params).caption)
    for text in present:
        assert text in captions, text
    for text in absent:
        assert text not in captions, text


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({}, ["onehot(t)"], ["class weights", "label smoothing"]),
        ({"mistake": 1}, ["as if it were logits"], ["class weights", "label smoothing"]),
        ({"smoothing": 0.1}, ["class weights", "ε the label smoothing"], []),
    ],
)
def test_cross_entropy_formula_caption_names_only_the_symbols_shown(params, present, absent):
    at = open_page("cross_entropy", **params)
    # The caption under the numbers, right above the formula: its last paragraph names the
    # formula's symbols.
    row = next(m.value for m in at.markdown if 'class="lesson-caption"' in m.value)
    caption = row.split('class="lesson-caption">', 1)[1].removesuffix("</div>").strip()
    formula_caption = caption.split("\n\n")[-1]
    for text in present:
        assert text in formula_caption, text
    for text in absent:
        assert text not in formula_caption, text


def test_cross_entropy_bars_take_a_click_only_where_the_target_is_the_students():
    import json

    def picks(**params) -> list[bool]:
        at = open_page("cross_entropy", **params)
        specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
        return ['"name": "pick_class"' in json.dumps(spec) for spec in specs]

    assert picks().count(True) == 1  # the probabilities chart: a click picks the target
    assert not any(picks(lock=1)) and not any(picks(hide="target"))
