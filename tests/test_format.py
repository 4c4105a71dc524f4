"""How numbers are printed (lib/lessons/_format.py), on the page and in every snippet."""

import pytest

from lib.lessons._format import num


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.0, "0.0000"),
        (-3.6e-05, "0.0000"),  # rounds to zero: no "-0.0000"
        (-4.999e-05, "0.0000"),
        (-0.00051, "-0.0005"),
        (2.0, "2.0000"),
        (-2.5, "-2.5000"),
        (1.23456, "1.2346"),
        (145.80203247070312, "145.8020"),
    ],
)
def test_num_prints_four_decimals_and_never_a_negative_zero(value, shown):
    assert num(value) == shown


def test_a_snippet_prints_what_num_shows():
    # The snippets print f"{round(v, 4) + 0.0:.4f}": the same text as num(v), for any float.
    for value in (-0.0, -3.6e-05, -5e-05, 5e-05, 0.12345, -0.12345, 1e-12, -7.77775):
        assert f"{round(value, 4) + 0.0:.4f}" == num(value)
