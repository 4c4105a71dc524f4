"""LESSONS: the one ordered list of lessons, in the order of the notes.

Navigation, the home page's lesson map, the server's warm-up, the bench and every generic test
iterate over it. A lesson lives in its own folder ``lib/lessons/<path>/``: ``__init__.py`` (its
URL parameters and its ``LESSON`` entry), ``compute.py`` (pure PyTorch, no Streamlit),
``view.py`` (what its page draws) and its strings (``en.toml``, ``zh.toml``); its page entry is
``pages/<path>.py``. Adding a lesson adds one line here (CONTRIBUTING.md).
"""

from importlib import import_module

from lib.lessons.lesson import Lesson

ORDER = (
    "autograd",
    "tensors",
    "activations",
    "sgd",
    "linear",
    "dropout",
    "embedding",
    "sequential",
    "cross_entropy",
    "rnn",
    "playground",
)
LESSONS: tuple[Lesson, ...] = tuple(import_module(f"lib.lessons.{path}").LESSON for path in ORDER)
BY_PATH: dict[str, Lesson] = {lesson.path: lesson for lesson in LESSONS}
