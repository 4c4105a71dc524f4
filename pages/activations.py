"""Lesson: activation functions and their derivatives by autograd (notes §3, §5.3). The lesson
lives in lib/lessons/activations/."""

from lib.lessons.activations import LESSON
from lib.view.lesson import render

render(LESSON)
