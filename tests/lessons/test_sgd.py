"""torch.optim.SGD on 2-D surfaces: the optimizer's path against hand-written update loops,
hand-derived gradients, and the closed forms of gradient descent on a quadratic bowl."""

import contextlib
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.lessons.sgd import compute as sgd

SETTINGS = settings(deadline=None, max_examples=60)
B = 5.0  # the Rosenbrock coefficient of this lesson


# --- the surfaces by hand --------------------------------------------------------------------


def hand_f(surface: str, a: float, x: float, y: float) -> float:
    if surface == "bowl":
        return 0.5 * (a * x * x + y * y)
    if surface == "rosenbrock":
        return (1 - x) ** 2 + B * (y - x * x) ** 2
    return (x * x - 1) ** 2 + 0.1 * (x + 1) ** 2 + 0.5 * y * y


def hand_grad(surface: str, a: float, x: float, y: float) -> tuple[tuple[float, float], float]:
    """The gradient differentiated by hand, and the size of its terms (for float32 tolerances:
    float32 rounds each term, so the error scales with the terms, not with their sum)."""
    if surface == "bowl":
        return (a * x, y), abs(a * x) + abs(y)
    if surface == "rosenbrock":
        r = y - x * x
        gx = -2 * (1 - x) - 4 * B * x * r
        gy = 2 * B * r
        return (gx, gy), abs(2 * (1 - x)) + 4 * B * abs(x) * (abs(y) + x * x) + 2 * B * abs(r)
    gx = 4 * x * (x * x - 1) + 0.2 * (x + 1)
    return (gx, y), 4 * abs(x) * (x * x + 1) + 0.2 * abs(x + 1) + abs(y)


def close(got: float, want: float, size: float, rel: float = 2e-6) -> bool:
    """Equal up to float32 rounding of numbers of magnitude ``size``."""
    return abs(got - want) <= rel * (1.0 + size)


def hand_loop(s: sgd.Settings) -> list[tuple[float, float]]:
    """PyTorch's SGD update rule written out in float64: every point of the path (start first).

    g = grad f(p) + wd p;  b = g on the first step, else momentum b + (1 - dampening) g;
    step along b (or g + momentum b with Nesterov, or g without momentum);  p -= lr step.
    """
    x, y = s.x0, s.y0
    path = [(x, y)]
    buf = None
    for _ in range(s.steps):
        if not hand_f(s.surface, s.a, x, y) <= sgd.LOSS_BOUND:
            break
        (gx, gy), _ = hand_grad(s.surface, s.a, x, y)
        gx, gy = gx + s.weight_decay * x, gy + s.weight_decay * y
        if s.momentum:
            if buf is None:
                buf = (gx, gy)
            else:
                buf = (
                    s.momentum * buf[0] + (1 - s.dampening) * gx,
                    s.momentum * buf[1] + (1 - s.dampening) * gy,
                )
            if s.nesterov:
                gx, gy = gx + s.momentum * buf[0], gy + s.momentum * buf[1]
            else:
                gx, gy = buf
        x, y = x - s.lr * gx, y - s.lr * gy
        path.append((x, y))
    return path


def path_of(run: sgd.Run) -> list[tuple[float, float]]:
    return [(run.settings.x0, run.settings.y0)] + [step.after for step in run.steps]


# --- strategies ------------------------------------------------------------------------------

coords = st.floats(min_value=-2.0, max_value=2.0).map(lambda v: round(v, 1))


@st.composite
def settings_strategy(draw, max_steps: int = 40) -> sgd.Settings:
    momentum = draw(st.sampled_from([0.0, 0.3, 0.5, 0.9, 0.99]))
    nesterov = draw(st.booleans()) and momentum > 0
    dampening = 0.0 if nesterov else draw(st.sampled_from([0.0, 0.2, 0.5, 0.9]))
    return sgd.Settings(
        surface=draw(st.sampled_from(sgd.SURFACES)),
        a=draw(st.sampled_from([1.0, 2.5, 10.0, 50.0])),
        x0=draw(coords),
        y0=draw(coords),
        lr=draw(st.sampled_from(sgd.LR_GRID)),
        momentum=momentum,
        dampening=dampening,
        nesterov=nesterov,
        weight_decay=draw(st.sampled_from([0.0, 0.01, 0.1, 1.0])),
        steps=draw(st.integers(min_value=1, max_value=max_steps)),
    )


# --- every step follows the update rule ------------------------------------------------------


@SETTINGS
@given(s=settings_strategy())
def test_every_step_follows_the_update_rule(s):
    """Each recorded step, recomputed by hand from the numbers it started from: p.grad is the
    hand-derived gradient, the buffer and the new p follow PyTorch's documented rule."""
    run = sgd.run(s)
    assert run.error is None
    previous_buffer = None
    point = (s.x0, s.y0)
    for step in run.steps:
        x, y = step.before
        # Each step starts where the last one ended (the first at float32(x0), float32(y0)).
        if step.k == 1:
            assert step.before == pytest.approx(point, rel=1e-7)
        else:
            assert step.before == point
        assert math.isclose(step.loss, hand_f(s.surface, s.a, x, y), rel_tol=1e-5, abs_tol=1e-5)
        (gx, gy), size = hand_grad(s.surface, s.a, x, y)
        assert close(step.grad[0], gx, size, rel=1e-5) and close(step.grad[1], gy, size, rel=1e-5)

        # From here on, start from PyTorch's own float32 gradient: we check the update rule.
        dx = step.grad[0] + s.weight_decay * x
        dy = step.grad[1] + s.weight_decay * y
        if s.momentum:
            if previous_buffer is None:
                want_buffer = (dx, dy)
            else:
                want_buffer = tuple(
                    s.momentum * b + (1 - s.dampening) * d
                    for b, d in zip(previous_buffer, (dx, dy), strict=True)
                )
            size_b = sum(map(abs, previous_buffer or (0, 0))) + abs(dx) + abs(dy)
            assert all(
                close(got, want, size_b) for got, want in zip(step.buffer, want_buffer, strict=True)
            )
            buf = step.buffer
            if s.nesterov:
                direction = (dx + s.momentum * buf[0], dy + s.momentum * buf[1])
            else:
                direction = buf
            previous_buffer = buf
        else:
            assert step.buffer is None  # momentum 0: the optimizer keeps no buffer
            direction = (dx, dy)
        want = (x - s.lr * direction[0], y - s.lr * direction[1])
        size_p = abs(x) + abs(y) + s.lr * (abs(direction[0]) + abs(direction[1]))
        assert close(step.after[0], want[0], size_p) and close(step.after[1], want[1], size_p)
        point = step.after


@pytest.mark.parametrize(
    "s",
    [
        sgd.Settings(),  # the page's default: bowl, momentum 0.5
        sgd.Settings(a=5.0, lr=0.1, momentum=0.7, dampening=0.3, weight_decay=0.1, steps=80),
        sgd.Settings(a=5.0, lr=0.1, momentum=0.7, nesterov=True, weight_decay=0.1, steps=80),
        sgd.Settings(surface="rosenbrock", lr=0.02, momentum=0.5, steps=200),
        sgd.Settings(surface="rosenbrock", lr=0.01, momentum=0.9, nesterov=True, steps=200),
        sgd.Settings(surface="wells", x0=1.8, lr=0.05, momentum=0.8, dampening=0.1, steps=150),
        sgd.Settings(surface="wells", x0=1.8, lr=0.05, weight_decay=0.5, steps=100),
    ],
    ids=["default", "dampening+wd", "nesterov+wd", "rosenbrock", "rosenbrock-nesterov",
         "wells-momentum", "wells-wd"],
)  # fmt: skip
def test_a_hand_written_loop_reproduces_the_whole_path(s):
    """The whole path from a float64 loop of the update rule, started from the same point."""
    run = sgd.run(s)
    hand = hand_loop(s)
    assert len(path_of(run)) == len(hand) == s.steps + 1
    for (px, py), (hx, hy) in zip(path_of(run), hand, strict=True):
        assert px == pytest.approx(hx, abs=2e-5) and py == pytest.approx(hy, abs=2e-5)


# --- gradient descent on the bowl: closed forms ----------------------------------------------


@SETTINGS
@given(
    a=st.sampled_from([1.0, 2.0, 4.0, 10.0]),
    lr=st.sampled_from([0.01, 0.05, 0.1, 0.15]),
    x0=coords,
    y0=coords,
    steps=st.integers(min_value=1, max_value=60),
)
def test_plain_gd_on_the_bowl_is_geometric(a, lr, x0, y0, steps):
    """f = (a x^2 + y^2)/2: each step multiplies x by (1 - lr a) and y by (1 - lr)."""
    run = sgd.run(sgd.Settings("bowl", a, x0, y0, lr, 0.0, 0.0, False, 0.0, steps))
    for step in run.steps:
        k = step.k
        assert step.after[0] == pytest.approx(x0 * (1 - lr * a) ** k, rel=1e-4, abs=1e-6)
        assert step.after[1] == pytest.approx(y0 * (1 - lr) ** k, rel=1e-4, abs=1e-6)
    x, y = x0 * (1 - lr * a) ** steps, y0 * (1 - lr) ** steps
    assert run.final_loss == pytest.approx(0.5 * (a * x * x + y * y), rel=1e-4, abs=1e-7)


def test_plain_gd_converges_just_below_two_over_lambda_max():
    """lambda_max = a = 10, so lr < 0.2 converges: 0.19 gives |1 - 1.9| = 0.9 per step."""
    run = sgd.run(sgd.Settings(a=10.0, lr=0.19, momentum=0.0, steps=200))
    assert not run.diverged and run.taken == 200
    x, y = run.point(200)
    assert x == pytest.approx(-1.8 * (-0.9) ** 200, rel=1e-3)
    assert y == pytest.approx(1.6 * 0.81**200, rel=1e-3)
    assert run.final_loss < 1e-15


def test_plain_gd_diverges_just_above_two_over_lambda_max():
    """lr = 0.21: x is multiplied by 1 - 2.1 = -1.1 each step, so the run blows up and stops
    at the first k where (a x_k^2 + y_k^2)/2 > LOSS_BOUND."""
    s = sgd.Settings(a=10.0, lr=0.21, momentum=0.0, steps=200)
    run = sgd.run(s)
    assert run.diverged
    xs = [s.x0 * (-1.1) ** k for k in range(201)]
    ys = [s.y0 * 0.79**k for k in range(201)]
    first_over = next(k for k in range(201) if 0.5 * (10 * xs[k] ** 2 + ys[k] ** 2) > 1e4)
    assert run.taken == first_over == 34
    assert all(math.copysign(1, step.after[0]) == (-1) ** step.k * -1 for step in run.steps)
    assert run.point(run.taken)[0] == pytest.approx(xs[first_over], rel=1e-4)
    assert run.final_loss > sgd.LOSS_BOUND
    assert all(step.loss <= sgd.LOSS_BOUND for step in run.steps)


@pytest.mark.parametrize(
    ("momentum", "dampening", "lr", "converges"),
    [
        (0.5, 0.0, 0.28, True),
        (0.5, 0.0, 0.32, False),
        (0.9, 0.5, 0.7, True),
        (0.9, 0.5, 0.8, False),
    ],
)
def test_heavy_ball_limit_on_the_bowl(momentum, dampening, lr, converges):
    """With momentum mu and dampening tau, x follows a 2x2 linear recursion whose roots lie inside
    the unit circle iff lr (1 - tau) a < 2 (1 + mu): for a = 10 that is lr < 0.3 (mu = 0.5) and
    lr < 0.76 (mu = 0.9, tau = 0.5). One case each side."""
    run = sgd.run(sgd.Settings(a=10.0, lr=lr, momentum=momentum, dampening=dampening, steps=200))
    if converges:
        assert not run.diverged and run.final_loss < 1e-6
    else:
        assert run.diverged and run.taken < 200


@pytest.mark.parametrize(
    ("s", "eigenvalues", "limit"),
    [
        (sgd.Settings(a=10.0, momentum=0.0), (1.0, 10.0), 2 / 10),
        (sgd.Settings(a=10.0, momentum=0.0, weight_decay=0.5), (1.5, 10.5), 2 / 10.5),
        (sgd.Settings(a=4.0, momentum=0.5, dampening=0.2), (1.0, 4.0), 2 * 1.5 / (0.8 * 4)),
        (sgd.Settings(a=4.0, momentum=0.9, nesterov=True), (1.0, 4.0), 2 * 1.9 / (2.8 * 4)),
        (sgd.Settings(surface="wells", momentum=0.0), (1.0, 8.2), 2 / 8.2),
        (
            sgd.Settings(surface="rosenbrock", momentum=0.0),
            # Hessian at (1, 1): [[2 + 8B, -4B], [-4B, 2B]] = [[42, -20], [-20, 10]]
            ((52 - math.sqrt(32**2 + 4 * 400)) / 2, (52 + math.sqrt(32**2 + 4 * 400)) / 2),
            4 / (52 + math.sqrt(32**2 + 4 * 400)),
        ),
    ],
)
def test_stability_eigenvalues_and_lr_limit(s, eigenvalues, limit):
    result = sgd.stability(s)
    assert result.eigenvalues == pytest.approx(eigenvalues, rel=1e-9)
    assert result.lr_limit == pytest.approx(limit, rel=1e-9)


def test_nesterov_limit_holds_on_the_bowl():
    """lr a < 2(1 + mu)/(1 + 2 mu): for a = 10, mu = 0.5 that is lr < 0.15."""
    below = sgd.run(sgd.Settings(a=10.0, lr=0.14, momentum=0.5, nesterov=True, steps=200))
    above = sgd.run(sgd.Settings(a=10.0, lr=0.16, momentum=0.5, nesterov=True, steps=200))
    assert not below.diverged and below.final_loss < 1e-6
    assert above.diverged


# --- the momentum buffer ---------------------------------------------------------------------


@SETTINGS
@given(
    surface=st.sampled_from(sgd.SURFACES),
    x0=coords,
    y0=coords,
    momentum=st.sampled_from([0.1, 0.5, 0.9, 0.99]),
    dampening=st.sampled_from([0.0, 0.3, 0.9]),
    lr=st.sampled_from([0.001, 0.1, 1.0, 2.0]),
)
def test_first_buffer_is_the_gradient(surface, x0, y0, momentum, dampening, lr):
    """On step 1 the buffer is the gradient itself: not zero, not dampened, not scaled by lr."""
    s = sgd.Settings(surface, 3.0, x0, y0, lr, momentum, dampening, False, 0.0, 1)
    step = sgd.run(s).steps[0]
    assert step.buffer == step.grad
    (gx, gy), size = hand_grad(surface, 3.0, x0, y0)
    assert close(step.buffer[0], gx, size, rel=1e-5) and close(step.buffer[1], gy, size, rel=1e-5)
    check = sgd.first_buffer(s)
    assert "grad" in check.right and "none" not in check.right
    assert ("damped" in check.right) == (dampening == 0 or (gx, gy) == (0, 0))


@pytest.mark.parametrize("wd", [0.1, 1.0])
def test_first_buffer_with_weight_decay_is_grad_plus_wd_p(wd):
    s = sgd.Settings(a=2.0, x0=-1.5, y0=0.5, momentum=0.9, weight_decay=wd, steps=1)
    step = sgd.run(s).steps[0]
    want = (2.0 * -1.5 + wd * -1.5, 0.5 + wd * 0.5)
    assert step.buffer == pytest.approx(want, rel=1e-6)
    assert sgd.first_buffer(s).right == {"grad_wd"}


def test_no_momentum_no_buffer():
    s = sgd.Settings(momentum=0.0, steps=5)
    assert all(step.buffer is None for step in sgd.run(s).steps)
    assert sgd.first_buffer(s) == sgd.FirstBuffer(None, frozenset({"none"}))


def test_step_parts_and_the_sutskever_velocity():
    """Sutskever et al.: v = mu v + lr g, p -= v. With a constant lr and no dampening it is the
    same path as PyTorch's, with v = lr b; a float64 loop of their form agrees step by step."""
    s = sgd.Settings(a=4.0, lr=0.1, momentum=0.8, steps=25)
    run = sgd.run(s)
    x, y = s.x0, s.y0
    vx = vy = 0.0  # Sutskever's velocity starts at zero
    for step in run.steps:
        vx, vy = s.momentum * vx + s.lr * (4.0 * x), s.momentum * vy + s.lr * y
        x, y = x - vx, y - vy
        parts = sgd.step_parts(run, step.k)
        assert parts.sutskever_v == pytest.approx((vx, vy), abs=1e-5)
        assert step.after == pytest.approx((x, y), abs=1e-5)
        assert parts.direction == step.buffer
        assert parts.previous_buffer == (run.steps[step.k - 2].buffer if step.k > 1 else None)


def test_step_parts_with_nesterov_and_weight_decay():
    s = sgd.Settings(a=4.0, lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.2, steps=6)
    run = sgd.run(s)
    for step in run.steps:
        parts = sgd.step_parts(run, step.k)
        d = (step.grad[0] + 0.2 * step.before[0], step.grad[1] + 0.2 * step.before[1])
        assert parts.d_p == pytest.approx(d, rel=1e-6, abs=1e-7)
        want = (d[0] + 0.8 * step.buffer[0], d[1] + 0.8 * step.buffer[1])
        assert parts.direction == pytest.approx(want, rel=1e-6, abs=1e-7)
        moved = (step.before[0] - 0.1 * want[0], step.before[1] - 0.1 * want[1])
        assert step.after == pytest.approx(moved, rel=1e-5, abs=1e-6)


# --- divergence, errors, bookkeeping ---------------------------------------------------------


@SETTINGS
@given(s=settings_strategy(max_steps=sgd.MAX_STEPS))
def test_every_number_stays_finite(s):
    run = sgd.run(s)
    numbers = [run.start_loss]
    for step in run.steps:
        numbers += [step.loss, *step.before, *step.grad, *step.after, *(step.buffer or ())]
        assert step.loss <= sgd.LOSS_BOUND  # no step is taken from a point past the bound
    assert all(math.isfinite(v) for v in numbers)
    assert run.taken == s.steps or run.diverged


@pytest.mark.parametrize(("momentum", "dampening"), [(0.0, 0.0), (0.5, 0.1), (0.0, 0.5)])
def test_nesterov_needs_momentum_and_no_dampening(momentum, dampening):
    s = sgd.Settings(momentum=momentum, dampening=dampening, nesterov=True)
    run = sgd.run(s)
    assert run.error == "Nesterov momentum requires a momentum and zero dampening"
    assert run.taken == 0 and run.point(5) == (s.x0, s.y0)
    assert run.final_loss == pytest.approx(hand_f("bowl", 10.0, -1.8, 1.6), rel=1e-6)


def test_point_and_loss_after_k_steps():
    s = sgd.Settings(a=2.0, lr=0.1, momentum=0.0, steps=5)
    run = sgd.run(s)
    assert run.point(0) == (s.x0, s.y0)
    for k in range(6):
        x, y = s.x0 * 0.8**k, s.y0 * 0.9**k
        assert run.point(k) == pytest.approx((x, y), rel=1e-5)
        assert run.loss_at(k) == pytest.approx(x * x + 0.5 * y * y, rel=1e-5)
    assert run.point(99) == run.point(5) and run.loss_at(99) == run.loss_at(5)


def test_wells_local_minimum_and_escape():
    """From x0 = 1.8 plain SGD settles in the local minimum x = (1 + sqrt(0.8))/2, where
    f = (x^2 - 1)^2 + 0.1 (x + 1)^2; momentum 0.8 carries it to the global one at (-1, 0)."""
    x = (1 + math.sqrt(0.8)) / 2
    plain = sgd.run(sgd.Settings(surface="wells", x0=1.8, lr=0.05, momentum=0.0, steps=200))
    assert plain.point(200)[0] == pytest.approx(x, rel=6e-4, abs=1e-4)
    assert plain.final_loss == pytest.approx(
        (x * x - 1) ** 2 + 0.1 * (x + 1) ** 2, rel=6e-4, abs=1e-4
    )
    assert sgd.SURFACE_INFO["wells"].minima[1][0] == pytest.approx(x, rel=1e-12)
    heavy = sgd.run(sgd.Settings(surface="wells", x0=1.8, lr=0.05, momentum=0.8, steps=200))
    assert heavy.point(200) == pytest.approx((-1.0, 0.0), abs=1e-3)


def test_rosenbrock_with_momentum_reaches_its_minimum():
    run = sgd.run(sgd.Settings(surface="rosenbrock", lr=0.01, momentum=0.9, steps=200))
    assert run.point(200) == pytest.approx((1.0, 1.0), abs=1e-3)


@pytest.mark.parametrize("surface", sgd.SURFACES)
def test_surface_grid_is_the_hand_formula(surface):
    centres, values = sgd.surface_grid(surface, a=7.0)
    step = 4.0 / sgd.GRID
    assert centres == pytest.approx([-2 + step * (i + 0.5) for i in range(sgd.GRID)])
    assert len(values) == sgd.GRID**2
    for i in (0, 7, sgd.GRID - 1):  # row i is y = centres[i], column j is x = centres[j]
        for j in (0, 13, sgd.GRID - 1):
            want = hand_f(surface, 7.0, centres[j], centres[i])
            assert values[i * sgd.GRID + j] == pytest.approx(want, rel=1e-12)
    assert min(values) >= 0  # every surface has its global minimum at 0


def test_minima_have_zero_gradient():
    for surface, info in sgd.SURFACE_INFO.items():
        for x, y in info.minima:
            (gx, gy), _ = hand_grad(surface, 3.0, x, y)
            assert abs(gx) < 1e-12 and abs(gy) < 1e-12
        assert hand_f(surface, 3.0, *info.minima[0]) == 0.0


def test_lr_grid_is_sorted_and_capped():
    assert list(sgd.LR_GRID) == sorted(set(sgd.LR_GRID))
    assert sgd.LR_RANGE[0] <= sgd.LR_GRID[0] and sgd.LR_GRID[-1] == sgd.LR_RANGE[1] == 2.0


# --- the snippet -----------------------------------------------------------------------------


def run_code(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # noqa: S102  (our own generated snippet)
    return dict(line.split(" = ", 1) for line in out.getvalue().splitlines())


@pytest.mark.parametrize(("a", "lr", "steps"), [(4.0, 0.1, 10), (1.0, 0.5, 3), (10.0, 0.05, 20)])
def test_snippet_prints_the_closed_form_of_plain_gd(a, lr, steps):
    s = sgd.Settings(a=a, lr=lr, momentum=0.0, steps=50)
    printed = run_code(sgd.snippet(s, steps))
    x, y = -1.8 * (1 - lr * a) ** steps, 1.6 * (1 - lr) ** steps
    assert float(printed["x"]) == pytest.approx(x, rel=6e-4, abs=1.5e-4)
    assert float(printed["y"]) == pytest.approx(y, rel=6e-4, abs=1.5e-4)
    assert float(printed["loss"]) == pytest.approx(0.5 * (a * x * x + y * y), rel=6e-4, abs=1.5e-4)
    assert printed["steps taken"] == str(steps)


def test_snippet_stops_where_the_closed_form_diverges():
    printed = run_code(sgd.snippet(sgd.Settings(a=10.0, lr=0.21, momentum=0.0, steps=200), 200))
    assert printed["steps taken"] == "34"  # as in test_plain_gd_diverges_just_above_...
    assert float(printed["x"]) == pytest.approx(-1.8 * (-1.1) ** 34, rel=6e-4)


def test_snippet_of_refused_settings_prints_pytorchs_error():
    printed = run_code(sgd.snippet(sgd.Settings(momentum=0.0, nesterov=True), 10))
    assert printed == {"ValueError": "Nesterov momentum requires a momentum and zero dampening"}


def test_loss_function_matches_the_snippet_source():
    """The snippet writes Surface.source; the lesson runs loss_function: the same formula."""
    import torch

    for surface, info in sgd.SURFACE_INFO.items():
        namespace = {"a": 3.0}
        exec(f"def f(x, y):\n    return {info.source}", namespace)  # noqa: S102  (our constant)
        x, y = torch.tensor([-1.3, 0.2, 1.7]), torch.tensor([0.4, -1.9, 1.1])
        assert torch.equal(namespace["f"](x, y), sgd.loss_function(surface, 3.0)(x, y))
    with pytest.raises(ValueError):
        sgd.loss_function("nope")


def test_on_the_stability_limit_the_run_neither_converges_nor_diverges():
    # Bowl with a = 10, momentum 0.5: lr_limit = 2 (1 + 0.5) / 10 = 0.3 exactly.
    s = sgd.Settings("bowl", 10.0, -1.8, 1.6, 0.3, 0.5, 0.0, False, 0.0, 200)
    limit = sgd.stability(s).lr_limit
    assert limit == pytest.approx(0.3)
    assert sgd.verdict(0.3, limit) == "at" and sgd.verdict(0.1 + 0.2, limit) == "at"
    assert sgd.verdict(0.25, limit) == "below" and sgd.verdict(0.35, limit) == "above"
    run = sgd.run(s)
    assert not run.diverged  # it swings for ever: same size late as early
    late = [abs(run.point(k)[0]) for k in range(150, 201)]
    assert max(late) == pytest.approx(min(late[::2]), rel=1e-3) and max(late) > 5
    assert run.loss_at(200) == pytest.approx(run.loss_at(100), rel=1e-3)


def test_the_first_step_outside_the_plotted_square_is_found():
    inside = sgd.run(sgd.Settings("bowl", 10.0, -1.8, 1.6, 0.05, 0.0, 0.0, False, 0.0, 30))
    assert sgd.left_window(inside, 30) is None
    swing = sgd.run(sgd.Settings("bowl", 10.0, -1.8, 1.6, 0.3, 0.5, 0.0, False, 0.0, 30))
    k = sgd.left_window(swing, 30)
    lo, hi = sgd.DOMAIN
    x, y = swing.point(k)
    assert not (lo <= x <= hi and lo <= y <= hi)
    assert all(lo <= c <= hi for j in range(k) for c in swing.point(j))
    assert sgd.left_window(swing, 0) is None  # nothing shown, nothing left


def test_a_setting_reached_by_many_threads_at_once_is_computed_once():
    """Sixty students reaching a new setting together cost one computation (the others wait
    for it), and all get the same result (lib/lessons/_shared.py)."""
    import threading

    from lib.lessons._shared import shared

    calls = []
    started = threading.Event()

    @shared(maxsize=8)
    def slow(x: int) -> tuple[int, ...]:
        calls.append(x)
        started.wait(5)  # hold the first caller until every thread has asked
        return (x, x)

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(3))) for _ in range(20)]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join(10)
    assert calls == [3] and len(results) == 20
    assert all(r is results[0] for r in results)
