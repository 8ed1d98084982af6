"""Layout family 3: a script-built page `/portal/v2/guide/{TASK_CODE}` (as on
Guangdong v2 and Epoint builds). The static HTML is a shell of labels with
empty values; inline script fetches `/api/guide/detail?taskCode=…`, which
answers the upper-case AUDIT_ITEM family with `*_TEXT` companions, and fills
the page (rows whose element the payload lacks are removed)."""
from __future__ import annotations

from .data import Guide
from .render_pages import page
from .render_parts import MATERIAL_HEADERS, PROCESS_HEADERS, esc

TASK_TYPES = {"行政许可": "01", "行政确认": "07", "行政给付": "05", "行政裁决": "09", "公共服务": "20",
              "其他行政权力": "10"}
DEPTHS = {"Ⅰ级": "1", "Ⅱ级": "2", "Ⅲ级": "3", "Ⅳ级": "4"}
SOURCES = {"申请人自备": "10", "政府部门核发": "20", "其他单位出具": "30"}


def _attach(ref) -> list[dict]:
    return [{"ATTACHNAME": ref.title, "FILEPATH": ref.path}] if ref else []


def _limit(item: dict, limit, day: str, typ: str, explain: str, sentence: str) -> None:
    if limit is None:
        return
    if limit.days is None:
        item[day], item[explain] = None, limit.text
        return
    item[day] = limit.days
    if limit.unit:
        item[typ], item[typ + "_TEXT"] = ("1" if limit.unit == "工作日" else "2"), limit.unit
        item[explain] = sentence.format(n=limit.days, unit=limit.unit)


def detail(g: Guide) -> dict:
    """The AUDIT_ITEM payload of a guide (upper-case spelling)."""
    item: dict = {"ROWGUID": g.uuid, "TASK_CODE": g.code, "ITEM_ID": g.code, "CATALOG_CODE": g.code[-12:],
                  "TONGYI_CODE": g.dept.credit, "USE_LEVEL": "3", "USE_LEVEL_TEXT": "市级"}
    if g.name is not None:
        item["CATANAME"], item["TASK_NAME"] = g.name, g.name.split("（")[0]
    if g.category is not None:
        item["TASK_TYPE"], item["TASK_TYPE_TEXT"] = TASK_TYPES.get(g.category, "10"), g.category
    if g.target is not None:
        item["SERVE_TYPE_TEXT"] = g.target.replace("、", ",")
    if g.agency is not None:
        item["DEPT_NAME"] = g.agency
    if g.online_depth is not None:
        item["WBSD_LEVEL"], item["WBSD_LEVEL_TEXT"] = DEPTHS.get(g.online_depth, ""), g.online_depth
    if g.case_type is not None:
        item["PROJECT_TYPE"], item["PROJECT_TYPE_TEXT"] = ("1" if g.case_type == "即办件" else "2"), g.case_type
    _limit(item, g.promised, "PROMISE_DAY", "PROMISE_TYPE", "CRBJSXSM", "自受理之日起{n}个{unit}内办结。")
    _limit(item, g.legal, "ANTICIPATE_DAY", "ANTICIPATE_TYPE", "FDBLSXSM", "法定办结时限为{n}个{unit}。")
    charges = []
    if g.fee_text is not None:
        charges = [{"FEE_NAME": "", "FEE_STAND": g.fee_text}]
    elif g.fee_flag is not None:
        item["IS_FEE"], item["IS_FEE_TEXT"] = ("1" if g.fee_flag == "收费" else "0"), g.fee_flag
        charges = [{"FEE_NAME": n, "FEE_STAND": s, "FEE_BASIS": g.fee_basis or ""} for n, s in g.fee_items]
        if not charges and g.fee_basis:
            charges = [{"FEE_NAME": "", "FEE_STAND": "", "FEE_BASIS": g.fee_basis}]
    for key, value in (("LINK_TEL", g.consult_phone), ("TSTEL", g.complaint_phone), ("XHTSDZ", g.location),
                       ("TRANSACT_TIME", g.hours), ("ACCEPT_CONDITION", g.conditions)):
        if value is not None:
            item[key] = value
    if g.visits is not None:
        item["LIMIT_SCENE_NUM"] = g.visits.rstrip("次")
    if g.laws is not None:
        item["LAW"] = [{"LAWNAME": law.name, "ACCORDINGNUMBER": law.docno, "TERMSNUMBER": law.article,
                        "TERMSCONTENT": law.content} for law in g.laws]
    elif g.basis_text is not None:
        item["BY_LAW"] = g.basis_text
    express = bool(g.delivery and "邮寄" in g.delivery)
    extend = {"IS_EXPRESS": "1" if express else "0", "IS_EXPRESS_TEXT": "是" if express else "否",
              "HANDLE_ONLINE_ADDRESS": g.handle_url, "IS_INTERMEDIARY": "0" if g.intermediary == "无" else "1"}
    if g.quantity_limit is not None:
        item["AMOUNT_LIMIT_DESC"] = g.quantity_limit
    out = {"errCode": "0", "msg": "成功", "AUDIT_ITEM": item, "AUDIT_ITEM_EXTEND": extend}
    if g.materials is not None:
        out["AUDIT_MATERIAL"] = [_material(m) for m in g.materials]
    if g.steps is not None:
        out["AUDIT_ITEM_FLOWSHEET"] = [
            {"STEP": str(n), "STEP_TEXT": s.name, "TRANSACTOR": s.transactor, "TRANSACT_TIME_LIMIT": s.duration or "",
             "CHECK_STANDARD": s.standard, "TRANSACT_RESULT": s.result} for n, s in enumerate(g.steps, start=1)]
    if g.result is not None:
        out["AUDIT_ITEM_RESULT"] = [{"NAME": g.result, "RESULT_SAMPLE": _attach(g.result_sample)}]
    if g.faq is not None:
        out["AUDIT_QA"] = [{"QUESTION": q, "ANSWER": a} for q, a in g.faq]
    out["AUDIT_CHARGE"] = charges
    out["ZHONGJIE_SERVICE"] = None
    return out


def _material(m) -> dict:
    row = {"MATERIAL_NAME": m.name, "IS_NEED": "1" if m.required == "必要" else "0", "IS_NEED_TEXT": m.required,
           "PAGE_FORMAT": "A4", "FILL_EXPLIAN": m.notes, "FORM_GUID": _attach(m.form), "EXAMPLE_GUID": _attach(m.sample)}
    if m.source:
        row["SOURCE_TYPE"], row["SOURCE_TYPE_TEXT"] = SOURCES.get(m.source, "30"), m.source
    if m.medium:
        row["ZZHDZB_TEXT"] = m.medium
    if m.original is not None or m.copy is not None:
        row["PAGE_NUM"], row["PAGE_COPYNUM"] = m.original or 0, m.copy or 0
    return row


_ROWS = [("事项名称", "CATANAME"), ("实施编码", "TASK_CODE"), ("事项类型", "TASK_TYPE_TEXT"),
         ("办件类型", "PROJECT_TYPE_TEXT"), ("权力来源", "USE_LEVEL_TEXT"), ("服务对象", "SERVE_TYPE_TEXT"),
         ("实施机构", "DEPT_NAME"), ("法定办结时限", "ANTICIPATE"), ("承诺办结时限", "PROMISE"),
         ("到现场次数", "LIMIT_SCENE_NUM"), ("网上办理深度", "WBSD_LEVEL_TEXT"), ("送达方式", "DELIVERY"),
         ("结果名称", "RESULT"), ("结果样本", "RESULT_SAMPLE"), ("数量限制", "AMOUNT_LIMIT_DESC"),
         ("中介服务", "INTERMEDIARY"), ("咨询电话", "LINK_TEL"), ("监督投诉电话", "TSTEL"),
         ("办理地点", "XHTSDZ"), ("办理时间", "TRANSACT_TIME"), ("申请条件", "ACCEPT_CONDITION"),
         ("设定依据", "LAW"), ("收费标准", "FEE"), ("收费依据", "FEE_BASIS")]

_SCRIPT = r"""
(function () {
  var code = document.body.getAttribute('data-task-code');
  function txt(v) { return (v === null || v === undefined) ? '' : String(v).trim(); }
  function pick(v) { v = txt(v); return v ? v : null; }
  function esc(s) { return txt(s).replace(/[&<>"]/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); }
  function link(a) { return '<a href="' + esc(a.FILEPATH) + '" target="_blank">' + esc(a.ATTACHNAME) + '</a>'; }
  function set(key, value, isHtml) {
    var el = document.querySelector('[data-bind="' + key + '"]');
    if (!el) { return; }
    if (value === null) { var row = el.closest('tr'); if (row) { row.parentNode.removeChild(row); } return; }
    if (isHtml) { el.innerHTML = value; } else { el.textContent = value; }
    el.removeAttribute('data-bind');
  }
  function limit(day, unit, explain) {
    day = txt(day);
    if (day) { return unit ? day + '个' + txt(unit) : day; }
    return pick(explain);
  }
  function join(list) { return list.filter(function (x) { return x; }).join('；'); }
  function fill(d) {
    var it = d.AUDIT_ITEM || {}, ext = d.AUDIT_ITEM_EXTEND || {};
    document.title = txt(it.CATANAME) + '_办事指南';
    set('TITLE', pick(it.CATANAME));
    ['CATANAME', 'TASK_CODE', 'TASK_TYPE_TEXT', 'PROJECT_TYPE_TEXT', 'USE_LEVEL_TEXT', 'SERVE_TYPE_TEXT',
     'DEPT_NAME', 'WBSD_LEVEL_TEXT', 'AMOUNT_LIMIT_DESC', 'LINK_TEL', 'TSTEL', 'XHTSDZ', 'TRANSACT_TIME',
     'ACCEPT_CONDITION'].forEach(function (k) { set(k, pick(it[k])); });
    set('ANTICIPATE', limit(it.ANTICIPATE_DAY, it.ANTICIPATE_TYPE_TEXT, it.FDBLSXSM));
    set('PROMISE', limit(it.PROMISE_DAY, it.PROMISE_TYPE_TEXT, it.CRBJSXSM));
    set('LIMIT_SCENE_NUM', txt(it.LIMIT_SCENE_NUM) ? txt(it.LIMIT_SCENE_NUM) + '次' : null);
    set('DELIVERY', ext.IS_EXPRESS === '1' ? '支持物流快递送达' : null);
    set('INTERMEDIARY', ext.IS_INTERMEDIARY === '0' ? '无' : null);
    var results = d.AUDIT_ITEM_RESULT || [];
    set('RESULT', pick(join(results.map(function (r) { return txt(r.NAME); }))));
    var samples = [];
    results.forEach(function (r) { (r.RESULT_SAMPLE || []).forEach(function (a) { samples.push(link(a)); }); });
    set('RESULT_SAMPLE', samples.length ? samples.join(' ') : null, true);
    var laws = (it.LAW || []).map(function (l) {
      var name = txt(l.LAWNAME), head = (name ? '《' + name + '》' : '') + (txt(l.ACCORDINGNUMBER) ? '（' + txt(l.ACCORDINGNUMBER) + '）' : '') + txt(l.TERMSNUMBER);
      return txt(l.TERMSCONTENT) ? head + '：' + txt(l.TERMSCONTENT) : head;
    });
    set('LAW', pick(join(laws)) || pick(it.BY_LAW));
    var charges = d.AUDIT_CHARGE || [];
    var items = charges.map(function (c) { var n = txt(c.FEE_NAME), s = txt(c.FEE_STAND); return n && s ? n + '：' + s : n || s; });
    set('FEE', pick(join([txt(it.IS_FEE_TEXT), join(items)])));
    set('FEE_BASIS', pick(join(charges.map(function (c) { return txt(c.FEE_BASIS); }))));
    var mt = document.getElementById('material-body');
    if (d.AUDIT_MATERIAL === undefined) { var sec = document.getElementById('sqcl'); sec.parentNode.removeChild(sec); }
    (d.AUDIT_MATERIAL || []).forEach(function (m, i) {
      var copies = [];
      if (txt(m.PAGE_NUM) && txt(m.PAGE_NUM) !== '0') { copies.push('原件' + txt(m.PAGE_NUM) + '份'); }
      if (txt(m.PAGE_COPYNUM) && txt(m.PAGE_COPYNUM) !== '0') { copies.push('复印件' + txt(m.PAGE_COPYNUM) + '份'); }
      var cells = [String(i + 1), esc(m.MATERIAL_NAME), esc(m.SOURCE_TYPE_TEXT), copies.join('，'), esc(m.ZZHDZB_TEXT),
        esc(m.IS_NEED_TEXT), (m.FORM_GUID || []).map(link).join(' ') || '无',
        (m.EXAMPLE_GUID || []).map(link).join(' ') || '无', esc(m.FILL_EXPLIAN)];
      var tr = document.createElement('tr');
      tr.innerHTML = cells.map(function (c) { return '<td>' + c + '</td>'; }).join('');
      mt.appendChild(tr);
    });
    var pt = document.getElementById('process-body');
    if (d.AUDIT_ITEM_FLOWSHEET === undefined) { var ps = document.getElementById('bllc'); ps.parentNode.removeChild(ps); }
    (d.AUDIT_ITEM_FLOWSHEET || []).forEach(function (s) {
      var tr = document.createElement('tr');
      tr.innerHTML = [s.STEP_TEXT, s.TRANSACTOR, s.TRANSACT_TIME_LIMIT, s.CHECK_STANDARD, s.TRANSACT_RESULT]
        .map(function (c) { return '<td>' + esc(c) + '</td>'; }).join('');
      pt.appendChild(tr);
    });
    var faq = document.getElementById('faq-list');
    if (d.AUDIT_QA === undefined) { var fs = document.getElementById('cjwt'); fs.parentNode.removeChild(fs); }
    (d.AUDIT_QA || []).forEach(function (q) {
      var div = document.createElement('div');
      div.className = 'faq-item';
      div.innerHTML = '<p class="faq-q">问：' + esc(q.QUESTION) + '</p><p class="faq-a">答：' + esc(q.ANSWER) + '</p>';
      faq.appendChild(div);
    });
    var online = document.getElementById('online');
    if (pick(ext.HANDLE_ONLINE_ADDRESS)) { online.setAttribute('href', ext.HANDLE_ONLINE_ADDRESS); }
    document.body.setAttribute('data-loaded', '1');
  }
  fetch('/api/guide/detail?taskCode=' + encodeURIComponent(code))
    .then(function (r) { return r.json(); })
    .then(fill)
    .catch(function () {
      document.getElementById('load-error').textContent = '数据加载失败，请稍后刷新重试。';
      document.body.setAttribute('data-loaded', 'error');
    });
})();
"""


def shell_page(g: Guide) -> bytes:
    """The static HTML: labels with empty values, filled by the inline script."""
    return shell_for_code(g.code, g.dept.name, g.dept.code)


def shell_for_code(code: str, dept_name: str = "", dept_code: str = "") -> bytes:
    rows = "\n".join(f'<tr><th>{label}</th><td data-bind="{key}"></td></tr>' for label, key in _ROWS)
    mat_head = "".join(f"<th>{h}</th>" for h in MATERIAL_HEADERS)
    proc_head = "".join(f"<th>{h}</th>" for h in PROCESS_HEADERS)
    body = (f'<div id="app" class="guide-v2">\n<h1 data-bind="TITLE"></h1>\n<p id="load-error"></p>\n'
            '<p class="guide-actions"><a id="online" class="btn-online" href="javascript:void(0)">在线办理</a></p>\n'
            f'<table class="info-table">\n{rows}\n</table>\n'
            f'<div id="sqcl"><h3>申请材料</h3>\n<table class="material-table"><thead><tr>{mat_head}</tr></thead>'
            '<tbody id="material-body"></tbody></table></div>\n'
            f'<div id="bllc"><h3>办理流程</h3>\n<table class="process-table"><thead><tr>{proc_head}</tr></thead>'
            '<tbody id="process-body"></tbody></table></div>\n'
            '<div id="cjwt"><h3>常见问题</h3>\n<div id="faq-list" class="faq-list"></div></div>\n</div>\n'
            f"<script>{_SCRIPT}</script>")
    crumbs = [("首页", "/")] + ([(dept_name, f"/dept/{dept_code}")] if dept_name else []) + [("办事指南", "")]
    html = page("办事指南", body, crumbs).replace("<body>", f'<body data-task-code="{esc(code)}">', 1)
    return html.encode("utf-8")
