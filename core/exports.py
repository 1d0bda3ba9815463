"""How a number is written in the project's exports, one way per format.

CSV files are for a French spreadsheet (Excel opens them with ``;`` between cells): a decimal
number takes a comma, ``12,5``. XLSX cells hold real numbers, never text.
"""

from __future__ import annotations

from decimal import Decimal


def csv_number(value: Decimal | float | int) -> str:
    """``Decimal("12.50")`` → ``"12,50"``; integers unchanged; no thousands separator."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    return format(value, "f").replace(".", ",") if isinstance(value, Decimal) else str(value)


def xlsx_number(value: Decimal | float | int) -> float | int:
    """A Decimal becomes a float: a number the spreadsheet sums, not a text cell."""
    return float(value) if isinstance(value, Decimal) else value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula (=, +, -, @…) becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
