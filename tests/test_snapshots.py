"""Snapshots: content-addressed gzip blobs, metadata in the store, a WARC trail
warcio can read back (also after a crash mid-append)."""
from __future__ import annotations

import gzip
import hashlib

import pytest
from warcio.archiveiterator import ArchiveIterator

from guidecheck.snapshots import SnapshotStore
from guidecheck.store import Store

PAGE = "<html><head><title>办事指南</title></head><body>申请材料：营业执照</body></html>".encode()
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip", "Server": "nginx"}


@pytest.fixture
def snaps(tmp_path):
    with Store(tmp_path / "c.db") as st:
        yield SnapshotStore(tmp_path / "snap", st)


def put(snaps, body=PAGE, url="http://portal.example/guide/1", **kw):
    args = dict(url=url, final_url=url, status=200, headers=HEADERS, fetcher="scrapy", fetched_at=1_790_000_000.0)
    return snaps.put(body, **{**args, **kw})


def test_round_trip(snaps):
    sha = put(snaps, final_url="http://portal.example/guide/1?from=list")
    assert sha == hashlib.sha256(PAGE).hexdigest()
    path = snaps.root / "blobs" / sha[:2] / f"{sha}.gz"
    assert path.exists() and gzip.decompress(path.read_bytes()) == PAGE
    assert snaps.get(sha) == PAGE
    meta = snaps.meta(sha)
    assert (meta["url"], meta["final_url"], meta["status"], meta["size"], meta["fetcher"]) == (
        "http://portal.example/guide/1", "http://portal.example/guide/1?from=list", 200, len(PAGE), "scrapy")
    assert meta["headers"]["Server"] == "nginx" and meta["fetched_at"].startswith("2026-09-21")
    assert not list(path.parent.glob(".tmp-*"))


def test_same_body_is_stored_once(snaps):
    first = put(snaps)
    second = put(snaps, url="http://portal.example/guide/2", fetched_at=1_790_000_100.0)
    assert first == second
    assert len(list((snaps.root / "blobs").rglob("*.gz"))) == 1
    assert snaps.store.db["snapshots"].count == 1
    assert snaps.meta(first)["url"] == "http://portal.example/guide/1"  # the first capture is kept
    records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in snaps.iter_warc()]
    assert records == [("response", "http://portal.example/guide/1"), ("revisit", "http://portal.example/guide/2")]


def test_warc_is_readable_by_warcio(snaps):
    sha = put(snaps)
    doc = b"%PDF-1.4 ... %%EOF"
    doc_sha = put(snaps, doc, url="http://portal.example/files/a.pdf", status=404, headers={"Content-Type": "application/pdf"})
    [warc] = snaps.warc_files()
    assert warc.name == "2026-09-21.warc.gz"
    with open(warc, "rb") as fh:
        records = []
        for record in ArchiveIterator(fh, check_digests=True):
            body = record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            records.append((record, body))
    (page, page_body), (pdf, pdf_body) = records
    assert page.rec_type == "response" and page.rec_headers.get_header("WARC-Target-URI") == "http://portal.example/guide/1"
    assert page.rec_headers.get_header("WARC-Date") == "2026-09-21T14:13:20Z"
    assert page.rec_headers.get_header("WARC-Payload-Digest") == f"sha256:{sha}"
    assert page.http_headers.get_statuscode() == "200" and page.http_headers.get_header("Server") == "nginx"
    # the body is stored decoded, so the transfer encoding is kept under another name
    assert page.http_headers.get_header("Content-Encoding") is None
    assert page.http_headers.get_header("X-Guidecheck-Orig-Content-Encoding") == "gzip"
    assert page_body == PAGE
    assert pdf.http_headers.get_statuscode() == "404" and pdf_body == doc
    assert pdf.rec_headers.get_header("WARC-Payload-Digest") == f"sha256:{doc_sha}"


def test_each_record_is_its_own_gzip_member(snaps):
    put(snaps)
    put(snaps, b"second body", url="http://portal.example/2")
    [warc] = snaps.warc_files()
    data = warc.read_bytes()
    assert data.count(b"\x1f\x8b\x08") >= 2
    assert [m.startswith(b"WARC/1.0") for m in _members(data)] == [True, True]


def _members(data: bytes) -> list[bytes]:
    import zlib

    out = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data))
        data = d.unused_data
    return out


def test_a_crash_mid_append_keeps_earlier_records(snaps):
    put(snaps)
    put(snaps, b"second body", url="http://portal.example/2")
    [warc] = snaps.warc_files()
    whole = warc.read_bytes()
    put(snaps, b"third body " * 500, url="http://portal.example/3")
    third = warc.read_bytes()[len(whole):]
    warc.write_bytes(whole + third[: len(third) // 2])  # the process died half way through the third record
    uris = [r.rec_headers.get_header("WARC-Target-URI") for r in snaps.iter_warc()]
    assert uris[:2] == ["http://portal.example/guide/1", "http://portal.example/2"]
