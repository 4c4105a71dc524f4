"""Lesson: cross-entropy for one sample, its gradient, and its options (notes §5.6). The lesson
lives in lib/lessons/cross_entropy/."""

from lib.lessons.cross_entropy import LESSON
from lib.view.lesson import render

render(LESSON)
