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
        Condition(
            "heavy",
            skew=1.5,
            blur=1.3,
            noise=14,
            speckles=0.001,
            fade=0.65,
            uneven_light=0.35,
            tint=(236, 226, 200),
            jpeg_quality=35,
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
