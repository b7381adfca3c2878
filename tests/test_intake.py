import zipfile
from pathlib import Path

import pytest

from archive_schema.errors import Said
from pipelines.ingest.intake import BatchError, intake
from tests.bad_files import image_bytes, pdf_bytes

ROWS = {"1.2", "12.1"}


def folder_batch(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def test_files_and_folders_become_documents_in_natural_page_order(tmp_path: Path) -> None:
    pages = {f"dossier/page-{n}.png": image_bytes("PNG", size=(300 + n, 200)) for n in (1, 2, 10)}
    batch = folder_batch(
        tmp_path / "b",
        {"a.tif": image_bytes("TIFF", frames=2), **pages, ".DS_Store": "x", "Thumbs.db": "y"},
    )
    result = intake(batch, tmp_path / "work", ROWS)
    by_name = {d.name: d for d in result.documents}
    assert sorted(by_name) == ["a.tif", "dossier"]
    assert [p.name for p in by_name["dossier"].files] == ["page-1.png", "page-2.png", "page-10.png"]
    assert [o.pages for o in by_name["a.tif"].originals] == [2]
    assert [w.en for w in result.warnings] == ["ignored system files: .DS_Store, Thumbs.db"]
    assert result.rejected == [] and result.problems == []


def test_same_content_same_ids_whatever_the_names(tmp_path: Path) -> None:
    first = intake(
        folder_batch(tmp_path / "one", {"x.png": image_bytes("PNG")}), tmp_path / "w1", ROWS
    )
    second = intake(
        folder_batch(tmp_path / "two", {"y.png": image_bytes("PNG")}), tmp_path / "w2", ROWS
    )
    assert first.documents[0].id == second.documents[0].id


def test_manifest_reconciled_with_the_files(tmp_path: Path) -> None:
    batch = folder_batch(
        tmp_path / "b",
        {
            "manifest.csv": (
                "Tệp,Số thứ tự,Điều khoản bảo quản\n"
                "a.png,1,1.2\nmissing.tif,2,\nc.png,x,\nd.png,4,9.9\n"
            ),
            "a.png": image_bytes("PNG", size=(100, 100)),
            "b.png": image_bytes("PNG", size=(101, 100)),
            "c.png": image_bytes("PNG", size=(102, 100)),
            "d.png": image_bytes("PNG", size=(103, 100)),
        },
    )
    result = intake(batch, tmp_path / "work", ROWS)
    assert {d.name: d.manifest for d in result.documents} == {
        "a.png": {"ordinal": 1, "retention_row": "1.2"},
        "b.png": {},
    }
    assert result.problems == [
        Said(
            "manifest.csv row 3: 'missing.tif' is not in the batch",
            "manifest.csv dòng 3: lô không có 'missing.tif'",
        )
    ]
    assert [w.en for w in result.warnings] == [
        "not in manifest.csv (archived without its metadata): b.png"
    ]
    reasons = {r.name: r.reason for r in result.rejected}
    assert (
        reasons["c.png"]
        == "manifest.csv row 4, column Số thứ tự (ordinal): 'x' is not a whole number"
    )
    assert reasons["d.png"].startswith(
        "manifest.csv row 5, column Điều khoản bảo quản (retention_row): '9.9'"
    )
    assert [p.name for r in result.rejected for p in r.files] == [
        "c.png",
        "d.png",
    ]  # kept for quarantine


def test_zip_entry_with_dot_dot_is_rejected_and_never_written_outside(tmp_path: Path) -> None:
    archive = tmp_path / "in" / "batch.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("good.png", image_bytes("PNG"))
        z.writestr("../../escaped.txt", "owned")
        z.writestr("/etc/absolute.txt", "owned")
    result = intake(archive, tmp_path / "work", ROWS)
    assert [d.name for d in result.documents] == ["good.png"]
    assert {r.name for r in result.rejected} == {"../../escaped.txt", "/etc/absolute.txt"}
    assert all("unsafe path" in r.reason for r in result.rejected)
    assert (
        not (tmp_path / "escaped.txt").exists() and not (tmp_path / "work" / "escaped.txt").exists()
    )
    assert [f.read_text() for r in result.rejected for f in r.files] == [
        "owned",
        "owned",
    ]  # kept apart, not lost


def test_zip_bomb_entry_is_not_unpacked(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("scan.png", image_bytes("PNG"))
        z.writestr("zeros.tif", b"\0" * 50_000_000)
    result = intake(archive, tmp_path / "work", ROWS)
    assert [d.name for d in result.documents] == ["scan.png"]
    assert [r.name for r in result.rejected] == ["zeros.tif"]
    assert "zip bomb" in result.rejected[0].reason
    assert not (tmp_path / "work" / "batch" / "zeros.tif").exists()


def test_duplicate_document_and_pdf_among_images(tmp_path: Path) -> None:
    batch = folder_batch(
        tmp_path / "b",
        {
            "a.png": image_bytes("PNG"),
            "copy-of-a.png": image_bytes("PNG"),
            "mixed/1.png": image_bytes("PNG", size=(50, 50)),
            "mixed/2.pdf": pdf_bytes(),
        },
    )
    reasons = {r.name: r.reason for r in intake(batch, tmp_path / "work", ROWS).rejected}
    assert reasons == {
        "copy-of-a.png": "same content as 'a.png' in this batch",
        "mixed": "a document of several files must be images only, but mixed/2.pdf is a PDF",
    }


def test_not_a_batch(tmp_path: Path) -> None:
    (tmp_path / "batch.txt").write_text("hello")
    with pytest.raises(BatchError, match="neither a folder nor a zip file"):
        intake(tmp_path / "batch.txt", tmp_path / "work", ROWS)


def test_damaged_zip(tmp_path: Path) -> None:
    archive = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("scan.png", image_bytes("PNG"))
    data = bytearray(archive.read_bytes())
    data[60:70] = b"\xff" * 10  # inside the member's data: its CRC no longer matches
    archive.write_bytes(bytes(data))
    with pytest.raises(BatchError, match=r"damaged\.zip is a damaged zip file"):
        intake(archive, tmp_path / "work", ROWS)


def test_missing_batch(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="does not exist"):
        intake(tmp_path / "nowhere", tmp_path / "work", ROWS)
