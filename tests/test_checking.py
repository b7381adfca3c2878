"""The archivist's quality control on a real catalog, store and index: the queue's order,
corrections audited and carried to the package and the index, and refusals that change
nothing."""

import json
from pathlib import Path

import pytest
from lxml import etree

from archive_schema.access import Role, User
from archive_schema.audit import AuditLog
from archive_schema.checking import CORRECTABLE, Figures
from archive_schema.errors import UserError
from pipelines.acceptance import accept_batch
from pipelines.corrections import checking, correct, correct_many, correct_page
from pipelines.package.layout import PREMIS_FILE, RECORD, TEXT_SUFFIX, package_prefix, page_key
from pipelines.package.read import load_package
from tests.conftest import make_settings
from tests.records_archive import EVERYONE, Archive

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

AGENCY = "UBND tỉnh Lào Cai"
LAN = User("lan", Role.ARCHIVIST, "secret")
PREMIS = "http://www.loc.gov/premis/v3"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(make_settings(tmp_path / "home"))
    archive.add(
        "fine",
        "Quyết định",
        "Về việc khen thưởng",
        2020,
        number_symbol="1/QĐ-UBND",
        issuing_agency=AGENCY,
    )
    archive.add(
        "unsure",
        "Quyết định",
        "Về việc giao đất",
        2020,
        number_symbol="2/QĐ-UBND",
        issuing_agency=AGENCY,
        sources={"subject": "ocr"},
        field_confidence={"subject": 41.0},
    )
    archive.add("nonumber", "Công văn", "V/v họp", 2020, issuing_agency=AGENCY)
    for twin in ("twin-a", "twin-b"):
        archive.add(
            twin, "Quyết định", "Về việc A", 2021, number_symbol="7/QĐ-UBND", issuing_agency=AGENCY
        )
    archive.add(
        "flagged",
        "Quyết định",
        "Về việc C",
        2021,
        flagged=True,
        number_symbol="9/QĐ-UBND",
        issuing_agency=AGENCY,
    )
    return archive


def test_the_queue_puts_flagged_pages_then_duplicates_then_missing_fields_then_doubt_first(
    archive: Archive,
) -> None:
    lines = checking(archive).queue(None, 1, EVERYONE).items
    assert [line.id for line in lines] == [
        "flagged",
        "twin-a",
        "twin-b",
        "nonumber",
        "unsure",
        "fine",
    ]
    reasons = {line.id: line.reasons for line in lines}
    assert reasons == {
        "flagged": ("flagged",),
        "twin-a": ("duplicate",),
        "twin-b": ("duplicate",),
        "nonumber": ("missing",),
        "unsure": ("unsure",),
        "fine": (),
    }


def test_a_correction_is_audited_kept_in_history_in_the_package_and_in_search(
    archive: Archive, mets_schema: etree.XMLSchema
) -> None:
    before = checking(archive).revision("unsure")
    changed = correct(
        archive,
        "unsure",
        before,
        {"subject": "Về việc giao đất rừng phòng hộ", "issue_date": "05/03/2024"},
        "lan",
        "127.0.0.1",
    )
    assert changed == ["subject", "issue_date"]
    found = checking(archive)
    assert found.revision("unsure") == before + 1
    history = [(c.field, str(c.old), str(c.new), c.user) for c in found.history("unsure")]
    assert history == [
        ("subject", "Về việc giao đất", "Về việc giao đất rừng phòng hộ", "lan"),
        ("issue_date", "2020-05-01", "2024-03-05", "lan"),
    ]
    assert "unsure" not in [line.id for line in found.queue(None, 1, EVERYONE).items]  # checked
    assert [line.id for line in found.queue(None, 1, EVERYONE, checked=True).items] == ["unsure"]
    entry = AuditLog(archive.catalog).entries(action="correct")[0]
    assert (entry.user, entry.target) == ("lan", "unsure subject, issue_date")

    record = json.loads(archive.store.open(package_prefix("unsure") + RECORD).read())
    assert record["subject"] == "Về việc giao đất rừng phòng hộ"
    assert record["issue_date"] == "2024-03-05"
    assert record["sources"]["subject"] == "archivist"
    assert "subject" not in record["field_confidence"]
    premis = etree.parse(archive.store.open(package_prefix("unsure") + PREMIS_FILE))
    details = premis.xpath("//premis:eventDetail/text()", namespaces={"premis": PREMIS})
    assert (
        "correction: checked by lan; subject: 'Về việc giao đất' ->"
        " 'Về việc giao đất rừng phòng hộ'; issue_date: '2020-05-01' -> '2024-03-05'"
    ) in details
    mets = etree.parse(archive.store.open(package_prefix("unsure") + "METS.xml"))
    mets_schema.assertValid(mets)
    assert archive.searchable("rung phong ho") == {"unsure"}


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("issue_date", "31/02/2024", "Ngày ban hành: '31/02/2024' không phải một ngày có thật"),
        ("issue_date", "05/03/2124", "Ngày ban hành: ngày 05/03/2124 không thể có"),
        ("number_symbol", "QĐ-UBND", "Số và ký hiệu: 'QĐ-UBND' không đúng dạng"),
        ("ordinal", "²", "Số thứ tự: '²' không phải số thứ tự"),
        ("access_level", "everyone", "Mức độ tiếp cận: 'everyone' không phải một mức"),
        ("issuing_agency", "x" * 201, "Cơ quan ban hành: dài quá 200 ký tự"),
        ("status", "destroying", "Trường 'status' không sửa được"),
    ],
)
def test_an_impossible_value_is_refused_naming_its_field_and_nothing_changes(
    archive: Archive, field: str, typed: str, said: str
) -> None:
    found = checking(archive)
    revision = found.revision("fine")
    given = {"subject": "Đổi trích yếu", field: typed}
    with pytest.raises(UserError) as refused:
        correct(archive, "fine", revision, given, "lan", "")
    assert refused.value.vi is not None and refused.value.vi.startswith(said)
    assert found.revision("fine") == revision
    assert found.history("fine") == []
    assert archive.searchable("doi trich yeu") == set()


def test_the_second_of_two_archivists_saving_one_record_is_refused_and_loses_nothing(
    archive: Archive,
) -> None:
    found = checking(archive)
    opened = found.revision("fine")  # both open the record
    correct(archive, "fine", opened, {"subject": "Bản của Lan"}, "lan", "")
    with pytest.raises(UserError) as refused:
        correct(archive, "fine", opened, {"subject": "Bản của Minh"}, "minh", "")
    assert refused.value.vi is not None and "đã được người khác sửa" in refused.value.vi
    assert [(c.new, c.user) for c in found.history("fine")] == [("Bản của Lan", "lan")]
    assert archive.searchable("ban cua lan") == {"fine"}


def test_a_corrected_number_gives_its_number_and_notation_and_a_dossier_its_code(
    archive: Archive,
) -> None:
    given = {"number_symbol": "15/2024/QĐ-UBND", "dossier_code": "G09.2024.01", "ordinal": "3"}
    correct(archive, "nonumber", checking(archive).revision("nonumber"), given, "lan", "")
    doc = next(archive.catalog.documents(ids=["nonumber"]))
    assert (doc.number, doc.notation) == ("15", "QĐ-UBND")
    assert doc.code == "G09.2024.01.003"


def test_a_pages_text_corrected_is_searched_kept_in_the_package_and_its_checksums_hold(
    archive: Archive,
) -> None:
    revision = checking(archive).revision("fine")
    text = "Về việc khen thưởng tập thể Phòng Lưu trữ tỉnh"
    assert correct_page(archive, "fine", revision, 1, text, "lan", "")
    assert not correct_page(archive, "fine", revision + 1, 1, text, "lan", "")  # the same
    [change] = checking(archive).history("fine")
    assert (change.field, change.page, change.new) == ("text", 1, text)
    assert archive.searchable("phong luu tru tinh") == {"fine"}
    assert archive.store.open(page_key("fine", 1) + TEXT_SUFFIX).read().decode() == text
    reloaded = load_package(archive.store, "fine")  # every file against the METS's checksum
    assert reloaded is not None and reloaded.pages[0].text == text
    with pytest.raises(UserError) as refused:
        correct_page(archive, "fine", revision + 1, 2, "trang hai", "lan", "")
    assert refused.value.vi == "Tài liệu này không có trang 2."


def test_a_batch_is_accepted_only_checked_whole_and_by_one_who_checked_none_of_it(
    archive: Archive,
) -> None:
    found = checking(archive)
    with pytest.raises(UserError) as unchecked:
        accept_batch(archive, "b1", "hoa", "")
    assert unchecked.value.vi == (
        "Lô còn 6 văn bản chưa kiểm tra; chỉ nghiệm thu được khi mọi văn bản đã được kiểm tra."
    )
    for line in found.queue("b1", 1, EVERYONE).items:
        given = {"subject": "Đã sửa"} if line.id == "fine" else {}
        correct(archive, line.id, found.revision(line.id), given, "lan", "")
    correct_page(archive, "fine", found.revision("fine"), 1, "Trang đã sửa", "lan", "")
    with pytest.raises(UserError) as checker:
        accept_batch(archive, "b1", "lan", "")
    assert checker.value.vi is not None and "khác với người đã kiểm tra" in checker.value.vi
    accepted = accept_batch(archive, "b1", "hoa", "")
    assert accepted.figures == Figures(
        documents=6, pages=6, records_corrected=1, fields_corrected=1, pages_corrected=1
    )
    assert round(accepted.figures.error_rate, 4) == round(1 / (6 * len(CORRECTABLE)), 4)
    assert archive.store.open(accepted.record_key).read().startswith(b"%PDF")
    with pytest.raises(UserError) as twice:
        accept_batch(archive, "b1", "minh", "")
    assert twice.value.vi == "Lô này đã được nghiệm thu."


def test_one_field_set_for_many_records_is_in_each_history_and_package_not_a_check(
    archive: Archive,
) -> None:
    changed = correct_many(archive, ["fine", "unsure"], "access_level", "Hạn chế sử dụng", LAN, "")
    assert changed == ["fine", "unsure"]
    found = checking(archive)
    assert [(c.field, c.old, c.new) for c in found.history("fine")] == [
        ("access_level", "internal", "restricted")
    ]
    assert {line.id for line in found.queue(None, 1, EVERYONE).items} >= {
        "fine",
        "unsure",
    }  # unchecked
    record = json.loads(archive.store.open(package_prefix("unsure") + RECORD).read())
    assert record["access_level"] == "restricted"
    entry = AuditLog(archive.catalog).entries(action="bulk_correct")[0]
    assert entry.target == "access_level = 'Hạn chế sử dụng': 2 records"
    assert correct_many(archive, ["fine"], "access_level", "restricted", LAN, "") == []
    with pytest.raises(UserError) as refused:
        correct_many(archive, ["fine"], "access_level", "mọi người", LAN, "")
    assert refused.value.vi == "Mức độ tiếp cận: 'mọi người' không phải một mức."
    with pytest.raises(UserError) as nothing:
        correct_many(archive, [], "dossier_code", "G09", LAN, "")
    assert nothing.value.vi == "Hãy chọn ít nhất một văn bản."


def test_a_record_above_the_archivists_clearance_is_neither_listed_nor_changed(
    archive: Archive,
) -> None:
    archive.add("secret", "Quyết định", "Về việc bí mật", 2021, access_level="secret")
    found, minh = checking(archive), User("minh", Role.ARCHIVIST, "restricted")
    listed = {line.id for line in found.queue(None, 1, minh.readable_levels).items}
    assert "secret" not in listed and "fine" in listed
    assert found.next_to_check(None, "flagged", minh.readable_levels) != "secret"
    with pytest.raises(UserError) as refused:
        correct_many(archive, ["fine", "secret"], "access_level", "public", minh, "")
    assert refused.value.vi == "Không tìm thấy tài liệu này."
    assert found.history("fine") == found.history("secret") == []  # nothing changed at all
