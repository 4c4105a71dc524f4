"""Dropout: seeded masks, the 1/(1-p) scale, train vs eval, and E[output] = input."""

import contextlib
import io
import math
import threading

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._format import num
from lib.lessons._rng import SEED_RANGE
from lib.lessons.dropout import compute as dropout

SETTINGS = settings(deadline=None, max_examples=40)
SIZE = dropout.SIZE
N = SIZE * SIZE

probabilities = st.floats(min_value=0.0, max_value=0.95)
seeds = st.integers(min_value=SEED_RANGE[0], max_value=SEED_RANGE[1])


def hand_input() -> list[list[float]]:
    """The example input by hand: 1 + (i + j) / (2 (SIZE - 1)), rounded to 2 decimals."""
    return [[round(1.0 + (i + j) / (2 * (SIZE - 1)), 2) for j in range(SIZE)] for i in range(SIZE)]


def hand_flat() -> list[float]:
    return [v for row in hand_input() for v in row]


def test_example_input_is_the_hand_formula():
    x = dropout.example_input()
    assert x.shape == (SIZE, SIZE)
    expected = hand_input()
    for i in range(SIZE):
        for j in range(SIZE):
            assert x[i, j].item() == pytest.approx(expected[i][j], abs=1e-6)
    assert x[0, 0].item() == 1.0  # 1 + 0/14
    assert x[SIZE - 1, SIZE - 1].item() == 2.0  # 1 + 14/14
    assert (x != 0).all()  # so a zero in the output always means "dropped"


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_scale_is_one_over_one_minus_p(p):
    assert dropout.scale(p) == pytest.approx(1.0 / (1.0 - p))


def test_scale_is_none_when_everything_is_dropped():
    assert dropout.scale(1.0) is None


@SETTINGS
@given(p=probabilities, seed=seeds, other=seeds)
def test_same_seed_same_mask(p, seed, other):
    first = dropout.draw(p, seed)
    dropout.draw(p, other)  # another visitor's draw in between
    torch.rand(10)  # and someone using the global RNG unseeded
    second = dropout.draw(p, seed)
    assert torch.equal(first.kept, second.kept)
    assert torch.equal(first.output, second.output)


def test_different_seeds_give_different_masks():
    masks = {tuple(dropout.draw(0.5, seed).kept.flatten().tolist()) for seed in range(5)}
    # Five masks of 64 fair coins: all equal would have probability 2**-256.
    assert len(masks) > 1


def test_draw_leaves_the_global_rng_alone():
    torch.manual_seed(1234)
    expected = torch.rand(16)
    torch.manual_seed(1234)
    dropout.draw(0.5, seed=7)
    assert torch.equal(torch.rand(16), expected)


@SETTINGS
@given(p=st.floats(min_value=0.0, max_value=1.0), seed=seeds, inplace=st.booleans())
def test_eval_mode_is_the_identity(p, seed, inplace):
    result = dropout.draw(p, seed, train=False, inplace=inplace)
    assert result.output.flatten().tolist() == pytest.approx(hand_flat())
    assert torch.equal(result.output, dropout.example_input())
    assert result.kept.all()
    assert result.kept_count == N


@SETTINGS
@given(p=probabilities, seed=seeds)
def test_training_output_is_zero_or_scaled_input(p, seed):
    result = dropout.draw(p, seed)
    factor = 1.0 / (1.0 - p)
    expected = hand_input()
    out = result.output.tolist()
    kept = result.kept.tolist()
    for i in range(SIZE):
        for j in range(SIZE):
            if kept[i][j]:
                assert out[i][j] == pytest.approx(expected[i][j] * factor, rel=1e-6)
            else:
                assert out[i][j] == 0.0
    assert result.kept_count == sum(map(sum, kept))
    assert result.input.flatten().tolist() == pytest.approx(hand_flat())


@pytest.mark.parametrize("seed", [0, 1, 2**31 - 1])
def test_p_zero_keeps_everything(seed):
    result = dropout.draw(0.0, seed)
    assert result.kept_count == N
    assert result.output.flatten().tolist() == pytest.approx(hand_flat())


@pytest.mark.parametrize("seed", [0, 1, 2**31 - 1])
def test_p_one_drops_everything(seed):
    result = dropout.draw(1.0, seed)
    assert result.kept_count == 0
    assert result.output.tolist() == [[0.0] * SIZE for _ in range(SIZE)]


@SETTINGS
@given(p=st.floats(min_value=0.05, max_value=1.0), seed=seeds)
def test_inplace_train_overwrites_the_input(p, seed):
    result = dropout.draw(p, seed, train=True, inplace=True)
    assert torch.equal(result.input_after, result.output)
    assert torch.equal(result.input, dropout.example_input())  # saved before the call


@SETTINGS
@given(p=probabilities, seed=seeds, train=st.booleans())
def test_not_inplace_leaves_the_input(p, seed, train):
    result = dropout.draw(p, seed, train=train, inplace=False)
    assert torch.equal(result.input_after, dropout.example_input())
    assert result.input_after.flatten().tolist() == pytest.approx(hand_flat())


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_kept_fraction_is_one_minus_p(p):
    draws = 200
    kept = sum(dropout.draw(p, seed).kept_count for seed in range(draws))
    fraction = kept / (draws * N)
    standard_error = math.sqrt(p * (1 - p) / (draws * N))
    assert abs(fraction - (1 - p)) < 4 * standard_error


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_running_mean_gap_shrinks(p):
    table = dropout.running_mean(p, seed=3)
    assert list(table.columns) == ["draws", "gap"]
    assert len(table) == dropout.MAX_DRAWS
    assert table["draws"].tolist() == [float(n) for n in range(1, dropout.MAX_DRAWS + 1)]
    gap = dict(zip(table["draws"], table["gap"], strict=True))
    assert gap[2000.0] < gap[10.0]

    # Each cell's average of n draws has standard deviation x sqrt(p / (1 - p) / n) and mean x;
    # E|N(0, s^2)| = s sqrt(2 / pi). Averaged over the 64 cells, the expected gap is
    # mean(x) sqrt(p / (1 - p) / n) sqrt(2 / pi).
    mean_x = sum(map(sum, hand_input())) / N
    n = dropout.MAX_DRAWS
    expected = mean_x * math.sqrt(p / (1 - p) / n) * math.sqrt(2 / math.pi)
    assert gap[float(n)] == pytest.approx(expected, rel=0.35)


def test_running_mean_with_p_zero_has_no_gap():
    table = dropout.running_mean(0.0, seed=0, draws=50)
    assert table["gap"].abs().max() < 1e-6  # float32 rounding of the running sums only


def _run_threads(targets) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as error:  # surfaced by the caller
                errors.append(error)

        return run

    threads = [threading.Thread(target=guarded(target)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_draws_with_other_seeds_agree():
    """Sessions are threads: visitors drawing with other seeds at the same time change nothing."""
    p, seeds = 0.5, [11, 22, 33, 44]
    expected = {seed: dropout.draw(p, seed).kept.clone() for seed in seeds}
    results: dict[int, list[torch.Tensor]] = {seed: [] for seed in seeds}

    def drawer(seed: int):
        return lambda: results[seed].extend(dropout.draw(p, seed).kept for _ in range(50))

    errors = _run_threads([drawer(seed) for seed in seeds for _ in range(2)])
    assert not errors
    for seed in seeds:
        assert len(results[seed]) == 100
        assert all(torch.equal(mask, expected[seed]) for mask in results[seed])


def test_snippet_prints_hand_values():
    # p = 0 keeps every element with scale 1: y = x, so sum(y) = sum of the hand input
    # and y[0, 0] = 1.
    code = dropout.snippet(0.0, seed=5, train=True, inplace=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    total = sum(map(sum, hand_input()))
    assert out.getvalue().splitlines() == [
        f"kept = {N} of {N}",
        f"sum(y) = {num(total)}",
        "y[0, 0] = 1",
    ]
