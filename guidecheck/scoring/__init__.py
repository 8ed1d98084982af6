"""Scoring: checked guides and a scheme in, points per department and indicator out.

    score_department(DepartmentInput, scheme, judged_rules, decisions) -> DepartmentScore
    score_campaign([DepartmentInput, ...], scheme, judged_rules, decisions) -> CampaignScore
    finding_key(source, finding) -> str   # the key reviewers' decisions use

Pure functions: no network, no store. The numbers live in the scheme files
(element_rules/schemes/); docs/scoring.md says how each form reads them.
"""
from .counting import decision_status, finding_key
from .engine import scheme_sha256, score_campaign, score_department, score_indicator
from .model import (
    DECISIONS,
    CampaignScore,
    Deduction,
    DepartmentInput,
    DepartmentScore,
    FindingState,
    IndicatorScore,
    SecondChannel,
    points_value,
)

__all__ = [
    "DECISIONS",
    "CampaignScore",
    "Deduction",
    "DepartmentInput",
    "DepartmentScore",
    "FindingState",
    "IndicatorScore",
    "SecondChannel",
    "decision_status",
    "finding_key",
    "points_value",
    "scheme_sha256",
    "score_campaign",
    "score_department",
    "score_indicator",
]
