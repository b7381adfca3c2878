"""Fonds and dossiers on a real catalog and store: opened and edited with every bad field
refused by name, their dates and counts computed from their documents, documents ordered
(their codes follow) and kept to their fonds, and the mục lục hồ sơ as PDF/A and XLSX."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from archive_schema.access import Role, User
from archive_schema.errors import UserError
from archive_schema.fonds import Archives
from archive_schema.review import DueDossier, Filters, Review
from archive_schema.spreadsheets import xlsx_rows
from pipelines.corrections import checking, correct, correct_many, renumber
from pipelines.dossier_list import dossier_list_pdf, dossier_list_xlsx
from pipelines.filing import add_fonds, filed, save_dossier
from pipelines.package.layout import (
    DOSSIER_RECORD,
    METS_FILE,
    dossier_prefix,
    fonds_prefix,
    package_prefix,
)
from pipelines.package.mets import child_packages
from pipelines.package.read import load_package
from pipelines.upkeep.fixity import FixityFailed, audit_fixity
from pipelines.upkeep.rebuild import RebuildFailed, rebuild
from tests.conftest import another_catalog, make_settings, sohoa
from tests.records_archive import Archive

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

LAN = User("lan", Role.ARCHIVIST, "secret")
PASSWORD = "lan-luu-tru-2026\n"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(make_settings(tmp_path / "home"))
    archives = Archives(archive.catalog)
    archives.add_fonds(
        {"code": "G09", "name": "UBND tỉnh Lào Cai", "years": "1998-2021"}, "lan", ""
    )
    archives.add_fonds({"code": "H32", "name": "Sở Y tế"}, "lan", "")
    for code, fonds, title in (
        ("G09.2021.01", "G09", "Quyết định khen thưởng năm 2021"),
        ("H32.2013.01", "H32", "Công văn về khám bệnh, chữa bệnh"),
    ):
        archives.save_dossier(
            {"code": code, "fonds_code": fonds, "title": title, "retention": "Vĩnh viễn"},
            "lan",
            "",
            new=True,
        )
    for n, (year, pages) in enumerate(((2021, 2), (2020, 1)), start=1):
        subject = f"Về việc khen thưởng {n}"
        archive.add(f"qd{n}", "Quyết định", subject, year, pages=pages, dossier_code="G09.2021.01")
    return archive


def test_a_dossier_has_the_dates_and_counts_of_its_documents(archive: Archive) -> None:
    dossier = Archives(archive.catalog).dossier("G09.2021.01")
    assert (dossier.documents, dossier.pages) == (2, 3)
    assert (dossier.start, dossier.end) == (date(2020, 5, 1), date(2021, 5, 1))
    assert Archives(archive.catalog).dossier("H32.2013.01").documents == 0


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"code": "G09 2021", "fonds_code": "G09"}, "Mã hồ sơ: 'G09 2021' không đúng dạng"),
        ({"code": "G09.1", "fonds_code": "X99"}, "Mã phông: không có phông 'X99'"),
        ({"code": "G09.2021.01", "fonds_code": "G09"}, "Hồ sơ G09.2021.01 đã có."),
        ({"code": "G09.2", "fonds_code": "G09", "title": ""}, "Tiêu đề hồ sơ: hãy ghi tiêu đề."),
        ({"code": "G09.3", "fonds_code": "G09", "sheets": "mười"}, "Số lượng tờ: 'mười' không"),
    ],
)
def test_a_bad_dossier_is_refused_naming_its_field(
    archive: Archive, given: dict[str, str], said: str
) -> None:
    archives = Archives(archive.catalog)
    before = archives.dossiers()
    with pytest.raises(UserError) as refused:
        archives.save_dossier({"title": "Hồ sơ mới"} | given, "lan", "", new=True)
    assert refused.value.vi is not None and refused.value.vi.startswith(said)
    assert archives.dossiers() == before


def test_a_dossier_with_documents_stays_in_its_fonds_and_so_do_they(archive: Archive) -> None:
    archives = Archives(archive.catalog)
    with pytest.raises(UserError) as moved:
        archives.save_dossier({"code": "G09.2021.01", "fonds_code": "H32"}, "lan", "", new=False)
    assert moved.value.vi == "Hồ sơ G09.2021.01 đã có văn bản: không chuyển sang phông khác được."
    with pytest.raises(UserError) as other:
        given = {"dossier_code": "H32.2013.01"}
        correct(archive, "qd1", checking(archive).revision("qd1"), given, "lan", "")
    assert (
        other.value.vi is not None and "thuộc phông H32, văn bản thuộc phông G09" in other.value.vi
    )
    edited = {"code": "H32.2013.01", "fonds_code": "G09", "sheets": "12"}
    archives.save_dossier(edited, "lan", "", new=False)  # no documents yet: it may move
    assert archives.dossier("H32.2013.01").sheets == 12


def test_documents_put_in_order_take_their_codes_and_two_on_one_number_are_refused(
    archive: Archive,
) -> None:
    assert renumber(archive, "G09.2021.01", {"qd2": "1", "qd1": "2"}, LAN, "") == ["qd1", "qd2"]
    filed = Archives(archive.catalog).filed("G09.2021.01")
    assert [(d.id, d.code) for d in filed] == [
        ("qd2", "G09.2021.01.001"),
        ("qd1", "G09.2021.01.002"),
    ]
    with pytest.raises(UserError) as twice:
        renumber(archive, "G09.2021.01", {"qd2": "3", "qd1": "3"}, LAN, "")
    assert twice.value.vi == "Số thứ tự: hai văn bản cùng một số trong hồ sơ."
    with pytest.raises(UserError):
        renumber(archive, "H32.2013.01", {"qd1": "1"}, LAN, "")  # not of that dossier


def test_the_dossier_list_of_a_fonds_is_a_pdfa_and_a_workbook(
    archive: Archive, tmp_path: Path, verapdf: Callable[[list[Path]], dict[Path, str]]
) -> None:
    pdf = tmp_path / "muc-luc.pdf"
    pdf.write_bytes(dossier_list_pdf(archive, "G09"))
    assert "PASS" in verapdf([pdf])[pdf]
    rows = xlsx_rows(dossier_list_xlsx(archive, "G09"))
    assert rows[0][:3] == ["Số TT", "Mã hồ sơ", "Tiêu đề hồ sơ"]
    assert rows[1][1:5] == [
        "G09.2021.01",
        "Quyết định khen thưởng năm 2021",
        "01/05/2020",
        "01/05/2021",
    ]
    assert len(rows) == 2  # the other fonds's dossier is not in it
    with pytest.raises(UserError):
        dossier_list_xlsx(archive, "X99")


def test_fonds_and_dossiers_on_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "cli-home"
    added = sohoa(
        home, "user", "add", "lan", "--role", "archivist", "--password-stdin", stdin=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    signed = ("--user", "lan", "--password-stdin")
    opened = sohoa(
        home, "dossier", "add-fonds", "G09", "UBND tỉnh Lào Cai", *signed, stdin=PASSWORD
    )
    assert opened.returncode == 0, opened.stderr
    title = ("--title", "Quyết định khen thưởng năm 2021")
    made = sohoa(
        home, "dossier", "add", "G09.2021.01", "--fonds", "G09", *title, *signed, stdin=PASSWORD
    )
    assert made.returncode == 0, made.stderr
    bad = sohoa(
        home, "dossier", "add", "G09 2021", "--fonds", "G09", *title, *signed, stdin=PASSWORD
    )
    assert bad.returncode == 2 and "G09 2021" in bad.stderr
    listed = sohoa(home, "dossier", "list", "--json")
    assert json.loads(listed.stdout)["code"] == "G09.2021.01"
    sheet = tmp_path / "muc-luc.xlsx"
    assert sohoa(home, "dossier", "list-export", "G09", str(sheet)).returncode == 0
    assert xlsx_rows(sheet.read_bytes())[1][1] == "G09.2021.01"


def test_dossiers_and_fonds_are_parent_packages_that_follow_their_documents(
    tmp_path: Path, mets_schema: etree.XMLSchema, request: pytest.FixtureRequest
) -> None:
    archive = Archive(make_settings(tmp_path / "home"))
    add_fonds(archive, {"code": "G09", "name": "UBND tỉnh Lào Cai"}, "lan", "")
    for code in ("G09.2021.01", "G09.2021.02"):
        given = {"code": code, "fonds_code": "G09", "title": f"Hồ sơ {code}"}
        save_dossier(archive, given, "lan", "", new=True)
    for n in (1, 2):
        archive.add(f"qd{n}", "Quyết định", f"Về việc khen thưởng {n}", 2021)
    correct_many(archive, ["qd1", "qd2"], "dossier_code", "G09.2021.01", LAN, "")
    renumber(archive, "G09.2021.01", {"qd2": "1", "qd1": "2"}, LAN, "")

    def children(prefix: str) -> list[str]:
        mets = etree.parse(archive.store.open(prefix + METS_FILE))
        mets_schema.assertValid(mets)
        return child_packages(etree.tostring(mets))

    assert children(dossier_prefix("G09.2021.01")) == [
        f"../../{package_prefix(i)}{METS_FILE}" for i in ("qd2", "qd1")
    ]
    for pointer in children(dossier_prefix("G09.2021.01")):  # each one a package in the store
        assert archive.store.exists(pointer.removeprefix("../../"))
    assert children(fonds_prefix("G09")) == [
        f"../../{dossier_prefix(c)}{METS_FILE}" for c in ("G09.2021.01", "G09.2021.02")
    ]
    correct(
        archive,
        "qd1",
        checking(archive).revision("qd1"),
        {"dossier_code": "G09.2021.02"},
        "lan",
        "",
    )
    assert len(children(dossier_prefix("G09.2021.01"))) == 1  # it left this one
    assert children(dossier_prefix("G09.2021.02")) == [f"../../{package_prefix('qd1')}{METS_FILE}"]

    assert audit_fixity(archive).checked > 0
    tampered = dossier_prefix("G09.2021.02") + DOSSIER_RECORD
    archive.store.put(tampered, b"{}")
    with pytest.raises(FixityFailed, match=f"{tampered}: SHA-256 is"):
        audit_fixity(archive)
    save_dossier(archive, {"code": "G09.2021.02", "title": "Hồ sơ G09.2021.02"}, "lan", "", False)

    lost = Archive(
        make_settings(tmp_path / "home", database_url=another_catalog(tmp_path, request))
    )
    done = rebuild(lost)
    assert (done.restored, done.units) == (2, 3)
    restored = Archives(lost.catalog)
    assert [(d.code, d.title, d.documents) for d in restored.dossiers()] == [
        ("G09.2021.01", "Hồ sơ G09.2021.01", 1),
        ("G09.2021.02", "Hồ sơ G09.2021.02", 1),
    ]
    assert [f.name for f in restored.fonds()] == ["UBND tỉnh Lào Cai"]

    for key in list(archive.store.keys(fonds_prefix("G09"))):  # the fonds' package lost
        archive.store.delete(key)
    again = Archive(
        make_settings(tmp_path / "home", database_url=another_catalog(tmp_path, request))
    )
    with pytest.raises(RebuildFailed, match=r"dossiers/G09\.2021\.01/: its fonds has no package"):
        rebuild(again)
    assert again.catalog.document_ids() == {"qd1", "qd2"}  # the records restored all the same


def test_a_dossiers_retention_row_passes_to_its_documents_counted_from_the_year_it_ends(
    tmp_path: Path,
) -> None:
    archive = Archive(make_settings(tmp_path / "home"))
    add_fonds(archive, {"code": "H32", "name": "Sở Y tế"}, "lan", "")
    given = {"code": "H32.2013.01", "fonds_code": "H32", "title": "Công văn trao đổi"}
    with pytest.raises(UserError) as unknown:
        save_dossier(archive, given | {"retention_row": "9.99"}, "lan", "", new=True)
    assert unknown.value.vi == "Điều khoản bảo quản: bảng thời hạn bảo quản không có điều '9.99'."
    save_dossier(archive, given | {"retention_row": "1.9"}, "lan", "", new=True)
    for n, year in ((1, 2012), (2, 2013)):
        archive.add(f"cv{n}", "Công văn", f"V/v trao đổi {n}", year, dossier_code="H32.2013.01")
    filed(archive, ["cv1", "cv2"])  # as a batch filed by its manifest is, once archived
    dossier = Archives(archive.catalog).dossier("H32.2013.01")
    assert (dossier.retention, dossier.end, dossier.review_from) == (
        "10 năm",
        date(2013, 5, 1),
        date(2024, 1, 1),
    )
    lines = Review(archive.catalog).records(["cv1", "cv2"])
    assert {(line.row, line.review_from) for line in lines.values()} == {("1.9", date(2024, 1, 1))}

    archive.add("cv3", "Công văn", "V/v trao đổi 3", 2015)  # filed later: the dossier ends later
    correct(archive, "cv3", 0, {"dossier_code": "H32.2013.01"}, "lan", "")
    lines = Review(archive.catalog).records(["cv1", "cv2", "cv3"])
    assert {line.review_from for line in lines.values()} == {date(2026, 1, 1)}
    held = load_package(archive.store, "cv1")
    assert held is not None and held.retention and held.retention.review_from == date(2026, 1, 1)
    assert len(Review(archive.catalog).due(date(2026, 6, 1), Filters(dossier="H32.2013.01"))) == 3
    assert Review(archive.catalog).due_by_dossier(date(2026, 6, 1)) == [
        DueDossier("H32.2013.01", "Công văn trao đổi", 3, date(2026, 1, 1))
    ]
    assert Review(archive.catalog).due_by_dossier(date(2025, 12, 31)) == []
