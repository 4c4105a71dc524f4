"""nn.RNN and nn.LSTM (notes §5.7, whose RNN chapter is not included): one layer, step by step.

The module is built inside ``seeded_global_rng(seed)`` (its default init draws from torch's global
RNG and takes no generator), so the same seed gives everyone the same weights. Everything the page
shows comes from that module: the outputs and h_n/c_n from one call on the whole sequence, each
step's cell state c_t from calling the LSTM one step at a time, and the gates from the module's
own weights (PyTorch does not return them). Gate order in the stacked weights is i, f, g, o.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from lib.lessons._format import literal, num
from lib.lessons._rng import seeded_global_rng

CELLS = ("rnn", "lstm")
KINDS = ("sine", "onehot")
GATES = ("i", "f", "g", "o")  # the order of the row blocks of weight_ih_l0 in nn.LSTM
SIGMOID_GATES = ("i", "f", "o")  # g goes through tanh
MAX_INPUT, MAX_HIDDEN, MAX_STEPS, MAX_BATCH = 8, 16, 40, 4
FREQ_RANGE = (0.0, 0.5)  # cycles per step: 0.5 is the fastest a sampled sine can go
PARAM_NAMES = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


@dataclass(frozen=True)
class Setup:
    cell: str = "rnn"
    kind: str = "sine"
    input_size: int = 1
    hidden: int = 4
    steps: int = 16
    batch: int = 1
    seed: int = 0
    freq: float = 0.125
    tokens: tuple[int, ...] = ()  # one-hot ids; empty means 0, 1, ..., input_size - 1
    batch_first: bool = False

    @property
    def gate_count(self) -> int:
        return 4 if self.cell == "lstm" else 1

    @property
    def token_cycle(self) -> tuple[int, ...]:
        return self.tokens or tuple(range(self.input_size))


def token_ids(setup: Setup) -> list[list[int]]:
    """The token at (step t, sequence b): the pattern repeated, sequence b starting b tokens on."""
    cycle = setup.token_cycle
    return [[cycle[(t + b) % len(cycle)] for b in range(setup.batch)] for t in range(setup.steps)]


def make_input(setup: Setup) -> torch.Tensor:
    """The input in PyTorch's default layout (seq_len, batch, input_size).

    sine: x[t, b, k] = sin(2π·freq·(t + b) + π·k / input_size): sequence b is the wave b steps
    ahead, and feature k the same wave shifted by k·π/input_size (2 features: sin and cos).
    onehot: x[t, b] = one_hot(token), vocabulary size = input_size.
    The snippet builds x with the very same operations, so the numbers agree to the last bit.
    """
    if setup.kind == "onehot":
        ids = torch.tensor(token_ids(setup))
        return F.one_hot(ids, num_classes=setup.input_size).float()
    t = torch.arange(setup.steps, dtype=torch.float32)[:, None, None]
    b = torch.arange(setup.batch, dtype=torch.float32)[None, :, None]
    k = torch.arange(setup.input_size, dtype=torch.float32)[None, None, :]
    return torch.sin(2 * math.pi * setup.freq * (t + b) + math.pi * k / setup.input_size)


def build(setup: Setup, batch_first: bool | None = None) -> nn.RNN | nn.LSTM:
    """The module with its default init, drawn from the global RNG seeded with ``setup.seed``
    (exactly what ``torch.manual_seed(seed); nn.RNN(...)`` gives)."""
    layer = nn.LSTM if setup.cell == "lstm" else nn.RNN
    bf = setup.batch_first if batch_first is None else batch_first
    with seeded_global_rng(setup.seed):
        return layer(setup.input_size, setup.hidden, batch_first=bf)


def param_formula(cell: str, input_size: int, hidden: int) -> int:
    """gates · (hidden·(input + hidden) + 2·hidden): two weight matrices and two bias vectors."""
    gates = 4 if cell == "lstm" else 1
    return gates * (hidden * (input_size + hidden) + 2 * hidden)


@dataclass(frozen=True)
class Run:
    """One run over the whole sequence. Tensors over time are in (seq_len, batch, ...) layout
    whatever ``batch_first`` is (the page and the tests index them by step first)."""

    x: torch.Tensor  # (T, B, I)
    output: torch.Tensor  # (T, B, H): h_t for every step, from module(x)
    h_n: torch.Tensor  # (1, B, H), as the module returned it
    c_n: torch.Tensor | None  # (1, B, H), LSTM only
    raw_output_shape: tuple[int, ...]  # output.shape as returned (batch first or not)
    weights: dict[str, torch.Tensor]  # PARAM_NAMES -> the module's tensors
    param_count: int  # sum(p.numel() for p in module.parameters())
    param_shapes: list[tuple[str, tuple[int, ...], int]]  # name, shape, numel
    # Per step, from the module's weights: the four terms of the pre-activation.
    input_term: torch.Tensor  # (T, B, G·H): W_ih x_t
    hidden_term: torch.Tensor  # (T, B, G·H): W_hh h_{t-1}
    pre: torch.Tensor  # (T, B, G·H): W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_prev: torch.Tensor  # (T, B, H): h_{t-1}, zeros before the first step
    gates: dict[str, torch.Tensor] = field(default_factory=dict)  # LSTM: i, f, g, o (T, B, H)
    cells: torch.Tensor | None = None  # LSTM: c_t for every step (T, B, H), step-by-step calls
    c_prev: torch.Tensor | None = None  # LSTM: c_{t-1}

    @property
    def h_n_is_last_output(self) -> bool:
        """h_n is the output at the last step (for a one-layer, one-direction module)."""
        return torch.equal(self.output[-1], self.h_n[0])


def run(setup: Setup) -> Run:
    module = build(setup)
    x = make_input(setup)
    fed = x.transpose(0, 1) if setup.batch_first else x
    with torch.no_grad():
        out, state = module(fed)
        h_n, c_n = state if setup.cell == "lstm" else (state, None)
        output = out.transpose(0, 1) if setup.batch_first else out
        weights = {name: getattr(module, name).detach() for name in PARAM_NAMES}
        h_prev = torch.cat([torch.zeros_like(output[:1]), output[:-1]])
        input_term = x @ weights["weight_ih_l0"].T
        hidden_term = h_prev @ weights["weight_hh_l0"].T
        pre = input_term + weights["bias_ih_l0"] + hidden_term + weights["bias_hh_l0"]
        extra = {}
        if setup.cell == "lstm":
            blocks = dict(zip(GATES, pre.chunk(4, dim=-1), strict=True))
            extra["gates"] = {
                name: (torch.tanh(a) if name == "g" else torch.sigmoid(a))
                for name, a in blocks.items()
            }
            extra["cells"] = _cells_step_by_step(module, fed, setup.batch_first)
            extra["c_prev"] = torch.cat([torch.zeros_like(output[:1]), extra["cells"][:-1]])
    return Run(
        x=x,
        output=output,
        h_n=h_n,
        c_n=c_n,
        raw_output_shape=tuple(out.shape),
        weights=weights,
        param_count=sum(p.numel() for p in module.parameters()),
        param_shapes=[(n, tuple(p.shape), p.numel()) for n, p in module.named_parameters()],
        input_term=input_term,
        hidden_term=hidden_term,
        pre=pre,
        h_prev=h_prev,
        **extra,
    )


def _cells_step_by_step(module: nn.LSTM, fed: torch.Tensor, batch_first: bool) -> torch.Tensor:
    """nn.LSTM returns only the last cell state: call it one step at a time, carrying (h, c),
    to get c_t for every step from PyTorch itself."""
    time_dim = 1 if batch_first else 0
    state = None
    cells = []
    for x_t in fed.split(1, dim=time_dim):
        _, state = module(x_t, state)
        cells.append(state[1][0])  # (B, H)
    return torch.stack(cells)


@dataclass(frozen=True)
class LayoutRow:
    batch_first: bool
    x_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    h_n_shape: tuple[int, ...]
    c_n_shape: tuple[int, ...] | None


@dataclass(frozen=True)
class Layouts:
    rows: tuple[LayoutRow, LayoutRow]  # batch_first=False, then True
    output_is_transpose: bool  # torch.equal(out_bf, out.transpose(0, 1))
    h_n_equal: bool  # h_n is the same tensor either way: it is never batch first


def layouts(setup: Setup) -> Layouts:
    """Run the same weights in both layouts and compare (real shapes, real outputs)."""
    x = make_input(setup)
    rows, outs, finals = [], [], []
    for bf in (False, True):
        module = build(setup, batch_first=bf)
        fed = x.transpose(0, 1) if bf else x
        with torch.no_grad():
            out, state = module(fed)
        h_n, c_n = state if setup.cell == "lstm" else (state, None)
        rows.append(
            LayoutRow(
                bf,
                tuple(fed.shape),
                tuple(out.shape),
                tuple(h_n.shape),
                None if c_n is None else tuple(c_n.shape),
            )
        )
        outs.append(out)
        finals.append(h_n)
    return Layouts(
        rows=(rows[0], rows[1]),
        output_is_transpose=torch.equal(outs[1], outs[0].transpose(0, 1)),
        h_n_equal=torch.equal(finals[0], finals[1]),
    )


def batch_first_h0_error(setup: Setup) -> str | None:
    """The classic slip: with batch_first=True, passing h0 as (batch, num_layers, hidden).
    h0 is always (num_layers, batch, hidden). Returns PyTorch's message, or None when the call
    goes through (batch = 1: both shapes are the same, so the slip hides)."""
    module = build(setup, batch_first=True)
    x = make_input(setup).transpose(0, 1)
    h0 = torch.zeros(setup.batch, 1, setup.hidden)
    state = (h0, torch.zeros_like(h0)) if setup.cell == "lstm" else h0
    try:
        with torch.no_grad():
            module(x, state)
    except RuntimeError as error:
        return str(error)
    return None


def vector(values: torch.Tensor) -> str:
    """A 1-D tensor as the page and the snippet print it."""
    return "[" + ", ".join(num(v) for v in values.tolist()) + "]"


def shape_text(shape: tuple[int, ...]) -> str:
    return str(tuple(int(d) for d in shape))


def snippet(setup: Setup) -> str:
    """Builds the module with torch.manual_seed(seed), runs the page's input, and prints the
    parameter count, the shapes, and h_n (and c_n) for every sequence, as the page shows them."""
    layer = "nn.LSTM" if setup.cell == "lstm" else "nn.RNN"
    name = setup.cell
    dims = (
        f"T, B, I, H = {setup.steps}, {setup.batch}, {setup.input_size}, {setup.hidden}"
        "  # seq_len, batch, input_size, hidden_size"
    )
    if setup.kind == "onehot":
        make_x = f"""\
tokens = {list(setup.token_cycle)}  # repeated to fill the steps; sequence b starts b tokens on
ids = torch.tensor([[tokens[(t + b) % len(tokens)] for b in range(B)] for t in range(T)])
x = F.one_hot(ids, num_classes=I).float()  # (seq_len, batch, input_size)"""
    else:
        make_x = f"""\
t = torch.arange(T, dtype=torch.float32)[:, None, None]
b = torch.arange(B, dtype=torch.float32)[None, :, None]
k = torch.arange(I, dtype=torch.float32)[None, None, :]
x = torch.sin(2 * math.pi * {literal(setup.freq)} * (t + b) + math.pi * k / I)  # (T, B, I)"""
    if setup.batch_first:
        build_line = f"{name} = {layer}(I, H, batch_first=True)"
        feed = "x = x.transpose(0, 1)  # batch_first=True: (batch, seq_len, input_size)\n"
    else:
        build_line = f"{name} = {layer}(I, H)  # batch_first=False: x is (seq_len, batch, input)"
        feed = ""
    if setup.cell == "lstm":
        call = f"output, (h_n, c_n) = {name}(x)"
        prints_c = '    print(f"c_n[0, {b}] = {fmt(c_n[0, b])}")\n'
    else:
        call = f"output, h_n = {name}(x)"
        prints_c = ""
    return f"""\
import math

import torch
import torch.nn.functional as F
from torch import nn

{dims}
{make_x}

torch.manual_seed({int(setup.seed)})
{build_line}
{feed}{call}

fmt = lambda v: "[" + ", ".join(f"{{e + 0.0:.4g}}" for e in v.tolist()) + "]"
print(f"parameters = {{sum(p.numel() for p in {name}.parameters())}}")
print(f"output.shape = {{tuple(output.shape)}}")
print(f"h_n.shape = {{tuple(h_n.shape)}}")
for b in range(B):
    print(f"h_n[0, {{b}}] = {{fmt(h_n[0, b])}}")
{prints_c}"""
