"""The records office's side: schedule versions, the review list, legal holds, destruction
proposals under the council's quorum, and their execution, resumable, with tombstones."""

from datetime import date
from pathlib import Path

import pikepdf
import pytest

import pipelines.archive
from archive_schema.access import Role, User
from archive_schema.audit import AuditLog
from archive_schema.disposal import Disposals, State
from archive_schema.errors import UserError
from archive_schema.models import Status
from archive_schema.review import Filters, Review
from archive_schema.schedule_files import read_schedule, sample_schedule
from archive_schema.schedules import Schedules, diff
from pipelines.package.layout import METS_FILE, package_prefix
from pipelines.package.read import finished_packages
from pipelines.records_office.acts import assign_row, hold, release
from pipelines.records_office.destruction import DestructionIncomplete, execute
from pipelines.store import Lock, Store, StoreError, StoreRefused
from pipelines.store.s3 import S3Store
from tests.conftest import make_settings
from tests.records_archive import Archive, sample_archive

pytestmark = pytest.mark.usefixtures("catalog_backend")  # on SQLite and on PostgreSQL

TODAY = date(2026, 12, 2)
OFFICER = User("thu", Role.RECORDS_OFFICER, "secret")
COUNCIL = [User(name, Role.COUNCIL, "secret") for name in ("an", "binh", "chi")]


@pytest.fixture(params=["file", "s3"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Archive:
    store = {"storage_url": request.getfixturevalue("s3_url")} if request.param == "s3" else {}
    return sample_archive(make_settings(tmp_path / "home", **store))


@pytest.fixture
def s3_archive(s3_url: str, tmp_path: Path) -> Archive:
    return sample_archive(make_settings(tmp_path / "home", storage_url=s3_url))


def approved(archive: Archive, ids: list[str]) -> int:
    disposals = Disposals(archive.catalog)
    number = disposals.propose(ids, "hết giá trị", OFFICER, TODAY).id
    for member in COUNCIL[:2]:
        disposals.vote(number, member, True, "đồng ý")
    return number


def test_each_change_of_the_schedule_is_a_version_with_who_and_why(archive: Archive) -> None:
    schedules = Schedules(archive.catalog)
    first = schedules.current()
    assert (first.version, first.author, first.schedule.name) == (1, "sohoa", "sample-2011@1")
    changed = read_schedule(
        "x",
        (
            "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại\n"
            "1.9,Công văn trao đổi về những vấn đề chung,5,Công văn\n"
            "15.1,Hồ sơ chuyển đổi số,20,\n"
        ).encode(),
        "2022.csv",
    )
    second = schedules.save("tt10-2022", changed, "thu", "TT 10/2022")
    assert second.schedule.name == "tt10-2022@2" and schedules.current().version == 2
    newest = schedules.history()[0]
    assert (newest.version, newest.author, newest.reason) == (
        2,
        "thu",
        "TT 10/2022",
    )
    with pytest.raises(UserError, match="same as version 2"):
        schedules.save("tt10-2022", changed, "thu", "again")
    with pytest.raises(UserError, match="say why"):
        schedules.save("tt10-2022", sample_schedule(), "thu", " ")
    changes = {c.row: c for c in diff(first.schedule, second.schedule)}
    assert changes["1.9"].change == "changed"
    assert changes["1.9"].fields["years"] == (10, 5)
    assert changes["15.1"].change == "added" and changes["1.1"].change == "removed"
    # a record keeps the version it was classified under
    letter = next(archive.catalog.documents(ids=["letter2010"]))
    assert letter.retention is not None and letter.retention.schedule == "sample-2011@1"
    assert letter.retention.years == 10


def test_the_review_list(archive: Archive) -> None:
    review = Review(archive.catalog)
    assert [line.id for line in review.due(TODAY)] == ["letter2010"]
    # the boundary: 10 years from the end of 2010 run out on 31 December 2020
    assert review.due(date(2020, 12, 31)) == []
    assert [line.id for line in review.due(date(2021, 1, 1))] == ["letter2010"]
    assert [line.id for line in review.due(date(2027, 1, 1))] == ["letter2010", "letter2016"]
    assert review.due(date(2027, 1, 1), Filters(year=2016))[0].id == "letter2016"
    assert review.due(TODAY, Filters(doc_type="Quyết định")) == []
    # permanent, unknown end year and unclassified records are never due
    assert {line.id for line in review.due(date(2200, 1, 1))} == {"letter2010", "letter2016"}
    assert [line.id for line in review.unclassified()] == ["invitation"]


def test_reclassification_is_audited_and_moves_the_review_date(archive: Archive) -> None:
    review = Review(archive.catalog)
    version = Schedules(archive.catalog).current()
    assert review.reclassify(["invitation"], "1.9", version, "thu", "127.0.0.1") == ["invitation"]
    assert review.unclassified() == []
    line = review.records(["invitation"])["invitation"]
    assert (line.row, line.years, line.review_from) == ("1.9", 10, date(2023, 1, 1))
    audit = AuditLog(archive.catalog).entries(action="reclassify")
    assert audit[0].user == "thu"
    assert audit[0].target.endswith("chưa xác định → điều 1.9 của sample-2011@1")
    assert "reclassified by thu" in archive.catalog.events("invitation")[-1].detail
    with pytest.raises(UserError, match=r"row '99\.9' is not in version 1"):
        review.reclassify(["invitation"], "99.9", version, "thu")
    with pytest.raises(UserError, match="no archived record nowhere"):
        review.reclassify(["invitation", "nowhere"], "1.9", version, "thu")


def test_a_record_under_legal_hold_is_neither_due_nor_destroyed(archive: Archive) -> None:
    review = Review(archive.catalog)
    with pytest.raises(UserError, match="needs its reason"):
        review.hold("letter2010", "", "thu")
    review.hold("letter2010", "Thanh tra tỉnh đang xác minh", "thu")
    assert review.due(TODAY) == []
    with pytest.raises(UserError, match="under a legal hold set by thu: Thanh tra"):
        Disposals(archive.catalog).propose(["letter2010"], "", OFFICER, TODAY)
    review.release("letter2010", "thu")
    number = approved(archive, ["letter2010"])
    review.hold("letter2010", "Tòa án yêu cầu", "thu")  # held after the approval
    with pytest.raises(UserError, match="letter2010: Tòa án yêu cầu"):
        execute(archive, number, OFFICER)
    assert "letter2010" in archive.searchable("treo cờ")
    actions = [e.action for e in AuditLog(archive.catalog).entries(target="letter2010")]
    assert actions.count("hold") == 2 and "release_hold" in actions


def test_a_proposal_of_a_permanent_or_undue_record_changes_nothing(archive: Archive) -> None:
    disposals = Disposals(archive.catalog)
    with pytest.raises(UserError) as refused:
        disposals.propose(["letter2010", "decision", "letter2016", "undated"], "", OFFICER, TODAY)
    message = str(refused.value)
    assert "decision: kept permanently (Vĩnh viễn, row 1.2)" in message
    assert "letter2016: kept until 2027-01-01; not yet due" in message
    assert "undated: its review date is unknown" in message
    assert disposals.proposals() == []
    with pytest.raises(UserError, match=r"minh \(reader\) may not propose"):
        disposals.propose(["letter2010"], "", User("minh", Role.READER, "internal"), TODAY)


def test_the_council_quorum(archive: Archive) -> None:
    disposals = Disposals(archive.catalog)
    number = disposals.propose(["letter2010"], "hết giá trị", OFFICER, TODAY).id
    with pytest.raises(UserError, match="already in proposal"):
        disposals.propose(["letter2010"], "", OFFICER, TODAY)
    with pytest.raises(UserError, match="0 of the 2 approvals"):
        execute(archive, number, OFFICER)
    with pytest.raises(UserError, match="thu is not a member"):
        disposals.vote(number, OFFICER, True, "")
    proposer_in_council = User("thu", Role.COUNCIL, "secret")
    with pytest.raises(UserError, match="thu proposed 1 and may not vote"):
        disposals.vote(number, proposer_in_council, True, "")
    assert disposals.vote(number, COUNCIL[0], True, "").state is State.PROPOSED
    with pytest.raises(UserError, match="an has already approved proposal 1"):
        disposals.vote(number, COUNCIL[0], True, "again")
    with pytest.raises(UserError, match="1 of the 2 approvals"):
        execute(archive, number, OFFICER)
    decided = disposals.vote(number, COUNCIL[1], True, "đồng ý hủy")
    assert decided.state is State.APPROVED and decided.approvers == ["an", "binh"]
    with pytest.raises(UserError, match="is approved: it takes no more votes"):
        disposals.vote(number, COUNCIL[2], False, "muộn")


def test_a_rejection_closes_the_proposal_and_needs_a_reason(archive: Archive) -> None:
    disposals = Disposals(archive.catalog, quorum=3)
    number = disposals.propose(["letter2010"], "hết giá trị", OFFICER, TODAY).id
    with pytest.raises(UserError, match="needs its reason"):
        disposals.vote(number, COUNCIL[0], False, "")
    assert disposals.vote(number, COUNCIL[0], False, "còn giá trị tra cứu").state is State.REJECTED
    assert Disposals(archive.catalog).propose(["letter2010"], "lần hai", OFFICER, TODAY).id == 2


def test_execution_destroys_store_index_and_catalog_and_keeps_a_tombstone(
    archive: Archive, verapdf: object
) -> None:
    number = approved(archive, ["letter2010"])
    assert "letter2010" in archive.searchable("treo cờ")
    done = execute(archive, number, OFFICER, "127.0.0.1")
    assert done.state is State.EXECUTED and done.destroyed == {"letter2010"}
    assert archive.searchable("treo cờ") == set()
    assert list(archive.store.keys(package_prefix("letter2010"))) == []
    assert archive.catalog.status("letter2010") is None
    (stone,) = Disposals(archive.catalog).tombstones()
    assert stone.metadata["subject"] == "V/v treo cờ tổ quốc" and stone.approvers == ["an", "binh"]
    assert stone.metadata["retention_years"] == 10
    assert archive.catalog.events("letter2010")[-1].detail == f"destroyed under proposal {number}"
    assert done.record_key is not None
    record = archive.settings.home / "bien-ban.pdf"
    with archive.store.open(done.record_key) as stored:
        record.write_bytes(stored.read())
    with pikepdf.open(record) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"
    assert set(verapdf([record]).values()) == {"PASS"}  # type: ignore[operator]
    story = [e.action for e in reversed(AuditLog(archive.catalog).entries())]
    assert story == [
        "propose_destruction",
        "approve_destruction",
        "approve_destruction",
        "execute_destruction",
        "destroyed",
    ]


class FailingStore:
    """The real store, failing to delete the objects of one record, once: a disk that
    errors, or a crash, half way through a destruction."""

    def __init__(self, store: Store, failing: str):
        self.store, self.failing, self.url = store, failing, store.url

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def delete(self, key: str) -> None:
        if key.startswith(package_prefix(self.failing)) and not key.endswith(METS_FILE):
            raise StoreRefused(f"{key}: input/output error")
        self.store.delete(key)


def with_store(archive: Archive, store: object) -> pipelines.archive.Archive:
    """The archive's settings with another store (one that injects a fault)."""
    other = pipelines.archive.Archive(archive.settings)
    other.store = store  # type: ignore[assignment]
    return other


def test_a_destruction_that_fails_half_way_is_resumed(archive: Archive) -> None:
    archive.add("letter2011", "Công văn", "V/v treo cờ ngày lễ", 2011)
    number = approved(archive, ["letter2010", "letter2011"])
    failing = FailingStore(archive.store, "letter2011")
    with pytest.raises(
        DestructionIncomplete, match=r"(?s)1 of 2 records.*letter2011: .*input/output"
    ):
        execute(with_store(archive, failing), number, OFFICER)
    proposal = Disposals(archive.catalog).proposal(number)
    assert proposal.state is State.EXECUTING and proposal.destroyed == {"letter2010"}
    # the half-destroyed record is out of reach: not searchable, not a finished package
    assert archive.searchable("treo cờ") == set()
    assert "letter2011" not in finished_packages(archive.store)
    assert archive.catalog.status("letter2011") is Status.DESTROYING
    assert list(archive.catalog.documents(ids=["letter2011"])) == []
    done = execute(archive, number, OFFICER)
    assert done.state is State.EXECUTED and done.destroyed == {"letter2010", "letter2011"}
    for gone in ("letter2010", "letter2011"):
        assert list(archive.store.keys(package_prefix(gone))) == []
    assert len(Disposals(archive.catalog).tombstones(number)) == 2


def test_s3_keeps_what_object_lock_retains_and_the_destruction_says_so(
    s3_archive: Archive,
) -> None:
    archive, store = s3_archive, s3_archive.store
    assert isinstance(store, S3Store)
    pdf = package_prefix("letter2016") + "representations/pdfa/data/letter2016.pdf"
    assert store.lock(pdf) == Lock(retain_until=date(2027, 1, 1))  # its review date
    invitation = package_prefix("invitation") + "representations/pdfa/data/invitation.pdf"
    assert store.lock(invitation) == Lock(legal_hold=True)  # unclassified: kept until it is
    shorter = read_schedule(
        "x",
        "Điều khoản,Tên nhóm hồ sơ tài liệu,Thời hạn bảo quản,Tên loại\n"
        "1.9,Công văn,5,Công văn\n".encode(),
        "short.csv",
    )
    Schedules(archive.catalog).save("short", shorter, "thu", "rút ngắn")
    assign_row(archive, ["letter2016", "invitation"], "1.9", "thu", "")
    assert store.lock(invitation) == Lock()  # classified, due since 2018: nothing retains it
    assert store.lock(pdf) == Lock(retain_until=date(2027, 1, 1))  # never shortened
    number = approved(archive, ["letter2016", "invitation"])
    with pytest.raises(DestructionIncomplete, match=r"(?s)1 of 2 records.*letter2016: .*refused"):
        execute(archive, number, OFFICER)
    proposal = Disposals(archive.catalog).proposal(number)
    assert proposal.state is State.EXECUTING and proposal.destroyed == {"invitation"}
    assert list(store.keys(package_prefix("invitation"))) == []
    assert "letter2016" in finished_packages(store)  # whole: its METS was refused first


def test_a_legal_hold_of_the_records_office_is_an_s3_legal_hold(s3_archive: Archive) -> None:
    store = s3_archive.store
    assert isinstance(store, S3Store)
    pdf = package_prefix("letter2010") + "representations/pdfa/data/letter2010.pdf"
    assert store.lock(pdf) == Lock()
    hold(s3_archive, "letter2010", "Thanh tra", "thu", "")
    assert store.lock(pdf) == Lock(legal_hold=True)
    assert store.lock(package_prefix("letter2010") + METS_FILE) == Lock(legal_hold=True)
    with pytest.raises(StoreError, match="refused to delete"):
        store.delete(pdf)
    premis = store.open(package_prefix("letter2010") + "metadata/preservation/premis.xml").read()
    assert b"legal hold set by thu: Thanh tra" in premis
    release(s3_archive, "letter2010", "thu", "")
    assert store.lock(pdf) == Lock()
