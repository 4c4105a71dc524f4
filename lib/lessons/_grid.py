"""The values a slider can take, for the grids that the pages' charts scrub through in the
browser (issue 8, scrub mode): PyTorch computes one row per value, once per state."""

from decimal import Decimal


def slider_grid(lo: float, hi: float, step: float) -> list[float]:
    """Every value a slider from lo to hi with this step can take, as the slider produces it
    (lo + k·step, rounded to the step's decimals), so a scrubbed value meets a slider value."""
    decimals = max(0, -Decimal(str(step)).as_tuple().exponent)
    count = round((hi - lo) / step) + 1
    return [round(lo + k * step, decimals) + 0.0 for k in range(count)]  # + 0.0: no -0.0
