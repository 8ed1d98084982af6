"""The script every page of a journey's browser context runs first (an init
script), and the in-page helpers the runner calls.

In the top frame of each document it:
- reports the document (`doc`), its DOMContentLoaded (`dcl`) and load (`load`)
  to the runner through the exposed binding `__gcMark`, each with the page's
  own high-resolution clock (`performance.timeOrigin + performance.now()`);
- stamps every click at the capture phase (`click`): the start of the timing;
- wraps window.open to report the calls the popup blocker refused (`open`);
- watches the DOM (a MutationObserver on everything) and reports `ready` the
  moment the handling page's readiness test first holds: the profile's ready
  selector, its ready text, or the item's name or code in the page's rendered
  text (innerText: hidden elements and attribute values do not count).

`inspect()` describes the page for the classification (search/list page,
login page, error page); `findControl()` marks the online-handling control.
"""
from __future__ import annotations

import json
import re

INIT = r"""
((cfg) => {
  if (window.top !== window || window.__gc) return;
  const now = () => performance.timeOrigin + performance.now();
  const norm = (s) => (s || '').replace(/\s+/g, '');
  const st = window.__gc = {doc: Math.random().toString(36).slice(2) + '-' + Date.now().toString(36),
                            readyAt: null, readyBy: null, opens: []};
  const mark = (kind, extra) => {
    try {
      if (window.__gcMark) window.__gcMark(Object.assign({kind: kind, doc: st.doc, at: now(), url: location.href}, extra || {}));
    } catch (e) {}
  };
  mark('doc');
  document.addEventListener('DOMContentLoaded', () => { check(); mark('dcl'); });
  window.addEventListener('load', () => { check(); mark('load'); });
  document.addEventListener('click', () => mark('click'), true);
  const open = window.open;
  window.open = function () {
    const w = open.apply(this, arguments);
    const rec = {target: String(arguments[0] || ''), blocked: !w};
    st.opens.push(rec);
    mark('open', rec);
    return w;
  };
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  function check() {
    if (st.readyAt !== null || !document.body) return;
    let by = null;
    try {
      if (cfg.selector && document.querySelector(cfg.selector)) by = 'selector';
    } catch (e) {}
    if (!by) {
      const text = norm(document.body.innerText);
      if (cfg.text && text.includes(norm(cfg.text))) by = 'text';
      else for (const [name, token] of cfg.tokens) if (token && text.includes(token)) { by = name; break; }
    }
    if (by) {
      st.readyAt = now(); st.readyBy = by;
      mark('ready', {by: by});
      if (observer) observer.disconnect();
    }
  }
  const observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true, characterData: true, attributes: true});

  const flags = (p) => p.startsWith('(?i)') ? [p.slice(4), 'i'] : [p, ''];
  const listWords = cfg.listWords.map((p) => new RegExp(...flags(p)));
  const listUrl = new RegExp(...flags(cfg.listUrl));
  window.__gcInspect = function () {
    const body = document.body;
    if (!body) return {empty: true, readyState: document.readyState, url: location.href, title: document.title};
    const text = norm(body.innerText);
    const found = cfg.tokens.filter(([n, t]) => t && text.includes(t)).map(([n]) => n);
    const anchors = Array.from(document.querySelectorAll('a[href], [onclick]')).filter(visible);
    const linkTexts = anchors.map((a) => norm(a.innerText || a.textContent));
    let rest = text;
    for (const t of linkTexts) if (t) rest = rest.split(t).join('|');
    const outside = cfg.tokens.some(([n, t]) => t && rest.includes(t));
    const itemLinks = anchors.filter((a, i) => cfg.tokens.some(([n, t]) => t && linkTexts[i].includes(t)));
    let siblings = 0;
    const boxOf = (el) => el.closest('ul,ol,table,dl,[class*=list],[class*=result]');
    if (itemLinks.length) {
      const box = boxOf(itemLinks[0]);
      if (box) siblings = box.querySelectorAll('a[href]').length;
    } else {
      for (const box of document.querySelectorAll('ul,ol,table')) siblings = Math.max(siblings, box.querySelectorAll('a[href]').length);
    }
    const head = text.slice(0, 5000);
    const listWord = listWords.find((re) => re.test(head));
    const searchInput = !!document.querySelector('input[type=search],input[name=q],input[name=keyword],input[name=kw],input[name=searchKey]');
    const password = Array.from(document.querySelectorAll('input[type=password]')).some(visible);
    const errorWord = cfg.errorWords.find((w) => norm(document.title + head).includes(norm(w)));
    return {found: found, outside: outside, itemLinks: itemLinks.length, siblings: siblings,
            listWord: listWord ? listWord.source : '', urlHint: listUrl.test(location.href), searchInput: searchInput,
            password: password, errorWord: errorWord || '', readyState: document.readyState,
            url: location.href, title: document.title, textLength: text.length};
  };
  window.__gcFollow = function () {
    // the link to this item on a search or list page: name first, then code, then base name
    const anchors = Array.from(document.querySelectorAll('a[href], [onclick]')).filter(visible);
    for (const [n, t] of cfg.tokens) {
      if (!t) continue;
      const hits = anchors.filter((a) => norm(a.innerText || a.textContent).includes(t));
      if (hits.length === 1 || (hits.length && n !== 'base_name')) {
        hits[0].setAttribute('data-gc-follow', '1');
        return {text: (hits[0].innerText || '').trim().slice(0, 80), href: hits[0].href || ''};
      }
    }
    return null;
  };
})
"""

# Finds the online-handling control on the guide page and marks it with
# data-gc-control="1". Candidates: links, buttons, inputs, anything clickable,
# visible; an element whose link target is the record's online URL wins, then
# the earliest selector, then the earliest text (exact before contained).
FIND_CONTROL = r"""
(cfg) => {
  const norm = (s) => (s || '').replace(/\s+/g, '');
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  document.querySelectorAll('[data-gc-control]').forEach((el) => el.removeAttribute('data-gc-control'));
  const pick = (el, how) => {
    el.setAttribute('data-gc-control', '1');
    const label = norm(el.innerText || el.value || el.title || (el.querySelector('img') || {}).alt || '');
    return {how: how, text: label.slice(0, 40), href: el.href || el.getAttribute('href') || ''};
  };
  for (const sel of cfg.selectors) {
    let el = null;
    try { el = Array.from(document.querySelectorAll(sel)).find(visible); } catch (e) {}
    if (el) return pick(el, 'selector');
  }
  const cands = Array.from(document.querySelectorAll(
      'a, button, input[type=button], input[type=submit], [role=button], [role=link], [onclick]')).filter(visible);
  const labelOf = (el) => norm(el.innerText || el.value || el.title || el.getAttribute('aria-label') ||
                               (el.querySelector('img') || {}).alt || '');
  if (cfg.onlineUrl) {
    const el = cands.find((c) => c.href === cfg.onlineUrl);
    if (el) return pick(el, 'online_url');
  }
  for (const exact of [true, false]) {
    for (const text of cfg.texts) {
      const t = norm(text);
      const hits = cands.filter((c) => { const l = labelOf(c); return exact ? l === t : l.includes(t) && l.length <= t.length + 12; });
      // the innermost element (a span inside a link: click the link, which contains it)
      const el = hits.find((h) => !hits.some((o) => o !== h && h.contains(o))) || hits[0];
      if (el) return pick(el, exact ? 'text' : 'text_contains');
    }
  }
  return null;
}
"""


def init_script(*, name: str, code: str, selector: str | None, text: str | None, list_words: list[str],
                list_url: str, error_words: list[str]) -> str:
    tokens = []
    for by, token in (("name", name), ("code", code), ("base_name", base_name(name))):
        token = re.sub(r"\s+", "", token or "")
        if token and len(token) >= 4 and token not in [t for _, t in tokens]:
            tokens.append((by, token))
    cfg = {"tokens": tokens, "selector": selector or "", "text": text or "", "listWords": list_words,
           "listUrl": list_url, "errorWords": error_words}
    return f"{INIT}({json.dumps(cfg, ensure_ascii=False)});"


def base_name(name: str) -> str:
    """The item's name without a trailing variant in brackets: 食品经营许可（新办） -> 食品经营许可."""
    return re.sub(r"[（(][^（）()]*[）)]\s*$", "", name or "").strip()
