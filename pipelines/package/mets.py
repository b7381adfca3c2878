"""The E-ARK CSIP documents of a package (the structure TT 05/2025 adopts): the METS that
lists every file with its size and SHA-256, the Dublin Core description, and the PREMIS
record of the files and of what was done to the record, so that the archive can be read
back without sohoa."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version

from lxml import etree
from lxml.builder import ElementMaker

from archive_schema.models import Document, Event

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
PREMIS_NS = "http://www.loc.gov/premis/v3"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
SOFTWARE = "sohoa"
CONTENT_TYPE = {
    f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": "OTHER",
    f"{{{CSIP_NS}}}OTHERCONTENTINFORMATIONTYPE": "TT 05/2025/TT-BNV",
}

METS = ElementMaker(namespace=METS_NS, nsmap={"mets": METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS})
PREMIS = ElementMaker(namespace=PREMIS_NS, nsmap={"premis": PREMIS_NS})
DC = ElementMaker(namespace=DC_NS, nsmap={"dc": DC_NS})

# What each stage of sohoa is, in the PREMIS event type vocabulary (id.loc.gov).
EVENT_TYPES = {
    "intake": "ingestion start",
    "ocr": "transcription",
    "describe": "metadata extraction",
    "classify": "policy assignment",
    "package": "information package creation",
    "register": "accession",
    "index": "metadata modification",
    "fixity": "fixity check",
    "reclassify": "policy assignment",
    "hold": "policy assignment",
    "release": "policy assignment",
    "signatures": "validation",
}


@dataclass(frozen=True)
class PackageFile:
    """A file of a package, by its path inside the package."""

    path: str
    sha256: str
    size: int
    media_type: str
    puid: str | None = None  # its format in PRONOM


# The PRONOM identifiers of the files sohoa makes itself (originals are identified by FIDO).
MADE = {
    "application/pdf": "fmt/477",  # PDF/A-2b
    "text/plain": "x-fmt/111",
    "application/json": "fmt/817",
    "application/xml": "fmt/101",
}


def mets_document(
    doc: Document,
    created: datetime,
    metadata: Mapping[str, Sequence[PackageFile]],
    groups: Mapping[str, Sequence[PackageFile]],
) -> bytes:
    """The package's METS.xml. `metadata` holds the descriptive and preservation files,
    `groups` the files of each file group ("Documentation", "Schemas",
    "Representations/<name>")."""
    stamp = _time(created)
    sections = {
        kind: [_md_section(kind, f"{kind}-{n}", f, stamp) for n, f in enumerate(files, 1)]
        for kind, files in metadata.items()
    }
    dmd_ids = " ".join(s.get("ID") for s in sections.get("descriptive", []))
    amd_ids = " ".join(s.get("ID") for s in sections.get("preservation", []))
    numbered = _number(groups)
    file_groups = [
        METS.fileGrp(*(_file(file_id, f, stamp) for file_id, f in files), ID=_id(use), USE=use)
        for use, files in numbered.items()
    ]
    representations = [use for use in groups if use.startswith("Representations/")]
    root = METS.mets(
        _header(stamp),
        *sections.get("descriptive", []),
        METS.amdSec(*sections.get("preservation", []), ID="amd"),
        METS.fileSec(*file_groups, ID="files"),
        METS.structMap(
            METS.div(
                METS.div(ID="div-metadata", LABEL="Metadata", DMDID=dmd_ids, ADMID=amd_ids),
                *(
                    METS.div(METS.fptr(FILEID=_id(use)), ID=f"div-{_id(use)}", LABEL=use)
                    for use in groups
                    if use not in representations
                ),
                METS.div(
                    *(METS.fptr(FILEID=_id(use)) for use in representations),
                    ID="div-representations",
                    LABEL="Representations",
                ),
                ID="div-package",
                LABEL=doc.id,
            ),
            ID="structure",
            TYPE="PHYSICAL",
            LABEL="CSIP",
        ),
        CONTENT_TYPE,
        OBJID=doc.id,
        LABEL=doc.subject or doc.source_name,
        TYPE="Textual works – Digital",
        PROFILE=PROFILE,
    )
    return _serialise(root)


def parent_mets(
    object_id: str,
    label: str,
    created: datetime,
    descriptive: Sequence[PackageFile],
    children: Sequence[tuple[str, str]],
) -> bytes:
    """The METS of a parent package (a dossier or a fonds, TT 05/2025's upper levels): its
    description, and in its structure a pointer (mptr) to the METS of each child package,
    as (label, path from this package), in their order."""
    stamp = _time(created)
    sections = [
        _md_section("descriptive", f"descriptive-{n}", f, stamp)
        for n, f in enumerate(descriptive, 1)
    ]
    root = METS.mets(
        _header(stamp),
        *sections,
        METS.structMap(
            METS.div(
                METS.div(
                    ID="div-metadata",
                    LABEL="Metadata",
                    DMDID=" ".join(s.get("ID") for s in sections),
                ),
                *(
                    METS.div(
                        METS.mptr(
                            {
                                f"{{{XLINK_NS}}}type": "simple",
                                f"{{{XLINK_NS}}}href": href,
                                "LOCTYPE": "URL",
                            }
                        ),
                        ID=f"div-child-{n}",
                        LABEL=child,
                    )
                    for n, (child, href) in enumerate(children, 1)
                ),
                ID="div-package",
                LABEL=object_id,
            ),
            ID="structure",
            TYPE="PHYSICAL",
            LABEL="CSIP",
        ),
        CONTENT_TYPE,
        OBJID=object_id,
        LABEL=label,
        TYPE="Textual works – Digital",
        PROFILE=PROFILE,
    )
    return _serialise(root)


def child_packages(mets: bytes) -> list[str]:
    """The paths to the METS of a parent package's children, in their order."""
    root = etree.fromstring(mets)
    return [m.get(f"{{{XLINK_NS}}}href") for m in root.iter(f"{{{METS_NS}}}mptr")]


def _header(stamp: str) -> etree._Element:
    return METS.metsHdr(
        METS.agent(
            METS.name(SOFTWARE),
            METS.note(version(SOFTWARE), {f"{{{CSIP_NS}}}NOTETYPE": "SOFTWARE VERSION"}),
            ROLE="CREATOR",
            TYPE="OTHER",
            OTHERTYPE="SOFTWARE",
        ),
        {f"{{{CSIP_NS}}}OAISPACKAGETYPE": "AIP"},
        CREATEDATE=stamp,
        LASTMODDATE=_time(datetime.now(UTC)),
        RECORDSTATUS="NEW",
    )


def as_dip(mets: bytes, changed: Sequence[PackageFile] = ()) -> bytes:
    """The METS of a package delivered to a user: package type DIP, the same files, those
    `changed` for the user (a copy marked as one) with their own size and checksum."""
    root = etree.fromstring(mets)
    for f in changed:
        for located in root.iter(f"{{{METS_NS}}}FLocat"):
            if located.get(f"{{{XLINK_NS}}}href") == f.path:
                entry = located.getparent()
                entry.set("SIZE", str(f.size))
                entry.set("CHECKSUM", f.sha256)
    header = root.find(f"{{{METS_NS}}}metsHdr")
    header.set(f"{{{CSIP_NS}}}OAISPACKAGETYPE", "DIP")
    header.set("LASTMODDATE", _time(datetime.now(UTC)))
    return _serialise(root)


def listed_files(mets: bytes) -> list[PackageFile]:
    """Every file a METS lists, metadata included, with the checksum it records."""
    root = etree.fromstring(mets)
    listed = []
    for element in root.iter(f"{{{METS_NS}}}file", f"{{{METS_NS}}}mdRef"):
        location = element if element.tag.endswith("mdRef") else element[0]
        listed.append(
            PackageFile(
                path=location.get(f"{{{XLINK_NS}}}href"),
                sha256=element.get("CHECKSUM"),
                size=int(element.get("SIZE")),
                media_type=element.get("MIMETYPE"),
            )
        )
    return listed


def dublin_core(doc: Document) -> bytes:
    """The record described in simple Dublin Core."""
    fields = [
        ("identifier", doc.code or doc.id),
        ("identifier", doc.number_symbol),
        ("title", doc.subject),
        ("type", doc.doc_type),
        ("creator", doc.issuing_agency),
        ("date", doc.issue_date.isoformat() if doc.issue_date else None),
        ("coverage", doc.place),
        ("language", doc.language),
        ("format", "application/pdf"),
        ("rights", doc.access_level),
    ]
    return described(fields)


def described(fields: Sequence[tuple[str, str | None]]) -> bytes:
    """Simple Dublin Core of (element, value) pairs, those without a value left out."""
    return _serialise(DC.record(*(getattr(DC, name)(value) for name, value in fields if value)))


def premis(doc: Document, files: Sequence[PackageFile], events: Sequence[Event]) -> bytes:
    """The PREMIS record: each file with its fixity, each event with its outcome, and
    sohoa, the agent of them all."""
    agent = PREMIS.agentIdentifier(
        PREMIS.agentIdentifierType("software"), PREMIS.agentIdentifierValue(SOFTWARE)
    )
    objects = [
        PREMIS.object(
            PREMIS.objectIdentifier(
                PREMIS.objectIdentifierType("local"), PREMIS.objectIdentifierValue(f.path)
            ),
            PREMIS.objectCharacteristics(
                PREMIS.fixity(
                    PREMIS.messageDigestAlgorithm("SHA-256"),
                    PREMIS.messageDigest(f.sha256),
                    PREMIS.messageDigestOriginator(SOFTWARE),
                ),
                PREMIS.size(str(f.size)),
                PREMIS.format(
                    PREMIS.formatDesignation(PREMIS.formatName(f.media_type)),
                    *(
                        [
                            PREMIS.formatRegistry(
                                PREMIS.formatRegistryName("PRONOM"),
                                PREMIS.formatRegistryKey(puid),
                                PREMIS.formatRegistryRole("specification"),
                            )
                        ]
                        if (puid := f.puid or MADE.get(f.media_type))
                        else []
                    ),
                ),
            ),
            {f"{{{XSI_NS}}}type": "premis:file"},
        )
        for f in files
    ]
    premis_events = [
        PREMIS.event(
            PREMIS.eventIdentifier(
                PREMIS.eventIdentifierType("local"), PREMIS.eventIdentifierValue(f"{doc.id}-{n}")
            ),
            PREMIS.eventType(EVENT_TYPES.get(e.stage, e.stage)),
            PREMIS.eventDateTime(_time(e.at)),
            PREMIS.eventDetailInformation(PREMIS.eventDetail(f"{e.stage}: {e.detail}")),
            PREMIS.eventOutcomeInformation(PREMIS.eventOutcome(e.outcome)),
            PREMIS.linkingAgentIdentifier(
                PREMIS.linkingAgentIdentifierType("software"),
                PREMIS.linkingAgentIdentifierValue(SOFTWARE),
            ),
        )
        for n, e in enumerate(events, 1)
    ]
    root = PREMIS.premis(
        *objects,
        *premis_events,
        PREMIS.agent(agent, PREMIS.agentName(SOFTWARE), PREMIS.agentType("software")),
        version="3.0",
    )
    return _serialise(root)


def _md_section(kind: str, section_id: str, f: PackageFile, stamp: str) -> etree._Element:
    md_type, other = {
        "application/xml": ("DC" if kind == "descriptive" else "PREMIS", None),
        "application/json": ("OTHER", "sohoa record (JSON)"),
    }[f.media_type]
    reference = METS.mdRef(_link(f), _described(f, stamp), MDTYPE=md_type)
    if other:
        reference.set("OTHERMDTYPE", other)
    if kind == "descriptive":
        return METS.dmdSec(reference, ID=section_id, CREATED=stamp, STATUS="CURRENT")
    return METS.digiprovMD(reference, ID=section_id, STATUS="CURRENT")


def _file(file_id: str, f: PackageFile, stamp: str) -> etree._Element:
    return METS.file(METS.FLocat(_link(f)), _described(f, stamp), ID=file_id)


def _link(f: PackageFile) -> dict[str, str]:
    """Where a file is, as CSIP wants it: a simple XLink to its path in the package."""
    return _pointer(f.path)


def _pointer(href: str) -> dict[str, str]:
    return {f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": href, "LOCTYPE": "URL"}


def _described(f: PackageFile, stamp: str) -> dict[str, str]:
    """What CSIP requires of every file and metadata reference: type, size, date, SHA-256."""
    return {
        "MIMETYPE": f.media_type,
        "SIZE": str(f.size),
        "CREATED": stamp,
        "CHECKSUM": f.sha256,
        "CHECKSUMTYPE": "SHA-256",
    }


def _number(
    groups: Mapping[str, Sequence[PackageFile]],
) -> dict[str, list[tuple[str, PackageFile]]]:
    """Each file with an ID unique in the package."""
    numbered: dict[str, list[tuple[str, PackageFile]]] = {}
    count = 0
    for use, files in groups.items():
        numbered[use] = []
        for f in files:
            count += 1
            numbered[use].append((f"file-{count:05d}", f))
    return numbered


def _id(use: str) -> str:
    """An xml:ID for a file group: "Representations/original" → "grp-representations-original"."""
    return "grp-" + use.lower().replace("/", "-")


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
