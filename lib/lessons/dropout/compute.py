"""nn.Dropout (notes §5.2): the mask, the 1/(1-p) scale, train vs eval, and E[output] = input.

nn.Dropout draws from torch's global RNG (it takes no generator), so every draw here happens
inside ``seeded_global_rng(seed)``: the same seed gives the same mask to every visitor.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from lib.lessons._format import literal
from lib.lessons._grid import slider_grid
from lib.lessons._rng import seeded_global_rng

SIZE = 8  # the input is SIZE x SIZE
MAX_DRAWS = 2000  # draws for the running-mean chart


def example_input(size: int = SIZE) -> torch.Tensor:
    """A small input with a visible pattern and no zeros (so a zero in the output means dropped)."""
    i = torch.arange(size, dtype=torch.float32)
    return (1.0 + (i[:, None] + i[None, :]) / (2 * (size - 1))).round(decimals=2)


def scale(p: float) -> float | None:
    """Factor applied to kept units in training: 1/(1-p); None when p = 1 (all dropped)."""
    return None if p >= 1.0 else 1.0 / (1.0 - p)


@dataclass(frozen=True)
class DropoutDraw:
    input: torch.Tensor
    output: torch.Tensor
    kept: torch.Tensor  # bool mask: True where the unit survived
    input_after: torch.Tensor  # the input tensor after the call (changed only with inplace=True)

    @property
    def kept_count(self) -> int:
        return int(self.kept.sum())


def draw(p: float, seed: int, train: bool = True, inplace: bool = False) -> DropoutDraw:
    """One call of nn.Dropout(p, inplace) on the example input, in train or eval mode."""
    x = example_input()
    before = x.clone()
    layer = nn.Dropout(p=p, inplace=inplace)
    layer.train(train)
    with seeded_global_rng(seed):
        y = layer(x)
    # No input is zero, so a non-zero output marks a kept unit (p = 1 keeps none).
    return DropoutDraw(before, y.detach().clone(), y != 0, x)


def all_dropped_chance(p: float, size: int = SIZE) -> float:
    """The chance that training-mode dropout zeroes all size x size elements in one draw: each
    is dropped independently with probability p, so p ** (size * size)."""
    return torch.tensor(p, dtype=torch.float64).pow(size * size).item()


def running_mean(p: float, seed: int, draws: int = MAX_DRAWS) -> pd.DataFrame:
    """Average of ``draws`` independent training-mode outputs, after each draw: how far it is
    from the input (mean absolute gap over the grid). It shrinks like 1/sqrt(n): E[output] = input.
    """
    x = example_input()
    layer = nn.Dropout(p=p)  # training mode by default
    with seeded_global_rng(seed):
        outputs = layer(x.expand(draws, -1, -1))  # each slice gets its own mask
    n = torch.arange(1, draws + 1, dtype=torch.float32)
    means = outputs.cumsum(dim=0) / n[:, None, None]
    gap = (means - x).abs().mean(dim=(1, 2))
    return pd.DataFrame({"draws": n.numpy(), "gap": gap.numpy()})


P_STEP = 0.05  # the p slider's step


def scrub_grid(seed: int, train: bool = True, step: float = P_STEP) -> pd.DataFrame:
    """``draw`` for every p the slider can take (same seed, same mode): p, kept
    units, the factor 1/(1-p) (nan at p = 1), sum(y) and y[0, 0], for the page's scrub chart."""
    x = example_input()
    rows = []
    with seeded_global_rng(seed):  # one lock and fork for all the draws
        for p in slider_grid(0.0, 1.0, step):
            torch.default_generator.manual_seed(seed)  # each draw starts where ``draw`` starts
            y = nn.Dropout(p=p).train(train)(x)
            factor = scale(p)
            rows.append(
                {
                    "p": p,
                    "kept": int((y != 0).sum()),
                    "scale": float("nan") if factor is None else factor,
                    "sum": y.sum().item(),
                    "y00": y[0, 0].item(),
                }
            )
    return pd.DataFrame(rows)


def snippet(p: float, seed: int, train: bool, inplace: bool) -> str:
    mode = "train()" if train else "eval()"
    return f"""\
import torch
from torch import nn

i = torch.arange({SIZE}, dtype=torch.float32)
x = (1.0 + (i[:, None] + i[None, :]) / {2 * (SIZE - 1)}).round(decimals=2)  # the page's input

torch.manual_seed({int(seed)})
dropout = nn.Dropout(p={literal(p)}, inplace={inplace})
dropout.{mode}
y = dropout(x)

print(f"kept = {{int((y != 0).sum())}} of {{y.numel()}}")
print(f"sum(y) = {{y.sum().item() + 0.0:.4g}}")
print(f"y[0, 0] = {{y[0, 0].item() + 0.0:.4g}}")
"""
