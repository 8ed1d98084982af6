"""H001–H003 as catalog checks reading a homepage observation give the same
findings as journeys/portal_pages.check_homepage on the same rendered page
(so the homepage phase can record observations and let the judge run the
catalog), and a page that could not be fetched gives only needs_review."""
from guidecheck.checks.portal import HomepageObservation, observe_homepage, unreachable_homepage
from guidecheck.checks.registry import run_checks
from guidecheck.journeys.portal_pages import BranchSpec, check_homepage, review_findings
from guidecheck.model import GuideRecord

H = {"H001", "H002", "H003"}
BRANCH = BranchSpec(hosts=["fz.zwfw.fujian.gov.cn"], texts=["福州分厅"])
CHANNELS = ["http://zwfw.fz.gov.cn/dept/hbj/"]

FULL = """<html><body><a href="http://fz.zwfw.fujian.gov.cn/">网上办事</a>
<a href="http://zwfw.fz.gov.cn/dept/hbj/list.html">办事服务</a>
<div class="footer">网站标识码：3501000012 闽ICP备05012345号 闽公网安备35010202000123号
<a href="http://bszs.conac.cn/sitename?method=show&id=1"><img src="/img/dzjg.png" alt="党政机关"></a>
<a href="http://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3501000012">我为政府网站找错</a></div>
</body></html>"""
BARE = "<html><body><p>欢迎访问</p><a href='/news/'>新闻</a></body></html>"


def judged(obs: HomepageObservation):
    record = GuideRecord(source=obs.url, url=obs.url)
    record.homepage = obs
    return run_checks(record, H)


def key(findings):
    return sorted((f.rule, f.outcome, f.evidence, f.message) for f in findings)


def test_observation_gives_the_same_findings_as_check_homepage():
    for html in (FULL, BARE):
        for role, kw in (("government", {"branch": BRANCH}), ("department", {"channels": CHANNELS}),
                         ("government", {})):
            url = "http://www.example.gov.cn/"
            expected = check_homepage(html, url, role=role, **kw)
            obs = observe_homepage(html, url, role=role, **kw)
            assert key(judged(obs)) == key(expected), (role, kw, html[:30])
            # the observation survives its JSON form (what the store keeps)
            assert key(judged(HomepageObservation.from_json(obs.to_json()))) == key(expected)
    assert not judged(observe_homepage(FULL, "http://www.example.gov.cn/", role="government", branch=BRANCH))
    assert {f.rule for f in judged(observe_homepage(BARE, "http://x.gov.cn/", role="department",
                                                    channels=CHANNELS))} == {"H002", "H003"}


def test_unreachable_page_is_only_reviewed():
    for role, kw in (("government", {"branch": BRANCH}), ("department", {"channels": CHANNELS})):
        obs = unreachable_homepage("http://www.example.gov.cn/", "连接超时", role=role, **kw)
        found = judged(obs)
        assert found and all(f.outcome == "needs_review" for f in found)
        expected = review_findings("http://www.example.gov.cn/", "连接超时", role=role, **kw)
        assert sorted(f.rule for f in found) == sorted(f.rule for f in expected)


def test_no_observation_no_finding():
    assert run_checks(GuideRecord(source="offline.html"), H) == []
