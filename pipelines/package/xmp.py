"""The record's metadata in the PDF/A's XMP packet.

Dublin Core carries what every reader understands (title = trích yếu, creator = issuing
agency, date, type, language). The archival fields go in sohoa's own namespace; PDF/A
allows a custom namespace only when the packet also describes it in an extension schema
(ISO 19005-2 §6.6.2.3), so that description is written too.
"""

from datetime import date
from pathlib import Path

from lxml import etree

from archive_schema.models import Document

NAMESPACE = "http://ns.sohoa.vn/record/1.0/"
PREFIX = "sohoa"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
EXTENSION = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}

# XMP property: (record field, XMP value type, description)
PROPERTIES: dict[str, tuple[str, str, str]] = {
    "documentId": ("id", "Text", "Document id, derived from the SHA-256 of the originals"),
    "code": ("code", "Text", "Mã định danh văn bản (document identifier)"),
    "dossierCode": ("dossier_code", "Text", "Mã hồ sơ (dossier code)"),
    "ordinal": ("ordinal", "Integer", "Số thứ tự văn bản trong hồ sơ (ordinal in the dossier)"),
    "docType": ("doc_type", "Text", "Tên loại văn bản (document type)"),
    "numberSymbol": ("number_symbol", "Text", "Số và ký hiệu (number and notation)"),
    "number": ("number", "Text", "Số (number)"),
    "notation": ("notation", "Text", "Ký hiệu (notation)"),
    "issueDate": ("issue_date", "Date", "Ngày ban hành (issue date)"),
    "place": ("place", "Text", "Địa danh (place of issue)"),
    "issuingAgency": ("issuing_agency", "Text", "Cơ quan ban hành (issuing agency)"),
    "parentAgency": ("parent_agency", "Text", "Cơ quan chủ quản (parent agency)"),
    "signerTitle": ("signer_title", "Text", "Chức vụ người ký (signer's title)"),
    "signerName": ("signer_name", "Text", "Người ký (signer)"),
    "authorityMark": ("authority_mark", "Text", "Quyền hạn ký: TM., KT., TL., TUQ., Q."),
    "secrecy": ("secrecy", "Text", "Độ mật (secrecy mark)"),
    "urgency": ("urgency", "Text", "Độ khẩn (urgency mark)"),
    "accessLevel": ("access_level", "Text", "Mức độ tiếp cận (access level)"),
    "confidenceLevel": ("confidence_level", "Text", "Mức độ tin cậy (confidence level)"),
}


def write_record_metadata(pdf_path: Path, doc: Document) -> None:
    """Write `doc`'s metadata into the XMP of the PDF/A at `pdf_path`, replacing it.

    Saved beside it, then moved over it: pikepdf can save over the file it opened only by
    loading it whole into memory (a 500-page document is hundreds of megabytes)."""
    updated = pdf_path.with_name(pdf_path.name + ".xmp")
    import pikepdf  # loaded by the work that writes a PDF/A, not by the web

    with pikepdf.open(pdf_path) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            dublin_core = {
                "dc:title": doc.subject,
                "dc:creator": [doc.issuing_agency] if doc.issuing_agency else None,
                "dc:type": [doc.doc_type] if doc.doc_type else None,
                "dc:identifier": doc.number_symbol,
                "dc:language": [doc.language],
            }
            for key, value in dublin_core.items():
                if value:
                    meta[key] = value
                elif key in meta:  # an earlier writing's (a split record's) is not this one's
                    del meta[key]
        xmp = etree.fromstring(pdf.Root.Metadata.read_bytes())
        _drop_earlier(xmp)
        _add_properties(xmp, doc)
        _describe_extension(xmp)
        # Serialise the whole tree: it keeps the <?xpacket?> wrapper around the root.
        pdf.Root.Metadata.write(etree.tostring(xmp.getroottree(), encoding="utf-8"))
        pdf.save(updated)
    updated.replace(pdf_path)


def _drop_earlier(xmp: etree._Element) -> None:
    """The record's properties and their declaration an earlier writing left (a PDF/A cut
    from a split record's): two of one property make the packet invalid XMP."""
    ext, schema = EXTENSION["pdfaExtension"], EXTENSION["pdfaSchema"]
    for description in _rdf(xmp).findall(f"{{{RDF}}}Description"):
        if any(str(child.tag).startswith(f"{{{NAMESPACE}}}") for child in description):
            _rdf(xmp).remove(description)
    for entry in xmp.findall(f".//{{{ext}}}schemas/{{{RDF}}}Bag/{{{RDF}}}li"):
        if entry.findtext(f"{{{schema}}}namespaceURI") == NAMESPACE:
            parent = entry.getparent()
            if parent is not None:
                parent.remove(entry)


def _add_properties(xmp: etree._Element, doc: Document) -> None:
    description = etree.SubElement(_rdf(xmp), f"{{{RDF}}}Description", nsmap={PREFIX: NAMESPACE})
    description.set(f"{{{RDF}}}about", "")
    for name, (field, _, _) in PROPERTIES.items():
        value = getattr(doc, field)
        if value is None or value == "":
            continue
        element = etree.SubElement(description, f"{{{NAMESPACE}}}{name}")
        element.text = value.isoformat() if isinstance(value, date) else str(value)


def _describe_extension(xmp: etree._Element) -> None:
    """Declare sohoa's namespace in pdfaExtension:schemas, adding to any list already there."""
    ext, schema, prop = (EXTENSION[k] for k in ("pdfaExtension", "pdfaSchema", "pdfaProperty"))
    bag = xmp.find(f".//{{{ext}}}schemas/{{{RDF}}}Bag")
    if bag is None:
        description = etree.SubElement(_rdf(xmp), f"{{{RDF}}}Description", nsmap=EXTENSION)
        description.set(f"{{{RDF}}}about", "")
        bag = etree.SubElement(etree.SubElement(description, f"{{{ext}}}schemas"), f"{{{RDF}}}Bag")
    entry = _resource(bag)
    for tag, text in (
        ("schema", "sohoa archival record"),
        ("namespaceURI", NAMESPACE),
        ("prefix", PREFIX),
    ):
        etree.SubElement(entry, f"{{{schema}}}{tag}").text = text
    sequence = etree.SubElement(etree.SubElement(entry, f"{{{schema}}}property"), f"{{{RDF}}}Seq")
    for name, (_, value_type, meaning) in PROPERTIES.items():
        item = _resource(sequence)
        for tag, text in (
            ("name", name),
            ("valueType", value_type),
            ("category", "external"),
            ("description", meaning),
        ):
            etree.SubElement(item, f"{{{prop}}}{tag}").text = text


def _resource(parent: etree._Element) -> etree._Element:
    item = etree.SubElement(parent, f"{{{RDF}}}li")
    item.set(f"{{{RDF}}}parseType", "Resource")
    return item


def _rdf(xmp: etree._Element) -> etree._Element:
    rdf = xmp if xmp.tag == f"{{{RDF}}}RDF" else xmp.find(f".//{{{RDF}}}RDF")
    if rdf is None:
        raise ValueError("XMP packet has no rdf:RDF element")
    return rdf
