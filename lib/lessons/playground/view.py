"""What the playground page draws (put it together): a small nn.Sequential trained with
CrossEntropyLoss and optim.SGD on a 2-D toy set, TensorFlow Playground style. The server trains
once per setting (shared by every visitor through one cache) and records a snapshot after each
epoch; the chart scrubs through the epochs in the browser."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from lib.i18n import t
from lib.lessons._format import num
from lib.lessons.playground import compute as lesson
from lib.urlspec import MAX_RAW_CHARS
from lib.view import kinds, thumbnails
from lib.view.lesson import Page, Part
from lib.view.panels import HIDDEN, Metric
from lib.view.url_state import PageState


def model_part(page: Page) -> None:
    """The network as print(model) shows it: it changes only with the structure controls (setup
    and More settings), so it is drawn in the full run."""
    values = {**page.state.url_values, **page.secondary}
    text, _ = lesson.printed_model(settings_from(values))
    st.code(text, language="text")


SECTIONS = (Part("model", "playground.model_title", "playground.model_caption", static=model_part),)
FORMULA_CAPTION = "playground.formula_caption"
PICTURE_CAPTION = ("playground.picture_caption",)

# TensorFlow Playground's learning rates (and 0.0001 .. 10 in between), then weight decays.
LR_GRID = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
WD_GRID = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)
LOSS_TOP = 10.0  # the loss axis shows losses up to this; larger, inf and nan are left out
CHECK = "playground.check"


def settings_from(values: dict) -> lesson.Settings:
    """The run's setting from the page's values (URL names)."""
    return lesson.Settings(
        dataset=values["data"],
        points=int(values["points"]),
        noise=int(values["noise"]),
        train=int(values["train"]),
        seed=int(values["seed"]),
        features=tuple(values["features"]) or lesson.Settings().features,
        layers=tuple(int(u) for u in values["layers"] if u > 0),
        activation=values["act"],
        dropout=float(values["dropout"]),
        lr=float(values["lr"]),
        momentum=float(values["momentum"]),
        nesterov=bool(values["nesterov"]),
        weight_decay=float(values["wd"]),
        smoothing=float(values["smoothing"]),
        batch=int(values["batch"]),
        epochs=int(values["epochs"]),
    )


def prepare(state: PageState) -> None:
    """A link asking for more epochs than its batches allow (MAX_STEPS optimizer steps)."""
    cap = lesson.max_epochs(settings_from(state.url_values))
    if state.url_values["epochs"] > cap:
        state.fix("epochs", cap, "playground_epochs_capped")


# --- one training run per setting, shared by every session ----------------------------------


@dataclass(frozen=True)
class Prepared:
    """A run and the language-free tables the chart draws (built once per setting)."""

    run: lesson.Run
    boundary: pd.DataFrame
    points: pd.DataFrame
    units: pd.DataFrame | None
    curves: pd.DataFrame


def tables(run: lesson.Run) -> Prepared:
    """The run as the chart's named datasets: snapshots wide (one column per epoch)."""
    s, rows = run.settings, run.epochs + 1
    boundary = kinds.boundary_images(run.boundary[:rows].numpy(), lesson.CODE_SCALE, s.classes)
    data = run.data
    split = ["test"] * s.points
    for i in data.train.tolist():
        split[i] = "train"
    points = pd.DataFrame(
        {
            "x": data.x[:, 0].numpy(),
            "y": data.x[:, 1].numpy(),
            "label": data.y.numpy().astype("int8"),
            "split": split,
        }
    )
    units = None
    if s.layers:
        units = kinds.unit_images(run.units[:rows].numpy(), s.layers, lesson.NEURON_GRID)
    series = {
        ("loss", "train"): run.train_loss,
        ("loss", "test"): run.test_loss,
        ("accuracy", "train"): run.train_acc,
        ("accuracy", "test"): run.test_acc,
    }
    curves = pd.DataFrame(
        [
            {
                "epoch": e,
                "metric": metric,
                "split": split_name,
                # inf, nan and huge losses are left out of the axis (the readout says them)
                "plotted": v if math.isfinite(v) and v <= LOSS_TOP else None,
            }
            for (metric, split_name), values in series.items()
            for e, v in enumerate(values.tolist())
        ]
    )
    return Prepared(run, boundary, points, units, curves)


def sent_bytes(prep: Prepared) -> int:
    """What a setting's picture sends to the browser: its tables as Streamlit serialises them
    (Arrow), the points with the test split shown."""
    frames = [prep.boundary, prep.points, prep.units, prep.curves]
    return sum(
        len(dataframe_util.convert_pandas_df_to_arrow_bytes(f)) for f in frames if f is not None
    )


_TRAINED: set[lesson.Settings] = set()  # settings this process trained: no spinner for them
_TRAINED_LOCK = threading.Lock()


@st.cache_resource(max_entries=32, show_spinner=False)
def _prepared(settings: lesson.Settings) -> Prepared:
    """One run per setting for the whole process: 60 students on one link cost one training
    (Streamlit's cache computes a missing value once while the others wait for it)."""
    return tables(lesson.train(settings))


def prepared(settings: lesson.Settings) -> Prepared:
    if settings in _TRAINED:
        return _prepared(settings)
    with st.spinner(t("playground.training")):
        result = _prepared(settings)
    with _TRAINED_LOCK:
        if len(_TRAINED) > 4096:
            _TRAINED.clear()
        _TRAINED.add(settings)
    return result


# --- controls ------------------------------------------------------------------------------


def extra_options(state: PageState, name: str, grid: tuple[float, ...]) -> list[float]:
    """A select slider's values, plus the one the link gave if it is not among them (kept for
    the whole session so the options never change under the slider)."""
    extra = st.session_state[state.seed(f"{name}_extra", state.url_values[name])]
    return sorted({*grid, extra})


def layers_control(state: PageState) -> tuple[int, ...]:
    """The hidden layers as text ("4,2": two layers of 4 and 2 units; "0": none), tidied by
    the URL's own rules before it is drawn."""
    spec = state.spec["layers"]
    key = state.seed("layers", spec.format(state.url_values["layers"]))
    text = st.session_state[key]
    layers, reason = spec.read(text) if text.strip() else ((0,), None)
    tidy = spec.format(layers)
    if tidy != text.strip():
        st.session_state[key] = tidy
    state.control(
        st.text_input,
        "layers",
        t("playground.layers"),
        max_chars=MAX_RAW_CHARS,
        help=t("playground.layers_help", layers=lesson.MAX_LAYERS, units=lesson.MAX_UNITS),
    )
    if reason:
        st.caption(t("playground.layers_tidied", used=tidy))
    return layers


def secondary(page: Page) -> dict:
    """The data, the inputs and the rarer knobs of the network and the optimizer."""
    state = page.state
    features = state.control(
        st.pills,
        "features",
        t("playground.features"),
        list(lesson.FEATURES),
        selection_mode="multi",
        format_func=lambda name: lesson.FEATURES[name][0],
        help=t("playground.features_help"),
    )
    if not features:
        st.caption(t("playground.features_empty"))
    noise = state.control(st.slider, "noise", t("playground.noise"), *lesson.NOISE_RANGE, step=5)
    train = state.control(st.slider, "train", t("playground.train"), *lesson.TRAIN_RANGE, step=5)
    points = state.control(
        st.slider, "points", t("playground.points"), *lesson.POINTS_RANGE, step=10
    )
    batch = state.control(
        st.slider, "batch", "batch_size", *lesson.BATCH_RANGE, help=t("playground.batch_help")
    )
    momentum = state.slider("momentum", "momentum", help=t("playground.momentum_help"))
    nesterov = state.control(st.toggle, "nesterov", "nesterov", help=t("playground.nesterov_help"))
    wd = state.control(
        st.select_slider,
        "wd",
        "weight_decay",
        options=extra_options(state, "wd", WD_GRID),
        format_func=lambda v: f"{v:g}",
    )
    dropout = state.slider("dropout", "Dropout(p)", help=t("playground.dropout_help"))
    smoothing = state.slider("smoothing", "label_smoothing", help=t("playground.smoothing_help"))
    test = state.control(st.toggle, "test", t("playground.show_test"))
    seed = state.seed_control(st, t("playground.new_seed"), help=t("playground.seed_help"))
    return {
        "features": tuple(features),
        "noise": noise,
        "train": train,
        "points": points,
        "batch": batch,
        "momentum": momentum,
        "nesterov": nesterov,
        "wd": wd,
        "dropout": dropout,
        "smoothing": smoothing,
        "test": test,
        "seed": seed,
    }


def epochs_control(state: PageState, cap: int) -> int:
    """Epochs, at most ``cap`` for this batch size (MAX_STEPS optimizer steps)."""
    key = state.seeded("epochs")
    if st.session_state[key] > cap:
        st.session_state[key] = cap
    return state.control(
        st.select_slider,
        "epochs",
        t("playground.epochs"),
        options=list(range(1, cap + 1)),
        help=t("playground.epochs_help", steps=lesson.MAX_STEPS, cap=cap),
    )


# --- the picture ---------------------------------------------------------------------------


def readout(run: lesson.Run) -> pd.DataFrame:
    """What the chart writes over the scrubbed epoch: PyTorch's numbers for that epoch."""
    rows = []
    for e in range(run.epochs + 1):
        rows.append(
            t(
                "playground.readout",
                epoch=e,
                epochs=run.epochs,
                train_loss=num(run.train_loss[e]),
                test_loss=num(run.test_loss[e]),
                train_acc=num(run.train_acc[e]),
                test_acc=num(run.test_acc[e]),
            )
        )
    return pd.DataFrame({"epoch": range(run.epochs + 1), "text": rows})


def picture(prep: Prepared, show_test: bool) -> None:
    run = prep.run
    s = run.settings
    points = prep.points if show_test else prep.points[prep.points["split"] == "train"]
    texts = (
        t("playground.scrub"),
        "x₁",
        "x₂",
        t("playground.units_title"),
        t("playground.epoch"),
        t("playground.loss"),
        t("playground.accuracy"),
        t("playground.split_train"),
        t("playground.split_test"),
    )
    spec = kinds.training(
        prep.boundary,
        points,
        prep.units,
        prep.curves,
        readout(run),
        domain=lesson.DOMAIN,
        classes=s.classes,
        layers=s.layers,
        unit_grid=lesson.NEURON_GRID,
        epochs=run.epochs,
        texts=texts,
        description=t("playground.picture_alt"),
    )
    kinds.show(spec, key="playground.run")


def formula(page: Page, run: lesson.Run) -> None:
    """The loss and the update with this setting's numbers, one short line each (a phone)."""
    s = run.settings
    k, eps = s.classes, f"{s.smoothing:g}"
    step = r"p \leftarrow p - \gamma\,(g + \mu\,v)" if s.nesterov else r"p \leftarrow p - \gamma\,v"
    page.formula(
        r"\begin{gathered}"
        rf"\ell = -\sum_{{c=1}}^{{{k}}} q_c \log \mathrm{{softmax}}(z)_c\\"
        rf"q = (1 - {eps})\,\mathrm{{onehot}}(y) + {eps}/{k}\\"
        rf"g = \nabla_p \ell + {s.weight_decay:g}\,p\\"
        rf"v \leftarrow \mu\,v + g,\ \ \mu = {s.momentum:g}\\"
        rf"{step},\ \ \gamma = {s.lr:g}\\[4pt]"
        rf"\text{{{t('playground.formula_steps')}}}\ {run.epochs} \times "
        rf"\lceil {s.n_train} / {s.batch} \rceil = {run.epochs * s.batches}\\"
        rf"\ell_\text{{train}} = {num(run.train_loss[-1])},\ \ "
        rf"\ell_\text{{test}} = {num(run.test_loss[-1])}"
        r"\end{gathered}"
    )


def check_options(s: lesson.Settings) -> tuple[int, list[str]]:
    """The parameter count, and what a learner might count instead."""
    widths = [len(s.features), *s.layers, s.classes]
    pairs = list(zip(widths, widths[1:], strict=False))
    right = sum(a * b + b for a, b in pairs)
    weights = sum(a * b for a, b in pairs)
    hidden_only = sum(a * b + b for a, b in pairs[:-1])
    units = sum(widths)
    return right, [str(n) for n in sorted({right, weights, hidden_only, units} - {0})]


def setup(page: Page) -> dict:
    """The data set and the network's shape: moving one trains a new network (a full run)."""
    state = page.state
    data = state.control(
        st.selectbox,
        "data",
        t("playground.data"),
        lesson.DATASETS,
        format_func=lambda name: t(f"playground.data_{name}"),
    )
    layers = layers_control(state)
    act = state.control(
        st.selectbox,
        "act",
        t("playground.activation"),
        list(lesson.ACTIVATIONS),
        format_func=lambda name: f"nn.{lesson.ACTIVATIONS[name]}()",
    )
    return {"data": data, "layers": layers, "act": act}


def live(page: Page) -> None:
    state, more = page.state, page.secondary
    lr = state.control(
        st.select_slider,
        "lr",
        "lr",
        options=extra_options(state, "lr", LR_GRID),
        format_func=lambda v: f"{v:g}",
        help=t("playground.lr_help"),
    )
    values = {**more, "lr": lr}
    cap = lesson.max_epochs(settings_from({**values, "epochs": 1}))
    epochs = epochs_control(state, cap)
    values["epochs"] = epochs
    settings = settings_from(values)
    page.sync({name: values[name] for name in (p.name for p in state.spec.params)})

    prep = prepared(settings)
    run = prep.run
    right, options = check_options(settings)
    page.check(
        key=CHECK,
        question=t("playground.check_question"),
        options=options,
        answers={str(right)},
        explanation=t("playground.check_explanation", count=right),
    )
    answered = page.answered(CHECK, t("playground.check_question"))

    with page.picture:
        picture(prep, more["test"])
        if run.error is not None:
            st.code(f"ValueError: {run.error}", language="text", wrap_lines=True)
            st.info(t("playground.error_explain"), icon=":material/info:")
        page.metrics(
            Metric(t("playground.train_loss"), num(run.train_loss[-1])),
            Metric(t("playground.test_loss"), num(run.test_loss[-1])),
            Metric(t("playground.train_acc"), num(run.train_acc[-1])),
            Metric(t("playground.test_acc"), num(run.test_acc[-1])),
            Metric(t("playground.params"), str(right) if answered else HIDDEN),
        )
        if run.diverged and run.error is None:
            st.info(t("playground.diverged", lr=f"{settings.lr:g}"), icon=":material/trending_up:")

    formula(page, run)
    page.code(lambda: lesson.snippet(settings))


def notes_extra(page: Page) -> None:
    st.markdown(t("playground.notes_extra"))


def thumbnail() -> kinds.Spec:
    """The home page's picture of this lesson: the default run's decision boundary."""
    run = lesson.train(lesson.Settings())
    codes = run.boundary[-1].long()
    label, confidence = codes // lesson.CODE_SCALE, (codes % lesson.CODE_SCALE) / 999
    blue = (label == 1) * confidence + (label != 1) * (1 - confidence)  # p(class 1)
    grid = blue.reshape(lesson.GRID, lesson.GRID).flip(0)  # row 0 at the top
    return thumbnails.matrix(grid, t("playground.picture_alt"))
