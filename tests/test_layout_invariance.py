"""Layout invariance (issue 8): the same guide content, published under every
layout real portals use, must give the same record and the same findings.

A seeded content model (tests/invariance/content.py) is rendered by each
renderer of tests/invariance (Element-UI, Ant Design, iView, layui, Bootstrap,
Word export, Hanweb GBK tables, TRS running text, h2 sections, definition
lists, cards, tabs, read-only forms, split header/body tables, label-above-value
grids with timelines, Zhejiang div grids, window tables, Vant mobile pages), each randomising class names,
wrappers, label decorations, order, numerals, phone separators and chrome.
The expected record and findings come from the model, never from the
extractor. One test per renderer runs every seed and, on failure, names the
failing seeds, the kinds of difference and the smallest diff.

    GUIDECHECK_INVARIANCE_SEEDS=N   seeds per renderer (default 200)
    GUIDECHECK_INVARIANCE_SEED=S    run only seed S (debugging one failure)
    python3 tests/invariance/tally.py [--dump DIR]   per-renderer tally
"""
import os
import random
from collections import Counter

import pytest
from lxml import html as lxml_html

from invariance import RENDERERS
from invariance.content import DEFECT_KINDS, generate
from invariance.expect import expected_record, text_norm
from invariance.harness import DEFAULT_SEEDS, expected_for, render, rendering_rng, run, summarise

SEEDS = int(os.environ.get("GUIDECHECK_INVARIANCE_SEEDS", DEFAULT_SEEDS))
ONLY = os.environ.get("GUIDECHECK_INVARIANCE_SEED")
MODEL_SEEDS = max(SEEDS, DEFAULT_SEEDS)  # the model alone is cheap: always the full range


def seeds():
    return [int(ONLY)] if ONLY else range(SEEDS)


def test_harness_size():
    names = [r.name for r in RENDERERS]
    assert len(set(names)) == len(names) >= 15
    if not ONLY and "GUIDECHECK_INVARIANCE_SEEDS" not in os.environ:
        assert len(RENDERERS) * SEEDS >= 3000


@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda r: r.name)
def test_same_record_and_findings_under_every_layout(renderer):
    failures = {}
    for seed in seeds():
        diff = run(renderer, seed)
        if diff:
            failures[seed] = diff
    if failures:
        pytest.fail(summarise(renderer, failures, len(seeds())), pytrace=False)


# ------------------------------------------------------------ the model itself

def test_planted_defects_reach_the_expected_findings():
    """Every planted defect gives its finding on the model's own record, under
    every renderer's view of it (so the checks see the defects at all)."""
    missing = []
    for seed in range(MODEL_SEEDS):
        guide = generate(seed)
        assert guide.defects, f"seed {seed} plants no defect"
        for r in RENDERERS:
            keys = expected_for(seed, r)[1]
            for d in guide.defects:
                if not any(k[0] == d.rule and k[1] == d.element and k[2] == (-1 if d.material is None else d.material)
                           for k in keys):
                    missing.append(f"seed {seed} {r.name}: {d.kind} should give {d.rule} {d.element} {d.material}")
    assert not missing, "\n".join(missing[:20])


def test_every_defect_kind_is_planted_often():
    counts = Counter(d.kind for seed in range(MODEL_SEEDS) for d in generate(seed).defects)
    rare = {k: counts[k] for k in DEFECT_KINDS if counts[k] < MODEL_SEEDS // 20}
    assert not rare, rare


def test_the_model_is_deterministic_and_varied():
    assert generate(7) == generate(7)
    names = {generate(s).elements["name"] for s in range(40)}
    assert len(names) >= 8


# ------------------------------------------------------------ the renderers themselves

def _visible_text(data: bytes) -> tuple[str, set[str]]:
    """The page's visible text (with read-only field values) and its hrefs."""
    doc = lxml_html.document_fromstring(data)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    parts = [doc.text_content()]
    parts += doc.xpath("//input/@value")
    return text_norm(" ".join(parts)), set(doc.xpath("//a/@href"))


@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda r: r.name)
def test_renderer_shows_the_whole_content(renderer):
    """A renderer prints every value it claims to carry (else a failure above
    would be the renderer's, not the extractor's), and varies between renderings."""
    for seed in range(12):
        guide = generate(seed)
        data = render(renderer, seed)
        text, hrefs = _visible_text(data)
        expected = expected_record(guide, renderer)
        for key, value in expected.elements.items():
            if key in ("consult_phone", "complaint_phone", "legal_limit", "promised_limit", "materials", "process", "faq"):
                continue  # written in a varied form; compared normalised by the harness
            assert text_norm(value) in text, (renderer.name, seed, key, value)
        for m in expected.materials:
            for field, value in m.to_json().items():
                if field.endswith("_url"):
                    assert value in hrefs, (renderer.name, seed, field, value)
                else:
                    assert text_norm(value) in text, (renderer.name, seed, field, value)
        for step in expected.process_steps:
            assert text_norm(step.name) in text, (renderer.name, seed, step.name)
        for pair in expected.faq:
            assert text_norm(pair.question) in text and text_norm(pair.answer) in text, (renderer.name, seed)
    guide = generate(3)
    pages = {renderer.render(guide, random.Random(k)) for k in range(6)}
    assert len(pages) == 6, f"{renderer.name} renders the same page for different RNG seeds"
    assert render(renderer, 3) == renderer.render(guide, rendering_rng(renderer, 3))


# ------------------------------------------------------------ the comparison itself

def test_normalising_keeps_meaning_only():
    from invariance.expect import limit_norm, phone_norm

    for written in ("0591-87654321", "0591—87654321", "0591－87654321", "0591 87654321", "（0591）87654321",
                    "(0591)87654321", "059187654321", "０５９１－８７６５４３２１"):
        assert phone_norm(written) == "0591-87654321", written
    assert phone_norm("87654321") != phone_norm("0591-87654321")
    for joined in ("0591-87654321、0591-87654322", "0591-87654321；0591-87654322", "0591-87654321 / （0591）87654322",
                   "0591 87654321或0591 87654322"):
        assert phone_norm(joined) == "0591-87654321、0591-87654322", joined
    assert limit_norm("二十个工作日") == limit_norm("20个工作日") == "20个工作日"
    assert limit_norm("十五日") == "15日" and limit_norm("两个工作日") == "2个工作日"
    assert limit_norm("20日") != limit_norm("20个工作日")


def test_diff_sees_every_kind_of_change():
    from invariance.expect import finding_keys, findings_diff, record_diff

    guide = generate(11)
    renderer = RENDERERS[0]
    want = expected_record(guide, renderer)
    assert record_diff(want, expected_record(guide, renderer)) == []
    changes = {
        "element value": lambda r: r.elements.__setitem__("location", r.elements["location"] + "东侧"),
        "element missing": lambda r: r.elements.pop("agency"),
        "material value": lambda r: setattr(r.materials[1], "copies", "9份"),
        "material extra": lambda r: setattr(next(m for m in r.materials if m.form_url is None), "form_url", "/x.doc"),
        "materials count": lambda r: r.materials.pop(),
        "steps count": lambda r: r.process_steps.pop(),
        "step duration": lambda r: setattr(r.process_steps[1], "duration", "9个工作日"),
        "faq count": lambda r: r.faq.pop(),
    }
    for kind, change in changes.items():
        got = expected_record(guide, renderer)
        change(got)
        assert any(line.startswith(kind) for line in record_diff(want, got)), kind
    keys = finding_keys([])
    assert findings_diff([("P202", "consult_phone", -1, "fail")], keys) == ["finding missing P202 consult_phone fail"]
