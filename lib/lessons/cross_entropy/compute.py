"""Cross-entropy for one sample (notes §5.6): softmax, the loss, and its gradient by autograd.

``F.cross_entropy`` takes raw logits (it applies log_softmax itself). The "mistake" switch feeds
it softmax probabilities instead, the double-softmax bug, to show what that does.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch
import torch.nn.functional as F

from lib.lessons._format import literal
from lib.lessons._grid import slider_grid

MIN_CLASSES, MAX_CLASSES = 2, 10
LOGIT_RANGE = (-10.0, 10.0)
WEIGHT_RANGE = (0.0, 10.0)
REDUCTIONS = ("mean", "sum", "none")
NO_IGNORE = -100  # PyTorch's default ignore_index: no real class has it


@dataclass(frozen=True)
class Setup:
    logits: tuple[float, ...]
    target: int
    weight: tuple[float, ...] | None = None  # None: every class weighs 1
    label_smoothing: float = 0.0
    ignore_index: int = NO_IGNORE
    reduction: str = "mean"
    double_softmax: bool = False  # the mistake: probabilities fed where logits belong


@dataclass(frozen=True)
class Result:
    probs: tuple[float, ...]  # softmax(logits): what the model believes
    inputs: tuple[float, ...]  # what F.cross_entropy received (logits, or probs by mistake)
    loss: float  # the reduced loss (for reduction='none', the one sample's loss)
    grad: tuple[float, ...]  # d loss / d logits, from backward()
    ignored: bool  # the target equals ignore_index


def compute(setup: Setup) -> Result:
    logits = torch.tensor(setup.logits, dtype=torch.float32, requires_grad=True)
    probs = logits.softmax(dim=0)
    inputs = probs if setup.double_softmax else logits
    weight = None if setup.weight is None else torch.tensor(setup.weight, dtype=torch.float32)
    loss = F.cross_entropy(
        inputs.unsqueeze(0),  # a batch of one sample: shape (1, C)
        torch.tensor([setup.target]),
        weight=weight,
        ignore_index=setup.ignore_index,
        reduction=setup.reduction,
        label_smoothing=setup.label_smoothing,
    )
    loss.sum().backward()  # reduction='none' gives shape (1,): sum it to get a scalar
    return Result(
        probs=tuple(probs.tolist()),
        inputs=tuple(inputs.tolist()),
        loss=loss.sum().item(),
        grad=tuple(logits.grad.tolist()),
        ignored=setup.target == setup.ignore_index,
    )


def target_weight(setup: Setup) -> float:
    return 1.0 if setup.weight is None else setup.weight[setup.target]


def grad_is_softmax_minus_onehot(setup: Setup) -> bool:
    """Whether d loss/dz is exactly softmax(z) − onehot(t) for this setup: no label smoothing
    (it moves ε/C of the target onto every class), no double softmax, the target not ignored,
    and its weight 1 or divided out again by reduction='mean' (a zero weight gives 0/0 there)."""
    w_t = target_weight(setup)
    return (
        setup.label_smoothing == 0
        and not setup.double_softmax
        and setup.target != setup.ignore_index
        and (w_t == 1 or (setup.reduction == "mean" and w_t != 0))
    )


def mean_over_zero_weight(setup: Setup) -> bool:
    """reduction='mean' divides by the total weight of the batch's targets; with one sample whose
    class weighs 0 that is a division by 0, and PyTorch returns nan for the loss and gradient."""
    return (
        setup.reduction == "mean"
        and setup.target != setup.ignore_index
        and target_weight(setup) == 0
    )


LOGIT_STEP = 0.1  # the logit sliders' step


def scrub_grid(setup: Setup, step: float = LOGIT_STEP) -> pd.DataFrame:
    """The target's logit z_t set to every value its slider can take (the other logits as they
    are), all in one batch: z_t, loss, softmax[t] and d loss/d z_t per row, each row equal to
    ``compute`` with that logit. A batch row's 'none' loss is the one-sample loss; 'mean' over
    one sample divides it by the target's weight (PyTorch's denominator; 0/0 = nan if ignored)."""
    values = torch.tensor(slider_grid(*LOGIT_RANGE, step))
    logits = torch.tensor(setup.logits, dtype=torch.float32).repeat(len(values), 1)
    logits[:, setup.target] = values
    logits.requires_grad_(True)
    probs = logits.softmax(dim=1)
    weight = None if setup.weight is None else torch.tensor(setup.weight, dtype=torch.float32)
    losses = F.cross_entropy(
        probs if setup.double_softmax else logits,
        torch.full((len(values),), setup.target),
        weight=weight,
        ignore_index=setup.ignore_index,
        reduction="none",
        label_smoothing=setup.label_smoothing,
    )
    if setup.reduction == "mean":
        weight_t = 1.0 if setup.weight is None else setup.weight[setup.target]
        counted = 0.0 if setup.target == setup.ignore_index else weight_t
        losses = losses / counted
    losses.sum().backward()  # rows are independent: each row's gradient is its own
    return pd.DataFrame(
        {
            "z": values.numpy(),
            "loss": losses.detach().numpy(),
            "p": probs[:, setup.target].detach().numpy(),
            "grad": logits.grad[:, setup.target].numpy(),
        }
    )


def snippet(setup: Setup) -> str:
    """Prints the loss, the softmax probabilities and the gradient, as the page shows them."""
    logits = ", ".join(literal(v) for v in setup.logits)
    args = [f"reduction={setup.reduction!r}"]
    if setup.weight is not None:
        args.append("weight=torch.tensor([" + ", ".join(literal(w) for w in setup.weight) + "])")
    if setup.label_smoothing:
        args.append(f"label_smoothing={literal(setup.label_smoothing)}")
    if setup.ignore_index != NO_IGNORE:
        args.append(f"ignore_index={setup.ignore_index}")
    if setup.double_softmax:
        feed = "inputs = logits.softmax(dim=0)  # the mistake: probabilities, not logits"
    else:
        feed = "inputs = logits  # raw scores: cross_entropy applies log_softmax itself"
    return f"""\
import torch
import torch.nn.functional as F

logits = torch.tensor([{logits}], requires_grad=True)
target = torch.tensor([{setup.target}])
{feed}

loss = F.cross_entropy(inputs.unsqueeze(0), target, {", ".join(args)})
loss.sum().backward()

fmt = lambda t: "[" + ", ".join(f"{{v + 0.0:.4g}}" for v in t.tolist()) + "]"
print(f"loss = {{loss.sum().item() + 0.0:.4g}}")
print(f"softmax = {{fmt(logits.softmax(dim=0))}}")
print(f"grad = {{fmt(logits.grad)}}")
"""


def raise_target_effect(setup: Setup, step: float = 1.0) -> tuple[float, float]:
    """The loss before and after adding ``step`` to the target's logit (for the page's check)."""
    logits = list(setup.logits)
    logits[setup.target] += step
    raised = Setup(**{**setup.__dict__, "logits": tuple(logits)})
    return compute(setup).loss, compute(raised).loss
