"""Users, passwords, lockout, clearances and the audit log (archive_schema.access)."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from archive_schema.access import FAILURES_BEFORE_LOCKOUT, Accounts, LoginRefused, Role, UserRow
from archive_schema.catalog import Catalog, now
from archive_schema.errors import UserError


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(Catalog(f"sqlite:///{tmp_path / 'catalog.db'}"))


def test_a_user_logs_in_with_the_right_password_only(accounts: Accounts) -> None:
    accounts.add("minh", "mật khẩu dài lắm", Role.READER)
    assert accounts.authenticate("minh", "mật khẩu dài lắm").clearance == "internal"
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        accounts.authenticate("minh", "mật khẩu sai rồi")
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        accounts.authenticate("nobody", "mật khẩu dài lắm")  # the same answer: no hint


def test_five_failures_lock_the_account_for_a_while(accounts: Accounts) -> None:
    accounts.add("khoa", "mat-khau-dung-1", Role.READER)
    for _ in range(FAILURES_BEFORE_LOCKOUT):
        with pytest.raises(LoginRefused) as refused:
            accounts.authenticate("khoa", "sai")
    assert refused.value.locked_minutes is None  # the fifth failure locks from now on
    with pytest.raises(LoginRefused, match="locked") as locked:
        accounts.authenticate("khoa", "mat-khau-dung-1")
    assert locked.value.locked_minutes == 15
    with accounts.catalog.session() as session, session.begin():  # a quarter of an hour on
        session.execute(update(UserRow).values(locked_until=now() - timedelta(seconds=1)))
    assert accounts.authenticate("khoa", "mat-khau-dung-1").name == "khoa"


def test_bad_users_are_refused_with_the_reason(accounts: Accounts) -> None:
    with pytest.raises(UserError, match="at least 10 characters"):
        accounts.add("an", "ngan", Role.READER)
    with pytest.raises(UserError, match="lower-case letters"):
        accounts.add("An Nguyen", "mat-khau-dung-1", Role.READER)
    with pytest.raises(UserError, match="clearance 'top'"):
        accounts.add("an", "mat-khau-dung-1", Role.READER, "top")
    accounts.add("an", "mat-khau-dung-1", Role.READER)
    with pytest.raises(UserError, match="already"):
        accounts.add("an", "mat-khau-dung-2", Role.ADMIN)


def test_what_each_role_may_read_and_download(accounts: Accounts) -> None:
    reader = accounts.add("minh", "mat-khau-dung-1", Role.READER)
    archivist = accounts.add("lan", "mat-khau-dung-1", Role.ARCHIVIST)
    assert reader.may_read("internal") and not reader.may_read("restricted")
    assert reader.may_download("internal") and not reader.may_download("restricted")
    assert archivist.may_read("restricted") and archivist.may_download("restricted")
    assert not archivist.may_read("secret")
    cleared = accounts.add("thu", "mat-khau-dung-1", Role.READER, "secret")
    assert cleared.may_read("secret") and not cleared.may_download("secret")  # a reading copy
    assert not reader.has(Role.ARCHIVIST) and accounts.add(
        "root", "mat-khau-dung-1", Role.ADMIN
    ).has(Role.ARCHIVIST)


def test_the_audit_log_keeps_every_act_newest_first(accounts: Accounts) -> None:
    accounts.record("minh", "search", "xi mang", "10.0.0.7")
    accounts.record("minh", "view", "abc", "10.0.0.7")
    accounts.record(None, "login_failed", "khoa", "10.0.0.9")
    assert [(e.user, e.action) for e in accounts.audit()] == [
        (None, "login_failed"),
        ("minh", "view"),
        ("minh", "search"),
    ]
    assert [e.target for e in accounts.audit(user="minh", action="search")] == ["xi mang"]
