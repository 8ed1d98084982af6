"""Moved to guidecheck/progress.py (shared by every phase)."""
from ..progress import Progress  # noqa: F401
