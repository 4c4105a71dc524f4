"""Lesson (notes §5.5): nn.Sequential: shapes and parameters layer by layer.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.lesson import Lesson
from lib.lessons.sequential import compute as lesson
from lib.urlspec import Int, Spec

PARAMS = Spec(
    (
        Int("size", 28, *lesson.SIZE_RANGE),
        Int("batch", 1, *lesson.BATCH_RANGE),
        Int("channels", 1, *lesson.CHANNELS_RANGE),
        lesson.LayerList("layers", lesson.NOTES_MODEL),
    )
)

LESSON = Lesson("sequential", "nav.nn", ":material/stacks:", "§5.5", PARAMS)
