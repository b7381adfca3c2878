"""The audit log (nhật ký): one row per act worth knowing (a login, a search, a view, a
download, an upload, a records-office or account act, a denied attempt), never changed or
deleted: who, what, on what, when, from where."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Select, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from archive_schema.catalog import Base, Catalog, aware, now
from archive_schema.paging import Paged, page_of

ACTION_LABELS = {
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "denied": "Bị từ chối truy cập",
    "search": "Tra cứu",
    "view": "Xem tài liệu",
    "view_pdf": "Mở bản PDF",
    "view_page": "Đọc trang trên màn hình",
    "download": "Tải bản PDF/A",
    "download_package": "Tải gói lưu trữ",
    "upload": "Tải lên lô tài liệu",
    "upload_refused": "Tải lên bị từ chối",
    "rerun": "Xử lý lại lô",
    "correct": "Sửa thông tin",
    "bulk_correct": "Sửa hàng loạt",
    "rescan": "Quét lại",
    "split": "Tách văn bản",
    "add_fonds": "Lập phông",
    "add_dossier": "Lập hồ sơ",
    "edit_dossier": "Sửa hồ sơ",
    "order_dossier": "Sắp xếp văn bản trong hồ sơ",
    "accept_batch": "Nghiệm thu lô",
    "import_schedule": "Nhập bảng thời hạn",
    "reclassify": "Xếp lại điều khoản",
    "hold": "Phong tỏa",
    "release_hold": "Gỡ phong tỏa",
    "propose_destruction": "Đề nghị hủy",
    "approve_destruction": "Đồng ý hủy",
    "reject_destruction": "Không đồng ý hủy",
    "withdraw_destruction": "Rút đề nghị hủy",
    "execute_destruction": "Bắt đầu hủy",
    "destroyed": "Đã hủy",
    "readmit": "Cho phép lưu trữ lại",
    "add_user": "Thêm người dùng",
    "change_password": "Đổi mật khẩu",
    "reset_password": "Đặt lại mật khẩu",
    "enable_user": "Cho người dùng hoạt động lại",
    "disable_user": "Vô hiệu hóa người dùng",
    "change_role": "Đổi vai trò",
    "change_clearance": "Đổi mức được đọc",
    "unlock_user": "Mở khóa người dùng",
    "end_sessions": "Kết thúc các phiên",
    "export_audit": "Xuất nhật ký",
    "add_token": "Cấp mã truy cập API",
    "revoke_token": "Thu hồi mã truy cập API",
    "api_refused": "API: từ chối",
    "api_upload": "API: giao nộp",
    "api_status": "API: xem tình trạng giao nộp",
    "api_search": "API: tra cứu",
    "api_view": "API: xem tài liệu",
    "api_download": "API: tải tài liệu",
    "repair_copy": "Khôi phục bản lưu trữ hỏng từ bản còn lại",
}
EXPORT_LIMIT = 100_000  # rows of one export: a narrower date range for more


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


@dataclass(frozen=True)
class AuditFilters:
    user: str | None = None
    action: str | None = None
    target: str | None = None  # a part of it: a record's id, a proposal…
    since: date | None = None  # from this day on (the server's local days)
    until: date | None = None  # to this day, included


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    user: str | None
    action: str
    target: str
    address: str


def audit_row(user: str | None, action: str, target: str = "", address: str = "") -> AuditRow:
    """An audit log row, to add in the transaction of the act it records."""
    return AuditRow(at=now(), user=user, action=action, target=target, address=address)


class AuditLog:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def record(self, user: str | None, action: str, target: str = "", address: str = "") -> None:
        with self.catalog.session() as session, session.begin():
            session.add(audit_row(user, action, target, address))

    def entries(
        self,
        user: str | None = None,
        action: str | None = None,
        target: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """The audit log, newest first; `target` finds the acts on a record, a proposal…"""
        query = _query(AuditFilters(user, action, target)).limit(limit)
        with self.catalog.session() as session:
            return [_entry(r) for r in session.scalars(query)]

    def page(self, filters: AuditFilters, number: int) -> Paged[AuditEntry]:
        with self.catalog.session() as session:
            rows, total = page_of(session, _query(filters), number)
        return Paged([_entry(r) for r in rows], total, number)

    def export(self, filters: AuditFilters) -> Iterator[AuditEntry]:
        """The entries an export holds, newest first, up to EXPORT_LIMIT."""
        query = _query(filters).limit(EXPORT_LIMIT).execution_options(yield_per=2000)
        with self.catalog.session() as session:
            for row in session.scalars(query):
                yield _entry(row)


def _query(filters: AuditFilters) -> Select[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id.desc())
    if filters.user:
        query = query.where(AuditRow.user == filters.user)
    if filters.action:
        query = query.where(AuditRow.action == filters.action)
    if filters.target:
        query = query.where(AuditRow.target.contains(filters.target, autoescape=True))
    if filters.since:
        query = query.where(AuditRow.at >= _local_midnight(filters.since))
    if filters.until:
        query = query.where(AuditRow.at < _local_midnight(filters.until + timedelta(days=1)))
    return query


def _local_midnight(day: date) -> datetime:
    """The start of `day` in the server's local time, in UTC as the log keeps it."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(aware(row.at), row.user, row.action, row.target, row.address)
