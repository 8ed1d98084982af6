"""Journeys: from a guide page, click its online-handling control and time the
way to the handling page, in real Chromium.

    result = run_journey_sync(guide_url, name="食品经营许可（新办）", online_depth="Ⅳ级")

Each run, in a fresh browser context: open the guide page and wait until it
is ready (the profile's guide ready selector, else the load event and a quiet
network); find the control (profile selectors, then texts: 在线办理, 在线申报,
立即办理, 网上办理, 我要办理); click it; follow whatever it opens (a new tab,
a navigation of the same tab, a download); wait until the handling page is
ready (the readiness test of pagescript.py) or the time limit passes; classify
(result.py). A search or list page is followed by one more click on the item
when it lists it.

Timing. The start is the click event's own timestamp in the guide page, the
end the moment the readiness test first held in the handling page, both read
from the pages' high-resolution clocks (`performance.timeOrigin +
performance.now()`, shared by all pages of one browser): neither Playwright's
actionability checks before the click nor the runner's polling after it count.
When that figure is missing or disagrees with the monotonic clock around
click() and the outcome (it must lie between 0 and the monotonic figure), the
monotonic figure is used and the run says so (`timing: monotonic`).

Sampling and lanes (lanes.py, defaults.yaml `sampling`): a journey runs once
when its first run lands far from the J001 threshold, up to `options.runs`
times near it (median kept); a run waiting on a slow handling page steps out
of its lane so that another run can use it.
"""
from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

from .config import JourneyProfile
from .lanes import Lanes, Slot, more_runs, sampling
from .pagescript import FIND_CONTROL
from .pool import BrowserGone, BrowserPool
from .result import JourneyResult, JourneyRun, summarize_runs
from .run_state import (  # noqa: F401  (JourneyOptions, JourneySpec: the runner's public API)
    TICK, JourneyOptions, JourneySpec, ToolError, _connected, _gone, _list_like, _net_reason, _quietly, _Run,
    _url, depth_of, threshold_ms,
)


async def _wait_guide_ready(run: _Run, page, options: JourneyOptions, profile: JourneyProfile) -> None:
    deadline = time.monotonic() + options.guide_timeout
    if profile.guide_ready_selector:
        with contextlib.suppress(Exception):
            await page.wait_for_selector(profile.guide_ready_selector, state="attached",
                                         timeout=options.guide_timeout * 1000)
        return
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("load", timeout=options.guide_timeout * 1000)
    settle = min(deadline, time.monotonic() + 5)  # scripts that fill the page: wait for a quiet network
    while time.monotonic() < settle and run.quiet_for(page) < options.quiet_ms / 1000:
        await asyncio.sleep(TICK)


async def _find_control(run: _Run, page, spec: JourneySpec, options: JourneyOptions) -> dict | None:
    deadline = time.monotonic() + options.control_timeout
    arg = {"texts": spec.profile.texts, "selectors": spec.profile.selectors, "onlineUrl": spec.online_url}
    while True:
        found = await run.evaluate(page, FIND_CONTROL, arg)
        if found or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(0.2)


async def _one_run(pool: BrowserPool, spec: JourneySpec, options: JourneyOptions, workdir: Path,
                   run_no: int, lanes: Lanes | None = None) -> tuple[JourneyRun, dict]:
    """One run in a fresh context; (the run, what the guide page offered)."""
    lanes = lanes or Lanes(options.contexts, 0)
    async with lanes.lane() as slot:
        return await _one_run_in_lane(pool, spec, options, workdir, run_no, slot)


async def _one_run_in_lane(pool: BrowserPool, spec: JourneySpec, options: JourneyOptions, workdir: Path,
                           run_no: int, slot: Slot) -> tuple[JourneyRun, dict]:
    offered: dict = {}
    budget = options.guide_timeout + options.control_timeout + options.limit + 30
    try:
        async with pool.context(viewport=options.viewport, accept_downloads=True, ignore_https_errors=True) as ctx:
            run = _Run(ctx, spec, options)
            run.slot = slot
            tracing = False
            try:
                await run.setup()
                if options.trace and options.keep_evidence != "none":
                    # DOM snapshots (a quarter of a run's cost) from the second run on: a
                    # journey is repeated only near the threshold or after a failure, where
                    # the evidence matters; a first run's trace keeps actions and network.
                    await ctx.tracing.start(snapshots=run_no > 1, screenshots=False, sources=False)
                    tracing = True
                result, shot_page = await asyncio.wait_for(_drive(run, spec, options, offered), budget)
            except TimeoutError:
                result, shot_page = JourneyRun("tool_error", reason=f"检查工具在{budget:.0f}秒内未完成本次测量"), None
            except BrowserGone:
                raise
            except Exception as exc:
                if _gone(exc):
                    for _ in range(40):  # the disconnect event may come a moment after the error
                        if not _connected(ctx):
                            raise BrowserGone(str(exc)) from exc
                        await asyncio.sleep(0.05)
                result, shot_page = JourneyRun("tool_error", reason=f"检查工具出错：{type(exc).__name__}: "
                                                                    f"{str(exc).splitlines()[0][:200]}"), None
            await _evidence(result, ctx, shot_page or (run.pages[0] if run.pages else None), tracing, workdir, run_no,
                            keep=_worth_keeping(result, options))
            if not _connected(ctx):
                raise BrowserGone("Chromium disconnected")
            return result, offered
    except BrowserGone as exc:
        return JourneyRun("tool_error", reason=f"浏览器意外退出（{str(exc).splitlines()[0][:120] if str(exc) else '已断开'}），"
                                               "本次测量作废，需重新检查"), offered
    except Exception as exc:  # noqa: BLE001 - e.g. Chromium could not be relaunched in time
        return JourneyRun("tool_error", reason=f"浏览器无法使用（{type(exc).__name__}: "
                                               f"{str(exc).splitlines()[0][:160]}），需重新检查"), offered


def _worth_keeping(result: JourneyRun, options: JourneyOptions) -> bool:
    """Keep this run's screenshot and trace? With keep_evidence "findings", only a
    run that on its own looks like a finding (the representative run of a journey
    with a finding always does: it has the journey's status, and for J001 a time
    at the median, over the threshold)."""
    if options.keep_evidence == "all":
        return True
    if options.keep_evidence != "findings":
        return False
    return not (result.status == "reached" and result.clicks <= 1 and result.elapsed_ms is not None
                and result.elapsed_ms <= threshold_ms())


async def _evidence(result: JourneyRun, ctx, page, tracing: bool, workdir: Path, run_no: int,
                    keep: bool = True) -> None:
    if not keep:
        if tracing:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ctx.tracing.stop(), 20)
        return
    if page is not None and not page.is_closed():
        shot = workdir / f"run{run_no}.png"
        with contextlib.suppress(Exception):
            await asyncio.wait_for(page.screenshot(path=str(shot), type="png", timeout=3000), 5)
            result.screenshot = str(shot)
        if result.screenshot is None:  # a page still loading: Playwright waits for fonts; take the raw frame
            with contextlib.suppress(Exception):
                import base64

                cdp = await ctx.new_cdp_session(page)
                data = await asyncio.wait_for(cdp.send("Page.captureScreenshot", {"format": "png"}), 5)
                shot.write_bytes(base64.b64decode(data["data"]))
                result.screenshot = str(shot)
    if tracing:
        trace = workdir / f"run{run_no}-trace.zip"
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ctx.tracing.stop(path=str(trace)), 20)
            if trace.exists():
                result.trace = str(trace)


async def _drive(run: _Run, spec: JourneySpec, options: JourneyOptions, offered: dict):
    """(run result, page to screenshot)."""
    page = await run.ctx.new_page()
    run._on_page(page)
    try:
        response = await page.goto(spec.guide_url, wait_until="domcontentloaded", timeout=options.guide_timeout * 1000)
    except Exception as exc:
        if _gone(exc, page):
            raise
        return JourneyRun("guide_error", reason=f"指南页面无法打开（{str(exc).splitlines()[0][:160]}）"), page
    if response is not None and response.status >= 400:
        return JourneyRun("guide_error", reason=f"指南页面返回HTTP {response.status}",
                          http_status=response.status), page
    await _wait_guide_ready(run, page, options, spec.profile)
    control = await _find_control(run, page, spec, options)
    if not control:
        return JourneyRun("no_control", reason="指南页面上没有在线办理入口（按钮或链接）"), page
    offered.update(text=control.get("text", ""), href=control.get("href", ""))
    guide_doc = run.latest_doc(page, 0.0)
    guide_doc_id = guide_doc[0] if guide_doc else None
    return await _click_and_follow(run, page, guide_doc_id, spec, options)


async def _click(run: _Run, page, selector: str) -> tuple[float, str | None]:
    """Click; (monotonic time just before, error text if the click failed and
    nothing happened)."""
    started = time.monotonic()
    try:
        await page.click(selector, timeout=5000, no_wait_after=True)
    except Exception as exc:
        if _gone(exc, page):
            raise
        happened = (any(run.page_born[p] >= started for p in run.pages) or any(t >= started for t, _ in run.visited)
                    or any(t >= started for t, *_ in run.downloads))
        if not happened:
            return started, str(exc).splitlines()[0][:160]
    return started, None


async def _click_and_follow(run: _Run, guide_page, guide_doc: str | None, spec: JourneySpec,
                            options: JourneyOptions):
    t0, error = await _click(run, guide_page, "[data-gc-control='1']")
    if error:
        return JourneyRun("no_reaction", reason=f"在线办理入口无法点击（{error}）", clicks=0), guide_page
    deadline = t0 + options.limit
    clicks, click_mono = 1, t0
    first_click_at = None
    src = run.docs.get(guide_doc or "", {})
    stage_page, stage_doc = guide_page, guide_doc
    list_info = None
    list_url = ""
    last_inspect = 0.0
    chrome_error_seen = None
    step_aside = float(sampling()["step_aside_seconds"])
    while True:
        await asyncio.sleep(TICK)
        now = time.monotonic()
        if now - t0 >= step_aside and getattr(run, "slot", None) is not None:
            run.slot.step_aside()  # only waiting now: let another run have the lane
        if first_click_at is None and src.get("clicks"):
            first_click_at = src["clicks"][-1]
        if run.crashed:
            return JourneyRun("tool_error", reason="浏览器页面进程崩溃，需重新检查", clicks=clicks), None
        new_downloads = [d for d in run.downloads if d[0] >= click_mono]
        if new_downloads:
            _, filename, url = new_downloads[-1]
            return _finish_fail(run, f"点击后下载了文件“{filename}”，不是办理页面", clicks, url,
                                t0, now), guide_page
        if any(t >= click_mono for t, _ in run.dialogs):
            message = [m for t, m in run.dialogs if t >= click_mono][-1]
            return JourneyRun("dialog", reason=f"点击后弹出提示框“{message[:80]}”", clicks=clicks,
                              wall_ms=(now - t0) * 1000, pages=_pages(run, t0)), guide_page
        if any(t >= click_mono for t, _ in run.blocked):
            target = [u for t, u in run.blocked if t >= click_mono][-1]
            shot = run.target_page(click_mono, stage_page, stage_doc) or stage_page
            return JourneyRun("popup_blocked", reason=f"页面用脚本弹出窗口打开“{target[:120]}”，被浏览器拦截",
                              clicks=clicks, wall_ms=(now - t0) * 1000, pages=_pages(run, t0),
                              reached_url=_url(shot)), shot
        target = run.target_page(click_mono, stage_page, stage_doc)
        if target is not None:
            failed = run.failure_of(target, click_mono)
            if failed and "ERR_ABORTED" not in failed[0]:
                return _finish_fail(run, _net_reason(failed[0]), clicks, failed[1], t0, now), target
            if failed and now - failed[2] > 1.0 and run.latest_doc(target, click_mono) is None:
                return _finish_fail(run, _net_reason(failed[0]), clicks, failed[1], t0, now), target
            if _url(target).startswith("chrome-error://"):
                if chrome_error_seen is None:
                    chrome_error_seen = now  # the failure event may come a moment later
                elif now - chrome_error_seen > 1.0:
                    return _finish_fail(run, "浏览器显示错误页（网络错误）", clicks, "", t0, now), target
            status = run.status_of(target, click_mono)
            if status and status[0] >= 400:
                out = _finish_fail(run, f"办理页面返回HTTP {status[0]}", clicks, status[1], t0, now)
                out.http_status = status[0]
                return out, target
            found = run.latest_doc(target, click_mono)
            if found:
                doc_id, doc = found
                if "ready" in doc["mono"]:
                    info = await _settled_inspect(run, target, doc, deadline, options)
                    if doc.get("ready_by") in ("name", "code", "base_name") and _list_like(info):
                        if clicks < options.max_clicks:
                            follow = await run.evaluate(target, "() => window.__gcFollow && window.__gcFollow()")
                            if follow:
                                list_info, list_url = info, doc["url"]
                                click_mono, err = await _click(run, target, "[data-gc-follow='1']")
                                if err is None:
                                    clicks += 1
                                    stage_page, stage_doc = target, doc_id
                                    continue
                        return _list_result(run, doc, info, clicks, t0, first_click_at, now), target
                    if list_info is not None:
                        return _list_result(run, doc, list_info, clicks, t0, first_click_at, now,
                                            reached=True, list_url=list_url), target
                    return _reached(run, doc, target, clicks, t0, first_click_at, status), target
                loaded = "load" in doc["mono"]
                if loaded and run.quiet_for(target) >= options.quiet_ms / 1000 and now - last_inspect >= 1.0:
                    last_inspect = now
                    info = await run.evaluate(target, "() => window.__gcInspect && window.__gcInspect()") or {}
                    if _list_like(info):
                        return _list_result(run, doc, info, clicks, t0, first_click_at, now), target
                    if info.get("password"):
                        return JourneyRun("login", reason="需要先登录，无法确认登录后是否直达该事项", clicks=clicks,
                                          wall_ms=(now - t0) * 1000, pages=_pages(run, t0),
                                          reached_url=doc["url"]), target
                    if info.get("errorWord"):
                        return _finish_fail(run, f"办理页面显示错误提示“{info['errorWord']}”", clicks, doc["url"],
                                            t0, now), target
        if now >= deadline:
            return _timeout(run, target, click_mono, clicks, t0, now, options), target or guide_page


async def _settled_inspect(run: _Run, page, doc: dict, deadline: float, options: JourneyOptions) -> dict:
    """Inspect a page that just became ready, once its HTML is parsed and its
    network has been quiet a moment (lists built by script finish growing)."""
    settle = min(deadline, time.monotonic() + 2.0)
    while time.monotonic() < settle and ("dcl" not in doc["mono"] or run.quiet_for(page) < 0.3):
        await asyncio.sleep(TICK)
    return await run.evaluate(page, "() => window.__gcInspect && window.__gcInspect()") or {}



def _pages(run: _Run, t0: float) -> list[str]:
    """The documents passed through after the click, in order (navigations seen
    by the browser, and documents that reported themselves: a popup's first
    navigation can commit before the runner hears of the popup)."""
    seen = [(t, u) for t, u in run.visited if t >= t0]
    seen += [(d["mono"]["doc"], d["url"]) for d in run.docs.values()
             if d["mono"].get("doc", 0) >= t0 and not d["url"].startswith("about:")]
    out: list[str] = []
    for _, url in sorted(seen):
        if url not in out:
            out.append(url)
    return out


def _elapsed(doc: dict, first_click_at: float | None, t0: float) -> tuple[float, float, str]:
    """(elapsed ms, wall ms, timing) for a document that became ready."""
    wall = (doc["mono"]["ready"] - t0) * 1000
    if first_click_at is not None and "ready" in doc["at"]:
        in_page = doc["at"]["ready"] - first_click_at
        if 0 <= in_page <= wall + 50:
            return round(in_page, 1), round(wall, 1), "page"
    return round(wall, 1), round(wall, 1), "monotonic"


def _reached(run: _Run, doc: dict, page, clicks: int, t0: float, first_click_at, status) -> JourneyRun:
    elapsed, wall, timing = _elapsed(doc, first_click_at, t0)
    return JourneyRun("reached", reason=f"{elapsed / 1000:.2f}秒后办理页面就绪", elapsed_ms=elapsed, wall_ms=wall,
                      timing=timing, clicks=clicks, pages=_pages(run, t0), reached_url=doc["url"],
                      http_status=status[0] if status else None, ready_by=doc.get("ready_by", ""))


def _list_result(run: _Run, doc: dict, info: dict, clicks: int, t0: float, first_click_at, now: float, *,
                 reached: bool = False, list_url: str = "") -> JourneyRun:
    if reached:
        elapsed, wall, timing = _elapsed(doc, first_click_at, t0)
        reason = f"先到达搜索或列表页（{unquote(list_url)}），再点击一次才到达办理页面"
    else:
        elapsed, wall, timing = None, round((now - t0) * 1000, 1), ""
        reason = ("到达的是搜索或列表页，需再次查找事项" if info.get("itemLinks") else
                  "到达的是搜索或列表页，且列表中没有该事项")
    return JourneyRun("list_page", reason=reason, elapsed_ms=elapsed, wall_ms=wall, timing=timing, clicks=clicks,
                      pages=_pages(run, t0), reached_url=doc["url"], ready_by=doc.get("ready_by", ""))


def _finish_fail(run: _Run, reason: str, clicks: int, url: str, t0: float, now: float) -> JourneyRun:
    return JourneyRun("failed", reason=reason, wall_ms=round((now - t0) * 1000, 1), clicks=clicks,
                      pages=_pages(run, t0), reached_url=url)


def _timeout(run: _Run, target, click_mono: float, clicks: int, t0: float, now: float,
             options: JourneyOptions) -> JourneyRun:
    limit = f"{options.limit:g}"
    if target is None:
        return JourneyRun("no_reaction", reason=f"点击后{limit}秒内没有打开新页面，也没有跳转（按钮可能无效，或弹出了登录框）",
                          clicks=clicks, wall_ms=round((now - t0) * 1000, 1), pages=_pages(run, t0), timed_out=True)
    found = run.latest_doc(target, click_mono)
    url = found[1]["url"] if found else _url(target)
    if found and "load" in found[1]["mono"]:
        return JourneyRun("item_absent", reason=f"办理页面已打开，但{limit}秒内未显示该事项的名称或编码", clicks=clicks,
                          wall_ms=round((now - t0) * 1000, 1), pages=_pages(run, t0), reached_url=url, timed_out=True)
    out = _finish_fail(run, f"办理页面{limit}秒内仍未加载完成", clicks, url, t0, now)
    out.timed_out = True
    return out


# ---------------------------------------------------------------- a journey

async def run_journey(pool: BrowserPool, spec: JourneySpec, options: JourneyOptions | None = None,
                      lanes: Lanes | None = None) -> JourneyResult:
    """Run one journey once, or up to `options.runs` times when it is near the
    J001 threshold or failed (see _more_runs), and summarize. Evidence
    (screenshot, trace) of the representative run is kept in spec.evidence_dir."""
    options = options or JourneyOptions()
    workdir = Path(tempfile.mkdtemp(prefix="gc-journey-"))
    runs: list[JourneyRun] = []
    offered: dict = {}
    try:
        while True:
            run, seen = await _one_run(pool, spec, options, workdir, len(runs) + 1, lanes)
            offered = offered or seen
            runs.append(run)
            if not more_runs(runs, options):
                break
        status, reason, median, rep = summarize_runs(runs)
        result = JourneyResult(
            guide_url=spec.guide_url, status=status, reason=reason, item_name=spec.name, item_code=spec.code,
            online_depth=spec.online_depth or "", depth_level=depth_of(spec.online_depth),
            has_online_link=bool(spec.online_url), control_text=offered.get("text", ""),
            control_url=offered.get("href", "") if not str(offered.get("href", "")).startswith("javascript") else "",
            median_ms=round(median, 1) if median is not None else None, clicks=rep.clicks if rep else 0,
            pages=list(rep.pages) if rep else [], reached_url=rep.reached_url if rep else "",
            http_status=rep.http_status if rep else None, runs=runs, threshold_ms=threshold_ms(),
            checked_at=_now())
        _keep_evidence(result, rep, spec, options)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def has_finding(result: JourneyResult) -> bool:
    """Would the J rules say anything about this result (fail or needs_review)?"""
    from ..checks.journeys import journey_findings

    return bool(journey_findings(result))


def _keep_evidence(result: JourneyResult, rep: JourneyRun | None, spec: JourneySpec,
                   options: JourneyOptions) -> None:
    keep = options.keep_evidence
    wanted = spec.evidence_dir is not None and rep is not None and (
        keep == "all" or (keep == "findings" and has_finding(result)))
    for run in result.runs:
        for attr in ("screenshot", "trace"):
            path = getattr(run, attr)
            setattr(run, attr, None)
            if wanted and run is rep and path and Path(path).exists():
                spec.evidence_dir.mkdir(parents=True, exist_ok=True)
                name = "screenshot.png" if attr == "screenshot" else "trace.zip"
                dest = spec.evidence_dir / name
                shutil.move(path, dest)
                setattr(result, attr, str(dest))


def _now() -> str:
    from ..store import now_iso

    return now_iso()


async def run_journeys_async(specs: list[JourneySpec], options: JourneyOptions | None = None, *,
                             pool: BrowserPool | None = None, on_result=None) -> list[JourneyResult]:
    """Run many journeys, `options.contexts` at a time, in one browser (restarted
    if it dies). `on_result(spec, result)` is called as each finishes."""
    options = options or JourneyOptions()
    own = pool is None
    lanes = Lanes(options.contexts)
    if own:
        pool = BrowserPool(options.chromium, options.contexts + int(sampling()["waiting"]))
        await pool.start()
    try:
        async def one(spec):
            try:
                result = await run_journey(pool, spec, options, lanes)
            except Exception as exc:  # noqa: BLE001 - one journey's failure never stops the others
                result = JourneyResult(guide_url=spec.guide_url, status="tool_error", item_name=spec.name,
                                       item_code=spec.code, online_depth=spec.online_depth or "",
                                       reason=f"检查工具出错：{type(exc).__name__}: {str(exc).splitlines()[0][:160]}",
                                       threshold_ms=threshold_ms(), checked_at=_now())
            if on_result is not None:
                on_result(spec, result)
            return result

        return list(await asyncio.gather(*(one(s) for s in specs)))
    finally:
        if own:
            await pool.close()


def run_journey_sync(guide_url: str, *, name: str = "", code: str = "", online_depth: str = "",
                     online_url: str = "", profile: JourneyProfile | None = None,
                     options: JourneyOptions | None = None, evidence_dir: str | Path | None = None) -> JourneyResult:
    """One journey, start to end (its own browser): for tests and scripts."""
    spec = JourneySpec(guide_url=guide_url, name=name, code=code, online_depth=online_depth, online_url=online_url,
                       profile=profile or JourneyProfile(),
                       evidence_dir=Path(evidence_dir) if evidence_dir is not None else None)
    return asyncio.run(run_journeys_async([spec], options))[0]
