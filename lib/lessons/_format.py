"""How numbers are printed, shared by the pages and the "Reproduce this" snippets so both show
exactly the same digits for the same float."""

DECIMALS = 4


def num(value: float) -> str:
    """A number as the page and the snippet print it (fixed 4 decimals)."""
    return f"{float(value):.{DECIMALS}f}"


def literal(value: float) -> str:
    """A Python literal for ``value`` in generated code: short, and exact for slider values."""
    return repr(float(value))
