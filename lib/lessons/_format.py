"""How numbers are printed, shared by the pages and the "Reproduce this" snippets so both show
exactly the same digits for the same float."""

DIGITS = 4  # significant digits


def num(value: float) -> str:
    """A number as the page and the snippet print it: what the value needs, up to 4 significant
    digits (2, not 2.0000; 0.659, 145.8, 2.222, 1.5e-05), and never "-0" (``+ 0.0`` turns -0.0
    into 0.0). A snippet prints ``f"{v + 0.0:.4g}"``, the same text."""
    return f"{float(value) + 0.0:.{DIGITS}g}"


def literal(value: float) -> str:
    """A Python literal for ``value`` in generated code: short, and exact for slider values."""
    return repr(float(value))
