"""What the demo departments' websites (channel_site.py) publish differently
from the portal: the planted differences by item slot, and the items only the
website publishes. Data, not logic."""
from __future__ import annotations

CHANNEL_NAME = "部门网站"
SLOT = 20  # differences are planted by item index % SLOT, on items without a portal defect

# slot -> (kind, expected S findings, what)
PLANTS = {
    3: ("limit", [{"rule": "S001", "element": "promised_limit", "outcome": "fail"}], "承诺时限比门户多5个工作日（即办件写为3个工作日）"),
    8: ("phone", [{"rule": "S001", "element": "consult_phone", "outcome": "fail"}], "咨询电话末位与门户不同"),
    13: ("material", [{"rule": "S001", "element": "materials", "outcome": "fail"}], "最后一项申请材料换成门户没有的材料"),
    17: ("portal_only", [], "部门网站未发布该事项（只在门户）"),
    # Differences that must not count: no finding.
    5: ("phone_format", [], "咨询电话改写为（区号）号码的格式"),
    11: ("limit_numerals", [], "承诺时限用中文数字书写（五个工作日）"),
    15: ("materials_order", [], "申请材料倒序排列"),
}
OTHER_MATERIAL = ("法定代表人授权委托书", "申请人自备", "纸质", "委托他人办理时提交")

# Items only on the website, per department (index % 5): names nowhere near a portal item's.
CHANNEL_ONLY = [
    ["餐饮服务食品安全等级公示牌补领", "广告发布登记信息核查"],
    ["职业技能等级认定结果复核", "人力资源市场招聘会场地预约"],
    ["建筑工地扬尘治理信息报送", "住房公积金缴存证明打印"],
    ["健康体检机构信息公示查询", "爱国卫生先进单位申报"],
    ["公路路政巡查投诉受理", "出租汽车服务质量信誉考核公示"],
]
