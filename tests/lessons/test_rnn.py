"""nn.RNN / nn.LSTM: every number against a pure-Python loop over the module's own weights.

The hand loop uses math.tanh, 1/(1+exp(-x)) and explicit sums over the weights the lesson exposes
(run.weights), with PyTorch's gate order: the rows of weight_ih_l0 are the blocks [i, f, g, o].
The input is rebuilt here from its closed form (sin, one-hot), not taken from the lesson.
"""

import contextlib
import io
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons._rng import SEED_RANGE
from lib.lessons.rnn import compute as rnn

SETTINGS = settings(deadline=None, max_examples=40)
TOL = 2e-5  # float32 PyTorch against float64 Python


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def hand_tokens(setup: rnn.Setup) -> list[int]:
    return list(setup.tokens) if setup.tokens else list(range(setup.input_size))


def hand_input(setup: rnn.Setup) -> list[list[list[float]]]:
    """x[t][b][k] by its closed form, in (seq_len, batch, input_size) order."""
    n = setup.input_size
    if setup.kind == "onehot":
        cycle = hand_tokens(setup)
        return [
            [
                [1.0 if k == cycle[(t + b) % len(cycle)] else 0.0 for k in range(n)]
                for b in range(setup.batch)
            ]
            for t in range(setup.steps)
        ]
    return [
        [
            [math.sin(2 * math.pi * setup.freq * (t + b) + math.pi * k / n) for k in range(n)]
            for b in range(setup.batch)
        ]
        for t in range(setup.steps)
    ]


def hand_loop(setup: rnn.Setup, weights: dict) -> dict:
    """The recurrence in plain Python. Returns per step t and sequence b: the pre-activation,
    the gates (LSTM), c_t (LSTM) and h_t, all as nested lists [t][b][...]."""
    w_ih = weights["weight_ih_l0"].tolist()
    w_hh = weights["weight_hh_l0"].tolist()
    b_ih = weights["bias_ih_l0"].tolist()
    b_hh = weights["bias_hh_l0"].tolist()
    hidden = setup.hidden
    rows = len(w_ih)
    lstm = setup.cell == "lstm"
    assert rows == (4 if lstm else 1) * hidden
    xs = hand_input(setup)
    out = {"pre": [], "h": [], "c": [], "i": [], "f": [], "g": [], "o": []}
    h = [[0.0] * hidden for _ in range(setup.batch)]
    c = [[0.0] * hidden for _ in range(setup.batch)]
    for t in range(setup.steps):
        step = {key: [] for key in out}
        for b in range(setup.batch):
            x = xs[t][b]
            pre = [
                sum(w_ih[r][k] * x[k] for k in range(len(x)))
                + b_ih[r]
                + sum(w_hh[r][m] * h[b][m] for m in range(hidden))
                + b_hh[r]
                for r in range(rows)
            ]
            step["pre"].append(pre)
            if lstm:
                i = [sigmoid(pre[j]) for j in range(hidden)]
                f = [sigmoid(pre[hidden + j]) for j in range(hidden)]
                g = [math.tanh(pre[2 * hidden + j]) for j in range(hidden)]
                o = [sigmoid(pre[3 * hidden + j]) for j in range(hidden)]
                c[b] = [f[j] * c[b][j] + i[j] * g[j] for j in range(hidden)]
                h[b] = [o[j] * math.tanh(c[b][j]) for j in range(hidden)]
                for name, values in zip("ifgo", (i, f, g, o), strict=True):
                    step[name].append(values)
                step["c"].append(list(c[b]))
            else:
                h[b] = [math.tanh(pre[j]) for j in range(hidden)]
            step["h"].append(list(h[b]))
        for key, values in step.items():
            out[key].append(values)
    return out


def flat(nested) -> list[float]:
    if isinstance(nested, torch.Tensor):
        nested = nested.tolist()
    if isinstance(nested, list) and nested and isinstance(nested[0], list):
        return [v for item in nested for v in flat(item)]
    return list(nested)


@st.composite
def setups(draw, cell=None):
    kind = draw(st.sampled_from(rnn.KINDS))
    input_size = draw(st.integers(1, rnn.MAX_INPUT))
    tokens = ()
    if kind == "onehot" and draw(st.booleans()):
        tokens = tuple(draw(st.lists(st.integers(0, input_size - 1), min_size=1, max_size=6)))
    return rnn.Setup(
        cell=cell or draw(st.sampled_from(rnn.CELLS)),
        kind=kind,
        input_size=input_size,
        hidden=draw(st.integers(1, 6)),
        steps=draw(st.integers(1, 12)),
        batch=draw(st.integers(1, 3)),
        seed=draw(st.integers(*SEED_RANGE)),
        freq=draw(st.floats(*rnn.FREQ_RANGE)),
        tokens=tokens,
        batch_first=draw(st.booleans()),
    )


# --- the input -----------------------------------------------------------------------------


@SETTINGS
@given(setup=setups())
def test_input_is_the_closed_form(setup):
    x = rnn.make_input(setup)
    assert tuple(x.shape) == (setup.steps, setup.batch, setup.input_size)
    assert flat(x) == pytest.approx(flat(hand_input(setup)), abs=1e-5)


def test_default_tokens_count_through_the_vocabulary():
    setup = rnn.Setup(kind="onehot", input_size=3, steps=7, batch=2)
    assert setup.token_cycle == (0, 1, 2)
    assert rnn.token_ids(setup) == [[0, 1], [1, 2], [2, 0], [0, 1], [1, 2], [2, 0], [0, 1]]


def test_two_sine_features_are_sin_and_cos():
    setup = rnn.Setup(input_size=2, steps=9, freq=0.1)
    x = rnn.make_input(setup)[:, 0].tolist()
    for t, (first, second) in enumerate(x):
        assert first == pytest.approx(math.sin(2 * math.pi * 0.1 * t), abs=1e-6)
        assert second == pytest.approx(math.cos(2 * math.pi * 0.1 * t), abs=1e-6)


# --- the recurrence against the hand loop --------------------------------------------------


@SETTINGS
@given(setup=setups(cell="rnn"))
def test_rnn_every_step_matches_the_hand_loop(setup):
    run = rnn.run(setup)
    hand = hand_loop(setup, run.weights)
    assert flat(run.output) == pytest.approx(flat(hand["h"]), abs=TOL)
    assert flat(run.pre) == pytest.approx(flat(hand["pre"]), abs=TOL)
    # The four terms add up to the pre-activation, term by term as the formula shows them.
    w = run.weights
    total = run.input_term + w["bias_ih_l0"] + run.hidden_term + w["bias_hh_l0"]
    assert flat(total) == pytest.approx(flat(hand["pre"]), abs=TOL)
    assert run.c_n is None and run.cells is None and run.gates == {}


@SETTINGS
@given(setup=setups(cell="lstm"))
def test_lstm_gates_cells_and_hidden_match_the_hand_loop(setup):
    run = rnn.run(setup)
    hand = hand_loop(setup, run.weights)
    assert flat(run.output) == pytest.approx(flat(hand["h"]), abs=TOL)
    assert flat(run.cells) == pytest.approx(flat(hand["c"]), abs=TOL)
    for gate in rnn.GATES:
        assert flat(run.gates[gate]) == pytest.approx(flat(hand[gate]), abs=TOL), gate
    assert flat(run.c_n[0]) == pytest.approx(flat(hand["c"][-1]), abs=TOL)
    # c_{t-1} is zero before the first step, then the previous step's c.
    assert flat(run.c_prev[0]) == [0.0] * (setup.batch * setup.hidden)
    if setup.steps > 1:
        assert flat(run.c_prev[1:]) == pytest.approx(flat(hand["c"][:-1]), abs=TOL)


@SETTINGS
@given(setup=setups())
def test_h_n_is_the_last_output_row(setup):
    run = rnn.run(setup)
    hand = hand_loop(setup, run.weights)
    assert tuple(run.h_n.shape) == (1, setup.batch, setup.hidden)
    assert run.h_n[0].tolist() == run.output[-1].tolist()
    assert flat(run.h_n) == pytest.approx(flat(hand["h"][-1]), abs=TOL)


@SETTINGS
@given(setup=setups(cell="lstm"))
def test_gates_lie_in_their_ranges_and_c_grows_at_most_one_a_step(setup):
    run = rnn.run(setup)
    for gate in rnn.SIGMOID_GATES:
        assert all(0.0 <= v <= 1.0 for v in flat(run.gates[gate]))
    assert all(-1.0 <= v <= 1.0 for v in flat(run.gates["g"]) + flat(run.output))
    # |c_t| <= |c_{t-1}| + |i g| <= t + 1 (with c_{-1} = 0): the cell state is not squashed.
    for t, row in enumerate(run.cells.tolist()):
        assert all(abs(v) <= t + 1 + 1e-6 for v in flat(row))


def test_lstm_gate_blocks_are_in_pytorch_order():
    """Make one block's bias huge and see which gate saturates: rows [H:2H] are f, etc."""
    setup = rnn.Setup(cell="lstm", hidden=3, steps=2)
    run = rnn.run(setup)
    h = setup.hidden
    hand_default = hand_loop(setup, run.weights)
    for block, gate in enumerate(rnn.GATES):
        weights = {name: tensor.clone() for name, tensor in run.weights.items()}
        weights["bias_ih_l0"][block * h : (block + 1) * h] += 50.0
        hand = hand_loop(setup, weights)
        assert all(v == pytest.approx(1.0) for v in flat(hand[gate]))
        others = [g for g in rnn.GATES if g != gate]
        assert flat(hand[others[0]][0]) == pytest.approx(flat(hand_default[others[0]][0]))


# --- parameters, layouts, seeds ------------------------------------------------------------


@pytest.mark.parametrize("cell", rnn.CELLS)
@pytest.mark.parametrize(("i", "h"), [(1, 1), (1, 4), (3, 5), (8, 16)])
def test_parameter_count_matches_the_formula(cell, i, h):
    gates = 4 if cell == "lstm" else 1
    expected = gates * (h * (i + h) + 2 * h)
    run = rnn.run(rnn.Setup(cell=cell, input_size=i, hidden=h, steps=2))
    assert run.param_count == expected
    assert rnn.param_formula(cell, i, h) == expected
    assert run.param_shapes == [
        ("weight_ih_l0", (gates * h, i), gates * h * i),
        ("weight_hh_l0", (gates * h, h), gates * h * h),
        ("bias_ih_l0", (gates * h,), gates * h),
        ("bias_hh_l0", (gates * h,), gates * h),
    ]


def test_parameter_counts_by_hand():
    assert rnn.param_formula("rnn", 1, 4) == 28  # 4·(1 + 4) + 2·4
    assert rnn.param_formula("lstm", 1, 4) == 112  # 4 · 28


@SETTINGS
@given(setup=setups())
def test_batch_first_output_is_the_transpose_of_the_default(setup):
    result = rnn.layouts(setup)
    t, b, i, h = setup.steps, setup.batch, setup.input_size, setup.hidden
    default, first = result.rows
    assert (default.batch_first, first.batch_first) == (False, True)
    assert (default.x_shape, default.output_shape) == ((t, b, i), (t, b, h))
    assert (first.x_shape, first.output_shape) == ((b, t, i), (b, t, h))
    assert default.h_n_shape == first.h_n_shape == (1, b, h)  # never batch first
    lstm = setup.cell == "lstm"
    assert default.c_n_shape == first.c_n_shape == ((1, b, h) if lstm else None)
    assert result.output_is_transpose and result.h_n_equal

    # The run itself: same numbers whichever layout the module was asked for.
    ours = rnn.run(setup)
    assert ours.raw_output_shape == (first.output_shape if setup.batch_first else (t, b, h))
    hand = hand_loop(setup, ours.weights)
    assert flat(ours.output) == pytest.approx(flat(hand["h"]), abs=TOL)


def test_batch_first_output_transposed_by_hand():
    base = rnn.Setup(cell="lstm", input_size=2, hidden=3, steps=5, batch=3, seed=4)
    seq_first = rnn.run(base)
    batch_first = rnn.run(rnn.Setup(**{**base.__dict__, "batch_first": True}))
    assert seq_first.raw_output_shape == (5, 3, 3)
    assert batch_first.raw_output_shape == (3, 5, 3)
    rows = seq_first.output.tolist()
    transposed = [[rows[t][b] for t in range(5)] for b in range(3)]
    assert batch_first.output.transpose(0, 1).tolist() == transposed


@SETTINGS
@given(seed=st.integers(*SEED_RANGE), other=st.integers(*SEED_RANGE))
def test_same_seed_same_weights(seed, other):
    setup = rnn.Setup(cell="lstm", input_size=2, hidden=3, seed=seed)
    first = rnn.run(setup).weights
    rnn.run(rnn.Setup(cell="lstm", input_size=2, hidden=3, seed=other))  # another visitor
    torch.rand(5)  # someone using the global RNG unseeded
    again = rnn.run(setup).weights
    assert all(torch.equal(first[name], again[name]) for name in rnn.PARAM_NAMES)


def test_different_seeds_give_different_weights():
    weights = {
        tuple(rnn.run(rnn.Setup(seed=seed)).weights["weight_hh_l0"].flatten().tolist())
        for seed in range(4)
    }
    assert len(weights) == 4


@pytest.mark.parametrize("cell", rnn.CELLS)
def test_weights_follow_the_default_init_bound(cell):
    """PyTorch's init draws every parameter from U(-1/sqrt(H), 1/sqrt(H))."""
    setup = rnn.Setup(cell=cell, input_size=3, hidden=9)
    bound = 1 / math.sqrt(9)
    for tensor in rnn.run(setup).weights.values():
        assert all(-bound <= v <= bound for v in flat(tensor))


def test_build_leaves_the_global_rng_alone():
    torch.manual_seed(99)
    expected = torch.rand(8)
    torch.manual_seed(99)
    rnn.run(rnn.Setup(cell="lstm", seed=3))
    rnn.layouts(rnn.Setup(seed=3))
    assert torch.equal(torch.rand(8), expected)


@pytest.mark.parametrize("cell", rnn.CELLS)
def test_batch_first_h0_slip(cell):
    assert rnn.batch_first_h0_error(rnn.Setup(cell=cell, batch=1)) is None
    message = rnn.batch_first_h0_error(rnn.Setup(cell=cell, batch=3, hidden=5))
    assert message is not None
    assert "(1, 3, 5)" in message and "[3, 1, 5]" in message


# --- the snippet ---------------------------------------------------------------------------


def exec_snippet(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return dict(line.split(" = ", 1) for line in out.getvalue().splitlines())


def parse_vector(text: str) -> list[float]:
    assert text.startswith("[") and text.endswith("]")
    return [float(v) for v in text[1:-1].split(", ")]


@pytest.mark.parametrize(
    "setup",
    [
        rnn.Setup(),
        rnn.Setup(cell="lstm", input_size=3, hidden=5, steps=7, batch=2, seed=11, freq=0.3),
        rnn.Setup(cell="lstm", kind="onehot", input_size=4, tokens=(3, 1, 1), batch_first=True),
        rnn.Setup(kind="onehot", input_size=2, hidden=2, steps=1, batch=4, batch_first=True),
    ],
    ids=["default", "lstm-sine", "lstm-onehot-bf", "rnn-one-step"],
)
def test_snippet_prints_the_hand_loop_values(setup):
    printed = exec_snippet(rnn.snippet(setup))
    gates = 4 if setup.cell == "lstm" else 1
    h, i, t, b = setup.hidden, setup.input_size, setup.steps, setup.batch
    assert printed["parameters"] == str(gates * (h * (i + h) + 2 * h))
    assert printed["output.shape"] == str((b, t, h) if setup.batch_first else (t, b, h))
    assert printed["h_n.shape"] == str((1, b, h))
    hand = hand_loop(setup, rnn.run(setup).weights)
    for seq in range(b):
        assert parse_vector(printed[f"h_n[0, {seq}]"]) == pytest.approx(
            hand["h"][-1][seq], abs=1e-4
        )
        if setup.cell == "lstm":
            assert parse_vector(printed[f"c_n[0, {seq}]"]) == pytest.approx(
                hand["c"][-1][seq], abs=1e-4
            )
    expected_lines = 3 + b * (2 if setup.cell == "lstm" else 1)
    assert len(printed) == expected_lines


def test_snippet_prints_what_the_lesson_formats():
    setup = rnn.Setup(cell="lstm", input_size=2, hidden=3, batch=2, seed=5)
    run = rnn.run(setup)
    printed = exec_snippet(rnn.snippet(setup))
    for seq in range(2):
        assert printed[f"h_n[0, {seq}]"] == rnn.vector(run.h_n[0, seq])
        assert printed[f"c_n[0, {seq}]"] == rnn.vector(run.c_n[0, seq])
