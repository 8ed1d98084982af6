"""Element checks: one module per rule family (E, M, P, T, L, B, F, R, C, Q).

`run_checks(record)` runs them on a GuideRecord; see registry.py."""
from .registry import CheckContext, run_checks  # noqa: F401
