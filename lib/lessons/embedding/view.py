"""What the embedding page draws (notes §5.4): the table with the rows looked up outlined, the
output rows copied from it and the gradient that adds up, the rows in a table, what max_norm
rescales in place, and why the indices must be integers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num as fmt
from lib.lessons.embedding import compute as lesson
from lib.urlspec import MAX_RAW_CHARS
from lib.view import kinds, panels
from lib.view.frame import presenting
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.text import md_escape
from lib.view.url_state import PageState, quoted

SECTIONS = (
    Part("rows", "embedding.table_title", folded=True),
    Part("dtype", "embedding.dtype_title", folded=True),
)
FORMULA_CAPTION = "embedding.formula_caption"
# Static, drawn once under the picture: the words of the vocabulary are the table's row names.
PICTURE_CAPTION = ("embedding.picture_caption", "embedding.params_caption", "embedding.vocab")


def prepare(state: PageState) -> None:
    """The link's indices and padding_idx must be rows of its table."""
    num_url = state.url_values["num"]
    if max(state.url_values["ids"]) >= num_url:
        state.fix("ids", lesson.clamp_ids(state.url_values["ids"], num_url), "ids_past_table")
    if state.url_values["padding_idx"] >= num_url:
        state.fix("padding_idx", lesson.NO_PADDING, "padding_not_a_row")


WEIGHT_DOMAIN = (-3.0, 3.0)  # N(0, 1) init: nearly every entry lies inside; the rest clamp
PRESENTING_CHART_PX = 610  # two a row in the presenter's 1,260 px column
GRAD_COLOURS = ("#F1F5F9", kinds.HIGHLIGHT)  # 0 (no gradient) pale grey


def row_name(r: int) -> str:
    return f"{r} {lesson.VOCAB[r]}"


def cells(values, names, picked) -> pd.DataFrame:
    """A (rows, dim) tensor as a long table for kinds.table_heatmap: rows by name, and whether
    each row was picked."""
    table = kinds.long_table(
        values, label=lambda v: kinds.two_decimals(v) if abs(v) < 9.995 else f"{v:.1f}"
    )
    table["picked"] = [picked[r] for r in table["row"]]
    table["row"] = [names[r] for r in table["row"]]
    return table


def fix_typed(key: str, param: str, raw: str, used: str, reason: str | None) -> None:
    """Write the cleaned value back into a text box and say why, the way URL notices do."""
    st.session_state[key] = used
    if reason is not None:
        st.warning(
            t(
                "embedding.typed_fix",
                param=param,
                raw=quoted(raw),
                reason=t(f"notice.{reason}"),
                used=md_escape(used),
            ),
            icon=":material/edit_note:",
        )


def clamp_key(key: str, options) -> None:
    """Keep a stored choice valid after the table shrank (no padding_idx past the end)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = lesson.NO_PADDING


def column(values) -> str:
    """A column vector in LaTeX: fits the page for every embedding_dim."""
    return r"\begin{pmatrix}" + r" \\ ".join(fmt(v) for v in values) + r"\end{pmatrix}"


def loss_name(kind: str) -> str:
    return "out.sum()" if kind == "sum" else "Σₖ (k+1)·out[k].sum()"


def secondary(page: Page) -> dict:
    """The seed (and its "New table" button), norm_type, the loss and the two backward
    switches: set now and then, while the sizes, indices, padding and max_norm move."""
    state = page.state
    seed = state.seed_control(st, t("embedding.new_seed"), help=t("embedding.seed_help"))
    norm_type = state.control(
        st.radio,
        "norm_type",
        "norm_type",
        lesson.NORM_TYPES,
        horizontal=True,
        help=t("embedding.norm_type_help"),
    )
    loss_kind = state.control(
        st.radio,
        "loss",
        t("embedding.loss_label"),
        lesson.LOSSES,
        format_func=loss_name,
        horizontal=True,
        help=t("embedding.loss_help"),
    )
    scale_grad = state.control(
        st.toggle, "scale_grad", "scale_grad_by_freq=True", help=t("embedding.scale_help")
    )
    sparse = state.control(st.toggle, "sparse", "sparse=True", help=t("embedding.sparse_help"))
    return {
        "seed": seed,
        "norm_type": norm_type,
        "loss": loss_kind,
        "scale_grad": scale_grad,
        "sparse": sparse,
    }


def indices(state: PageState, num: int) -> tuple[list[int], str]:
    """The indices: typed as a comma list, or taken from a sentence through the vocabulary."""
    spec = state.spec
    text_key = state.seeded("text")
    typed = st.session_state[text_key]
    text, reason = spec["text"].read(typed)
    if text != typed:
        fix_typed(text_key, "text", typed, text, reason)
    ids_param = spec["ids"]
    ids_key = state.seed("ids", ids_param.format(state.url_values["ids"]))
    if text:
        ids = lesson.sentence_ids(text, num)
        st.session_state[ids_key] = ids_param.format(ids)
    else:
        typed = st.session_state[ids_key]
        parsed, reason = ids_param.read(typed)
        ids = lesson.clamp_ids(parsed, num)
        if ids != parsed:
            reason = reason or "ids_past_table"
        if ids_param.format(ids) != typed:
            fix_typed(ids_key, "ids", typed, ids_param.format(ids), reason)
    if "ids" not in state.hidden:
        st.text_input(
            t("embedding.ids_label"),
            key=ids_key,
            disabled=bool(text) or state.locked,
            help=t("embedding.ids_help"),
            max_chars=MAX_RAW_CHARS,
        )
    state.control(
        st.text_input,
        "text",
        t("embedding.text_label"),
        placeholder=t("embedding.text_placeholder"),
        help=t("embedding.text_help"),
        max_chars=MAX_RAW_CHARS,  # what the URL parser reads back: the link keeps all of it
    )
    if text:
        pairs = ", ".join(
            f"{md_escape(w)} → {i}" for w, i in zip(lesson.words_of(text), ids, strict=False)
        )
        st.caption(t("embedding.sentence_map", pairs=pairs))
    return ids, text


def setup(page: Page) -> dict:
    """The table (num_embeddings, embedding_dim, padding_idx) and the indices looked up: they
    set up what the page shows, so moving one reruns it; max_norm, under them, moves alone."""
    state = page.state
    num = state.slider("num", "num_embeddings", help=t("embedding.num_help"))
    dim = state.slider("dim", "embedding_dim", help=t("embedding.dim_help"))
    ids, text = indices(state, num)

    pad_key = state.seeded("padding_idx")
    pad_options = (lesson.NO_PADDING, *range(num))
    clamp_key(pad_key, pad_options)
    padding = state.control(
        st.selectbox,
        "padding_idx",
        "padding_idx",
        pad_options,
        format_func=lambda r: "None" if r == lesson.NO_PADDING else row_name(r),
        help=t("embedding.padding_help"),
    )
    return {"num": num, "dim": dim, "ids": ids, "text": text, "padding_idx": padding}


def live(page: Page) -> None:
    state = page.state
    max_norm = state.slider(
        "max_norm", t("embedding.max_norm_label"), help=t("embedding.max_norm_help")
    )
    more = page.secondary
    num, dim, ids, text, padding = (
        more[name] for name in ("num", "dim", "ids", "text", "padding_idx")
    )
    seed, norm_type, loss_kind = more["seed"], more["norm_type"], more["loss"]
    scale_grad, sparse = more["scale_grad"], more["sparse"]
    page.sync(
        {
            "num": num,
            "dim": dim,
            "ids": ids,
            "text": text,
            "padding_idx": padding,
            "max_norm": max_norm,
            "norm_type": norm_type,
            "scale_grad": scale_grad,
            "sparse": sparse,
            "loss": loss_kind,
            "seed": seed,
        }
    )

    setup = lesson.Setup(
        num=num,
        dim=dim,
        ids=ids,
        padding_idx=None if padding == lesson.NO_PADDING else padding,
        max_norm=max_norm or None,
        norm_type=norm_type,
        scale_grad_by_freq=scale_grad,
        sparse=sparse,
        loss=loss_kind,
        seed=seed,
    )
    result = lesson.compute(setup)
    count = lesson.counts(ids, num)
    names = [row_name(r) for r in range(num)]
    weight_style = dict(domain=WEIGHT_DOMAIN, colours="blueorange", dark=1.9)

    with page.picture:
        picture(setup, result, count, names, weight_style)
    # The formula with one row's numbers: the row picked most often (first among ties).
    looked_up = list(dict.fromkeys(ids))
    star = max(looked_up, key=lambda r: count[r])
    page.formula(formula_tex(setup, result, count, star))
    if page.shows("rows"):
        with page.slot("rows"):
            rows_table(setup, result, count, looked_up)
    if page.shows("dtype"):
        with page.slot("dtype"):
            index_errors(setup, ids, num)
    page.code(lambda: lesson.snippet(setup, text))

    if result.grad is not None:
        answer = fmt(result.grad[star, 0].item())
        total = fmt(sum(result.upstream))
        options = {fmt(0.0), fmt(1.0), fmt(count[star]), answer, total}
        page.check(
            key="embedding.check",
            question=t(
                "embedding.check_question",
                row=star,
                word=lesson.VOCAB[star],
                times=count[star],
                loss=loss_name(loss_kind),
            ),
            options=sorted(options, key=float),
            answers={answer},
            explanation=t("embedding.check_explanation", row=star, answer=answer),
        )
    else:
        options = {str(num + dim), str(num * dim), str(dim), str(num)}
        page.check(
            key="embedding.check_params",
            question=t("embedding.check_params_question", num=num, dim=dim),
            options=sorted(options, key=int),
            answers={str(result.parameters)},
            explanation=t("embedding.check_params_explanation", count=result.parameters),
        )


def index_errors(setup: lesson.Setup, ids: list[int], num: int) -> None:
    """What PyTorch says to float indices and to an index one past the last row."""
    float_error, range_error = lesson.index_errors(setup)
    ids_text = ", ".join(f"{i}." for i in ids)
    st.markdown(t("embedding.float_intro", ids=ids_text))
    st.code(float_error, language="text", wrap_lines=True)
    st.caption(t("embedding.float_explain"))
    st.markdown(t("embedding.range_intro", num=num))
    st.code(range_error, language="text", wrap_lines=True)
    st.caption(t("embedding.range_explain", last=num - 1))


def chart_width() -> str | int:
    """Each chart of the picture's row: stretched to share it (two a row at 1280 x 800, one on
    a phone), or, presenting, half of the wide column (four a row would be too small to read
    from the back, and a chart alone on its row would stretch across it)."""
    return PRESENTING_CHART_PX if presenting() else "stretch"


def picture(
    setup: lesson.Setup,
    result: lesson.Result,
    count: list[int],
    names: list[str],
    weight_style: dict,
) -> None:
    """One row that wraps (one block, where a row of columns was three): the table with the
    picked rows outlined and its gradient side by side (the same rows, so the outlines line
    up); the output, next to the table after the call when a max_norm rescaled it in place
    (out's rows are copies of its rows); the numbers, with what max_norm did; and every row's
    norm before and after the call. Two charts a row at 1280 x 800 (three heatmaps in a row
    would leave each 170 pixels: titles cut, and 8 columns unreadable), one on a phone; the
    numbers and the norms take a row each."""
    num, dim, ids = setup.num, setup.dim, setup.ids
    picked = [c > 0 for c in count]
    out_names = [f"out[{k}] ← {i}" for k, i in enumerate(ids)]
    width = chart_width()
    with st.container(horizontal=True):
        kinds.show(
            kinds.table_heatmap(
                cells(result.weight_before, names, picked),
                order=names,
                title=t("embedding.weight_title", num=num, dim=dim),
                subtitle=t("embedding.weight_subtitle"),
                description=t(
                    "embedding.weight_alt",
                    num=num,
                    dim=dim,
                    rows=", ".join(str(r) for r in range(num) if picked[r]),
                ),
                **weight_style,
            ),
            key="embedding.weight",
            width=width,
        )
        if result.grad is None:
            with st.container():  # in the gradient's place, kept together
                st.markdown(f"**{t('embedding.grad_failed_title')}**")
                st.code(f"RuntimeError: {result.grad_error}", language="text", wrap_lines=True)
                st.info(t("embedding.grad_failed"), icon=":material/info:")
        else:
            top_grad = max(1.0, result.grad.max().item())
            got = [bool(result.grad[r].abs().sum() > 0) for r in range(num)]
            kinds.show(
                kinds.table_heatmap(
                    cells(result.grad, names, got),
                    order=names,
                    title=t("embedding.grad_title", num=num, dim=dim),
                    subtitle=t("embedding.grad_subtitle"),
                    description=t(
                        "embedding.grad_alt",
                        rows=", ".join(str(r) for r in range(num) if got[r]) or "-",
                    ),
                    domain=(0.0, top_grad),
                    colours=GRAD_COLOURS,
                    dark=0.6 * top_grad,
                ),
                key="embedding.grad",
                width=width,
            )
        kinds.show(
            kinds.table_heatmap(
                cells(result.output, out_names, [False] * len(ids)),
                order=out_names,
                title=t("embedding.output_title", n=len(ids), dim=dim),
                subtitle=t("embedding.output_subtitle"),
                description=t(
                    "embedding.output_alt",
                    n=len(ids),
                    dim=dim,
                    ids=", ".join(str(i) for i in ids),
                ),
                **weight_style,
            ),
            key="embedding.output",
            width=width,
        )
        if setup.max_norm is not None:  # the table the call left: out's rows are its rows
            table_after(setup, result, names, weight_style, width)
        grad_sum = "None" if result.grad is None else fmt(result.grad.sum().item())
        # With a max_norm, what it did, under the numbers (one element, not one more caption).
        note = None
        if setup.max_norm is not None:
            said = t(
                "embedding.renorm_caption",
                max_norm=fmt(setup.max_norm),
                norm_type=setup.norm_type,
            )
            note = f"**{t('embedding.renorm_title')}**  \n{said}"
        panels.metric_row(
            [
                Metric(
                    t("labels.parameters"), str(result.parameters), help=t("embedding.params_help")
                ),
                Metric("output.shape", str(tuple(result.output.shape))),
                Metric("output.sum()", fmt(result.output.sum().item())),
                Metric("weight.grad.sum()", grad_sum, help=t("embedding.grad_sum_help")),
                Metric(
                    t("embedding.m_renormalised"),
                    str(len(result.renormed_rows)),
                    help=t("embedding.renorm_help"),
                ),
            ],
            note=note,
        )
        if setup.max_norm is not None:  # under what max_norm did, across the column
            norms_chart(setup, result, names)


def rows_table(
    setup: lesson.Setup, result: lesson.Result, count: list[int], looked_up: list[int]
) -> None:
    """One line per distinct row looked up: how often, the gradient it got, its norm."""
    ids = setup.ids
    grad_column = f"weight.grad[r, j] ({t('embedding.every_j')})"
    table = pd.DataFrame(
        {
            t("embedding.col_word"): [lesson.VOCAB[r] for r in looked_up],
            t("embedding.col_count"): [count[r] for r in looked_up],
            "Σ g_k": [
                fmt(sum(g for i, g in zip(ids, result.upstream, strict=True) if i == r))
                for r in looked_up
            ],
            grad_column: [
                "—" if result.grad is None else fmt(result.grad[r, 0].item()) for r in looked_up
            ],
            f"‖W[r]‖ {t('embedding.before')}": [fmt(result.norms_before[r]) for r in looked_up],
            f"‖W[r]‖ {t('embedding.after')}": [fmt(result.norms_after[r]) for r in looked_up],
        },
        index=pd.Index([str(r) for r in looked_up], name="r"),
    )
    st.table(table)
    notes = []
    if setup.padding_idx is not None:
        notes.append(t("embedding.padding_note", row=setup.padding_idx))
    if setup.scale_grad_by_freq and result.grad is not None:
        notes.append(t("embedding.scale_note"))
    if notes:
        st.caption("  \n".join(notes))

    if setup.sparse and result.sparse_grad is not None:
        info = result.sparse_grad
        st.markdown(f"**{t('embedding.sparse_title')}**")
        st.code(
            f"weight.grad.layout         = {info.layout}\n"
            f"weight.grad._indices()     = {list(info.indices)}\n"
            f"weight.grad._values().shape = {info.values_shape}\n"
            f"weight.grad.is_coalesced() = {info.is_coalesced}\n"
            f"weight.grad.coalesce().indices() = {list(info.coalesced_indices)}",
            language="text",
        )
        st.caption(t("embedding.sparse_caption"))


def table_after(
    setup: lesson.Setup,
    result: lesson.Result,
    names: list[str],
    weight_style: dict,
    width: str | int,
) -> None:
    """max_norm: the table after the call, the rows it rescaled outlined."""
    renormed = result.renormed_rows
    kinds.show(
        kinds.table_heatmap(
            cells(result.weight_after, names, [r in renormed for r in range(setup.num)]),
            order=names,
            title=t("embedding.weight_title", num=setup.num, dim=setup.dim),
            subtitle=t("embedding.after_subtitle"),
            description=t("embedding.after_alt"),
            **weight_style,
        ),
        key="embedding.after",
        width=width,
    )


def norms_chart(setup: lesson.Setup, result: lesson.Result, names: list[str]) -> None:
    """max_norm: every row's norm before and after the call, max_norm a dashed line."""
    norms = pd.DataFrame({"row": names, "before": result.norms_before, "after": result.norms_after})
    # max_norm and the axis (from the data) are not in the spec: its slider changes data only.
    kinds.show(
        kinds.before_after_bars(
            norms,
            limit=setup.max_norm,
            limit_field="max_norm",
            order=names,
            title=t("embedding.norms_title"),
            x_title=t("embedding.norm_axis"),
            description=t("embedding.norms_alt"),
            dataset="norms",
        ),
        key="embedding.norms",
    )


def formula_tex(setup: lesson.Setup, result: lesson.Result, count: list[int], star: int) -> str:
    """out[k] = W[ids_k] with the row picked most often, its gradient, max_norm, the count."""
    ids, num, dim, norm_type = setup.ids, setup.num, setup.dim, setup.norm_type
    renormed = result.renormed_rows
    hits = [k for k, i in enumerate(ids) if i == star]
    g_terms = " + ".join(fmt(result.upstream[k]) for k in hits)
    grad_star = "—" if result.grad is None else fmt(result.grad[star, 0].item())
    if setup.padding_idx == star:
        grad_line = rf"\frac{{\partial L}}{{\partial W_{{{star}}}}} = 0\quad(\text{{padding\_idx}})"
    else:
        divide = rf"\tfrac{{1}}{{{count[star]}}}" if setup.scale_grad_by_freq else ""
        grad_line = (
            rf"\frac{{\partial L}}{{\partial W_{{{star},j}}}} = {divide}"
            rf"\sum_{{k:\,\mathrm{{ids}}_k={star}}} g_k = {divide}({g_terms}) = {grad_star}"
        )
    latex = (
        rf"\mathrm{{out}}[k] = W[\mathrm{{ids}}_k],\quad "
        rf"\mathrm{{out}}[{hits[0]}] = W[{star}] = {column(result.output[hits[0]].tolist())}"
        rf"\\ {grad_line}"
    )
    if setup.max_norm is not None:
        p = r"\infty" if norm_type == "inf" else norm_type
        latex += (
            rf"\\ \|W_r\|_{{{p}}} > {fmt(setup.max_norm)} \Rightarrow "
            rf"W_r \leftarrow W_r \cdot "
            rf"\frac{{\mathrm{{max\_norm}}}}{{\|W_r\|_{{{p}}} + 10^{{-7}}}}"
        )
        if renormed:
            r = renormed[0]
            latex += (
                rf",\quad \|W_{{{r}}}\|_{{{p}}}: {fmt(result.norms_before[r])} \to "
                rf"{fmt(result.norms_after[r])}"
            )
    latex += (
        rf"\\ \text{{{t('labels.parameters')}}} = \mathrm{{num}} \times \mathrm{{dim}}"
        rf" = {num} \times {dim}"
        rf" = {result.parameters}"
    )
    return r"\begin{gathered}" + latex + r"\end{gathered}"


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    # What sets the lesson apart: weight.grad after out.sum().backward(): only the rows the ids
    # looked up get a gradient (orange, outlined; row 2 twice), every other row stays 0.
    setup = lesson.Setup()
    grad = lesson.compute(setup).grad
    names = [row_name(r) for r in range(setup.num)]
    got = [bool(grad[r].abs().sum() > 0) for r in range(setup.num)]
    return kinds.table_heatmap(
        cells(grad, names, got),
        order=names,
        title="",
        subtitle="",
        description=t("embedding.card"),
        domain=(0.0, max(1.0, grad.max().item())),
        colours=GRAD_COLOURS,
        dark=0.6 * max(1.0, grad.max().item()),
    )
