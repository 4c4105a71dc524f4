"""Lesson: autograd on y = w·x + b (notes §1). The lesson lives in lib/lessons/autograd/."""

from lib.lessons.autograd import LESSON
from lib.view.lesson import render

render(LESSON)
