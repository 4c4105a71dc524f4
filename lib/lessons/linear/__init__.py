"""Lesson (notes §5.1): nn.Linear: y = x Aᵀ + b.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons._rng import SEED_RANGE
from lib.lessons.lesson import Lesson
from lib.lessons.linear import compute as lesson
from lib.urlspec import Bool, FloatList, Int, Spec

LO, HI = lesson.X_RANGE
SIZES = (lesson.MIN_FEATURES, lesson.MAX_FEATURES)
PARAMS = Spec(
    (
        Int("in", 2, *SIZES),
        Int("out", 2, *SIZES),
        Bool("bias", True),
        Int("seed", 0, *SEED_RANGE),
        # Empty means "not in the link": the page then uses lesson.default_x(in).
        FloatList("x", (), LO, HI, 1, lesson.MAX_FEATURES),
    )
)

LESSON = Lesson("linear", "nav.nn", ":material/linear_scale:", "§5.1", PARAMS)
