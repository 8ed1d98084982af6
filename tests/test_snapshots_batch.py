"""CrawlWriter: the crawl's snapshots, files written by a background thread and
rows committed in batches. An item is recorded as gathered only in the
transaction of its pages' rows, a page's row only once its blob and WARC record
are on disk; a writer that dies before flushing leaves no row a rerun trusts."""
from __future__ import annotations

import gzip
import hashlib
import sqlite3

import pytest

from guidecheck.snapshots import CrawlWriter, SnapshotStore
from guidecheck.store import Store

PAGE = "<html><head><title>办事指南</title></head><body>申请材料：营业执照</body></html>".encode()
FAQ = "<html><body>常见问题：无</body></html>".encode()
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Server": "nginx"}
URL = "http://portal.example/guide/1"


@pytest.fixture
def setup(tmp_path):
    db = tmp_path / "c.db"
    with Store(db) as st:
        cid = st.create_campaign("批量写入")
        item = st.upsert_item(cid, None, "k1", "事项一", URL)
    return db, cid, item


def put(writer, body=PAGE, url=URL, **kw):
    args = dict(url=url, final_url=url, status=200, headers=HEADERS, fetcher="scrapy", fetched_at=1_790_000_000.0)
    return writer.put(body, **{**args, **kw})


def committed(db, sql):
    with sqlite3.connect(db) as conn:  # another connection: what a killed run would leave
        return conn.execute(sql).fetchall()


def test_rows_wait_for_flush_and_commit_together(setup, tmp_path):
    db, cid, item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db))
    sha = put(writer)
    writer.record_fetch(cid, URL, sha, "guide", item_id=item)
    faq = put(writer, FAQ, url=URL + "/faq")
    writer.record_fetch(cid, URL + "/faq", faq, "extra", item_id=item)
    writer.mark_gathered(cid, item)
    # not yet committed, but served from memory (a second request for the page)
    assert committed(db, "SELECT count(*) FROM fetches") == [(0,)]
    assert committed(db, "SELECT count(*) FROM item_phases") == [(0,)]
    assert writer.get(sha) == PAGE and writer.meta(sha)["status"] == 200
    writer.flush()
    assert committed(db, "SELECT kind, sha256 FROM fetches ORDER BY rowid") == [("guide", sha), ("extra", faq)]
    assert committed(db, "SELECT item_id, phase FROM item_phases") == [(item, "fetch")]
    assert committed(db, "SELECT status FROM items") == [("fetched",)]
    blob = tmp_path / "snap" / "blobs" / sha[:2] / f"{sha}.gz"
    assert gzip.decompress(blob.read_bytes()) == PAGE
    assert writer.get(sha) == PAGE and writer.meta(sha)["url"] == URL  # now from disk and the store
    writer.close()
    # what the writer kept reads back exactly as SnapshotStore's own
    plain = SnapshotStore(tmp_path / "snap", Store(db))
    assert plain.get(faq) == FAQ and plain.meta(faq)["headers"]["Server"] == "nginx"
    assert [r.rec_type for r in plain.iter_warc()] == ["response", "response"]


def test_same_body_twice_one_blob_and_a_revisit(setup, tmp_path):
    db, cid, _item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db))
    first = put(writer)
    second = put(writer, url=URL + "?again", fetched_at=1_790_000_100.0)  # same batch
    writer.flush()
    third = put(writer, url=URL + "?later", fetched_at=1_790_000_200.0)  # a later batch
    writer.close()
    assert first == second == third == hashlib.sha256(PAGE).hexdigest()
    assert len(list((tmp_path / "snap" / "blobs").rglob("*.gz"))) == 1
    assert committed(db, "SELECT url FROM snapshots") == [(URL,)]
    plain = SnapshotStore(tmp_path / "snap", Store(db))
    assert [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in plain.iter_warc()] == [
        ("response", URL), ("revisit", URL + "?again"), ("revisit", URL + "?later")]


def test_unflushed_work_is_redone_by_a_new_writer(setup, tmp_path):
    """A crawl killed before its flush: files may be on disk, but no row and no
    gathered mark; the rerun's writer stores the page again as new."""
    db, cid, item = setup
    dead = CrawlWriter(tmp_path / "snap", Store(db))
    sha = put(dead)
    dead.record_fetch(cid, URL, sha, "guide", item_id=item)
    dead.mark_gathered(cid, item)
    dead._queue.put(None)  # the thread ends; nothing is committed (as with kill -9)
    dead._thread.join()
    assert committed(db, "SELECT count(*) FROM snapshots") == [(0,)]
    assert Store(db).gathered_items(cid) == set()
    rerun = CrawlWriter(tmp_path / "snap", Store(db))
    assert put(rerun) == sha
    rerun.record_fetch(cid, URL, sha, "guide", item_id=item)
    rerun.mark_gathered(cid, item)
    rerun.close()
    assert Store(db).gathered_items(cid) == {item}
    assert rerun.meta(sha)["url"] == URL
    assert gzip.decompress((tmp_path / "snap" / "blobs" / sha[:2] / f"{sha}.gz").read_bytes()) == PAGE


def test_a_failed_file_write_records_nothing_of_its_batch(setup, tmp_path):
    db, cid, item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db))
    sha = hashlib.sha256(PAGE).hexdigest()
    (tmp_path / "snap" / "blobs" / sha[:2]).write_text("not a folder")  # the blob cannot be written
    put(writer)
    writer.record_fetch(cid, URL, sha, "guide", item_id=item)
    writer.mark_gathered(cid, item)
    with pytest.raises(OSError):
        writer.flush()
    assert committed(db, "SELECT count(*) FROM fetches") == [(0,)]
    assert committed(db, "SELECT count(*) FROM item_phases") == [(0,)]
    writer.close()


def test_a_non_ascii_header_name_is_kept_not_fatal(tmp_path):
    """A server that sends a header name outside ASCII still has its page kept,
    with the header in the WARC record (percent-encoded), readable by warcio."""
    from warcio.archiveiterator import ArchiveIterator

    store = Store(tmp_path / "c.db")
    snapshots = SnapshotStore(tmp_path / "snap", store)
    sha = snapshots.put(b"<html>ok</html>", url="http://127.0.0.1/a", final_url="http://127.0.0.1/a", status=200,
                        headers={"X-名字": "值", "Content-Type": "text/html"}, fetcher="test")
    assert snapshots.get(sha) == b"<html>ok</html>"
    records = []
    for warc in (tmp_path / "snap" / "warc").glob("*.warc.gz"):
        with warc.open("rb") as fh:
            records += [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_header("X-%E5%90%8D%E5%AD%97"))
                        for r in ArchiveIterator(fh)]
    assert records and records[-1][0] == "http://127.0.0.1/a" and records[-1][1], records


@pytest.fixture
def held(monkeypatch):
    """The writer's thread held before each file until the test lets it go (the
    files are then written as ever): a writer that is behind the crawl."""
    import threading

    gate = threading.Event()
    write = CrawlWriter._write_files

    def slow(self, *args):
        gate.wait(30)
        return write(self, *args)

    monkeypatch.setattr(CrawlWriter, "_write_files", slow)
    return gate


def test_the_crawl_does_not_wait_for_a_batch_it_flushes(setup, tmp_path, held):
    """flush(wait=False) (the crawl's) returns at once; the batch is committed
    behind its files by the writer's thread, and until then its pages are
    served from memory. flush() waits for every batch."""
    db, cid, item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db))
    sha = put(writer)
    writer.record_fetch(cid, URL, sha, "guide", item_id=item)
    writer.mark_gathered(cid, item)
    writer.flush(wait=False)
    again = put(writer, url=URL + "?again")  # the same body in the next batch: a revisit of the pending one
    assert again == sha and writer.meta(sha)["url"] == URL and writer.get(sha) == PAGE
    assert committed(db, "SELECT count(*) FROM fetches") == [(0,)]  # files not written: nothing committed
    held.set()
    writer.flush()
    assert committed(db, "SELECT kind, sha256 FROM fetches") == [("guide", sha)]
    assert committed(db, "SELECT item_id FROM item_phases") == [(item,)]
    writer.close()
    plain = SnapshotStore(tmp_path / "snap", Store(db))
    assert [r.rec_type for r in plain.iter_warc()] == ["response", "revisit"]


def test_too_much_uncommitted_makes_the_crawl_wait(setup, tmp_path, held):
    """Memory stays bounded: past `max_pending` bytes of uncommitted bodies,
    flush(wait=False) waits for the writer."""
    import threading

    db, cid, item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db), max_pending=len(PAGE) + len(FAQ) - 1)
    writer.record_fetch(cid, URL, put(writer), "guide", item_id=item)
    writer.flush(wait=False)  # one page pending: under the bound
    writer.record_fetch(cid, URL + "/faq", put(writer, FAQ, url=URL + "/faq"), "extra", item_id=item)
    returned = threading.Event()
    flusher = threading.Thread(target=lambda: (writer.flush(wait=False), returned.set()))
    flusher.start()
    assert not returned.wait(0.5)  # two pages pending: over the bound, it waits
    held.set()
    assert returned.wait(10)
    flusher.join()
    assert committed(db, "SELECT count(*) FROM fetches") == [(2,)]
    writer.close()


def test_a_failed_batch_is_raised_by_a_later_flush(setup, tmp_path):
    """A batch the crawl did not wait for, whose blob could not be written: not
    committed, and the error reaches the crawl at its next flush."""
    db, cid, item = setup
    writer = CrawlWriter(tmp_path / "snap", Store(db))
    sha = hashlib.sha256(PAGE).hexdigest()
    (tmp_path / "snap" / "blobs" / sha[:2]).write_text("not a folder")
    writer.record_fetch(cid, URL, put(writer), "guide", item_id=item)
    writer.mark_gathered(cid, item)
    writer.flush(wait=False)
    writer.record_fetch(cid, URL + "/faq", put(writer, FAQ, url=URL + "/faq"), "extra", item_id=item)
    with pytest.raises(OSError):
        writer.flush()
    writer.close()
    assert committed(db, "SELECT url FROM fetches") == [(URL + "/faq",)]  # the next batch is its own
    assert committed(db, "SELECT count(*) FROM item_phases") == [(0,)]
