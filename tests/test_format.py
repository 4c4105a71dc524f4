"""How numbers are printed (lib/lessons/_format.py), on the page and in every snippet."""

import pytest

from lib.lessons._format import num


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.0, "2"),  # what the value needs: 2·1 + 3 = 5, not 2.0000·1.0000 + 3.0000
        (5.0, "5"),
        (-2.5, "-2.5"),
        (0.6590011, "0.659"),
        (1 / 0.45, "2.222"),  # four significant digits where the value needs them
        (-0.9014, "-0.9014"),
        (145.80203247070312, "145.8"),
        (-0.0, "0"),  # never a negative zero
        (-3.6674806e-05, "-3.667e-05"),  # small, not rounded away to a misleading 0
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_num_shows_what_the_value_needs_up_to_four_significant_digits(value, shown):
    assert num(value) == shown


def test_a_snippet_prints_what_num_shows():
    # The snippets print f"{v + 0.0:.4g}": the same text as num(v), for any float.
    for value in (-0.0, -3.6e-05, 5e-05, 0.12345, -0.12345, 1e-12, -7.77775, 2.0, 1234.5):
        assert f"{value + 0.0:.4g}" == num(value)


def test_chart_labels_never_show_a_negative_zero():
    """A weight of -0.004 is labelled "0.00" in a heatmap cell, not "-0.00" (seen in
    embedding's table)."""
    import torch

    from lib.lessons.embedding import view
    from lib.view.kinds import two_decimals

    assert two_decimals(-0.004) == "0.00" and two_decimals(-0.005001) == "-0.01"
    assert two_decimals(-0.0) == "0.00" and two_decimals(0.004) == "0.00"
    cells = view.cells(torch.tensor([[-0.004, 0.5], [-0.0, -12.0]]), ["a", "b"], [False, False])
    assert "-0.00" not in set(cells["label"]) and "-12.0" in set(cells["label"])
