"""Cleaning of the image tesseract reads (never of the image archived in the PDF/A).

Each step is chosen per page by measuring the page, so that a clean scan is left as it is:
- colour dropout: a page with stamp-pad red or ballpoint blue on it (a seal, a signature) is
  read by its lightest channel where the colour is strong, so the coloured inks fade to paper
  and the black text stays;
- background normalisation: tesseract binarises a page with one global threshold, so a scan
  with uneven light, a tinted or stained paper loses whole regions. Dividing each pixel by an
  estimate of the paper around it (the page with its text removed by a maximum filter, at
  low resolution) flattens the background to white and keeps the ink. Bilevel pages are
  left alone: they are already thresholded, and normalising them made them worse;
- ink recovery: where the darkest ink around is pale (faded or patchy), ink is darkened in
  proportion, up to INK_GAIN;
- despeckling: dust and toner specks (dots of a few pixels far from any letter) are erased
  when a page has many of them; the dots of diacritics stand next to their letter and stay;
- seal erasure (`ocr.seals`): a round seal printed in black (a photocopy, a grey scan: no
  colour to drop) has its rings and emblem erased from over the signer's title and name;
- straightening (`ocr.straighten`): a photographed page is drawn square again from its
  outline on the desk, and a page still aslant is turned level; tesseract's lines break up
  on a slant of a degree or two;
- upscaling: a page under UPSCALE_BELOW dpi (a phone photo, a fax) is enlarged to READ_DPI,
  where tesseract reads letters best;
- denoising: a page whose paper is grainy (the noise of a poor sensor, of JPEG at low
  quality: more than NOISY from its own median) is smoothed; tesseract reads the grain as
  broken strokes and stray marks;
- ruling removal: the rulings of a ruled table (`ocr.tables`) are erased; tesseract reads
  them as `|`, `_` and `[`, and the layout reads the table cell by cell from its grid.
"""

from enum import StrEnum
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage

from ocr.seals import Seal, erase_seal, find_seal
from ocr.straighten import MIN_SKEW, find_page, measure_skew, turn, unwarp
from ocr.tables import Grid, block_darkest, find_grids

BACKGROUND_SCALE = 8  # the background is estimated at 1/8 of the page's resolution
TEXT_REMOVAL = 7  # maximum filter size at that scale: wider than a stroke of text
SMOOTHING = 2.0  # Gaussian radius at that scale
INK_LEVEL = 170  # darker than this, after cleaning and at 1/4 size, is ink (faded ink too)
BLANK_PAGE_INK = 0.001  # less ink than this share of the page: a blank page
COLOURED = 60  # a pixel whose channels differ by more than this is coloured ink
FRINGE_COLOURED = 20  # a pixel this coloured next to coloured ink is the stroke's pale edge
FRINGE = 3  # pixels: how far from coloured ink its edge reaches
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601-2, as PIL converts colour to grey
COLOURED_SHARE = 0.0005  # more coloured pixels than this share: drop the colour
INK_TARGET = 40  # the darkness faded ink is brought back to
INK_GAIN = 2.5  # at most
GRAIN = 45  # darkness of the paper's grain and noise, left as it is
FADED = 1.25  # a page whose ink needs more gain than this somewhere is recovered
SPECK_PIXELS = 14  # a dark dot this small (at 300 dpi) may be a speck...
SPECK_DISTANCE = 12  # ...when no larger ink is this close (pixels at 300 dpi)
SPECKLED = 300  # a page with more specks than this is despeckled
PAPER = 200  # lighter than this, after cleaning, is paper
# Renders' paper, by condition: clean 0.1-0.2, phone photos 0.5, photocopies 0.4-1.8, medium
# scans 1.2-1.7, heavy ones (JPEG at quality 35, dust, blur) 2.5-2.7, where a blur of
# DENOISE_SIGMA took tesseract's character errors from 12.2 % to 8.7 %.
NOISY = 2.0
DENOISE_SIGMA = 1.5  # pixels at 300 dpi
UPSCALE_BELOW = 200  # dpi
READ_DPI = 300


class Cleaning(StrEnum):
    DROP_COLOUR = "drop-colour"
    NORMALISE = "normalise"
    RECOVER_INK = "recover-ink"
    DESPECKLE = "despeckle"
    ERASE_SEAL = "erase-seal"
    UNWARP = "unwarp"
    DESKEW = "deskew"
    UPSCALE = "upscale"
    DENOISE = "denoise"
    UNRULE = "erase-rulings"


class Cleaned(NamedTuple):
    image: Image.Image  # greyscale, what tesseract reads
    steps: list[Cleaning]
    scale: float  # how much it was enlarged (1.0: not)
    to_scan: np.ndarray | None  # 3×3, from a point of the image before enlarging to the scan's
    bilevel: bool  # scanned in black and white: no threshold to choose
    grids: list[Grid]  # the ruled tables, in the pixels of `image`
    seal: Seal | None  # the seal printed black, erased, in the pixels of `image`


def clean(image: Image.Image, dpi: float) -> Cleaned:
    steps: list[Cleaning] = []
    grey = image.convert("L")
    bilevel = image.mode == "1" or grey.getcolors(2) is not None  # black and white only
    outline = find_page(grey, dpi)  # against the desk, before the desk is normalised away
    if not bilevel:
        if image.mode == "RGB" and _coloured_share(image) > COLOURED_SHARE:
            grey = _without_colour(image)  # normalised with it, channel by channel
            steps.append(Cleaning.DROP_COLOUR)
        else:
            grey = normalise_background(grey)
        steps.append(Cleaning.NORMALISE)
        recovered = recover_ink(grey)
        if recovered is not None:
            grey = recovered
            steps.append(Cleaning.RECOVER_INK)
    despeckled = despeckle(grey, dpi)
    if despeckled is not None:
        grey = despeckled
        steps.append(Cleaning.DESPECKLE)
    to_scan = None
    if outline is not None:
        grey, to_scan = unwarp(grey, outline, dpi)
        steps.append(Cleaning.UNWARP)
    skew = measure_skew(grey, dpi, INK_LEVEL)
    if abs(skew) >= MIN_SKEW:
        grey, turned = turn(grey, skew)
        to_scan = turned if to_scan is None else to_scan @ turned
        steps.append(Cleaning.DESKEW)
    scale = 1.0
    if 0 < dpi < UPSCALE_BELOW:
        scale = READ_DPI / dpi
        size = (round(grey.width * scale), round(grey.height * scale))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
        steps.append(Cleaning.UPSCALE)
    read_dpi = (dpi or READ_DPI) * scale
    if not bilevel and noise(grey) > NOISY:  # a bilevel page's specks are despeckled
        grey = grey.filter(ImageFilter.GaussianBlur(DENOISE_SIGMA * read_dpi / READ_DPI))
        steps.append(Cleaning.DENOISE)
    pixels = np.asarray(grey)
    seal = None if Cleaning.DROP_COLOUR in steps else find_seal(pixels, read_dpi)
    if seal is not None:  # found on the page as tesseract reads it: its boxes are in these pixels
        pixels = erase_seal(pixels, seal, read_dpi)
        grey = Image.fromarray(pixels, "L")
        steps.append(Cleaning.ERASE_SEAL)
    grids, rulings = find_grids(pixels, read_dpi)
    if grids:
        pixels = pixels.copy()
        pixels[rulings] = 255
        grey = Image.fromarray(pixels, "L")
        steps.append(Cleaning.UNRULE)
    return Cleaned(grey, steps, scale, to_scan, bilevel, grids, seal)


def noise(grey: Image.Image) -> float:
    """How grainy the paper is: its mean distance from its own median, on a band across
    the middle of the page (a tenth of it: the median filter is slow)."""
    band = grey.crop((0, round(grey.height * 0.45), grey.width, round(grey.height * 0.55)))
    smooth = np.asarray(band.filter(ImageFilter.MedianFilter(3)), np.float32)
    paper = smooth > PAPER
    if not paper.any():
        return 0.0
    return float(np.abs(np.asarray(band, np.float32) - smooth)[paper].mean())


def normalise_background(grey: Image.Image) -> Image.Image:
    small = grey.reduce(BACKGROUND_SCALE)
    paper = small.filter(ImageFilter.MaxFilter(TEXT_REMOVAL)).filter(
        ImageFilter.GaussianBlur(SMOOTHING)
    )
    paper = paper.resize(grey.size, Image.Resampling.BILINEAR)
    flat, light = np.asarray(grey, np.float32), np.asarray(paper, np.float32)
    # in place: a page's worth of float32 is 35 MB at 300 dpi, each copy 10 ms
    np.maximum(light, 1, out=light)
    np.multiply(flat, 255, out=flat)
    np.divide(flat, light, out=flat)
    np.minimum(flat, 255, out=flat)
    return Image.fromarray(flat.astype(np.uint8), "L")


def recover_ink(grey: Image.Image) -> Image.Image | None:
    """The page with faded ink darkened: the darkest ink around each place (the darkest
    pixel of each block of BACKGROUND_SCALE, then a minimum filter) is brought to
    INK_TARGET. None when the ink is dark enough."""
    pixels = np.asarray(grey)
    darkest = Image.fromarray(block_darkest(pixels, BACKGROUND_SCALE), "L").filter(
        ImageFilter.MinFilter(TEXT_REMOVAL)
    )
    found = 255 - np.asarray(darkest, np.float32)
    text = found > 255 - INK_LEVEL  # a place with text, not blank paper
    if not text.any() or np.percentile(_gain(found[text]), 90) < FADED:
        return None
    depth = 255 - np.asarray(darkest.filter(ImageFilter.GaussianBlur(SMOOTHING)), np.float32)
    gain = np.where(depth > 255 - INK_LEVEL, _gain(depth), 1)
    full = Image.fromarray((gain * 100).astype(np.uint8), "L").resize(
        grey.size, Image.Resampling.BILINEAR
    )
    ink = 255 - pixels.astype(np.float32)
    # the paper's grain is not ink: only what is darker than it is darkened
    extra = np.maximum(ink - GRAIN, 0) * (np.asarray(full, dtype=np.float32) / 100 - 1)
    recovered = 255 - ink - extra
    return Image.fromarray(recovered.clip(0, 255).astype(np.uint8), "L")


def _gain(depth: np.ndarray) -> np.ndarray:
    """How much darker ink of this darkness must be made to reach INK_TARGET."""
    gain: np.ndarray = np.clip((255 - INK_TARGET) / np.maximum(depth, 1), 1, INK_GAIN)
    return gain


def despeckle(grey: Image.Image, dpi: float) -> Image.Image | None:
    """The page without its specks, when it has more than SPECKLED; None otherwise."""
    scale = (dpi or READ_DPI) / READ_DPI
    half = block_darkest(np.asarray(grey), 2)
    if _small_dots(half < INK_LEVEL, SPECK_PIXELS * scale**2 / 4) <= SPECKLED:
        return None  # most pages, seen at half size (a speck stays dark): not worth a look
    ink = np.asarray(grey) < INK_LEVEL
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    small = np.bincount(labels.ravel()) <= max(1, SPECK_PIXELS * scale**2)
    small[0] = False
    step = 4  # letters' reach is measured at a quarter of the resolution
    letters = ink & ~small[labels]
    rows, columns = -(-letters.shape[0] // step), -(-letters.shape[1] // step)
    padded = np.zeros((rows * step, columns * step), dtype=bool)
    padded[: letters.shape[0], : letters.shape[1]] = letters
    coarse = padded.reshape(rows, step, columns, step).any(axis=(1, 3))
    reach = max(1, round(SPECK_DISTANCE * scale / step))
    near = ndimage.maximum_filter(coarse.view(np.uint8), size=2 * reach + 1).astype(bool)
    near = np.repeat(np.repeat(near, step, axis=0), step, axis=1)[: ink.shape[0], : ink.shape[1]]
    specks = ink & small[labels] & ~near
    if np.unique(labels[specks]).size <= SPECKLED:
        return None
    cleaned = np.asarray(grey).copy()
    cleaned[specks] = 255
    return Image.fromarray(cleaned, "L")


def _small_dots(ink: np.ndarray, largest: float) -> int:
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    sizes = np.bincount(labels.ravel())[1:]
    return int((sizes <= max(1, largest)).sum())


def _coloured_share(image: Image.Image) -> float:
    rgb = np.asarray(image.reduce(4), dtype=np.int16)
    return float((rgb.max(axis=2) - rgb.min(axis=2) > COLOURED).mean())


def _without_colour(image: Image.Image) -> Image.Image:
    """Grey, normalised to the paper, where coloured ink fades to paper and the black text
    stays. Each channel is first normalised to its own paper: under a camera's light or on
    tinted paper the paper is not white in every channel. A coloured pixel, strong or on the
    paler fringe of a stroke, is read by its lightest channel, brightened so that the
    page's typical ink of that colour (red is lightest in red, blue in blue) reads as paper:
    a seal dulled by the light keeps no grey ring over the signer's title."""
    channels = np.stack(
        [np.asarray(normalise_background(channel), np.float32) for channel in image.split()],
        axis=2,
    )
    lightest, brightest = channels.max(axis=2), channels.argmax(axis=2)
    chroma = lightest - channels.min(axis=2)
    strong = chroma > COLOURED
    fringe = ndimage.binary_dilation(strong, iterations=FRINGE) & (chroma > FRINGE_COLOURED)
    faded = lightest.copy()
    for channel in range(3):
        ink = strong & (brightest == channel)
        if ink.any():
            level = max(float(np.median(lightest[ink])), 1.0)
            faded[brightest == channel] *= 255 / level
    grey = channels @ np.array(LUMA, np.float32)
    grey = np.where(strong | fringe, faded, grey)
    return Image.fromarray(grey.clip(0, 255).astype(np.uint8), "L")


def ink_map(grey: Image.Image) -> tuple[np.ndarray, int]:
    """Where `grey` has ink that may be text, a cell for each `scale`×`scale` pixels; and
    the scale."""
    scale = 4  # averaging 4×4 pixels smooths the grain of a noisy scan away, not a stroke
    ink = np.asarray(grey.reduce(scale)) < INK_LEVEL
    # what touches the edge of the image is not text: the desk around a photographed page,
    # the shadow of a page's edge
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    edges = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return ink & ~np.isin(labels, edges[edges > 0]), scale


def ink_in_boxes(grey: Image.Image, boxes: list[tuple[int, int, int, int]]) -> float | None:
    """Share of the dark pixels of `grey` that lie inside `boxes`; None on a blank page.

    Low when there is ink OCR read no word in: text it could not recognise."""
    ink, scale = ink_map(grey)
    total = int(ink.sum())
    if total < BLANK_PAGE_INK * ink.size:
        return None
    covered = np.zeros_like(ink)
    for left, top, right, bottom in boxes:
        covered[top // scale : bottom // scale + 1, left // scale : right // scale + 1] = True
    return float((ink & covered).sum()) / total
