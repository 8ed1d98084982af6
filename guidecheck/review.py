"""Review and appeal of findings: who decided what, when and why, on record.

A finding is named by `finding_key` (stable across re-checks and campaigns:
the same guide with the same defect gets the same key). Decisions are appended
to the `decisions` table and never changed; a finding's status is derived from
its decision history.

Actions and the status each leads to:

    confirm   reviewer: the finding stands             -> confirmed   (counts)
    dismiss   reviewer: the finding is wrong           -> dismissed   (does not count)
    appeal    department contests a counted finding    -> appealed    (counts as before until decided)
    uphold    reviewer rejects the appeal: the finding stands      -> upheld      (counts)
    overturn  reviewer accepts the appeal: the finding is removed  -> overturned  (does not count)

"Upheld" and "overturned" name what becomes of the appealed finding (schemes.md:
"appealed and upheld or overturned").

confirm and dismiss apply to any finding with no decision, or to one a reviewer
confirmed or dismissed (a reviewer may change their mind before an appeal);
appeal only to a counted finding (a `fail` with no decision, or a confirmed
one); uphold and overturn only to an appealed one. After uphold or overturn the
finding is settled. Every action but confirm needs a reason.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .model import Finding
from .scoring import finding_key as _scoring_finding_key

ACTIONS = ("confirm", "dismiss", "appeal", "uphold", "overturn")
STATUS_OF = {"confirm": "confirmed", "dismiss": "dismissed", "appeal": "appealed", "uphold": "upheld",
             "overturn": "overturned"}
STATUSES = tuple(STATUS_OF.values())
REASON_REQUIRED = frozenset({"dismiss", "appeal", "uphold", "overturn"})
ACTION_LABELS = {"confirm": "确认", "dismiss": "撤销", "appeal": "申诉", "uphold": "维持扣分（申诉不成立）",
                 "overturn": "撤销扣分（申诉成立）"}
STATUS_LABELS = {"confirmed": "已确认", "dismissed": "已撤销", "appealed": "申诉中", "upheld": "申诉不成立（维持扣分）",
                 "overturned": "申诉成立（撤销扣分）", None: "未复核"}
MIN_PREFIX = 6
_HEX = re.compile(r"^[0-9a-f]+$")


class ReviewError(ValueError):
    """A decision refused (invalid transition, missing reason, unknown key); the message is Chinese."""


def finding_key(source: str | None, finding: Finding | Mapping) -> str:
    """The finding's stable key, as scoring computes it (guidecheck.scoring.finding_key:
    sha1 hex of "source|rule|element|material|evidence", an absent element,
    material or evidence written as ""). `finding` is a Finding, or a mapping with
    those keys (a stored findings row, Finding.to_json())."""
    if isinstance(finding, Mapping):
        finding = Finding(rule=finding.get("rule"), element=finding.get("element"),
                          outcome=finding.get("outcome") or "fail", message=finding.get("message") or "",
                          evidence=finding.get("evidence") or "", material=finding.get("material"))
    return _scoring_finding_key(source or "", finding)


def counts(outcome: str, status: str | None) -> bool:
    """Whether a finding deducts under its review status: confirmed and upheld
    count, dismissed and overturned do not, appealed keeps the counting it had (a fail
    counts), and with no decision only a `fail` counts (`needs_review` waits)."""
    if status in ("confirmed", "upheld"):
        return True
    if status in ("dismissed", "overturned"):
        return False
    return outcome == "fail"


def transition_error(status: str | None, outcome: str | None, action: str) -> str | None:
    """Why `action` cannot follow `status` (None when it can). `outcome` is the
    finding's own outcome (fail / needs_review); None when unknown."""
    if action not in ACTIONS:
        return f"未知的复核操作：{action}（可用：{'、'.join(ACTIONS)}）"
    if status in ("upheld", "overturned"):
        return f"该问题的申诉已裁决（{STATUS_LABELS[status]}），不能再{ACTION_LABELS[action]}"
    if action in ("confirm", "dismiss"):
        if status == "appealed":
            return "该问题正在申诉中，应先裁决申诉（uphold 维持扣分 或 overturn 撤销扣分）"
        if status == STATUS_OF[action]:
            return f"该问题已{ACTION_LABELS[action]}，无需重复{ACTION_LABELS[action]}"
        return None
    if action == "appeal":
        if status == "appealed":
            return "该问题已在申诉中，不能重复申诉"
        if status == "dismissed":
            return "该问题已被复核人撤销，不计分，不能申诉"
        if status is None and outcome == "needs_review":
            return "该问题待人工复核，尚未确认计分，不能申诉"
        return None
    if status != "appealed":  # uphold, overturn
        return f"该问题没有待裁决的申诉，不能{ACTION_LABELS[action]}"
    return None


def derive_status(actions: Iterable[str], outcome: str | None = None) -> str | None:
    """The status after a decision history (oldest first): each valid action moves
    the status on; an action that was not valid at its turn is skipped."""
    return _walk(actions, outcome)[0]


def _walk(actions: Iterable[str], outcome: str | None) -> tuple[str | None, str | None]:
    """(status, the status the finding had when it was appealed)."""
    status = before_appeal = None
    for action in actions:
        if transition_error(status, outcome, action) is None:
            if action == "appeal":
                before_appeal = status
            status = STATUS_OF[action]
    return status, before_appeal


# ---------------------------------------------------------------- the store side

def campaign_findings(store, campaign_id: int | None = None) -> list[dict]:
    """Stored findings with their key, source, department and item (all campaigns
    when campaign_id is None)."""
    out = []
    for row in store.review_findings(campaign_id):
        row["key"] = finding_key(row.get("source"), row)
        out.append(row)
    return out


def _outcomes(findings: Iterable[dict]) -> dict[tuple[int, str], str]:
    """(campaign id, key) -> outcome; a key shared by a fail and a needs_review is a fail."""
    out: dict[tuple[int, str], str] = {}
    for f in findings:
        at = (f["campaign_id"], f["key"])
        if out.get(at) != "fail":
            out[at] = f["outcome"]
    return out


def _histories(decisions: Iterable[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in decisions:
        out.setdefault(d["finding_key"], []).append(d["action"])
    return out


def current_statuses(store, campaign_id: int) -> dict[str, str]:
    """finding key -> status (confirmed, dismissed, appealed, upheld, overturned)
    for every finding of the campaign with a decision; undecided findings are absent."""
    outcomes = _outcomes(campaign_findings(store, campaign_id))
    out = {}
    for key, actions in _histories(store.decisions(campaign_id=campaign_id)).items():
        status = derive_status(actions, outcomes.get((campaign_id, key)))
        if status is not None:
            out[key] = status
    return out


def scoring_decisions(store, campaign_id: int) -> dict[str, str]:
    """finding key -> the decision scoring applies (guidecheck.scoring's DECISIONS:
    confirmed, dismissed, upheld, overturned). A pending appeal does not change
    the counting: it maps to the status the finding had when appealed (confirmed),
    or is left out when it had none (a `fail`, which counts)."""
    outcomes = _outcomes(campaign_findings(store, campaign_id))
    out = {}
    for key, actions in _histories(store.decisions(campaign_id=campaign_id)).items():
        status, before_appeal = _walk(actions, outcomes.get((campaign_id, key)))
        if status == "appealed":
            status = before_appeal
        if status is not None:
            out[key] = status
    return out


def scoring_status(actions: Iterable[str], outcome: str | None) -> str | None:
    """The decision scoring applies after one finding's history (oldest first), as
    scoring_decisions() gives it: a pending appeal maps to the status the finding
    had when appealed; None when scoring sees no decision."""
    status, before_appeal = _walk(actions, outcome)
    return before_appeal if status == "appealed" else status


def review_queue(store, campaign_id: int) -> list[dict]:
    """The needs_review findings of the campaign with no decision yet, one per key,
    in item order: key, department, item_key, item_name, rule, element, message,
    evidence, source."""
    decided = {d["finding_key"] for d in store.decisions(campaign_id=campaign_id)}
    out, seen = [], set()
    for f in campaign_findings(store, campaign_id):
        if f["outcome"] != "needs_review" or f["key"] in decided or f["key"] in seen:
            continue
        seen.add(f["key"])
        out.append({k: f.get(k) for k in ("key", "campaign_id", "department", "item_key", "item_name", "rule",
                                          "element", "material", "message", "evidence", "source")})
    return out


def resolve_key(store, prefix: str, campaign_id: int | None = None, *,
                include_decisions: bool = False) -> tuple[str, list[dict]]:
    """The full key a (≥ 6 hex digit) prefix names, like git, and the findings with
    that key (latest campaign first). Raises ReviewError when the prefix is too
    short, matches nothing, or matches several keys."""
    prefix = (prefix or "").strip().lower()
    if len(prefix) < MIN_PREFIX or len(prefix) > 40 or not _HEX.match(prefix):
        raise ReviewError(f"问题编号应为 {MIN_PREFIX}–40 位十六进制字符，实际是 {prefix!r}")
    findings = [f for f in campaign_findings(store, campaign_id) if f["key"].startswith(prefix)]
    keys = {f["key"] for f in findings}
    if include_decisions:
        keys |= {d["finding_key"] for d in store.decisions(campaign_id=campaign_id)
                 if d["finding_key"].startswith(prefix)}
    if not keys:
        where = f"任务 {campaign_id} 中" if campaign_id is not None else ""
        raise ReviewError(f"{where}找不到编号以 {prefix} 开头的问题")
    if len(keys) > 1:
        listed = "、".join(sorted(k[:12] for k in keys)[:10])
        raise ReviewError(f"编号 {prefix} 不唯一，可能是：{listed}；请多写几位")
    key = keys.pop()
    findings = sorted((f for f in findings if f["key"] == key), key=lambda f: (-f["campaign_id"], f["id"]))
    return key, findings


def decide(store, key: str, action: str, *, who: str, why: str | None = None,
           campaign_id: int | None = None) -> dict:
    """Record one decision on the finding `key` names (a full key or a unique
    prefix) in `campaign_id` (default: the latest campaign holding that finding).
    Returns the stored decision with the finding and the new status; raises
    ReviewError (in Chinese) when the decision is not allowed."""
    if action not in ACTIONS:
        raise ReviewError(transition_error(None, None, action))
    who = (who or "").strip()
    why = (why or "").strip() or None
    if not who:
        raise ReviewError("必须写明由谁作出决定（--who）")
    if action in REASON_REQUIRED and not why:
        raise ReviewError(f"{ACTION_LABELS[action]}必须说明理由（--why）")
    key, findings = resolve_key(store, key, campaign_id)
    campaign_id = findings[0]["campaign_id"] if campaign_id is None else campaign_id
    findings = [f for f in findings if f["campaign_id"] == campaign_id]
    return record_decision(store, key, findings, action, who=who, why=why)


def record_decision(store, key: str, findings: list[dict], action: str, *, who: str, why: str | None) -> dict:
    """The recording half of decide(), for a caller that already holds the findings
    with the full `key` in one campaign (the web workbench looks them up by exact
    key, without scanning every key of the campaign). Checks the transition inside
    the write transaction; raises ReviewError as decide() does."""
    who = (who or "").strip()
    why = (why or "").strip() or None
    if action not in ACTIONS:
        raise ReviewError(transition_error(None, None, action))
    if not who:
        raise ReviewError("必须写明由谁作出决定（--who）")
    if action in REASON_REQUIRED and not why:
        raise ReviewError(f"{ACTION_LABELS[action]}必须说明理由（--why）")
    if not findings:
        raise ReviewError(f"找不到编号为 {key} 的问题")
    campaign_id = findings[0]["campaign_id"]
    outcome = "fail" if any(f["outcome"] == "fail" for f in findings) else findings[0]["outcome"]
    with store.write_transaction():
        history = [d["action"] for d in store.decisions(campaign_id=campaign_id, finding_key=key)]
        status = derive_status(history, outcome)
        error = transition_error(status, outcome, action)
        if error:
            raise ReviewError(f"{key[:12]}：{error}")
        decision_id = store.add_decision(campaign_id, key, action, who=who, why=why)
    decision = store.decision(decision_id)
    return {**decision, "status": STATUS_OF[action], "previous": status, "finding": findings[0]}


def history(store, key: str) -> tuple[str, list[dict], list[dict]]:
    """(full key, the findings with that key in every campaign, its decisions oldest
    first, each with the status it led to)."""
    key, findings = resolve_key(store, key, include_decisions=True)
    outcomes = _outcomes(findings)
    decisions = store.decisions(finding_key=key)
    by_campaign: dict[int, list[str]] = {}
    for d in decisions:
        actions = by_campaign.setdefault(d["campaign_id"], [])
        before = derive_status(actions, outcomes.get((d["campaign_id"], key)))
        actions.append(d["action"])
        d["valid"] = transition_error(before, outcomes.get((d["campaign_id"], key)), d["action"]) is None
        d["status"] = derive_status(actions, outcomes.get((d["campaign_id"], key)))
    return key, findings, decisions
