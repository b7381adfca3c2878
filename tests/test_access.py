"""Users, passwords, the lockout (attempts at once counted every one, unknown names locked
alike), clearances, and what an administrator does to an account, each act audited and
ending the user's sessions (archive_schema.accounts, .sessions, .audit)."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from archive_schema.access import Role
from archive_schema.accounts import (
    FAILURES_BEFORE_LOCKOUT,
    Accounts,
    LoginAttemptRow,
    LoginRefused,
)
from archive_schema.audit import AuditLog
from archive_schema.catalog import Catalog, now
from archive_schema.errors import UserError
from archive_schema.sessions import Sessions

RIGHT = "mat-khau-dung-1"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(Catalog(f"sqlite:///{tmp_path / 'catalog.db'}"))


def refusal(accounts: Accounts, name: str, password: str) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        accounts.authenticate(name, password)
    return refused.value


def test_a_user_logs_in_with_the_right_password_only(accounts: Accounts) -> None:
    accounts.add("minh", "mật khẩu dài lắm", Role.READER)
    assert accounts.authenticate("minh", "mật khẩu dài lắm").clearance == "internal"
    assert refusal(accounts, "minh", "mật khẩu sai rồi").vi == "Sai tên đăng nhập hoặc mật khẩu."
    assert refusal(accounts, "nobody", "mật khẩu dài lắm").vi == "Sai tên đăng nhập hoặc mật khẩu."


def test_five_failures_lock_the_account_for_a_while(accounts: Accounts) -> None:
    accounts.add("khoa", RIGHT, Role.READER)
    for _ in range(FAILURES_BEFORE_LOCKOUT):
        last = refusal(accounts, "khoa", "sai")
    assert last.locked_minutes is None  # the fifth failure locks from now on
    locked = refusal(accounts, "khoa", RIGHT)
    assert locked.locked_minutes == 15 and "tạm khóa" in str(locked.vi)
    with accounts.catalog.session() as session, session.begin():  # a quarter of an hour on
        session.execute(update(LoginAttemptRow).values(locked_until=now() - timedelta(seconds=1)))
    assert accounts.authenticate("khoa", RIGHT).name == "khoa"


def test_attempts_sent_at_once_are_each_counted(accounts: Accounts) -> None:
    accounts.add("khoa", RIGHT, Role.READER)
    with ThreadPoolExecutor(16) as pool:
        refused = list(pool.map(lambda _: refusal(accounts, "khoa", "sai"), range(16)))
    assert sum(r.locked_minutes is not None for r in refused) >= 16 - FAILURES_BEFORE_LOCKOUT
    assert refusal(accounts, "khoa", RIGHT).locked_minutes == 15  # the right one, too late


def test_an_unknown_name_is_locked_like_a_real_one(accounts: Accounts) -> None:
    accounts.add("khoa", RIGHT, Role.READER)
    answers = {}
    for name in ("khoa", "nobody"):
        said = [refusal(accounts, name, "sai").vi for _ in range(FAILURES_BEFORE_LOCKOUT + 1)]
        answers[name] = said
    assert answers["khoa"] == answers["nobody"]
    assert "tạm khóa" in str(answers["nobody"][-1])


def test_bad_users_are_refused_with_the_reason(accounts: Accounts) -> None:
    with pytest.raises(UserError, match="at least 10 characters"):
        accounts.add("an", "ngan", Role.READER)
    with pytest.raises(UserError, match="lower-case letters"):
        accounts.add("An Nguyen", RIGHT, Role.READER)
    with pytest.raises(UserError, match="clearance 'top'"):
        accounts.add("an", RIGHT, Role.READER, "top")
    accounts.add("an", RIGHT, Role.READER)
    with pytest.raises(UserError, match="already") as again:
        accounts.add("an", "mat-khau-dung-2", Role.ADMIN)
    assert again.value.vi == "Đã có người dùng an."


def test_what_each_role_may_read_and_download(accounts: Accounts) -> None:
    reader = accounts.add("minh", RIGHT, Role.READER)
    archivist = accounts.add("lan", RIGHT, Role.ARCHIVIST)
    assert reader.may_read("internal") and not reader.may_read("restricted")
    assert reader.may_download("internal") and not reader.may_download("restricted")
    assert archivist.may_read("restricted") and archivist.may_download("restricted")
    assert not archivist.may_read("secret")
    cleared = accounts.add("thu", RIGHT, Role.READER, "secret")
    assert cleared.may_read("secret") and not cleared.may_download("secret")  # a reading copy
    assert not reader.has(Role.ARCHIVIST)
    assert accounts.add("root", RIGHT, Role.ADMIN).has(Role.ARCHIVIST)


def test_each_administrator_act_is_audited_and_ends_the_users_sessions(
    accounts: Accounts,
) -> None:
    sessions = Sessions(accounts.catalog)
    accounts.add("root", RIGHT, Role.ADMIN)
    accounts.add("minh", RIGHT, Role.READER, by="root", address="10.0.0.1")

    def signed_in() -> str:
        token = sessions.start("minh", "10.0.0.7", "test")
        assert sessions.user_of(token) == "minh"
        return token

    acts: list[Callable[[], None]] = [
        lambda: accounts.set_role("minh", Role.ARCHIVIST, "root"),
        lambda: accounts.set_clearance("minh", "restricted", "root"),
        lambda: accounts.set_active("minh", False, "root"),
    ]
    for act in acts:
        token = signed_in()
        act()
        assert sessions.user_of(token) is None
    assert accounts.user("minh") is None  # disabled: no login, no session
    assert refusal(accounts, "minh", RIGHT).vi == "Sai tên đăng nhập hoặc mật khẩu."
    accounts.set_active("minh", True, "root")
    assert accounts.authenticate("minh", RIGHT).role is Role.ARCHIVIST

    token = signed_in()
    temporary = accounts.reset_password("minh", "root")
    assert sessions.user_of(token) is None
    user = accounts.authenticate("minh", temporary)
    assert user.must_change_password
    with pytest.raises(UserError, match="differ"):
        accounts.change_password("minh", temporary, temporary)
    accounts.change_password("minh", temporary, "mat-khau-moi-cua-minh")
    assert not accounts.authenticate("minh", "mat-khau-moi-cua-minh").must_change_password

    for _ in range(FAILURES_BEFORE_LOCKOUT):
        refusal(accounts, "minh", "sai")
    assert accounts.account("minh").locked_until is not None
    accounts.unlock("minh", "root")
    assert accounts.account("minh").locked_until is None
    signed_in(), signed_in()
    assert accounts.account("minh").sessions == 2
    assert accounts.end_sessions("minh", "root") == 2
    assert accounts.account("minh").sessions == 0

    story = [(e.user, e.action, e.target) for e in reversed(AuditLog(accounts.catalog).entries())]
    assert story == [
        (None, "add_user", "root: Quản trị hệ thống, Mật"),
        ("root", "add_user", "minh: Cán bộ tra cứu, Nội bộ"),
        ("root", "change_role", "minh: Cán bộ tra cứu → Lưu trữ viên"),
        ("root", "change_clearance", "minh: Nội bộ → Hạn chế sử dụng"),
        ("root", "disable_user", "minh"),
        ("root", "enable_user", "minh"),
        ("root", "reset_password", "minh"),
        ("minh", "change_password", "minh"),
        ("root", "unlock_user", "minh"),
        ("root", "end_sessions", "minh: 2 phiên"),
    ]


def test_the_last_administrator_stays_one(accounts: Accounts) -> None:
    accounts.add("root", RIGHT, Role.ADMIN)
    with pytest.raises(UserError, match="last administrator"):
        accounts.set_active("root", False, "root")
    with pytest.raises(UserError, match="last administrator"):
        accounts.set_role("root", Role.READER, "root")
    accounts.add("root2", RIGHT, Role.ADMIN)
    accounts.set_role("root", Role.READER, "root2")


def test_the_audit_log_keeps_every_act_newest_first(accounts: Accounts) -> None:
    log = AuditLog(accounts.catalog)
    log.record("minh", "search", "xi mang", "10.0.0.7")
    log.record("minh", "view", "abc", "10.0.0.7")
    log.record(None, "login_failed", "khoa", "10.0.0.9")
    assert [(e.user, e.action) for e in log.entries()] == [
        (None, "login_failed"),
        ("minh", "view"),
        ("minh", "search"),
    ]
    assert [e.target for e in log.entries(user="minh", action="search")] == ["xi mang"]
