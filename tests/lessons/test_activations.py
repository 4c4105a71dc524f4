"""Activation functions: autograd's values and slopes against the closed forms (math module)."""

import contextlib
import io
import math
import struct

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lib.lessons._format import num
from lib.lessons.activations import compute as activations

SETTINGS = settings(deadline=None, max_examples=60)


def f32(x: float) -> float:
    """x rounded to float32, the value PyTorch actually works on."""
    return struct.unpack("f", struct.pack("f", x))[0]


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def phi(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def closed_form(name: str, x: float, beta: float = 1.0, threshold: float = 20.0):
    """(f(x), f'(x)) by hand. At x = 0 the piecewise ones take PyTorch's choice."""
    if name == "relu":
        return max(0.0, x), (1.0 if x > 0 else 0.0)
    if name == "sigmoid":
        s = sigmoid(x)
        return s, s * (1.0 - s)
    if name == "tanh":
        th = math.tanh(x)
        return th, 1.0 - th * th
    if name == "softplus":
        if beta * x > threshold:
            return x, 1.0
        return math.log1p(math.exp(beta * x)) / beta, sigmoid(beta * x)
    if name == "leaky_relu":
        return (x, 1.0) if x > 0 else (0.01 * x, 0.01)
    if name == "elu":  # alpha = 1
        return (x, 1.0) if x > 0 else (math.expm1(x), math.exp(x))
    if name == "gelu":
        return x * phi(x), phi(x) + x * normal_pdf(x)
    if name == "silu":
        s = sigmoid(x)
        return x * s, s * (1.0 + x * (1.0 - s))
    raise AssertionError(name)


def approx(value):
    # float32 tolerances. abs: gelu computes x/2 * (1 + erf(x/sqrt 2)) in float32, and for
    # x near -3.5 the sum 1 + erf cancels to ~1e-3, leaving ~1e-6 of absolute rounding error.
    return pytest.approx(value, rel=1e-5, abs=2e-6)


def linspace(lo: float, hi: float, n: int) -> list[float]:
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


xs_strategy = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)
betas = st.floats(min_value=0.5, max_value=5.0)
thresholds = st.floats(min_value=1.0, max_value=20.0)


def away_from_threshold(x: float, beta: float, threshold: float) -> bool:
    """softplus switches branch at beta*x = threshold; float32 may land on either side there."""
    return abs(beta * x - threshold) > 1e-3


def test_names_are_the_eight_functions():
    assert set(activations.NAMES) == {
        "relu",
        "sigmoid",
        "tanh",
        "softplus",
        "leaky_relu",
        "elu",
        "gelu",
        "silu",
    }
    assert set(activations.FORMULAS) == set(activations.NAMES)


@SETTINGS
@given(
    lo=st.floats(min_value=-10.0, max_value=-0.1),
    hi=st.floats(min_value=0.1, max_value=10.0),
    beta=betas,
    threshold=thresholds,
    names=st.lists(st.sampled_from(activations.NAMES), min_size=1, max_size=8, unique=True),
)
def test_curves_match_closed_forms(lo, hi, beta, threshold, names):
    table = activations.curves(tuple(names), lo, hi, beta, threshold)
    n = activations.N_POINTS
    assert n == 200
    assert list(table.columns) == ["fn", "x", "y", "dy", "piece"]
    assert len(table) == n * len(names)
    grid = linspace(lo, hi, n)
    for k, name in enumerate(names):
        part = table.iloc[k * n : (k + 1) * n]
        assert (part["fn"] == name).all()
        for i, row in enumerate(part.itertuples()):
            assert row.x == pytest.approx(grid[i], rel=1e-5, abs=1e-5)
            if name == "softplus" and not away_from_threshold(row.x, beta, threshold):
                continue
            value, slope = closed_form(name, row.x, beta, threshold)  # row.x is the float32 x
            assert row.y == approx(value), (name, row.x)
            assert row.dy == approx(slope), (name, row.x)
            # The slope's line is broken where the derivative jumps: ReLU's at 0 only.
            jumps = name in ("relu", "leaky_relu")
            assert row.piece == (1 if jumps and row.x > 0 else 0), (name, row.x)


@SETTINGS
@given(x=xs_strategy, beta=betas, threshold=thresholds)
def test_probe_matches_closed_forms(x, beta, threshold):
    x32 = f32(x)
    assume(away_from_threshold(x32, beta, threshold))
    probes = activations.probe(activations.NAMES, x, beta, threshold)
    assert [p.fn for p in probes] == list(activations.NAMES)
    for p in probes:
        value, slope = closed_form(p.fn, x32, beta, threshold)
        assert p.value == approx(value), p.fn
        assert p.slope == approx(slope), p.fn


def test_slopes_at_zero_by_hand():
    # relu'(0) = 0 (PyTorch's choice), leaky_relu'(0) = 0.01, elu'(0) = e^0 = 1,
    # sigmoid'(0) = 1/2 * 1/2, tanh'(0) = 1 - 0^2, gelu'(0) = Phi(0) = 1/2, silu'(0) = sigma(0),
    # softplus'(0) = sigma(0) = 1/2.
    expected = {
        "relu": 0.0,
        "leaky_relu": 0.01,
        "elu": 1.0,
        "sigmoid": 0.25,
        "tanh": 1.0,
        "gelu": 0.5,
        "silu": 0.5,
        "softplus": 0.5,
    }
    slopes = {p.fn: p.slope for p in activations.probe(tuple(expected), 0.0)}
    assert slopes == pytest.approx(expected, abs=1e-7)


def test_softplus_threshold_switches_to_identity():
    # beta = 2, threshold = 4: at x = 3, beta*x = 6 > 4, so softplus returns x = 3 with slope 1;
    # at x = 1, beta*x = 2 <= 4: log(1 + e^2) / 2 with slope sigmoid(2).
    above, below = (activations.probe(("softplus",), x, 2.0, 4.0)[0] for x in (3.0, 1.0))
    assert (above.value, above.slope) == (3.0, 1.0)
    assert below.value == approx(math.log1p(math.exp(2.0)) / 2.0)
    assert below.slope == approx(1.0 / (1.0 + math.exp(-2.0)))


def closed_form_vanishing_share(name: str, lo: float, hi: float) -> float:
    slopes = [closed_form(name, x)[1] for x in linspace(lo, hi, 200)]
    return sum(abs(s) < activations.VANISH for s in slopes) / len(slopes)


def test_vanishing_share_sigmoid_on_the_notes_range():
    shares = activations.vanishing_share(("sigmoid",), -5.0, 5.0)
    expected = closed_form_vanishing_share("sigmoid", -5.0, 5.0)
    assert shares == {"sigmoid": pytest.approx(expected, abs=1e-12)}
    # sigmoid'(x) < 0.01 for |x| > 4.595..., so only the outer ends vanish: a small share.
    assert 0.0 < expected < 0.2


@pytest.mark.parametrize("lo, hi", [(-5.0, 5.0), (-20.0, 20.0), (-3.0, 17.0)])
def test_vanishing_share_all_functions(lo, hi):
    shares = activations.vanishing_share(activations.NAMES, lo, hi)
    assert list(shares) == list(activations.NAMES)
    for name in activations.NAMES:
        assert shares[name] == pytest.approx(closed_form_vanishing_share(name, lo, hi)), name


def test_vanishing_share_relu_is_the_non_positive_half():
    # linspace(-5, 5, 200) is symmetric with no point at 0: 100 points below 0, slope 0 there.
    assert activations.vanishing_share(("relu",), -5.0, 5.0) == {"relu": 0.5}


VALUES = (-2.0, -0.5, 0.0, 1.5)
RELU_VALUES = [max(0.0, v) for v in VALUES]


def test_inplace_true_overwrites_the_input():
    demo = activations.inplace_demo(True, VALUES)
    assert demo.before == list(VALUES)
    assert demo.output == RELU_VALUES
    assert demo.input_after == demo.output
    assert demo.same_object is True


def test_inplace_false_leaves_the_input():
    demo = activations.inplace_demo(False, VALUES)
    assert demo.before == list(VALUES)
    assert demo.output == RELU_VALUES
    assert demo.input_after == list(VALUES)
    assert demo.same_object is False


@pytest.mark.parametrize("lo, hi", [(-5.0, 5.0), (-20.0, 20.0), (0.5, 3.0)])
def test_module_equals_functional(lo, hi):
    assert activations.module_equals_functional(lo, hi) is True


def test_snippet_prints_hand_values():
    # At x = 0: relu(0) = 0 with slope 0; sigmoid(0) = 1/2 with slope 1/4;
    # softplus with beta = 2: log(2)/2 with slope sigmoid(0) = 1/2.
    code = activations.snippet(("relu", "sigmoid", "softplus"), 0.0, 2.0, 20.0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    assert out.getvalue().splitlines() == [
        "relu: f(x) = 0, f'(x) = 0",
        "sigmoid: f(x) = 0.5, f'(x) = 0.25",
        f"softplus: f(x) = {num(math.log(2) / 2)}, f'(x) = 0.5",
    ]
