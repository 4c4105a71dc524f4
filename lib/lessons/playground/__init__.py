"""Lesson (put it together): a network trained in real PyTorch on a 2-D toy set, TensorFlow
Playground style.

Its URL parameters (ranges, caps, defaults) and its entry in the registry. The caps bound one
setting's work: at most ``MAX_STEPS`` optimizer steps (epochs are capped where the batches are
many), 500 points, 6 hidden layers of 8 units."""

from lib.lessons._rng import SEED_RANGE
from lib.lessons.lesson import Lesson
from lib.lessons.playground import compute as lesson
from lib.urlspec import Bool, Choice, ChoiceList, Float, Int, IntList, Spec

DEFAULTS = lesson.Settings()
PARAMS = Spec(
    (
        Choice("data", DEFAULTS.dataset, options=lesson.DATASETS),
        Int("noise", DEFAULTS.noise, *lesson.NOISE_RANGE),
        Int("train", DEFAULTS.train, *lesson.TRAIN_RANGE),
        Int("points", DEFAULTS.points, *lesson.POINTS_RANGE),
        Int("seed", DEFAULTS.seed, *SEED_RANGE),
        Bool("test", False),  # show the test points
        ChoiceList("features", DEFAULTS.features, options=tuple(lesson.FEATURES)),
        # Hidden units per hidden layer; "0" is no hidden layer (an empty list would be the
        # absence of the parameter, i.e. the default).
        IntList("layers", DEFAULTS.layers, 0, lesson.MAX_UNITS, 1, lesson.MAX_LAYERS),
        Choice("act", DEFAULTS.activation, options=tuple(lesson.ACTIVATIONS)),
        Float("dropout", DEFAULTS.dropout, *lesson.DROPOUT_RANGE, step=0.05),
        Float("lr", DEFAULTS.lr, *lesson.LR_RANGE, step=0.001),
        Float("momentum", DEFAULTS.momentum, *lesson.MOMENTUM_RANGE, step=0.01),
        Bool("nesterov", DEFAULTS.nesterov),
        Float("wd", DEFAULTS.weight_decay, *lesson.WD_RANGE, step=0.0001),
        Float("smoothing", DEFAULTS.smoothing, *lesson.SMOOTHING_RANGE, step=0.05),
        Int("batch", DEFAULTS.batch, *lesson.BATCH_RANGE),
        Int("epochs", DEFAULTS.epochs, 1, lesson.MAX_EPOCHS),
    )
)

LESSON = Lesson("playground", "nav.nn", ":material/model_training:", "§4–§5", PARAMS)
