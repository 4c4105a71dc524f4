"""Autograd on y = w·x + b (notes §1): a real backward(), the graph it walks, and .grad adding up.

Pure PyTorch; no Streamlit. Every number the page shows comes from these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from lib.lessons._format import literal

# Slider ranges (also the URL caps).
W_RANGE = X_RANGE = B_RANGE = (-5.0, 5.0)


@dataclass(frozen=True)
class Node:
    """One node of the graph that backward() walks, as micrograd's draw_dot shows it."""

    id: str
    label: str  # "w", "x", "b", or the grad_fn's class name, e.g. "MulBackward0"
    kind: str  # "leaf" (a tensor with requires_grad) or "op" (a grad_fn)
    value: float  # the tensor's value (for an op: the value it produced)
    grad: float | None  # d y / d (this value)


@dataclass(frozen=True)
class Edge:
    src: str  # input (closer to the leaves)
    dst: str  # the op that used it


@dataclass(frozen=True)
class Backward:
    y: float
    grad_w: float
    grad_x: float
    grad_b: float
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def forward_backward(w: float, x: float, b: float) -> Backward:
    """y = w*x + b with requires_grad leaves, one backward(), and the graph from grad_fn."""
    tw = torch.tensor(float(w), requires_grad=True)
    tx = torch.tensor(float(x), requires_grad=True)
    tb = torch.tensor(float(b), requires_grad=True)
    wx = tw * tx
    wx.retain_grad()  # keep the intermediate's grad so the graph can show it
    y = wx + tb
    y.retain_grad()
    y.backward()

    leaves = {id(tw): ("w", tw), id(tx): ("x", tx), id(tb): ("b", tb)}
    outputs = {id(y.grad_fn): y, id(wx.grad_fn): wx}  # op -> the tensor it produced
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []

    def visit(fn) -> str:
        """Walk grad_fn.next_functions as torchviz's make_dot does; return the node id."""
        if hasattr(fn, "variable"):  # AccumulateGrad: the end of the road, a leaf tensor
            name, tensor = leaves[id(fn.variable)]
            node = Node(name, name, "leaf", tensor.item(), tensor.grad.item())
        else:
            out = outputs[id(fn)]
            op_name = type(fn).__name__
            node = Node(op_name, op_name, "op", out.item(), out.grad.item())
            for next_fn, _ in fn.next_functions:
                if next_fn is not None:
                    edges.append(Edge(visit(next_fn), node.id))
        nodes[node.id] = node
        return node.id

    visit(y.grad_fn)
    return Backward(
        y=y.item(),
        grad_w=tw.grad.item(),
        grad_x=tx.grad.item(),
        grad_b=tb.grad.item(),
        nodes=tuple(nodes.values()),
        edges=tuple(edges),
    )


def y_and_tangent(w: float, x: float, b: float, lo: float, hi: float, n: int = 41) -> pd.DataFrame:
    """y(x') = w*x' + b over [lo, hi], and the tangent at x whose slope is x.grad from autograd.

    y is linear in x, so the tangent lies on the line: the picture shows that the slope
    autograd reports (x.grad = w) is exactly the line's slope.
    """
    xs = torch.linspace(lo, hi, n)
    ys = w * xs + b
    result = forward_backward(w, x, b)
    tangent = result.y + result.grad_x * (xs - x)
    return pd.DataFrame({"x": xs.numpy(), "y": ys.numpy(), "tangent": tangent.numpy()})


@dataclass(frozen=True)
class Call:
    """One action on the .grad of w, x, b and what .grad holds after it."""

    action: str  # "backward" or "zero_grad"
    grad_w: float | None
    grad_x: float | None
    grad_b: float | None


def accumulate(w: float, x: float, b: float, actions: list[str]) -> list[Call]:
    """Replay ``actions`` on one graph: each backward() adds to .grad; zero_grad sets it to None.

    ``retain_graph=True`` keeps the graph so backward() can run on it again, as the page's
    "backward() again" button does. "zero_grad" mirrors optimizer.zero_grad(), which sets
    .grad to None by default since PyTorch 2.0.
    """
    tw = torch.tensor(float(w), requires_grad=True)
    tx = torch.tensor(float(x), requires_grad=True)
    tb = torch.tensor(float(b), requires_grad=True)
    y = tw * tx + tb
    calls = []
    for action in actions:
        if action == "backward":
            y.backward(retain_graph=True)
        elif action == "zero_grad":
            for t in (tw, tx, tb):
                t.grad = None
        else:
            raise ValueError(f"unknown action {action!r}")

        def grad(t: torch.Tensor) -> float | None:
            return None if t.grad is None else t.grad.item()

        calls.append(Call(action, grad(tw), grad(tx), grad(tb)))
    return calls


NOTES_CODE = """\
import torch
from torch.autograd import Variable

x = Variable(torch.Tensor([1]))
w = Variable(torch.Tensor([2]))
b = Variable(torch.Tensor([3]))

y = w * x + b

y.backward()
"""


def second_backward_error(w: float, x: float, b: float) -> str:
    """Call a plain ``y.backward()`` twice on one y and return the error the second raises:
    the first call freed the values the graph saved (w and x for the product)."""
    y = torch.tensor(float(w), requires_grad=True) * torch.tensor(float(x), requires_grad=True)
    y = y + torch.tensor(float(b), requires_grad=True)
    y.backward()
    try:
        y.backward()
    except RuntimeError as error:
        return f"RuntimeError: {error}"
    raise AssertionError("a second backward() ran without error: the lesson text needs updating")


def notes_code_error() -> str:
    """Run the notes' own code (Variable without requires_grad) and return the error it raises."""
    from torch.autograd import Variable

    x = Variable(torch.Tensor([1]))
    w = Variable(torch.Tensor([2]))
    b = Variable(torch.Tensor([3]))
    y = w * x + b
    try:
        y.backward()
    except RuntimeError as error:
        return f"RuntimeError: {error}"
    raise AssertionError("the notes' code ran without error: the lesson text needs updating")


def snippet(w: float, x: float, b: float) -> str:
    """A self-contained script that prints the page's numbers for this state."""
    return f"""\
import torch

w = torch.tensor({literal(w)}, requires_grad=True)
x = torch.tensor({literal(x)}, requires_grad=True)
b = torch.tensor({literal(b)}, requires_grad=True)

y = w * x + b
y.backward()

print(f"y = {{y.item() + 0.0:.4g}}")
print(f"w.grad = {{w.grad.item() + 0.0:.4g}}")
print(f"x.grad = {{x.grad.item() + 0.0:.4g}}")
print(f"b.grad = {{b.grad.item() + 0.0:.4g}}")
"""
