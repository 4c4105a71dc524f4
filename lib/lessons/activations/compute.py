"""Activation functions (notes §3 and §5.3): curves, their derivatives by autograd, a probe point.

Derivatives come from ``backward()`` on the real modules, never from hand-written formulas; the
tests compare them with the closed forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from lib.lessons._format import literal, num
from lib.lessons._grid import slider_grid

# Name -> how to build the module. The notes' four first, then the common modern ones.
# ``softplus`` takes the page's beta/threshold; the rest use PyTorch's defaults.
MODULES: dict[str, Callable[[float, float], nn.Module]] = {
    "relu": lambda beta, threshold: nn.ReLU(),
    "sigmoid": lambda beta, threshold: nn.Sigmoid(),
    "tanh": lambda beta, threshold: nn.Tanh(),
    "softplus": lambda beta, threshold: nn.Softplus(beta=beta, threshold=threshold),
    "leaky_relu": lambda beta, threshold: nn.LeakyReLU(),
    "elu": lambda beta, threshold: nn.ELU(),
    "gelu": lambda beta, threshold: nn.GELU(),
    "silu": lambda beta, threshold: nn.SiLU(),
}
# The constructor as the snippet writes it.
CONSTRUCTORS = {
    "relu": "nn.ReLU()",
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "softplus": "nn.Softplus(beta={beta}, threshold={threshold})",
    "leaky_relu": "nn.LeakyReLU()",
    "elu": "nn.ELU()",
    "gelu": "nn.GELU()",
    "silu": "nn.SiLU()",
}
NAMES = tuple(MODULES)
# The closed form of each function (what the tests check autograd against), as LaTeX.
FORMULAS = {
    "relu": r"\max(0, x)",
    "sigmoid": r"\frac{1}{1 + e^{-x}}",
    "tanh": r"\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    "softplus": r"\frac{1}{\beta}\log\left(1 + e^{\beta x}\right)",
    "leaky_relu": r"\max(0, x) + 0.01\,\min(0, x)",
    "elu": r"\begin{cases} x & x > 0 \\ e^{x} - 1 & x \le 0 \end{cases}",
    "gelu": r"x\,\Phi(x)",
    "silu": r"x\,\sigma(x)",
}
NOTES_FOUR = ("relu", "sigmoid", "tanh", "softplus")
# Where a function's derivative jumps (PyTorch takes the left slope, 0 or 0.01, at the point):
# the slope is drawn in pieces there, not joined by a steep line.
KINKS = {"relu": (0.0,), "leaky_relu": (0.0,)}

N_POINTS = 200  # as torch.linspace(-5, 5, 200) in the notes
RANGE = (-20.0, 20.0)  # lo/hi caps
# |f'(x)| below this counts as "vanished": a gradient this small barely moves a weight.
VANISH = 0.01


def module(name: str, beta: float = 1.0, threshold: float = 20.0) -> nn.Module:
    return MODULES[name](beta, threshold)


def formula_at(name: str, x: float, beta: float = 1.0, threshold: float = 20.0) -> str:
    """The closed form (LaTeX) of the branch PyTorch evaluates at x. softplus returns x itself
    where β·x > threshold (computed in float32, as PyTorch does), for numerical stability."""
    if name == "softplus":
        beta_x = (torch.tensor([float(x)]) * beta).item()
        if beta_x > threshold:
            return rf"x \quad (\beta x = {num(beta_x)} > {num(threshold)})"
    return FORMULAS[name]


def value_and_slope(
    name: str, xs: torch.Tensor, beta: float = 1.0, threshold: float = 20.0
) -> tuple[torch.Tensor, torch.Tensor]:
    """f(xs) and f'(xs), the slope from autograd: each y_i depends only on x_i, so the gradient
    of sum(y) with respect to xs is the elementwise derivative."""
    x = xs.detach().clone().requires_grad_(True)
    y = module(name, beta, threshold)(x)
    y.sum().backward()
    return y.detach(), x.grad


def curves(
    names: tuple[str, ...], lo: float, hi: float, beta: float = 1.0, threshold: float = 20.0
) -> pd.DataFrame:
    """Long table: fn, x, y (value), dy (slope) for each function over linspace(lo, hi, 200),
    and piece: how many of the function's KINKS lie left of x (the slope is continuous within
    a piece)."""
    xs = torch.linspace(lo, hi, N_POINTS)
    frames = []
    for name in names:
        y, dy = value_and_slope(name, xs, beta, threshold)
        piece = torch.zeros_like(xs, dtype=torch.int64)
        for kink in KINKS.get(name, ()):
            piece += xs > kink
        frames.append(
            pd.DataFrame(
                {
                    "fn": name,
                    "x": xs.numpy(),
                    "y": y.numpy(),
                    "dy": dy.numpy(),
                    "piece": piece.numpy(),
                }
            )  # fmt: skip
        )
    return pd.concat(frames, ignore_index=True)


def scrub_grid(
    names: tuple[str, ...],
    lo: float,
    hi: float,
    beta: float = 1.0,
    threshold: float = 20.0,
    step: float = 0.1,
) -> pd.DataFrame:
    """Long table fn, x, y, dy: each function's value and autograd slope at every probe point
    the x slider can take on [lo, hi], computed once so the page's chart can scrub through them."""
    xs = torch.tensor(slider_grid(lo, hi, step))
    values, slopes = zip(*(value_and_slope(n, xs, beta, threshold) for n in names), strict=True)
    return pd.DataFrame(  # built once, not per function and concatenated: it is rebuilt per rerun
        {
            "fn": [name for name in names for _ in range(len(xs))],
            "x": xs.repeat(len(names)).numpy(),
            "y": torch.cat(values).numpy(),
            "dy": torch.cat(slopes).numpy(),
        }
    )


@dataclass(frozen=True)
class Probe:
    fn: str
    value: float
    slope: float


def probe(
    names: tuple[str, ...], x: float, beta: float = 1.0, threshold: float = 20.0
) -> list[Probe]:
    """Value and slope of each function at the single point x (a tensor of one element)."""
    out = []
    for name in names:
        y, dy = value_and_slope(name, torch.tensor([float(x)]), beta, threshold)
        out.append(Probe(name, y.item(), dy.item()))
    return out


def vanishing_share(names: tuple[str, ...], lo: float, hi: float, beta=1.0, threshold=20.0):
    """For each function, the share of the plotted range where |f'(x)| < VANISH."""
    return vanished(curves(names, lo, hi, beta, threshold))


def vanished(table: pd.DataFrame) -> dict[str, float]:
    """``vanishing_share`` of a ``curves`` table already computed (the page draws it too)."""
    return (table["dy"].abs() < VANISH).groupby(table["fn"], sort=False).mean().to_dict()


@dataclass(frozen=True)
class InplaceDemo:
    before: list[float]
    output: list[float]
    input_after: list[float]
    same_object: bool  # is the output the very tensor that was passed in?


def inplace_demo(inplace: bool, values: tuple[float, ...] = (-2.0, -0.5, 0.0, 1.5)) -> InplaceDemo:
    """nn.ReLU(inplace=...) on a small tensor: with inplace=True the input itself is overwritten."""
    x = torch.tensor(values)
    before = x.tolist()
    y = nn.ReLU(inplace=inplace)(x)
    return InplaceDemo(before, y.tolist(), x.tolist(), y.data_ptr() == x.data_ptr())


def module_equals_functional(lo: float, hi: float) -> bool:
    """nn.ReLU() (a module), torch.relu and F.relu (functions) compute the same numbers."""
    xs = torch.linspace(lo, hi, N_POINTS)
    return torch.equal(nn.ReLU()(xs), torch.relu(xs)) and torch.equal(torch.relu(xs), F.relu(xs))


def snippet(names: tuple[str, ...], x: float, beta: float, threshold: float) -> str:
    """Prints the value and slope at the probe for each chosen function, as the page does."""
    lines = ["import torch", "from torch import nn", "", "fns = {"]
    for name in names:
        ctor = CONSTRUCTORS[name].format(beta=literal(beta), threshold=literal(threshold))
        lines.append(f'    "{name}": {ctor},')
    lines += [
        "}",
        "",
        f"x = torch.tensor([{literal(x)}], requires_grad=True)",
        "for name, f in fns.items():",
        "    x.grad = None",
        "    y = f(x)",
        "    y.sum().backward()  # dy/dx by autograd",
        "    fx, dfx = (v.item() + 0.0 for v in (y, x.grad))  # + 0.0: no -0.0",
        '    print(f"{name}: f(x) = {fx:.4g}, f\'(x) = {dfx:.4g}")',
    ]
    return "\n".join(lines) + "\n"
