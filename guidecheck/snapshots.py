"""Raw responses kept as evidence: content-addressed blobs plus a WARC trail.

    root/blobs/ab/abcdef….gz     the body, gzip, named by its sha256 (stored once)
    root/warc/2026-11-21.warc.gz a WARC `response` record per new body, a
                                 `revisit` record when a known body is seen again

Blobs are written to a temporary file and moved into place with os.replace, so
a crash never leaves a half blob under its final name. Each WARC record is built
in memory as its own gzip member and appended with a single write to a file
opened O_APPEND: a crash mid-write can only damage the last member, and the
records before it stay readable (iter_warc stops at a damaged tail).

The crawl keeps its pages through CrawlWriter: blob and WARC writes go to one
background thread (file creation and compression release the GIL, so the
reactor keeps fetching and never waits for it), and the same thread writes the
metadata, the fetches and the items through the fetch phase to SQLite in one
transaction per batch, after the files of the batch are on disk.
"""
from __future__ import annotations

import collections
import gzip
import hashlib
import http
import io
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .store import Store, now_iso

# Both gzip passes (the blob, the WARC member) at level 1: measured on the demo
# portal's pages, level 9 (warcio's) costs 1.5 times the time for files 5 % smaller.
GZIP_LEVEL = 1

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
        if not name.isascii():  # warcio percent-encodes non-ASCII values, not names: a server sent one
            name = quote(name)
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
        self.store.add_snapshot(self._meta_row(sha, body, url=url, final_url=final_url, status=status,
                                               headers=headers, fetched_at=fetched_at, fetcher=fetcher))
        self._append_warc(body, sha, url=final_url or url, status=status, headers=headers, fetched_at=fetched_at,
                          fetcher=fetcher, refers_to=known)
        return sha

    def _meta_row(self, sha: str, body: bytes, *, url: str, final_url: str, status: int, headers: dict,
                  fetched_at: float, fetcher: str) -> dict:
        return {"sha256": sha, "url": url, "final_url": final_url, "status": status, "headers": dict(headers),
                "fetched_at": now_iso(fetched_at), "fetcher": fetcher, "size": len(body),
                "blob_path": f"blobs/{sha[:2]}/{sha}.gz"}

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
        data = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)  # one C call, no GzipFile
        tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _append_warc(self, body: bytes, sha: str, *, url: str, status: int, headers: dict, fetched_at: float,
                     fetcher: str, refers_to: dict | None) -> None:
        when = datetime.fromtimestamp(fetched_at, timezone.utc)
        warc_date = datetime_to_iso_date(when.replace(tzinfo=None))
        digest = f"sha256:{sha}"
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=False)  # compressed below as one member, at GZIP_LEVEL
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
        data = gzip.compress(buf.getvalue(), compresslevel=GZIP_LEVEL, mtime=0)
        path = self.root / "warc" / f"{when:%Y-%m-%d}.warc.gz"
        with self._lock:
            if self._warc_path != path:  # one open file per day's WARC, kept open
                if self._warc_fd is not None:
                    os.close(self._warc_fd)
                self._warc_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                self._warc_path = path
            _write_all(self._warc_fd, data)  # one record, one gzip member, written whole in one append


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data` (os.write may write less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


@dataclass
class _Batch:
    """What one flush commits: snapshot rows, fetches, gathered items; the bodies
    it kept in memory until then (get() serves them until the commit)."""
    metas: dict[str, dict]
    bodies: dict[str, bytes]
    fetches: list[tuple]
    gathered: list[tuple[int, int]]
    body_bytes: int
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class CrawlWriter(SnapshotStore):
    """A SnapshotStore for the crawl's many small writes, in batches.

    put() hashes the body and queues its blob and WARC record for one background
    thread; record_fetch() and mark_gathered() collect their rows. flush() queues
    the batch behind its files: the same thread, once every earlier file is
    written, writes the batch's snapshot rows, fetches and gathered items in ONE
    transaction (Store.save_fetches, on the thread's own connection). So an item
    is recorded as gathered only with its pages' rows, and a page's row only once
    its blob and WARC record are on disk; a kill loses at most the batches not
    committed, whose items are not marked and are fetched again by a rerun.

    flush() runs when a batch reaches `max_rows` fetches or `max_bytes` of bodies
    (maybe_flush), and whenever the owner calls it (the crawl: once a second and
    when the spider closes). The crawl's flushes do not wait (`wait=False`): the
    reactor goes on fetching while the batch is written (measured: waiting cost
    the reactor about a tenth of the crawl's time); it waits only when more than
    `max_pending` bytes of bodies are not committed yet, so memory stays bounded.
    Until its commit a page's meta() and get() answer from memory. A failed file
    write keeps its batch from being committed; flush or close raises it.
    Single-threaded use by the owner; only the writes happen in the background."""

    def __init__(self, root: str | Path, store: Store, *, max_rows: int = 200, max_bytes: int = 16 << 20,
                 max_pending: int = 64 << 20):
        super().__init__(root, store)
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_pending = max_pending
        # Files and batches to write, in order, for one thread: a page costs the reactor a queue put.
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None  # the writer thread's: a file of the current batch failed
        self._thread = threading.Thread(target=self._run, args=(store.path,), name="guidecheck-snapshots",
                                        daemon=True)
        self._thread.start()
        self._closed = False
        self._batch = self._new_batch()
        self._pending: collections.deque[_Batch] = collections.deque()  # flushed, maybe not committed yet
        # bodies with a committed snapshot row (read once: no stat or query per new page)
        self._stored: set[str] = {row[0] for row in store.db.execute("SELECT sha256 FROM snapshots")}

    @staticmethod
    def _new_batch() -> _Batch:
        return _Batch(metas={}, bodies={}, fetches=[], gathered=[], body_bytes=0)

    def _known_meta(self, sha: str) -> dict | None:
        """The snapshot row of a body this writer has seen and not committed yet."""
        for batch in (self._batch, *reversed(self._pending)):
            if sha in batch.metas:
                return batch.metas[sha]
        return None

    def put(self, body: bytes, *, url: str, final_url: str, status: int, headers: dict, fetcher: str,
            fetched_at: float | None = None) -> str:
        if self._closed:
            raise RuntimeError("CrawlWriter is closed")
        fetched_at = time.time() if fetched_at is None else fetched_at
        sha = hashlib.sha256(body).hexdigest()
        known = self._known_meta(sha)
        if known is None and sha in self._stored:
            known = self.store.snapshot(sha)
        if known is None:  # a new body (a blob a killed run left without its row is written again, the same bytes)
            self._batch.metas[sha] = self._meta_row(sha, body, url=url, final_url=final_url, status=status,
                                                    headers=headers, fetched_at=fetched_at, fetcher=fetcher)
        if sha not in self._batch.bodies:
            self._batch.bodies[sha] = body
            self._batch.body_bytes += len(body)
        self._queue.put((body, sha, final_url or url, status, headers, fetched_at, fetcher, known))
        return sha

    def _run(self, db_path: Path) -> None:
        """The writer's thread: queued files in order, and each batch's rows once
        its files (all queued before it) are written; None ends the thread. A
        failed file write is kept and given to the batch it belongs to, which is
        then not committed."""
        store = None
        try:
            while True:
                job = self._queue.get()
                if job is None:
                    return
                if isinstance(job, _Batch):
                    job.error, self._error = self._error, None
                    if job.error is None and (job.metas or job.fetches or job.gathered):
                        try:
                            if store is None:
                                store = Store(db_path)
                            store.save_fetches(job.metas.values(), job.fetches, job.gathered)
                        except BaseException as exc:  # noqa: BLE001 - raised again by flush, in the owner's thread
                            job.error = exc
                    job.done.set()
                    continue
                try:
                    self._write_files(*job)
                except BaseException as exc:  # noqa: BLE001 - raised again by flush, in the owner's thread
                    if self._error is None:
                        self._error = exc
        finally:
            if store is not None:
                store.close()

    def _write_files(self, body: bytes, sha: str, url: str, status: int, headers: dict, fetched_at: float,
                     fetcher: str, known: dict | None) -> None:
        """In the writer's thread: the blob (unless a known body's blob is there),
        then the WARC record (a revisit for a known body)."""
        path = self.blob_path(sha)
        if known is None or not path.exists():
            self._write_blob(path, body)
        self._append_warc(body, sha, url=url, status=status, headers=headers, fetched_at=fetched_at,
                          fetcher=fetcher, refers_to=known)

    def record_fetch(self, campaign_id: int, url: str, sha: str | None, kind: str, item_id: int | None = None,
                     error: str | None = None) -> None:
        self._batch.fetches.append((campaign_id, url, sha, kind, item_id, error))

    def mark_gathered(self, campaign_id: int, item_id: int) -> None:
        self._batch.gathered.append((campaign_id, item_id))

    def get(self, sha: str) -> bytes:
        for batch in (self._batch, *reversed(self._pending)):
            if sha in batch.bodies:
                return batch.bodies[sha]
        return super().get(sha)

    def meta(self, sha: str) -> dict:
        row = self._known_meta(sha)
        return dict(row) if row is not None else super().meta(sha)

    def maybe_flush(self) -> None:
        if len(self._batch.fetches) >= self.max_rows or self._batch.body_bytes >= self.max_bytes:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        """Queue the batch's commit behind its files (see the class); with
        `wait`, return once every batch so far is committed. Raises the error of
        a batch that could not be committed."""
        if self._closed:
            return
        batch, self._batch = self._batch, self._new_batch()
        self._pending.append(batch)
        self._queue.put(batch)
        while self._pending and (wait or sum(b.body_bytes for b in self._pending) > self.max_pending):
            self._pending[0].done.wait()
            self._settle()
        self._settle()

    def _settle(self) -> None:
        """Forget the batches committed, in order; raise the first that failed."""
        while self._pending and self._pending[0].done.is_set():
            batch = self._pending.popleft()
            if batch.error is not None:
                raise batch.error  # a file of the batch is missing: the batch is not recorded
            self._stored.update(batch.metas)

    def close(self) -> None:
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
            if self._warc_fd is not None:
                os.close(self._warc_fd)
                self._warc_fd, self._warc_path = None, None


def snapshot_root(db_path: Path) -> Path:
    """Where a campaign database keeps its snapshots: <db stem>-snapshots beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + "-snapshots")
