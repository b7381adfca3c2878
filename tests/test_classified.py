"""Secret-marked records (MẬT, TỐI MẬT, TUYỆT MẬT): the law on state secrets (29/2018/QH14,
Art. 5.8) forbids keeping them on a networked computer, so ingest keeps them out of the
archive, catalog, index and store, naming the law in Vietnamese, unless the deployment
declares itself air-gapped (SOHOA_CLASSIFIED_ARCHIVE=true)."""

import csv
from pathlib import Path

import pytest

from archive_schema.models import Status
from pipelines.archive import Archive
from pipelines.ingest.report import Outcome
from pipelines.ingest.runner import ingest
from samples.batch import write_batch
from tests.conftest import make_settings


def secret_batch(folder: Path) -> Path:
    """Two letters; the manifest marks the second TỐI MẬT."""
    batch = write_batch(folder, ["004", "006"], dpi=200, condition="clean", seed=1)
    names = [doc.name for doc in batch.documents]
    with (batch.path / "manifest.csv").open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["Tệp", "Độ mật"])
        rows.writerows([[names[0], ""], [names[1], "TỐI MẬT"]])
    return batch.path


@pytest.mark.parametrize("air_gapped", [False, True])
def test_a_secret_marked_record_is_kept_out_unless_the_archive_is_air_gapped(
    tmp_path: Path, air_gapped: bool
) -> None:
    batch = secret_batch(tmp_path / "batch")
    archive = Archive(make_settings(tmp_path / "home", classified_archive=air_gapped))
    report = ingest(batch, archive)
    outcomes = {entry.name: entry for entry in report.documents}
    secret = outcomes[sorted(outcomes)[1]]
    assert outcomes[sorted(outcomes)[0]].status == Outcome.ARCHIVED
    archived = {doc.id: doc for doc in archive.catalog.documents(Status.ARCHIVED)}
    if air_gapped:
        assert secret.status == Outcome.ARCHIVED and secret.id in archived
        assert (archived[secret.id].secrecy, archived[secret.id].access_level) == (
            "TỐI MẬT",
            "secret",
        )
        return
    assert secret.status == Outcome.QUARANTINED
    assert secret.reason_vi is not None
    assert "Luật Bảo vệ bí mật nhà nước (29/2018/QH14, Điều 5, khoản 8)" in secret.reason_vi
    assert "“TỐI MẬT”" in secret.reason_vi
    assert len(archived) == 1
    kept = list(archive.store.keys())
    assert not [key for key in kept if "quarantine" in key]  # not even in the quarantine
    assert all(secret.name not in key for key in kept)
