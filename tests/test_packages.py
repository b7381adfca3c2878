"""The archived packages (E-ARK CSIP): METS valid against its schema and listing every
object with its checksum, PREMIS and Dublin Core; the DIP given to a user; the catalog and
the index rebuilt from the packages alone; `sohoa verify`."""

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree

from archive_schema.catalog import Catalog
from archive_schema.errors import UserError
from archive_schema.identifiers import sha256_file
from pipelines.archive import Archive
from pipelines.package.dip import export_package
from pipelines.package.layout import METS_FILE, RECORD, package_prefix
from pipelines.package.mets import CSIP_NS, DC_NS, METS_NS, PREMIS_NS, listed_files
from pipelines.package.read import stored_sha256
from tests.conftest import Ingested, sohoa

QUERIES = ("quyết định", "quyet dinh", "ủy ban nhân dân", "khu kinh tế")


def test_every_package_is_valid_mets_listing_every_object(
    ingested: Ingested, mets_schema: etree.XMLSchema
) -> None:
    store = Archive(ingested.settings).store
    documents = list(Catalog(ingested.settings.database_url).documents())
    assert len(documents) == 5
    for doc in documents:
        prefix = package_prefix(doc.id)
        mets = store.open(prefix + METS_FILE).read()
        tree = etree.fromstring(mets)
        assert mets_schema.validate(tree), mets_schema.error_log
        assert tree.get("OBJID") == doc.id
        header = tree.find(f"{{{METS_NS}}}metsHdr")
        assert header is not None and header.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE") == "AIP"
        listed = listed_files(mets)
        assert {prefix + f.path for f in listed} | {prefix + METS_FILE} == set(store.keys(prefix))
        for f in listed:
            assert stored_sha256(store, prefix + f.path) == f.sha256, f.path
        uses = {g.get("USE") for g in tree.iter(f"{{{METS_NS}}}fileGrp")}
        assert uses == {
            "Documentation",
            "Schemas",
            "Representations/original",
            "Representations/pdfa",
            "Representations/text",
        }


def test_premis_and_dublin_core_describe_the_record(ingested: Ingested) -> None:
    store = Archive(ingested.settings).store
    doc = next(Catalog(ingested.settings.database_url).documents())
    prefix = package_prefix(doc.id)
    premis = etree.fromstring(store.open(prefix + "metadata/preservation/premis.xml").read())
    events = [e.findtext(f"{{{PREMIS_NS}}}eventType") for e in premis.iter(f"{{{PREMIS_NS}}}event")]
    assert "transcription" in events and "information package creation" in events
    digests = {d.text for d in premis.iter(f"{{{PREMIS_NS}}}messageDigest")}
    assert doc.pdf_sha256 in digests and {o.sha256 for o in doc.originals} <= digests
    registry = {  # each file's format, by its PRONOM identifier
        o.findtext(f".//{{{PREMIS_NS}}}objectIdentifierValue"): o.findtext(
            f".//{{{PREMIS_NS}}}formatRegistryKey"
        )
        for o in premis.iter(f"{{{PREMIS_NS}}}object")
    }
    assert all(registry.values()), registry
    expected = {"image/tiff": "fmt/353", "image/png": {"fmt/11", "fmt/12", "fmt/13"}}
    for original in doc.originals:
        key = registry[f"representations/original/data/{original.name}"]
        assert key == original.puid and key in expected.get(original.media_type, {key})
    dc = etree.fromstring(store.open(prefix + "metadata/descriptive/dc.xml").read())
    assert dc.findtext(f"{{{DC_NS}}}title") == doc.subject
    assert dc.findtext(f"{{{DC_NS}}}language") == "vi"


def test_the_mets_schema_refuses_a_broken_mets(
    ingested: Ingested, mets_schema: etree.XMLSchema
) -> None:
    doc = next(Catalog(ingested.settings.database_url).documents())
    tree = etree.fromstring(
        Archive(ingested.settings).store.open(package_prefix(doc.id) + METS_FILE).read()
    )
    next(tree.iter(f"{{{METS_NS}}}file")).attrib.pop("ID")
    assert not mets_schema.validate(tree)
    assert "ID" in str(mets_schema.error_log)


def test_a_dip_unpacks_to_one_folder_that_its_mets_describes(
    ingested: Ingested,
    mets_schema: etree.XMLSchema,
    tmp_path: Path,
    verapdf: Callable[[list[Path]], dict[Path, str]],
) -> None:
    catalog = Catalog(ingested.settings.database_url)
    doc = next(catalog.documents())
    result = sohoa(ingested.settings.home, "export-package", doc.id, "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = tmp_path / f"{doc.id}.zip"
    assert f"{doc.id}: {written}" in result.stderr
    with zipfile.ZipFile(written) as dip:
        assert {name.split("/")[0] for name in dip.namelist()} == {doc.id}
        dip.extractall(tmp_path / "dip")
    root = tmp_path / "dip" / doc.id
    tree = etree.parse(root / METS_FILE)
    assert mets_schema.validate(tree), mets_schema.error_log
    header = tree.getroot().find(f"{{{METS_NS}}}metsHdr")
    assert header is not None and header.get(f"{{{CSIP_NS}}}OAISPACKAGETYPE") == "DIP"
    for f in listed_files((root / METS_FILE).read_bytes()):
        assert (root / f.path).stat().st_size == f.size, f.path
        assert sha256_file(root / f.path) == f.sha256, f.path
    assert json.loads((root / RECORD).read_text())["id"] == doc.id
    [copy] = root.glob("representations/pdfa/data/*.pdf")  # not signed: marked a copy
    with pypdfium2.PdfDocument(copy) as pdf:
        assert all("BẢN SAO" in page.get_textpage().get_text_range() for page in pdf)
    assert verapdf([copy]) == {copy: "PASS"}
    with pytest.raises(UserError, match="no archived record nowhere"):
        export_package(Archive(ingested.settings), "nowhere", tmp_path)
    assert not list(tmp_path.glob("*.part"))


def test_rebuild_recreates_catalog_and_index_with_the_same_search_results(
    ingested: Ingested, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(ingested.settings.home, home)
    before = {q: json.loads(sohoa(home, "search", q, "--json").stdout) for q in QUERIES}
    assert all(answer["total"] for answer in before.values())
    for lost in [*home.glob("catalog.db*"), *home.glob("search.db*")]:
        lost.unlink()
    rebuilt = sohoa(home, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (
        "5 records restored into the catalog (0 were there), 0 fonds and dossiers, 5 indexed"
        in rebuilt.stderr
    )
    after = {q: json.loads(sohoa(home, "search", q, "--json").stdout) for q in QUERIES}
    assert after == before
    batches = Catalog(f"sqlite:///{home / 'catalog.db'}").batches()
    assert [b.source for b in batches] == [ingested.report.source]
    again = sohoa(home, "rebuild")
    said = "0 records restored into the catalog (5 were there), 0 fonds and dossiers, 5 indexed"
    assert said in again.stderr


def test_verify_reports_missing_changed_and_unexpected_objects(
    ingested: Ingested, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(ingested.settings.home, home)
    passed = sohoa(home, "verify")
    assert passed.returncode == 0, passed.stderr
    assert "objects in" in passed.stderr and "all match" in passed.stderr
    doc = next(Catalog(f"sqlite:///{home / 'catalog.db'}").documents())
    package = home / "archive" / package_prefix(doc.id)
    text = next(package.glob("representations/text/data/*.txt"))
    text.write_text("altered")
    layout = next(package.glob("representations/text/data/*.layout.json"))
    layout.unlink()
    (package / "stray.txt").write_text("?")
    failed = sohoa(home, "verify")
    assert failed.returncode == 1
    assert (
        "0 missing" not in failed.stderr and "1 missing, 1 changed, 1 unexpected" in failed.stderr
    )
    rel = f"records/{doc.id}/representations/text/data"
    assert f"{rel}/{text.name}: SHA-256 is" in failed.stderr
    assert "the catalog recorded" in failed.stderr and "the METS recorded" in failed.stderr
    assert f"{rel}/{layout.name}: missing from" in failed.stderr
    assert f"records/{doc.id}/stray.txt: listed by no record" in failed.stderr
    events = Catalog(f"sqlite:///{home / 'catalog.db'}").events(doc.id)
    assert sum(e.stage == "fixity" and e.outcome == "failed" for e in events) == 2
