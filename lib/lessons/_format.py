"""How numbers are printed, shared by the pages and the "Reproduce this" snippets so both show
exactly the same digits for the same float."""

DECIMALS = 4


def num(value: float) -> str:
    """A number as the page and the snippet print it (fixed 4 decimals), never "-0.0000": a
    value that rounds to zero is 0 (``round`` gives -0.0 there, and ``+ 0.0`` turns that into
    0.0; a snippet prints ``round(v, 4) + 0.0`` the same way)."""
    return f"{round(float(value), DECIMALS) + 0.0:.{DECIMALS}f}"


def literal(value: float) -> str:
    """A Python literal for ``value`` in generated code: short, and exact for slider values."""
    return repr(float(value))
