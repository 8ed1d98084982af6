"""The workbench's pages (Jinja2, autoescaped; htmx for refreshing panels).

Plain links and forms work without script; htmx only refreshes the progress
panel and the scorecard, and loads a finding beside the queue."""
from __future__ import annotations

import math
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from ..review import ACTION_LABELS, STATUS_LABELS, ReviewError, transition_error
from . import auth, selfcheck
from .api import DEPARTMENT_ACTIONS, REVIEWER_ACTIONS, decision_error, own_department, read_uploads
from .data import NotFound

PAGE_SIZE = 50
REPORT_TYPES = {"html": "text/html; charset=utf-8", "xlsx":
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "csv": "text/csv; charset=utf-8", "json": "application/json"}
SNAPSHOT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render(request: Request, template: str, status_code: int = 200, **context) -> Response:
    user = getattr(request.state, "user", None)
    return request.app.state.templates.TemplateResponse(
        request, template, {"user": user, "csrf": user["csrf"] if user else "", "status_labels": STATUS_LABELS,
                            "action_labels": ACTION_LABELS, "text": request.app.state.text, **context},
        status_code=status_code)


def _not_found(request: Request) -> Response:
    return render(request, "error.html", 404, message=request.app.state.text["not_found"])


def _campaign_id(request: Request) -> int:
    return int(request.path_params["campaign_id"])


# ---------------------------------------------------------------- login

async def login_page(request: Request):
    if request.method == "GET":
        if await auth.current_session(request):
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", next=request.query_params.get("next", "/"))
    form = await request.form()
    target = str(form.get("next") or "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    result, _, token, _ = await auth.login(request, str(form.get("name") or ""), str(form.get("password") or ""))
    if result != "ok":
        message = request.app.state.text["limited" if result == "limited" else "wrong_login"]
        return render(request, "login.html", 429 if result == "limited" else 401, error=message, next=target,
                      name=str(form.get("name") or ""))
    response = RedirectResponse(target, status_code=303)
    auth.set_session_cookie(request, response, token)
    return response


@auth.guarded(api=False)
async def logout(request: Request):
    await auth.logout(request)
    response = RedirectResponse("/login", status_code=303)
    auth.clear_session_cookie(request, response)
    return response


# ---------------------------------------------------------------- campaigns

@auth.guarded(api=False)
async def home(request: Request):
    data = request.app.state.data
    progress = await run_in_threadpool(lambda: [data.progress(c["id"]) for c in reversed(data.campaigns())])
    return render(request, "campaigns.html", campaigns=progress)


@auth.guarded(api=False)
async def progress(request: Request):
    data = request.app.state.data
    try:
        row = await run_in_threadpool(data.progress, _campaign_id(request))
    except NotFound:
        return _not_found(request)
    return render(request, "_progress.html", c=row)


# ---------------------------------------------------------------- the queue and a finding

@auth.guarded(api=False)
async def queue(request: Request):
    data = request.app.state.data
    campaign_id = _campaign_id(request)
    user = request.state.user
    q = request.query_params
    reviewer = user["role"] == "reviewer"
    effect = q.get("effect") or ("needs_review" if reviewer else "all")
    if effect not in ("fail", "needs_review", "all"):
        effect = "all"
    filters = {"effect": effect, "status": q.get("status") or "", "rule": (q.get("rule") or "").strip().upper(),
               "q": (q.get("q") or "").strip(), "department": (q.get("department") or "") if reviewer else ""}
    try:
        page = max(1, int(q.get("page") or 1))
    except ValueError:
        page = 1

    def load():
        campaign = data.campaign(campaign_id)
        department = own_department(user) if not reviewer else (filters["department"] or None)
        total, rows = data.findings_page(campaign_id, (page - 1) * PAGE_SIZE, PAGE_SIZE, department=department,
                                         effect=effect, status=filters["status"] or None,
                                         rule=filters["rule"] or None, search=filters["q"] or None)
        if not rows and total and page > 1:  # past the last page: show the last one
            last = math.ceil(total / PAGE_SIZE)
            total, rows = data.findings_page(campaign_id, (last - 1) * PAGE_SIZE, PAGE_SIZE, department=department,
                                             effect=effect, status=filters["status"] or None,
                                             rule=filters["rule"] or None, search=filters["q"] or None)
        return campaign, total, rows, data.departments(campaign_id) if reviewer else []

    try:
        campaign, total, shown, departments = await run_in_threadpool(load)
    except NotFound:
        return _not_found(request)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(page, pages)
    query = {k: v for k, v in filters.items() if v}
    return render(request, "queue.html", campaign=campaign, rows=shown, total=total, page=page, pages=pages,
                  filters=filters, departments=departments,
                  prev_url=f"?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
                  next_url=f"?{urlencode({**query, 'page': page + 1})}" if page < pages else None)


def _allowed_actions(user: dict, finding: dict) -> list[str]:
    actions = REVIEWER_ACTIONS if user["role"] == "reviewer" else DEPARTMENT_ACTIONS
    status = None if finding["status"] == "open" else finding["status"]
    order = ("confirm", "dismiss", "uphold", "overturn", "appeal")
    return [a for a in order if a in actions and transition_error(status, finding["outcome"], a) is None]


def _finding_context(request: Request, campaign_id: int, key: str) -> dict | None:
    """Everything the finding panel shows, or None when the user may not see it."""
    data = request.app.state.data
    user = request.state.user
    try:
        finding = data.finding(campaign_id, key)
    except NotFound:
        return None
    department = own_department(user)
    if department is not None and finding["department"] != department:
        return None
    return {"campaign_id": campaign_id, "f": finding, "fix": data.fix(finding["rule"]),
            "evidence": data.evidence(campaign_id, finding), "history": data.history(campaign_id, key),
            "actions": _allowed_actions(user, finding)}


@auth.guarded(api=False)
async def finding(request: Request):
    campaign_id, key = _campaign_id(request), request.path_params["key"]
    context = await run_in_threadpool(_finding_context, request, campaign_id, key)
    if context is None:
        return _not_found(request)
    template = "_finding.html" if request.headers.get("hx-request") else "finding.html"
    return render(request, template, **context, done=request.query_params.get("done"))


@auth.guarded(api=False)
async def decide(request: Request):
    campaign_id, key = _campaign_id(request), request.path_params["key"]
    form = await request.form()
    user = request.state.user
    action, why = str(form.get("action") or ""), str(form.get("why") or "")
    attachment = str(form.get("attachment") or "").strip()
    attachment = selfcheck.safe_name(attachment) if attachment else None
    data = request.app.state.data

    def run():
        refused = decision_error(request, user, campaign_id, key, action, why)
        if refused:
            return refused, None
        try:
            data.decide(campaign_id, key, action, who=user["name"], why=why, attachment=attachment
                        if action == "appeal" else None)
        except ReviewError as exc:
            return ("conflict", 409), str(exc)
        return None, None

    refused, message = await run_in_threadpool(run)
    if refused and refused[0] in ("forbidden", "not_found"):
        return _not_found(request)
    if refused:
        context = await run_in_threadpool(_finding_context, request, campaign_id, key)
        error = message or request.app.state.text[refused[0]]
        template = "_finding.html" if request.headers.get("hx-request") else "finding.html"
        return render(request, template, refused[1], **context, error=error, why=why)
    if request.headers.get("hx-request"):
        context = await run_in_threadpool(_finding_context, request, campaign_id, key)
        return render(request, "_finding.html", **context, done=action)
    return RedirectResponse(f"/campaigns/{campaign_id}/findings/{key}?done={action}", status_code=303)


# ---------------------------------------------------------------- evidence files

@auth.guarded(api=False)
async def snapshot(request: Request):
    data = request.app.state.data
    campaign_id, sha = _campaign_id(request), request.path_params["sha"]
    department = own_department(request.state.user)

    def load():
        if department is not None and department not in data.snapshot_departments(campaign_id, sha):
            raise NotFound(sha)
        return data.snapshot_body(sha)

    try:
        body, meta = await run_in_threadpool(load)
    except NotFound:
        return _not_found(request)
    content_type = (meta.get("headers") or {}).get("Content-Type") or "text/html"
    kind = "application/json" if "json" in content_type.lower() else "text/html"
    charset = content_type.lower().split("charset=")[-1] if "charset=" in content_type.lower() else None
    return Response(body, headers={"Content-Type": f"{kind}; charset={charset}" if charset else kind,
                                   "Content-Security-Policy": SNAPSHOT_CSP, "X-Content-Type-Options": "nosniff"})


@auth.guarded(api=False)
async def journey_screenshot(request: Request):
    data = request.app.state.data
    campaign_id, key = _campaign_id(request), request.path_params["key"]
    context = await run_in_threadpool(_finding_context, request, campaign_id, key)
    journey = context and context["evidence"]["journey"]
    if not journey or not journey.get("screenshot_path"):
        return _not_found(request)
    try:
        path = data.evidence_file(journey["screenshot_path"])
    except NotFound:
        return _not_found(request)
    return FileResponse(path, media_type="image/png")


# ---------------------------------------------------------------- scores and reports

@auth.guarded(api=False)
async def scores(request: Request):
    data = request.app.state.data
    campaign_id = _campaign_id(request)
    department = own_department(request.state.user)

    def load():
        campaign = data.campaign(campaign_id)
        result = data.scores(campaign_id)
        rows = [d for d in result["departments"] if department is None or d["name"] == department]
        indicators = list(dict.fromkeys(i for d in rows for i in d["indicators"]))
        return campaign, result, rows, indicators

    try:
        campaign, result, rows, indicators = await run_in_threadpool(load)
    except NotFound:
        return _not_found(request)
    template = "_scores_table.html" if request.headers.get("hx-request") else "scores.html"
    return render(request, template, campaign=campaign, scheme=result["scheme"], rows=rows, indicators=indicators)


@auth.guarded(api=False)
async def report(request: Request):
    if request.state.user["role"] != "reviewer":
        return render(request, "error.html", 403, message=request.app.state.text["reviewer_only"])
    fmt = request.path_params["fmt"]
    if fmt not in REPORT_TYPES:
        return _not_found(request)
    try:
        path = await run_in_threadpool(request.app.state.data.report, _campaign_id(request), fmt)
    except NotFound:
        return _not_found(request)
    return FileResponse(path, media_type=REPORT_TYPES[fmt],
                        filename=f"campaign-{_campaign_id(request)}-{path.name}")


# ---------------------------------------------------------------- self-check

@auth.guarded(api=False)
async def selfcheck_page(request: Request):
    data = request.app.state.data
    campaign_id = _campaign_id(request)
    try:
        campaign = await run_in_threadpool(data.campaign, campaign_id)
        scope = await run_in_threadpool(data.scope, campaign_id)
    except NotFound:
        return _not_found(request)
    results, error, url = None, None, ""
    if request.method == "POST":
        messages = request.app.state.text["selfcheck"]
        form = await request.form(max_files=auth.MAX_UPLOAD_FILES, max_part_size=auth.MAX_PART_SIZE)
        url = str(form.get("url") or "").strip()
        files = [f for f in await read_uploads(request) if f[0] or f[1]]
        try:
            if files:
                results = await run_in_threadpool(selfcheck.check_files, files, messages)
            elif url:
                results = await run_in_threadpool(selfcheck.check_url, url, scope, messages)
            else:
                error = request.app.state.text["no_files"]
        except selfcheck.ScopeError as exc:
            error = str(exc)
    for guide in results or []:
        for f in guide.get("findings", []):
            f["fix"] = data.fix(f["rule"])
    return render(request, "selfcheck.html", 400 if error else 200, campaign=campaign, scope=scope,
                  results=results, error=error, url=url)
