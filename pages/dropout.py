"""Lesson: nn.Dropout, its mask, the 1/(1-p) scale, train vs eval (notes §5.2). The lesson lives
in lib/lessons/dropout/."""

from lib.lessons.dropout import LESSON
from lib.view.lesson import render

render(LESSON)
