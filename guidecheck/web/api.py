"""The workbench's JSON calls (the stable contract of shared/spec/contract.md):
/api/login, /api/findings, /api/findings/KEY/decisions, /api/scores, /api/selfcheck."""
from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..review import ACTIONS, ReviewError
from . import auth, selfcheck
from .data import NotFound

API_FIELDS = ("key", "department", "item", "rule", "element", "outcome", "status", "evidence")
REVIEWER_ACTIONS = {"confirm", "dismiss", "uphold", "overturn"}
DEPARTMENT_ACTIONS = {"appeal"}


def _error(request: Request, name: str, status: int, **extra) -> JSONResponse:
    return JSONResponse({"error": request.app.state.text[name], **extra}, status_code=status)


def campaign_of(request: Request) -> int | None:
    """The campaign named by ?campaign=N, else the latest one."""
    given = request.query_params.get("campaign") or request.path_params.get("campaign_id")
    if given is not None:
        try:
            return int(given)
        except ValueError:
            return 0  # no such campaign (ids start at 1): 404, never a guess
    return request.app.state.data.latest_campaign()


def own_department(user: dict) -> str | None:
    """None for a reviewer (every department); the department's name for its users."""
    return None if user["role"] == "reviewer" else (user["department"] or "\0")


async def login(request: Request):
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return _error(request, "bad_json", 400)
    name, password = body.get("name"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        return _error(request, "wrong_login", 401)
    result, user, token, csrf = await auth.login(request, name, password)
    if result == "limited":
        return JSONResponse({"error": request.app.state.text["limited"]}, status_code=429,
                            headers={"Retry-After": str(int(auth.LIMIT_WINDOW.total_seconds()))})
    if result != "ok":
        return _error(request, "wrong_login", 401)
    response = JSONResponse({"csrf": csrf, "name": user["name"], "role": user["role"],
                             "department": user["department"]})
    auth.set_session_cookie(request, response, token)
    return response


@auth.guarded(api=True)
async def logout(request: Request):
    await auth.logout(request)
    response = JSONResponse({"ok": True})
    auth.clear_session_cookie(request, response)
    return response


@auth.guarded(api=True)
async def findings(request: Request):
    data = request.app.state.data
    effect = request.query_params.get("status", "all")
    if effect not in ("fail", "needs_review", "all"):
        return _error(request, "bad_status", 400)
    campaign_id = campaign_of(request)
    if campaign_id is None:
        return JSONResponse([])
    department = own_department(request.state.user)

    def listing():
        try:
            data.campaign(campaign_id)
        except NotFound:
            return None
        return [{k: f[k] for k in API_FIELDS} for f in data.findings(campaign_id, department=department,
                                                                     effect=effect)]

    rows = await run_in_threadpool(listing)
    if rows is None:
        return _error(request, "no_campaign", 404)
    return JSONResponse(rows)


def decision_error(request: Request, user: dict, campaign_id: int | None, key: str, action, why) -> tuple | None:
    """(error name, HTTP status) when the decision must be refused before the store is asked;
    403 covers another department's finding and a key that does not exist alike (no probing)."""
    data = request.app.state.data
    department = own_department(user)
    if campaign_id is None:
        return ("forbidden", 403) if department else ("not_found", 404)
    try:
        finding = data.finding(campaign_id, key)
    except NotFound:
        finding = None
    if department is not None and (finding is None or finding["department"] != department):
        return "forbidden", 403
    if finding is None:
        return "not_found", 404
    if action not in ACTIONS:
        return "bad_action", 400
    if user["role"] == "reviewer" and action not in REVIEWER_ACTIONS:
        return "department_only", 403
    if user["role"] != "reviewer" and action not in DEPARTMENT_ACTIONS:
        return "reviewer_only", 403
    if not isinstance(why, str) or not why.strip():
        return "need_why", 400
    return None


@auth.guarded(api=True)
async def decide(request: Request):
    key = request.path_params["key"]
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return _error(request, "bad_json", 400)
    user = request.state.user
    action, why, attachment = body.get("action"), body.get("why"), body.get("attachment")
    attachment = selfcheck.safe_name(attachment) if isinstance(attachment, str) and attachment.strip() else None
    campaign_id = campaign_of(request)
    data = request.app.state.data

    def run():
        refused = decision_error(request, user, campaign_id, key, action, why)
        if refused:
            return _error(request, *refused)
        try:
            done = data.decide(campaign_id, key, action, who=user["name"], why=why,
                               attachment=attachment if action == "appeal" else None)
        except ReviewError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse({"id": done["id"], "key": key, "action": action, "status": done["status"],
                             "who": done["who"], "why": done["why"], "decided_at": done["decided_at"],
                             "attachment": attachment if action == "appeal" else None}, status_code=201)

    return await run_in_threadpool(run)


@auth.guarded(api=True)
async def scores(request: Request):
    data = request.app.state.data
    campaign_id = campaign_of(request)
    department = own_department(request.state.user)

    def run():
        try:
            data.campaign(campaign_id)
        except NotFound:
            return None
        result = data.scores(campaign_id)
        if department is not None:
            result = {**result, "departments": [d for d in result["departments"] if d["name"] == department]}
        return result

    result = await run_in_threadpool(run) if campaign_id is not None else None
    if result is None:
        return _error(request, "no_campaign", 404)
    return JSONResponse(result)


async def read_uploads(request: Request) -> list[tuple[str, bytes]]:
    form = await request.form(max_files=auth.MAX_UPLOAD_FILES, max_part_size=auth.MAX_PART_SIZE)
    files = []
    for upload in form.getlist("files"):
        if hasattr(upload, "read"):
            files.append((upload.filename or "", await upload.read()))
    return files


@auth.guarded(api=True)
async def selfcheck_api(request: Request):
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _error(request, "no_files", 400)
    files = await read_uploads(request)
    if not files:
        return _error(request, "no_files", 400)
    messages = request.app.state.text["selfcheck"]
    return JSONResponse(await run_in_threadpool(selfcheck.check_files, files, messages))
