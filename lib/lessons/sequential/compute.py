"""nn.Sequential (notes §5.5): a stack of layers, the shape after each one, and the parameters.

The model is always built in the notes' OrderedDict form, so every layer has a name
(``model.conv1``). One real forward on ``torch.zeros(batch, channels, size, size)`` records
the shape after every layer with forward hooks; when the shapes stop fitting, PyTorch's own
error is kept together with the layer that raised it.

The layer list travels in the URL as a compact comma list (``LayerList``)::

    layers=conv:20:5,relu,conv:64:5,relu          the notes' model (the default)

    conv:OUT:K[:S[:P]]   nn.Conv2d(in, OUT, K, stride=S, padding=P)   S = 1, P = 0 if left out;
                         ``in`` is wired for you: the channels arriving (the input's, or the
                         last conv's out_channels)
    pool:K[:S]           nn.MaxPool2d(K, stride=S)                    S = K if left out
    linear:IN:OUT        nn.Linear(IN, OUT)                           IN is yours to get right
    dropout[:P]          nn.Dropout(P)                                P = 0.5 if left out
    relu, flatten        nn.ReLU(), nn.Flatten()

The per-argument caps are not enough on their own (ten Conv2d(64, 64, 9) on a batch of eight
64×64 images would take over a second), so a model is also held to a work budget: at most
``MAX_PARAMS`` parameters, and a forward whose estimated time (``estimated_ms``) stays under
``MAX_MS``. The forward stops at the layer that would go over it, and the page says so.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from lib.lessons._rng import seeded_global_rng
from lib.urlspec import Float, Int, Param

MAX_LAYERS = 10
SIZE_RANGE = (4, 64)
BATCH_RANGE = (1, 8)
CHANNELS_RANGE = (1, 8)
MAX_PARAMS = 2_000_000  # 8 MB of float32 weights, built on every rerun
MAX_MS = 30.0  # estimated time of one forward (see estimated_ms)
INIT_SEED = 0  # the weights are never shown, but their init must not touch the global RNG


@dataclass(frozen=True)
class Arg:
    """One argument of a layer: its PyTorch keyword, the default, and the allowed range."""

    name: str
    default: float
    lo: float
    hi: float
    is_float: bool = False


@dataclass(frozen=True)
class Kind:
    token: str  # the name in the URL
    torch_name: str  # the class in torch.nn
    args: tuple[Arg, ...] = ()
    required: int = 0  # how many leading args a URL token must give


KINDS = {
    kind.token: kind
    for kind in (
        Kind(
            "conv",
            "Conv2d",
            (
                Arg("out_channels", 16, 1, 64),
                Arg("kernel_size", 3, 1, 9),
                Arg("stride", 1, 1, 4),
                Arg("padding", 0, 0, 4),
            ),
            required=2,
        ),
        Kind("relu", "ReLU"),
        # The stride's default is the kernel size (PyTorch's own default); see Layer.of.
        Kind("pool", "MaxPool2d", (Arg("kernel_size", 2, 1, 9), Arg("stride", 2, 1, 9)), 1),
        Kind("flatten", "Flatten"),
        Kind(
            "linear",
            "Linear",
            (Arg("in_features", 10, 1, 65536), Arg("out_features", 10, 1, 512)),
            2,
        ),
        Kind("dropout", "Dropout", (Arg("p", 0.5, 0.0, 1.0, is_float=True),)),
    )
}
# Other spellings people may type in a link; the page writes the short token back.
ALIASES = {
    "conv2d": "conv",
    "maxpool": "pool",
    "maxpool2d": "pool",
    "fc": "linear",
    "drop": "dropout",
}


@dataclass(frozen=True)
class Layer:
    kind: str  # a key of KINDS
    args: tuple[float, ...] = ()  # every argument of the kind, in order, defaults filled in

    @classmethod
    def of(cls, kind: str, *given: float) -> Layer:
        """A layer from its leading arguments; the rest take their defaults."""
        specs = KINDS[kind].args
        values = list(given) + [a.default for a in specs[len(given) :]]
        if kind == "pool" and len(given) < 2:
            values[1] = values[0]  # MaxPool2d(k) strides by k
        return cls(
            kind,
            tuple(float(v) if a.is_float else int(v) for v, a in zip(values, specs, strict=True)),
        )

    def token(self) -> str:
        """The URL form, with trailing default arguments left out (``conv:20:5``, ``pool:2``)."""
        kind = KINDS[self.kind]
        defaults = Layer.of(self.kind, *self.args[: kind.required]).args  # pool: stride = k
        keep = len(kind.args)
        while keep > kind.required and self.args[keep - 1] == defaults[keep - 1]:
            keep -= 1
        parts = [
            format(v, ".10g") if a.is_float else str(v)
            for v, a in zip(self.args, kind.args, strict=True)
        ]
        return ":".join([self.kind, *parts[:keep]])


NOTES_MODEL = (Layer.of("conv", 20, 5), Layer.of("relu"), Layer.of("conv", 64, 5), Layer.of("relu"))


def parse_token(text: str) -> tuple[Layer | None, str | None]:
    """One layer from its URL token, or None (dropped) with the notice reason."""
    name, *raw_args = [part.strip() for part in text.strip().lower().split(":")]
    name = ALIASES.get(name, name)
    if name not in KINDS:
        return None, "unknown_choice"
    kind = KINDS[name]
    if not kind.required <= len(raw_args) <= len(kind.args):
        return None, "bad_layer"
    values, reason = [], None
    for raw, spec in zip(raw_args, kind.args, strict=False):  # the rest default
        # urlspec's own number parsers: text, nan and fractions are refused, 1e308 is clamped.
        if spec.is_float:
            parser = Float(spec.name, spec.default, spec.lo, spec.hi, step=0.1)
        else:
            parser = Int(spec.name, spec.default, spec.lo, spec.hi)
        value, why = parser.parse(raw)
        if why not in (None, "out_of_range"):
            return None, "bad_layer"
        reason = reason or why
        values.append(value)
    return Layer.of(name, *values), reason


@dataclass(frozen=True)
class LayerList(Param):
    """The ``layers`` URL parameter: up to ``MAX_LAYERS`` comma-separated tokens (module doc).

    Unknown names and tokens with unreadable arguments are dropped with a notice; numbers out of
    range are clamped to the nearest allowed value."""

    max_len: int = MAX_LAYERS

    def parse(self, raw: str) -> tuple[tuple[Layer, ...], str | None]:
        layers, reason = [], None
        for token in (item for item in raw.split(",") if item.strip()):
            layer, why = parse_token(token)
            reason = reason or why
            if layer is not None:
                layers.append(layer)
        if len(layers) > self.max_len:  # cut after dropping the unreadable ones: keep the most
            layers, reason = layers[: self.max_len], reason or "too_long"
        if not layers:
            return tuple(self.default), reason or "too_short"
        return tuple(layers), reason

    def format(self, value: Sequence[Layer]) -> str:
        return ",".join(layer.token() for layer in value)


# --- building the model ------------------------------------------------------------------------


def names(layers: Sequence[Layer]) -> list[str]:
    """The OrderedDict names, numbered per kind as in the notes: conv1, relu1, conv2, relu2."""
    seen: dict[str, int] = {}
    out = []
    for layer in layers:
        seen[layer.kind] = seen.get(layer.kind, 0) + 1
        out.append(f"{layer.kind}{seen[layer.kind]}")
    return out


def in_channels(layers: Sequence[Layer], channels: int) -> list[int | None]:
    """The in_channels each Conv2d gets: the input's channels, then the last conv's output."""
    arriving, out = channels, []
    for layer in layers:
        out.append(arriving if layer.kind == "conv" else None)
        if layer.kind == "conv":
            arriving = int(layer.args[0])
    return out


def make_module(layer: Layer, in_ch: int | None) -> nn.Module:
    a = layer.args
    if layer.kind == "conv":
        return nn.Conv2d(in_ch, a[0], a[1], stride=a[2], padding=a[3])
    if layer.kind == "pool":
        return nn.MaxPool2d(a[0], stride=a[1])
    if layer.kind == "linear":
        return nn.Linear(a[0], a[1])
    if layer.kind == "dropout":
        return nn.Dropout(a[0])
    return {"relu": nn.ReLU, "flatten": nn.Flatten}[layer.kind]()


def constructor(layer: Layer, in_ch: int | None) -> str:
    """The call as you would write it: ``nn.Conv2d(1, 20, 5)``; defaults left out."""
    a = layer.args
    kind = KINDS[layer.kind]
    if layer.kind == "conv":
        extra = (f", stride={a[2]}" if a[2] != 1 else "") + (f", padding={a[3]}" if a[3] else "")
        args = f"{in_ch}, {a[0]}, {a[1]}{extra}"
    elif layer.kind == "pool":
        args = f"{a[0]}" + (f", stride={a[1]}" if a[1] != a[0] else "")
    elif layer.kind == "linear":
        args = f"{a[0]}, {a[1]}"
    elif layer.kind == "dropout":
        args = format(a[0], ".10g") if a[0] != 0.5 else ""
    else:
        args = ""
    return f"nn.{kind.torch_name}({args})"


def param_formula(layer: Layer, in_ch: int | None) -> tuple[str, int]:
    """The closed form of the layer's parameter count, as text with the numbers, and its value:
    Conv2d out·in·k·k + out (weight + bias), Linear in·out + out, the rest none."""
    a = layer.args
    if layer.kind == "conv":
        out, k = a[0], a[1]
        return f"{out}·{in_ch}·{k}·{k} + {out}", out * in_ch * k * k + out
    if layer.kind == "linear":
        n_in, n_out = a
        return f"{n_in}·{n_out} + {n_out}", n_in * n_out + n_out
    return "0", 0


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Conv2d and MaxPool2d height (and width): ⌊(n + 2p − k)/s⌋ + 1 (dilation 1)."""
    return (n + 2 * padding - kernel) // stride + 1


# Nanoseconds per unit of work on one core, measured here with torch 2.13 (the report lists the
# benchmarks). Multiply-adds alone are a poor guide: a max-pool comparison costs ~40 times a
# convolution's multiply-add, and a big output tensor costs its allocation and writing.
NS_PER_CONV_MAC = 0.012
NS_PER_CONV_GATHER = 0.15  # each input value gathered for each output position (im2col)
NS_PER_LINEAR_MAC = 0.03
NS_PER_POOL_COMPARE = 0.5
NS_PER_POOL_OUTPUT = 6.0
NS_PER_OUTPUT = 4.0  # conv and linear: allocating and writing each output value
NS_PER_ELEMENT = 1.0  # ReLU and the like


def estimated_ms(module: nn.Module, shape: Sequence[int]) -> float:
    """About how long one call of ``module`` on an input of ``shape`` takes on one core (a cost
    model from closed-form counts); 0 when the shapes do not fit, as PyTorch is about to say."""
    if isinstance(module, (nn.Conv2d, nn.MaxPool2d)):
        if len(shape) != 4:
            return 0.0
        k, s, p = (
            (module.kernel_size[0], module.stride[0], module.padding[0])
            if isinstance(module, nn.Conv2d)
            else (module.kernel_size, module.stride, module.padding)
        )
        h, w = output_size(shape[2], k, s, p), output_size(shape[3], k, s, p)
        if h < 1 or w < 1:
            return 0.0
        if isinstance(module, nn.MaxPool2d):
            out = shape[0] * shape[1] * h * w
            return (NS_PER_POOL_COMPARE * out * k * k + NS_PER_POOL_OUTPUT * out) / 1e6
        out = shape[0] * module.out_channels * h * w
        macs = out * module.in_channels * k * k
        gathered = macs // module.out_channels
        return (NS_PER_CONV_MAC * macs + NS_PER_CONV_GATHER * gathered + NS_PER_OUTPUT * out) / 1e6
    if isinstance(module, nn.Linear):
        if not shape or shape[-1] != module.in_features:
            return 0.0
        out = math.prod(shape[:-1]) * module.out_features
        return (NS_PER_LINEAR_MAC * out * module.in_features + NS_PER_OUTPUT * out) / 1e6
    return NS_PER_ELEMENT * math.prod(shape) / 1e6


class OverBudget(Exception):
    """Raised (by us, not PyTorch) before a layer that would take the forward over MAX_MS."""

    def __init__(self, ms: float):
        super().__init__(f"about {ms:.0f} ms")
        self.ms = ms


@dataclass(frozen=True)
class Row:
    """One layer of the model as the page's table shows it."""

    name: str
    layer: Layer
    constructor: str  # nn.Conv2d(1, 20, 5)
    module: str  # repr(module), what print(model) shows
    params: int  # sum(p.numel() for p in module.parameters()), by PyTorch
    bias_params: int  # the part of ``params`` that is bias
    formula: str  # the closed form with numbers: 20·1·5·5 + 20
    formula_value: int
    built: bool  # False: beyond the parameter budget, only described (on the meta device)
    in_shape: tuple[int, ...] | None = None  # None: the forward never reached this layer
    out_shape: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Forward:
    input_shape: tuple[int, ...]
    rows: tuple[Row, ...]
    total_params: int  # over every layer, as the snippet's model counts it
    failed_at: int | None = None  # index of the layer that raised (or would go over budget)
    error: str | None = None  # "RuntimeError: mat1 and mat2 shapes cannot be multiplied (...)"
    over_budget: str | None = None  # "params" | "time" when the page stopped, not PyTorch
    work_ms: float = 0.0  # estimated time of the forward (up to where it stopped)
    stopped_ms: float = 0.0  # what the layer that went over the budget would have needed
    model: nn.Sequential = field(default=None, repr=False)  # the built part, OrderedDict form

    @property
    def ok(self) -> bool:
        return self.failed_at is None

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        if not self.ok:
            return None
        return self.rows[-1].out_shape if self.rows else self.input_shape


def run(layers: Sequence[Layer], size: int, batch: int, channels: int) -> Forward:
    """Build the model (OrderedDict form) and run it once on zeros, recording every shape."""
    layer_names = names(layers)
    wired = in_channels(layers, channels)
    modules: OrderedDict[str, nn.Module] = OrderedDict()
    described: list[tuple[nn.Module, bool]] = []
    total = 0
    budget_stop = None
    with seeded_global_rng(INIT_SEED):
        for i, (name, layer, in_ch) in enumerate(zip(layer_names, layers, wired, strict=True)):
            # Count on the meta device first: a layer over the budget is never allocated.
            with torch.device("meta"):
                ghost = make_module(layer, in_ch)
            count = sum(p.numel() for p in ghost.parameters())
            if budget_stop is None and total + count <= MAX_PARAMS:
                module = make_module(layer, in_ch)
                modules[name] = module
                described.append((module, True))
            else:  # this layer and every one after it stay unbuilt: the model ends here
                budget_stop = i if budget_stop is None else budget_stop
                described.append((ghost, False))
            total += count
        model = nn.Sequential(modules)

    # The forward draws nothing at random (Dropout in eval mode): it runs outside the lock.
    shapes_in: dict[str, tuple[int, ...]] = {}
    shapes_out: dict[str, tuple[int, ...]] = {}
    spent = [0.0]

    def before(module, args, name):
        shapes_in[name] = tuple(args[0].shape)
        cost = estimated_ms(module, args[0].shape)
        if spent[0] + cost > MAX_MS:
            raise OverBudget(cost)
        spent[0] += cost

    def after(module, args, output, name):
        shapes_out[name] = tuple(output.shape)

    for name, module in model.named_children():
        module.register_forward_pre_hook(lambda m, a, name=name: before(m, a, name))
        module.register_forward_hook(lambda m, a, o, name=name: after(m, a, o, name))
    x = torch.zeros(batch, channels, size, size)
    failed_at, error, over, stopped_ms = None, None, None, 0.0
    # eval(): Dropout passes its input through instead of drawing a mask (same shapes, and
    # on zeros the same values); the snippet's train-mode model prints the same shapes.
    model.eval()
    try:
        with torch.inference_mode():
            model(x)  # Sequential.forward: each layer's output is the next one's input
    except OverBudget as stop:
        failed_at, over, stopped_ms = len(shapes_in) - 1, "time", stop.ms
    except (RuntimeError, ValueError, IndexError) as exc:
        failed_at, error = len(shapes_in) - 1, f"{type(exc).__name__}: {exc}"
    if failed_at is None and budget_stop is not None:
        failed_at, over = budget_stop, "params"

    rows = []
    for name, layer, in_ch, (module, built) in zip(
        layer_names, layers, wired, described, strict=True
    ):
        text, value = param_formula(layer, in_ch)
        rows.append(
            Row(
                name=name,
                layer=layer,
                constructor=constructor(layer, in_ch),
                module=repr(module),
                params=sum(p.numel() for p in module.parameters()),
                bias_params=sum(p.numel() for n, p in module.named_parameters() if n == "bias"),
                formula=text,
                formula_value=value,
                built=built,
                in_shape=shapes_in.get(name),
                out_shape=shapes_out.get(name),
            )
        )
    return Forward(
        input_shape=tuple(x.shape),
        rows=tuple(rows),
        total_params=total,
        failed_at=failed_at,
        error=error,
        over_budget=over,
        work_ms=spent[0],
        stopped_ms=stopped_ms,
        model=model,
    )


# --- what went wrong, kindly ------------------------------------------------------------------


@dataclass(frozen=True)
class Why:
    """Which explanation fits the failure (a catalog key under ``sequential.why_``), the values
    it needs, and the one-click fix that would make the layer fit, if there is one:
    ``("in_features", n)`` or ``("flatten", None)`` (insert a Flatten before the layer)."""

    key: str
    values: dict[str, str | int]
    fix: tuple[str, int | None] | None = None


def explain(forward: Forward) -> Why | None:
    if forward.ok:
        return None
    row = forward.rows[forward.failed_at]
    name, shape = row.name, row.in_shape
    if forward.over_budget == "params":
        return Why("params", {"name": name, "params": f"{row.params:,}", "cap": f"{MAX_PARAMS:,}"})
    if forward.over_budget == "time":
        values = {"name": name, "ms": round(forward.stopped_ms), "spent": round(forward.work_ms)}
        return Why("time", {**values, "cap": round(MAX_MS)})
    kind, a = row.layer.kind, row.layer.args
    if kind == "linear" and shape and shape[-1] != a[0]:
        last = shape[-1]
        values = {"name": name, "in_features": a[0], "shape": shape_text(shape), "last": last}
        if len(shape) == 2:
            fits = last <= KINDS["linear"].args[0].hi
            return Why("linear_flat", values, ("in_features", last) if fits else None)
        rows = math.prod(shape[:-1])
        return Why("linear_last", {**values, "rows": rows}, ("flatten", None))
    if kind in ("conv", "pool") and shape is not None and len(shape) not in (3, 4):
        return Why("needs_image", {"name": name, "shape": shape_text(shape)})
    if kind in ("conv", "pool") and shape is not None:
        k = a[0] if kind == "pool" else a[1]
        pad = a[3] if kind == "conv" else 0
        h, w = shape[-2], shape[-1]
        values = {"name": name, "k": k, "h": h, "w": w, "pad": pad}
        return Why("too_small", {**values, "hp": h + 2 * pad, "wp": w + 2 * pad})
    return Why("other", {"name": name})


# --- named access ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """``model.<name>`` in both forms of nn.Sequential, as PyTorch answers it."""

    name: str
    index: int
    plain_names: tuple[str, ...]  # nn.Sequential(*layers): children are called "0", "1", ...
    plain_error: str  # what model.<name> raises in that form
    dict_names: tuple[str, ...]
    dict_repr: str  # repr(model.<name>) in the OrderedDict form
    same_object: bool  # model[index] is model.<name>
    weight_shape: tuple[int, ...] | None


def named_access(forward: Forward) -> Access | None:
    model = forward.model
    children = list(model.named_children())
    if not children:
        return None
    # The first layer with weights says the most (model.conv1.weight.shape); else the first.
    index = next((i for i, (_, m) in enumerate(children) if hasattr(m, "weight")), 0)
    name, module = children[index]
    plain = nn.Sequential(*[m for _, m in children])  # the same modules, the *args form
    try:
        getattr(plain, name)
        plain_error = ""
    except AttributeError as exc:
        plain_error = f"AttributeError: {exc}"
    weight = getattr(model, name).weight if hasattr(module, "weight") else None
    return Access(
        name=name,
        index=index,
        plain_names=tuple(n for n, _ in plain.named_children()),
        plain_error=plain_error,
        dict_names=tuple(n for n, _ in children),
        dict_repr=repr(getattr(model, name)),
        same_object=model[index] is getattr(model, name),
        weight_shape=None if weight is None else tuple(weight.shape),
    )


# --- the snippet --------------------------------------------------------------------------------


def shape_text(shape: Sequence[int]) -> str:
    """A shape as the page and the snippet print it: a tuple, (1, 20, 24, 24)."""
    return str(tuple(int(v) for v in shape))


def snippet(layers: Sequence[Layer], size: int, batch: int, channels: int, fails: bool) -> str:
    """The model in the notes' OrderedDict form; prints each layer's parameter count and output
    shape, and the total parameter count, as the page's table shows them. ``fails``: PyTorch
    raises on the page, so the snippet catches it."""
    wired = in_channels(layers, channels)
    entries = "\n".join(
        f'    ("{name}", {constructor(layer, in_ch)}),'
        for name, layer, in_ch in zip(names(layers), layers, wired, strict=True)
    )
    loop = """\
for name, layer in model.named_children():  # what model(x) does, one layer at a time
    x = layer(x)
    print(f"{name} = {tuple(x.shape)}")
print(f"output shape = {tuple(x.shape)}")"""
    if fails:
        loop = (
            "try:\n"
            + "\n".join("    " + line for line in loop.splitlines())
            + """
except RuntimeError as error:  # the shapes stop fitting at this layer
    print(f"{name} failed = {type(error).__name__}: {error}")"""
        )
    return f"""\
from collections import OrderedDict

import torch
from torch import nn

model = nn.Sequential(OrderedDict([
{entries}
]))

for name, layer in model.named_children():
    print(f"{{name}} params = {{sum(p.numel() for p in layer.parameters()):,}}")

x = torch.zeros({batch}, {channels}, {size}, {size})  # (batch, channels, height, width)
print(f"input = {{tuple(x.shape)}}")
{loop}
print(f"total params = {{sum(p.numel() for p in model.parameters()):,}}")
"""
