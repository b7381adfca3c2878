"""A package that lost its METS.xml is named, with how to repair it, by every command that
meets it (verify, reindex, ingest, rebuild), and `sohoa verify --repair` writes it again
from the record when the package's files match, with the catalog or without it."""

import json
from pathlib import Path

from samples.batch import write_batch
from tests.conftest import sohoa


def test_a_lost_mets_is_named_everywhere_and_repaired(tmp_path: Path) -> None:
    home = tmp_path / "home"
    batch = write_batch(tmp_path / "batch", ["004", "016"], dpi=200, condition="clean").path
    ingested = sohoa(home, "ingest", str(batch), "--json")
    assert ingested.returncode == 0, ingested.stderr
    documents = {d["name"]: d for d in json.loads(ingested.stdout)["documents"]}
    lost, number = (documents[min(documents)][key] for key in ("id", "number_symbol"))
    mets = home / "archive" / "records" / lost / "METS.xml"
    mets.unlink()

    verify = sohoa(home, "verify")
    assert verify.returncode == 1
    assert f"records/{lost}/METS.xml: missing" in verify.stderr
    assert "sohoa verify --repair" in verify.stderr
    assert "listed by no record" not in verify.stderr  # its own files are its own

    reindex = sohoa(home, "reindex")
    assert reindex.returncode == 2
    assert f"records/{lost}/: archived, but its METS.xml is missing" in reindex.stderr

    again = sohoa(home, "ingest", str(batch), "--json")
    assert again.returncode == 1
    outcome = {d["id"]: d for d in json.loads(again.stdout)["documents"]}[lost]
    assert outcome["status"] == "failed" and "lost its METS.xml" in outcome["reason"]
    assert "sohoa verify --repair" in outcome["reason"]

    repaired = sohoa(home, "verify", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert f"repaired: records/{lost}/METS.xml written again" in repaired.stderr
    assert mets.is_file()
    assert sohoa(home, "reindex").returncode == 0
    found = json.loads(sohoa(home, "search", number, "--json").stdout)
    assert found["hits"][0]["document_id"] == lost  # searchable again

    # the catalog lost as well: rebuild names the package, the repair works from the package
    mets.unlink()
    (home / "catalog.db").unlink()
    rebuild = sohoa(home, "rebuild")
    assert rebuild.returncode == 2
    assert "1 records restored" in rebuild.stderr
    assert f"records/{lost}/: no METS.xml" in rebuild.stderr
    repaired = sohoa(home, "verify", "--repair")
    assert f"repaired: records/{lost}/METS.xml written again" in repaired.stderr
    assert repaired.returncode == 1  # repaired, and not yet in the catalog:
    assert f"records/{lost}/: a package the catalog has no record of" in repaired.stderr
    assert "listed by no record" not in repaired.stderr
    rebuilt = sohoa(home, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 records restored into the catalog (1 were there)" in rebuilt.stderr
    assert sohoa(home, "verify").returncode == 0


def test_a_package_whose_files_changed_is_not_repaired(tmp_path: Path) -> None:
    home = tmp_path / "home"
    batch = write_batch(tmp_path / "batch", ["004"], dpi=200, condition="clean").path
    ingested = sohoa(home, "ingest", str(batch), "--json")
    assert ingested.returncode == 0, ingested.stderr
    (record_id,) = [d["id"] for d in json.loads(ingested.stdout)["documents"]]
    package = home / "archive" / "records" / record_id
    (package / "METS.xml").unlink()
    text = next((package / "representations" / "text" / "data").glob("*.txt"))
    text.write_text("altered")
    refused = sohoa(home, "verify", "--repair")
    assert refused.returncode == 1
    assert f"not repaired: records/{record_id}/: not repaired:" in refused.stderr
    assert text.name in refused.stderr and not (package / "METS.xml").exists()
