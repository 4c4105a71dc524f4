"""Lesson (notes §1): autograd on y = w·x + b.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons.autograd import compute as lesson
from lib.lessons.lesson import Lesson
from lib.urlspec import Float, Spec

PARAMS = Spec(
    (
        Float("w", 2.0, *lesson.W_RANGE, step=0.1),
        Float("x", 1.0, *lesson.X_RANGE, step=0.1),
        Float("b", 3.0, *lesson.B_RANGE, step=0.1),
    )
)

LESSON = Lesson("autograd", "nav.basics", ":material/account_tree:", "§1", PARAMS)
