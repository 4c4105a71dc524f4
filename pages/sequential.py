"""Lesson: nn.Sequential, layer by layer (§5.5). The lesson lives in lib/lessons/sequential/."""

from lib.lessons.sequential import LESSON
from lib.view.lesson import render

render(LESSON)
