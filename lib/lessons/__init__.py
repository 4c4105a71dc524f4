"""LESSONS: the one ordered list of lessons, in the order of the notes.

Navigation, the home page's lesson map, the server's warm-up, the bench and every generic test
iterate over it. A lesson lives in its own folder ``lib/lessons/<path>/``: ``__init__.py`` (its
URL parameters and this entry), ``compute.py`` (pure PyTorch, no Streamlit) and its strings
(``en.toml``, ``zh.toml``); its page entry is ``pages/<path>.py``.
"""

from lib.lessons import (  # noqa: I001 (the notes' order)
    autograd,
    tensors,
    activations,
    sgd,
    linear,
    dropout,
    embedding,
    sequential,
    cross_entropy,
    rnn,
)
from lib.lessons.lesson import Lesson

LESSONS: tuple[Lesson, ...] = tuple(
    module.LESSON
    for module in (
        autograd,
        tensors,
        activations,
        sgd,
        linear,
        dropout,
        embedding,
        sequential,
        cross_entropy,
        rnn,
    )
)
BY_PATH: dict[str, Lesson] = {lesson.path: lesson for lesson in LESSONS}
