"""Monthly sampling with rotation (seed 002 #14): 20 items a month, every item
checked before any is checked twice, all items when 20 or fewer, reproducible,
idempotent per month, state kept in the SQLite file."""
from __future__ import annotations

import pytest

from guidecheck.sampling import (SamplingError, department_key, draw_campaign, draw_sample, rotation_status,
                                 samples, stored_sample)
from guidecheck.store import Store

DEPT = department_key("市市场监督管理局", "福州市")


def keys(n: int, prefix: str = "item") -> list[str]:
    return [f"{prefix}-{i:03d}" for i in range(n)]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "sampling.db") as st:
        yield st


def test_department_key_is_name_and_region():
    assert DEPT == "福州市|市市场监督管理局"
    assert department_key(" 市交通运输局 ") == "市交通运输局"


def test_three_months_of_fifty_items_cover_all_before_any_repeat(tmp_path):
    items = keys(50)
    path = tmp_path / "c.db"
    drawn = []
    for month in ("2026-01", "2026-02", "2026-03"):
        with Store(path) as st:  # a new process each month: the state is in the file
            drawn.append(draw_sample(st, department_key=DEPT, items=items, seed=7, month=month))
    m1, m2, m3 = drawn
    assert [len(m) for m in drawn] == [20, 20, 20]
    assert all(len(set(m)) == len(m) for m in drawn)  # never twice in one sample
    assert not set(m1) & set(m2)
    rest = set(items) - set(m1) - set(m2)
    assert len(rest) == 10 and set(m3[:10]) == rest  # the 10 left of cycle 1 first
    second_cycle = m3[10:]
    assert not set(second_cycle) & rest and len(set(second_cycle)) == 10
    with Store(path) as st:
        sample = stored_sample(st, DEPT, "2026-03")
        assert sample.cycles == [1] * 10 + [2] * 10 and sample.seed == 7
        assert rotation_status(st, DEPT) == {"department_key": DEPT, "cycle": 2, "listed": 50, "checked": 10,
                                             "remaining": 40, "withdrawn": 0}
        # month 4 and 5 finish cycle 2 without touching the 10 already checked in it
        m4 = draw_sample(st, department_key=DEPT, items=items, seed=7, month="2026-04")
        m5 = draw_sample(st, department_key=DEPT, items=items, seed=7, month="2026-05")
        assert not set(m4) & set(second_cycle) and not set(m5) & set(second_cycle) and not set(m4) & set(m5)
        assert set(second_cycle) | set(m4) | set(m5) == set(items)
        assert rotation_status(st, DEPT)["remaining"] == 0


def test_small_department_is_checked_in_full_every_month(store):
    items = keys(12)
    for month in ("2026-01", "2026-02", "2026-03"):
        assert sorted(draw_sample(store, department_key=DEPT, items=items, seed=1, month=month)) == items
    assert stored_sample(store, DEPT, "2026-03").cycles == [3] * 12
    exactly = keys(20, "x")
    assert sorted(draw_sample(store, department_key="other", items=exactly, seed=1, month="2026-01")) == exactly


def test_draw_is_reproducible_from_seed_month_department_and_state(tmp_path):
    items = keys(50)

    def run(name, seed, month="2026-01", dept=DEPT):
        with Store(tmp_path / f"{name}.db") as st:
            return draw_sample(st, department_key=dept, items=items, seed=seed, month=month)

    assert run("a", 7) == run("b", 7)
    assert run("c", 8) != run("d", 7)
    assert run("e", 7, month="2026-02") != run("f", 7)
    assert run("g", 7, dept="市交通运输局") != run("h", 7)
    # the item list's order does not matter
    with Store(tmp_path / "m.db") as st:
        assert draw_sample(st, department_key=DEPT, items=list(reversed(items)), seed=7, month="2026-01") == \
            run("n", 7)


def test_rerunning_a_month_returns_the_stored_draw(store):
    items = keys(50)
    first = draw_sample(store, department_key=DEPT, items=items, seed=3, month="2026-01", campaign_id=None)
    before = rotation_status(store, DEPT)
    again = draw_sample(store, department_key=DEPT, items=items + ["new"], seed=99, month="2026-01", size=5)
    assert again == first and rotation_status(store, DEPT) == before
    assert [s.month for s in samples(store)] == ["2026-01"]
    assert store.db["samples"].count == 1


def test_new_items_join_the_current_cycle(store):
    items = keys(25)
    m1 = draw_sample(store, department_key=DEPT, items=items, seed=5, month="2026-01")
    new = ["new-1", "new-2"]
    m2 = draw_sample(store, department_key=DEPT, items=items + new, seed=5, month="2026-02")
    # cycle 1 holds 5 old + 2 new unchecked items: all of them come first, then 13 from cycle 2
    left = (set(items) - set(m1)) | set(new)
    assert len(m2) == 20 and set(m2[:7]) == left
    assert stored_sample(store, DEPT, "2026-02").cycles == [1] * 7 + [2] * 13
    assert rotation_status(store, DEPT)["listed"] == 27


def test_new_items_are_eligible_in_a_large_pool(store):
    items = keys(60)
    draw_sample(store, department_key=DEPT, items=items, seed=5, month="2026-01")
    new = keys(40, "new")
    seen = set()
    for month in ("2026-02", "2026-03", "2026-04", "2026-05"):
        seen |= set(draw_sample(store, department_key=DEPT, items=items + new, seed=5, month=month))
    assert set(new) <= seen  # every new item is drawn within the cycle it joined


def test_withdrawn_items_are_never_drawn(store):
    items = keys(50)
    draw_sample(store, department_key=DEPT, items=items, seed=2, month="2026-01")
    withdrawn = set(items[:30])
    listed = items[30:]
    drawn = []
    for month in ("2026-02", "2026-03", "2026-04"):
        sample = draw_sample(store, department_key=DEPT, items=listed, seed=2, month=month)
        assert not set(sample) & withdrawn
        drawn.append(sample)
    assert all(len(s) == 20 for s in drawn)
    status = rotation_status(store, DEPT)
    assert status["withdrawn"] == 30 and status["listed"] == 20


def test_months_must_be_drawn_in_order_and_well_formed(store):
    draw_sample(store, department_key=DEPT, items=keys(30), seed=1, month="2026-05")
    with pytest.raises(SamplingError, match="更早"):
        draw_sample(store, department_key=DEPT, items=keys(30), seed=1, month="2026-04")
    with pytest.raises(SamplingError, match="YYYY-MM"):
        draw_sample(store, department_key=DEPT, items=keys(30), seed=1, month="2026-5")
    # a refused draw changed nothing
    assert [s.month for s in samples(store)] == ["2026-05"]


def test_draw_campaign_uses_the_campaign_seed_and_its_departments(store):
    cid = store.create_campaign("2026年1月", scheme="city-ywtb", seed=11)
    big = store.add_department(cid, "市市场监督管理局", region="福州市")
    small = store.add_department(cid, "市交通运输局", region="福州市")
    store.upsert_items(cid, [(big, k, k, None) for k in keys(30)] + [(small, k, k, None) for k in keys(5, "t")])
    out = draw_campaign(store, cid, month="2026-01")
    assert len(out[big]) == 20 and sorted(out[small]) == keys(5, "t")
    with Store(store.path.with_name("other.db")) as other:
        assert draw_sample(other, department_key=DEPT, items=keys(30), seed=11, month="2026-01") == out[big]
    assert {s.campaign_id for s in samples(store, campaign_id=cid)} == {cid}
    assert draw_campaign(store, cid, month="2026-01") == out


def test_included_items_are_drawn_first_and_count_toward_the_size(store):
    items = keys(60)
    must = ["item-059", "item-003", "not-listed"]
    drawn = draw_sample(store, department_key=DEPT, items=items, size=10, seed=7, month="2026-01", include=must)
    assert drawn[:2] == ["item-003", "item-059"] and len(drawn) == 10 and len(set(drawn)) == 10
    assert "not-listed" not in drawn  # an item not listed this month cannot be checked
    # the same draw without `include` is random elsewhere: the included ones are not there by chance
    other = draw_sample(store, department_key="其他部门", items=items, size=10, seed=7, month="2026-01")
    assert not {"item-003", "item-059"} <= set(other)
    # they were checked in the cycle like any drawn item: next month draws from the rest
    nxt = draw_sample(store, department_key=DEPT, items=items, size=10, seed=7, month="2026-02")
    assert not set(nxt) & set(drawn)


def test_more_included_items_than_the_size_are_all_taken(store):
    items = keys(30)
    drawn = draw_sample(store, department_key=DEPT, items=items, size=3, seed=1, month="2026-01",
                        include=keys(5))
    assert drawn == keys(5)
