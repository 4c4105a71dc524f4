"""torch.optim.SGD (notes §4) on a 2-D loss surface: the path of real ``optimizer.step()`` calls.

The parameter is one tensor ``p = [x, y]``. Every step is the usual loop
``loss = f(p); loss.backward(); opt.step(); opt.zero_grad()``, and the momentum buffer is read
from ``opt.state[p]["momentum_buffer"]``. A run that blows up is stopped as soon as the loss
is not finite or exceeds ``LOSS_BOUND``, so the page only ever shows finite numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lib.lessons._format import literal
from lib.lessons._shared import shared

SURFACES = ("bowl", "rosenbrock", "wells")
DOMAIN = (-2.0, 2.0)  # the picture and the start point: x and y both in this range
GRID = 40  # the heatmap has GRID x GRID cells
MAX_STEPS = 200
LR_RANGE = (0.0, 2.0)  # lr = 2 diverges on every surface here: that is part of the lesson
MOMENTUM_RANGE = (0.0, 0.99)
DAMPENING_RANGE = (0.0, 0.9)  # dampening 1 would freeze the buffer at the first gradient
WD_RANGE = (0.0, 1.0)
COND_RANGE = (1.0, 50.0)  # the bowl's condition number a (Hessian diag(a, 1))
LOSS_BOUND = 1e4  # a run stops once the loss is above this (or nan/inf): it diverged
# Learning rates the lr slider offers, roughly log-spaced: the interesting range of lr differs
# by a factor of 100 between the surfaces.
LR_GRID = (
    0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.07,
    0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
    1.0, 1.1, 1.2, 1.5, 1.8, 2.0,
)  # fmt: skip


@dataclass(frozen=True)
class Surface:
    name: str
    source: str  # the loss as Python in x and y: the snippet writes exactly this
    latex: str  # the loss as LaTeX ({a} is the condition number)
    minima: tuple[tuple[float, float], ...]  # global minimum first; every minimum has f = 0
    # except the second of "wells" (a local minimum)


# The local minimum of "wells" in x: 4x(x^2 - 1) + 0.2(x + 1) = 0 factors as
# (x + 1)(4x^2 - 4x + 0.2) = 0, so besides the global minimum at x = -1 there is a local one at
# x = (1 + sqrt(0.8)) / 2 (and a saddle at (1 - sqrt(0.8)) / 2).
WELLS_LOCAL_X = (1 + math.sqrt(0.8)) / 2

SURFACE_INFO = {
    "bowl": Surface(
        "bowl",
        "0.5 * (a * x**2 + y**2)",
        r"\tfrac12\,(a\,x^2 + y^2),\ a = {a}",
        ((0.0, 0.0),),
    ),
    "rosenbrock": Surface(
        "rosenbrock",
        "(1 - x)**2 + 5 * (y - x**2)**2",
        r"(1 - x)^2 + 5\,(y - x^2)^2",
        ((1.0, 1.0),),
    ),
    "wells": Surface(
        "wells",
        "(x**2 - 1)**2 + 0.1 * (x + 1)**2 + 0.5 * y**2",
        r"(x^2 - 1)^2 + 0.1\,(x + 1)^2 + \tfrac12\,y^2",
        ((-1.0, 0.0), (WELLS_LOCAL_X, 0.0)),
    ),
}


def cell_centre(index: int) -> float:
    """The centre of surface cell ``index`` along one axis, on the start sliders' 0.1 grid
    (a click on the surface starts the run there)."""
    lo, hi = DOMAIN
    width = (hi - lo) / GRID
    return min(max(round(lo + (index + 0.5) * width, 1), lo), hi)


def loss_function(
    surface: str, a: float = 1.0
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The surface as a torch function of x and y (tensors of any shape: a grid, or p[0], p[1]).
    Written with the same operations, in the same order, as ``Surface.source``."""
    if surface == "bowl":
        return lambda x, y: 0.5 * (a * x**2 + y**2)
    if surface == "rosenbrock":  # Rosenbrock with b = 5 instead of 100: its valley fits 200 steps
        return lambda x, y: (1 - x) ** 2 + 5 * (y - x**2) ** 2
    if surface == "wells":  # two minima: a global one at (-1, 0), a local one at (0.947, 0)
        return lambda x, y: (x**2 - 1) ** 2 + 0.1 * (x + 1) ** 2 + 0.5 * y**2
    raise ValueError(f"unknown surface {surface!r}")


@dataclass(frozen=True)
class Settings:
    surface: str = "bowl"
    a: float = 10.0  # condition number of the bowl (ignored by the other surfaces)
    x0: float = -1.8
    y0: float = 1.6
    lr: float = 0.15
    momentum: float = 0.5
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    steps: int = 30


Pair = tuple[float, float]


@dataclass(frozen=True)
class Step:
    """One ``opt.step()``: number k (from 1), what it started from and what it left."""

    k: int
    before: Pair  # p before the step
    loss: float  # f(p) before the step: the loss that backward() differentiated
    grad: Pair  # p.grad after loss.backward()
    buffer: Pair | None  # opt.state[p]["momentum_buffer"] after the step (None: no momentum)
    after: Pair  # p after the step


@dataclass(frozen=True)
class Run:
    settings: Settings
    start_loss: float
    steps: tuple[Step, ...]  # the steps taken (fewer than asked when the run diverged)
    final_loss: float  # f(p) after the last step taken
    error: str | None = None  # the optimizer refused these settings (its real message)

    @property
    def taken(self) -> int:
        return len(self.steps)

    @property
    def diverged(self) -> bool:
        return not math.isfinite(self.final_loss) or self.final_loss > LOSS_BOUND

    def point(self, k: int) -> Pair:
        """p after k steps (k is capped at the steps taken)."""
        k = min(k, self.taken)
        return self.steps[k - 1].after if k else (self.settings.x0, self.settings.y0)

    def loss_at(self, k: int) -> float:
        """f(p) after k steps (k is capped at the steps taken)."""
        k = min(k, self.taken)
        return self.steps[k].loss if k < self.taken else self.final_loss


def _pair(t: torch.Tensor) -> Pair:
    x, y = t.tolist()
    return (x, y)


def make_optimizer(p: torch.Tensor, s: Settings) -> torch.optim.SGD:
    return torch.optim.SGD(
        [p],
        lr=s.lr,
        momentum=s.momentum,
        dampening=s.dampening,
        weight_decay=s.weight_decay,
        nesterov=s.nesterov,
    )


# A class moves the same sliders to the same values: each setting's run (a pure function of
# it, immutable) is computed once per process and shared (a class of 60 on sgd: p95 3.4 s
# before, bench/RESULTS.md).
@shared(maxsize=512)
def run(s: Settings) -> Run:
    """``s.steps`` real SGD steps from (x0, y0), stopping early if the loss blows up."""
    f = loss_function(s.surface, s.a)
    p = torch.tensor([s.x0, s.y0], requires_grad=True)
    start_loss = f(p[0], p[1]).item()
    try:
        opt = make_optimizer(p, s)
    except ValueError as error:  # nesterov without momentum, or with dampening
        return Run(s, start_loss, (), start_loss, error=str(error))

    befores, losses, grads, buffers = [], [], [], []
    for _ in range(s.steps):
        loss = f(p[0], p[1])
        # The snippet tests the tensor (torch.isfinite(loss), loss > bound): the same float32
        # value, read once here as a Python float (cheaper inside a 200-step loop).
        value = loss.item()
        if not math.isfinite(value) or value > LOSS_BOUND:  # diverged: stop, keep numbers finite
            break
        befores.append(p.detach().clone())
        losses.append(value)
        loss.backward()
        grads.append(p.grad.clone())
        opt.step()
        # The buffer is updated in place on every step: copy it to keep this step's value.
        buffer = opt.state[p].get("momentum_buffer")
        buffers.append(None if buffer is None else buffer.clone())
        opt.zero_grad()
    with torch.no_grad():
        final_loss = f(p[0], p[1]).item()

    taken = len(losses)
    if not taken:
        return Run(s, start_loss, (), final_loss)
    # One conversion to Python floats for the whole run (faster than per step).
    before_rows = torch.stack(befores).tolist()
    after_rows = [*before_rows[1:], p.detach().tolist()]
    grad_rows = torch.stack(grads).tolist()
    buffer_rows = (
        [None] * taken if buffers[0] is None else [tuple(b) for b in torch.stack(buffers).tolist()]
    )
    steps = tuple(
        Step(k + 1, tuple(before_rows[k]), losses[k], tuple(grad_rows[k]), buffer_rows[k],
             tuple(after_rows[k]))
        for k in range(taken)
    )  # fmt: skip
    return Run(s, start_loss, steps, final_loss)


@shared(maxsize=64)
def surface_grid(
    surface: str, a: float = 1.0, cells: int = GRID
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Cell centres along one axis, and f at every cell centre (row-major, y outer, x inner),
    computed by the same torch function the optimizer uses."""
    lo, hi = DOMAIN
    width = (hi - lo) / cells
    centres = torch.linspace(lo + width / 2, hi - width / 2, cells, dtype=torch.float64)
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    values = loss_function(surface, a)(xs, ys)
    return tuple(centres.tolist()), tuple(values.flatten().tolist())  # cached: immutable


@dataclass(frozen=True)
class Stability:
    """How large lr may be near the minimum: from the Hessian's largest eigenvalue."""

    eigenvalues: Pair  # of the Hessian of f + weight_decay/2 |p|^2 at the global minimum
    lr_limit: float | None  # steps converge near the minimum iff lr < lr_limit (None: no limit)


@shared(maxsize=512)  # as run() is: a pure function of the setting, immutable
def stability(s: Settings) -> Stability:
    """Eigenvalues of the Hessian at the global minimum (torch.autograd.functional.hessian,
    torch.linalg.eigvalsh), and the largest lr that still converges on that quadratic.

    On a quadratic with curvature h, one coordinate of plain SGD follows x <- (1 - lr h) x, so it
    converges iff lr < 2/h. With momentum mu and dampening tau the step is a 2x2 linear system
    whose roots lie inside the unit circle iff lr (1 - tau) h < 2 (1 + mu); with Nesterov
    (tau = 0) iff lr h < 2 (1 + mu) / (1 + 2 mu). The largest h (lambda_max) binds.
    """
    f = loss_function(s.surface, s.a)
    x_min, y_min = SURFACE_INFO[s.surface].minima[0]
    point = torch.tensor([x_min, y_min], dtype=torch.float64)
    hessian = torch.autograd.functional.hessian(
        lambda q: f(q[0], q[1]) + 0.5 * s.weight_decay * (q**2).sum(), point
    )
    low, high = torch.linalg.eigvalsh(hessian).tolist()
    if s.nesterov:
        limit = 2 * (1 + s.momentum) / ((1 + 2 * s.momentum) * high)
    elif s.momentum:
        limit = 2 * (1 + s.momentum) / ((1 - s.dampening) * high)
    else:
        limit = 2 / high
    return Stability((low, high), limit)


def verdict(lr: float, limit: float) -> str:
    """Where ``lr`` stands against the stability limit: "below" (steps near the minimum shrink),
    "at" (exactly on the limit: they keep their size, the run swings forever and neither
    converges nor diverges) or "above" (they grow). "At" allows for the float rounding of a
    slider value such as 0.3."""
    if math.isclose(lr, limit, rel_tol=1e-9, abs_tol=1e-12):
        return "at"
    return "below" if lr < limit else "above"


def left_window(run_: Run, shown: int) -> int | None:
    """The first step among the first ``shown`` whose point lies outside the plotted square
    (``DOMAIN`` in x and y), or None."""
    lo, hi = DOMAIN
    for k in range(1, min(shown, run_.taken) + 1):
        x, y = run_.point(k)
        if not (lo <= x <= hi and lo <= y <= hi):
            return k
    return None


@dataclass(frozen=True)
class FirstBuffer:
    """What opt.state[p] holds after one step, and which guesses (for the page's check) equal it."""

    buffer: Pair | None  # None: momentum = 0, the optimizer keeps no buffer
    right: frozenset[str]  # among "none", "grad", "damped", "lr_grad", "grad_wd"


@shared(maxsize=512)  # as run() is: a pure function of the setting, immutable
def first_buffer(s: Settings) -> FirstBuffer:
    """One real step, and the candidates a learner might guess for the buffer it leaves."""
    f = loss_function(s.surface, s.a)
    p = torch.tensor([s.x0, s.y0], requires_grad=True)
    opt = make_optimizer(p, s)
    f(p[0], p[1]).backward()
    grad = p.grad.clone()
    start = p.detach().clone()
    opt.step()
    buffer = opt.state[p].get("momentum_buffer")
    if buffer is None:
        return FirstBuffer(None, frozenset({"none"}))
    candidates = {
        "grad": grad,
        "damped": (1 - s.dampening) * grad,
        "lr_grad": s.lr * grad,
        "grad_wd": grad + s.weight_decay * start,
    }
    # allclose, not equal: grad.add(p, alpha=wd) inside step() may round differently from
    # grad + wd * p here.
    right = frozenset(
        name
        for name, value in candidates.items()
        if torch.allclose(value, buffer, rtol=1e-6, atol=1e-12)
    )
    return FirstBuffer(_pair(buffer), right)


@dataclass(frozen=True)
class StepParts:
    """The pieces of one update, as PyTorch's SGD computes them (torch ops on the run's numbers)."""

    d_p: Pair  # p.grad + weight_decay * p: what the buffer and the step use
    previous_buffer: Pair | None  # b before this step (None on the first step, or no momentum)
    buffer: Pair | None  # b after this step
    direction: Pair  # what is multiplied by lr: d_p, b, or d_p + momentum * b (Nesterov)
    # Sutskever's velocity v = lr * b for the same path: only with momentum, no dampening and no
    # Nesterov (dampening scales g by 1 - tau, Nesterov steps along g + mu * b instead of b).
    sutskever_v: Pair | None


def step_parts(run_: Run, k: int) -> StepParts:
    """Step k (from 1) of a run, taken apart."""
    s = run_.settings
    step = run_.steps[k - 1]
    before = torch.tensor(step.before)
    d_p = torch.tensor(step.grad) + s.weight_decay * before
    if step.buffer is None:
        return StepParts(_pair(d_p), None, None, _pair(d_p), None)
    buffer = torch.tensor(step.buffer)
    previous = run_.steps[k - 2].buffer if k > 1 else None
    direction = d_p + s.momentum * buffer if s.nesterov else buffer
    same_path = s.dampening == 0 and not s.nesterov
    velocity = _pair(s.lr * buffer) if same_path else None
    return StepParts(_pair(d_p), previous, step.buffer, _pair(direction), velocity)


def snippet(s: Settings, steps: int) -> str:
    """A script that runs ``steps`` steps of this optimizer and prints what the page shows."""
    info = SURFACE_INFO[s.surface]
    a_line = f"a = {literal(s.a)}  # condition number of the bowl\n" if s.surface == "bowl" else ""
    head = f"""\
import torch

{a_line}def f(x, y):  # the {s.surface} surface
    return {info.source}

p = torch.tensor([{literal(s.x0)}, {literal(s.y0)}], requires_grad=True)
"""

    def make(indent: str) -> str:
        return (
            f"{indent}opt = torch.optim.SGD(\n"
            f"{indent}    [p], lr={literal(s.lr)}, momentum={literal(s.momentum)}, "
            f"dampening={literal(s.dampening)},\n"
            f"{indent}    weight_decay={literal(s.weight_decay)}, nesterov={s.nesterov},\n"
            f"{indent})\n"
        )

    try:
        make_optimizer(torch.zeros(2, requires_grad=True), s)
    except ValueError:
        return (
            head
            + "try:\n"
            + make("    ")
            + "except ValueError as error:\n"
            + '    print(f"ValueError = {error}")\n'
        )
    return (
        head
        + make("")
        + f"""
taken = 0
for step in range({int(steps)}):
    loss = f(p[0], p[1])
    if not torch.isfinite(loss) or loss > {LOSS_BOUND:g}:  # diverged: stop, as the page does
        break
    loss.backward()
    opt.step()
    opt.zero_grad()
    taken += 1

x, y = p.tolist()
print(f"x = {{x + 0.0:.4g}}")
print(f"y = {{y + 0.0:.4g}}")
print(f"loss = {{f(p[0], p[1]).item() + 0.0:.4g}}")
print(f"steps taken = {{taken}}")
"""
    )
