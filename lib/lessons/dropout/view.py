"""What the dropout page draws (notes §5.2): the input, the mask and the output side by side,
sum(y) scrubbed over every p, and the running average approaching the input."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import t, template
from lib.lessons._format import num
from lib.lessons.dropout import compute as lesson
from lib.view import kinds, panels, thumbnails
from lib.view.frame import presenting
from lib.view.lesson import Page, Part
from lib.view.panels import Metric
from lib.view.url_state import PageState


def scrub_shown(state: PageState) -> bool:
    """A teacher's lock or hide of p leaves the scrub chart (p's own control) out too."""
    return not (state.locked or "p" in state.hidden)


SECTIONS = (
    Part("scrub", "dropout.scrub_title", "dropout.scrub_caption", when=scrub_shown, folded=True),
    Part("mean", "dropout.mean_title", folded=True),
)
FORMULA_CAPTION = "dropout.formula_caption"


def grid_frame(values, top: float, labels=None) -> pd.DataFrame:
    """A SIZE x SIZE tensor as a long table for the heatmap, each cell shaded by value / ``top``
    on the fixed domain [0, 1]: the shading scale travels in the data, so the spec stays the same
    while p moves (a domain of [0, top] would change it)."""
    table = kinds.long_table(values)
    table["shade"] = table["value"] / top
    if labels is not None:
        table["label"] = labels
    return table


def scrub_chart(p: float, seed: int, train: bool, input_sum: float) -> None:
    """sum(y) for every p the slider can take (same seed and mode), scrubbed in the browser:
    PyTorch drew each row once; the chart's own range input picks one with no rerun."""
    grid = lesson.scrub_grid(seed, train=train, step=lesson.P_STEP)
    total = lesson.SIZE * lesson.SIZE

    def factor(value: float) -> str:
        return ("—" if value != value else num(value)) if train else "1 (eval)"  # nan at p = 1

    readout_text = template("dropout.scrub_readout")  # the template, formatted per row below
    readout = pd.DataFrame(
        {
            "p": grid["p"],
            "text": [
                readout_text.format(
                    p=num(row.p),
                    kept=row.kept,
                    total=total,
                    scale=factor(row.scale),
                    sum=num(row.sum),
                    y00=num(row.y00),
                )
                for row in grid.itertuples(index=False)
            ],
        }
    )
    curves = pd.concat(
        [
            pd.DataFrame({"p": grid["p"], "series": "sum(y)", "value": grid["sum"]}),
            pd.DataFrame({"p": grid["p"], "series": "sum(x)", "value": input_sum}),
        ],
        ignore_index=True,
    )
    kinds.show(
        kinds.scrub_lines(
            curves,
            readout,
            x="p",
            y="value",
            color="series",
            x_title="p",
            y_title=t("dropout.scrub_y"),
            x_domain=(0.0, 1.0),
            # headroom above the curves for the readout in the top-left corner
            y_domain=(0.0, 1.8 * max(grid["sum"].max(), input_sum)),
            description=t("dropout.scrub_alt", input_sum=num(input_sum)),
            label=t("dropout.scrub_label"),
            step=lesson.P_STEP,
            value=p,
            palette=kinds.palette(["sum(y)", "sum(x)"]),
            height=320,
        ),
        key="dropout.scrub",
    )


def secondary(page: Page) -> dict:
    """The seed (and its "New mask" button), the mode and inplace: moved now and then."""
    state = page.state
    seed = state.seed_control(st, t("dropout.new_seed"), help=t("dropout.seed_help"))
    mode = state.control(
        st.radio,
        "mode",
        t("dropout.mode"),
        ("train", "eval"),
        format_func=lambda m: f"dropout.{m}()",
        horizontal=True,
    )
    inplace = state.control(st.toggle, "inplace", "inplace=True")
    return {"seed": seed, "mode": mode, "inplace": inplace}


def live(page: Page) -> None:
    state = page.state
    p = state.slider("p", "p", help=t("dropout.p_help"))
    seed, mode, inplace = (page.secondary[name] for name in ("seed", "mode", "inplace"))
    page.sync({"p": p, "seed": seed, "mode": mode, "inplace": inplace})

    train = mode == "train"
    result = lesson.draw(p, seed, train=train, inplace=inplace)
    factor = lesson.scale(p)
    factor_text = "—" if factor is None else num(factor)
    asks_factor = train and result.kept_count  # the check asks for this factor: hide it till then
    if asks_factor and not page.answered("dropout.check", scale_question(p)):
        factor_text = panels.HIDDEN

    with page.picture:
        picture(result, mode, train, factor_text, inplace)

    if page.shows("scrub"):
        with page.slot("scrub"):
            scrub_chart(p, seed, train, result.input.sum().item())

    if page.shows("mean"):
        with page.slot("mean"):
            mean_chart(p, seed)

    x00, y00 = result.input[0, 0].item(), result.output[0, 0].item()
    kept00 = int(result.kept[0, 0])
    if not train:
        line = (
            rf"\text{{{t('dropout.eval_label')}}}\ y = x,\quad y_{{0,0}} = x_{{0,0}} = {num(x00)}"
        )
    elif factor is None:
        line = r"p = 1:\ \text{every unit is dropped},\ y = 0"
    else:
        line = (
            rf"y_{{0,0}} = \frac{{m_{{0,0}}\,x_{{0,0}}}}{{1-p}} = "
            rf"\frac{{{kept00}\cdot {num(x00)}}}{{1-{num(p)}}} = {num(y00)}"
        )
    page.formula(
        # One short line each, so a phone shows the whole formula.
        r"\begin{gathered}y_i = \frac{m_i\,x_i}{1-p},\quad m_i \sim \mathrm{Bernoulli}(1-p)"
        r"\\ \mathbb{E}[y_i] = (1-p)\cdot\frac{x_i}{1-p} = x_i"
        r"\\" + line + r"\end{gathered}",
    )
    page.code(lambda: lesson.snippet(p, seed, train, inplace))

    if asks_factor:
        # The factor as PyTorch applied it: output / input at a kept unit.
        measured = (result.output[result.kept] / result.input[result.kept])[0].item()
        candidates = {num(v) for v in (1.0 - p, p, 1.0, 1.0 / (1.0 - p))}
        page.check(
            key="dropout.check",
            question=scale_question(p),
            options=sorted(candidates, key=float),
            answers={num(measured)},
            explanation=t("dropout.check_explanation", factor=num(measured), p=num(p)),
        )
    else:
        dropped = result.output.numel() - result.kept_count
        page.check(
            key="dropout.check_zeroed",
            question=t("dropout.check_zeroed_question", p=num(p), mode=t(f"dropout.mode_{mode}")),
            options=["0", "32", "64"],
            answers={str(dropped)},
            explanation=zeroed_explanation(p, seed, train, dropped),
        )


def mean_chart(p: float, seed: int) -> None:
    """The running average of many training-mode draws approaching the input."""
    means = lesson.running_mean(p, seed)
    kinds.show(
        kinds.lines(
            means,
            x="draws",
            y="gap",
            color=None,
            x_title=t("dropout.mean_x"),
            y_title=t("dropout.mean_y"),
            x_domain=(1, lesson.MAX_DRAWS),
            y_domain=(0, 3),
            description=t("dropout.mean_alt"),
            x_log=True,
            height=240,
        ),
        key="dropout.mean",
    )
    st.caption(t("dropout.mean_caption", draws=lesson.MAX_DRAWS, last=num(means["gap"].iloc[-1])))


def scale_question(p: float) -> str:
    return t("dropout.check_question", p=num(p))


def picture(result: lesson.DropoutDraw, mode: str, train: bool, factor_text: str, inplace: bool):
    """The metrics, then x, the mask and y = dropout(x) side by side."""
    hidden = factor_text == panels.HIDDEN
    panels.metric_row(
        [
            Metric(
                t("dropout.m_kept"),
                t("dropout.kept_of", kept=result.kept_count, total=result.output.numel()),
            ),
            Metric("sum(y)", num(result.output.sum().item())),
            Metric("y[0, 0]", num(result.output[0, 0].item())),
            Metric(
                t("dropout.scale"),
                factor_text if train else "1 (eval)",
                help=t("panel.check_first" if hidden else "dropout.scale_help"),
            ),
        ]
    )

    # Each heatmap's side in pixels: side by side, the three fill the picture's width (and
    # scale down together on a phone).
    size = 360 if presenting() else 164
    top = max(result.input.max().item(), result.output.max().item(), 1e-6)
    heat = dict(domain=(0.0, 1.0), row="row", col="col", value="shade", label="label", size=size)
    mask = result.kept.float()
    labels = ["1" if k else "0" for k in result.kept.flatten().tolist()]
    input_alt = t("dropout.input_alt")
    mask_alt = t("dropout.mask_alt")
    output_alt = t("dropout.output_alt", mode=t(f"dropout.mode_{mode}"))
    grids = [
        kinds.heatmap(grid_frame(result.input, top), title="x", description=input_alt, **heat),
        kinds.heatmap(
            grid_frame(mask, 1.0, labels),
            title=t("dropout.mask_title"),
            description=mask_alt,
            **heat,
        ),
        kinds.heatmap(
            grid_frame(result.output, top),
            title="y = dropout(x)",
            description=output_alt,
            **heat,
        ),
    ]
    # One chart, not a row of three (one element a move, not six): small enough for a phone.
    kinds.show(
        kinds.side_by_side(
            grids, [size] * 3, description=" ".join((input_alt, mask_alt, output_alt))
        ),
        key="dropout.grids",
    )

    if inplace:
        same = result.input_after.equal(result.output)
        st.info(t("dropout.inplace_yes" if same else "dropout.inplace_eval"))


def zeroed_explanation(p: float, seed: int, train: bool, dropped: int) -> str:
    """Why this call zeroed what it did: eval is the identity, p = 1 drops all, and a p below 1
    can still drop all 64 by chance (e.g. p = 0.95, seed = 1)."""
    if not train:
        return t("dropout.check_zeroed_eval", dropped=dropped)
    if p >= 1.0:
        return t("dropout.check_zeroed_p1", dropped=dropped)
    chance = lesson.all_dropped_chance(p)
    return t(
        "dropout.check_zeroed_chance",
        dropped=dropped,
        p=num(p),
        seed=seed,
        n=lesson.SIZE * lesson.SIZE,
        chance=f"{chance:.2%}",
    )


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson, for its default state."""
    # What sets the lesson apart: one row through nn.Dropout(0.5) in training mode, as bars:
    # the dropped units at 0, the kept ones (orange) scaled by 1/(1-p) = 2.
    drawn = lesson.draw(0.5, seed=0)
    row = drawn.output[0]
    bars = pd.DataFrame(
        {
            "unit": [str(i) for i in range(len(row))],
            "y": row.tolist(),
            "kept": drawn.kept[0].tolist(),
            "label": [num(v) for v in row.tolist()],
        }
    )
    return kinds.bars(
        bars,
        x="unit",
        y="y",
        highlight="kept",
        x_title="",
        y_title="",
        y_domain=(0, float(row.max()) * 1.3),
        label="label",
        description=t("dropout.thumbnail_alt"),
        height=thumbnails.HEIGHT,
        keep_order=True,
    )
