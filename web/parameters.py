"""What a URL may carry, bounded before it reaches the catalog: a number (of a proposal, a
version, a page) is ASCII digits within range, so that `²` or a number of thirty digits is
a page of the site's own saying what is wrong, never a server error. And the name of a
file sent, which any Vietnamese name, quote or bracket leaves intact."""

import re
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Path, Query

from archive_schema.vietnamese import fold

LARGEST = 2**31 - 1  # what every SQL database stores in an INTEGER
Number = Annotated[int, Path(ge=1, le=LARGEST)]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]
_DIGITS = re.compile(r"[0-9]{1,9}")


def whole_number(value: str | None, low: int = 1, high: int = LARGEST) -> int | None:
    """`value` as a whole number within [low, high], or None: ASCII digits only."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def day(value: str | None) -> date | None:
    """A day as a form gives it (`2026-12-02`) or as Vietnamese write it (`02/12/2026`)."""
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((value or "").strip(), form).date()
        except ValueError:
            continue
    return None


def disposition(name: str, inline: bool = False) -> str:
    """A Content-Disposition naming the file: plain ASCII for old browsers, the real name
    in UTF-8 for the others (RFC 6266)."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", fold(name)).strip("_") or "tep"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
