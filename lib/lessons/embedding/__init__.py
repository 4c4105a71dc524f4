"""Lesson (notes §5.4): nn.Embedding: a lookup table of rows.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons._rng import SEED_RANGE
from lib.lessons.embedding import compute as lesson
from lib.lessons.lesson import Lesson
from lib.urlspec import Bool, Choice, Float, Int, IntList, Spec

PARAMS = Spec(
    (
        Int("num", 10, lesson.MIN_NUM, lesson.MAX_NUM),
        Int("dim", 4, lesson.MIN_DIM, lesson.MAX_DIM),
        IntList("ids", lesson.DEFAULT_IDS, 0, lesson.MAX_NUM - 1, 1, lesson.MAX_IDS),
        lesson.Sentence("text", ""),
        Int("padding_idx", lesson.NO_PADDING, lesson.NO_PADDING, lesson.MAX_NUM - 1),
        Float("max_norm", 0.0, *lesson.MAX_NORM_RANGE, step=0.1),
        Choice("norm_type", "2", options=lesson.NORM_TYPES),
        Bool("scale_grad", False),
        Bool("sparse", False),
        Choice("loss", "sum", options=lesson.LOSSES),
        Int("seed", 0, *SEED_RANGE),
    )
)

LESSON = Lesson("embedding", "nav.nn", ":material/table_rows:", "§5.4", PARAMS)
