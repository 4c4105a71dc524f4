"""Put it together: a small network trained in real PyTorch on a 2-D toy set (TensorFlow
Playground's data sets, in PyTorch).

The data (circle, xor, two gaussians, spiral, three blobs) comes from a ``torch.Generator``
seeded by the page's seed, on the square [-6, 6]². A fixed feature layer (x1, x2, x1², ...) feeds
an ``nn.Sequential`` of hidden ``nn.Linear`` layers with an activation (and optional
``nn.Dropout``), trained with ``nn.CrossEntropyLoss`` and ``optim.SGD`` in mini-batches. After
every epoch the model is put in ``eval()`` mode and recorded: the loss and accuracy on the
training and test points, the class probabilities over a grid of the square (the decision
boundary) and each hidden unit's output over a coarser grid. The page scrubs through these
snapshots in the browser.

The dataset functions below are copied into the "Reproduce this" script with
``inspect.getsource``: the script runs the very same code.
"""

from __future__ import annotations

import inspect
import math
from contextlib import ExitStack
from dataclasses import dataclass

import torch
from torch import nn

from lib.lessons._format import literal
from lib.lessons._rng import generator, seeded_global_rng

DOMAIN = (-6.0, 6.0)  # the square every data set lies in (TensorFlow Playground's)
DATASETS = ("circle", "xor", "gauss", "spiral", "blobs")
CLASSES = {"circle": 2, "xor": 2, "gauss": 2, "spiral": 2, "blobs": 3}
# The fixed feature layer: URL name -> (how the page writes it, torch code on x1 and x2).
FEATURES = {
    "x1": ("x₁", "x1"),
    "x2": ("x₂", "x2"),
    "x1sq": ("x₁²", "x1 * x1"),
    "x2sq": ("x₂²", "x2 * x2"),
    "x1x2": ("x₁x₂", "x1 * x2"),
    "sinx1": ("sin x₁", "torch.sin(x1)"),
    "sinx2": ("sin x₂", "torch.sin(x2)"),
}
# The activations lesson's functions, as nn modules.
ACTIVATIONS = {
    "tanh": "Tanh",
    "relu": "ReLU",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "silu": "SiLU",
    "softplus": "Softplus",
}

# Caps: they bound the work one setting can ask for (measured in bench and the lesson's tests).
POINTS_RANGE = (50, 500)
NOISE_RANGE = (0, 50)  # percent
TRAIN_RANGE = (10, 90)  # percent of the points used for training
BATCH_RANGE = (1, 100)
MAX_EPOCHS = 100
MAX_LAYERS = 6
MAX_UNITS = 8
# At most this many optimizer steps per setting (epochs x batches per epoch): one SGD step of
# these small networks costs 0.5-1.5 ms whatever the batch size (Python overhead), so the number
# of steps sets the cost. A setting asking for more epochs trains fewer (``max_epochs``).
MAX_STEPS = 1500
LR_RANGE = (0.0, 10.0)
MOMENTUM_RANGE = (0.0, 0.99)
WD_RANGE = (0.0, 0.1)
SMOOTHING_RANGE = (0.0, 0.5)
DROPOUT_RANGE = (0.0, 0.9)

GRID = 40  # the decision boundary: GRID x GRID cells over the square
NEURON_GRID = 12  # each hidden unit's picture: NEURON_GRID x NEURON_GRID cells
CODE_SCALE = 1000  # boundary code = class * CODE_SCALE + round(confidence * (CODE_SCALE - 1))
NO_CLASS = -1  # boundary code where the probabilities are nan (a diverged run)
UNIT_SCALE = 100  # a unit's output, clamped to [-1, 1], stored as int8 in [-100, 100]


# --- the data: TensorFlow Playground's generators (src/dataset.ts), written in torch ---------
# Each returns (x, y): x a float tensor (n, 2) on the square [-6, 6]², y the class of each point.
# ``noise`` is a fraction (0 to 0.5); every random number comes from ``g``.


def uniform(lo, hi, n, g):
    return lo + (hi - lo) * torch.rand(n, generator=g)


def make_circle(n, noise, g):
    """Class 1 inside radius 2.5, class 0 in a ring from 3.5 to 5; a point's class is decided
    after noise moved it, so noise puts some points on the wrong side."""
    xs, ys = [], []
    for lo, hi, count in ((0.0, 2.5, n // 2), (3.5, 5.0, n - n // 2)):
        r = uniform(lo, hi, count, g)
        angle = uniform(0.0, 2 * math.pi, count, g)
        x = torch.stack([r * torch.sin(angle), r * torch.cos(angle)], dim=1)
        moved = x + uniform(-5.0, 5.0, (count, 2), g) * noise
        xs.append(x)
        ys.append((moved.norm(dim=1) < 2.5).long())
    return torch.cat(xs), torch.cat(ys)


def make_xor(n, noise, g):
    """Class 1 where x1 and x2 have the same sign, kept 0.3 away from the axes."""
    x = uniform(-5.0, 5.0, (n, 2), g)
    x = x + torch.where(x > 0, 0.3, -0.3)
    moved = x + uniform(-5.0, 5.0, (n, 2), g) * noise
    return x, (moved[:, 0] * moved[:, 1] >= 0).long()


def make_gauss(n, noise, g):
    """Two gaussians around (2, 2) (class 1) and (-2, -2) (class 0); noise widens them."""
    std = math.sqrt(0.5 + 7 * noise)  # the variance goes from 0.5 (no noise) to 4 (50 %)
    xs, ys = [], []
    for label, centre, count in ((1, 2.0, n // 2), (0, -2.0, n - n // 2)):
        xs.append(centre + std * torch.randn(count, 2, generator=g))
        ys.append(torch.full((count,), label))
    return torch.cat(xs), torch.cat(ys)


def make_spiral(n, noise, g):
    """Two spiral arms, half a turn apart (class 1 and class 0), 1.75 turns out to radius 5."""
    xs, ys = [], []
    for label, turn, count in ((1, 0.0, n // 2), (0, math.pi, n - n // 2)):
        i = torch.arange(count) / count
        r = 5 * i
        t = 1.75 * i * 2 * math.pi + turn
        x = torch.stack([r * torch.sin(t), r * torch.cos(t)], dim=1)
        xs.append(x + uniform(-1.0, 1.0, (count, 2), g) * noise)
        ys.append(torch.full((count,), label))
    return torch.cat(xs), torch.cat(ys)


def make_blobs(n, noise, g):
    """Three gaussians (classes 0, 1, 2) at radius 3.5 from the centre, a third of a turn
    apart: cross-entropy is not limited to two classes."""
    std = math.sqrt(0.5 + 7 * noise)
    xs, ys = [], []
    for label in range(3):
        count = n // 3 if label < 2 else n - 2 * (n // 3)
        angle = math.pi / 2 + label * 2 * math.pi / 3
        centre = torch.tensor([3.5 * math.cos(angle), 3.5 * math.sin(angle)])
        xs.append(centre + std * torch.randn(count, 2, generator=g))
        ys.append(torch.full((count,), label))
    return torch.cat(xs), torch.cat(ys)


MAKERS = {
    "circle": make_circle,
    "xor": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
    "blobs": make_blobs,
}


# --- the setting --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """One setting of the page: everything that decides the run (the cache key)."""

    dataset: str = "circle"
    points: int = 300
    noise: int = 0  # percent
    train: int = 50  # percent of the points used for training
    seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)  # hidden units per hidden layer (empty: no hidden layer)
    activation: str = "tanh"
    dropout: float = 0.0  # p of an nn.Dropout after each hidden activation (0: none)
    lr: float = 0.1
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 0.0
    smoothing: float = 0.0  # label_smoothing
    batch: int = 10
    epochs: int = 20

    @property
    def classes(self) -> int:
        return CLASSES[self.dataset]

    @property
    def n_train(self) -> int:
        """Training points: the train share of the points, at least one of each split."""
        return min(self.points - 1, max(1, round(self.points * self.train / 100)))

    @property
    def batches(self) -> int:
        """Optimizer steps per epoch."""
        return math.ceil(self.n_train / self.batch)


def max_epochs(s: Settings) -> int:
    """The most epochs this setting may train: MAX_EPOCHS, fewer where the batches are many."""
    return max(1, min(MAX_EPOCHS, MAX_STEPS // s.batches))


def features(x, names):
    """The fixed feature layer: the chosen functions of x1 and x2, one column each."""
    x1, x2 = x[:, 0], x[:, 1]
    table = {
        "x1": x1,
        "x2": x2,
        "x1sq": x1 * x1,
        "x2sq": x2 * x2,
        "x1x2": x1 * x2,
        "sinx1": torch.sin(x1),
        "sinx2": torch.sin(x2),
    }
    return torch.stack([table[name] for name in names], dim=1)


def build_model(s: Settings) -> nn.Sequential:
    """The network, as nn.Sequential: Linear -> activation (-> Dropout) per hidden layer, then a
    Linear to one logit per class. Built on torch's global RNG (its default init): call it
    inside ``seeded_global_rng``."""
    layers: list[nn.Module] = []
    width = len(s.features)
    act = getattr(nn, ACTIVATIONS[s.activation])
    for units in s.layers:
        layers += [nn.Linear(width, units), act()]
        if s.dropout > 0:
            layers.append(nn.Dropout(s.dropout))
        width = units
    layers.append(nn.Linear(width, s.classes))
    return nn.Sequential(*layers)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@dataclass(frozen=True)
class Data:
    x: torch.Tensor  # (points, 2)
    y: torch.Tensor  # (points,) class
    train: torch.Tensor  # indices of the training points
    test: torch.Tensor  # indices of the test points


def make_data(s: Settings, g: torch.Generator) -> Data:
    """The points (from ``g``), then the split: a random permutation, the first n_train train."""
    x, y = MAKERS[s.dataset](s.points, s.noise / 100, g)
    order = torch.randperm(s.points, generator=g)
    return Data(x, y, order[: s.n_train], order[s.n_train :])


def grid_points(cells: int) -> torch.Tensor:
    """Cell centres of a cells x cells grid over the square, row by row (y outer, from the
    bottom; x inner, from the left), as (cells², 2)."""
    lo, hi = DOMAIN
    width = (hi - lo) / cells
    centres = torch.linspace(lo + width / 2, hi - width / 2, cells)
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    return torch.stack([xs.flatten(), ys.flatten()], dim=1)


@dataclass(frozen=True)
class Run:
    """What one training run recorded: row e of each tensor is after epoch e (row 0: before
    training). Everything is PyTorch's own output in eval mode."""

    settings: Settings
    epochs: int  # epochs trained (the setting's, capped by max_epochs)
    model: str  # print(model)
    parameters: int
    data: Data
    train_loss: torch.Tensor  # (epochs + 1,) float
    test_loss: torch.Tensor
    train_acc: torch.Tensor
    test_acc: torch.Tensor
    boundary: torch.Tensor  # (epochs + 1, GRID²) int16: class * CODE_SCALE + confidence code
    units: torch.Tensor  # (epochs + 1, hidden units, NEURON_GRID²) int8, outputs in [-100, 100]
    error: str | None = None  # the optimizer refused the setting (PyTorch's message)

    @property
    def diverged(self) -> bool:
        return not (math.isfinite(self.train_loss[-1]) and math.isfinite(self.test_loss[-1]))


def boundary_codes(logits: torch.Tensor) -> torch.Tensor:
    """The most likely class and its probability, in one int16 per cell (NO_CLASS where the
    probabilities are not numbers)."""
    confidence, label = torch.softmax(logits, dim=1).max(dim=1)
    code = label * CODE_SCALE + torch.round(confidence.nan_to_num(0.0) * (CODE_SCALE - 1)).long()
    return torch.where(confidence.isfinite(), code, NO_CLASS).to(torch.int16)


def hidden_outputs(model: nn.Sequential, inputs: torch.Tensor) -> list[torch.Tensor]:
    """Each hidden layer's output (after its activation), one (cells, units) tensor per layer."""
    outputs = []
    h = inputs
    for module in model[:-1]:
        h = module(h)
        if not isinstance(module, nn.Linear | nn.Dropout):
            outputs.append(h)
    return outputs


def unit_codes(model: nn.Sequential, inputs: torch.Tensor) -> torch.Tensor:
    outputs = hidden_outputs(model, inputs)
    if not outputs:
        return torch.zeros(0, inputs.shape[0], dtype=torch.int8)
    h = torch.cat(outputs, dim=1).T  # (units, cells)
    return torch.round(h.nan_to_num(0.0).clamp(-1, 1) * UNIT_SCALE).to(torch.int8)


def printed_model(s: Settings) -> tuple[str, int]:
    """``print(model)`` for this setting's network and its parameter count (the structure
    only: no training, the RNG restored)."""
    with seeded_global_rng(s.seed):
        model = build_model(s)
    return str(model), parameter_count(model)


def make_optimizer(model: nn.Module, s: Settings) -> torch.optim.SGD:
    return torch.optim.SGD(
        model.parameters(),
        lr=s.lr,
        momentum=s.momentum,
        nesterov=s.nesterov,
        weight_decay=s.weight_decay,
    )


def train(s: Settings) -> Run:
    """Generate the data, build the model and train it, recording a snapshot after each epoch.

    Randomness, in the order the "Reproduce this" script draws it: the data and the split, then
    each epoch's shuffle from ``torch.Generator().manual_seed(seed)``; the initial weights and the
    dropout masks from torch's global RNG seeded with the same seed (under the app's lock, so no
    other visitor's draws interleave).
    """
    g = generator(s.seed)
    data = make_data(s, g)
    epochs = min(s.epochs, max_epochs(s))
    x_train = features(data.x[data.train], s.features)
    y_train = data.y[data.train]
    x_test = features(data.x[data.test], s.features)
    y_test = data.y[data.test]
    grid = features(grid_points(GRID), s.features)
    small_grid = features(grid_points(NEURON_GRID), s.features)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=s.smoothing)

    rows = epochs + 1
    losses = torch.full((4, rows), math.nan)
    boundary = torch.empty(rows, GRID * GRID, dtype=torch.int16)
    units = torch.empty(rows, sum(s.layers), NEURON_GRID * NEURON_GRID, dtype=torch.int8)

    def record(e: int, model: nn.Sequential) -> None:
        model.eval()
        with torch.no_grad():
            out_train, out_test = model(x_train), model(x_test)
            losses[0, e] = loss_fn(out_train, y_train)
            losses[1, e] = loss_fn(out_test, y_test)
            losses[2, e] = (out_train.argmax(dim=1) == y_train).float().mean()
            losses[3, e] = (out_test.argmax(dim=1) == y_test).float().mean()
            boundary[e] = boundary_codes(model(grid))
            units[e] = unit_codes(model, small_grid)

    with ExitStack() as stack:
        # Model init draws from the global RNG, and so does nn.Dropout in training: seed it and
        # hold it (the lock) for as long as this run draws from it.
        stack.enter_context(seeded_global_rng(s.seed))
        model = build_model(s)
        if s.dropout == 0:
            stack.close()
        error = None
        try:
            opt = make_optimizer(model, s)
        except ValueError as exc:  # nesterov without momentum: PyTorch's own check
            error, epochs, rows = str(exc), 0, 1
        record(0, model)
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(len(y_train), generator=g)
            for start in range(0, len(order), s.batch):
                batch = order[start : start + s.batch]
                loss = loss_fn(model(x_train[batch]), y_train[batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
            record(epoch, model)

    train_loss, test_loss, train_acc, test_acc = losses[:, :rows]
    return Run(
        s,
        epochs,
        str(model),
        parameter_count(model),
        data,
        train_loss,
        test_loss,
        train_acc,
        test_acc,
        boundary[:rows],
        units[:rows],
        error,
    )


# --- the "Reproduce this" script ----------------------------------------------------------


def model_source(s: Settings) -> str:
    """The nn.Sequential as Python: one line a layer."""
    act = ACTIVATIONS[s.activation]
    lines = []
    width = str(len(s.features))
    for units in s.layers:
        lines.append(f"    nn.Linear({width}, {units}),")
        lines.append(f"    nn.{act}(),")
        if s.dropout > 0:
            lines.append(f"    nn.Dropout({literal(s.dropout)}),")
        width = str(units)
    lines.append(f"    nn.Linear({width}, {s.classes}),  # one logit per class")
    return "model = nn.Sequential(\n" + "\n".join(lines) + "\n)\n"


def snippet(s: Settings) -> str:
    """A complete script: the same generator and seed, data, model and loop; it prints the
    final train and test loss (and accuracy) exactly as the page shows them."""
    epochs = min(s.epochs, max_epochs(s))
    maker = MAKERS[s.dataset]
    feature_code = "\n".join(
        f"        {FEATURES[name][1]},  # {FEATURES[name][0]}" for name in s.features
    )
    optimizer = (
        f"opt = torch.optim.SGD(\n"
        f"    model.parameters(), lr={literal(s.lr)}, momentum={literal(s.momentum)},\n"
        f"    nesterov={s.nesterov}, weight_decay={literal(s.weight_decay)},\n"
        f")\n"
    )
    head = f"""\
import math

import torch
from torch import nn

SEED = {int(s.seed)}
g = torch.Generator().manual_seed(SEED)  # data, split and shuffling
torch.manual_seed(SEED)  # initial weights{" and dropout masks" if s.dropout > 0 else ""}


{inspect.getsource(uniform)}

{inspect.getsource(maker)}

x, y = {maker.__name__}({int(s.points)}, {literal(s.noise / 100)}, g)
order = torch.randperm({int(s.points)}, generator=g)
train, test = order[:{s.n_train}], order[{s.n_train}:]

def features(x):  # the fixed feature layer
    x1, x2 = x[:, 0], x[:, 1]
    return torch.stack([
{feature_code}
    ], dim=1)


x_train, y_train = features(x[train]), y[train]
x_test, y_test = features(x[test]), y[test]

{model_source(s)}loss_fn = nn.CrossEntropyLoss(label_smoothing={literal(s.smoothing)})
"""
    if s.nesterov and s.momentum == 0:
        return (
            head
            + "try:\n"
            + "".join("    " + line + "\n" for line in optimizer.splitlines())
            + "except ValueError as error:\n"
            + '    print(f"ValueError = {error}")\n'
        )
    return (
        head
        + optimizer
        + f"""
for epoch in range({epochs}):
    model.train()
    shuffled = torch.randperm(len(y_train), generator=g)
    for start in range(0, len(shuffled), {int(s.batch)}):
        batch = shuffled[start : start + {int(s.batch)}]
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()

model.eval()
with torch.no_grad():
    out_train, out_test = model(x_train), model(x_test)
    print(f"train loss = {{loss_fn(out_train, y_train).item() + 0.0:.4g}}")
    print(f"test loss = {{loss_fn(out_test, y_test).item() + 0.0:.4g}}")
    print(f"train accuracy = {{(out_train.argmax(1) == y_train).float().mean().item() + 0.0:.4g}}")
    print(f"test accuracy = {{(out_test.argmax(1) == y_test).float().mean().item() + 0.0:.4g}}")
"""
    )
