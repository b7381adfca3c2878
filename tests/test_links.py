"""Links in a batch are refused by name and never followed: a folder batch, and the inbox,
read nothing a link points to (the same as a zip's links)."""

import json
import os
from pathlib import Path

from pipelines.ingest.inbox import REFUSED, take_ready_batches
from pipelines.ingest.intake import intake
from tests.bad_files import image_bytes
from tests.conftest import sohoa

SECRET = b"the server's secret key, which must never reach the archive"


def hostile_batch(root: Path, outside: Path) -> Path:
    """A good scan, a link to a secret file, a link to a folder, and a named pipe."""
    (outside / "secret").mkdir(parents=True)
    (outside / "secret" / "web-secret-key").write_bytes(SECRET)
    (outside / "secret" / "page.png").write_bytes(image_bytes("PNG", size=(320, 200)))
    root.mkdir(parents=True)
    (root / "good.png").write_bytes(image_bytes("PNG"))
    (root / "leak.jpg").symlink_to(outside / "secret" / "web-secret-key")
    (root / "folder").symlink_to(outside / "secret", target_is_directory=True)
    (root / "dossier").mkdir()
    (root / "dossier" / "page-1.png").write_bytes(image_bytes("PNG", size=(330, 200)))
    (root / "dossier" / "page-2.png").symlink_to(outside / "secret" / "page.png")
    os.mkfifo(root / "pipe.tif")  # reading it would wait for ever
    return root


def test_links_and_special_files_in_a_folder_batch_are_refused_unread(tmp_path: Path) -> None:
    batch = hostile_batch(tmp_path / "batch", tmp_path / "outside")
    received = intake(batch, tmp_path / "work", set())
    assert [d.name for d in received.documents] == ["good.png"]
    reasons = {r.name: r.reason for r in received.rejected}
    assert set(reasons) == {"leak.jpg", "folder", "dossier", "pipe.tif"}
    assert "symbolic link" in reasons["leak.jpg"] and "not followed" in reasons["leak.jpg"]
    assert "symbolic link" in reasons["folder"]
    assert reasons["dossier"].startswith("dossier/page-2.png: a symbolic link")
    assert "not a regular file" in reasons["pipe.tif"]
    # nothing is kept of what a link points to: the refused entries bring no files
    kept = [p for r in received.rejected if r.name != "dossier" for p in r.files]
    assert kept == []
    assert all(not p.is_symlink() for r in received.rejected for p in r.files)


def test_ingest_of_a_folder_with_links_keeps_nothing_they_point_to(tmp_path: Path) -> None:
    batch = hostile_batch(tmp_path / "batch", tmp_path / "outside")
    home = tmp_path / "home"
    result = sohoa(home, "ingest", str(batch), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    status = {d["name"]: d["status"] for d in report["documents"]}
    assert status == {
        "good.png": "archived",
        "leak.jpg": "quarantined",
        "folder": "quarantined",
        "dossier": "quarantined",
        "pipe.tif": "quarantined",
    }
    written = [p for p in home.rglob("*") if p.is_file() and not p.is_symlink()]
    assert not any(SECRET in p.read_bytes() for p in written)
    assert not any(p.is_symlink() for p in home.rglob("*"))


def test_the_inbox_refuses_links_by_name_and_takes_real_batches(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    batch = hostile_batch(tmp_path / "elsewhere" / "batch", tmp_path / "outside")
    inbox.mkdir()
    (inbox / "linked-batch").symlink_to(batch, target_is_directory=True)
    (inbox / "linked.zip").symlink_to(tmp_path / "outside" / "secret" / "web-secret-key")
    (inbox / "dangling").symlink_to(tmp_path / "nowhere")
    real = inbox / "real"
    real.mkdir()
    (real / "a.png").write_bytes(image_bytes("PNG"))
    (real / "elsewhere.png").symlink_to(tmp_path / "nowhere")  # dangling, inside a batch

    taken = take_ready_batches(inbox, settle_seconds=0)
    assert [p.name.split("-", 2)[-1] for p in taken.batches] == ["real"]
    assert sorted(taken.refused) == ["dangling", "linked-batch", "linked.zip"]
    refused = sorted((inbox / REFUSED).iterdir())
    names = [p.name.split("-", 2)[-1] for p in refused]
    assert names == ["dangling", "linked-batch", "linked.zip"]  # moved aside, never read
    assert all(p.is_symlink() for p in refused)
