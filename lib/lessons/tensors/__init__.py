"""Lesson (notes §2 · §4): tensors: creation, dtype, view vs reshape.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.lesson import Lesson
from lib.lessons.tensors import compute as lesson
from lib.urlspec import Choice, Int, IntList, Spec

N_MAX = lesson.MAX_ELEMENTS
PARAMS = Spec(
    (
        IntList("shape", lesson.DEFAULT_SHAPE, 1, N_MAX, 1, lesson.MAX_DIMS),
        IntList("view", lesson.DEFAULT_VIEW, -1, N_MAX, 1, lesson.MAX_DIMS),
        lesson.DimPair("transpose", ()),
        Int("at", lesson.DEFAULT_AT, 0, N_MAX - 1),
        Int("value", lesson.DEFAULT_WRITE, *lesson.WRITE_RANGE),
        Choice("dtype", "float32", options=lesson.DTYPES),
    )
)

LESSON = Lesson("tensors", "nav.basics", ":material/view_module:", "§2 · §4", PARAMS)
