"""Scrub mode's grids (issue 8): one row per value a slider can take, each row equal to the
single-state computation at that value and to the closed form."""

import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._grid import slider_grid
from lib.lessons.activations import compute as activations
from lib.lessons.cross_entropy import compute as ce
from lib.lessons.dropout import compute as dropout

SETTINGS = settings(deadline=None, max_examples=25)


def f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def close(value: float):
    return pytest.approx(value, rel=1e-5, abs=1e-6)


def test_slider_grid_is_every_slider_value_once():
    assert slider_grid(0.0, 1.0, 0.05)[:4] == [0.0, 0.05, 0.1, 0.15]
    assert len(slider_grid(0.0, 1.0, 0.05)) == 21
    grid = slider_grid(-5.0, 5.0, 0.1)
    assert (len(grid), grid[0], grid[-1]) == (101, -5.0, 5.0)
    assert 0.3 in grid and 0.7 in grid  # rounded: not 0.30000000000000004
    assert math.copysign(1.0, grid[50]) == 1.0  # 0.0, not -0.0 (which prints as "-0.0000")
    assert len(slider_grid(-20.0, 20.0, 0.1)) == 401


# --- activations: f(x) and f'(x) at every probe point --------------------------------------


@SETTINGS
@given(
    lo=st.sampled_from([-20.0, -5.0, -1.5, 0.0]),
    width=st.sampled_from([0.5, 3.0, 10.0]),
    beta=st.sampled_from([0.5, 1.0, 3.0]),
)
def test_activation_grid_rows_equal_the_single_point_probe(lo, width, beta):
    hi = lo + width
    grid = activations.scrub_grid(activations.NAMES, lo, hi, beta, 20.0)
    assert len(grid) == len(activations.NAMES) * len(slider_grid(lo, hi, 0.1))
    for x in (lo, (lo + hi) / 2, hi):
        x = slider_grid(lo, hi, 0.1)[round((x - lo) / 0.1)]
        rows = grid[grid["x"] == f32(x)].set_index("fn")
        for point in activations.probe(activations.NAMES, x, beta, 20.0):
            assert rows.loc[point.fn, "y"] == close(point.value)
            assert rows.loc[point.fn, "dy"] == close(point.slope)


def test_activation_grid_matches_closed_forms():
    grid = activations.scrub_grid(("relu", "sigmoid", "tanh"), -5.0, 5.0)
    for row in grid.itertuples():
        x = float(row.x)
        if row.fn == "relu":
            expected, slope = max(x, 0.0), 1.0 if x > 0 else 0.0
        elif row.fn == "sigmoid":
            expected = 1 / (1 + math.exp(-x))
            slope = expected * (1 - expected)
        else:
            expected, slope = math.tanh(x), 1 - math.tanh(x) ** 2
        assert row.y == close(expected) and row.dy == close(slope)


# --- cross-entropy: the target's logit over its slider --------------------------------------


def plain_ce(z: list[float], t: int) -> tuple[float, float, float]:
    """loss = logsumexp(z) - z_t, softmax_t, and d loss / d z_t = softmax_t - 1."""
    top = max(z)
    log_sum = top + math.log(sum(math.exp(v - top) for v in z))
    p_t = math.exp(z[t] - log_sum)
    return log_sum - z[t], p_t, p_t - 1


def test_cross_entropy_grid_matches_the_softmax_closed_form():
    setup = ce.Setup((2.0, 1.0, 0.1), target=0)
    grid = ce.scrub_grid(setup)
    assert list(grid["z"]) == [f32(v) for v in slider_grid(-10.0, 10.0, 0.1)]
    for row in grid.itertuples():
        loss, p, grad = plain_ce([float(row.z), 1.0, f32(0.1)], 0)
        assert (row.loss, row.p, row.grad) == (close(loss), close(p), close(grad))


SETUPS = [
    ce.Setup((2.0, 1.0, 0.1), 1),
    ce.Setup((0.5, -1.0, 3.0, 0.0), 2, weight=(1.0, 2.0, 0.5, 3.0)),
    ce.Setup((0.5, -1.0, 3.0, 0.0), 3, weight=(1.0, 2.0, 0.5, 3.0), reduction="sum"),
    ce.Setup((1.0, 2.0, 3.0), 0, label_smoothing=0.2),
    ce.Setup((1.0, 2.0, 3.0), 2, weight=(2.0, 1.0, 4.0), label_smoothing=0.3),
    ce.Setup((1.0, 2.0, 3.0), 1, reduction="none", double_softmax=True),
    ce.Setup((1.0, 2.0, 3.0), 1, ignore_index=1, reduction="sum"),
    ce.Setup((1.0, 2.0, 3.0), 1, ignore_index=1),  # mean over nothing: nan
    ce.Setup((1.0, 2.0), 0, weight=(0.0, 1.0)),  # mean over a zero weight: nan
]


@pytest.mark.parametrize("setup", SETUPS)
def test_cross_entropy_grid_rows_equal_compute_with_that_logit(setup):
    grid = ce.scrub_grid(setup)
    for row in grid.iloc[::17].itertuples():
        logits = list(setup.logits)
        logits[setup.target] = float(row.z)
        result = ce.compute(ce.Setup(**{**setup.__dict__, "logits": tuple(logits)}))
        expected = (result.loss, result.probs[setup.target], result.grad[setup.target])
        for got, want in zip((row.loss, row.p, row.grad), expected, strict=True):
            assert (math.isnan(got) and math.isnan(want)) or got == close(want)


# --- dropout: p over its slider, same seed ---------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), train=st.booleans())
def test_dropout_grid_rows_equal_one_draw_at_that_p(seed, train):
    grid = dropout.scrub_grid(seed, train=train)
    assert list(grid["p"]) == slider_grid(0.0, 1.0, 0.05)
    for row in grid.itertuples():
        result = dropout.draw(row.p, seed, train=train)
        assert row.kept == result.kept_count
        assert row.sum == close(result.output.sum().item())
        assert row.y00 == close(result.output[0, 0].item())


def test_dropout_grid_scale_is_one_over_one_minus_p():
    x = dropout.example_input()
    grid = dropout.scrub_grid(seed=7)
    for row in grid.itertuples():
        if row.p == 1.0:
            assert math.isnan(row.scale) and row.kept == 0 and row.sum == 0
            continue
        assert row.scale == close(1 / (1 - row.p))
        # every survivor is x / (1 - p): y[0, 0] is 0 (dropped) or x[0, 0] / (1 - p)
        assert row.y00 in (0.0, close(x[0, 0].item() / (1 - row.p)))
    assert grid["kept"].iloc[0] == 64  # p = 0 keeps all
    assert grid["sum"].iloc[0] == close(x.sum().item())


def test_dropout_grid_in_eval_mode_is_the_input_for_every_p():
    x = dropout.example_input()
    grid = dropout.scrub_grid(seed=3, train=False)
    assert set(grid["kept"]) == {64}
    assert all(v == close(x.sum().item()) for v in grid["sum"])
