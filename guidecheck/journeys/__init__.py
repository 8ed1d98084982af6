"""Journeys and portal pages: the checks that need a browser.

- runner.py: from a guide page, click its online-handling control and time the
  way to the handling page (J001-J003 read the JourneyResult it produces);
- pool.py: browser contexts over one Chromium, restarted when it dies;
- portal_pages.py: government and department homepages (H001-H003);
- phases.py: the campaign phases `run_journeys` and `check_portal_pages`.

result.py and portal_pages' checks are pure (no browser); the rest imports
Playwright only when it runs. See docs/journeys.md.
"""
from .result import JourneyResult, JourneyRun, journey_from_dict  # noqa: F401
