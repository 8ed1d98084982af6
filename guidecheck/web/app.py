"""The workbench application: Starlette routes, templates, static files and
security headers. `create_app(db_path)` builds it; `guidecheck serve` runs it
under uvicorn."""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..report_model import local_time, report_zone
from . import api, pages
from .data import CampaignData

HERE = Path(__file__).parent
# Pages and API: no inline script or style, nothing from elsewhere, never framed.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Pure ASGI middleware (keeps streaming and SIGTERM handling simple)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {b"content-security-policy": PAGE_CSP.encode(), b"x-content-type-options": b"nosniff",
                         b"referrer-policy": b"same-origin", b"x-frame-options": b"DENY",
                         b"cache-control": b"no-store"}
                if scope["path"].startswith("/static/"):
                    extra[b"cache-control"] = b"max-age=3600"
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


@contextlib.asynccontextmanager
async def _warm_caches(app):
    """Build the latest campaign's finding keys and score in the background at start,
    so the first users do not wait for them."""
    def warm():
        data = app.state.data
        with contextlib.suppress(Exception):  # only a head start: a real request reports any error
            campaign_id = data.latest_campaign()
            if campaign_id is not None:
                data.statuses(campaign_id)
                data.scores(campaign_id)

    threading.Thread(target=warm, name="guidecheck-warm", daemon=True).start()
    yield


def _filters(env: Environment) -> None:
    from ..catalog import element_title

    env.filters["short"] = lambda key: (key or "")[:12]
    env.filters["element"] = lambda key: element_title(key) if key else "—"
    env.filters["local"] = lambda value: local_time(value, report_zone())  # Beijing time unless GUIDECHECK_TIMEZONE
    env.filters["num"] = lambda x: ("-" if x is None else (f"{x:g}" if isinstance(x, float) else str(x)))


def create_app(db_path: str | Path, *, secure_cookie: str = "auto") -> Starlette:
    db_path = Path(db_path)
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    _filters(env)
    templates = Jinja2Templates(env=env)
    routes = [
        Route("/api/login", api.login, methods=["POST"]),
        Route("/api/logout", api.logout, methods=["POST"]),
        Route("/api/findings", api.findings, methods=["GET"]),
        Route("/api/findings/{key}/decisions", api.decide, methods=["POST"]),
        Route("/api/scores", api.scores, methods=["GET"]),
        Route("/api/selfcheck", api.selfcheck_api, methods=["POST"]),
        Route("/login", pages.login_page, methods=["GET", "POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/", pages.home, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/progress", pages.progress, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/findings", pages.queue, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/findings/{key}", pages.finding, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/findings/{key}/decide", pages.decide, methods=["POST"]),
        Route("/campaigns/{campaign_id:int}/findings/{key}/journey.png", pages.journey_screenshot, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/snapshots/{sha}", pages.snapshot, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/scores", pages.scores, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/reports/{fmt}", pages.report, methods=["GET"]),
        Route("/campaigns/{campaign_id:int}/selfcheck", pages.selfcheck_page, methods=["GET", "POST"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=_warm_caches)
    app.state.db_path = db_path
    app.state.data = CampaignData(db_path)
    app.state.templates = templates
    app.state.secure_cookie = secure_cookie
    app.state.text = yaml.safe_load((HERE / "text.yaml").read_text(encoding="utf-8"))
    from .auth import users

    users(db_path)  # create the workbench tables before the first request
    return app


def app_from_environment() -> Starlette:
    """The app of one worker process when `guidecheck serve --workers N` runs several."""
    import os

    return create_app(os.environ["GUIDECHECK_WEB_DB"],
                      secure_cookie=os.environ.get("GUIDECHECK_WEB_SECURE_COOKIE", "auto"))
