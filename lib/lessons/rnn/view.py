"""What the rnn page draws (notes §5.7): nn.RNN and nn.LSTM step by step: the input and the
hidden state over time (the LSTM's cell state and gates too), the step equations for one unit,
shapes and batch_first, and the parameter count."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.rnn import compute as lesson
from lib.urlspec import MAX_RAW_CHARS
from lib.view import kinds, thumbnails
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState


def lstm_shown(state: PageState) -> bool:
    """The gates exist only for the LSTM (the layer is a More settings control: when it
    changes the whole page reruns, and the parts are laid out again)."""
    return st.session_state.get(state.key("cell"), state.url_values["cell"]) == "lstm"


# Static text lives in the parts' headings and captions: drawn once, not on every move. The
# tables are folded: a closed part costs a move nothing.
SECTIONS = (
    Part("units", "rnn.units_title", folded=True),
    Part("gates", "rnn.gates_title", "rnn.gates_caption", when=lstm_shown),
    Part("final", "rnn.final_title", folded=True),
    Part("shapes", "rnn.shapes_title", "rnn.shapes_intro", folded=True),
    Part("params", "rnn.params_title", folded=True),
)
FORMULA_CAPTION = "rnn.formula_caption"

SIGNED = (-1.0, 1.0)  # tanh's range: h, g, and the sine input
UNIT = (0.0, 1.0)  # sigmoid's range: i, f, o, and one-hot inputs
CELL_DOMAIN = SIGNED  # c_t is not squashed: colours saturate beyond ±1, labels stay true
LABELLED_STEPS = 20  # numbers in the cells up to this many steps (and only where they fit)


def clamp_key(key: str, lo: int, hi: int) -> None:
    """Keep a stored choice valid after its range shrank."""
    if key in st.session_state:
        st.session_state[key] = min(max(st.session_state[key], lo), hi)


def tokens_control(state: PageState, input_size: int, enabled: bool) -> tuple[int, ...]:
    """The token list as text ("0,1,2,1"), tidied before it is drawn: parsed by the same URL
    rules, ids clamped to the vocabulary (input size). Empty means 0, 1, ..., input - 1."""
    spec = state.spec["tokens"]
    key = state.seed("tokens", spec.format(state.url_values["tokens"]))
    text = st.session_state[key]
    tokens, reason = spec.read(text) if text.strip() else ((), None)
    clamped = tuple(min(tok, input_size - 1) for tok in tokens)
    tidy = spec.format(clamped)
    if tidy != text.strip() or reason:
        st.session_state[key] = tidy
    state.control(
        st.text_input,
        "tokens",
        t("rnn.tokens"),
        max_chars=MAX_RAW_CHARS,  # what the URL parser reads back
        disabled=not enabled,
        placeholder=t("rnn.tokens_placeholder", last=input_size - 1),
        help=t("rnn.tokens_help"),
    )
    if enabled and (reason or clamped != tokens):
        st.caption(t("rnn.tokens_tidied", used=tidy or t("rnn.tokens_counting")))
    return clamped


def time_frame(values, label: bool) -> pd.DataFrame:
    """A (steps, rows) tensor as a long table: one cell per (time step, row)."""
    table = kinds.long_table(values.T, label=kinds.two_decimals if label else None)
    return pd.DataFrame(
        {
            "step": table["col"],
            "unit": table["row"],
            "value": table["value"],
            "label": table["label"],
            "steps": values.shape[0],  # read by the chart's "numbers fit" test (data, not spec)
        }
    )


def show_heatmap(values, name: str, **kwargs) -> None:
    """A (steps, rows) tensor over time; numbers in the cells up to LABELLED_STEPS steps."""
    numbers = values.shape[0] <= LABELLED_STEPS
    chart = kinds.time_heatmap(
        time_frame(values, numbers),
        step_title=t("rnn.step_axis"),
        numbers=numbers,
        **kwargs,
    )
    kinds.show(chart, key=f"rnn.{name}")


def factor(value: float) -> str:
    """A number as a factor in a product: negative ones in parentheses."""
    return num(value) if value >= 0 else rf"({num(value)})"


def picture(setup: lesson.Setup, run: lesson.Run, step: int) -> None:
    """Over time: the input, then the hidden state (the LSTM's cell state beside it), then one
    caption under them (so the charts come first on the screen, and one element is sent)."""
    if setup.kind == "onehot":
        cycle = ",".join(map(str, setup.token_cycle))
        about_x = t("rnn.onehot_caption", tokens=cycle, vocab=setup.input_size)
        x_domain, x_scheme = UNIT, "blues"
    else:
        about_x = t("rnn.sine_caption", freq=num(setup.freq), size=setup.input_size)
        x_domain, x_scheme = SIGNED, "blueorange"
    show_heatmap(
        run.x[:, 0],
        "x",
        title=t("rnn.x_title"),
        rows_title=t("rnn.feature_axis"),
        domain=x_domain,
        scheme=x_scheme,
        description=t("rnn.x_alt"),
        focus=step,
    )
    hidden_map = dict(rows_title=t("rnn.unit_axis"), focus=step)
    if setup.cell == "rnn":
        show_heatmap(
            run.output[:, 0],
            "h",
            title=t("rnn.h_title"),
            domain=SIGNED,
            scheme="blueorange",
            description=t("rnn.h_alt"),
            **hidden_map,
        )
        caption(about_x, t("rnn.h_caption"))
        return
    left, right = st.columns(2)
    with left:
        show_heatmap(
            run.cells[:, 0],
            "c",
            title=t("rnn.c_title"),
            domain=CELL_DOMAIN,
            scheme="blueorange",
            description=t("rnn.c_alt"),
            **hidden_map,
        )
    with right:
        show_heatmap(
            run.output[:, 0],
            "h",
            title=t("rnn.h_lstm_title"),
            domain=SIGNED,
            scheme="blueorange",
            description=t("rnn.h_alt"),
            **hidden_map,
        )
    biggest = run.cells[:, 0].abs().max().item()
    caption(about_x, t("rnn.c_caption", biggest=num(biggest)))


def caption(*paragraphs: str) -> None:
    """The picture's caption: its title ("Over time") on the first line, then the paragraphs."""
    st.caption(f"**{t('rnn.over_time')}**  \n" + "\n\n".join(paragraphs))


def gates(setup: lesson.Setup, run: lesson.Run, step: int) -> None:
    """The LSTM's four gates over time, two by two (nn.RNN has none): i over g on the left, f
    over o on the right, so the grid reads i, f / g, o (one row of columns: fewer elements a
    move than two)."""
    hidden_map = dict(rows_title=t("rnn.unit_axis"), focus=step)
    for col, pair in zip(st.columns(2), (("i", "g"), ("f", "o")), strict=True):
        for gate in pair:
            with col:
                sigmoid = gate in lesson.SIGMOID_GATES
                show_heatmap(
                    run.gates[gate][:, 0],
                    gate,
                    title=t(f"rnn.gate_{gate}"),
                    domain=UNIT if sigmoid else SIGNED,
                    scheme="greens" if sigmoid else "blueorange",
                    description=t("rnn.gate_alt", gate=gate, low="0" if sigmoid else "-1"),
                    **hidden_map,
                )


def final_states(setup: lesson.Setup, run: lesson.Run) -> None:
    """h_n (and c_n) for every sequence, and h_n against the last row of output."""
    lines = []
    for b in range(setup.batch):
        lines.append(f"`h_n[0, {b}] = {lesson.vector(run.h_n[0, b])}`")
        if setup.cell == "lstm":
            lines.append(f"`c_n[0, {b}] = {lesson.vector(run.c_n[0, b])}`")
    st.markdown("  \n".join(lines))
    last = "output[:, -1]" if setup.batch_first else "output[-1]"
    st.caption(t("rnn.last_row", last=last, same=run.h_n_is_last_output))


def shapes_section(setup: lesson.Setup, result: lesson.Layouts) -> None:
    columns = {
        "x.shape": [lesson.shape_text(r.x_shape) for r in result.rows],
        "output.shape": [lesson.shape_text(r.output_shape) for r in result.rows],
        "h_n.shape": [lesson.shape_text(r.h_n_shape) for r in result.rows],
    }
    if setup.cell == "lstm":
        columns["c_n.shape"] = [lesson.shape_text(r.c_n_shape) for r in result.rows]
    table = pd.DataFrame(columns)
    table.index = [
        f"batch_first={r.batch_first}" + (" ←" if r.batch_first == setup.batch_first else "")
        for r in result.rows
    ]
    st.table(table)
    st.caption(
        t(
            "rnn.shapes_caption",
            transpose=result.output_is_transpose,
            same=result.h_n_equal,
        )
    )
    st.markdown(t("rnn.h0_intro"))  # a part of its own would cost a move as much
    error = lesson.batch_first_h0_error(setup)
    if error is None:
        st.info(t("rnn.h0_hidden", hidden=setup.hidden))
    else:
        st.code(f"RuntimeError: {error}", language="text")
        st.caption(t("rnn.h0_explain", batch=setup.batch, hidden=setup.hidden))


def parameters_section(setup: lesson.Setup, run: lesson.Run) -> None:
    table = pd.DataFrame(
        {
            "shape": [lesson.shape_text(shape) for _, shape, _ in run.param_shapes],
            "numel()": [count for _, _, count in run.param_shapes],
        },
        index=[name for name, _, _ in run.param_shapes],
    )
    st.table(table)
    i, h = setup.input_size, setup.hidden
    if setup.cell == "lstm":
        rule = r"4\,(H\,(I + H) + 2H)"
        numbers = rf"4\cdot({h}\cdot({i} + {h}) + 2\cdot{h})"
    else:
        rule = r"H\,(I + H) + 2H"
        numbers = rf"{h}\cdot({i} + {h}) + 2\cdot{h}"
    by_formula = lesson.param_formula(setup.cell, i, h)
    st.latex(
        r"\begin{aligned}"
        rf"\text{{{t('rnn.params_word')}}} &= {rule}\\"
        rf"&= {numbers}\\"  # its result on a line of its own: one line was wider than a phone
        rf"&= {by_formula}\\"
        rf"\texttt{{sum(p.numel())}} &= {run.param_count}"
        r"\end{aligned}"
    )
    st.caption(t("rnn.params_lstm" if setup.cell == "lstm" else "rnn.params_rnn", hidden=h))


def step_formula(page: Page, setup: lesson.Setup, run: lesson.Run, step: int, unit: int) -> None:
    """The step equations, then unit j's numbers at step t (sequence 0), then every unit."""
    h = setup.hidden
    s, j = step, unit

    def terms(row: int) -> str:
        """The four terms of the pre-activation of stacked row ``row``, each labelled, two on a
        line (four on one were wider than a phone): the second line starts with "&\\qquad"."""
        parts = (
            (run.input_term[s, 0, row], r"W_{ih}x"),
            (run.weights["bias_ih_l0"][row], r"b_{ih}"),
            (run.hidden_term[s, 0, row], r"W_{hh}h"),
            (run.weights["bias_hh_l0"][row], r"b_{hh}"),
        )
        shown = ""
        for k, (value, name) in enumerate(parts):
            v = value.item()
            if k == 0:
                shown += rf"\underbrace{{{num(v)}}}_{{{name}}}"
            else:  # "a - 0.4" rather than "a + -0.4"
                shown += r" \\ &\qquad" if k == 2 else ""
                shown += rf" {'-' if v < 0 else '+'} \underbrace{{{num(abs(v))}}}_{{{name}}}"
        return shown

    # Short lines (a sum over two lines, a result on its own), so a phone shows every number.
    pre = run.pre[s, 0]
    if setup.cell == "rnn":
        general = r"h_t = \tanh(W_{ih}\,x_t + b_{ih} + W_{hh}\,h_{t-1} + b_{hh})"
        worked = (
            rf"h_{{{s}}}[{j}] &= \tanh\big({terms(j)}\big)\\"
            rf"&= \tanh({num(pre[j].item())}) = {num(run.output[s, 0, j].item())}"
        )
        latex = (
            rf"\begin{{gathered}}{general}\\[4pt]"
            rf"\begin{{aligned}}{worked}\end{{aligned}}\end{{gathered}}"
        )
    else:
        blocks = dict(zip(lesson.GATES, range(4), strict=True))
        general = (
            r"\begin{aligned}"
            r"i_t &= \sigma(W_{ii}x_t + b_{ii} + W_{hi}h_{t-1} + b_{hi})\\"
            r"f_t &= \sigma(W_{if}x_t + b_{if} + W_{hf}h_{t-1} + b_{hf})\\"
            r"g_t &= \tanh(W_{ig}x_t + b_{ig} + W_{hg}h_{t-1} + b_{hg})\\"
            r"o_t &= \sigma(W_{io}x_t + b_{io} + W_{ho}h_{t-1} + b_{ho})\\"
            r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t\\"
            r"h_t &= o_t \odot \tanh(c_t)"
            r"\end{aligned}"
        )
        rows = []
        for gate, block in blocks.items():
            fn = r"\tanh" if gate == "g" else r"\sigma"
            row = block * h + j
            rows.append(rf"{gate}_{{{s}}}[{j}] &= {fn}\big({terms(row)}\big)")
            rows.append(
                rf"&= {fn}({num(pre[row].item())}) = {num(run.gates[gate][s, 0, j].item())}"
            )
        f, i, g, o = (run.gates[k][s, 0, j].item() for k in ("f", "i", "g", "o"))
        c_prev, c_now = run.c_prev[s, 0, j].item(), run.cells[s, 0, j].item()
        c_name = "c_{-1}" if s == 0 else f"c_{{{s - 1}}}"
        rows.append(rf"c_{{{s}}}[{j}] &= f\cdot {c_name} + i\cdot g")
        rows.append(rf"&= {num(f)}\cdot{factor(c_prev)}")
        rows.append(rf"&\qquad + {num(i)}\cdot{factor(g)}")
        rows.append(rf"&= {num(c_now)}")
        rows.append(rf"h_{{{s}}}[{j}] &= o\cdot\tanh(c_{{{s}}})")
        rows.append(rf"&= {num(o)}\cdot\tanh({num(c_now)})")
        rows.append(rf"&= {num(run.output[s, 0, j].item())}")
        worked = r"\begin{aligned}" + r"\\".join(rows) + r"\end{aligned}"
        latex = rf"\begin{{gathered}}{general}\\[8pt]{worked}\end{{gathered}}"
    page.formula(latex)
    if page.shows("units"):
        with page.slot("units"):
            st.markdown(t("rnn.step_table", t=s))
            st.table(step_table(setup, run, s))


def step_table(setup: lesson.Setup, run: lesson.Run, s: int) -> pd.DataFrame:
    """Every hidden unit at step t (sequence 0)."""
    h = setup.hidden

    def column(values) -> list[str]:
        return [num(v) for v in values.tolist()]

    if setup.cell == "rnn":
        table = {
            "W_ih x_t": column(run.input_term[s, 0]),
            "b_ih": column(run.weights["bias_ih_l0"]),
            "W_hh h_(t-1)": column(run.hidden_term[s, 0]),
            "b_hh": column(run.weights["bias_hh_l0"]),
            t("rnn.sum"): column(run.pre[s, 0]),
            "h_t = tanh(sum)": column(run.output[s, 0]),
        }
    else:
        table = {gate: column(run.gates[gate][s, 0]) for gate in lesson.GATES}
        table["c_(t-1)"] = column(run.c_prev[s, 0])
        table["c_t"] = column(run.cells[s, 0])
        table["h_t"] = column(run.output[s, 0])
    return pd.DataFrame(table, index=[t("rnn.unit_row", j=j) for j in range(h)])


def check(page: Page, setup: lesson.Setup, layouts: lesson.Layouts) -> None:
    """Predict h_n.shape with the page's batch_first: PyTorch's answer, from a real call."""
    layout = layouts.rows[1 if setup.batch_first else 0]
    b, n, h = setup.batch, setup.steps, setup.hidden
    candidates = [(1, b, h), (b, 1, h), (b, h), (b, n, h) if setup.batch_first else (n, b, h)]
    options = list(dict.fromkeys(lesson.shape_text(c) for c in candidates))
    answer = lesson.shape_text(layout.h_n_shape)
    page.check(
        key="rnn.check",
        question=t(
            "rnn.check_question",
            layer="nn.LSTM" if setup.cell == "lstm" else "nn.RNN",
            batch_first=setup.batch_first,
            shape=lesson.shape_text(layout.x_shape),
        ),
        options=options,
        answers={answer},
        explanation=t("rnn.check_explanation", shape=answer),
    )


def prepare(state: PageState) -> None:
    """Links whose values are valid alone but not together: tokens outside the vocabulary, the
    inspected step or unit past the last one."""
    url = state.url_values
    if url["tokens"] and max(url["tokens"]) >= url["input"]:
        if "input" in state.in_link:
            clamped = tuple(min(tok, url["input"] - 1) for tok in url["tokens"])
            state.fix("tokens", clamped, "rnn_token_outside")
        else:  # no input size in the link: the vocabulary is just big enough for the tokens
            url["input"] = max(url["tokens"]) + 1
    if url["t"] > url["steps"] - 1:
        state.fix("t", url["steps"] - 1, "rnn_step_outside")
    if url["unit"] > url["hidden"] - 1:
        state.fix("unit", url["hidden"] - 1, "rnn_unit_outside")


def secondary(page: Page) -> dict:
    """The kind of input and its size and tokens, the batch, batch_first and the seed: changed
    now and then (the input size and the tokens box go together: the box is tidied to the
    vocabulary)."""
    state = page.state
    kind = state.control(
        st.radio,
        "kind",
        t("rnn.kind"),
        lesson.KINDS,
        format_func=lambda k: t(f"rnn.kind_{k}"),
        horizontal=True,
    )
    batch_first = state.control(
        st.toggle, "batch_first", "batch_first=True", help=t("rnn.batch_first_help")
    )
    input_size = state.control(
        st.slider, "input", "input_size", 1, lesson.MAX_INPUT, help=t("rnn.input_help")
    )
    tokens = tokens_control(state, input_size, enabled=kind == "onehot")
    batch = state.control(
        st.slider, "batch", "batch", 1, lesson.MAX_BATCH, help=t("rnn.batch_help")
    )
    seed = state.seed_control(st, t("rnn.new_seed"), help=t("rnn.seed_help"))
    return {
        "kind": kind,
        "batch_first": batch_first,
        "input": input_size,
        "tokens": tokens,
        "batch": batch,
        "seed": seed,
    }


def setup(page: Page) -> dict:
    """The layer (nn.RNN or nn.LSTM), its hidden size and the sequence's length: they set up
    what is drawn, so moving one reruns the page; the step and unit inspected, under them, move
    alone."""
    state = page.state
    cell = state.control(
        st.radio,
        "cell",
        t("rnn.cell"),
        lesson.CELLS,
        format_func=lambda c: "nn.LSTM" if c == "lstm" else "nn.RNN",
        horizontal=True,
    )
    hidden = state.control(
        st.slider, "hidden", "hidden_size", 1, lesson.MAX_HIDDEN, help=t("rnn.hidden_help")
    )
    steps = state.control(
        st.slider, "steps", t("rnn.steps"), 1, lesson.MAX_STEPS, help=t("rnn.steps_help")
    )
    return {"cell": cell, "hidden": hidden, "steps": steps}


def live(page: Page) -> None:
    state, more = page.state, page.secondary
    hidden, steps = more["hidden"], more["steps"]
    freq = state.slider(
        "freq",
        t("rnn.freq"),
        format="%.3f",
        disabled=more["kind"] != "sine",
        help=t("rnn.freq_help"),
    )
    step_key, unit_key = state.seeded("t"), state.seeded("unit")
    clamp_key(step_key, 0, steps - 1)
    clamp_key(unit_key, 0, hidden - 1)
    if steps > 1:
        step = state.control(
            st.slider,
            "t",
            t("rnn.inspect_step"),
            0,
            steps - 1,
            help=t("rnn.inspect_step_help"),
        )
    else:  # a slider needs two values: one step is step 0
        step = 0
        st.caption(t("rnn.only_step"))
    if hidden > 1:
        unit = state.control(st.slider, "unit", t("rnn.inspect_unit"), 0, hidden - 1)
    else:
        unit = 0
        st.caption(t("rnn.only_unit"))
    values = {**more, "freq": freq, "t": step, "unit": unit}
    page.sync({name: values[name] for name in (p.name for p in state.spec.params)})

    setup = lesson.Setup(
        more["cell"],
        more["kind"],
        more["input"],
        hidden,
        steps,
        more["batch"],
        more["seed"],
        freq,
        more["tokens"],
        more["batch_first"],
    )
    run = lesson.run(setup)
    with page.picture:
        shapes = [
            Metric(t("labels.parameters"), str(run.param_count), help=t("rnn.parameters_help")),
            Metric("output.shape", lesson.shape_text(run.raw_output_shape)),
            Metric("h_n.shape", lesson.shape_text(tuple(run.h_n.shape))),
        ]
        if setup.cell == "lstm":
            shapes.append(Metric("c_n.shape", lesson.shape_text(tuple(run.c_n.shape))))
        page.metrics(*shapes)
        picture(setup, run, step)

    step_formula(page, setup, run, step, unit)
    if "gates" in page.slots:  # laid out for the LSTM only
        with page.slot("gates"):
            gates(setup, run, step)
    if page.shows("final"):
        with page.slot("final"):
            final_states(setup, run)
    layouts = lesson.layouts(setup)
    if page.shows("shapes"):
        with page.slot("shapes"):
            shapes_section(setup, layouts)
    if page.shows("params"):
        with page.slot("params"):
            parameters_section(setup, run)
    page.code(lambda: lesson.snippet(setup))
    check(page, setup, layouts)


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    # What sets the lesson apart: each hidden unit's h_t over time, driven by the sine input.
    setup = lesson.Setup()
    output = lesson.run(setup).output[:, 0, :]  # (steps, hidden)
    steps, hidden = output.shape
    data = pd.DataFrame(
        {
            "t": [s for j in range(hidden) for s in range(steps)],
            "h": [float(output[s, j]) for j in range(hidden) for s in range(steps)],
            "unit": [f"h[{j}]" for j in range(hidden) for _ in range(steps)],
        }
    )
    return kinds.lines(
        data,
        x="t",
        y="h",
        color="unit",
        x_title="t",
        y_title="h_t",
        x_domain=(0, steps - 1),
        y_domain=(-1, 1),
        description=t("rnn.card"),
        height=thumbnails.HEIGHT,
    )
