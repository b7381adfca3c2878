"""Fonds and dossiers on a real catalog and store: opened and edited with every bad field
refused by name, their dates and counts computed from their documents, documents ordered
(their codes follow) and kept to their fonds, and the mục lục hồ sơ as PDF/A and XLSX."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from archive_schema.access import Role, User
from archive_schema.errors import UserError
from archive_schema.fonds import Archives
from archive_schema.spreadsheets import xlsx_rows
from pipelines.corrections import checking, correct, renumber
from pipelines.dossier_list import dossier_list_pdf, dossier_list_xlsx
from tests.conftest import make_settings, sohoa
from tests.records_archive import Archive

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
