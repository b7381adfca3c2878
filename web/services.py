"""What every request works with: the archive (pipelines.archive: the settings, the catalog,
the store, the search index, one per thread), the catalog's accounts, sessions, audit log
and uploads, and the templates."""

import secrets
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from archive_schema.access import ROLE_LABELS, Role
from archive_schema.accounts import Accounts
from archive_schema.audit import AuditLog
from archive_schema.sessions import Sessions
from archive_schema.tokens import Tokens
from archive_schema.uploads import Uploads
from archive_schema.vietnamese import vn_date
from archive_schema.vocab import (
    ACCESS_LEVELS,
    CONFIDENCE_LEVELS,
    EVENT_OUTCOMES,
    FIELD_LABELS,
    SIGNATURE_STATUSES,
    STAGE_LABELS,
)
from indexing.base import SearchBackend, Snippet
from indexing.highlight import to_html
from pipelines.archive import Archive

HERE = Path(__file__).resolve().parent
SECRET_FILE = "web-secret-key"
SESSION_HOURS = 8


class Services:
    def __init__(self, archive: Archive):
        self.archive = archive
        self.settings = archive.settings
        self.catalog = archive.catalog
        self.accounts = Accounts(self.catalog)
        self.sessions = Sessions(self.catalog, SESSION_HOURS)
        self.audit_log = AuditLog(self.catalog)
        self.uploads = Uploads(self.catalog)
        self.tokens = Tokens(self.catalog)
        self.store = archive.store
        home = self.settings.home
        self.secret_key = self.settings.secret_key or _kept_secret(home / SECRET_FILE)
        self.templates = Jinja2Templates(env=_environment())
        self._workers: list[subprocess.Popen[bytes]] = []

    def search(self) -> SearchBackend:
        """This thread's search backend (a SQLite connection serves one thread only)."""
        return self.archive.search

    def start_upload_worker(self) -> None:
        """The embedded worker that archives queued uploads (`sohoa process-uploads`)."""
        self._workers = [w for w in self._workers if w.poll() is None]  # no zombies left
        log = self.settings.home / "logs" / "uploads.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            self._workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "pipelines.cli.main", "process-uploads"],
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # goes on if the server restarts
                )
            )


def _kept_secret(path: Path) -> str:
    """A key made once and kept (readable by its owner only) under SOHOA_HOME. The servers
    started at once on a new home (`sohoa serve`'s processes) all keep the first one made:
    each is written whole beside, then linked in place unless one is there already."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        made = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        made.touch(mode=0o600)
        made.write_text(secrets.token_urlsafe(48))
        with suppress(FileExistsError):
            path.hardlink_to(made)
        made.unlink()
    return path.read_text().strip()


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
    )
    environment.globals |= {
        "FIELD_LABELS": FIELD_LABELS,
        "CONFIDENCE_LEVELS": CONFIDENCE_LEVELS,
        "SIGNATURE_STATUSES": SIGNATURE_STATUSES,
        "ACCESS_LEVELS": ACCESS_LEVELS,
        "ROLE_LABELS": ROLE_LABELS,
        "Role": Role,
        "STAGE_LABELS": STAGE_LABELS,
        "EVENT_OUTCOMES": EVENT_OUTCOMES,
    }
    environment.filters["marked"] = _marked
    environment.filters["vn_date"] = vn_date
    return environment


def _marked(passage: Snippet) -> Markup:
    """A snippet with its matched words marked; its text escaped first (indexing.highlight)."""
    return Markup(to_html(passage))  # to_html escapes the page's text itself
