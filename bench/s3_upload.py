"""Upload of a large file into the S3 archive store: throughput and peak memory.

    .venv/bin/python -m bench.s3_upload [--mib 1024 64]

For each size, a file of random bytes is written to disk, then put into a bucket with
Object Lock on the real S3 server (moto's, on loopback) by a process of its own, as the
package stage puts a scan: SHA-256 first, multipart, each part with its checksum, a
retention date. Then it is read back through the store (which checks its SHA-256). The
process's peak resident memory shows whether memory stays flat as the file grows. The
same file put by boto3's `upload_file` with its defaults (no checksum, no lock) gives the
ratio: what sohoa's checks cost.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import boto3

from archive_schema.identifiers import sha256_stream
from bench.measure import measured
from pipelines.store import Lock, open_store
from tests.s3_server import new_bucket, s3_server

CHUNK = 1 << 20


def upload_figures(
    path: Path, url: str, env: dict[str, str], mode: str = "--put"
) -> dict[str, float]:
    """Put `path` into the store at `url` in a process of its own (`--raw`: with boto3
    alone); its figures."""
    run = measured([sys.executable, "-m", "bench.s3_upload", mode, str(path), url], env)
    if run.returncode:
        raise RuntimeError(run.stderr.decode()[-3000:])
    figures: dict[str, float] = json.loads(run.stdout)
    return figures | {"peak_mib": run.peak_mib, "anonymous_mib": run.anonymous_mib}


def _put(path: Path, url: str) -> None:
    """The measured process: put, then read back, and print the seconds of each."""
    store = open_store(url)
    started = time.monotonic()
    store.put("bench/large.tif", path, Lock(retain_until=date.today() + timedelta(days=30)))
    put_seconds = time.monotonic() - started
    started = time.monotonic()
    with store.open("bench/large.tif") as data:
        sha256_stream(data)
    read_seconds = time.monotonic() - started
    print(json.dumps({"put_seconds": put_seconds, "read_seconds": read_seconds}))


def _raw(path: Path, url: str) -> None:
    """The baseline: boto3's upload_file with its defaults."""
    bucket, prefix = url.removeprefix("s3://").split("/", 1)
    started = time.monotonic()
    boto3.client("s3").upload_file(str(path), bucket, f"{prefix}/bench/raw.bin")
    print(json.dumps({"put_seconds": time.monotonic() - started}))


def random_file(path: Path, mib: int) -> Path:
    with path.open("wb") as out:
        for _ in range(mib):
            out.write(os.urandom(CHUNK))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, nargs="+", default=[1024, 64])
    parser.add_argument("--put", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--raw", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.put or args.raw:
        put = _put if args.put else _raw
        file, url = args.put or args.raw
        put(Path(file), url)
        return
    with tempfile.TemporaryDirectory() as folder, s3_server(Path(folder) / "moto.log") as env:
        os.environ.update(env)
        environment = os.environ.copy()
        url = f"s3://{new_bucket()}/bench"
        print(
            f"{'size':>9} {'put MB/s':>9} {'boto3 MB/s':>11} {'ratio':>6} {'read MB/s':>10}"
            f" {'peak RSS':>9} {'anon':>8} {'boto3 RSS':>10}"
        )
        for mib in args.mib:
            path = random_file(Path(folder) / f"{mib}.bin", mib)
            ours = upload_figures(path, url, environment)
            raw = upload_figures(path, url, environment, "--raw")
            megabytes = mib * CHUNK / 1e6
            print(
                f"{mib:>5} MiB {megabytes / ours['put_seconds']:>9.1f}"
                f" {megabytes / raw['put_seconds']:>11.1f}"
                f" {raw['put_seconds'] / ours['put_seconds']:>6.2f}"
                f" {megabytes / ours['read_seconds']:>10.1f}"
                f" {ours['peak_mib']:>5.0f} MiB {ours['anonymous_mib']:>4.0f} MiB"
                f" {raw['peak_mib']:>6.0f} MiB"
            )
            path.unlink()


if __name__ == "__main__":
    main()
