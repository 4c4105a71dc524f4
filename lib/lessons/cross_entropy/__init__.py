"""Lesson (notes §5.6): nn.CrossEntropyLoss on chosen logits.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.cross_entropy import compute as lesson
from lib.lessons.lesson import Lesson
from lib.urlspec import Bool, Choice, Float, FloatList, Int, Spec

LO, HI = lesson.LOGIT_RANGE
PARAMS = Spec(
    (
        FloatList("logits", (2.0, 1.0, 0.1), LO, HI, lesson.MIN_CLASSES, lesson.MAX_CLASSES),
        Int("target", 0, 0, lesson.MAX_CLASSES - 1),
        FloatList("weight", (), *lesson.WEIGHT_RANGE, lesson.MIN_CLASSES, lesson.MAX_CLASSES),
        Float("smoothing", 0.0, 0.0, 1.0, step=0.05),
        Int("ignore", lesson.NO_IGNORE, lesson.NO_IGNORE, lesson.MAX_CLASSES - 1),
        Choice("reduction", "mean", options=lesson.REDUCTIONS),
        Bool("mistake", False),
    )
)

LESSON = Lesson("cross_entropy", "nav.nn", ":material/bar_chart:", "§5.6", PARAMS)
