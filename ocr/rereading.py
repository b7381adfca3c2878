"""Ink the first reading found no word in, read again on its own (pytesseract).

On a whole noisy page tesseract's page segmentation gives up on some text: the signer's
title under a seal and beside a signature, a line in the shadow of a photographed page.
Cut out alone and read as one block of text, the same ink often reads well; so does a
number alone in a table's cell (the STT column) or above or below all the text (the page
number), which tesseract skips on a page. A line read
again is kept only when it reads as text (words believed, Vietnamese syllables): seals,
signatures and specks, read again, are junk and stay out.
"""

import time
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pytesseract
from PIL import Image, ImageDraw
from scipy import ndimage

from ocr.cleaning import ink_map
from ocr.layout import Word
from ocr.quality import syllable_share
from ocr.tables import Box

MM_PER_INCH = 25.4
BOX_MARGIN_MM = 0.5  # ink this close to a word read is part of it
JOIN_MM = (1.5, 3.0)  # ink this close, down and across, is one region: letters into lines
SMALLEST_MM = (3.0, 8.0)  # a region lower or narrower than this is no line of text
CROP_MARGIN_MM = 1.2  # white kept around a region, as tesseract wants it
BLOCK_OF_TEXT = "--psm 6"
# A region this tall that reads as no text as one block (the name under a signature's loops
# and a seal's ring) is read again as scattered text, each line found on its own.
TALL_MM = 12
SPARSE_TEXT = "--psm 11"
# A line read again is kept when tesseract believed its words this much on average and this
# share of them are Vietnamese syllables.
KEPT_CONFIDENCE = 80
KEPT_SYLLABLES = 0.5


def read_again(
    grey: Image.Image,
    dpi: float,
    read: list[list[Word]],
    language: str,
    seconds: float,
    cells: Sequence[Box] = (),
) -> list[list[Word]]:
    """The lines of text found in the ink of `grey` outside the words `read`, in page
    pixels; none when every stroke was read. Ink too narrow for a line of text is read
    inside a table's `cells`, and above or below all the words, where only a number (the
    page's) is kept. What is not read in `seconds` stays unread."""
    deadline = time.monotonic() + seconds
    found: list[list[Word]] = []
    boxes = [word.box for line in read for word in line]
    for region, number in _unread_regions(grey, dpi, boxes, cells):
        tall = region[3] - region[1] >= TALL_MM * dpi / MM_PER_INCH
        for mode in (BLOCK_OF_TEXT, SPARSE_TEXT) if tall else (BLOCK_OF_TEXT,):
            if time.monotonic() >= deadline:
                return found
            try:
                lines = _read(grey, dpi, region, boxes, mode, language, deadline)
            except RuntimeError:  # pytesseract's timeout
                return found
            kept = [
                line
                for line in lines
                if _is_text(line) and (not number or all(w.text.isdigit() for w in line))
            ]
            if kept:
                found += kept
                break
    return found


def _unread_regions(
    grey: Image.Image, dpi: float, boxes: list[Box], cells: Sequence[Box]
) -> list[tuple[Box, bool]]:
    """The regions of ink outside `boxes` that may be text, each with whether it may only
    be a number."""
    ink, scale = ink_map(grey)
    per_mm = dpi / MM_PER_INCH / scale
    margin = max(1, round(BOX_MARGIN_MM * per_mm))
    for left, top, right, bottom in boxes:
        rows = slice(max(0, top // scale - margin), bottom // scale + margin + 1)
        ink[rows, max(0, left // scale - margin) : right // scale + margin + 1] = False
    joined = ndimage.binary_dilation(
        ink, structure=np.ones([max(1, round(mm * per_mm)) for mm in JOIN_MM], dtype=bool)
    )
    labels, _ = ndimage.label(joined)
    lowest, narrowest = (mm * per_mm for mm in SMALLEST_MM)
    regions = [
        (cols.start * scale, rows.start * scale, cols.stop * scale, rows.stop * scale)
        for rows, cols in ndimage.find_objects(labels)
        if rows.stop - rows.start >= lowest
    ]
    text_top = min((box[1] for box in boxes), default=0)
    text_bottom = max((box[3] for box in boxes), default=grey.height)
    found = []
    for region in regions:
        if region[2] - region[0] >= narrowest * scale or any(_inside(region, c) for c in cells):
            found.append((region, False))
        elif region[3] <= text_top or region[1] >= text_bottom:
            found.append((region, True))
    return found


def _inside(region: Box, cell: Box) -> bool:
    x, y = (region[0] + region[2]) / 2, (region[1] + region[3]) / 2
    return cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]


def _read(
    grey: Image.Image,
    dpi: float,
    region: Box,
    read: list[Box],
    mode: str,
    language: str,
    deadline: float,
) -> list[list[Word]]:
    """The lines in `region`, the words `read` whited out: a region's box may hold words
    read (beside a seal, inside a frame around the page), not to be read twice."""
    margin = round(CROP_MARGIN_MM * dpi / MM_PER_INCH)
    left, top = max(0, region[0] - margin), max(0, region[1] - margin)
    crop = grey.crop((left, top, region[2] + margin, region[3] + margin))
    draw = ImageDraw.Draw(crop)
    for box in read:  # drawing clips what lies outside the crop
        draw.rectangle((box[0] - left, box[1] - top, box[2] - left, box[3] - top), fill=255)
    data = pytesseract.image_to_data(
        crop,
        lang=language,
        config=mode,
        timeout=max(deadline - time.monotonic(), 0.01),
        output_type=pytesseract.Output.DICT,
    )
    lines: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= 0:
            x, y = left + data["left"][i], top + data["top"][i]
            box = (x, y, x + data["width"][i], y + data["height"][i])
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines[key].append(Word(text=text, box=box, confidence=float(data["conf"][i])))
    return list(lines.values())


def _is_text(line: list[Word]) -> bool:
    share = syllable_share(" ".join(word.text for word in line))
    confidence = sum(word.confidence for word in line) / len(line)
    return confidence >= KEPT_CONFIDENCE and (share is None or share >= KEPT_SYLLABLES)
