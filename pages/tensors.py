"""Lesson: creating tensors, dtypes, and view vs reshape as a memory inspector (notes §2, §4).
The lesson lives in lib/lessons/tensors/."""

from lib.lessons.tensors import LESSON
from lib.view.lesson import render

render(LESSON)
