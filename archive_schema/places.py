"""The provinces and their seats, to put back a place or an agency name OCR misread.

A header names its place (usually the province or the town of its seat) and its agency's
province from a closed list: a name OCR read with a wrong diacritic or a letter off ("Bác
Ninh", "QUẢNG NẠM") is taken back to the name it can only be. The 63 provinces before the
2025 merger, whose names the 34 after it keep.
"""

import csv
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from archive_schema.vietnamese import fold, normalize

PROVINCES_FILE = "provinces.csv"
PLACE_TOLERANCE = 90  # rapidfuzz ratio of the folded names: a letter off in ten


@cache
def known_places() -> dict[str, str]:
    """Every province and seat by its folded name."""
    text = (resources.files("archive_schema") / "data" / PROVINCES_FILE).read_text("utf-8")
    names = {normalize(name) for row in csv.DictReader(text.splitlines()) for name in row.values()}
    return {fold(name): name for name in names}


def known_place(text: str) -> str | None:
    """The province or seat `text` names as OCR read it, in its own case; None if none."""
    places = known_places()
    folded = " ".join(fold(text).split())
    found = places.get(folded) or places.get(folded.replace(" ", ""))
    if found is None:
        match = process.extractOne(
            folded, list(places), scorer=fuzz.ratio, score_cutoff=PLACE_TOLERANCE
        )
        found = places[match[0]] if match else None
    if found is None:
        return None
    return found.upper() if text.isupper() else found
