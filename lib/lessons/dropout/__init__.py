"""Lesson (notes §5.2): nn.Dropout: the mask, the 1/(1-p) scale, train vs eval.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons._rng import SEED_RANGE
from lib.lessons.dropout import compute as lesson
from lib.lessons.lesson import Lesson
from lib.urlspec import Bool, Choice, Float, Int, Spec

PARAMS = Spec(
    (
        Float("p", 0.5, 0.0, 1.0, step=lesson.P_STEP),
        Int("seed", 0, *SEED_RANGE),
        Choice("mode", "train", options=("train", "eval")),
        Bool("inplace", False),
    )
)

LESSON = Lesson("dropout", "nav.nn", ":material/grid_on:", "§5.2", PARAMS)
