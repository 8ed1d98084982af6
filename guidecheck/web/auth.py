"""Sessions, CSRF and the login rate limit.

- The session cookie holds a random token (only its sha256 is stored); it is
  HttpOnly, SameSite=Strict, and Secure when the request came over https (as the
  reverse proxy reports it) or when the server is told so (`--secure-cookie`).
- Every state-changing request (anything but GET/HEAD/OPTIONS) must carry the
  session's CSRF token: the X-CSRF-Token header (API and htmx) or the hidden
  `csrf` form field (plain forms). No session: 401 (API) or the login page;
  then a missing or wrong token: 403.
- Login: at most LIMIT_PER_NAME failures per name and LIMIT_PER_CLIENT per
  client address within LIMIT_WINDOW; beyond that 429 until the window passes.
"""
from __future__ import annotations

import secrets
import threading
from datetime import timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..store_users import UserStore

COOKIE = "guidecheck_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LIMIT_WINDOW = timedelta(minutes=15)
LIMIT_PER_NAME = 10
LIMIT_PER_CLIENT = 100
MAX_UPLOAD_FILES = 50
MAX_PART_SIZE = 5 * 1024 * 1024

_LOCAL = threading.local()
# Argon2 takes 64 MiB and several cores per verification: at most two at once, the rest queue.
_HASHING = threading.BoundedSemaphore(2)


def users(db_path: Path) -> UserStore:
    """This thread's UserStore on the campaign database."""
    stores = getattr(_LOCAL, "stores", None)
    if stores is None:
        stores = _LOCAL.stores = {}
    store = stores.get(db_path)
    if store is None:
        store = stores[db_path] = UserStore(db_path)
    return store


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def cookie_secure(request: Request) -> bool:
    mode = request.app.state.secure_cookie
    if mode == "always":
        return True
    if mode == "never":
        return False
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=cookie_secure(request), path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="strict", secure=cookie_secure(request), path="/")


async def login(request: Request, name: str, password: str) -> tuple[str, dict | None, str | None, str | None]:
    """('ok' | 'wrong' | 'limited', user, session token, csrf)."""
    db_path = request.app.state.db_path
    client = client_of(request)
    name = (name or "")[:200]

    def attempt():
        store = users(db_path)
        by_name, by_client = store.recent_failures(name, client, LIMIT_WINDOW)
        if by_name >= LIMIT_PER_NAME or by_client >= LIMIT_PER_CLIENT:
            return "limited", None, None, None
        with _HASHING:
            user = store.authenticate(name, password or "")
        if user is None:
            store.record_failure(name, client)
            return "wrong", None, None, None
        token, csrf = store.create_session(user["id"], client)
        return "ok", user, token, csrf

    return await run_in_threadpool(attempt)


async def logout(request: Request) -> None:
    db_path, token = request.app.state.db_path, request.cookies.get(COOKIE)
    await run_in_threadpool(lambda: users(db_path).end_session(token))


async def current_session(request: Request) -> dict | None:
    db_path, token = request.app.state.db_path, request.cookies.get(COOKIE)
    return await run_in_threadpool(lambda: users(db_path).session(token))


def guarded(*, api: bool):
    """Wrap a handler: a session is required (401 / login page), then the CSRF token
    on every state-changing request (403). The session is put in request.state.user."""
    def wrap(handler):
        @wraps(handler)
        async def endpoint(request: Request):
            session = await current_session(request)
            if session is None:
                if api:
                    return JSONResponse({"error": request.app.state.text["need_login"]}, status_code=401)
                if request.headers.get("hx-request"):
                    return Response(status_code=401, headers={"HX-Redirect": "/login"})
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            if request.method not in SAFE_METHODS:
                token = request.headers.get("x-csrf-token")
                if token is None and request.headers.get("content-type", "").startswith(
                        ("application/x-www-form-urlencoded", "multipart/form-data")):
                    form = await request.form(max_files=MAX_UPLOAD_FILES, max_part_size=MAX_PART_SIZE)
                    token = form.get("csrf")
                if not isinstance(token, str) or not secrets.compare_digest(token.encode(), session["csrf"].encode()):
                    return JSONResponse({"error": request.app.state.text["bad_csrf"]}, status_code=403)
            request.state.user = session
            return await handler(request)

        return endpoint

    return wrap
