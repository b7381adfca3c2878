"""Bounded resources: a long document, a huge file, a page OCR gives up on. Each is archived
(or refused with a reason, see test_bad_input for the decompression bomb) without memory
growing with its size and without holding up the rest of the batch."""

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.measure import measured
from samples.typeset import FONT_DIR, FONT_FILES
from tests.conftest import ROOT


def ingest(batch: Path, home: Path, **settings: str) -> tuple[dict[str, Any], float]:
    """The JSON report of `sohoa ingest` and the peak memory (MiB) its processes held.

    Anonymous memory: the page cache of the PDFs ocrmypdf maps grows with the document,
    and is the kernel's to reclaim (bench.measure)."""
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": "2", **settings}
    result = measured([str(ROOT / ".venv" / "bin" / "sohoa"), "ingest", str(batch), "--json"], env)
    assert result.stdout, result.stderr.decode()
    return json.loads(result.stdout), result.anonymous_mib


def page(text: str, size: tuple[int, int], dpi: int, grain: int = 0) -> Image.Image:
    """A page with one line of text; `grain` adds paper grain of that many grey levels,
    which makes its JPEG as heavy as a real scan's."""
    paper = 255 - grain - np.random.default_rng(0).integers(0, grain + 1, size[::-1])
    image = Image.fromarray(paper.astype(np.uint8), "L").convert("RGB")
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["regular"]), dpi // 4)
    ImageDraw.Draw(image).text((dpi, dpi), text, font=font, fill=(20, 20, 20))
    return image


def test_a_500_page_document_is_archived_in_flat_memory(tmp_path: Path) -> None:
    short, volume = tmp_path / "short", tmp_path / "volume"
    for folder, count in ((short / "so-1", 1), (volume / "so-500", 500)):
        folder.mkdir(parents=True)
        for n in range(1, count + 1):
            # A6 at 200 dpi, which OCR reads without enlarging
            page(f"Trang {n} của hồ sơ lưu trữ", (827, 1165), 200, grain=16).save(
                folder / f"page-{n}.jpg", dpi=(200, 200), quality=90
            )
    _, one_page_peak = ingest(short, tmp_path / "home-short")
    report, peak = ingest(volume, tmp_path / "home-volume")
    [document] = report["documents"]
    assert (document["status"], document["pages"]) == ("archived", 500)
    assert peak < one_page_peak + 150, (one_page_peak, peak)  # not growing with the length


def test_a_1gb_multipage_tiff_is_archived_without_being_loaded_whole(tmp_path: Path) -> None:
    frame = page("Tập lưu văn bản đi năm 1998", (2480, 3508), 300)  # 26 MB a page, uncompressed
    peaks = []
    for name, frames in (("few", 4), ("volume", 40)):
        (tmp_path / name).mkdir()
        frame.save(
            tmp_path / name / f"{name}.tif",
            save_all=True,
            append_images=[frame] * (frames - 1),
            compression="raw",
            dpi=(300, 300),
        )
        report, peak = ingest(tmp_path / name, tmp_path / f"home-{name}")
        [document] = report["documents"]
        assert (document["status"], document["pages"]) == ("archived", frames)
        peaks.append(peak)
    assert (tmp_path / "volume" / "volume.tif").stat().st_size > 10**9
    few_peak, volume_peak = peaks
    assert volume_peak < few_peak + 150, peaks  # MiB: far less than the file's 1,040 MB


def test_a_page_ocr_gives_up_on_is_archived_for_review(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("a", "b"):
        page(f"Công văn {name}", (1654, 2339), 200).save(batch / f"{name}.png", dpi=(200, 200))
    report, _ = ingest(batch, tmp_path / "home", SOHOA_OCR_PAGE_TIMEOUT="0.01")
    assert [(d["status"], d["pages_to_review"]) for d in report["documents"]] == [
        ("archived", [1])
    ] * 2
