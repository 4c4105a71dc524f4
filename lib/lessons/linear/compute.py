"""nn.Linear (notes §5.1): the weight's true shape (out, in), y = x Aᵀ + b, the parameter count,
and, for 2 inputs and 2 outputs, how the layer moves a grid of points in the plane.

The notes write y = Ax + b with x a column. PyTorch stores ``weight`` as (out_features,
in_features) and computes ``y = x @ weight.T + bias`` with x a row (one sample of a batch): the
same numbers, written the other way round. nn.Linear's default init takes no generator, so the
layer is built inside ``seeded_global_rng(seed)``: the same seed gives everyone the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from lib.lessons._format import literal
from lib.lessons._rng import seeded_global_rng

MIN_FEATURES, MAX_FEATURES = 1, 8
X_RANGE = (-3.0, 3.0)
# x_i when the link gives none: the first in_features of these (x = (1, 0.5) for 2 inputs).
DEFAULT_X = (1.0, 0.5, -1.0, 2.0, -0.5, 1.5, 0.0, -2.0)
GRID_LINES = 5  # lines at 0, 0.25, 0.5, 0.75, 1 in each direction of the unit square
GRID_SAMPLES = 5  # points per line (an affine map keeps lines straight; a few show it)


def default_x(n_in: int) -> tuple[float, ...]:
    return DEFAULT_X[:n_in]


def fit_x(x: tuple[float, ...], n_in: int) -> tuple[float, ...]:
    """``x`` with exactly ``n_in`` values: extra values dropped, missing ones from DEFAULT_X."""
    return tuple(x[:n_in]) + DEFAULT_X[len(x) : n_in]


def make_layer(n_in: int, n_out: int, bias: bool, seed: int) -> nn.Linear:
    """nn.Linear with its default init (kaiming-uniform weight, uniform bias, both bounded by
    1/sqrt(in_features)), drawn from torch's global RNG seeded with ``seed``."""
    with seeded_global_rng(seed):
        return nn.Linear(n_in, n_out, bias=bias)


@dataclass(frozen=True)
class Forward:
    layer: nn.Linear
    x: torch.Tensor  # shape (in,): one sample
    y: torch.Tensor  # shape (out,): layer(x)
    parameters: int  # sum(p.numel() for p in layer.parameters())

    @property
    def weight(self) -> torch.Tensor:
        return self.layer.weight.detach()  # shape (out_features, in_features)

    @property
    def bias(self) -> torch.Tensor | None:
        return None if self.layer.bias is None else self.layer.bias.detach()


def forward(n_in: int, n_out: int, bias: bool, seed: int, x: tuple[float, ...]) -> Forward:
    """One call of the seeded layer on the input vector ``x`` (length ``n_in``)."""
    layer = make_layer(n_in, n_out, bias, seed)
    x_t = torch.tensor(x, dtype=torch.float32)
    with torch.no_grad():
        y = layer(x_t)
    return Forward(layer, x_t, y, sum(p.numel() for p in layer.parameters()))


def bound(n_in: int) -> float:
    """The default init's bound for weight and bias: kaiming_uniform_(a=sqrt(5)) gives
    gain sqrt(2 / (1 + 5)) = 1/sqrt(3) and bound sqrt(3) * gain / sqrt(fan_in) = 1/sqrt(fan_in)."""
    return 1.0 / n_in**0.5


def output_reach(result: Forward) -> float:
    """The largest |y_j| any input in the sliders' box can give: sum_i |W[j,i]| * 3 + |b_j|.
    Fixed for given weights, so a chart scaled by it keeps its axes while x moves."""
    reach = result.weight.abs().sum(dim=1) * max(abs(v) for v in X_RANGE)
    if result.bias is not None:
        reach = reach + result.bias.abs()
    return float(reach.max())


@dataclass(frozen=True)
class Notation:
    """The same layer written four ways (x as a row (1, in) or a column (in, 1))."""

    layer: tuple[float, ...]  # layer(x)
    row: tuple[float, ...]  # x @ weight.T + bias: what PyTorch computes
    column: tuple[float, ...]  # weight @ x + bias, x a column: the notes' y = Ax + b
    no_transpose: tuple[float, ...] | None  # x @ weight + bias: runs only when in == out
    error: str | None  # the real error of x @ weight otherwise


def notation(result: Forward) -> Notation:
    w = result.weight
    b = result.bias if result.bias is not None else torch.zeros(w.shape[0])
    x_row = result.x.unsqueeze(0)  # (1, in)
    row = x_row @ w.T + b
    column = w @ x_row.T + b.unsqueeze(1)  # (out, in) @ (in, 1) -> (out, 1)
    try:
        wrong = (x_row @ w + b).flatten()  # forgot the transpose
    except RuntimeError as error:
        wrong, message = None, str(error)
    else:
        message = None
    return Notation(
        layer=tuple(result.y.tolist()),
        row=tuple(row.flatten().tolist()),
        column=tuple(column.flatten().tolist()),
        no_transpose=None if wrong is None else tuple(wrong.tolist()),
        error=message,
    )


def unit_grid(lines: int = GRID_LINES, samples: int = GRID_SAMPLES) -> pd.DataFrame:
    """Points on the lines of a grid over the unit square: ``lines`` vertical and ``lines``
    horizontal lines, ``samples`` points on each. Columns: line (an id), order, x0, x1."""
    ticks = torch.linspace(0.0, 1.0, lines).tolist()
    along = torch.linspace(0.0, 1.0, samples).tolist()
    rows = []
    for fixed in ticks:
        for order, moving in enumerate(along):
            rows.append((f"x0={fixed:g}", order, fixed, moving))  # vertical line: x0 fixed
            rows.append((f"x1={fixed:g}", order, moving, fixed))  # horizontal line: x1 fixed
    return pd.DataFrame(rows, columns=["line", "order", "x0", "x1"])


# The grid never changes: build it (and its tensor) once, not on every slider move.
_GRID = unit_grid()
_GRID_POINTS = torch.tensor(_GRID[["x0", "x1"]].to_numpy(), dtype=torch.float32)


def move_grid(result: Forward) -> pd.DataFrame:
    """The unit grid before and after the layer (2 -> 2 only): columns line, order, stage
    ("before" | "after") and the point's coordinates p0, p1."""
    assert result.weight.shape == (2, 2), "the grid picture is for nn.Linear(2, 2)"
    with torch.no_grad():
        moved = result.layer(_GRID_POINTS)  # a batch of points: shape (N, 2) -> (N, 2)
    n = len(_GRID)
    return pd.DataFrame(
        {
            "line": [*_GRID["line"], *_GRID["line"]],
            "order": [*_GRID["order"], *_GRID["order"]],
            "stage": ["before"] * n + ["after"] * n,
            "p0": [*_GRID["x0"], *moved[:, 0].tolist()],
            "p1": [*_GRID["x1"], *moved[:, 1].tolist()],
        }
    )


def snippet(n_in: int, n_out: int, bias: bool, seed: int, x: tuple[float, ...]) -> str:
    """Prints weight.shape, every y[j] and the parameter count, as the page shows them."""
    values = ", ".join(literal(v) for v in x)
    return f"""\
import torch
from torch import nn

torch.manual_seed({int(seed)})  # the page's seed: the same default init, the same weights
layer = nn.Linear(in_features={n_in}, out_features={n_out}, bias={bias})
x = torch.tensor([{values}])
y = layer(x)  # = x @ layer.weight.T + layer.bias

print(f"weight.shape = {{tuple(layer.weight.shape)}}")
for j, value in enumerate(y.tolist()):
    print(f"y[{{j}}] = {{value + 0.0:.4g}}")
print(f"parameters = {{sum(p.numel() for p in layer.parameters())}}")
"""
