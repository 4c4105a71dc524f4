"""What the activations page draws (notes §3, §5.3): the chosen functions and their slopes by
autograd, scrubbed over x, the numbers at the probe, and nn.ReLU(inplace=True)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t, template
from lib.lessons._format import num
from lib.lessons.activations import compute as lesson
from lib.view import kinds, thumbnails
from lib.view.lesson import Page, Part
from lib.view.url_state import PageState

LO, HI = lesson.RANGE
X_STEP = 0.1  # the probe slider's step, and so the scrub grid's
PALETTE = kinds.palette(lesson.NAMES)
PICTURE_HEIGHT = 340  # each picture chart, its title inside it (the plot as tall as before)


def scrub_shown(state: PageState) -> bool:
    """A teacher's lock or hide of x leaves the scrub chart (x's own control) out too."""
    return not (state.locked or "x" in state.hidden)


# The tables below the formula are folded: a part costs a slider move nothing until a student
# opens it. f(x) is drawn once, in the picture: scrubbed in the browser where the x control is
# the student's (its own range input under it), else with the probe marked.
SECTIONS = (
    Part("probe", "activations.probe_title", folded=True),
    Part("module", "activations.module_title", folded=True),
)


def picture_caption(state: PageState) -> tuple[str, ...]:
    return ("activations.scrub_caption",) if scrub_shown(state) else ()


def prepare(state: PageState) -> None:
    """An empty plotted range falls back to the default one; the probe stays inside it."""
    defaults = state.spec
    if state.url_values["lo"] >= state.url_values["hi"]:
        state.fix("lo", defaults["lo"].default, "empty_range")
        state.fix("hi", defaults["hi"].default, "empty_range")
    lo_url, hi_url = state.url_values["lo"], state.url_values["hi"]
    if not lo_url <= state.url_values["x"] <= hi_url:
        state.fix("x", min(max(state.url_values["x"], lo_url), hi_url), "outside_plot")


def values_domain(lo: float, hi: float) -> tuple[float, float]:
    """The f(x) axis of the value charts: room for every function's curve on [lo, hi]."""
    return (min(-1.2, 0.01 * lo), max(1.2, hi))


def tex_name(name: str) -> str:
    return name.replace("_", r"\_")


def scrub_chart(
    names, lo: float, hi: float, beta: float, threshold: float, x: float, height: int
) -> kinds.Spec:
    """f(x) at every probe point the x slider can take, scrubbed in the browser (no rerun)."""
    grid = lesson.scrub_grid(names, lo, hi, beta, threshold, step=X_STEP)
    row = template("activations.scrub_row")  # the template, formatted below (one lookup, not 400)
    lines: dict[float, list[str]] = {}
    columns = (grid[c].tolist() for c in ("fn", "x", "y", "dy"))
    for fn, at, y, dy in zip(*columns, strict=True):
        lines.setdefault(at, [f"x = {num(at)}"]).append(row.format(fn=fn, y=num(y), dy=num(dy)))
    readout = pd.DataFrame({"x": list(lines), "text": ["\n".join(v) for v in lines.values()]})
    return kinds.scrub_lines(
        grid,
        readout,
        x="x",
        y="y",
        color="fn",
        x_title="x",
        y_title="f(x)",
        x_domain=(lo, hi),
        y_domain=values_domain(lo, hi),
        description=t("activations.scrub_alt", fns=", ".join(names)),
        label=t("activations.scrub_label"),
        step=X_STEP,
        value=x,
        palette=PALETTE,
        height=height,
    )


def secondary(page: Page) -> dict:
    """softplus's β and threshold: they change one curve of eight."""
    state = page.state
    beta = state.control(st.slider, "beta", t("activations.beta_label"), 0.1, 10.0, step=0.1)
    threshold = state.control(
        st.slider, "threshold", t("activations.threshold_label"), 1.0, 40.0, step=1.0
    )
    return {"beta": beta, "threshold": threshold}


def formula_caption(names) -> str | None:
    """What the symbols of the shown formulas mean: only those that are there (Φ with GELU, σ
    with SiLU, β and threshold with softplus); None when nothing needs saying."""
    parts = [t(f"activations.caption_{n}") for n in ("gelu", "silu", "softplus") if n in names]
    return " ".join(parts) or None


def formula_tex(probes, x: float, beta: float, threshold: float) -> str:
    """x on a line of its own, then three short lines a function: its closed form, its value at
    x, its slope there. One line a function (with x in front) was wider than a phone."""
    rows = (
        rf"\mathrm{{{tex_name(p.fn)}}}(x) &= {lesson.formula_at(p.fn, x, beta, threshold)}"
        rf" \\ &= {num(p.value)}"
        rf" \\ \mathrm{{{tex_name(p.fn)}}}'(x) &= {num(p.slope)}"
        for p in probes
    )
    aligned = r"\begin{aligned}" + r" \\[6pt] ".join(rows) + r"\end{aligned}"
    return rf"\begin{{gathered}}x = {num(x)}: \\[6pt] {aligned}\end{{gathered}}"


def live(page: Page) -> None:
    state = page.state
    names = state.control(
        st.multiselect,
        "fn",
        t("activations.functions"),
        lesson.NAMES,
        help=t("activations.functions_help"),
    )
    names = tuple(names) or lesson.NOTES_FOUR[:1]  # an empty choice shows relu, not nothing
    lo, hi = state.control(
        st.slider,
        "range",
        t("activations.range"),
        LO,
        HI,
        step=0.5,
        value=(state.url_values["lo"], state.url_values["hi"]),
        params=("lo", "hi"),
    )
    if lo == hi:  # a zero-width range cannot be plotted: widen it by one step
        lo, hi = (lo, hi + 0.5) if hi < HI else (lo - 0.5, hi)
    x_key = state.seeded("x")
    st.session_state[x_key] = min(max(st.session_state[x_key], lo), hi)
    x = state.control(st.slider, "x", t("activations.probe"), lo, hi, step=X_STEP)
    beta, threshold = page.secondary["beta"], page.secondary["threshold"]
    inplace = st.session_state.get(state.seeded("inplace"))  # its switch is in the module part
    page.sync(
        {
            "fn": names,
            "x": x,
            "lo": lo,
            "hi": hi,
            "beta": beta,
            "threshold": threshold,
            "inplace": inplace,
        }
    )

    table = lesson.curves(names, lo, hi, beta, threshold)  # once: the charts and the table use it
    probes = lesson.probe(names, x, beta, threshold)
    with page.picture:
        scrub = scrub_shown(state) and scrub_chart(
            names, lo, hi, beta, threshold, x, PICTURE_HEIGHT
        )
        picture(names, table, probes, x, scrub or None)

    if page.shows("probe"):
        with page.slot("probe"):
            probe_table(names, table, probes)

    page.formula(formula_tex(probes, x, beta, threshold), formula_caption(names))

    if page.shows("module"):
        with page.slot("module"):
            module_part(state, lo, hi)

    page.code(lambda: lesson.snippet(names, x, beta, threshold))

    steepest = max(abs(p.slope) for p in probes)
    page.check(
        key="activations.check",
        question=t("activations.check_question", x=num(x)),
        options=list(names),
        answers={p.fn for p in probes if abs(p.slope) >= steepest - 1e-6},
        explanation=t(
            "activations.check_explanation",
            slopes=", ".join(f"{p.fn}: {num(p.slope)}" for p in probes),
        ),
    )


def picture(names, table: pd.DataFrame, probes, x: float, scrub: kinds.Spec | None) -> None:
    """f(x) and f′(x) side by side, each function marked at the probe x; f(x) is the ``scrub``
    chart where there is one (it starts at the probe)."""
    marks = pd.DataFrame(
        {
            "fn": [p.fn for p in probes],
            "x": x,
            "y": [p.value for p in probes],
            "dy": [p.slope for p in probes],
        }
    )
    # x_domain None: the x axis spans the curves' own [lo, hi], so the range slider changes
    # the data, not the spec (likewise the values axis, from the data with 0 included).
    common = dict(x="x", color="fn", x_title="x", x_domain=None, palette=PALETTE, marks=marks)
    # A row that wraps: side by side on a laptop, one above the other on a phone (one block,
    # not a row of columns); each chart's title is inside it.
    with st.container(horizontal=True):
        values = scrub or kinds.lines(
            table,
            y="y",
            y_title="f(x)",
            y_domain=None,
            description=t("activations.values_alt", fns=", ".join(names)),
            height=PICTURE_HEIGHT,
            **common,
        )
        kinds.show(kinds.titled(values, t("activations.values_title")), key="activations.values")
        slopes = kinds.lines(
            table,
            y="dy",
            y_title="f′(x)",
            y_domain=(-0.25, 1.25),
            description=t("activations.slopes_alt", fns=", ".join(names)),
            height=PICTURE_HEIGHT,
            pieces="piece",  # ReLU's slope jumps at 0: drawn as a jump
            **common,
        )
        kinds.show(kinds.titled(slopes, t("activations.slopes_title")), key="activations.slopes")


def probe_table(names, table: pd.DataFrame, probes) -> None:
    """The values and slopes at the probe, and the share of the range where the slope vanishes."""
    vanished = lesson.vanished(table)
    # st.table: a static table renders faster than the interactive grid as the probe moves.
    st.table(
        pd.DataFrame(
            {
                "fn": names,
                "f(x)": [num(p.value) for p in probes],
                "f'(x)": [num(p.slope) for p in probes],
                t("activations.vanished", limit=lesson.VANISH): [
                    f"{vanished[n]:.0%}" for n in names
                ],
            }
        ).set_index("fn")
    )
    st.caption(t("activations.vanished_caption", limit=lesson.VANISH))


def module_part(state: PageState, lo: float, hi: float) -> None:
    """nn.ReLU() next to torch.relu, and what inplace=True does to the input."""
    st.markdown(t("activations.module_text", same=lesson.module_equals_functional(lo, hi)))
    inplace = state.control(st.toggle, "inplace", "nn.ReLU(inplace=True)")
    demo = lesson.inplace_demo(inplace)
    st.table(
        pd.DataFrame(
            {
                t("activations.inplace_before"): demo.before,
                t("activations.inplace_output"): demo.output,
                t("activations.inplace_after"): demo.input_after,
            }
        ).T
    )
    st.caption(t("activations.inplace_true" if inplace else "activations.inplace_false"))


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    table = lesson.curves(lesson.NOTES_FOUR, -5.0, 5.0)
    return kinds.lines(
        table,
        x="x",
        y="y",
        color="fn",
        x_title="x",
        y_title="f(x)",
        x_domain=(-5, 5),
        y_domain=(-1.2, 3),
        palette=kinds.palette(lesson.NAMES),
        description=t("activations.values_alt", fns=", ".join(lesson.NOTES_FOUR)),
        height=thumbnails.HEIGHT,
    )
