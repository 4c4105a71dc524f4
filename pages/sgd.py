"""Lesson: torch.optim.SGD, the path of real opt.step() calls on a 2-D loss surface (notes §4).
The lesson lives in lib/lessons/sgd/."""

from lib.lessons.sgd import LESSON
from lib.view.lesson import render

render(LESSON)
