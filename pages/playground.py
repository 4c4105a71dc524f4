"""Lesson: put it together: a small network trained in real PyTorch on 2-D toy data, scrubbed
through its epochs. The lesson lives in lib/lessons/playground/."""

from lib.lessons.playground import LESSON
from lib.view.lesson import render

render(LESSON)
