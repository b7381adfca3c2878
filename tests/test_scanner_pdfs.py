"""PDFs as they come from scanners and offices: an old OCR layer in fonts a PDF/A may not
hold, vector pages in fonts never embedded. Each becomes a valid PDF/A-2b read afresh; the
original is archived byte for byte."""

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageChops

from archive_schema.models import Status
from ocr.convert import scans_to_pdfa
from ocr.pdf_pages import UnrenderablePdf, drawn_page, page_images, rendered
from pipelines.archive import Archive
from pipelines.package.layout import original_key
from samples.batch import SCANNER_PDF, write_batch
from tests.conftest import make_settings, sohoa
from tests.test_ocr import image_filters

Validate = Callable[[list[Path]], dict[Path, str]]


def pdf_text(path: Path) -> str:
    with pypdfium2.PdfDocument(path) as pdf:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def bare_type1_fonts(path: Path) -> list[str]:
    """Type 1 fonts without a font descriptor: what PDF/A forbids."""
    with pikepdf.open(path) as pdf:
        fonts = [
            font
            for page in pdf.pages
            if "/Font" in page.resources
            for font in page.resources.Font.values()
        ]
        return [
            str(font.get("/BaseFont"))
            for font in fonts
            if font.get("/Subtype") == "/Type1" and "/FontDescriptor" not in font
        ]


@pytest.fixture(scope="module")
def scanner_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bilevel 200 dpi scan of a decision, in a scanner's PDF with its old OCR layer."""
    path = tmp_path_factory.mktemp("scanner") / "batch"
    write_batch(path, ("002",), dpi=200, condition="binarised", formats=[SCANNER_PDF])
    return path / "002.pdf"


def test_the_sample_is_what_a_scanner_makes(scanner_batch: Path) -> None:
    assert bare_type1_fonts(scanner_batch) == ["/Times-Roman"]
    assert "XI MANG" in pdf_text(scanner_batch)  # the old layer, without its marks
    assert image_filters(scanner_batch) == ["/CCITTFaxDecode"]


def test_a_scanner_pdf_is_read_again_from_its_page_images(
    scanner_batch: Path, tmp_path: Path, verapdf: Validate
) -> None:
    output = tmp_path / "out.pdf"
    layouts, _ = scans_to_pdfa([scanner_batch], output)
    assert verapdf([output]) == {output: "PASS"}
    assert "GIÁ BÁN XI MĂNG" in layouts[0].text
    text = pdf_text(output)
    assert "XI MĂNG" in text and "XI MANG" not in text  # the old layer is gone
    assert bare_type1_fonts(output) == []
    assert image_filters(output) == ["/CCITTFaxDecode"]  # the scan itself, as it was


def test_only_pages_that_are_nothing_but_a_scan_are_taken_apart(
    scanner_batch: Path, tmp_path: Path
) -> None:
    scans = page_images(scanner_batch)
    assert scans is not None and len(scans) == 1
    assert scans[0].dpi == pytest.approx(200, abs=1)
    stamped = tmp_path / "stamped.pdf"  # a visible note drawn over the scan
    with pikepdf.open(scanner_batch) as pdf:
        note = b"BT 0 Tr /F0 24 Tf 100 100 Td (BAN SAO) Tj ET"
        pdf.pages[0].contents_add(pdf.make_stream(note))
        pdf.save(stamped)
    assert page_images(stamped) is None


def office_pdf(path: Path) -> Path:
    """A vector page in Helvetica, named and never embedded, with a rule drawn under its
    motto: nothing ocrmypdf's own PDF/A conversion accepts."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[0]
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
            )
        )
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        lines = ["Doc lap - Tu do - Hanh phuc", "THONG BAO", "Lich truc Tet Nguyen dan 2026"]
        shown = b" 0 -40 Td ".join(f"({line}) Tj".encode() for line in lines)
        rule = b"0.5 w 200 745 m 400 745 l S "
        page.contents_add(pdf.make_stream(rule + b"BT /F1 14 Tf 180 760 Td " + shown + b" ET"))
        pdf.save(path)
    return path


def test_a_pdf_ocrmypdf_cannot_make_pdfa_is_read_from_its_renders(
    tmp_path: Path, verapdf: Validate
) -> None:
    output = tmp_path / "out.pdf"
    layouts, warnings = scans_to_pdfa([office_pdf(tmp_path / "office.pdf")], output)
    assert verapdf([output]) == {output: "PASS"}
    assert "THONG BAO" in layouts[0].text and "Lich truc Tet" in layouts[0].text
    assert any("pdfium" in warning for warning in warnings), warnings


def test_a_pdf_pdfium_cannot_draw_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 400)
    with pytest.raises(UnrenderablePdf, match="pdfium cannot open it"):
        list(rendered(broken))


def test_ingest_archives_the_scanner_pdf_as_it_came(scanner_batch: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = sohoa(home, "ingest", str(scanner_batch.parent))
    assert result.returncode == 0, result.stderr
    archive = Archive(make_settings(home))
    (doc,) = archive.catalog.documents(Status.ARCHIVED)
    assert "XI MĂNG" in (doc.subject or "").upper()
    with archive.store.open(original_key(doc.id, scanner_batch.name)) as original:
        assert original.read() == scanner_batch.read_bytes()


def test_a_pdfa_ocrmypdf_made_is_its_scans_and_its_pages_are_drawn_from_them(
    scanner_batch: Path, tmp_path: Path
) -> None:
    """ocrmypdf grafts its text layer as a form of invisible text beside the scan: the page
    is still nothing but its scan, and is drawn for the screen from the scan itself, as
    pdfium draws it; a form that shows its text is more than the scan."""
    pdfa = tmp_path / "pdfa.pdf"
    scans_to_pdfa([scanner_batch], pdfa)
    assert page_images(pdfa) is not None
    with pdfa.open("rb") as data:
        fast = drawn_page(data, 1, 1.25).convert("L")
    with pypdfium2.PdfDocument(pdfa) as pdf:
        slow = pdf[0].render(scale=1.25).to_pil().convert("L").resize(fast.size)
    assert ImageChops.difference(fast, slow).getbbox() is not None  # two drawings...
    assert mean_difference(fast, slow) < 12  # ...of one page
    with pytest.raises(IndexError):
        drawn_page(pdfa.open("rb"), 2, 1.25)

    shown = tmp_path / "shown.pdf"
    with pikepdf.open(pdfa) as pdf:
        layer = next(f for f in pdf.pages[0].resources.XObject.values() if f.Subtype == "/Form")
        layer.write(layer.read_bytes().replace(b"3 Tr", b"0 Tr"))
        pdf.save(shown)
    assert page_images(shown) is None
    with shown.open("rb") as data:
        drawn = drawn_page(data, 1, 1.25)  # by pdfium instead
    assert mean_difference(drawn.convert("L").resize(fast.size), slow) == 0


def mean_difference(one: Image.Image, other: Image.Image) -> float:
    histogram = ImageChops.difference(one, other).histogram()
    return sum(level * count for level, count in enumerate(histogram)) / sum(histogram)
