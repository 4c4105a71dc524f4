"""What the sequential page draws (notes §5.5): the shape after every layer and the parameters
of each, from one real forward through the layers you edit; PyTorch's own error where the shapes
stop fitting (and a fix), named access, and the closed forms."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import tex_sum, wrapped
from lib.lessons.sequential import compute as lesson
from lib.view import kinds, panels, thumbnails
from lib.view.frame import presenting
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState

SECTIONS = (
    Part("table", "sequential.table_title", folded=True),
    Part("access", "sequential.access_title", folded=True),
)
FORMULA_CAPTION = "sequential.formula_caption"


# The bar charts' width in pixels: two side by side in the picture's column at 1280 px (and in
# presenter mode at 1920 px), one under the other on a phone.
CHART_WIDTH, CHART_WIDTH_PRESENTING = 262, 440


@dataclass(frozen=True)
class Hidden:
    """What the page hides while the check is unanswered: the output height of one row (the
    first Conv2d or MaxPool2d that ran), or the parameter count."""

    row: int | None = None
    total: bool = False


# --- the layer editor ---------------------------------------------------------------------------
# The model being edited: a list of [uid, Layer] under sequential.layers. Each layer's widgets
# are keyed by its uid, so removing or moving one layer leaves the others' inputs where they are.
# The editor is the model's structure, rarely moved: it is drawn in the full run, under "More
# settings" (``secondary``), with the channels slider whose value its first Conv2d's
# in_channels shows; a change there reruns the page, and the live part reads the layers from
# ``page.secondary``.


def layers_key(state: PageState) -> str:
    """The list of [uid, Layer] (seeded from the link), and the next uid beside it."""
    key = state.seed("layers", [[i, layer] for i, layer in enumerate(state.url_values["layers"])])
    state.seed("next_uid", len(st.session_state[key]))
    return key


def arg_key(uid: int, arg: lesson.Arg) -> str:
    return f"L{uid}.{arg.name}"


def new_layer(state: PageState, layer: lesson.Layer) -> list:
    key = state.key("next_uid")
    uid = st.session_state[key]
    st.session_state[key] = uid + 1
    return [uid, layer]


def position(state: PageState, uid: int) -> int:
    return [entry[0] for entry in st.session_state[state.key("layers")]].index(uid)


def new_in_features(state: PageState, layers: list[lesson.Layer]) -> int:
    """A new Linear's in_features: every number of one sample after the layers (what fits after
    a Flatten), from a forward with the sliders as they are at the click."""
    size, batch, channels = (
        st.session_state.get(state.key(name), state.url_values[name])
        for name in ("size", "batch", "channels")
    )
    forward = lesson.run(layers, size, batch, channels)
    out = forward.output_shape or forward.input_shape
    return min(int(math.prod(out[1:])), int(lesson.KINDS["linear"].args[0].hi))


def add_layer(state: PageState) -> None:
    entries = st.session_state[state.key("layers")]
    kind = st.session_state[state.key("add_kind")]
    if len(entries) < lesson.MAX_LAYERS:
        if kind == "linear":
            layers = [layer for _, layer in entries]
            layer = lesson.Layer.of(kind, new_in_features(state, layers))
        else:
            layer = lesson.Layer.of(kind)
        entries.append(new_layer(state, layer))


ACTION_ICONS = {"up": ":material/arrow_upward:", "remove": ":material/close:"}


def row_action(state: PageState, uid: int) -> None:
    """A click on a layer's ↑ or ✕: move it up or remove it (the model keeps one layer)."""
    key = state.key(f"L{uid}.action")
    action, st.session_state[key] = st.session_state[key], None
    entries, i = st.session_state[state.key("layers")], position(state, uid)
    if action == "up" and i > 0:
        entries[i - 1], entries[i] = entries[i], entries[i - 1]
    elif action == "remove" and len(entries) > 1:
        del entries[i]


def reset_layers(state: PageState) -> None:
    """Back to the notes' model, keeping each layer (and its inputs) that is already in place."""
    entries = st.session_state[state.key("layers")]
    for i, layer in enumerate(lesson.NOTES_MODEL):
        if i < len(entries) and entries[i][1].kind == layer.kind:
            uid = entries[i][0]
            entries[i][1] = layer
            for arg, value in zip(lesson.KINDS[layer.kind].args, layer.args, strict=True):
                st.session_state[state.key(arg_key(uid, arg))] = value
        elif i < len(entries):
            entries[i] = new_layer(state, layer)
        else:
            entries.append(new_layer(state, layer))
    del entries[len(lesson.NOTES_MODEL) :]


def set_in_features(state: PageState, uid: int, value: int) -> None:
    entries, i = st.session_state[state.key("layers")], position(state, uid)
    layer = entries[i][1]
    entries[i][1] = lesson.Layer.of("linear", value, *layer.args[1:])
    st.session_state[state.key(arg_key(uid, lesson.KINDS["linear"].args[0]))] = value


def insert_flatten(state: PageState, uid: int) -> None:
    entries = st.session_state[state.key("layers")]
    if len(entries) < lesson.MAX_LAYERS:
        entries.insert(position(state, uid), new_layer(state, lesson.Layer.of("flatten")))


# A fix button under PyTorch's error (in the live part) changed the layers: the editor, drawn in
# the full run, must show them, so the live part asks for a full run (unless one is under way).
EDITED = "sequential.edited"


def fix(change, *args) -> None:
    change(*args)
    st.session_state[EDITED] = True


def edit_layers(state: PageState, channels: int) -> list[lesson.Layer]:
    """Each layer: its name and constructor with ↑ ✕ beside them, then its arguments, two to a
    line in the controls' column; returns the layers as the inputs now say."""
    entries = st.session_state[layers_key(state)]
    show = "layers" not in state.hidden
    if show:
        st.markdown(f"**{t('sequential.layers_title')}**")  # a heading: too big for the column
        st.caption(t("sequential.layers_caption"))
    # Two arguments a line in the "More settings" box of the controls' column (their own
    # minimum width would give one; this narrow, a number box has no step buttons).
    width = 150 if presenting() else 84
    layers: list[lesson.Layer] = []
    for entry in entries:
        uid, layer = entry
        specs = lesson.KINDS[layer.kind].args
        # The inputs hold the values (seeded from the layer the first time): the name line
        # above them, which depends on them, is drawn first.
        keys = [state.seed(arg_key(uid, arg), layer.args[j]) for j, arg in enumerate(specs)]
        entry[1] = lesson.Layer(layer.kind, tuple(st.session_state[key] for key in keys))
        layers.append(entry[1])
        if not show:
            continue
        # A layer's name and in_channels depend only on the layers before it.
        name = lesson.names(layers)[-1]
        in_ch = lesson.in_channels(layers, channels)[-1]
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{name}** · `{lesson.constructor(entry[1], in_ch)}`", width="content")
            # Moving and removing are a small segmented control rather than two buttons: a
            # click acts, then the control clears itself (row_action).
            st.segmented_control(
                t("sequential.actions", name=name),
                ["up", "remove"] if entry is not entries[0] else ["remove"],
                format_func=ACTION_ICONS.get,
                key=state.key(f"L{uid}.action"),
                on_change=row_action,
                args=(state, uid),
                label_visibility="collapsed",
                help=t("sequential.actions_help"),
                disabled=state.locked,
                width="content",
            )
        if not specs:
            continue
        with st.container(horizontal=True, gap="small"):
            for j, arg in enumerate(specs):
                state.control(
                    st.number_input,
                    arg_key(uid, arg),
                    arg.name,
                    arg.lo if arg.is_float else int(arg.lo),
                    arg.hi if arg.is_float else int(arg.hi),
                    step=0.05 if arg.is_float else 1,
                    value=layer.args[j],
                    params=("layers",),
                    width=width,
                )
    return layers


def add_controls(state: PageState, n: int) -> None:
    """The menu under the layers: add one at the end, or start again from the notes' model."""
    if "layers" in state.hidden:
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(
            t("sequential.add_kind"),
            list(lesson.KINDS),
            format_func=lambda k: f"nn.{lesson.KINDS[k].torch_name}",
            key=state.key("add_kind"),
            disabled=state.locked,
        )
        st.button(
            t("sequential.add"),
            on_click=add_layer,
            args=(state,),
            icon=":material/add:",
            disabled=state.locked or n >= lesson.MAX_LAYERS,
        )
        st.button(
            t("sequential.reset"),
            on_click=reset_layers,
            args=(state,),
            icon=":material/undo:",
            disabled=state.locked,
        )
    if n >= lesson.MAX_LAYERS:
        st.caption(t("sequential.full", max=lesson.MAX_LAYERS))
    st.caption(t("sequential.layers_format"))


# --- what the forward shows ---------------------------------------------------------------------


def shape_cell(row: lesson.Row, index: int, forward: lesson.Forward) -> str:
    if row.out_shape is not None:
        return lesson.shape_text(row.out_shape)
    if index == forward.failed_at and forward.over_budget is None:
        return t("sequential.shape_failed")
    if index == forward.failed_at and forward.over_budget == "time":
        return t("sequential.shape_skipped")
    return t("sequential.shape_not_reached" if row.built else "sequential.shape_not_built")


def layer_table(
    forward: lesson.Forward, size: int, batch: int, channels: int, hidden: Hidden = Hidden()
) -> pd.DataFrame:
    rows = [
        {
            t("sequential.col_name"): "x",
            t("sequential.col_module"): f"torch.zeros({batch}, {channels}, {size}, {size})",
            t("sequential.col_shape"): lesson.shape_text(forward.input_shape),
            t("sequential.col_params"): "",
            t("sequential.col_formula"): "",
        }
    ]
    for i, row in enumerate(forward.rows):
        rows.append(
            {
                t("sequential.col_name"): row.name,
                t("sequential.col_module"): row.module,
                t("sequential.col_shape"): panels.HIDDEN
                if i == hidden.row
                else shape_cell(row, i, forward),
                t("sequential.col_params"): f"{row.params:,}",
                t("sequential.col_formula"): row.formula,
            }
        )
    rows.append(
        {
            t("sequential.col_name"): "",
            t("sequential.col_module"): "",
            t("sequential.col_shape"): "",
            t("sequential.col_params"): panels.hidden_until(
                not hidden.total, f"{forward.total_params:,}"
            ),
            t("sequential.col_formula"): total_formula(forward),
        }
    )
    index = [t("sequential.input_row"), *(str(i) for i in range(len(forward.rows)))]
    return pd.DataFrame(rows, index=[*index, t("sequential.total_row")])


def total_formula(forward: lesson.Forward) -> str:
    terms = [f"{row.params:,}" for row in forward.rows if row.params]
    return " + ".join(terms) if len(terms) > 1 else ""


def params_chart(forward: lesson.Forward) -> kinds.Spec:
    data = pd.DataFrame(
        {
            "layer": [row.name for row in forward.rows],
            "params": [row.params for row in forward.rows],
            "failed": [i == forward.failed_at for i in range(len(forward.rows))],
            "label": [f"{row.params:,}" for row in forward.rows],
        }
    )
    return kinds.bars(
        data,
        x="layer",
        y="params",
        highlight="failed",
        x_title=t("sequential.chart_x"),
        y_title=t("sequential.col_params"),
        y_domain=None,  # from the data: a domain in the spec would change with every slider
        label="label",
        description=t("sequential.params_chart_alt"),
        height=240,
        keep_order=True,  # the model's order, not sorted by name
    )


def sizes_chart(forward: lesson.Forward) -> kinds.Spec:
    reached = [row for row in forward.rows if row.out_shape is not None]
    shapes = [forward.input_shape, *(row.out_shape for row in reached)]
    per_sample = [int(math.prod(shape[1:])) for shape in shapes]
    data = pd.DataFrame(
        {
            "layer": ["x", *(row.name for row in reached)],
            "numbers": per_sample,
            "first": [i == 0 for i in range(len(shapes))],
            "label": [f"{v:,}" for v in per_sample],
        }
    )
    return kinds.bars(
        data,
        x="layer",
        y="numbers",
        highlight="first",
        x_title=t("sequential.chart_x"),
        y_title="C·H·W",
        y_domain=None,
        label="label",
        description=t("sequential.sizes_chart_alt"),
        height=240,
        keep_order=True,
    )


def failure_panel(state: PageState, forward: lesson.Forward, uids: list[int]) -> None:
    why = lesson.explain(forward)
    row = forward.rows[forward.failed_at]
    with st.container(border=True):
        if forward.over_budget is None:
            st.markdown(
                t(
                    "sequential.failed_title",
                    index=forward.failed_at,
                    name=row.name,
                    module=row.constructor,
                )
            )
            st.code(forward.error, language="text", wrap_lines=True)
        else:
            st.markdown(
                t(
                    "sequential.stopped_title",
                    index=forward.failed_at,
                    name=row.name,
                    module=row.constructor,
                )
            )
        st.markdown(t(f"sequential.why_{why.key}", **why.values))
        if why.fix is None or "layers" in state.hidden:
            return
        uid = uids[forward.failed_at]
        what, value = why.fix
        if what == "in_features":
            st.button(
                t("sequential.fix_in_features", name=row.name, value=value),
                on_click=fix,
                args=(set_in_features, state, uid, value),
                icon=":material/build:",
                disabled=state.locked,
            )
        else:
            st.button(
                t("sequential.fix_flatten", name=row.name),
                on_click=fix,
                args=(insert_flatten, state, uid),
                icon=":material/build:",
                disabled=state.locked or len(forward.rows) >= lesson.MAX_LAYERS,
            )


def formula_latex(forward: lesson.Forward, hidden: Hidden = Hidden()) -> str:
    """Two blocks, one under the other: the parameter counts, then the output heights. Side by
    side they were wider than a phone."""
    cdot = r"\cdot "
    params = [
        r"\text{Conv2d}: & \ C_{out}\cdot C_{in}\cdot k\cdot k + C_{out}",
        r"\text{Linear}: & \ \mathit{in}\cdot \mathit{out} + \mathit{out}",
    ]
    sizes = [r"H_{out}: & \ \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1"]
    for i, row in enumerate(forward.rows):
        kind, a = row.layer.kind, row.layer.args
        if kind not in ("conv", "pool", "linear"):
            continue
        count = f"{row.formula.replace('·', cdot)} = {row.params}" if row.params else "0"
        params.append(rf"\text{{{row.name}}}: & \ {count}")
        if kind in ("conv", "pool") and row.in_shape is not None and len(row.in_shape) == 4:
            k, s, p = (a[1], a[2], a[3]) if kind == "conv" else (a[0], a[1], 0)
            n = row.in_shape[2]
            fraction = rf"\left\lfloor \frac{{{n} + 2\cdot {p} - {k}}}{{{s}}} \right\rfloor + 1"
            if row.out_shape is not None:
                size = rf"{fraction} = {'?' if i == hidden.row else row.out_shape[2]}"
            else:  # the window does not fit: the closed form says why PyTorch refused
                size = rf"{fraction} = {lesson.output_size(n, k, s, p)} < 1"
            sizes.append(rf"\text{{{row.name}}}: & \ {size}")
    params += total_rows(forward, "?" if hidden.total else str(forward.total_params))
    blocks = [params] + ([sizes] if len(sizes) > 1 else [])
    aligned = [r"\begin{aligned}" + r" \\ ".join(b) + r"\end{aligned}" for b in blocks]
    return r"\begin{gathered}" + r" \\[1.2em] ".join(aligned) + r"\end{gathered}"


# The total's terms fill a line up to this many characters: a model of ten big layers made one
# line of 900 px. The sum goes on over lines, "= total" at its end or on a line of its own.
TOTAL_CHARS_PER_LINE = 26


def total_rows(forward: lesson.Forward, total: str) -> list[str]:
    """The rows of the parameter total in formula_latex: the layers' counts added up."""
    terms = [str(row.params) for row in forward.rows if row.params]
    name = rf"\text{{{t('sequential.total_row')}}}: & \ "
    if len(terms) < 2:
        return [name + total]
    lines = wrapped(terms, TOTAL_CHARS_PER_LINE)
    if len(" + ".join(lines[-1])) + len(total) + 3 <= TOTAL_CHARS_PER_LINE:
        lines[-1][-1] += f" = {total}"
        return [name + tex_sum(lines)]
    return [name + tex_sum(lines), rf"& \ = {total}"]


def named_access(forward: lesson.Forward) -> None:
    access = lesson.named_access(forward)
    if access is None:
        st.caption(t("sequential.access_none"))
        return
    st.markdown(t("sequential.access_intro"))
    left, right = st.columns(2)
    name, i = access.name, access.index
    with left:
        st.markdown(t("sequential.access_plain"))
        st.code(
            f">>> [name for name, _ in model.named_children()]\n{list(access.plain_names)}\n"
            f">>> model[{i}]\n{access.dict_repr}\n"
            f">>> model.{name}\n{access.plain_error}",
            language="python",
            wrap_lines=True,
        )
    with right:
        st.markdown(t("sequential.access_dict"))
        weight = (
            f"\n>>> model.{name}.weight.shape\ntorch.Size({list(access.weight_shape)})"
            if access.weight_shape is not None
            else ""
        )
        st.code(
            f">>> [name for name, _ in model.named_children()]\n{list(access.dict_names)}\n"
            f">>> model.{name}\n{access.dict_repr}\n"
            f">>> model[{i}] is model.{name}\n{access.same_object}{weight}",
            language="python",
            wrap_lines=True,
        )


def question(forward: lesson.Forward) -> tuple[dict, Hidden]:
    """Check yourself for this model, and what on the page would answer it."""
    # The first Conv2d or MaxPool2d that ran: predict its output height.
    ran = [
        row
        for row in forward.rows
        if row.layer.kind in ("conv", "pool") and row.out_shape is not None
    ]
    if ran:
        row = ran[0]
        a = row.layer.args
        k, s, p = (a[1], a[2], a[3]) if row.layer.kind == "conv" else (a[0], a[1], 0)
        n, h = row.in_shape[2], row.out_shape[2]
        options = {h, n, n - k, n - k + 1, n - k + 2, max(1, n // 2)} - {0}
        spec = dict(
            key="sequential.check_size",
            question=t(
                "sequential.check_size_question", name=row.name, module=row.constructor, n=n
            ),
            options=[str(v) for v in sorted(v for v in options if v > 0)],
            answers={str(h)},
            explanation=t("sequential.check_size_explanation", h=h, n=n, p=p, k=k, s=s),
        )
        return spec, Hidden(row=forward.rows.index(row))
    total = forward.total_params
    biases = sum(row.bias_params for row in forward.rows)
    options = {total, total - biases, total + biases, 0}
    formula = " + ".join(f"({row.formula})" for row in forward.rows if row.params) or "0"
    spec = dict(
        key="sequential.check_params",
        question=t("sequential.check_params_question"),
        options=[f"{v:,}" for v in sorted(options | ({1} if len(options) == 1 else set()))],
        answers={f"{total:,}"},
        explanation=t("sequential.check_params_explanation", total=f"{total:,}", formula=formula),
    )
    return spec, Hidden(total=True)


def secondary(page: Page) -> dict:
    """The model's structure: the input's channels and the layers, edited in place."""
    state = page.state
    st.session_state.pop(EDITED, None)  # this full run draws the edited layers
    channels = state.slider(
        "channels", t("sequential.channels"), help=t("sequential.channels_help")
    )
    layers = edit_layers(state, channels)
    add_controls(state, len(layers))
    return {"channels": channels, "layers": layers}


def live(page: Page) -> None:
    if st.session_state.pop(EDITED, False):
        st.rerun(scope="app")  # a fix changed the layers: the editor shows them too
    state = page.state
    size = state.slider("size", t("sequential.size"), help=t("sequential.size_help"))
    batch = state.slider("batch", t("sequential.batch"), help=t("sequential.batch_help"))
    channels, layers = page.secondary["channels"], page.secondary["layers"]
    forward = lesson.run(layers, size, batch, channels)
    page.sync({"size": size, "batch": batch, "channels": channels, "layers": tuple(layers)})
    uids = [uid for uid, _ in st.session_state[state.key("layers")]]

    check, hidden = question(forward)
    if page.answered(check["key"], check["question"]):
        hidden = Hidden()  # answered: everything shows
    with page.picture:
        picture(state, forward, uids, hidden)
    page.formula(formula_latex(forward, hidden))
    if page.shows("table"):
        with page.slot("table"):
            st.table(layer_table(forward, size, batch, channels, hidden))
    if page.shows("access"):
        with page.slot("access"):
            named_access(forward)
    page.code(lambda: lesson.snippet(layers, size, batch, channels, fails=not forward.ok))
    page.check(**check)


def picture(state: PageState, forward: lesson.Forward, uids: list[int], hidden: Hidden) -> None:
    """The metrics and the two bar charts, one under the other (the first on the first
    screen), then PyTorch's error if the shapes stopped fitting."""
    output = forward.output_shape
    panels.metric_row(
        [
            Metric(
                t("sequential.m_input"),
                lesson.shape_text(forward.input_shape),
                help=t("sequential.input_help"),
            ),
            Metric(
                t("sequential.m_output_shape"),
                "—" if output is None else lesson.shape_text(output),
                help=t("sequential.output_help"),
            ),
            Metric(
                t("sequential.m_total_params"),
                panels.hidden_until(not hidden.total, f"{forward.total_params:,}"),
                help=t("panel.check_first" if hidden.total else "sequential.params_help"),
            ),
        ]
    )
    # Side by side in a row that wraps on a phone (one element less than two columns), each
    # chart titled inside itself, at a width two of which fit the picture's column.
    width = CHART_WIDTH_PRESENTING if presenting() else CHART_WIDTH
    params = kinds.titled(params_chart(forward), t("sequential.params_chart_title"))
    sizes = kinds.titled(sizes_chart(forward), t("sequential.sizes_chart_title"))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        kinds.show(params, key="sequential.params", width=width)
        kinds.show(sizes, key="sequential.sizes", width=width)
    if not forward.ok:
        failure_panel(state, forward, uids)


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    forward = lesson.run(lesson.NOTES_MODEL, size=28, batch=1, channels=1)
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
        height=thumbnails.HEIGHT,
        keep_order=True,  # the model's order, not sorted by name
    )
