"""What the cross-entropy page draws (notes §5.6): softmax of the logits and the gradient by
backward(), the loss scrubbed over the target's logit, and the double-softmax mistake."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib.i18n import t, template
from lib.lessons._format import num
from lib.lessons.cross_entropy import compute as lesson
from lib.view import kinds, panels, thumbnails
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState

LO, HI = lesson.LOGIT_RANGE
BARS_HEIGHT = 300  # the bar charts' height, their title inside it (the plot as tall as before)


def scrub_shown(state: PageState) -> bool:
    """A teacher's lock or hide of the logits leaves the scrub chart (their own control) out."""
    return not (state.locked or "logits" in state.hidden)


SECTIONS = (
    Part(
        "scrub",
        "cross_entropy.scrub_title",
        "cross_entropy.scrub_caption",
        when=scrub_shown,
        folded=True,
    ),
)


def prepare(state: PageState) -> None:
    """The target, the class weights and ignore_index must fit the link's number of classes."""
    n_url = len(state.url_values["logits"])
    if state.url_values["target"] >= n_url:
        state.fix("target", n_url - 1, "target_outside")
    if state.url_values["weight"] and len(state.url_values["weight"]) != n_url:
        state.fix("weight", (), "mismatch")
    ignore = state.url_values["ignore"]
    if not (ignore == lesson.NO_IGNORE or 0 <= ignore < n_url):
        # Only -100 (PyTorch's "no class") or one of the classes makes sense here.
        state.fix("ignore", lesson.NO_IGNORE, "target_outside")


def clamp_key(key: str, lo: int, hi: int) -> None:
    """Keep a stored choice valid after the number of classes shrank."""
    if key in st.session_state:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


def titled(spec: kinds.Spec, title: str) -> kinds.Spec:
    """``kinds.titled`` with room for a long title: measured against the whole chart (axis
    included) and never cut short with "…" (Vega-Lite otherwise limits it to the plot's width)."""
    spec = kinds.titled(spec, title)
    return {**spec, "title": {**spec["title"], "frame": "bounds", "limit": 1000}}


def vector(values) -> str:
    return "[" + ", ".join(num(v) for v in values) + "]"


def column(values) -> str:
    """A column vector in LaTeX: fits the page for any number of classes."""
    return r"\begin{pmatrix}" + r" \\ ".join(num(v) for v in values) + r"\end{pmatrix}"


def scrub_chart(setup: lesson.Setup) -> None:
    """The loss as the target's logit takes every value its slider can, scrubbed in the browser:
    PyTorch computed each row once; the chart's own range input picks one with no rerun."""
    target = setup.target
    grid = lesson.scrub_grid(setup)
    readout_text = template("cross_entropy.scrub_readout")  # the template, formatted per row below
    readout = pd.DataFrame(
        {
            "z": grid["z"],
            "text": [
                readout_text.format(target=target, z=num(z), loss=num(loss), p=num(p), grad=num(g))
                for z, loss, p, g in grid[["z", "loss", "p", "grad"]].itertuples(index=False)
            ],
        }
    )
    # The loss axis comes from the data (None), so moving another logit or the smoothing
    # changes the data, not the spec; an infinite loss (a zero target weight) is left out of
    # the line, and a curve with no finite loss at all gets a fixed axis.
    drawn = grid.assign(loss=grid["loss"].where(grid["loss"].abs() != math.inf))
    kinds.show(
        kinds.scrub_lines(
            drawn,
            readout,
            x="z",
            y="loss",
            color=None,
            x_title=f"z[{target}]",
            y_title="loss",
            x_domain=lesson.LOGIT_RANGE,
            y_domain=None if drawn["loss"].notna().any() else (0.0, 1.0),
            description=t("cross_entropy.scrub_alt", target=target),
            label=t("cross_entropy.scrub_label", target=target),
            step=lesson.LOGIT_STEP,
            value=setup.logits[target],
            corner="right",
        ),
        key="cross_entropy.scrub",
    )


def secondary(page: Page) -> dict:
    """The number of classes, then the loss's options: reduction, label_smoothing,
    ignore_index and class weights (the last two sized by the number of classes)."""
    state = page.state
    url_logits = state.url_values["logits"]
    n = state.control(
        st.number_input,
        "classes",
        t("cross_entropy.classes"),
        lesson.MIN_CLASSES,
        lesson.MAX_CLASSES,
        step=1,
        value=len(url_logits),
        params=("logits",),
    )
    st.caption(t("cross_entropy.options"))
    reduction = state.control(st.selectbox, "reduction", "reduction", lesson.REDUCTIONS)
    smoothing = state.control(st.slider, "smoothing", "label_smoothing", 0.0, 1.0, step=0.05)
    ignore_key = state.seeded("ignore")
    if st.session_state[ignore_key] >= n:
        st.session_state[ignore_key] = lesson.NO_IGNORE
    ignore = state.control(
        st.selectbox,
        "ignore",
        "ignore_index",
        (lesson.NO_IGNORE, *range(n)),
        help=t("cross_entropy.ignore_help"),
    )
    url_weight = state.url_values["weight"]
    use_weight = state.control(
        st.toggle,
        "use_weight",
        t("cross_entropy.use_weight"),
        value=bool(url_weight),
        params=("weight",),
    )
    # What a class weight does to one sample's loss: it depends on the smoothing only.
    st.caption(
        t("cross_entropy.weight_cancels")
        if smoothing == 0
        else t("cross_entropy.weight_counts_with_smoothing")
    )
    weight = None
    if use_weight:
        weight = tuple(
            state.control(
                st.number_input,
                f"weight{i}",
                f"weight[{i}]",
                *lesson.WEIGHT_RANGE,
                step=0.5,
                value=url_weight[i] if i < len(url_weight) else 1.0,
                params=("weight",),
            )
            for i in range(n)
        )
    mistake = state.control(st.toggle, "mistake", t("cross_entropy.mistake"))
    return {
        "mistake": mistake,
        "classes": n,
        "reduction": reduction,
        "smoothing": smoothing,
        "ignore": ignore,
        "weight": weight,
    }


def setup(page: Page) -> dict:
    """The heading of the logit sliders (drawn once: the sliders follow in the live part)."""
    if "logits" not in page.state.hidden:
        st.markdown(f"**{t('cross_entropy.logits')}**")
    return {}


def live(page: Page) -> None:
    state = page.state
    n = page.secondary["classes"]
    url_logits = state.url_values["logits"]
    logits = tuple(
        state.control(
            st.slider,
            f"logit{i}",
            f"z[{i}]",
            LO,
            HI,
            step=lesson.LOGIT_STEP,
            value=url_logits[i] if i < len(url_logits) else 0.0,
            params=("logits",),
        )
        for i in range(n)
    )
    clamp_key(state.seeded("target"), 0, n - 1)
    target = state.control(
        st.radio,
        "target",
        t("cross_entropy.target"),
        range(n),
        horizontal=True,
        help=t("cross_entropy.target_help"),
    )
    options = page.secondary
    mistake = options["mistake"]
    weight, smoothing = options["weight"], options["smoothing"]
    ignore, reduction = options["ignore"], options["reduction"]
    page.sync(
        {
            "logits": logits,
            "target": target,
            "weight": weight or (),
            "smoothing": smoothing,
            "ignore": ignore,
            "reduction": reduction,
            "mistake": mistake,
        }
    )

    setup = lesson.Setup(logits, target, weight, smoothing, ignore, reduction, mistake)
    result = lesson.compute(setup)

    latex, caption = formula(setup, result)
    with page.picture:
        # A click on a class's bar makes it the target, where the target is the student's.
        clickable = not (state.locked or "target" in state.hidden)
        picture(setup, result, state.key("target") if clickable else None, t(caption))
    page.formula(latex)

    if page.shows("scrub"):
        with page.slot("scrub"):
            scrub_chart(setup)
    page.code(lambda: lesson.snippet(setup))

    before, after = lesson.raise_target_effect(setup)
    answer = (
        "same"
        if math.isnan(before) or math.isclose(before, after, abs_tol=1e-7)
        else ("down" if after < before else "up")
    )
    page.check(
        key="cross_entropy.check",
        question=t("cross_entropy.check_question", target=target),
        options=["down", "same", "up"],
        answers={answer},
        format_func=lambda o: t(f"cross_entropy.check_{o}"),
        explanation=t("cross_entropy.check_explanation", before=num(before), after=num(after)),
    )


PICK = "pick_class"  # the probability chart's point selection: the class clicked


def pick_target(chart_key: str, target_key: str) -> None:
    """The probability chart's on_select callback: the clicked class becomes the target (run
    before the rerun, so the target control is drawn with it)."""
    picked = st.session_state[chart_key].selection.get(PICK) or []
    if picked and str(picked[0].get("class", "")).isdigit():
        st.session_state[target_key] = int(picked[0]["class"])


def picture(
    setup: lesson.Setup, result: lesson.Result, target_key: str | None, symbols: str
) -> None:
    """softmax(z) and the gradient side by side; under them one element: the metrics, both as
    vectors with what the colours say, and ``symbols`` (what the formula's symbols mean, for
    the formula under it); then what the double-softmax mistake did."""
    target, n = setup.target, len(setup.logits)
    if result.ignored:
        st.info(t("cross_entropy.ignored", reduction=setup.reduction))
    elif lesson.mean_over_zero_weight(setup):
        st.info(t("cross_entropy.zero_weight_nan", target=target))

    classes = [str(i) for i in range(n)]
    is_target = [i == target for i in range(n)]
    probs = pd.DataFrame(
        {
            "class": classes,
            "p": result.probs,
            "target": is_target,
            "label": [f"{v:.3f}" for v in result.probs],
        }
    )
    probs_alt = t("cross_entropy.probs_alt", target=target)
    probs_chart = kinds.bars(
        probs,
        x="class",
        y="p",
        highlight="target",
        x_title=t("cross_entropy.class"),
        y_title="softmax(z)",
        y_domain=(0, 1.08),
        label="label",
        description=probs_alt,
        height=BARS_HEIGHT,
        pick=PICK if target_key else None,
    )
    grads = pd.DataFrame(
        {
            "class": classes,
            "g": result.grad,
            "target": is_target,
            "label": [signed(v) for v in result.grad],
        }
    )
    bound = max(1.0, max(abs(g) for g in result.grad))
    grad_alt = t("cross_entropy.grad_alt")
    grads_chart = kinds.bars(
        grads,
        x="class",
        y="g",
        highlight="target",
        x_title=t("cross_entropy.class"),
        y_title="∂loss/∂z",
        y_domain=(-bound * 1.1, bound * 1.1),
        label="label",
        description=grad_alt,
        height=BARS_HEIGHT,
    )
    # A row that wraps: side by side on a laptop, one above the other on a phone (one block,
    # not a row of columns).
    with st.container(horizontal=True):
        chart_key = "cross_entropy.probs"
        kinds.show(
            titled(probs_chart, t("cross_entropy.probs_title")),
            key=chart_key,
            on_select=(lambda: pick_target(chart_key, target_key)) if target_key else None,
        )
        kinds.show(titled(grads_chart, t("cross_entropy.grad_title")), key="cross_entropy.grad")
    colours = (
        t("cross_entropy.target_colour")
        if lesson.grad_is_softmax_minus_onehot(setup)
        else t("cross_entropy.target_colour_general", grad_t=num(result.grad[target]))
    )
    panels.metric_row(
        [
            Metric("loss", num(result.loss)),
            Metric(f"softmax[{target}]", num(result.probs[target])),
            Metric("-log softmax[target]", num(-math.log(result.probs[target]))),
        ],
        caption=f"`softmax = {vector(result.probs)}`  \n`grad = {vector(result.grad)}`  \n"
        f"{colours}\n\n{symbols}",
    )

    if setup.double_softmax:
        honest = lesson.compute(lesson.Setup(**{**setup.__dict__, "double_softmax": False}))
        st.warning(
            t(
                "cross_entropy.mistake_effect",
                wrong=num(result.loss),
                right=num(honest.loss),
                inputs=vector(result.inputs),
                wrong_grad=vector(result.grad),
                right_grad=vector(honest.grad),
                floor=num(-math.log(math.e / (math.e + n - 1))),
            ),
            icon=":material/science:",
        )


def signed(value: float) -> str:
    """A gradient's bar label: its sign always, three decimals, never "-0.000" (a target's
    p - 1 when p rounds to 1)."""
    text = f"{value:+.3f}"
    return "+0.000" if text == "-0.000" else text


def formula(setup: lesson.Setup, result: lesson.Result) -> tuple[str, str]:
    """The loss and its gradient with the current numbers, in the form these options take, and
    the catalog key of the caption that names that form's symbols (and only those). Short lines,
    aligned at "=" (each result under its formula), so every number fits a phone."""
    target, n = setup.target, len(setup.logits)
    weight, smoothing, mistake = setup.weight, setup.label_smoothing, setup.double_softmax
    p_t = result.probs[target]
    onehot = [1.0 if i == target else 0.0 for i in range(n)]
    grad = r"\frac{\partial\,\mathrm{loss}}{\partial z}"
    given = ""
    if weight is None and smoothing == 0 and not mistake and not result.ignored:
        caption = "cross_entropy.caption_plain"
        loss = [
            rf"\mathrm{{loss}} &= -\log\frac{{e^{{z_{{{target}}}}}}}{{\sum_j e^{{z_j}}}}",
            rf"&= -\log {num(p_t)} = {num(result.loss)}",
        ]
        if setup.reduction == "none":  # the result and its shape on a line of their own
            loss[1:] = [
                rf"&= -\log {num(p_t)}",
                rf"&= {num(result.loss)}\quad(\text{{shape }}(1,))",
            ]
        slope = [
            rf"{grad} &= \mathrm{{softmax}}(z) - \mathrm{{onehot}}({target})",
            rf"&= {column(result.probs)} - {column(onehot)}",
            rf"&= {column(result.grad)}",
        ]
    elif mistake and weight is None and smoothing == 0 and not result.ignored:
        caption = "cross_entropy.caption_mistake"
        loss = [
            r"p &= \mathrm{softmax}(z)",
            rf"\mathrm{{loss}} &= -\log\frac{{e^{{p_{{{target}}}}}}}{{\sum_j e^{{p_j}}}}",
            rf"&= {num(result.loss)} \ \ge\ -\log\frac{{e}}{{e + C - 1}}",
        ]
        slope = [rf"{grad} &= {column(result.grad)}"]
    else:
        caption = "cross_entropy.caption_general"
        given = rf"\varepsilon = {num(smoothing)},\ C = {n},\ t = {target}: \\[6pt] "
        numerator = (  # two lines: on one, the fraction alone was wider than a phone
            r"\begin{gathered}(1-\varepsilon)\,w_t\,(-\log p_t)"
            r" \\ +\ \frac{\varepsilon}{C}\sum_j w_j\,(-\log p_j)\end{gathered}"
        )
        mean_only = t("cross_entropy.mean_only")
        loss = [
            rf"\mathrm{{loss}} &= \frac{{{numerator}}}{{w_t\ \text{{{mean_only}}}}}",
            rf"&= {num(result.loss)}",
        ]
        slope = [rf"{grad} &= {column(result.grad)}"]
    rows = r" \\ ".join(loss) + r" \\[6pt] " + r" \\ ".join(slope)
    return (
        rf"\begin{{gathered}}{given}\begin{{aligned}}{rows}\end{{aligned}}\end{{gathered}}",
        caption,
    )


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    setup = lesson.Setup((2.0, 1.0, 0.1), 0)
    result = lesson.compute(setup)
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
        height=thumbnails.HEIGHT,
    )
