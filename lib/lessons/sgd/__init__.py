"""Lesson (notes §4): torch.optim.SGD on a 2-D loss surface.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.lesson import Lesson
from lib.lessons.sgd import compute as lesson
from lib.urlspec import Bool, Choice, Float, Int, Spec

LO, HI = lesson.DOMAIN
DEFAULTS = lesson.Settings()
PARAMS = Spec(
    (
        Choice("surface", DEFAULTS.surface, options=lesson.SURFACES),
        Float("cond", DEFAULTS.a, *lesson.COND_RANGE, step=0.5),
        Float("x0", DEFAULTS.x0, LO, HI, step=0.1),
        Float("y0", DEFAULTS.y0, LO, HI, step=0.1),
        Float("lr", DEFAULTS.lr, *lesson.LR_RANGE, step=0.001),
        Float("momentum", DEFAULTS.momentum, *lesson.MOMENTUM_RANGE, step=0.01),
        Float("dampening", DEFAULTS.dampening, *lesson.DAMPENING_RANGE, step=0.05),
        Float("wd", DEFAULTS.weight_decay, *lesson.WD_RANGE, step=0.01),
        Bool("nesterov", DEFAULTS.nesterov),
        Int("steps", DEFAULTS.steps, 1, lesson.MAX_STEPS),
        # How many of the steps the picture shows; more than `steps` means all of them.
        Int("show", lesson.MAX_STEPS, 0, lesson.MAX_STEPS),
    )
)

LESSON = Lesson("sgd", "nav.basics", ":material/trending_down:", "§4", PARAMS)
