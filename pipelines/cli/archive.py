"""`sohoa verify`, `sohoa rebuild`, `sohoa export-package`: the integrity of the archive
store, and the archive read back from it."""

from pathlib import Path

import click
from rich.progress import Progress

from pipelines.cli.common import err, open_archive, reported_errors


@click.command()
@click.option(
    "--repair",
    is_flag=True,
    help="First write again the METS.xml of each package that lost it (or whose METS cannot"
    " be read), when the package's files match their checksums, and remove what writes"
    " killed half way left.",
)
def verify(repair: bool) -> None:
    """Hash every archived object again and compare it with the catalog and the package's
    METS; list missing, changed and unexpected objects (exit 1 when there are any). Then
    validate every signature of the electronic originals again, listing what changed."""
    from pipelines.upkeep.fixity import FixityFailed, audit_fixity
    from pipelines.upkeep.repair import repair_packages
    from pipelines.upkeep.signatures import revalidate

    archive = open_archive()
    with reported_errors(), archive, Progress(console=err, transient=True) as bar:
        if repair:
            task = bar.add_task("Repairing packages", total=None)
            done = repair_packages(
                archive, lambda n, total: bar.update(task, completed=n, total=total)
            )
            for document_id in done.repaired:
                bar.console.print(f"repaired: records/{document_id}/METS.xml written again")
            for refusal in done.refused:
                bar.console.print(f"not repaired: {refusal}", markup=False, highlight=False)
            swept = archive.store.sweep(thorough=True)
            bar.console.print(f"removed {swept} objects left by writes killed half way")
        task = bar.add_task("Verifying records", total=None)
        try:
            audit = audit_fixity(
                archive, lambda n, total: bar.update(task, completed=n, total=total)
            )
        except FixityFailed as failed:
            bar.stop()
            err.print(str(failed), markup=False, highlight=False)
            raise SystemExit(1) from failed
        task = bar.add_task("Validating signatures", total=None)
        signed = revalidate(archive, lambda n, total: bar.update(task, completed=n, total=total))
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
        task = bar.add_task("Reading packages", total=None)
        done = rebuild_archive(archive, lambda n, total: bar.update(task, completed=n, total=total))
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
