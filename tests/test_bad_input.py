"""Bad input: each bad file is reported by name with the reason and kept in quarantine, the
rest of the batch is archived, and the exit status says something went wrong."""

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from samples.batch import render
from tests.bad_files import BAD_FILES, DAMAGED_FILES, write_bad_files
from tests.conftest import ROOT, sohoa


def scan(corpus_id: str, path: Path) -> Path:
    image, _ = render(corpus_id, 200, "clean", seed=0)[0]
    image.save(path, dpi=(200, 200))
    return path


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    batch = tmp_path_factory.mktemp("bad") / "batch"
    write_bad_files(batch)
    scan("002", batch / "good.tif")
    Image.new("RGB", (300, 300), "white").save(batch / "baddate.png", dpi=(300, 300))
    (batch / "manifest.csv").write_text(
        "Tệp,Ngày ban hành,Cột lạ\n"
        "good.tif,14/01/1998,x\n"
        "missing.tif,01/01/2000,\n"
        "baddate.png,32/13/2020,\n",
        encoding="utf-8",
    )
    return batch


def test_bad_files_quarantined_with_reasons_and_the_rest_archived(
    bad_batch: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    result = sohoa(home, "ingest", str(bad_batch), "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    status = {d["name"]: (d["status"], d["reason"]) for d in report["documents"]}
    assert status.pop("good.tif") == ("archived", None)
    assert status.pop("baddate.png") == (
        "quarantined",
        "manifest.csv row 4, column Ngày ban hành (issue_date): '32/13/2020' is not a date;"
        " write it as YYYY-MM-DD or DD/MM/YYYY",
    )
    for name, (_, expected) in BAD_FILES.items():
        state, reason = status.pop(name)
        assert state == "quarantined" and reason.startswith(f"{name}: {expected}"), (name, reason)
    for name, (_, expected) in DAMAGED_FILES.items():
        state, reason = status.pop(name)
        assert state == "quarantined" and reason.startswith(expected), (name, reason)
    assert status == {}
    assert "manifest.csv row 3: 'missing.tif' is not in the batch" in report["problems"]
    assert any("unknown column 'Cột lạ'" in p for p in report["problems"])
    quarantine = home / "archive" / "batches" / report["batch_id"] / "quarantine"
    assert sorted(p.name for p in quarantine.iterdir()) == sorted(
        [*BAD_FILES, *DAMAGED_FILES, "baddate.png"]
    )
    assert (quarantine / "notes.jpg").read_bytes() == (
        bad_batch / "notes.jpg"
    ).read_bytes()  # nothing lost
    assert (home / "archive" / "batches" / report["batch_id"] / "manifest.csv").exists()

    text = sohoa(home, "ingest", str(bad_batch))  # the same, for a person: names and reasons shown
    assert text.returncode == 1
    assert "truncated.jpg" in text.stdout and "encrypted PDF" in text.stdout
    assert "1 already archived, 9 quarantined" in text.stdout


def test_zip_slip_entry_is_quarantined(tmp_path: Path) -> None:
    archive = tmp_path / "upload" / "batch.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.write(scan("004", tmp_path / "letter.png"), "hop-01/letter.png")
        z.writestr("../../evil.txt", "owned")
    result = sohoa(tmp_path / "home", "ingest", str(archive), "--json")
    assert result.returncode == 1, result.stderr
    documents = {d["name"]: d for d in json.loads(result.stdout)["documents"]}
    assert documents["hop-01"]["status"] == "archived"
    assert documents["hop-01"]["number_symbol"] == "7259/VPCP-QHQT"
    assert documents["../../evil.txt"]["status"] == "quarantined"
    assert "unsafe path" in documents["../../evil.txt"]["reason"]
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ("nowhere", "does not exist"),
        ("plain.txt", "neither a folder nor a zip file"),
        ("[red]box [/]", "[red]box [/] does not exist"),  # shown as typed, not as markup
    ],
)
def test_unreadable_batch_exits_2_with_a_message(tmp_path: Path, batch: str, message: str) -> None:
    (tmp_path / "plain.txt").write_text("hello")
    result = sohoa(tmp_path / "home", "ingest", str(tmp_path / batch))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_setting_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "SOHOA_HOME": str(tmp_path), "SOHOA_WORKERS": "many"}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "sohoa"), "search", "x"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "bad SOHOA_* setting" in result.stderr and "workers" in result.stderr
