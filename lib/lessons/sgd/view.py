"""What the sgd page draws (notes §4): the path of real opt.step() calls on a 2-D loss surface
and the loss after each step, stepped through one step at a time, with PyTorch's update rule,
the steps read from the optimizer, and the stability limit of the learning rate."""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
import streamlit as st

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.sgd import compute as lesson
from lib.view import kinds, thumbnails
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState

SECTIONS = (Part("table", "sgd.table_title", folded=True),)
FORMULA_CAPTION = "sgd.formula_caption"
PICTURE_CAPTION = ("sgd.picture_caption",)

LO, HI = lesson.DOMAIN
SHOW, STEPS, STEPS_BEFORE = "sgd.show", "sgd.steps", "sgd.steps_before"
MOVE = "sgd.move"  # the Start / Step / All control: a click acts, then the control clears itself
# Where Step stops: the steps a diverged run took (it has no next step), else MAX_STEPS.
STEP_LIMIT = "sgd.step_limit"
WINDOW = 10  # rows of the step table: the current step and the ones just before it
LOSS_FLOOR = 1e-6  # the loss chart's log axis starts here (a loss of 0 is drawn on it)
LOSS_CEILING = 1e5  # and ends here (a diverged run's last loss is drawn at the top)


def lr_options(state: PageState) -> list[float]:
    """The lr slider's values, plus the one the link gave if it is not among them (kept for
    the whole session so the slider's options never change under it)."""
    extra = st.session_state[state.seed("lr_extra", state.url_values["lr"])]
    return sorted({*lesson.LR_GRID, extra})


def follow_steps() -> None:
    """When `steps` changes: if every step was shown, keep showing every step."""
    steps = st.session_state[STEPS]
    before = st.session_state.get(STEPS_BEFORE, steps)
    shown = st.session_state.get(SHOW, steps)
    st.session_state[SHOW] = steps if shown >= before else min(shown, steps)


def show_none() -> None:
    st.session_state[SHOW] = 0


def show_next() -> None:
    """One more step: the next one of the run, or a new one added to the run. A run that
    stopped (diverged) has no next step: then nothing changes."""
    if st.session_state[SHOW] >= st.session_state.get(STEP_LIMIT, lesson.MAX_STEPS):
        return
    if st.session_state[SHOW] >= st.session_state[STEPS]:
        st.session_state[STEPS] = min(st.session_state[STEPS] + 1, lesson.MAX_STEPS)
        st.session_state[FULL_RERUN] = True  # the steps slider is drawn by the full run
    st.session_state[SHOW] = min(st.session_state[SHOW] + 1, st.session_state[STEPS])


def show_all() -> None:
    st.session_state[SHOW] = st.session_state[STEPS]


MOVES = {"reset": show_none, "step": show_next, "all": show_all}
MOVE_ICONS = {
    "reset": ":material/first_page:",
    "step": ":material/play_arrow:",
    "all": ":material/last_page:",
}


def move_clicked() -> None:
    """A click on Start, Step or All: do it, then clear the control (the next click on the same
    one acts again)."""
    choice, st.session_state[MOVE] = st.session_state[MOVE], None
    if choice is not None:
        MOVES[choice]()


def vec(pair) -> str:
    return "(" + ", ".join(num(v) for v in pair) + ")"


def tex_vec(pair) -> str:
    """A column vector: two short rows fit a phone where a row vector would not."""
    return r"\begin{pmatrix}" + r"\\ ".join(num(v) for v in pair) + r"\end{pmatrix}"


PICK = "pick_start"  # the surface's point selection: the cell clicked
# Set by a callback that changed a control the full run draws (the start point, or the steps a
# Step past the end adds): the live part then reruns the page, so that control shows it.
FULL_RERUN = "sgd._full_rerun"


def pick_start(chart_key: str, state: PageState) -> None:
    """The surface's on_select callback: the clicked cell's centre becomes the start point
    (x0, y0 are under More settings, drawn by the full run: the live part then reruns it)."""
    picked = st.session_state[chart_key].selection.get(PICK) or []
    if picked and {"col", "row"} <= set(picked[0]):
        st.session_state[state.key("x0")] = lesson.cell_centre(int(picked[0]["col"]))
        st.session_state[state.key("y0")] = lesson.cell_centre(int(picked[0]["row"]))
        st.session_state[FULL_RERUN] = True


@lru_cache(maxsize=64)
def surface_cells(surface: str, a: float) -> pd.DataFrame:
    """The surface's heatmap table, built once per surface and shared (never changed): a move
    of lr or momentum does not change it."""
    centres, values = lesson.surface_grid(surface, a)
    levels = [math.log10(v + 0.01) for v in values]  # +0.01: the minimum (f = 0) gets a colour
    low, high = min(levels), max(levels)
    n = len(centres)
    return pd.DataFrame(
        {
            "col": [i % n for i in range(n * n)],  # x = centres[col]
            "row": [i // n for i in range(n * n)],  # y = centres[row]
            "level": [(v - low) / (high - low) for v in levels],
        }
    )


def picture(run: lesson.Run, shown: int, state: PageState | None = None) -> None:
    """The surface with the path, and the loss per step; ``state``: a click on the surface
    sets the start point (None where the start is not the student's: a teacher's lock)."""
    s = run.settings
    cells = surface_cells(s.surface, s.a)
    trail = [(s.x0, s.y0)] + [step.after for step in run.steps]
    path = pd.DataFrame(
        {
            "step": range(len(trail)),
            "x": [p[0] for p in trail],
            "y": [p[1] for p in trail],
            "shown": [k <= shown for k in range(len(trail))],
        }
    )
    minima = lesson.SURFACE_INFO[s.surface].minima
    here = run.point(shown)
    points = pd.DataFrame(
        {
            "kind": ["minimum"] * len(minima) + ["start", "current"],
            "x": [m[0] for m in minima] + [s.x0, here[0]],
            "y": [m[1] for m in minima] + [s.y0, here[1]],
        }
    )
    all_losses = [run.loss_at(k) for k in range(run.taken + 1)]
    losses = pd.DataFrame(
        {
            "step": range(run.taken + 1),
            "plotted": [
                min(max(v, LOSS_FLOOR), LOSS_CEILING) if math.isfinite(v) else LOSS_CEILING
                for v in all_losses
            ],
            "shown": [k <= shown for k in range(run.taken + 1)],
            "current": [k == shown for k in range(run.taken + 1)],
        }
    )

    # A row that wraps (one above the other on a phone): one block, not a row of columns.
    with st.container(horizontal=True):
        # The optimizer's path over the surface: the minima as white crosses, the start as a
        # white circle, the steps shown and the current point in orange, the rest dashed grey.
        spec = kinds.surface(
            cells,
            path,
            points,
            domain=(LO, HI),
            count=lesson.GRID,
            description=t("sgd.surface_alt", surface=t(f"sgd.surface_{s.surface}")),
            pick=PICK if state is not None else None,
        )
        # Fixed size (not stretched to the column): the square domain stays square.
        chart_key = "sgd.surface_chart"  # not "sgd.surface": the surface control's key
        kinds.show(
            kinds.titled(spec, t("sgd.surface_title")),
            key=chart_key,
            width="content",
            on_select=(lambda: pick_start(chart_key, state)) if state is not None else None,
        )
        # The loss after each step on a log axis, the divergence bound as a dashed rule.
        spec = kinds.loss_curve(
            losses,
            s.steps,
            bound=lesson.LOSS_BOUND,
            floor=LOSS_FLOOR,
            ceiling=LOSS_CEILING,
            x_title=t("sgd.loss_x"),
            y_title=t("sgd.loss_y"),
            description=t("sgd.loss_alt"),
            y="plotted",
        )
        kinds.show(kinds.titled(spec, t("sgd.loss_title")), key="sgd.loss")


def step_table(run: lesson.Run, shown: int) -> None:
    s = run.settings
    first = max(1, shown - WINDOW + 1)
    rows = run.steps[first - 1 : shown]
    table = {
        t("sgd.col_step"): [r.k for r in rows],
        "f(p)": [num(r.loss) for r in rows],
        "p": [vec(r.before) for r in rows],
        "p.grad": [vec(r.grad) for r in rows],
    }
    if s.weight_decay:
        table["p.grad + wd·p"] = [vec(lesson.step_parts(run, r.k).d_p) for r in rows]
    table["momentum_buffer"] = [vec(r.buffer) if r.buffer else "—" for r in rows]
    table[t("sgd.col_after")] = [vec(r.after) for r in rows]
    st.table(pd.DataFrame(table), hide_index=True)
    st.caption(
        t("sgd.table_caption", first=first, last=shown, taken=run.taken)
        + " "
        + t("sgd.table_no_buffer" if not s.momentum else "sgd.table_first_buffer")
    )


def formula(page: Page, run: lesson.Run, shown: int) -> None:
    """PyTorch's update rule, then the current step with its numbers, one short line each
    (aligned on "=" so it fits a phone), then Sutskever's velocity for the same step."""
    s = run.settings
    general = (
        r"\text{PyTorch: }\ g_t = \nabla f(p_{t-1}) + \lambda\,p_{t-1}"
        r"\\ b_t = \mu\,b_{t-1} + (1-\tau)\,g_t\ \ (b_1 = g_1)"
        r"\\ p_t = p_{t-1} - \gamma\,b_t"
        r"\\ \text{(Nesterov: } p_t = p_{t-1} - \gamma\,(g_t + \mu\,b_t)\text{)}"
        rf"\\[4pt] \text{{{t('sgd.sutskever_label')}}}"
        r"\ v_t = \mu\,v_{t-1} + \gamma\,g_t"
        r"\\ p_t = p_{t-1} - v_t"
    )
    k = min(shown, run.taken)
    if k == 0:
        # Before the first step there are no numbers to put in: the rule alone (the caption
        # under it, static, says what the symbols are).
        waiting = "" if run.error else rf"\\[8pt] \text{{{t('sgd.no_step_label')}}}"
        page.formula(r"\begin{gathered}" + general + waiting + r"\end{gathered}")
        return
    step = run.steps[k - 1]
    parts = lesson.step_parts(run, k)
    j = k - 1
    lr, mu = num(s.lr), num(s.momentum)
    lines = [rf"p_{{{j}}} &= {tex_vec(step.before)}"]
    if s.weight_decay:
        lines.append(
            rf"g_{{{k}}} &= \nabla f(p_{{{j}}}) + \lambda\,p_{{{j}}} = {tex_vec(step.grad)}"
        )
        lines.append(rf"&\quad + {num(s.weight_decay)}\cdot{tex_vec(step.before)}")
        lines.append(rf"&= {tex_vec(parts.d_p)}")
    else:
        lines.append(rf"g_{{{k}}} &= \nabla f(p_{{{j}}}) = {tex_vec(step.grad)}")
    if parts.buffer is None:
        lines.append(rf"p_{{{k}}} &= {tex_vec(step.before)} - {lr}\cdot{tex_vec(parts.d_p)}")
    else:
        if parts.previous_buffer is None:
            lines.append(rf"b_1 &= g_1 = {tex_vec(parts.buffer)}")
        else:
            lines.append(rf"b_{{{k}}} &= {mu}\cdot{tex_vec(parts.previous_buffer)}")
            lines.append(rf"&\quad + (1 - {num(s.dampening)})\cdot{tex_vec(parts.d_p)}")
            lines.append(rf"&= {tex_vec(parts.buffer)}")
        if s.nesterov:
            lines.append(
                rf"p_{{{k}}} &= {tex_vec(step.before)} - {lr}\cdot\Big({tex_vec(parts.d_p)}"
            )
            lines.append(rf"&\qquad + {mu}\cdot{tex_vec(parts.buffer)}\Big)")
        else:
            lines.append(rf"p_{{{k}}} &= {tex_vec(step.before)} - {lr}\cdot{tex_vec(parts.buffer)}")
    lines.append(rf"&= {tex_vec(step.after)}")
    if parts.sutskever_v is not None:
        lines.append(
            rf"v_{{{k}}} &= \gamma\,b_{{{k}}} = {tex_vec(parts.sutskever_v)}"
            r"\ \ \text{(Sutskever)}"
        )
    numbers = r"\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}"
    page.formula(
        r"\begin{gathered}"
        + general
        + rf"\\[8pt] \text{{{t('sgd.step_label', k=k)}}}\\"
        + numbers
        + r"\end{gathered}"
    )


def prepare(state: PageState) -> None:
    # A link without `show` (or with a larger one) shows every step: "all at once" is the default.
    state.url_values["show"] = min(state.url_values["show"], state.url_values["steps"])


def secondary(page: Page) -> dict:
    """The surface and the start point, and the optimizer's rarer options."""
    state = page.state
    surface = state.control(
        st.radio,
        "surface",
        t("sgd.surface"),
        lesson.SURFACES,
        format_func=lambda name: t(f"sgd.surface_{name}"),
        horizontal=True,
    )
    a = state.control(
        st.slider, "cond", t("sgd.cond"), *lesson.COND_RANGE, step=0.5, help=t("sgd.cond_help")
    )
    x0 = state.control(st.slider, "x0", "x0", LO, HI, step=0.1, help=t("sgd.start_help"))
    y0 = state.control(st.slider, "y0", "y0", LO, HI, step=0.1, help=t("sgd.start_help"))
    dampening = state.control(
        st.slider,
        "dampening",
        "dampening",
        *lesson.DAMPENING_RANGE,
        step=0.05,
        help=t("sgd.dampening_help"),
    )
    wd = state.control(
        st.slider, "wd", "weight_decay", *lesson.WD_RANGE, step=0.01, help=t("sgd.wd_help")
    )
    nesterov = state.control(st.toggle, "nesterov", "nesterov", help=t("sgd.nesterov_help"))
    return {
        "surface": surface,
        "cond": a,
        "x0": x0,
        "y0": y0,
        "dampening": dampening,
        "wd": wd,
        "nesterov": nesterov,
    }


def stability_note(run: lesson.Run, settings: lesson.Settings, shown: int) -> str | None:
    """What the learning rate does near the minimum (when PyTorch accepted the setting), and
    where the point left the plotted square."""
    surface, lr = settings.surface, settings.lr
    limit = lesson.stability(settings)
    if limit.lr_limit is None or run.error is not None:
        return None
    rule = "nesterov" if settings.nesterov else ("momentum" if settings.momentum else "plain")
    stability = t(
        "sgd.stability",
        point=vec(lesson.SURFACE_INFO[surface].minima[0]),
        low=num(limit.eigenvalues[0]),
        high=num(limit.eigenvalues[1]),
        rule=t(f"sgd.rule_{rule}"),
        limit=num(limit.lr_limit),
        lr=f"{lr:g}",
        verdict=t(f"sgd.{lesson.verdict(lr, limit.lr_limit)}"),
    )
    outside = lesson.left_window(run, shown)
    if outside is not None:
        lo, hi = lesson.DOMAIN
        where = t("sgd.left_window", step=outside, point=vec(run.point(outside)),
                  lo=f"{lo:g}", hi=f"{hi:g}")  # fmt: skip
        stability = f"{stability}\n\n{where}"
    return stability


def setup(page: Page) -> dict:
    """How many steps the run takes: above the live controls, drawn by the full run (a move
    of lr or momentum then does not redraw it)."""
    steps = page.state.control(
        st.slider,
        "steps",
        t("sgd.steps"),
        1,
        lesson.MAX_STEPS,
        on_change=follow_steps,
        help=t("sgd.steps_help"),
    )
    st.session_state[STEPS_BEFORE] = steps
    return {"steps": steps}


def live(page: Page) -> None:
    if st.session_state.pop(FULL_RERUN, False):
        st.rerun(scope="app")  # a click moved a control the full run draws: show it there
    state, more = page.state, page.secondary
    lr = state.control(
        st.select_slider,
        "lr",
        "lr",
        options=lr_options(state),
        format_func=lambda v: f"{v:g}",
        help=t("sgd.lr_help"),
    )
    momentum = state.control(st.slider, "momentum", "momentum", *lesson.MOMENTUM_RANGE, step=0.01)
    steps = more["steps"]
    st.session_state[SHOW] = min(st.session_state[state.seeded("show")], steps)
    show = state.control(st.slider, "show", t("sgd.show"), 0, steps, help=t("sgd.show_help"))
    surface, nesterov, wd = more["surface"], more["nesterov"], more["wd"]
    settings = lesson.Settings(
        surface,
        more["cond"],
        more["x0"],
        more["y0"],
        lr,
        momentum,
        more["dampening"],
        nesterov,
        wd,
        steps,
    )
    run = lesson.run(settings)
    shown = min(show, run.taken)
    st.session_state[STEP_LIMIT] = run.taken if run.diverged else lesson.MAX_STEPS

    if "show" not in state.hidden:
        # Start / Step / All as one control (one element a move rather than a row of three
        # buttons): a click acts, then the control clears itself (move_clicked). It stays
        # clickable where there is nothing to do, and is disabled only for a locked link and
        # for settings PyTorch refused.
        st.segmented_control(
            t("sgd.buttons"),
            list(MOVES),
            format_func=lambda m: f"{MOVE_ICONS[m]} {t(f'sgd.{m}')}",
            key=MOVE,
            on_change=move_clicked,
            disabled=state.locked or run.error is not None,
        )

    # The share panel, under the stepping buttons.
    values = {**more, "lr": lr, "momentum": momentum, "steps": steps, "show": show}
    page.sync({name: values[name] for name in (p.name for p in state.spec.params)})

    with page.picture:
        here = run.point(shown)
        clickable = not (state.locked or {"x0", "y0"} & state.hidden)
        picture(run, shown, state if clickable else None)
        # Under the charts, so that they stay in place when a run starts to diverge.
        if run.error is not None:
            st.code(f"ValueError: {run.error}", language="text", wrap_lines=True)
            st.info(t("sgd.error_explain"), icon=":material/info:")
        elif run.diverged:
            st.info(
                t(
                    "sgd.diverged",
                    taken=run.taken,
                    loss=num(run.final_loss) if math.isfinite(run.final_loss) else "inf/nan",
                    bound=f"{lesson.LOSS_BOUND:g}",
                ),
                icon=":material/trending_up:",
            )
        # The numbers, then what the learning rate does near the minimum and what to try on
        # this surface: one element (the try-this hint small, as a caption).
        page.metrics(
            Metric("x", num(here[0])),
            Metric("y", num(here[1])),
            Metric("loss", num(run.loss_at(shown))),
            Metric(t("sgd.taken"), str(shown), help=t("sgd.taken_help", steps=steps)),
            note=stability_note(run, settings, shown),
            caption=t(f"sgd.hint_{settings.surface}"),  # what to try on this surface
        )

    formula(page, run, shown)
    if page.shows("table"):
        with page.slot("table"):
            if run.error is None and shown:
                step_table(run, shown)
            else:
                st.caption(t("sgd.table_refused" if run.error else "sgd.table_empty"))
    page.code(lambda: lesson.snippet(settings, show))

    if run.error is None:
        check = lesson.first_buffer(settings)
        options = ["none", "grad", "damped", "lr_grad"] + (["grad_wd"] if wd else [])
        page.check(
            key="sgd.check",
            question=t("sgd.check_question"),
            options=options,
            answers=check.right & set(options),
            format_func=lambda o: t(f"sgd.check_{o}"),
            explanation=t(
                "sgd.check_explanation",
                buffer="—" if check.buffer is None else vec(check.buffer),
            ),
        )


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    run = lesson.run(lesson.Settings())
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
        x_title=t("sgd.loss_x"),
        y_title="loss",
        x_domain=(0, run.taken),
        y_domain=(0, float(losses["loss"].max())),
        description=t("sgd.card"),
        height=thumbnails.HEIGHT,
    )
