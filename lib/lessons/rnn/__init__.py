"""Lesson (notes §5.7): nn.RNN / nn.LSTM over time.

Its URL parameters (ranges, defaults) and its entry in the registry."""

from lib.lessons._rng import SEED_RANGE
from lib.lessons.lesson import Lesson
from lib.lessons.rnn import compute as lesson
from lib.urlspec import Bool, Choice, Float, Int, IntList, Spec

PARAMS = Spec(
    (
        Choice("cell", "rnn", options=lesson.CELLS),
        Choice("kind", "sine", options=lesson.KINDS),
        Int("input", 1, 1, lesson.MAX_INPUT),
        Int("hidden", 4, 1, lesson.MAX_HIDDEN),
        Int("steps", 16, 1, lesson.MAX_STEPS),
        Int("batch", 1, 1, lesson.MAX_BATCH),
        Int("seed", 0, *SEED_RANGE),
        Float("freq", 0.125, *lesson.FREQ_RANGE, step=0.025),
        IntList("tokens", (), 0, lesson.MAX_INPUT - 1, 1, lesson.MAX_STEPS),
        Int("t", 3, 0, lesson.MAX_STEPS - 1),
        Int("unit", 0, 0, lesson.MAX_HIDDEN - 1),
        Bool("batch_first", False),
    )
)

LESSON = Lesson("rnn", "nav.nn", ":material/repeat:", "§5.7", PARAMS)
