"""E-ARK SIPs (gói tin giao nộp, the handover package TT 05/2025 adopts): a zip whose
METS.xml lists every file of it with its checksum. Every file is checked against it before
anything is taken; the data of the SIP's first representation becomes a document of a
batch, described by the SIP's Dublin Core (title, identifier, date, creator, type) when it
has one; whatever else the SIP holds stays in the batch's folder of what it brought."""

import csv
import hashlib
import re
import shutil
from pathlib import Path, PurePosixPath

from lxml import etree

from archive_schema.errors import UserError
from archive_schema.vocab import doc_type_named
from pipelines.ingest.zips import ZipRefused, unpack
from pipelines.package.mets import DC_NS, METS_NS, XLINK_NS

METS = "METS.xml"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATA = "data"
ALGORITHMS = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}
DUBLIN_CORE = {  # a DC element -> the record field it gives
    "title": "subject",
    "identifier": "number_symbol",
    "date": "issue_date",
    "creator": "issuing_agency",
    "type": "doc_type",
}


class SipRefused(UserError):
    """The SIP is not whole or not one; the message names the file and why."""


def sip_batch(sip: Path, work: Path) -> Path:
    """The batch a SIP hands over, made in `work`: its first representation's data as one
    document, with a manifest of what its Dublin Core says."""
    unpacked = work / "sip"
    try:
        unsafe = unpack(sip, unpacked, work / "unsafe")
    except ZipRefused as error:
        raise SipRefused(str(error), error.vi) from error
    if unsafe:
        name, why, _ = unsafe[0]
        raise SipRefused(f"{name}: {why.en}", f"{name}: {why.vi}")
    root = _root(unpacked)
    listed = _listed(root)
    data = sorted(
        (path for path in listed if len(path.parts) > 3 and path.parts[0] == "representations"),
        key=lambda path: (path.parts[1], path.parts),
    )
    first = (
        [path for path in data if path.parts[1] == data[0].parts[1] and path.parts[2] == DATA]
        if data
        else []
    )
    if not first:
        raise SipRefused(
            f"{METS}: lists no file under representations/<name>/data/",
            f"{METS}: gói không có tệp dữ liệu nào (representations/<tên>/data/).",
        )
    batch = work / "batch"
    document = batch / first[0].parts[1] if len(first) > 1 else batch
    for path in first:
        target = document / PurePosixPath(*path.parts[3:])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(root / path, target)
    entry = document.name if len(first) > 1 else PurePosixPath(*first[0].parts[3:]).as_posix()
    described = _described(root, listed)
    with (batch / "manifest.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["file", *described])
        writer.writerow([entry, *described.values()])
    return batch


def _root(unpacked: Path) -> Path:
    """The SIP's folder: where its METS.xml is, at the top or in its one folder."""
    if (unpacked / METS).is_file():
        return unpacked
    inside = [p for p in unpacked.iterdir() if p.is_dir()]
    if len(inside) == 1 and (inside[0] / METS).is_file():
        return inside[0]
    raise SipRefused(f"no {METS} at the top of the SIP", f"Gói không có tệp {METS} ở thư mục gốc.")


def _listed(root: Path) -> list[PurePosixPath]:
    """Every file the METS lists, each checked: there, and matching its checksum."""
    try:
        mets = etree.parse(root / METS)
    except etree.XMLSyntaxError as error:
        raise SipRefused(f"{METS}: not XML ({error})", f"{METS}: không phải XML hợp lệ.") from error
    listed = []
    for element in mets.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
        located = element if element.tag.endswith("mdRef") else element.find(f"{{{METS_NS}}}FLocat")
        href = located.get(f"{{{XLINK_NS}}}href", "") if located is not None else ""
        path = PurePosixPath(href.removeprefix("./"))
        if not href or path.is_absolute() or ".." in path.parts:
            raise SipRefused(
                f"{METS}: a file without a path inside the SIP: {href!r}",
                f"{METS}: có tệp với đường dẫn không hợp lệ '{href}'.",
            )
        _check(root, path, element.get("CHECKSUM", ""), element.get("CHECKSUMTYPE", ""))
        listed.append(path)
    return listed


def _check(root: Path, path: PurePosixPath, checksum: str, kind: str) -> None:
    file = root / path
    if not file.is_file():
        raise SipRefused(
            f"{path}: listed in {METS}, not in the SIP",
            f"{path}: có trong {METS} nhưng không có trong gói.",
        )
    if kind not in ALGORITHMS or not checksum:
        raise SipRefused(
            f"{path}: {METS} gives no checksum of a known kind ({', '.join(ALGORITHMS)})",
            f"{path}: {METS} không ghi mã kiểm tra (checksum) của tệp này.",
        )
    digest = hashlib.new(ALGORITHMS[kind])
    with file.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest().lower() != checksum.lower():
        raise SipRefused(
            f"{path}: its {kind} does not match {METS}: the file changed, or the METS is wrong",
            f"{path}: mã kiểm tra không khớp với {METS}: tệp đã bị thay đổi hoặc hỏng.",
        )


def _described(root: Path, listed: list[PurePosixPath]) -> dict[str, str]:
    """What the SIP's Dublin Core says of the record, as manifest columns."""
    for path in listed:
        if path.suffix.lower() != ".xml" or path.name == METS:
            continue
        try:
            tree = etree.parse(root / path)
        except etree.XMLSyntaxError:
            continue
        found = {}
        for element, field in DUBLIN_CORE.items():
            value = tree.findtext(f".//{{{DC_NS}}}{element}")
            if value and value.strip():
                found[field] = value.strip()
        if found.get("doc_type") and doc_type_named(found["doc_type"]) is None:
            del found["doc_type"]  # a DC type ("Text") that is not a document type
        if "number_symbol" in found and "/" not in found["number_symbol"]:
            del found["number_symbol"]  # an identifier that is no number and notation
        if "issue_date" in found and not ISO_DATE.fullmatch(found["issue_date"]):
            del found["issue_date"]  # a year, a range: not the date of a document
        if found:
            return found
    return {}
