"""What the linear page draws (notes §5.1): the layer's weight in its true shape (out, in), b
and y next to it, how a 2 → 2 layer moves a grid of points, y = x Aᵀ + b with the numbers, and
the same layer written four ways."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num, tex_sum, wrapped
from lib.lessons.linear import compute as lesson
from lib.view import kinds, panels, thumbnails
from lib.view.frame import presenting
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState

LO, HI = lesson.X_RANGE
SIZES = (lesson.MIN_FEATURES, lesson.MAX_FEATURES)

SECTIONS = (Part("notation", "linear.notation_title", "linear.notation_intro", folded=True),)
FORMULA_CAPTION = "linear.formula_caption"  # also says how the parameter count is made


def prepare(state: PageState) -> None:
    """A link's x must have one value per input feature."""
    n_in_url, x_url = state.url_values["in"], state.url_values["x"]
    if x_url and len(x_url) != n_in_url:
        state.fix("x", lesson.fit_x(x_url, n_in_url), "linear_x_length")


# Pixels per heatmap cell (square cells: the weight chart's shape is the weight's shape). Wide
# layers get smaller cells so the weight, b and y together still fit a 390-pixel phone.
CELL_MAX, CELL_MIN, CELLS_WIDTH = 42, 28, 250


def cell_size(n_in: int) -> int:
    return max(CELL_MIN, min(CELL_MAX, CELLS_WIDTH // (n_in + 2)))


def show_two_by_two(state: PageState) -> None:
    st.session_state[state.key("in")] = 2
    st.session_state[state.key("out")] = 2


def layer_chart(result: lesson.Forward, reach: float, shape_shown: bool = True) -> kinds.Spec:
    """weight (out, in), then bias (out,) and y (out,) as columns of cells sharing the rows."""
    n_out, n_in = result.weight.shape
    # The default init draws A and b from [-1/sqrt(in), 1/sqrt(in)]: colours span exactly that.
    init_bound = lesson.bound(n_in)
    shape = f"({n_out},)"
    blocks = [
        kinds.Block(
            "weight_cells",
            kinds.long_table(result.weight),
            # Its title names the shape: "?" while the check asks for it.
            t(
                "linear.weight_title",
                rows=n_out if shape_shown else "?",
                cols=n_in if shape_shown else "?",
            ).split("\n"),
            init_bound,
            col_title=t("linear.input_axis"),
        )
    ]
    if result.bias is not None:
        blocks.append(
            kinds.Block(
                "bias_cells", kinds.long_table(result.bias.unsqueeze(1)), ["b", shape], init_bound
            )
        )
    blocks.append(
        kinds.Block("output_cells", kinds.long_table(result.y.unsqueeze(1)), ["y", shape], reach)
    )
    return kinds.matrices(
        *blocks,
        row_title=t("linear.output_axis"),
        cell=cell_size(n_in),
        description=t("linear.layer_alt", rows=n_out, cols=n_in),
    )


# The points the grid chart marks: x, its image y, and b (the origin's image).
POINT_COLOURS = {"x": kinds.OKABE_ITO[1], "y": kinds.HIGHLIGHT, "b": kinds.INK}


def grid_chart(
    moved: pd.DataFrame, points: pd.DataFrame, half: float, description: str, size: int = 300
) -> kinds.Spec:
    """The unit grid before (faint) and after (bold) the layer, with x, y and the origin's
    image marked, and a dashed rule from x to y; square, in [-half, half] on both axes."""
    return kinds.grid_transform(
        moved,
        points,
        half,
        x_title=t("linear.grid_axis0"),
        y_title=t("linear.grid_axis1"),
        colours=POINT_COLOURS,
        moved="x",
        description=description,
        size=size,
    )


def row_tex(values) -> str:
    return r"\begin{pmatrix}" + " & ".join(num(v) for v in values) + r"\end{pmatrix}"


def matrix_tex(rows: list[list[float]]) -> str:
    rows = [" & ".join(num(v) for v in row) for row in rows]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def factor(value: float) -> str:
    """A number inside a product: negatives in parentheses."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def vector(values) -> str:
    return "[" + ", ".join(num(v) for v in values) + "]"


# Every line fits a 390 px phone (formulas at 16 px there), however long the numbers are (num
# gives up to 10 characters, "-0.0001234"): a factor with more columns than these is cut into
# slices of this many, one a line, each named as PyTorch indexes it (x[0:4], A^T[:, 0:2]).
X_PER_LINE = 4  # x holds the sliders' short numbers ("-2.9")
COLUMNS_PER_LINE = 2  # of Aᵀ, b and y: three columns of long weights and a name were 400 px
NAMES_PER_LINE = 3  # symbols of the worked y_0 (A_{00}x_{0}) on one line
# Its numbers fill a line up to this many characters (about 280 px at 16 px): two terms as a
# rule, one when both are long ("(-0.005294)·(-2.9)": two of those were 360 px wide).
TERM_CHARS_PER_LINE = 32


def count_tex(n_in: int, n_out: int, bias: bool, total: int | str) -> str:
    """The parameter count: in×out numbers in A (plus out in b), ``total`` as shown; the
    numbers under the names (on one line it was wider than a phone in presenter mode)."""
    count_terms = rf"{n_in}\times{n_out}" + (rf" + {n_out}" if bias else "")
    count_names = r"\text{in}\times\text{out}" + (r" + \text{out}" if bias else "")
    return (
        rf"\begin{{aligned}}\text{{{t('labels.parameters')}}} &= {count_names}"
        rf" \\ &= {count_terms} = {total}\end{{aligned}}"
    )


def sliced(name: str, values: list, per_line: int, tex) -> list[str]:
    """Aligned lines ``name = tex(values)``, cut into slices of ``per_line`` columns (of a row,
    or of a matrix's rows) when there are more: ``name[0:4] = ...``, ``name[:, 0:2] = ...``."""
    width = len(values[0]) if isinstance(values[0], list) else len(values)
    if width <= per_line:
        return [rf"{name} &= {tex(values)}"]
    lines = []
    for lo in range(0, width, per_line):
        hi = min(lo + per_line, width)
        if isinstance(values[0], list):
            part, index = [row[lo:hi] for row in values], rf"{{:}},\,{lo}{{:}}{hi}"
        else:
            part, index = values[lo:hi], rf"{lo}{{:}}{hi}"
        lines.append(rf"{name}[{index}] &= {tex(part)}")
    return lines


def formula_tex(weight, b, x: tuple[float, ...], y: list[float], count: str | None = None) -> str:
    """y = x Aᵀ + b with the current numbers, the parameter count (``count``: its line), and
    y_0 worked out term by term."""
    n_out, n_in = weight.shape
    symbols = r"y = x A^\top + b" if b is not None else r"y = x A^\top"
    # Two short lines, not one long one: every line of the formula fits a phone's width.
    head = symbols + rf" \\ A = \texttt{{layer.weight}}:\ ({n_out}\times{n_in})"
    # One factor a line, a slice a line when it is wide (so even 8 x 8 fits a phone), all
    # aligned at "=". (On one line, y = x Aᵀ + b of a 1 -> 1 layer was wider than a phone.)
    factors = [sliced("x", list(x), X_PER_LINE, row_tex)]
    factors.append(sliced(r"A^\top", weight.T.tolist(), COLUMNS_PER_LINE, matrix_tex))
    if b is not None:
        factors.append(sliced("b", b.tolist(), COLUMNS_PER_LINE, row_tex))
    factors.append(sliced("y", y, COLUMNS_PER_LINE, row_tex))
    equation = (
        r"\begin{aligned}"
        + r" \\[8pt] ".join(r" \\[6pt] ".join(lines) for lines in factors)
        + r"\end{aligned}"
    )

    terms = [f"{factor(weight[0, i].item())}\\cdot{factor(x[i])}" for i in range(n_in)]
    names = [rf"A_{{0{i}}}x_{{{i}}}" for i in range(n_in)]
    if b is not None:
        terms.append(factor(b[0].item()))
        names.append("b_0")
    name_lines = [names[k : k + NAMES_PER_LINE] for k in range(0, len(names), NAMES_PER_LINE)]
    worked = (
        r"\begin{aligned} y_0 &= "
        + tex_sum(name_lines)
        + r" \\ &= "
        + tex_sum(wrapped(terms, TERM_CHARS_PER_LINE))
        + rf" \\ &= {num(y[0])}\end{{aligned}}"
    )
    counted = [count] if count else []
    lines = r" \\[6pt] ".join([head, *counted, equation, worked])  # a little air between lines
    return r"\begin{gathered}" + lines + r"\end{gathered}"


def secondary(page: Page) -> dict:
    """The seed: the same starting weights for everyone who opens the link."""
    seed = page.state.seed_control(st, t("linear.new_seed"), help=t("linear.seed_help"))
    return {"seed": seed}


def setup(page: Page) -> dict:
    """The layer's shape and bias (moving one reruns the page), a way to the 2 -> 2 grid, and
    the heading of the input sliders, which follow in the live part."""
    state = page.state
    n_in = state.control(st.slider, "in", "in_features", *SIZES, help=t("linear.in_help"))
    n_out = state.control(st.slider, "out", "out_features", *SIZES, help=t("linear.out_help"))
    bias = state.control(st.toggle, "bias", "bias", help=t("linear.bias_help"))
    if (n_in, n_out) != (2, 2) and not state.locked and not {"in", "out"} & state.hidden:
        st.info(t("linear.grid_hint"), icon=":material/grid_4x4:")
        st.button(t("linear.grid_button"), on_click=show_two_by_two, args=(state,))
    if "x" not in state.hidden:
        st.markdown(f"**{t('linear.x_title')}**")
    return {"in": n_in, "out": n_out, "bias": bias}


def live(page: Page) -> None:
    state = page.state
    n_in, n_out, bias = (page.secondary[name] for name in ("in", "out", "bias"))
    seed = page.secondary["seed"]
    x_url = state.url_values["x"]
    x = tuple(
        state.control(
            st.slider,
            f"x{i}",
            f"x[{i}]",
            LO,
            HI,
            step=0.1,
            value=x_url[i] if i < len(x_url) else lesson.DEFAULT_X[i],
            params=("x",),
        )
        for i in range(n_in)
    )
    page.sync({"in": n_in, "out": n_out, "bias": bias, "seed": seed, "x": x})

    result = lesson.forward(n_in, n_out, bias, seed, x)
    weight, b, y = result.weight, result.bias, result.y.tolist()
    check = question(result)
    # The number the check asks for stays hidden in the picture until the student answers.
    pending = None if page.answered(check["key"], check["question"]) else check["key"]
    with page.picture:
        picture(page, result, x, pending)

    # The parameter count is a line of the formula, hidden while the check asks for it.
    count_shown = pending != "linear.check_count"
    total = result.parameters if count_shown else r"\,?"
    page.formula(formula_tex(weight, b, x, y, count_tex(n_in, n_out, bias, total)))
    if page.shows("notation"):
        with page.slot("notation"):
            notation(result, bias)
    page.code(lambda: lesson.snippet(n_in, n_out, bias, seed, x))

    page.check(**check)


def question(result: lesson.Forward) -> dict:
    """Check yourself for this layer: its weight's shape (in != out), else its parameter count."""
    n_out, n_in = result.weight.shape
    if n_in != n_out:
        shape = str(tuple(result.weight.shape))
        return dict(
            key="linear.check_shape",
            question=t("linear.check_shape_question", n_in=n_in, n_out=n_out),
            options=[f"({n_in}, {n_out})", f"({n_out}, {n_in})", f"({n_in * n_out},)"],
            answers={shape},
            explanation=t("linear.check_shape_explanation", shape=shape),
        )
    bias = result.bias is not None
    candidates = {n_in * n_out, n_in * n_out + n_out, (n_in + 1) * (n_out + 1), n_in + n_out}
    plus_bias = t("linear.check_plus_bias", n_out=n_out) if bias else ""
    return dict(
        key="linear.check_count",
        question=t("linear.check_count_question", n_in=n_in, n_out=n_out, bias=bias),
        options=[str(c) for c in sorted(candidates)],
        answers={str(result.parameters)},
        explanation=t(
            "linear.check_count_explanation",
            count=result.parameters,
            n_in=n_in,
            n_out=n_out,
            plus_bias=plus_bias,
        ),
    )


def picture(page: Page, result: lesson.Forward, x: tuple[float, ...], pending: str | None):
    """The layer's numbers in their true shape and, for 2 → 2, the moved grid beside them;
    under them, one element: the metrics (the one the pending check asks for hidden), every
    y[j] and the caption (titles in the charts: fewer elements a move)."""
    n_out, n_in = result.weight.shape
    y = result.y.tolist()
    shape_shown = pending != "linear.check_shape"
    count_shown = pending != "linear.check_count"
    reach = lesson.output_reach(result)
    chart = kinds.titled(layer_chart(result, reach, shape_shown), t("linear.layer_title"))
    about = t("linear.layer_caption", bound=num(lesson.bound(n_in)))
    if (n_in, n_out) == (2, 2):
        left, right = st.columns(2)  # side by side at 1280 px (in a wrapping row they wrap)
        with left:
            kinds.show(chart, key="linear.layer", width="content")
        with right:
            about = f"{about}\n\n{grid(result, x)}"
    else:
        kinds.show(chart, key="linear.layer", width="content")
    panels.metric_row(
        [
            Metric(
                "weight.shape",
                panels.hidden_until(shape_shown, str(tuple(result.weight.shape))),
                help=t("linear.shape_help" if shape_shown else "panel.check_first"),
            ),
            Metric(
                t("labels.parameters"),
                panels.hidden_until(count_shown, str(result.parameters)),
                help=t("linear.parameters_help" if count_shown else "panel.check_first"),
            ),
            *(Metric(f"y[{j}]", num(y[j])) for j in range(n_out)),
        ],
        caption=about,
    )


def grid_parts(result: lesson.Forward, x: tuple[float, ...]):
    """The moved grid, the marked points (x, y and b) and the half-width of the square axes."""
    b, y = result.bias, result.y.tolist()
    moved = lesson.move_grid(result)
    origin = b.tolist() if b is not None else [0.0, 0.0]
    points = pd.DataFrame(
        {
            "name": ["x", "y", "b"],
            "p0": [x[0], y[0], origin[0]],
            "p1": [x[1], y[1], origin[1]],
            "q0": [y[0], y[0], origin[0]],  # the dashed rule from x to y
            "q1": [y[1], y[1], origin[1]],
        }
    )
    if b is None:  # no bias: the origin stays put, and there is no b to mark
        points = points.iloc[:2]
    # Square axes that hold the grid, x and y, in steps of a half; they only move when
    # the picture would not fit.
    extent = max(moved[["p0", "p1"]].abs().max().max(), *map(abs, (*x, *y)))
    half = max(1.5, math.ceil((extent + 0.3) * 2) / 2)
    return moved, points, half


def grid(result: lesson.Forward, x: tuple[float, ...]) -> str:
    """How the 2 → 2 layer moves a grid over the unit square, with x, y and b marked; returns
    its caption (drawn under the layer's numbers and the grid together)."""
    moved, points, half = grid_parts(result, x)
    after = moved[moved.stage == "after"]
    corner = after[(after.line == "x1=0") & (after.order == after.order.max())].iloc[0]
    side = after[(after.line == "x0=0") & (after.order == after.order.max())].iloc[0]
    description = t("linear.grid_alt")
    # Half the picture's column at 1280 px is ~270 px: a 210-px square with its axes fits it at
    # full type size (a projector's column fits 300).
    size = 300 if presenting() else 210
    spec = grid_chart(moved, points, half, description, size=size)
    chart = kinds.titled(spec, t("linear.grid_title"))
    kinds.show(chart, key="linear.grid", width="content")
    return t(
        "linear.grid_caption",
        points=len(after),
        c0=num(corner.p0),
        c1=num(corner.p1),
        d0=num(side.p0),
        d1=num(side.p1),
    )


def notation(result: lesson.Forward, bias: bool) -> None:
    """The same layer four ways: layer(x), x Aᵀ + b, A x + b, and the forgotten transpose."""
    n_out, n_in = result.weight.shape
    forms = lesson.notation(result)
    plus = " + layer.bias" if bias else ""
    table = [
        ("layer(x)", forms.layer),
        (f"x @ layer.weight.T{plus}", forms.row),
        (
            f"layer.weight @ x.reshape(-1, 1){plus}  # {'y = Ax + b' if bias else 'y = Ax'}",
            forms.column,
        ),
    ]
    if forms.no_transpose is not None:
        table.append((f"x @ layer.weight{plus}  # no .T", forms.no_transpose))
    st.table(
        pd.DataFrame(
            {
                t("linear.expression"): [expression for expression, _ in table],
                t("linear.result"): [vector(values) for _, values in table],
            }
        ),
        hide_index=True,
    )
    if forms.error is not None:
        st.markdown(t("linear.no_transpose_error", rows=n_out, cols=n_in))
        st.code(f"RuntimeError: {forms.error}", language="text")
    elif vector(forms.no_transpose) == vector(forms.layer):
        st.caption(t("linear.no_transpose_same"))
    else:
        # st.info, not st.warning: warnings on this app mean "your link had a bad value".
        st.info(t("linear.no_transpose_silent"), icon=":material/bug_report:")


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    # What sets the lesson apart: the plane moved by a real 2 → 2 layer (its default state).
    result = lesson.forward(2, 2, True, 0, lesson.default_x(2))
    moved, points, half = grid_parts(result, lesson.default_x(2))
    return grid_chart(moved, points, half, t("linear.card"), size=thumbnails.HEIGHT)
