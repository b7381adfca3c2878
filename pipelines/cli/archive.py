"""`sohoa verify`, `sohoa rebuild`, `sohoa export-package`: the integrity of the archive
store, and the archive read back from it."""

from pathlib import Path

import click
from rich.progress import Progress

from pipelines.cli.common import err, open_archive, reported_errors, step


@click.command()
@click.option(
    "--repair",
    is_flag=True,
    help="First write again the METS.xml of each package that lost it (or whose METS cannot"
    " be read), when the package's files match their checksums, and remove what writes"
    " killed half way left.",
)
def verify(repair: bool) -> None:
    """With a replica (SOHOA_REPLICA_URL), first compare the two copies, object by object,
    and write a damaged or missing one again from the other where a recorded checksum says
    which is right. Hash every archived object again and compare it with the catalog and the
    package's METS; list lost, missing, changed and unexpected objects (exit 1 when there
    are any). Then validate every signature of the electronic originals again, listing what
    changed."""
    from pipelines.upkeep.fixity import FixityFailed, audit_fixity
    from pipelines.upkeep.repair import repair_packages
    from pipelines.upkeep.replica import audit_replica
    from pipelines.upkeep.signatures import revalidate

    archive = open_archive()
    with reported_errors(), archive, Progress(console=err, transient=True) as bar:
        replica = audit_replica(archive, step(bar, "Comparing the two copies"))
        for line in (replica.repaired + replica.busy) if replica else []:
            bar.console.print(line, markup=False, highlight=False)
        if replica and replica.problems:
            bar.stop()
            err.print(replica.failure(archive.settings.storage_url), markup=False, highlight=False)
            raise SystemExit(1)
        if repair:
            done = repair_packages(archive, step(bar, "Repairing packages"))
            for document_id in done.repaired:
                bar.console.print(f"repaired: records/{document_id}/METS.xml written again")
            for refusal in done.refused:
                bar.console.print(f"not repaired: {refusal}", markup=False, highlight=False)
            swept = archive.store.sweep(thorough=True)
            bar.console.print(f"removed {swept} objects left by writes killed half way")
        try:
            audit = audit_fixity(archive, step(bar, "Verifying records"))
        except FixityFailed as failed:
            bar.stop()
            err.print(str(failed), markup=False, highlight=False)
            raise SystemExit(1) from failed
        signed = revalidate(archive, step(bar, "Validating signatures"))
    err.print(f"{audit.checked} objects in {archive.settings.storage_url}: all match")
    for change in signed.changed:
        err.print(change, markup=False, highlight=False)
    err.print(f"{signed.checked} signatures validated again, {signed.not_valid} not valid")


@click.command()
def rebuild() -> None:
    """Recreate the catalog and the search index from the packages in the archive store
    alone (after losing the catalog): records already in the catalog are left as they are."""
    from pipelines.upkeep.rebuild import rebuild as rebuild_archive

    with reported_errors(), open_archive() as archive, Progress(console=err, transient=True) as bar:
        done = rebuild_archive(archive, step(bar, "Reading packages"))
    err.print(
        f"{done.restored} records restored into the catalog ({done.present} were there),"
        f" {done.units} fonds and dossiers, {done.indexed} indexed"
    )


@click.command("export-package")
@click.argument("document_id")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path(),
    show_default=True,
    help="The .zip to write, or a folder to write <id>.zip in.",
)
def export_package(document_id: str, output: Path) -> None:
    """Write an archived record as an E-ARK DIP (a ZIP of its package, checked against its
    METS) for a user."""
    from pipelines.package.dip import export_package as write_dip

    with reported_errors():
        written = write_dip(open_archive(), document_id, output)
    err.print(f"{document_id}: {written} ({written.stat().st_size / 1e6:.1f} MB)")
