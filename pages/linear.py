"""Lesson: nn.Linear, y = x Aᵀ + b (notes §5.1). The lesson lives in lib/lessons/linear/."""

from lib.lessons.linear import LESSON
from lib.view.lesson import render

render(LESSON)
