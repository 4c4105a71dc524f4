"""How numbers are printed, shared by the pages and the "Reproduce this" snippets so both show
exactly the same digits for the same float; and how a long sum of them goes over lines in a
formula, so that every line fits a phone."""

import re
from collections.abc import Sequence

DIGITS = 4  # significant digits


def num(value: float) -> str:
    """A number as the page and the snippet print it: what the value needs, up to 4 significant
    digits (2, not 2.0000; 0.659, 145.8, 2.222, 1.5e-05), and never "-0" (``+ 0.0`` turns -0.0
    into 0.0). A snippet prints ``f"{v + 0.0:.4g}"``, the same text."""
    return f"{float(value) + 0.0:.{DIGITS}g}"


def literal(value: float) -> str:
    """A Python literal for ``value`` in generated code: short, and exact for slider values."""
    return repr(float(value))


def wrapped(terms: Sequence[str], limit: int) -> list[list[str]]:
    """LaTeX ``terms`` on lines as text wraps: a term starts the next line when it would take
    this one past ``limit`` characters shown (" + " before it included; a command such as
    ``\\cdot`` shows one)."""
    lines: list[list[str]] = []
    used = limit
    for term in terms:
        chars = len(re.sub(r"\\[A-Za-z]+", "-", term)) + 3
        if used + chars > limit:
            lines.append([])
            used = 0
        lines[-1].append(term)
        used += chars
    return lines


def tex_sum(lines: list[list[str]]) -> str:
    """The terms added up inside LaTeX's ``aligned``, a line each, every next line starting
    ``&\\quad +`` (indented under the first)."""
    return r" \\ &\quad + ".join(" + ".join(line) for line in lines)
