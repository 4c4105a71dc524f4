"""What the tensors page draws (notes §2, §4): view vs reshape as a memory inspector (x's storage,
the tensors reading it, a write through the result), then creating tensors and their dtypes."""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.tensors import compute as lesson
from lib.view import kinds, panels
from lib.view.frame import presenting
from lib.view.kinds.base import em_width
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.text import md_escape
from lib.view.url_state import PageState, quoted

# The creation parts come under the inspector; no inspector control changes them, so they are
# drawn once, in the full run (the dtype box then reruns the page).
SECTIONS = (
    Part("facts", "tensors.facts_title", folded=True),  # every tensor's numbers, as a table
    Part(
        "create",
        "tensors.create_title",
        "tensors.create_intro",
        static=lambda page: creating_tensors(page.state),
    ),
    Part(
        "dtypes",
        "tensors.dtype_table_title",
        "tensors.dtype_table_caption",
        static=lambda page: dtypes_section(),
    ),
)
FORMULA_CAPTION = "tensors.formula_caption"
# Under the pictures: what the inspector does, and how to read its colours (never changing).
PICTURE_CAPTION = ("tensors.inspector_title", "tensors.inspector_intro", "tensors.link_caption")

N_MAX = lesson.MAX_ELEMENTS
# The headline numbers, named as the "Reproduce this" snippet prints them.
METRICS = (
    "t.stride()",
    "t.is_contiguous()",
    "v.stride()",
    "reshape copied",
    "element's storage index",
    "x changed",
)
# Labels in plain words are translated on screen; code-like ones read the same in any language.
PLAIN_LABELS = {
    "reshape copied": "tensors.label_copied",
    "element's storage index": "tensors.label_storage_index",
    "x changed": "tensors.label_changed",
}
HEADER = 0.9  # room above a block for its label, in cell rows
# Grids in a row: the pixels of one cell across (a laptop's half column gave 23; presenting,
# the wider column, 40), and the fewest title ems a chart is wide.
GRID_CELL_PX = 23
GRID_CELL_PX_PRESENTING = 40
GRID_MIN_EMS = 16  # title lines such as "is_contiguous() True" fit whole
NO_BREAK = "\u00a0"  # a space a chart title does not break at
# The link's rejected target shape and PyTorch's words about it, kept from the full run that
# found it (prepare) for the live part to show under the notice, until the next full run.
URL_VIEW_ERROR = "tensors.url_view_error"


def pair_label(pair: tuple[int, ...]) -> str:
    return f"x.transpose({pair[0]}, {pair[1]})" if pair else t("tensors.no_transpose")


def index_text(index) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def hex_ptr(ptr: int) -> str:
    return f"0x{ptr:x}"


# --- pictures: storage cells and tensor grids, drawn by kinds.cells ----------------------------


def grid_layout(shape: tuple[int, ...]) -> tuple[list[tuple[float, float]], list, float, float]:
    """Where each element (row-major) is drawn, in cell units: a 1-D tensor is a row, 2-D a
    grid, 3-D a row of blocks (one per first index), 4-D a grid of blocks. Returns the cell
    corners, the block labels (x, y, text), the width and the height."""
    dims = (1,) * (4 - len(shape)) + tuple(shape)  # pad to 4-D: (blocks down, across, rows, cols)
    down, across, rows, cols = dims
    header = HEADER if len(shape) >= 3 else 0.0
    block_w, block_h = cols + 0.6, rows + header + 0.4
    cells, labels = [], []
    for a in range(down):
        for b in range(across):
            left, top = b * block_w, a * block_h
            if header:
                name = f"[{b}]" if len(shape) == 3 else f"[{a}, {b}]"
                labels.append((left + cols / 2, top + header * 0.55, name))
            cells += [(left + j, top + header + i) for i in range(rows) for j in range(cols)]
    width = across * block_w - 0.6
    height = down * block_h - (0.4 if down else 0)
    return cells, labels, width, height


def cell_frame(corners, values, sources, tips, written) -> pd.DataFrame:
    x = [c[0] for c in corners]
    y = [c[1] for c in corners]
    return pd.DataFrame(
        {
            "x0": [v + 0.06 for v in x],
            "x1": [v + 0.94 for v in x],
            "y0": [v + 0.06 for v in y],
            "y1": [v + 0.94 for v in y],
            "cx": [v + 0.5 for v in x],
            "cy": [v + 0.5 for v in y],
            "label": [str(v) for v in values],
            "source": sources,
            "tip": tips,
            "written": written,
        }
    )


def label_frame(labels) -> pd.DataFrame:
    return pd.DataFrame(
        {"cx": [p[0] for p in labels], "cy": [p[1] for p in labels], "text": [p[2] for p in labels]}
    )


def cells_titled(spec: kinds.Spec, title: str, line: float = 19) -> kinds.Spec:
    """A cells chart with its heading inside it: the chart grows by the title's height (fitted
    only across, the cells keep their size in rows)."""
    return {**kinds.titled(spec, title, line=line), "autosize": {"type": "fit-x"}}


def storage_chart(facts, sources, written_cells, name: str, title: str | None = None) -> kinds.Spec:
    """The storage as a strip of cells in index order, each with its storage index under it
    (wrapping on a phone)."""
    n = len(facts.values)
    # facts.values lists elements in row-major order; place each at its storage cell.
    by_cell = dict(zip(facts.positions, facts.values, strict=True))
    source_by_cell = dict(zip(facts.positions, sources, strict=True))
    cells = sorted(by_cell)
    frame = pd.DataFrame(
        {
            "index": cells,
            "label": [str(by_cell[c]) for c in cells],
            "source": [source_by_cell[c] for c in cells],
            "tip": [f"{name}.untyped_storage()[{c}] = {by_cell[c]}" for c in cells],
            "written": [c in written_cells for c in cells],
        }
    )
    spec = kinds.storage_strip(frame, description=t("tensors.storage_alt", name=name, n=n))
    return spec if title is None else cells_titled(spec, title, line=24)


def tensor_chart(
    facts, sources, written, name: str, code: str, width_units: float, line: float = 19
) -> kinds.Spec:
    corners, labels, _, height = grid_layout(facts.shape)
    indices = multi_indices(facts.shape)
    frame = cell_frame(
        corners,
        facts.values,
        sources,
        [
            f"{name}{index_text(i)} = {v} · storage[{p}]"
            for i, v, p in zip(indices, facts.values, facts.positions, strict=True)
        ],
        written,
    )
    spec = kinds.cells(
        frame,
        label_frame(labels),
        colours=len(facts.values),
        width_units=width_units,
        height_units=height,
        description=t(
            "tensors.grid_alt",
            name=name,
            shape=str(facts.shape),
            positions=", ".join(map(str, facts.positions)),
        ),
    )
    # The tensor's heading, inside the chart: its code, stride() and is_contiguous() (they
    # change with the shape, never with the element written).
    title = t(
        "tensors.tensor_title",
        name=name,
        code=code,
        stride=str(facts.stride),
        contiguous=str(facts.is_contiguous),
    )
    # A line breaks between its parts (the code, stride(), is_contiguous()), not inside one
    # that fits a line (its spaces do not break), and never right after "x =".
    parts = [f"{part} ·".replace(" = ", f"{NO_BREAK}={NO_BREAK}") for part in title.split(" · ")]
    parts[-1] = parts[-1].removesuffix(" ·")
    title = " ".join(
        part.replace(" ", NO_BREAK) if em_width(part) <= line else part for part in parts
    )
    # ``line``: as many ems as the chart is wide (a grid in a row of grids is narrow), or Vega
    # cuts the title with an ellipsis.
    return cells_titled(spec, title, line=line)


def multi_indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every index of ``shape`` in row-major order (the order of TensorFacts.values)."""
    out = [()]
    for size in shape:
        out = [(*prefix, i) for prefix in out for i in range(size)]
    return out


def facts_row(name: str, facts, x_ptr: int) -> dict:
    return {
        "tensor": name,
        "shape": str(facts.shape),
        "stride()": str(facts.stride),
        "storage_offset()": str(facts.storage_offset),
        "is_contiguous()": str(facts.is_contiguous),
        "data_ptr()": hex_ptr(facts.data_ptr),
        t("tensors.same_memory"): str(facts.storage_ptr == x_ptr),
    }


def creating_tensors(state: PageState) -> None:
    """The creation calls, and the integer requirement tried with the dtype box (the part's
    heading and introduction are static)."""
    left, right = st.columns([5, 4])
    with left:
        rows = lesson.created()
        st.table(
            pd.DataFrame(
                {
                    t("tensors.code"): [r.code for r in rows],
                    "dtype": [r.dtype for r in rows],
                    "shape": [str(r.shape) for r in rows],
                    t("tensors.values"): [
                        t("tensors.uninitialised") if r.values is None else str(r.values)
                        for r in rows
                    ],
                }
            ),
            hide_index=True,
        )
    with right:
        dtype = state.control(
            st.selectbox,
            "dtype",
            t("tensors.dtype_pick"),
            lesson.DTYPES,
            format_func=lambda d: f"torch.{d}",
            help=t("tensors.dtype_help"),
        )
        demo = lesson.index_demo(dtype)
        st.code(
            f"ids = torch.tensor([2, 0, 1], dtype=torch.{dtype})\n"
            f"ids  # {demo.ids}\n"
            "F.embedding(ids, weight)      # weight: 3 x 2\n"
            "F.cross_entropy(logits, ids)  # logits: 3 x 3",
            language="python",
            wrap_lines=True,
        )
        if demo.embedding_error is None:
            rows_text = ", ".join(str(list(row)) for row in demo.picked)
            st.success(t("tensors.embedding_ok", rows=rows_text), icon=":material/check:")
        else:
            st.markdown(t("tensors.embedding_fails"))
            st.code(demo.embedding_error, language="text", wrap_lines=True)
        if demo.cross_entropy_error is None:
            st.success(t("tensors.cross_entropy_ok", loss=num(demo.loss)), icon=":material/check:")
        else:
            st.markdown(t("tensors.cross_entropy_fails"))
            st.code(demo.cross_entropy_error, language="text", wrap_lines=True)
        st.caption(t("tensors.requirement_caption"))


def dtypes_section() -> None:
    """Every dtype measured by PyTorch, and where each is needed (the part's heading and the
    table's caption are static)."""
    table = lesson.dtype_table()
    yes, no = t("tensors.yes"), t("tensors.no")
    st.table(
        pd.DataFrame(
            {
                "dtype": [f"torch.{r.name}" for r in table],
                t("tensors.legacy"): [r.legacy for r in table],
                "element_size()": [str(r.element_size) for r in table],
                "min": [format_limit(r.lo) for r in table],
                "max": [format_limit(r.hi) for r in table],
                "eps": ["" if r.eps is None else format_limit(r.eps) for r in table],
                t("tensors.as_indices"): [no if r.embedding_error else yes for r in table],
                t("tensors.as_targets"): [no if r.cross_entropy_error else yes for r in table],
            }
        ),
        hide_index=True,
    )
    st.markdown(f"**{t('tensors.used_for')}**")
    halves = st.columns(2)  # (a horizontal container wraps the two lists one under the other)
    for half, names in zip(halves, (lesson.DTYPES[:5], lesson.DTYPES[5:]), strict=True):
        half.markdown("\n".join(f"- `torch.{d}`: {t(f'tensors.use_{d}')}" for d in names))


def format_limit(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and abs(value) < 10**6:
        return str(value)  # exact; int32 and int64 limits are shortened like the floats
    return format(value, ".5g")


def set_view(choice_key: str, view_key: str) -> None:
    """A suggested target shape was clicked: put it in the view box."""
    choice = st.session_state[choice_key]
    if choice is not None:
        st.session_state[view_key] = choice
    st.session_state[choice_key] = None


def typed_fallback(param: str, raw: str, reason: str, used: str) -> None:
    st.warning(
        t(
            "tensors.typed_fallback",
            param=param,
            raw=quoted(raw or ""),
            reason=t(f"notice.{reason}"),
            used=md_escape(used),
        ),
        icon=":material/edit_off:",
    )


def t_code(ins) -> str:
    return f"x.transpose({ins.transpose[0]}, {ins.transpose[1]})" if ins.transpose else "x"


def picture(ins) -> None:
    """The memory inspector: x's storage row, the tensors as grids coloured by the storage cell
    they read (each titled with its code and strides), what the write did, then the headline
    numbers. Every tensor's facts are a folded part (facts_table)."""
    write = ins.write
    values = {
        "t.stride()": str(ins.t.stride),
        "t.is_contiguous()": str(ins.t.is_contiguous),
        "v.stride()": "RuntimeError" if ins.v is None else str(ins.v.stride),
        "reshape copied": str(ins.reshape_copied),
        "element's storage index": str(write.storage_index),
        "x changed": str(write.x_changed),
    }
    helps = {
        "t.stride()": t("tensors.m_t_stride", t_code=t_code(ins)),
        "t.is_contiguous()": t("tensors.m_contiguous"),
        "v.stride()": t("tensors.m_v_stride", target=lesson.shape_code(ins.target)),
        "reshape copied": t("tensors.m_copied"),
        "element's storage index": t("tensors.m_storage_index", w=write.through),
        "x changed": t("tensors.m_changed"),
    }

    x_cells = set(write.x_cells)
    n = len(ins.x.values)
    # The grids share one size of cell. Narrow tensors sit in a row that wraps (x, t, v and r
    # side by side on a laptop, fewer a row on a phone: one block, where a row of columns
    # was three), each chart as wide as its grid; wide ones go one under the other, across
    # the column.
    grid_widest = max(grid_layout(f.shape)[2] for f in (ins.x, ins.t, ins.r))
    in_a_row = grid_widest <= 16
    units = max(grid_widest, 24)
    cell_px, title_px = (GRID_CELL_PX_PRESENTING, 20) if presenting() else (GRID_CELL_PX, 13)

    def show_grid(facts, sources, written, name: str, code: str) -> None:
        if not in_a_row:
            chart = tensor_chart(facts, sources, written, name, code, units)
            kinds.show(chart, key=f"tensors.{name}")
            return
        # As wide as the grid (4 px of padding each side), or as its title needs.
        width = max(round(grid_layout(facts.shape)[2] * cell_px) + 8, GRID_MIN_EMS * title_px)
        grid_units = (width - 8) / cell_px
        # Vega cuts a title ~40 px short of the edge; a character is 0.55 em, em_width says 0.6.
        line = (width - 46) / (0.92 * title_px)
        chart = tensor_chart(facts, sources, written, name, code, grid_units, line=line)
        kinds.show(chart, key=f"tensors.{name}", width=width)

    # The storage row, titled inside the chart (x's data_ptr() is in the facts table: an
    # address would change the chart's spec on every move).
    storage_title = t("tensors.storage_chart_title", n=n, size=ins.x.element_size)
    kinds.show(
        storage_chart(ins.x, list(ins.x.positions), x_cells, "x", storage_title),
        key="tensors.storage_x",
    )

    w_name = write.through
    written_index = write.index
    w_facts = ins.v if w_name == "v" else ins.r
    w_indices = multi_indices(w_facts.shape)
    target = lesson.shape_code(ins.target)
    r_code = f"t.reshape({target})"
    r_written = [i == written_index for i in multi_indices(ins.r.shape)]
    if ins.reshape_copied:
        # r's storage is new: colour each element by the x cell it was copied from, which is
        # its value (x = arange), except where the write has just replaced it.
        r_sources = [
            write.before if written and w_name == "r" else value
            for written, value in zip(r_written, ins.r.values, strict=True)
        ]
    else:
        r_sources = list(ins.r.positions)

    # One under the other, the grids need no container (it would be one more element a move).
    with st.container(horizontal=True) if in_a_row else nullcontext():
        x_code = f"torch.arange({n}).reshape({lesson.shape_code(ins.shape)})"
        x_written = [p in x_cells for p in ins.x.positions]
        show_grid(ins.x, list(ins.x.positions), x_written, "x", x_code)
        if ins.transpose:
            t_written = [p in x_cells for p in ins.t.positions]
            show_grid(ins.t, list(ins.t.positions), t_written, "t", t_code(ins))
        if ins.v is not None:
            v_written = [i == written_index for i in w_indices]
            show_grid(ins.v, list(ins.v.positions), v_written, "v", f"t.view({target})")
        show_grid(ins.r, r_sources, r_written, "r", r_code)
    if ins.transpose:  # how t walks x's storage: under the grids, as wide as the column
        walk = ", ".join(map(str, ins.t.positions[:10]))
        if len(ins.t.positions) > 10:
            walk += ", …"
        jumps = "t_caption_contiguous" if ins.t.is_contiguous else "t_caption"
        st.caption(t(f"tensors.{jumps}", walk=walk))
    if ins.v is None:  # full width, under the grids
        st.markdown(t("tensors.view_failed", target=target))
        st.code(ins.view_error, language="text", wrap_lines=True)
        st.markdown(t("tensors.view_failed_explain", walk=", ".join(map(str, ins.t.positions))))
    if ins.reshape_copied:  # full width, as x's storage row: easy to compare
        st.markdown(t("tensors.r_storage_title", ptr=hex_ptr(ins.r.data_ptr)))
        r_cells = {write.storage_index} if w_name == "r" else set()
        kinds.show(storage_chart(ins.r, r_sources, r_cells, "r"), key="tensors.storage_r")

    # What the write did, and whether reshape copied (r's own storage, drawn above) or r reads
    # x's memory too: one box.
    w_code = f"{w_name}{index_text(written_index)} = {write.value}"
    if write.x_changed:
        said = t(
            "tensors.write_shared",
            code=w_code,
            cell=write.x_cells[0],
            x_index=index_text(write.x_index),
            before=write.before,
            value=write.value,
        )
    elif write.before == write.value:
        said = t("tensors.write_same", code=w_code, value=write.value)
    else:
        said = t("tensors.write_copy", code=w_code, cell=write.storage_index, before=write.before)
    said += "\n\n" + t("tensors.copy_caption" if ins.reshape_copied else "tensors.no_copy_caption")
    st.info(said, icon=":material/edit:")

    panels.metric_row(
        [
            Metric(
                t(PLAIN_LABELS[label]) if label in PLAIN_LABELS else label,
                values[label],
                help=helps[label],
            )
            for label in METRICS
        ]
    )


def facts_table(ins) -> None:
    """Every tensor's shape, stride(), storage_offset(), is_contiguous() and data_ptr()."""
    rows = [facts_row("x", ins.x, ins.x.storage_ptr)]
    if ins.transpose:
        rows.append(facts_row("t", ins.t, ins.x.storage_ptr))
    if ins.v is not None:
        rows.append(facts_row("v", ins.v, ins.x.storage_ptr))
    rows.append(facts_row("r", ins.r, ins.x.storage_ptr))
    st.table(pd.DataFrame(rows).set_index("tensor"))


def formula(ins) -> str:
    """Short lines (they must fit a phone): strides as suffix products, the transpose's swap,
    and where the written element lives, with the current numbers."""
    x = ins.x
    suffix = [r"\cdot ".join(str(d) for d in x.shape[k + 1 :]) or "1" for k in range(len(x.shape))]
    lines = [
        r"s_k = \prod_{m>k} n_m",
        rf"\texttt{{x.stride()}} = {tex_tuple(suffix)} = {tex_tuple(x.stride)}",
    ]
    if ins.transpose:
        a, b = ins.transpose
        lines += [
            rf"\texttt{{t = x.transpose({a}, {b})}}:\ s_{a} \leftrightarrow s_{b}",
            rf"\texttt{{t.stride()}} = {tex_tuple(ins.t.stride)}",
        ]
    write = ins.write
    w = ins.v if write.through == "v" else ins.r
    terms = " + ".join(f"{i}\\cdot {s}" for i, s in zip(write.index, w.stride, strict=True))
    symbols = " + ".join(f"i_{k} s_{k}" for k in range(len(w.stride)))
    element = rf"\texttt{{{write.through}{index_text(write.index)}}}"
    storage = rf"\text{{{t('tensors.storage_word')}}}"
    lines += [
        rf"{element} \to {storage}[\,o + {symbols}\,]",
        rf"= {storage}[\,{w.storage_offset} + {terms}\,] = {storage}[{write.storage_index}]",
        rf"\text{{{t('tensors.address_word')}}} = \texttt{{data\_ptr()}} + {write.storage_index}"
        rf" \times {w.element_size}\ \text{{{t('tensors.bytes_word')}}}",
    ]
    return r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}"


def tex_tuple(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def prepare(state: PageState) -> None:
    """Links whose values are valid alone but not together: too many elements, a transpose of a
    dim the shape lacks, a target shape that does not fit, an element past the last one."""
    if lesson.numel(state.url_values["shape"]) > N_MAX:
        state.fix("shape", lesson.DEFAULT_SHAPE, "tensor_too_big")
    url_shape = state.url_values["shape"]
    url_n = lesson.numel(url_shape)
    if state.url_values["transpose"] and max(state.url_values["transpose"]) >= len(url_shape):
        state.fix("transpose", (0, 1) if len(url_shape) >= 2 else (), "tensor_no_such_dim")
    rejected_view, url_view_error = None, None
    if lesson.resolve_view(url_n, state.url_values["view"])[1] is not None:
        rejected_view = state.url_values["view"]
        url_view_error = lesson.resolve_view(url_n, rejected_view)[1]
        state.fix("view", lesson.FALLBACK_VIEW, "tensor_view_invalid")
    if state.url_values["at"] >= url_n:
        state.fix("at", url_n - 1, "out_of_range")
    # Shown once, with the notice: the link's target shape and PyTorch's own words about it.
    if url_view_error is not None and state.key("view") not in st.session_state:
        st.session_state[URL_VIEW_ERROR] = (url_view_error, url_n, rejected_view)
    else:
        st.session_state.pop(URL_VIEW_ERROR, None)


def setup(page: Page) -> dict:
    """The tensors the inspector reads: x's shape, the target shape (typed or a suggestion)
    and the transpose. They change what is drawn, so they rerun the page; the element slider
    under them moves the write alone."""
    state = page.state
    spec = state.spec
    if URL_VIEW_ERROR in st.session_state:  # under the notice that names it
        error, url_n, rejected = st.session_state[URL_VIEW_ERROR]
        st.code(error, language="text", wrap_lines=True)
        st.caption(t("tensors.view_invalid_explain", n=url_n, target=lesson.shape_code(rejected)))
    # The two shapes side by side: the element slider, the lesson's main control, stays on the
    # first screen under them (one above the other they pushed it below it at 1280 x 800).
    shape_box, view_box = st.columns(2, gap="small")
    shape_text = state.control(
        shape_box.text_input,
        "shape",
        t("tensors.shape_label"),
        value=spec["shape"].format(state.url_values["shape"]),
        help=t("tensors.shape_help", cap=N_MAX),
    )
    shape, reason = spec["shape"].read(shape_text or "")
    if reason is None and lesson.numel(shape) > N_MAX:
        reason = "tensor_too_big"
    if reason is not None:
        shape = lesson.DEFAULT_SHAPE
        typed_fallback("shape", shape_text, reason, spec["shape"].format(shape))
    n = lesson.numel(shape)

    view_text = state.control(
        view_box.text_input,
        "view",
        t("tensors.view_label"),
        value=spec["view"].format(state.url_values["view"]),
        help=t("tensors.view_help"),
    )
    target, reason = spec["view"].read(view_text or "")
    view_error = lesson.resolve_view(n, target)[1] if reason is None else None
    if reason is not None or view_error is not None:
        typed_fallback("view", view_text, reason or "tensor_view_invalid", "-1")
        if view_error is not None:
            st.code(view_error, language="text", wrap_lines=True)
            st.caption(t("tensors.view_invalid_explain", n=n, target=lesson.shape_code(target)))
        target = lesson.FALLBACK_VIEW

    pairs = [()] + [(a, b) for a in range(len(shape)) for b in range(a + 1, len(shape))]
    pair_key = state.seeded("transpose")
    if st.session_state[pair_key] not in pairs:  # the shape lost that dim
        st.session_state[pair_key] = (0, 1) if len(shape) >= 2 else ()
    pair = state.control(
        st.selectbox,
        "transpose",
        t("tensors.transpose_label"),
        pairs,
        format_func=pair_label,
        help=t("tensors.transpose_help"),
    )
    if "view" not in state.hidden:  # target shapes that fit, a click away
        choice_key = state.key("view_choice")
        st.pills(
            t("tensors.try_views"),
            [lesson.shape_code(s) for s in lesson.suggested_views(n)],
            format_func=lambda s: f"view({s})",
            key=choice_key,
            on_change=set_view,
            args=(choice_key, state.key("view")),
            disabled=state.locked,
            wrap=True,  # directly in the column they would scroll in one row
        )
    return {"shape": shape, "view": target, "transpose": pair}


def secondary(page: Page) -> dict:
    """The value written: 99 stands out among arange's 0 .. 47, so it is rarely changed."""
    value = page.state.control(
        st.number_input,
        "value",
        t("tensors.value_label"),
        *lesson.WRITE_RANGE,
        step=1,
        help=t("tensors.value_help"),
    )
    return {"value": value}


def live(page: Page) -> None:
    state, more = page.state, page.secondary
    shape, target, pair, value = more["shape"], more["view"], more["transpose"], more["value"]
    n = lesson.numel(shape)
    at_key = state.seeded("at")
    st.session_state[at_key] = min(max(st.session_state[at_key], 0), n - 1)
    if n > 1:
        at = state.control(
            st.slider, "at", t("tensors.at_label"), 0, n - 1, help=t("tensors.at_help")
        )
    else:  # a slider needs two ends: with one element there is nothing to choose
        at = 0
        st.caption(t("tensors.at_single"))

    # The dtype box is drawn with the creation part, below; the link carries its value.
    dtype = st.session_state.get(state.key("dtype"), state.url_values["dtype"])
    values = {"shape": shape, "view": target, "transpose": pair, "at": at, "value": value}
    page.sync({**values, "dtype": dtype})

    ins = lesson.inspect(shape, target, pair, at, value)
    with page.picture:
        picture(ins)
    page.formula(formula(ins))
    if page.shows("facts"):
        with page.slot("facts"):
            facts_table(ins)
    page.code(lambda: lesson.snippet(shape, target, pair, at, value))

    options = {str(s) for s in (ins.contiguous_stride, ins.t.stride, ins.t.shape)}
    options.add(str(tuple(reversed(ins.t.stride))))
    page.check(
        key="tensors.check",
        question=t("tensors.check_question", t_code=t_code(ins), stride=str(ins.t.stride)),
        options=sorted(options),
        answers={str(ins.contiguous_stride)},
        explanation=t(
            "tensors.check_copied" if ins.contiguous_copied else "tensors.check_same",
            stride=str(ins.contiguous_stride),
            shape=str(ins.t.shape),
        ),
    )


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    # What sets the lesson apart: the storage row of x = arange(24).reshape(2, 3, 4), each cell
    # with its storage index, and the element the default write changed outlined.
    ins = lesson.inspect(lesson.DEFAULT_SHAPE, lesson.DEFAULT_VIEW)
    cells = set(ins.write.x_cells)
    return storage_chart(ins.x, list(ins.x.positions), cells, "x")
