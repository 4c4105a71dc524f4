"""Lesson (notes §3): activation functions and their slopes.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.activations import compute as lesson
from lib.lessons.lesson import Lesson
from lib.urlspec import Bool, ChoiceList, Float, Spec

LO, HI = lesson.RANGE
X_STEP = 0.1  # the probe slider's step, and so the scrub grid's
PARAMS = Spec(
    (
        ChoiceList("fn", lesson.NOTES_FOUR, options=lesson.NAMES),
        Float("x", 0.0, LO, HI, step=X_STEP),
        Float("lo", -5.0, LO, HI, step=0.5),
        Float("hi", 5.0, LO, HI, step=0.5),
        Float("beta", 1.0, 0.1, 10.0, step=0.1),
        Float("threshold", 20.0, 1.0, 40.0, step=1.0),
        Bool("inplace", False),
    )
)

LESSON = Lesson("activations", "nav.basics", ":material/show_chart:", "§3", PARAMS)
