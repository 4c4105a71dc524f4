"""The playground lesson's training run against an independent PyTorch computation with the same
seed, its data (shapes, ranges, classes), its caps, and its "Reproduce this" script."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from lib.lessons._format import num
from lib.lessons.playground import PARAMS
from lib.lessons.playground import compute as lesson
from tests.pages.apptest import run_snippet

SMALL = lesson.Settings(epochs=4)


def by_hand(s: lesson.Settings) -> tuple[list[float], list[float]]:
    """The same run written out again, without the lesson's code: data from a torch.Generator,
    the split, the model under torch.manual_seed, mini-batch SGD, eval-mode losses per epoch."""
    g = torch.Generator().manual_seed(s.seed)
    x, y = lesson.MAKERS[s.dataset](s.points, s.noise / 100, g)
    order = torch.randperm(s.points, generator=g)
    n_train = min(s.points - 1, max(1, round(s.points * s.train / 100)))
    tr, te = order[:n_train], order[n_train:]
    cols = {
        "x1": lambda p: p[:, 0],
        "x2": lambda p: p[:, 1],
        "x1sq": lambda p: p[:, 0] ** 2,
        "x2sq": lambda p: p[:, 1] ** 2,
        "x1x2": lambda p: p[:, 0] * p[:, 1],
        "sinx1": lambda p: torch.sin(p[:, 0]),
        "sinx2": lambda p: torch.sin(p[:, 1]),
    }

    def feats(p):
        return torch.stack([cols[name](p) for name in s.features], dim=1)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(s.seed)
        mods: list[nn.Module] = []
        width = len(s.features)
        for units in s.layers:
            mods += [nn.Linear(width, units), getattr(nn, lesson.ACTIVATIONS[s.activation])()]
            if s.dropout:
                mods.append(nn.Dropout(s.dropout))
            width = units
        model = nn.Sequential(*mods, nn.Linear(width, lesson.CLASSES[s.dataset]))
        opt = torch.optim.SGD(
            model.parameters(), lr=s.lr, momentum=s.momentum, nesterov=s.nesterov,
            weight_decay=s.weight_decay,
        )  # fmt: skip
        loss_fn = nn.CrossEntropyLoss(label_smoothing=s.smoothing)
        train_losses, test_losses = [], []
        for epoch in range(s.epochs + 1):
            if epoch:
                model.train()
                shuffled = torch.randperm(n_train, generator=g)
                for batch in shuffled.split(s.batch):
                    opt.zero_grad()
                    loss_fn(model(feats(x[tr][batch])), y[tr][batch]).backward()
                    opt.step()
            model.eval()
            with torch.no_grad():
                train_losses.append(loss_fn(model(feats(x[tr])), y[tr]).item())
                test_losses.append(loss_fn(model(feats(x[te])), y[te]).item())
    return train_losses, test_losses


SETTINGS = [
    SMALL,
    lesson.Settings(dataset="xor", features=("x1", "x2", "x1x2"), layers=(), epochs=3),
    lesson.Settings(
        dataset="spiral", noise=20, features=tuple(lesson.FEATURES), layers=(8, 5, 3),
        activation="relu", dropout=0.3, smoothing=0.1, weight_decay=0.01, nesterov=True,
        batch=7, epochs=3, seed=5,
    ),
    lesson.Settings(dataset="blobs", activation="gelu", lr=0.3, momentum=0.0, epochs=3, seed=9),
    lesson.Settings(dataset="gauss", noise=50, train=20, points=57, batch=100, epochs=5),
]  # fmt: skip


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.dataset)
def test_losses_match_an_independent_pytorch_run(s):
    run = lesson.train(s)
    train_losses, test_losses = by_hand(s)
    assert run.train_loss.tolist() == pytest.approx(train_losses, rel=1e-6, abs=1e-7)
    assert run.test_loss.tolist() == pytest.approx(test_losses, rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("name", lesson.DATASETS)
def test_data_shapes_ranges_and_classes(name):
    for noise in (0, 50):
        s = lesson.Settings(dataset=name, noise=noise, points=301)
        data = lesson.make_data(s, torch.Generator().manual_seed(3))
        assert data.x.shape == (301, 2) and data.x.dtype == torch.float32
        assert data.y.shape == (301,) and data.y.dtype == torch.int64
        assert set(data.y.tolist()) == set(range(lesson.CLASSES[name]))
        if noise == 0:  # without noise every data set stays inside the square
            assert data.x.abs().max() <= 6
        assert sorted(torch.cat([data.train, data.test]).tolist()) == list(range(301))
        assert len(data.train) == s.n_train


def test_noise_free_labels_follow_the_rules():
    g = torch.Generator().manual_seed(0)
    x, y = lesson.make_circle(200, 0.0, g)
    assert torch.equal(y, (x.norm(dim=1) < 2.5).long())
    x, y = lesson.make_xor(200, 0.0, g)
    assert torch.equal(y, (x[:, 0] * x[:, 1] >= 0).long())
    assert x.abs().min() >= 0.3


def test_same_seed_same_run_other_seed_other_run():
    a, b = lesson.train(SMALL), lesson.train(SMALL)
    assert torch.equal(a.train_loss, b.train_loss) and torch.equal(a.boundary, b.boundary)
    c = lesson.train(lesson.Settings(epochs=4, seed=1))
    assert not torch.equal(a.data.x, c.data.x)


def test_snapshots_have_one_row_per_epoch_and_valid_codes():
    s = lesson.Settings(dataset="blobs", layers=(3, 2), epochs=6)
    run = lesson.train(s)
    assert run.epochs == 6
    assert run.boundary.shape == (7, lesson.GRID**2) and run.boundary.dtype == torch.int16
    assert run.units.shape == (7, 5, lesson.NEURON_GRID**2) and run.units.dtype == torch.int8
    labels = run.boundary.long() // lesson.CODE_SCALE
    confidence = (run.boundary.long() % lesson.CODE_SCALE) / (lesson.CODE_SCALE - 1)
    assert set(labels.unique().tolist()) <= {0, 1, 2}
    assert confidence.min() >= 1 / 3 - 1e-3 and confidence.max() <= 1
    assert run.units.abs().max() <= lesson.UNIT_SCALE
    assert ((run.train_acc >= 0) & (run.train_acc <= 1)).all()


def test_boundary_is_the_models_eval_prediction():
    run = lesson.train(SMALL)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SMALL.seed)
        model = lesson.build_model(SMALL)
    grid = lesson.features(lesson.grid_points(lesson.GRID), SMALL.features)
    with torch.no_grad():
        assert torch.equal(run.boundary[0], lesson.boundary_codes(model.eval()(grid)))


def pixels(url: str) -> np.ndarray:
    """A data: URL's PNG as an (h, w, 4) RGBA array."""
    assert url.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    return np.asarray(image.convert("RGBA"))


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])


def test_the_pictures_are_pytorchs_snapshots():
    """Each epoch's boundary image has a pixel per grid cell in the colour of the class the
    model (eval mode, at that epoch) finds most likely, over white at opacity 0.05 + 0.5 x how
    far its probability is above chance (the page's shading); each unit's thumbnail is the
    unit's output v in [-1, 1]: blue at opacity v above 0, orange at -v below. The images keep
    24 and 41 steps of those opacities: within 4 and 8 of 255 per channel (half a step, plus
    rounding)."""
    from lib.lessons.playground import view
    from lib.view.kinds.training import CLASS_COLOURS

    s = lesson.Settings(dataset="blobs", layers=(3, 2), epochs=3)
    run = lesson.train(s)
    prep = view.tables(run)
    n, g, chance = lesson.NEURON_GRID, lesson.GRID, 1 / s.classes
    classes = np.stack([rgb(c) for c in CLASS_COLOURS])
    for e in (0, 3):
        image = pixels(prep.boundary[f"e{e}"][0])
        assert image.shape == (g, g, 4)
        codes = run.boundary[e].reshape(g, g).flip(0).long().numpy()  # row 0: the square's top
        label, p = codes // lesson.CODE_SCALE, (codes % lesson.CODE_SCALE) / (lesson.CODE_SCALE - 1)
        alpha = 0.05 + 0.5 * np.clip((p - chance) / (1 - chance), 0, 1)
        expected = 255 + (classes[label] - 255) * alpha[..., None]
        assert np.abs(image[..., :3] - expected).max() <= 4
        units = pixels(prep.units[f"e{e}"][0])
        step = n + 2
        assert units.shape == (3 * step - 2, 2 * step - 2, 4)
        assert units[n, 0, 3] == 0  # the gap under a thumbnail is transparent
        for i, (layer, unit) in enumerate([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]):
            v = run.units[e, i].reshape(n, n).flip(0).numpy() / lesson.UNIT_SCALE
            thumb = units[unit * step : unit * step + n, layer * step : layer * step + n, :3]
            hue = np.where(v[..., None] > 0, classes[1], classes[0])
            expected = 255 + (hue - 255) * np.abs(v)[..., None]
            assert np.abs(thumb - expected).max() <= 8


def test_the_largest_setting_stays_within_the_caps():
    spec = {p.name: p for p in PARAMS.params}
    assert spec["epochs"].hi == lesson.MAX_EPOCHS and spec["points"].hi == lesson.POINTS_RANGE[1]
    assert spec["layers"].max_len == lesson.MAX_LAYERS and spec["layers"].hi == lesson.MAX_UNITS
    small_batches = lesson.Settings(points=500, train=90, batch=1, epochs=100)
    assert lesson.max_epochs(small_batches) * small_batches.batches <= lesson.MAX_STEPS
    assert lesson.train(replace_layers(small_batches, ())).epochs == lesson.max_epochs(
        small_batches
    )


def replace_layers(s: lesson.Settings, layers) -> lesson.Settings:
    from dataclasses import replace

    return replace(s, layers=layers, epochs=s.epochs)


LARGEST = lesson.Settings(
    dataset="blobs", points=500, noise=50, train=90, features=tuple(lesson.FEATURES),
    layers=(8,) * 6, activation="gelu", dropout=0.5, nesterov=True, weight_decay=0.1,
    smoothing=0.5, batch=30, epochs=100,
)  # fmt: skip


def test_the_largest_setting_is_capped_in_steps_and_data():
    """The work a setting can ask for is capped in optimizer steps (1500: about 2 s here, the
    default about 0.1 s; bench/RESULTS.md measures them, tests never time) and the data a
    setting sends stays under 2 MB."""
    from lib.lessons.playground import view

    run = lesson.train(LARGEST)
    assert run.epochs == 100 and run.epochs * LARGEST.batches == lesson.MAX_STEPS
    assert view.sent_bytes(view.tables(run)) < 2_000_000
    default = lesson.Settings()
    assert default.epochs * default.batches <= lesson.MAX_STEPS // 5


# lr = 10 on a deep ELU network: the weights blow up to inf after one epoch.
DIVERGES = lesson.Settings(layers=(8, 8, 8), activation="elu", lr=10.0, epochs=5)


def test_a_huge_learning_rate_gives_nan_not_an_exception():
    run = lesson.train(DIVERGES)
    assert run.diverged
    assert not math.isfinite(run.train_loss[-1])
    assert (run.boundary[-1] == lesson.NO_CLASS).all()


def test_nesterov_without_momentum_is_pytorchs_error():
    run = lesson.train(lesson.Settings(nesterov=True, momentum=0.0))
    assert run.error and "Nesterov" in run.error and run.epochs == 0


@pytest.mark.parametrize(
    "s",
    [
        lesson.Settings(),
        SETTINGS[2],
        DIVERGES,
        lesson.Settings(nesterov=True, momentum=0.0),
    ],
    ids=["default", "everything", "diverged", "refused"],
)
def test_snippet_prints_what_the_page_shows(s):
    printed = run_snippet(lesson.snippet(s))
    run = lesson.train(s)
    if run.error:
        assert printed == {"ValueError": run.error}
        return
    assert printed == {
        "train loss": num(run.train_loss[-1]),
        "test loss": num(run.test_loss[-1]),
        "train accuracy": num(run.train_acc[-1]),
        "test accuracy": num(run.test_acc[-1]),
    }
