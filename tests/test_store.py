"""Contract of the archive store, run against every backend."""

from pathlib import Path

import pytest

from pipelines.store import Store, StoreError, open_store


@pytest.fixture(params=["file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return open_store((tmp_path / "archive").as_uri())


def test_put_then_read_back(store: Store, tmp_path: Path) -> None:
    source = tmp_path / "scan.tif"
    source.write_bytes(b"II*\0" + bytes(range(256)) * 100)
    store.put("records/a/original/scan.tif", source)
    store.put("records/a/metadata.json", '{"tên": "Hòa"}'.encode())
    with store.open("records/a/original/scan.tif") as data:
        assert data.read() == source.read_bytes()
    assert store.exists("records/a/metadata.json")
    assert list(store.keys("records/a/")) == [
        "records/a/metadata.json",
        "records/a/original/scan.tif",
    ]


def test_overwrite_replaces_and_delete_removes(store: Store) -> None:
    store.put("k/x.txt", b"one")
    store.put("k/x.txt", b"two")
    with store.open("k/x.txt") as data:
        assert data.read() == b"two"
    store.delete("k/x.txt")
    assert not store.exists("k/x.txt")
    store.delete("k/x.txt")  # deleting what is gone is not an error
    with pytest.raises(StoreError, match=r"no object 'k/x\.txt'"):
        store.open("k/x.txt")


@pytest.mark.parametrize("key", ["../outside", "/abs/key", "a/../../b", ""])
def test_keys_cannot_escape(store: Store, key: str) -> None:
    with pytest.raises(StoreError, match="invalid store key"):
        store.put(key, b"x")


def test_unsupported_url() -> None:
    with pytest.raises(StoreError, match="only file://"):
        open_store("ftp://example/archive")


def test_archived_files_are_readable_by_others(tmp_path: Path) -> None:
    store = open_store((tmp_path / "archive").as_uri())
    store.put("records/a/x.pdf", b"%PDF")
    assert (tmp_path / "archive" / "records" / "a" / "x.pdf").stat().st_mode & 0o777 == 0o644
