"""Monthly sampling with rotation (seed 002 #14: 部门事项大于20个的，每月抽取20个，逐步全覆盖；
不足20个，全量检查).

The rotation state lives in the store and is keyed by department (name + region,
see `department_key`) and item key, so it spans campaigns: keep one database for
a roster's monthly campaigns and each month's draw continues the last one.

- A department is in a rotation cycle (1, 2, …). Every item listed this month
  and not yet checked in the current cycle is in the pool.
- `draw_sample` takes `size` items from the pool; when fewer remain it takes them
  all and completes the sample from the NEXT cycle (the department moves on to
  it), never taking an item twice in one sample. A department with `size` items
  or fewer is checked in full each month.
- Drawn items are marked as checked in their cycle at draw time, in the same
  transaction that stores the draw: the sample is the month's commitment (an
  item whose page could not be fetched is still that month's item, reported as
  an error), and a re-run of the month returns the stored draw unchanged.
- New items join the current cycle's pool; withdrawn items (not listed this
  month) leave it and are never drawn; one that comes back keeps its state.
- The draw is reproducible: random.Random seeded from a hash of (seed, month,
  department key) over the sorted pool.
- Items that must be checked this month (`include`: e.g. items with complaints,
  or the demo's planted defects; the campaign setting `sample.include`) are
  taken first, whatever their rotation state, and count toward the size; the
  rest of the sample is drawn as above. More included items than `size`: all
  of them are taken and nothing is drawn.
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

DEFAULT_SIZE = 20
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class SamplingError(ValueError):
    """A draw that cannot be made (bad month, month out of order); the message is Chinese."""


@dataclass
class Sample:
    """One stored draw: the items in draw order and the cycle each was checked in."""

    department_key: str
    month: str
    seed: int
    size: int
    items: list[str]
    cycles: list[int]
    campaign_id: int | None = None
    created_at: str = ""

    def to_json(self) -> dict:
        return {"department_key": self.department_key, "month": self.month, "seed": self.seed, "size": self.size,
                "items": list(self.items), "cycles": list(self.cycles), "campaign_id": self.campaign_id,
                "created_at": self.created_at}


def department_key(name: str, region: str | None = "") -> str:
    """The department's key in the rotation: stable across campaigns. "region|name",
    or the bare name when the roster gives no region."""
    name, region = name.strip(), (region or "").strip()
    return f"{region}|{name}" if region else name


def _rng(seed: int, month: str, dept_key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{month}|{dept_key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def plan_draw(listed: list[str], checked_cycle: dict[str, int], cycle: int, size: int,
              rng: random.Random, include: list[str] | tuple = ()) -> tuple[list[str], list[int], int]:
    """The pure part of a draw: (items, the cycle of each, the department's cycle
    afterwards). `checked_cycle` maps item keys to the last cycle they were checked
    in (absent or 0: never). `include`: items taken first (those listed)."""
    listed = sorted(set(listed))
    forced = sorted(set(include) & set(listed))
    if forced:
        others = [k for k in listed if k not in set(forced)]
        rest, cycles, after = (plan_draw(others, checked_cycle, cycle, size - len(forced), rng)
                               if size > len(forced) and others else ([], [], cycle))
        return forced + rest, [cycle] * len(forced) + cycles, after
    remaining = [k for k in listed if checked_cycle.get(k, 0) < cycle]
    if len(remaining) >= size:
        first = sorted(rng.sample(remaining, size))
        return first, [cycle] * len(first), cycle
    taken = set(remaining)
    pool = [k for k in listed if k not in taken]
    need = min(size - len(remaining), len(pool))
    second = sorted(rng.sample(pool, need)) if need else []
    after = cycle + 1 if second else cycle
    return remaining + second, [cycle] * len(remaining) + [cycle + 1] * len(second), after


def draw_sample(store, *, department_key: str, items: list[str], size: int = DEFAULT_SIZE, seed: int,
                month: str, campaign_id: int | None = None, include: list[str] | tuple = ()) -> list[str]:
    """The month's sample of `items` (the department's currently listed item keys).

    Returns the stored draw when this department already has one for `month`
    (whatever `items`, `size` or `seed` say now: a re-run is idempotent).
    Otherwise draws, marks the drawn items as checked in their cycle, updates
    the pool (new and withdrawn items) and stores the draw, in one transaction.
    Months must be drawn in order (YYYY-MM): a month earlier than the
    department's latest draw is refused."""
    if not _MONTH.match(month or ""):
        raise SamplingError(f"月份应写作 YYYY-MM，实际是 {month!r}")
    if size < 1:
        raise SamplingError(f"抽样数量应为正整数，实际是 {size}")
    with store.write_transaction():
        stored = store.sample(department_key, month)
        if stored is not None:
            return list(stored["items"])
        latest = store.latest_sample_month(department_key)
        if latest is not None and month < latest:
            raise SamplingError(f"部门“{department_key}”已抽取到 {latest}，不能再为更早的 {month} 抽样")
        cycle, known = store.rotation_state(department_key)
        checked = {key: row["checked_cycle"] or 0 for key, row in known.items()}
        drawn, cycles, after = plan_draw(items, checked, cycle, size, _rng(seed, month, department_key), include)
        store.save_draw(department_key, month=month, seed=seed, size=size, listed=sorted(set(items)),
                        drawn=drawn, cycles=cycles, cycle=after, campaign_id=campaign_id)
    return drawn


def stored_sample(store, department_key: str, month: str) -> Sample | None:
    row = store.sample(department_key, month)
    return _sample(row) if row else None


def samples(store, *, month: str | None = None, campaign_id: int | None = None) -> list[Sample]:
    """Stored draws, by department and month (what a campaign shows as its sample)."""
    return [_sample(row) for row in store.samples(month=month, campaign_id=campaign_id)]


def rotation_status(store, department_key: str) -> dict:
    """Where the department is in its rotation: cycle, listed items, how many of
    them are checked in the current cycle and how many remain, withdrawn items."""
    cycle, known = store.rotation_state(department_key)
    listed = [row for row in known.values() if row["listed"]]
    checked = sum(1 for row in listed if (row["checked_cycle"] or 0) >= cycle)
    return {"department_key": department_key, "cycle": cycle, "listed": len(listed), "checked": checked,
            "remaining": len(listed) - checked, "withdrawn": len(known) - len(listed)}


def draw_campaign(store, campaign_id: int, *, month: str, size: int = DEFAULT_SIZE) -> dict[int, list[str]]:
    """Draw (or fetch the stored draw) for every department of a campaign from its
    discovered items, with the campaign's seed and its `sample.include` setting.
    Returns department id -> item keys."""
    campaign = store.campaign(campaign_id)
    seed = int(campaign.get("seed") or 0)
    include = ((campaign.get("settings") or {}).get("sample") or {}).get("include") or []
    by_department: dict[int, list[str]] = {}
    for item in store.items(campaign_id):
        by_department.setdefault(item["department_id"], []).append(item["item_key"])
    out = {}
    for dept in store.departments(campaign_id):
        out[dept["id"]] = draw_sample(store, department_key=department_key(dept["name"], dept.get("region")),
                                      items=by_department.get(dept["id"], []), size=size, seed=seed, month=month,
                                      campaign_id=campaign_id, include=include)
    return out


def _sample(row: dict) -> Sample:
    return Sample(department_key=row["department_key"], month=row["month"], seed=row["seed"], size=row["size"],
                  items=list(row["items"]), cycles=list(row["cycles"]), campaign_id=row.get("campaign_id"),
                  created_at=row.get("created_at") or "")
