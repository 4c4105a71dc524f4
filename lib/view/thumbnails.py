"""Small live pictures for the home page's lesson map: each is the lesson's own picture for its
default state, computed by the lesson's PyTorch functions (cached once per process and language).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
import torch

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.activations import compute as activations
from lib.lessons.autograd import compute as autograd
from lib.lessons.cross_entropy import compute as cross_entropy
from lib.lessons.dropout import compute as dropout
from lib.lessons.embedding import compute as embedding
from lib.lessons.linear import compute as linear
from lib.lessons.rnn import compute as rnn
from lib.lessons.sequential import compute as sequential
from lib.lessons.sgd import compute as sgd
from lib.view import kinds

HEIGHT = 150


def _autograd() -> kinds.Spec:
    result = autograd.forward_backward(2.0, 1.0, 3.0)
    nodes = pd.DataFrame(
        [{"id": n.id, "kind": n.kind, "text": f"{n.label}\n{num(n.value)}\n"} for n in result.nodes]
    )
    edges = [(e.src, e.dst) for e in result.edges]
    fills = {"leaf": "#DCEBF7", "op": "#FCEBD0"}
    return kinds.graph(
        nodes, edges, description=t("autograd.graph_alt"), fills=fills, height=HEIGHT
    )


def _activations() -> kinds.Spec:
    table = activations.curves(activations.NOTES_FOUR, -5.0, 5.0)
    return kinds.lines(
        table,
        x="x",
        y="y",
        color="fn",
        x_title="x",
        y_title="f(x)",
        x_domain=(-5, 5),
        y_domain=(-1.2, 3),
        palette=kinds.palette(activations.NAMES),
        description=t("activations.values_alt", fns=", ".join(activations.NOTES_FOUR)),
        height=HEIGHT,
    )


def _matrix(values: torch.Tensor, description: str) -> kinds.Spec:
    """A 2-D tensor as an unlabelled heatmap on its own value range."""
    rows, cols = values.shape
    cells = pd.DataFrame(
        {
            "row": [i // cols for i in range(rows * cols)],
            "col": [i % cols for i in range(rows * cols)],
            "value": values.flatten().tolist(),
            "label": "",
        }
    )
    low, high = float(values.min()), float(values.max())
    return kinds.heatmap(
        cells,
        row="row",
        col="col",
        value="value",
        label="label",
        domain=(low, high if high > low else low + 1),
        title="",
        description=description,
        size=HEIGHT - 20,
    )


def _dropout() -> kinds.Spec:
    return _matrix(dropout.draw(0.5, seed=0).output, t("dropout.output_alt", mode="train"))


def _tensors() -> kinds.Spec:
    # x = arange(24).reshape(2, 3, 4) seen through .view(4, 6): each cell coloured by the
    # storage cell it reads, in order, because a view never moves data.
    return _matrix(torch.arange(24.0).reshape(2, 3, 4).view(4, 6), t("tensors.card"))


def _linear() -> kinds.Spec:
    layer = linear.forward(4, 3, True, 0, linear.default_x(4))
    return _matrix(layer.weight, t("linear.card"))


def _embedding() -> kinds.Spec:
    return _matrix(embedding.compute(embedding.Setup()).weight_before, t("embedding.card"))


def _rnn() -> kinds.Spec:
    hidden_over_time = rnn.run(rnn.Setup()).output[:, 0, :].T  # (hidden, steps)
    return _matrix(hidden_over_time, t("rnn.card"))


def _sgd() -> kinds.Spec:
    run = sgd.run(sgd.Settings())
    losses = pd.DataFrame(
        {
            "step": list(range(run.taken + 1)),
            "loss": [run.loss_at(k) for k in range(run.taken + 1)],
        }
    )
    # The loss after each real opt.step() call on the lesson's default bowl.
    return kinds.lines(
        losses,
        x="step",
        y="loss",
        color=None,
        x_title="step",
        y_title="loss",
        x_domain=(0, run.taken),
        y_domain=(0, float(losses["loss"].max())),
        description=t("sgd.card"),
        height=HEIGHT,
    )


def _sequential() -> kinds.Spec:
    forward = sequential.run(sequential.NOTES_MODEL, size=28, batch=1, channels=1)
    params = pd.DataFrame(
        {
            "layer": [row.name for row in forward.rows],
            "params": [row.params for row in forward.rows],
            "last": [False] * len(forward.rows),
            "label": [f"{row.params:,}" for row in forward.rows],
        }
    )
    return kinds.bars(
        params,
        x="layer",
        y="params",
        highlight="last",
        x_title="",
        y_title="",
        y_domain=(0, max(params["params"]) * 1.25),
        label="label",
        description=t("sequential.card"),
        height=HEIGHT,
    )


def _cross_entropy() -> kinds.Spec:
    setup = cross_entropy.Setup((2.0, 1.0, 0.1), 0)
    result = cross_entropy.compute(setup)
    bars = pd.DataFrame(
        {
            "class": ["0", "1", "2"],
            "p": result.probs,
            "target": [True, False, False],
            "label": [f"{v:.2f}" for v in result.probs],
        }
    )
    return kinds.bars(
        bars,
        x="class",
        y="p",
        highlight="target",
        x_title="",
        y_title="softmax(z)",
        y_domain=(0, 1.1),
        label="label",
        description=t("cross_entropy.probs_alt", target=0),
        height=HEIGHT,
    )


BUILDERS: dict[str, Callable[[], kinds.Spec]] = {
    "autograd": _autograd,
    "tensors": _tensors,
    "activations": _activations,
    "sgd": _sgd,
    "linear": _linear,
    "dropout": _dropout,
    "embedding": _embedding,
    "sequential": _sequential,
    "cross_entropy": _cross_entropy,
    "rnn": _rnn,
}


@st.cache_data(show_spinner=False, max_entries=64)
def thumbnail(lesson: str, lang: str) -> kinds.Spec | None:
    """The picture for ``lesson`` (``lang`` only keys the cache: alt texts are translated)."""
    builder = BUILDERS.get(lesson)
    return kinds.compact(builder()) if builder else None
