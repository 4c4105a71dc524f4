"""nn.Embedding: lookup, gradients, padding_idx, max_norm, sparse, against hand-written forms.

The expected numbers come from loops over plain Python lists (the table read once with
.tolist()), never from a second PyTorch call doing the same thing.
"""

import contextlib
import io
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._format import num
from lib.lessons._rng import SEED_RANGE
from lib.lessons.embedding import compute as emb
from lib.lessons.embedding.compute import Setup

SETTINGS = settings(deadline=None, max_examples=60)


def p_norm(row: list[float], norm_type: str) -> float:
    if norm_type == "inf":
        return max(abs(v) for v in row)
    p = float(norm_type)
    return sum(abs(v) ** p for v in row) ** (1 / p)


def flat(rows: list[list[float]]) -> list[float]:
    return [v for row in rows for v in row]


def hand_grad(setup: Setup) -> list[list[float]]:
    """weight.grad by hand: row r gets the upstream gradient g_k of every position k with
    ids[k] == r (g_k = 1, or k + 1 for the weighted loss), zero for padding_idx, divided by
    r's count in ids with scale_grad_by_freq."""
    grad = [[0.0] * setup.dim for _ in range(setup.num)]
    for k, r in enumerate(setup.ids):
        if r == setup.padding_idx:
            continue
        g = k + 1.0 if setup.loss == "weighted" else 1.0
        if setup.scale_grad_by_freq:
            g /= setup.ids.count(r)
        grad[r] = [v + g for v in grad[r]]
    return grad


@st.composite
def setups(draw, max_norm=False, sparse=None):
    num = draw(st.integers(emb.MIN_NUM, emb.MAX_NUM))
    dim = draw(st.integers(emb.MIN_DIM, emb.MAX_DIM))
    ids = tuple(draw(st.lists(st.integers(0, num - 1), min_size=1, max_size=emb.MAX_IDS)))
    padding = draw(st.one_of(st.none(), st.integers(0, num - 1)))
    is_sparse = draw(st.booleans()) if sparse is None else sparse
    return Setup(
        num=num,
        dim=dim,
        ids=ids,
        padding_idx=padding,
        max_norm=draw(st.floats(0.1, 5.0)) if max_norm else None,
        norm_type=draw(st.sampled_from(emb.NORM_TYPES)),
        scale_grad_by_freq=False if is_sparse else draw(st.booleans()),
        sparse=is_sparse,
        loss=draw(st.sampled_from(emb.LOSSES)),
        seed=draw(st.integers(*SEED_RANGE)),
    )


# --- the table ------------------------------------------------------------------------------


@SETTINGS
@given(setup=setups())
def test_table_shape_parameters_and_padding_row(setup):
    result = emb.compute(setup)
    assert tuple(result.weight_before.shape) == (setup.num, setup.dim)
    assert result.parameters == setup.num * setup.dim
    if setup.padding_idx is not None:
        assert result.weight_before[setup.padding_idx].tolist() == [0.0] * setup.dim


@pytest.mark.parametrize("seed", [0, 7, 2**31 - 1])
def test_default_init_is_standard_normal_from_the_seed(seed):
    """The table is what torch.randn draws right after torch.manual_seed(seed): N(0, 1)."""
    torch.manual_seed(seed)
    expected = torch.randn(20, 8).tolist()
    table = emb.compute(Setup(num=20, dim=8, seed=seed)).weight_before.tolist()
    assert table == expected


def test_init_statistics_look_standard_normal():
    values = []
    for seed in range(30):
        values += emb.compute(Setup(num=20, dim=8, seed=seed)).weight_before.flatten().tolist()
    n = len(values)  # 4800 draws
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    assert abs(mean) < 4 / math.sqrt(n)
    assert abs(var - 1) < 4 * math.sqrt(2 / n)


def test_padding_idx_zeroes_only_its_row():
    plain = emb.compute(Setup(seed=5)).weight_before.tolist()
    padded = emb.compute(Setup(seed=5, padding_idx=3)).weight_before.tolist()
    assert padded[3] == [0.0] * 4
    assert [row for r, row in enumerate(padded) if r != 3] == [
        row for r, row in enumerate(plain) if r != 3
    ]


def test_same_seed_same_table_and_global_rng_untouched():
    torch.manual_seed(99)
    expected_next = torch.rand(5)
    torch.manual_seed(99)
    first = emb.compute(Setup(seed=11)).weight_before
    emb.compute(Setup(seed=12))  # another visitor in between
    assert torch.equal(emb.compute(Setup(seed=11)).weight_before, first)
    assert torch.equal(torch.rand(5), expected_next)


# --- the lookup and the gradient -----------------------------------------------------------


@SETTINGS
@given(setup=setups())
def test_output_rows_are_the_table_rows_by_index(setup):
    result = emb.compute(setup)
    table = result.weight_before.tolist()
    out = result.output.tolist()
    assert len(out) == len(setup.ids)
    for k, r in enumerate(setup.ids):
        assert out[k] == table[r]


@SETTINGS
@given(setup=setups())
def test_gradient_is_the_sum_of_upstream_per_row(setup):
    result = emb.compute(setup)
    assert result.grad_error is None
    assert flat(result.grad.tolist()) == pytest.approx(flat(hand_grad(setup)), rel=1e-6)
    expected_upstream = [
        float(k + 1) if setup.loss == "weighted" else 1.0 for k in range(len(setup.ids))
    ]
    assert list(result.upstream) == expected_upstream


def test_hand_example_repeats_padding_and_scale():
    ids = (2, 3, 2, 0, 2)
    plain = emb.compute(Setup(ids=ids, padding_idx=0)).grad[:, 0].tolist()
    assert plain[:4] == [0.0, 0.0, 3.0, 1.0]  # row 2 three times, padding row 0 nothing
    scaled = emb.compute(Setup(ids=ids, padding_idx=0, scale_grad_by_freq=True))
    assert scaled.grad[:, 0].tolist()[:4] == [0.0, 0.0, 1.0, 1.0]  # 3 / 3
    weighted = emb.compute(Setup(ids=ids, padding_idx=0, loss="weighted", scale_grad_by_freq=True))
    assert weighted.grad[2, 0].item() == pytest.approx((1 + 3 + 5) / 3)


def test_counts():
    assert emb.counts((2, 3, 2, 0, 2), 5) == (1, 0, 3, 1, 0)


# --- max_norm ---------------------------------------------------------------------------------


@SETTINGS
@given(setup=setups(max_norm=True))
def test_max_norm_renormalises_looked_up_rows_in_place(setup):
    result = emb.compute(setup)
    before = result.weight_before.tolist()
    after = result.weight_after.tolist()
    looked_up = set(setup.ids)
    expected_renormed = []
    for r in range(setup.num):
        norm = p_norm(before[r], setup.norm_type)
        if r in looked_up and norm > setup.max_norm:
            scale = setup.max_norm / (norm + emb.RENORM_EPS)  # PyTorch's formula
            assert after[r] == pytest.approx([v * scale for v in before[r]], rel=1e-5, abs=1e-7)
            expected_renormed.append(r)
        else:
            assert after[r] == before[r]  # untouched, bit for bit
        if r in looked_up:
            assert p_norm(after[r], setup.norm_type) <= setup.max_norm * (1 + 1e-5)
    assert list(result.renormed_rows) == expected_renormed
    assert list(result.norms_before) == pytest.approx(
        [p_norm(row, setup.norm_type) for row in before], rel=1e-5
    )
    assert list(result.norms_after) == pytest.approx(
        [p_norm(row, setup.norm_type) for row in after], rel=1e-5
    )
    # The output is read after the rescaling.
    for k, r in enumerate(setup.ids):
        assert result.output[k].tolist() == after[r]


def test_max_norm_hand_example():
    # Seed 0, row 4 of a (10, 4) table; pick a max_norm below its 2-norm.
    setup = Setup(ids=(4,), max_norm=0.5)
    result = emb.compute(setup)
    row = result.weight_before[4].tolist()
    norm = math.sqrt(sum(v * v for v in row))
    assert norm > 0.5
    assert result.norms_after[4] == pytest.approx(0.5 * norm / (norm + 1e-7), rel=1e-6)
    assert result.renormed_rows == (4,)


def test_no_max_norm_leaves_the_weight_alone():
    result = emb.compute(Setup(ids=(1, 2, 3)))
    assert torch.equal(result.weight_after, result.weight_before)
    assert result.renormed_rows == ()


# --- sparse -----------------------------------------------------------------------------------


@SETTINGS
@given(setup=setups(sparse=True))
def test_sparse_gradient_lists_every_non_padding_position(setup):
    result = emb.compute(setup)
    info = result.sparse_grad
    kept = [i for i in setup.ids if i != setup.padding_idx]
    assert info.layout == "torch.sparse_coo"
    assert list(info.indices) == kept
    assert info.values_shape == (len(kept), setup.dim)
    assert list(info.coalesced_indices) == sorted(set(kept))
    assert flat(result.grad.tolist()) == pytest.approx(flat(hand_grad(setup)), rel=1e-6)


def test_sparse_repeats_are_not_coalesced():
    info = emb.compute(Setup(ids=(2, 3, 2), sparse=True)).sparse_grad
    assert info.indices == (2, 3, 2)
    assert info.is_coalesced is False
    assert info.coalesced_indices == (2, 3)


def test_sparse_with_scale_grad_by_freq_raises_and_leaves_no_grad():
    result = emb.compute(Setup(sparse=True, scale_grad_by_freq=True))
    assert result.grad is None and result.sparse_grad is None
    assert "scale_grad_by_freq" in result.grad_error


# --- indices ----------------------------------------------------------------------------------


@pytest.mark.parametrize("max_norm", [None, 1.0])
def test_float_indices_and_index_past_the_end_raise(max_norm):
    float_error, range_error = emb.index_errors(Setup(num=6, ids=(1, 2), max_norm=max_norm))
    assert float_error.startswith("RuntimeError: ")
    assert "Long, Int" in float_error and "FloatTensor" in float_error
    assert range_error.startswith("IndexError: ")
    assert "out of range" in range_error


def test_sentence_ids_use_the_first_num_words():
    assert emb.VOCAB[:7] == ("<pad>", "<unk>", "the", "cat", "sat", "on", "mat")
    assert emb.sentence_ids("The cat sat on the mat", 10) == (2, 3, 4, 5, 2, 6)
    # A 5-row table knows <pad> <unk> the cat sat: "on", "mat" and "zebra" are <unk> (1).
    assert emb.sentence_ids("the cat sat on the mat, zebra!", 5) == (2, 3, 4, 1, 2, 1, 1)
    assert emb.sentence_ids("", 10) == ()
    assert len(emb.sentence_ids("a " * 30, 20)) == emb.MAX_IDS


@SETTINGS
@given(text=st.text(max_size=80), num=st.integers(emb.MIN_NUM, emb.MAX_NUM))
def test_sentence_ids_are_always_rows_of_the_table(text, num):
    ids = emb.sentence_ids(text, num)
    assert all(0 <= i < num for i in ids)
    assert len(ids) <= emb.MAX_IDS


def test_clamp_ids():
    assert emb.clamp_ids((0, 5, 12, -3), 6) == (0, 5, 5, 0)


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("the cat", "the cat", None),
        ("The  CAT", "the cat", None),
        ("<script>alert(1)</script>", "script alert script", "text_not_words"),
        ("a " * 13, " ".join(["a"] * 12), "too_long"),
        ("", "", None),
    ],
)
def test_sentence_param(raw, value, reason):
    assert emb.Sentence("text", "").parse(raw) == (value, reason)


# --- the snippet ------------------------------------------------------------------------------


def run(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return dict(line.split(" = ", 1) for line in out.getvalue().splitlines())


def test_snippet_prints_hand_values():
    setup = Setup(num=7, dim=3, ids=(1, 1, 1, 4), padding_idx=4, seed=3)
    printed = run(emb.snippet(setup))
    torch.manual_seed(3)
    table = torch.randn(7, 3).tolist()
    table[4] = [0.0, 0.0, 0.0]
    assert printed["parameters"] == "21"  # 7 x 3
    assert printed["output.shape"] == "(4, 3)"
    assert float(printed["output.sum()"]) == pytest.approx(3 * sum(table[1]), rel=6e-4, abs=1e-4)
    assert printed["weight.grad.sum()"] == num(3 * 3)  # row 1: 3 hits x 3 columns
    assert printed["rows renormalised"] == "0"


def test_snippet_with_max_norm_sparse_and_weighted_loss():
    setup = Setup(ids=(1, 2, 1), max_norm=0.01, norm_type="inf", sparse=True, loss="weighted")
    printed = run(emb.snippet(setup, "x"))
    assert printed["rows renormalised"] == "2"  # every N(0, 1) row has |entry| > 0.01
    assert printed["weight.grad.sum()"] == num((1 + 2 + 3) * 4)


def test_snippet_reports_the_backward_error():
    printed = run(emb.snippet(Setup(sparse=True, scale_grad_by_freq=True)))
    assert printed["weight.grad.sum()"] == "None"
    assert "scale_grad_by_freq" in printed["backward error"]
