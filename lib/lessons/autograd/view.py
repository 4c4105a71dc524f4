"""What the autograd page draws (notes §1): the graph backward() walked, y over x with its
tangent, the gradients, and .grad accumulating over backward() calls."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.autograd import compute as lesson
from lib.view import kinds, thumbnails
from lib.view.frame import presenting
from lib.view.lesson import Page, Part
from lib.view.panels import Metric

SECTIONS = (Part("accumulate", "autograd.accumulate_title", folded=True),)
PICTURE_CAPTION = ("autograd.graph_caption", "autograd.chart_caption")

# Leaf tensors blue, grad_fn operations orange, the output plain (as in the caption).
GRAPH_FILLS = {"leaf": "#DCEBF7", "op": "#FCEBD0", "out": "#FFFFFF"}


def graph_dot(result: lesson.Backward) -> str:
    """The graph backward() walked, in DOT: each node with its value (data) and dy/d(node)
    (grad), and y, the output."""
    nodes = [
        (n.id, n.kind, (n.label, f"data {num(n.value)}", f"grad {num(n.grad)}"))
        for n in result.nodes
    ]
    nodes.append(("y", "out", ("y", num(result.y), t("autograd.graph_output"))))
    edges = [(e.src, e.dst) for e in result.edges] + [(result.nodes[-1].id, "y")]
    return kinds.dot(
        nodes, edges, GRAPH_FILLS, title=t("autograd.graph_title"), presenting=presenting()
    )


def curve_chart(result: lesson.Backward, w: float, x: float, b: float) -> kinds.Spec:
    curve = lesson.y_and_tangent(w, x, b, *lesson.X_RANGE)
    line = curve.rename(columns={"y": "value"}).assign(series="y = w·x + b")
    probe = pd.DataFrame({"x": [x], "value": [result.y], "series": ["y = w·x + b"]})
    return kinds.lines(
        line,
        x="x",
        y="value",
        color=None,
        x_title="x",
        y_title="y",
        x_domain=lesson.X_RANGE,
        y_domain=(-30, 30),
        description=t("autograd.chart_alt"),
        marks=probe,
    )


def grad_text(value: float | None) -> str:
    return "None" if value is None else num(value)


def live(page: Page) -> None:
    state = page.state
    w, x, b = (state.slider(name, name) for name in ("w", "x", "b"))
    page.sync({"w": w, "x": x, "b": b})
    result = lesson.forward_backward(w, x, b)

    with page.picture:
        page.metrics(
            Metric("y", num(result.y)),
            Metric("w.grad", num(result.grad_w), help=t("autograd.help_grad_w")),
            Metric("x.grad", num(result.grad_x), help=t("autograd.help_grad_x")),
            Metric("b.grad", num(result.grad_b), help=t("autograd.help_grad_b")),
        )
        # A row that wraps (one above the other on a phone): one block, where a row of columns
        # was three.
        with st.container(horizontal=True):
            st.graphviz_chart(graph_dot(result), alt=t("autograd.graph_alt"))
            curve = kinds.titled(curve_chart(result, w, x, b), t("autograd.chart_title"))
            kinds.show(curve, key="autograd.chart")

    page.formula(
        r"\begin{gathered}"
        rf"y = w\cdot x + b = {num(w)}\cdot {num(x)} + {num(b)} = {num(result.y)} \\"
        # One derivative per line: three on one line ran off a phone's screen.
        rf"\frac{{\partial y}}{{\partial w}} = x = {num(result.grad_w)} \\"
        rf"\frac{{\partial y}}{{\partial x}} = w = {num(result.grad_x)} \\"
        rf"\frac{{\partial y}}{{\partial b}} = 1 = {num(result.grad_b)}"
        r"\end{gathered}"
    )
    if page.shows("accumulate"):
        with page.slot("accumulate"):
            accumulation(page, w, x, b)
    page.code(lambda: lesson.snippet(w, x, b))

    twice = lesson.accumulate(w, x, b, ["backward", "backward"])[-1].grad_w
    candidates = {num(v) for v in (result.grad_w, twice, result.grad_x, 1.0, 0.0)}
    page.check(
        key="autograd.check",
        question=t("autograd.check_question", w=num(w), x=num(x), b=num(b)),
        options=sorted(candidates, key=float),
        answers={num(twice)},
        explanation=t("autograd.check_explanation", once=num(result.grad_w), twice=num(twice)),
    )


def accumulation(page: Page, w: float, x: float, b: float) -> None:
    """.grad adds up over backward() calls until it is zeroed: buttons replay real calls."""
    st.markdown(t("autograd.accumulate_intro"))
    st.code(lesson.second_backward_error(w, x, b), language="text", wrap_lines=True)
    st.markdown(t("autograd.second_backward_outro"))
    actions = st.session_state.setdefault(page.state.key("actions"), ["backward"])
    buttons = st.columns(3)
    if buttons[0].button(t("autograd.backward_again"), icon=":material/replay:"):
        actions.append("backward")
    if buttons[1].button(t("autograd.zero_grad"), icon=":material/restart_alt:"):
        actions.append("zero_grad")
    if buttons[2].button(t("autograd.reset"), icon=":material/undo:"):
        actions[:] = ["backward"]
    del actions[:-12]  # keep the table short: the last 12 calls
    calls = lesson.accumulate(w, x, b, actions)
    table = pd.DataFrame(
        {
            t("autograd.call"): [
                "y.backward(retain_graph=True)" if c.action == "backward" else "grad = None"
                for c in calls
            ],
            "w.grad": [grad_text(c.grad_w) for c in calls],
            "x.grad": [grad_text(c.grad_x) for c in calls],
            "b.grad": [grad_text(c.grad_b) for c in calls],
        }
    )
    table.index = range(1, len(table) + 1)
    st.table(table)


def notes_extra(page: Page) -> None:
    st.code(lesson.NOTES_CODE, language="python")
    st.markdown(t("autograd.notes_error_intro"))
    st.code(lesson.notes_code_error(), language="text")


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    result = lesson.forward_backward(2.0, 1.0, 3.0)
    nodes = pd.DataFrame(
        [{"id": n.id, "kind": n.kind, "text": f"{n.label}\n{num(n.value)}\n"} for n in result.nodes]
    )
    edges = [(e.src, e.dst) for e in result.edges]
    fills = {"leaf": "#DCEBF7", "op": "#FCEBD0"}
    return kinds.graph(
        nodes, edges, description=t("autograd.graph_alt"), fills=fills, height=thumbnails.HEIGHT
    )
