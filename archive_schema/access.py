"""Who may do what: the roles, the clearances (access levels a user may read), and what
each role may read and download."""

from dataclasses import dataclass
from enum import StrEnum

from archive_schema.vocab import cleared_for


class Role(StrEnum):
    READER = "reader"  # cán bộ tra cứu: searches and reads
    ARCHIVIST = "archivist"  # lưu trữ viên: uploads batches, follows their processing
    RECORDS_OFFICER = "records_officer"  # Sở Nội vụ: retention and destruction
    COUNCIL = "council"  # Hội đồng xét hủy tài liệu: approves or rejects destruction
    ADMIN = "admin"  # quản trị: every page, and the accounts


ROLE_LABELS = {
    Role.READER: "Cán bộ tra cứu",
    Role.ARCHIVIST: "Lưu trữ viên",
    Role.RECORDS_OFFICER: "Cán bộ Sở Nội vụ",
    Role.COUNCIL: "Thành viên Hội đồng xét hủy",
    Role.ADMIN: "Quản trị hệ thống",
}
# The access level a new user of each role is cleared for, unless told otherwise.
DEFAULT_CLEARANCE = {
    Role.READER: "internal",
    Role.ARCHIVIST: "restricted",
    Role.RECORDS_OFFICER: "secret",
    Role.COUNCIL: "secret",
    Role.ADMIN: "secret",
}


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    clearance: str
    must_change_password: bool = False  # after an administrator reset it

    @property
    def readable_levels(self) -> frozenset[str]:
        return cleared_for(self.clearance)

    def may_read(self, access_level: str) -> bool:
        return access_level in self.readable_levels

    def may_download(self, access_level: str) -> bool:
        """Readers download only what is open to staff; restricted and secret records are
        read on screen unless one works with the archive (TT 05/2025 reading copies)."""
        staff = self.role is not Role.READER
        return self.may_read(access_level) and (staff or access_level in ("public", "internal"))

    def has(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN
