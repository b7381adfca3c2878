import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr.tables import find_grids
from pipelines.ingest.formats import identify
from samples.batch import render, write_batch
from samples.corpus import corpus, document, parts
from samples.typeset import typeset


def test_every_corpus_document_splits_into_page_parts() -> None:
    for doc in corpus():
        p = parts(doc)
        colon = "" if p.party else ":"  # the Party writes "Số 445-KL/TU"
        assert p.number_line == f"Số{colon} {doc.truth['number_symbol']}"
        assert p.body and p.signer_name == doc.truth["signer_name"]
        assert bool(p.signature) == bool(doc.truth["signer_name"])  # an excerpt has none
    assert len(corpus()) == 43


def test_a_party_document_has_the_partys_header() -> None:
    """Hướng dẫn 36-HD/VPTW: the Party's name for the motto, a star under the committee;
    the meeting and what it concluded on lines of their own."""
    ((_, text),) = render("084", 200, "clean", seed=0)
    assert text.splitlines()[:8] == [
        "TỈNH ỦY THỪA THIÊN HUẾ",
        "*",
        "Số 445-KL/TU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Thừa Thiên Huế, ngày 13 tháng 5 năm 2022",
        "KẾT LUẬN",
        "HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH ĐẢNG BỘ",
        "TỈNH (KHOÁ XVI)",
    ]
    assert text.splitlines()[8].startswith("về xây dựng")


def test_annex_after_the_signature_is_kept() -> None:
    annex = parts(document("018")).annex
    assert annex[0] == "PHỤ LỤC"


def test_same_seed_same_scan_other_seed_other_scan() -> None:
    first = render("002", 200, "medium", seed=1)[0][0]
    assert first.tobytes() == render("002", 200, "medium", seed=1)[0][0].tobytes()
    assert first.tobytes() != render("002", 200, "medium", seed=2)[0][0].tobytes()


def test_ground_truth_reads_the_header_column_by_column() -> None:
    ((_, text),) = render("002", 200, "clean", seed=0)
    lines = text.splitlines()
    assert lines[:6] == [
        "UỶ BAN NHÂN DÂN",
        "TỈNH LÀO CAI",
        "Số: 11/1998/QĐ .UB",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lào Cai, ngày 14 tháng 01 năm 1998",
    ]
    assert lines[-4:] == [
        "TM. UỶ BAN NHÂN DÂN TỈNH",
        "KT.CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Đức Thăng",
    ]


def test_batch_in_every_format_with_truth_beside_it(tmp_path: Path) -> None:
    batch = write_batch(
        tmp_path / "batch", ["002", "010", "004", "006"], dpi=200, condition="light", manifest=True
    )
    names = [d.name for d in batch.documents]
    assert names == ["002.tif", "010", "004.pdf", "006.png"]
    assert sorted(p.name for p in (tmp_path / "batch" / "010").iterdir()) == [
        "page-1.jpg",
        "page-2.jpg",
    ]
    assert identify(tmp_path / "batch" / "004.pdf").media_type == "application/pdf"
    truth = json.loads((batch.truth_path / "010" / "metadata.json").read_text())
    assert (truth["number_symbol"], truth["pages"]) == ("6087/BYT-KCB", 2)
    assert (batch.truth_path / "010" / "page-002.txt").read_text().strip()
    assert (tmp_path / "batch" / "manifest.csv").read_text().splitlines()[
        0
    ] == "Tệp,Mã hồ sơ,Số thứ tự,Mức độ tiếp cận"


def test_unknown_corpus_id() -> None:
    with pytest.raises(KeyError, match="no corpus document '999'"):
        document("999")


def red_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Share of the pixels of `box` in stamp-pad red."""
    rgb = np.asarray(image.convert("RGB").crop(box), dtype=np.int16)
    red = (rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2])) > 60
    return float(red.mean())


def test_a_sealed_page_has_its_seal_on_the_signature_block_only() -> None:
    (page,) = typeset(parts(document("002")), 150)
    assert page.signature is not None
    ((scan, _),) = render("002", 150, "heavy", seed=3)
    top = page.signature[1]
    assert red_share(scan, page.signature) > 0.02
    assert red_share(scan, (0, 0, scan.width, top - 40)) == 0  # the header and the body
    assert render("002", 150, "medium", seed=3)[0][0].mode == "RGB"
    assert red_share(render("002", 150, "medium", seed=3)[0][0], page.signature) == 0


def test_the_conditions_of_real_archives() -> None:
    ((copy, _),) = render("002", 150, "photocopy", seed=3)
    assert copy.mode == "1"  # a photocopy is black and white, seal and all
    ((photo, _),) = render("002", 130, "phone", seed=3)
    ((flat, _),) = render("002", 130, "clean", seed=3)
    assert photo.width > flat.width and photo.height > flat.height  # the desk around it
    corner = np.asarray(photo.convert("L"))[:5, :5]
    assert corner.mean() < 100
    ((folded, _),) = render("002", 150, "folded", seed=3)
    ((plain, _),) = render("002", 150, "light", seed=3)
    row = folded.height // 3  # the first crease, across the margin where there is no text

    def margin(image: Image.Image) -> int:
        return int(np.asarray(image.convert("L"))[row - 40 : row + 40, 10:60].min())

    assert margin(folded) < margin(plain) - 30


def test_a_table_of_words_too_wide_for_the_page_is_shrunk_to_it() -> None:
    """Every cell one long word, together wider than the page: no room is left to share.
    The words themselves overflow their cells, as in a browser."""
    wide = ("Trợgiúpxãhộithườngxuyêntạicộngđồng",) * 6
    document_parts = replace(parts(document("002")), body=((("STT",) * 6, wide),), annex=())
    page = typeset(document_parts, 150)[0].image  # it divided by zero before
    (grid,), _ = find_grids(np.asarray(page), 150)
    assert grid.box[2] < page.width - 150 * 15 / 25.4  # the table's rulings stay on the page
