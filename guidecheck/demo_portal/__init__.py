"""The bundled demo portal: a deterministic fake 政务服务网 on 127.0.0.1.

    from guidecheck.demo_portal import start_portal
    with start_portal(departments=5, items_per_department=60, seed=7) as portal:
        portal.url, portal.manifest()

Modules: content (wording), data (items built lazily from the seed), defects
(planted defects and their expected findings), render_* (one per page layout
family), files (downloads), traps (crawler traps), server (aiohttp app and
thread), manifest. See docs/demo-portal.md.
"""
from .data import Site  # noqa: F401
from .manifest import build_manifest, offline_expected  # noqa: F401
from .server import Portal, create_app, start_portal  # noqa: F401
