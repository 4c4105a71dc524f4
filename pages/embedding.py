"""Lesson: nn.Embedding, a lookup table (notes §5.4). The lesson lives in lib/lessons/embedding/."""

from lib.lessons.embedding import LESSON
from lib.view.lesson import render

render(LESSON)
