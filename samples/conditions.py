"""The named conditions of the sample scans, from a clean page to one OCR cannot read
well; what each does to the page is samples.scan's."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Condition:
    name: str
    skew: float = 0.0  # largest rotation, degrees (the sign and size are drawn per page)
    blur: float = 0.0  # Gaussian radius in pixels at 300 dpi
    noise: float = 0.0  # standard deviation of grey noise
    speckles: float = 0.0  # share of the page covered by dark dots
    fade: float = 1.0  # ink strength, 1 = full black
    uneven_light: float = 0.0  # darkest corner of the page background, 0 = flat
    tint: tuple[int, int, int] = (255, 255, 255)
    jpeg_quality: int | None = None
    binarise: bool = False
    # What the first scans of real archives showed beyond the above:
    blobs: int = 0  # dark specks of 1-4 px (at 300 dpi) on the page: dust, dirt, toner
    patchy: float = 0.0  # ink faded in patches: the most a patch loses, 0 = even ink
    broken: float = 0.0  # share of small holes in the strokes: a worn photocopy
    perspective: float = 0.0  # corners moved by up to this share of the page: a photo
    shadow: float = 0.0  # darkness of a shadow across part of the page
    bleed: float = 0.0  # strength of the other side's text showing through
    fold: bool = False  # the page was folded in three: two creases across it
    sealed: bool = False  # a red seal and a signature in ink on the signature block


CONDITIONS = {
    c.name: c
    for c in (
        Condition("clean"),
        Condition("light", skew=0.3, blur=0.4, noise=3, tint=(250, 247, 238), jpeg_quality=92),
        Condition(
            "medium",
            skew=0.8,
            blur=0.8,
            noise=7,
            speckles=0.0002,
            fade=0.9,
            tint=(244, 238, 222),
            jpeg_quality=80,
        ),
        Condition(  # legible to a person, hard for OCR: as agencies' old files come
            "heavy",
            skew=1.5,
            blur=1.7,
            noise=14,
            speckles=0.001,
            blobs=3000,
            fade=0.75,
            patchy=0.45,
            uneven_light=0.5,
            tint=(236, 226, 200),
            jpeg_quality=35,
            sealed=True,
        ),
        Condition(  # a copy of a copy: bilevel, toner dust, strokes broken
            "photocopy",
            skew=0.8,
            blur=0.9,
            noise=10,
            blobs=2500,
            broken=0.06,
            fade=0.85,
            binarise=True,
            sealed=True,
        ),
        Condition(  # a phone held over the page: perspective, a shadow, uneven light
            "phone",
            blur=1.0,
            noise=8,
            perspective=0.03,
            shadow=0.35,
            uneven_light=0.4,
            tint=(232, 228, 218),
            jpeg_quality=70,
            sealed=True,
        ),
        Condition(  # kept folded in a box for years, thin paper printed on both sides
            "folded",
            skew=0.6,
            blur=0.8,
            noise=7,
            fade=0.9,
            bleed=0.18,
            fold=True,
            tint=(240, 232, 212),
            jpeg_quality=75,
            sealed=True,
        ),
        Condition("binarised", skew=0.5, noise=4, binarise=True),
        # Beyond what OCR can read well: pages that must be flagged for review.
        Condition(
            "severe",
            skew=2.5,
            blur=3.0,
            noise=40,
            speckles=0.01,
            fade=0.4,
            uneven_light=0.6,
            tint=(220, 205, 170),
            jpeg_quality=15,
        ),
    )
}
