"""Lesson: nn.RNN and nn.LSTM step by step: hidden state, gates, shapes, parameters (notes §5.7).
The lesson lives in lib/lessons/rnn/."""

from lib.lessons.rnn import LESSON
from lib.view.lesson import render

render(LESSON)
