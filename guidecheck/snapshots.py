"""Raw responses kept as evidence: content-addressed blobs plus a WARC trail.

    root/blobs/ab/abcdef….gz     the body, gzip, named by its sha256 (stored once)
    root/warc/2026-11-21.warc.gz a WARC `response` record per new body, a
                                 `revisit` record when a known body is seen again

Blobs are written to a temporary file and moved into place with os.replace, so
a crash never leaves a half blob under its final name. Each WARC record is built
in memory as its own gzip member and appended with a single write to a file
opened O_APPEND: a crash mid-write can only damage the last member, and the
records before it stay readable (iter_warc stops at a damaged tail).
"""
from __future__ import annotations

import gzip
import hashlib
import http
import io
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .store import Store, now_iso

# The body is stored decoded, so headers describing the transfer encoding would
# lie about it; they are kept under a renamed header instead.
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def _http_headers(status: int, headers: dict, body_len: int) -> StatusAndHeaders:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    pairs = []
    for name, value in headers.items():
        if name.lower() in _TRANSFER_HEADERS:
            pairs.append((f"X-Guidecheck-Orig-{name}", str(value)))
        else:
            pairs.append((name, str(value)))
    pairs.append(("Content-Length", str(body_len)))
    return StatusAndHeaders(f"{status} {phrase}".strip(), pairs, protocol="HTTP/1.1")


class SnapshotStore:
    """Keeps fetched bodies on disk and their metadata in the Store."""

    def __init__(self, root: str | Path, store: Store):
        self.root = Path(root)
        self.store = store
        self._lock = threading.Lock()
        self._warc_fd: int | None = None
        self._warc_path: Path | None = None
        (self.root / "blobs").mkdir(parents=True, exist_ok=True)
        (self.root / "warc").mkdir(parents=True, exist_ok=True)

    def blob_path(self, sha: str) -> Path:
        return self.root / "blobs" / sha[:2] / f"{sha}.gz"

    def has(self, sha: str) -> bool:
        return self.blob_path(sha).exists()

    def put(self, body: bytes, *, url: str, final_url: str, status: int, headers: dict, fetcher: str,
            fetched_at: float | None = None) -> str:
        """Store `body` (once per content), record its metadata, append a WARC record;
        returns the body's sha256 (hex)."""
        fetched_at = time.time() if fetched_at is None else fetched_at
        sha = hashlib.sha256(body).hexdigest()
        path = self.blob_path(sha)
        if not path.exists():
            self._write_blob(path, body)
            known = None  # a snapshot row is only written after its blob: a new blob has none
        else:
            known = self.store.snapshot(sha)
        self.store.add_snapshot({"sha256": sha, "url": url, "final_url": final_url, "status": status,
                                 "headers": dict(headers), "fetched_at": fetched_at, "fetcher": fetcher,
                                 "size": len(body), "blob_path": str(path.relative_to(self.root))})
        self._append_warc(body, sha, url=final_url or url, status=status, headers=headers, fetched_at=fetched_at,
                          fetcher=fetcher, refers_to=known)
        return sha

    def get(self, sha: str) -> bytes:
        with gzip.open(self.blob_path(sha), "rb") as fh:
            return fh.read()

    def meta(self, sha: str) -> dict:
        row = self.store.snapshot(sha)
        if row is None:
            raise KeyError(sha)
        return row

    def warc_files(self) -> list[Path]:
        return sorted((self.root / "warc").glob("*.warc.gz"))

    def iter_warc(self, path: Path | None = None) -> Iterator:
        """The WARC records of one file (or of all, oldest first), read with warcio.
        A damaged last record (a crash mid-append) ends the file's records quietly."""
        for warc in [path] if path else self.warc_files():
            with open(warc, "rb") as fh:
                try:
                    yield from ArchiveIterator(fh)
                except Exception:  # noqa: BLE001 - warcio fails in many ways on a cut member
                    continue

    # internals
    def _write_blob(self, path: Path, body: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".gz")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=1) as fh:
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _append_warc(self, body: bytes, sha: str, *, url: str, status: int, headers: dict, fetched_at: float,
                     fetcher: str, refers_to: dict | None) -> None:
        when = datetime.fromtimestamp(fetched_at, timezone.utc)
        warc_date = datetime_to_iso_date(when.replace(tzinfo=None))
        digest = f"sha256:{sha}"
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        http_headers = _http_headers(status, headers, len(body))
        extra = {"WARC-Date": warc_date, "WARC-Payload-Digest": digest, "WARC-Software": f"guidecheck/{fetcher}"}
        if refers_to is None:
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                               http_headers=http_headers, warc_headers_dict=extra)
        else:
            extra.pop("WARC-Payload-Digest")
            refers_date = refers_to.get("fetched_at") or now_iso()
            record = writer.create_revisit_record(url, digest, refers_to.get("final_url") or refers_to["url"],
                                                  refers_date.replace("+00:00", "Z"), http_headers=http_headers,
                                                  warc_headers_dict=extra)
        writer.write_record(record)
        data = buf.getvalue()
        path = self.root / "warc" / f"{when:%Y-%m-%d}.warc.gz"
        with self._lock:
            if self._warc_path != path:  # one open file per day's WARC, kept open
                if self._warc_fd is not None:
                    os.close(self._warc_fd)
                self._warc_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                self._warc_path = path
            view = memoryview(data)
            while view:  # one record, one gzip member, written whole in one append
                view = view[os.write(self._warc_fd, view):]


def snapshot_root(db_path: Path) -> Path:
    """Where a campaign database keeps its snapshots: <db stem>-snapshots beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + "-snapshots")
