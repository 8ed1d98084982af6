"""A fuzz of broken pages through extract + checks (guidecheck.offline.check_bytes):
truncated and mis-nested real guides, binary junk, huge attributes, deep
nesting, giant tables, wrong charsets, malformed JSON, all generated from a
seed. No page may crash the checker (an InputError is a fine answer) or hang
(each page runs under an alarm)."""
from __future__ import annotations

import json
import random
import signal
from pathlib import Path

import pytest

from guidecheck.errors import InputError
from guidecheck.offline import check_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = 20261204
PAGES = 2000
BOUND = 20  # seconds: a page still running then is a hang (SIGALRM), not a slow page

LABELS = ["事项名称", "实施主体", "办理时限", "法定时限", "承诺时限", "受理条件", "申请材料", "办理流程", "收费标准",
          "咨询电话", "监督电话", "办理地点", "办理时间", "设定依据", "在线办理", "网办深度", "到现场次数"]


def _seeds() -> list[bytes]:
    pages = sorted((FIXTURES / "pages").glob("*.htm*")) + sorted((FIXTURES / "json").glob("*.json"))
    return [p.read_bytes() for p in pages]


def _table(rng: random.Random) -> str:
    rows = rng.randint(50, 400)
    cols = rng.randint(1, 12)
    cells = lambda: "".join(f"<td rowspan={rng.choice(['1', '2', '999', '-3', 'x'])} colspan={rng.choice(['1', '3', '1000', ''])}>"
                           f"{rng.choice(LABELS)}{rng.randint(0, 9)}</td>" for _ in range(cols))
    return "<table>" + "".join(f"<tr>{cells()}</tr>" for _ in range(rows)) + "</table>"


def _guide(rng: random.Random) -> str:
    return "".join(f"<p><b>{label}</b>：{'内容' * rng.randint(0, 20)}</p>" for label in rng.sample(LABELS, 8))


def _json(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return b'{"data": {"AUDIT_ITEM": {"TASK_NAME": "x", ' + bytes(rng.randrange(256) for _ in range(50))
    if kind == 1:
        return json.dumps({"data": [[[[{"k": [None] * 5}]]]] * rng.randint(1, 50)}).encode()
    if kind == 2:
        nested = "1"
        for _ in range(rng.randint(100, 3000)):
            nested = "[" + nested + "]"
        return nested.encode()
    if kind == 3:
        return json.dumps({"AUDIT_ITEM": {k: rng.choice([None, 1, [], {}, "x" * rng.randint(0, 5000), True])
                                          for k in ("TASK_NAME", "ACCEPT_CONDITION", "MATERIALS", "LIMIT_DAYS")}}).encode()
    if kind == 4:
        return json.dumps({"result": {"materials": [{"name": i, "count": "many"} for i in range(200)]}}).encode()
    return b"\xef\xbb\xbf" + json.dumps({"data": "事项" * 1000}, ensure_ascii=False).encode("utf-16")


def mutate(rng: random.Random, seeds: list[bytes]) -> bytes:
    base = rng.choice(seeds)
    kind = rng.randrange(12)
    if kind == 0:  # truncated anywhere
        return base[: rng.randrange(len(base) + 1)]
    if kind == 1:  # mis-nested: tags shuffled
        parts = base.split(b"<")
        for _ in range(rng.randint(1, 30)):
            i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
            parts[i], parts[j] = parts[j], parts[i]
        return b"<".join(parts)
    if kind == 2:  # binary junk, alone or spliced in
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(0, 4000)))
        at = rng.randrange(len(base) + 1)
        return junk if rng.random() < 0.3 else base[:at] + junk + base[at:]
    if kind == 3:  # huge attributes
        return (f'<html><body><div class="{"a" * rng.randint(10_000, 300_000)}" title="'.encode()
                + b"\xe4\xb8" * rng.randint(1, 5000) + b'">' + _guide(rng).encode() + b"</div></body></html>")
    if kind == 4:  # deep nesting
        depth = rng.randint(500, 5000)
        tag = rng.choice(["div", "span", "table", "td", "ul", "li", "p", "b"])
        return (f"<html><body>{'<' + tag + '>' * 1}" * depth + _guide(rng) + f"</{tag}>" * rng.randrange(depth)).encode()
    if kind == 5:  # giant tables with absurd spans
        return f"<html><body>{_table(rng)}{_guide(rng)}</body></html>".encode()
    if kind == 6:  # wrong charsets: declared one, written in another
        text = f"<html><head><meta charset='{rng.choice(['utf-8', 'gbk', 'big5', 'latin-1', 'utf-16', 'x-bogus'])}'>" \
               f"</head><body>{_guide(rng)}</body></html>"
        return text.encode(rng.choice(["utf-8", "gb18030", "utf-16-le", "big5"]), errors="ignore")
    if kind == 7:
        return _json(rng)
    if kind == 8:  # byte flips in a real page
        data = bytearray(base)
        for _ in range(rng.randint(1, 200)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 9:  # scripts, comments and CDATA never closed
        return base[: len(base) // 2] + rng.choice([b"<script>", b"<!--", b"<![CDATA[", b"<style>", b"<textarea>"]) \
            + base[len(base) // 2:]
    if kind == 10:  # the same label thousands of times
        return ("<html><body>" + "".join(f"<p>{rng.choice(LABELS)}：{i}</p>" for i in range(rng.randint(500, 3000)))
                + "</body></html>").encode()
    return rng.choice([b"", b" ", b"\x00" * 1000, b"<", b"<html", b"{", b"[", b"null", b"\xff\xfe", b"<?xml?>"])


def _alarm(signum, frame):
    raise TimeoutError("page took longer than the bound")


def test_broken_pages_never_crash_or_hang():
    rng = random.Random(SEED)
    seeds = _seeds()
    assert seeds, "no fixture pages to mutate"
    crashes, errors = [], 0
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for n in range(PAGES):
            data = mutate(rng, seeds)
            source = f"fuzz-{n}.{'json' if data[:1] in (b'{', b'[') else 'html'}"
            signal.alarm(BOUND)
            try:
                check_bytes(data, source, "http://portal.example/guide/1")
            except InputError:
                errors += 1
            except Exception as exc:  # noqa: BLE001 - the point of the test
                crashes.append(f"{source} ({len(data)} bytes): {type(exc).__name__}: {str(exc)[:120]}")
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not crashes, f"{len(crashes)} of {PAGES} pages crashed:\n" + "\n".join(crashes[:20])
    assert errors < PAGES  # most broken pages still give a record


@pytest.mark.parametrize("data", [b"<html><body>" + b"<div>" * 200_000 + b"</body></html>",
                                  b"[" * 200_000 + b"]" * 200_000])
def test_pathological_nesting_is_an_input_error_or_a_record(data):
    try:
        check_bytes(data, "deep.html" if data[:1] == b"<" else "deep.json")
    except InputError:
        pass
