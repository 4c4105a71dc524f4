"""nn.Linear: y = x Aᵀ + b by hand loops, the parameter count, the seeded default init and its
bound, the four notations, and the grid picture as the affine map applied by hand."""

import contextlib
import io
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._format import num
from lib.lessons._rng import SEED_RANGE
from lib.lessons.linear import compute as linear

SETTINGS = settings(deadline=None, max_examples=40)

sizes = st.integers(min_value=linear.MIN_FEATURES, max_value=linear.MAX_FEATURES)
seeds = st.integers(min_value=SEED_RANGE[0], max_value=SEED_RANGE[1])
x_value = st.floats(min_value=linear.X_RANGE[0], max_value=linear.X_RANGE[1], allow_nan=False)


@st.composite
def setups(draw):
    n_in, n_out = draw(sizes), draw(sizes)
    x = tuple(draw(st.lists(x_value, min_size=n_in, max_size=n_in)))
    return n_in, n_out, draw(st.booleans()), draw(seeds), x


def hand_affine(weight: list[list[float]], bias: list[float] | None, x) -> list[float]:
    """y_j = sum_i W[j][i] x_i + b_j, one loop at a time."""
    y = []
    for j, row in enumerate(weight):
        total = 0.0
        for i, w in enumerate(row):
            total += w * x[i]
        if bias is not None:
            total += bias[j]
        y.append(total)
    return y


def weights_of(result) -> tuple[list[list[float]], list[float] | None]:
    bias = None if result.bias is None else result.bias.tolist()
    return result.weight.tolist(), bias


@SETTINGS
@given(setup=setups())
def test_output_is_the_hand_loop(setup):
    n_in, n_out, bias, seed, x = setup
    result = linear.forward(n_in, n_out, bias, seed, x)
    weight, b = weights_of(result)
    assert len(weight) == n_out and all(len(row) == n_in for row in weight)  # (out, in)
    assert (b is None) == (not bias)
    assert result.x.tolist() == pytest.approx(x)
    assert result.y.tolist() == pytest.approx(hand_affine(weight, b, x), rel=1e-5, abs=1e-5)


@SETTINGS
@given(n_in=sizes, n_out=sizes, bias=st.booleans(), seed=seeds)
def test_parameter_count_is_in_times_out_plus_out(n_in, n_out, bias, seed):
    result = linear.forward(n_in, n_out, bias, seed, linear.default_x(n_in))
    assert result.parameters == n_in * n_out + (n_out if bias else 0)


@pytest.mark.parametrize(
    ("n_in", "n_out", "bias", "count"), [(2, 2, True, 6), (2, 2, False, 4), (8, 8, True, 72)]
)
def test_parameter_count_examples(n_in, n_out, bias, count):
    assert linear.forward(n_in, n_out, bias, 0, linear.default_x(n_in)).parameters == count


@SETTINGS
@given(n_in=sizes, n_out=sizes, bias=st.booleans(), seed=seeds, other=seeds)
def test_same_seed_same_weights(n_in, n_out, bias, seed, other):
    first = linear.make_layer(n_in, n_out, bias, seed)
    linear.make_layer(n_in, n_out, bias, other)  # another visitor in between
    torch.rand(10)  # and someone using the global RNG unseeded
    second = linear.make_layer(n_in, n_out, bias, seed)
    assert first.weight.tolist() == second.weight.tolist()
    if bias:
        assert first.bias.tolist() == second.bias.tolist()


def test_different_seeds_give_different_weights():
    layers = {
        tuple(linear.make_layer(4, 4, True, seed).weight.flatten().tolist()) for seed in range(5)
    }
    assert len(layers) == 5


@SETTINGS
@given(n_in=sizes, n_out=sizes, seed=seeds)
def test_bias_switch_keeps_the_weights(n_in, n_out, seed):
    """The weight is initialised before the bias, so turning the bias off changes only b."""
    with_bias = linear.make_layer(n_in, n_out, True, seed)
    without = linear.make_layer(n_in, n_out, False, seed)
    assert with_bias.weight.tolist() == without.weight.tolist()
    assert without.bias is None


def test_make_layer_leaves_the_global_rng_alone():
    torch.manual_seed(1234)
    expected = torch.rand(16)
    torch.manual_seed(1234)
    linear.make_layer(8, 8, True, seed=7)
    assert torch.equal(torch.rand(16), expected)


@SETTINGS
@given(n_in=sizes, n_out=sizes, seed=seeds)
def test_default_init_is_bounded_by_one_over_sqrt_in(n_in, n_out, seed):
    # kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound sqrt(3) gain / sqrt(in).
    bound = math.sqrt(3) * math.sqrt(2 / (1 + 5)) / math.sqrt(n_in)
    assert bound == pytest.approx(1 / math.sqrt(n_in))
    assert linear.bound(n_in) == pytest.approx(bound)
    layer = linear.make_layer(n_in, n_out, True, seed)
    assert all(abs(w) <= bound for w in layer.weight.flatten().tolist())
    assert all(abs(b) <= bound for b in layer.bias.tolist())


@pytest.mark.parametrize("n_in", [1, 2, 8])
def test_default_init_is_uniform_on_the_bound(n_in):
    """Uniform on [-c, c]: mean 0, variance c^2 / 3, and the extremes come close to c."""
    c = 1 / math.sqrt(n_in)
    values = [
        w
        for seed in range(60)
        for w in linear.make_layer(n_in, 8, False, seed).weight.flatten().tolist()
    ]
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / n
    sd_of_mean = c / math.sqrt(3 * n)
    assert abs(mean) < 4 * sd_of_mean
    assert variance == pytest.approx(c * c / 3, rel=0.15)
    assert max(values) > 0.95 * c and min(values) < -0.95 * c


@SETTINGS
@given(setup=setups())
def test_four_notations(setup):
    n_in, n_out, bias, seed, x = setup
    result = linear.forward(n_in, n_out, bias, seed, x)
    weight, b = weights_of(result)
    expected = hand_affine(weight, b, x)
    forms = linear.notation(result)
    for values in (forms.layer, forms.row, forms.column):
        assert list(values) == pytest.approx(expected, rel=1e-5, abs=1e-5)
    if n_in == n_out:
        # x @ W + b: y'_j = sum_i x_i W[i][j] + b_j, the transpose of the right map.
        wrong = [
            sum(x[i] * weight[i][j] for i in range(n_in)) + (b[j] if b else 0.0)
            for j in range(n_out)
        ]
        assert forms.error is None
        assert list(forms.no_transpose) == pytest.approx(wrong, rel=1e-5, abs=1e-5)
    else:
        assert forms.no_transpose is None
        assert forms.error == (
            f"mat1 and mat2 shapes cannot be multiplied (1x{n_in} and {n_out}x{n_in})"
        )


def test_unit_grid_is_the_unit_square_lines():
    grid = linear.unit_grid()
    ticks = [k / (linear.GRID_LINES - 1) for k in range(linear.GRID_LINES)]
    along = [k / (linear.GRID_SAMPLES - 1) for k in range(linear.GRID_SAMPLES)]
    assert len(grid) == 2 * linear.GRID_LINES * linear.GRID_SAMPLES
    for fixed in ticks:
        vertical = grid[grid.line == f"x0={fixed:g}"].sort_values("order")
        horizontal = grid[grid.line == f"x1={fixed:g}"].sort_values("order")
        assert vertical.x0.tolist() == pytest.approx([fixed] * len(along))
        assert vertical.x1.tolist() == pytest.approx(along)
        assert horizontal.x0.tolist() == pytest.approx(along)
        assert horizontal.x1.tolist() == pytest.approx([fixed] * len(along))


@SETTINGS
@given(seed=seeds, bias=st.booleans(), x=st.tuples(x_value, x_value))
def test_grid_moves_by_the_affine_map(seed, bias, x):
    result = linear.forward(2, 2, bias, seed, x)
    (w00, w01), (w10, w11) = result.weight.tolist()
    b0, b1 = result.bias.tolist() if bias else (0.0, 0.0)
    moved = linear.move_grid(result)
    before = moved[moved.stage == "before"].set_index(["line", "order"]).sort_index()
    after = moved[moved.stage == "after"].set_index(["line", "order"]).sort_index()
    assert list(before.index) == list(after.index)
    grid = linear.unit_grid().set_index(["line", "order"]).sort_index()
    assert before.p0.tolist() == grid.x0.tolist() and before.p1.tolist() == grid.x1.tolist()
    for (p0, p1), (q0, q1) in zip(
        zip(before.p0, before.p1, strict=True), zip(after.p0, after.p1, strict=True), strict=True
    ):
        assert q0 == pytest.approx(w00 * p0 + w01 * p1 + b0, abs=1e-6)
        assert q1 == pytest.approx(w10 * p0 + w11 * p1 + b1, abs=1e-6)


def test_grid_is_only_for_two_by_two():
    with pytest.raises(AssertionError):
        linear.move_grid(linear.forward(3, 2, True, 0, (1.0, 0.5, -1.0)))


@SETTINGS
@given(setup=setups())
def test_output_reach_bounds_every_input_in_the_box(setup):
    n_in, n_out, bias, seed, x = setup
    result = linear.forward(n_in, n_out, bias, seed, x)
    weight, b = weights_of(result)
    top = max(abs(v) for v in linear.X_RANGE)
    # The corner of the box that makes |y_j| largest: x_i = top * sign(W[j][i]) (and sign b_j).
    expected = max(
        sum(abs(w) * top for w in row) + (abs(b[j]) if b else 0.0) for j, row in enumerate(weight)
    )
    assert linear.output_reach(result) == pytest.approx(expected, rel=1e-5)
    assert all(abs(v) <= linear.output_reach(result) + 1e-5 for v in result.y.tolist())


@pytest.mark.parametrize(
    ("given", "n_in", "expected"),
    [
        ((0.3,), 3, (0.3, 0.5, -1.0)),
        ((1.0, 2.0, 3.0), 2, (1.0, 2.0)),
        ((), 2, (1.0, 0.5)),
        ((1.0,) * 8, 8, (1.0,) * 8),
    ],
)
def test_fit_x(given, n_in, expected):
    assert linear.fit_x(given, n_in) == expected
    assert linear.default_x(n_in) == linear.DEFAULT_X[:n_in]


def run(code: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return out.getvalue().splitlines()


def test_snippet_with_zero_input_prints_the_bias():
    # x = 0: y = b exactly, so the snippet's y lines are the seeded bias; with no bias, zeros.
    layer = linear.make_layer(3, 2, True, 11)
    lines = run(linear.snippet(3, 2, True, 11, (0.0, 0.0, 0.0)))
    bias = layer.bias.tolist()
    assert lines == [
        "weight.shape = (2, 3)",
        f"y[0] = {num(bias[0])}",
        f"y[1] = {num(bias[1])}",
        "parameters = 8",
    ]
    assert run(linear.snippet(3, 2, False, 11, (0.0, 0.0, 0.0))) == [
        "weight.shape = (2, 3)",
        "y[0] = 0",
        "y[1] = 0",
        "parameters = 6",
    ]


@SETTINGS
@given(setup=setups())
def test_snippet_prints_the_hand_loop(setup):
    n_in, n_out, bias, seed, x = setup
    weight, b = weights_of(linear.forward(n_in, n_out, bias, seed, x))
    lines = run(linear.snippet(n_in, n_out, bias, seed, x))
    assert lines[0] == f"weight.shape = ({n_out}, {n_in})"
    assert lines[-1] == f"parameters = {n_in * n_out + (n_out if bias else 0)}"
    printed = [float(line.split(" = ")[1]) for line in lines[1:-1]]
    assert [line.split(" = ")[0] for line in lines[1:-1]] == [f"y[{j}]" for j in range(n_out)]
    assert printed == pytest.approx(hand_affine(weight, b, x), rel=6e-4, abs=1e-4)  # 4 digits
