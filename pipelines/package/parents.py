"""Parent packages (TT 05/2025's upper levels): a dossier (hồ sơ) whose METS points to its
documents' packages in their order, and a fonds (phông) whose METS points to its dossiers'.
Each holds its description whole (JSON, as sohoa reads it back) and in Dublin Core; it is
written again whenever the catalog changes it or what it holds, its METS last."""

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from archive_schema.fonds import Dossier, Filed, Fonds
from pipelines.package.layout import (
    DOSSIER_RECORD,
    DOSSIERS,
    DUBLIN_CORE,
    FONDS,
    FONDS_RECORD,
    JSON,
    METS_FILE,
    RECORDS,
    XML,
    dossier_prefix,
    fonds_prefix,
)
from pipelines.package.mets import PackageFile, described, parent_mets
from pipelines.package.write import put_verified
from pipelines.store import Store

UP = "../../"  # from a parent package to the root of the store


def write_dossier(store: Store, dossier: Dossier, fonds: Fonds, documents: list[Filed]) -> None:
    """The dossier's package: its fields, what its documents make of it, and their order."""
    whole = asdict(dossier) | {"documents": [asdict(d) for d in documents]}
    dates = "/".join(d.isoformat() for d in (dossier.start, dossier.end) if d)
    dc = [
        ("identifier", dossier.code),
        ("title", dossier.title),
        ("creator", fonds.creator or fonds.name),
        ("date", dates),
        ("subject", dossier.keywords),
        ("description", f"{dossier.documents} văn bản, {dossier.pages} trang"),
        ("type", "Hồ sơ"),
        ("relation", f"Phông {fonds.code}: {fonds.name}"),
        ("rights", dossier.access_level),
    ]
    children = [(d.code or d.id, f"{UP}{RECORDS}{d.id}/{METS_FILE}") for d in documents]
    _write(store, dossier_prefix(dossier.code), DOSSIER_RECORD, whole, dc, dossier.title, children)


def write_fonds(store: Store, fonds: Fonds, dossiers: list[str]) -> None:
    """The fonds' package: its fields and its dossiers (by code)."""
    dc = [
        ("identifier", fonds.code),
        ("title", fonds.name),
        ("creator", fonds.creator),
        ("description", fonds.history),
        ("coverage", fonds.years),
        ("type", "Phông lưu trữ"),
    ]
    children = [(code, f"{UP}{DOSSIERS}{code}/{METS_FILE}") for code in dossiers]
    _write(store, fonds_prefix(fonds.code), FONDS_RECORD, asdict(fonds), dc, fonds.name, children)


def stored_fonds(store: Store) -> list[dict[str, Any]]:
    """The description of every fonds the store holds a package of."""
    return _descriptions(store, FONDS, FONDS_RECORD)


def stored_dossiers(store: Store) -> list[dict[str, Any]]:
    """The description of every dossier the store holds a package of."""
    return _descriptions(store, DOSSIERS, DOSSIER_RECORD)


def _write(
    store: Store,
    prefix: str,
    record: str,
    whole: dict[str, Any],
    dc: Sequence[tuple[str, str | None]],
    label: str,
    children: list[tuple[str, str]],
) -> None:
    text = json.dumps(whole, ensure_ascii=False, indent=2, default=str).encode()
    files: list[PackageFile] = [
        put_verified(store, prefix + DUBLIN_CORE, described(dc), None, XML),
        put_verified(store, prefix + record, text, None, JSON),
    ]
    mets = parent_mets(prefix.split("/")[1], label, datetime.now(UTC), files, children)
    put_verified(store, prefix + METS_FILE, mets, None, XML)


def _descriptions(store: Store, root: str, record: str) -> list[dict[str, Any]]:
    found = []
    for key in store.keys(root):
        if key.endswith("/" + METS_FILE) and key.count("/") == 2:
            with store.open(key.removesuffix(METS_FILE) + record) as data:
                found.append(json.loads(data.read()))
    return found
