"""HTML skeleton, CSS and the two small inline scripts of the static report.

Everything is inlined into each page so a page opens from `file://` with no server, no network and
no sibling asset to lose when someone mails a single file around. Data never goes into an
executable `<script>`: pages carry data only in escaped HTML, so article text cannot break out of
a script. The only JSON block is the index script's message catalogue (`i18n.Catalogue`), static
text of ours, in a `<script type="application/json">` with `<`, `>` and `&` escaped.
"""
from __future__ import annotations

import json
from html import escape
from typing import Any, Optional

from .i18n import DEFAULT_LANG, catalogue

#: Speaker colours (foreground/border). Distinct hues; index 0.. by order of first quote in an
#: article. Beyond 12 speakers colours repeat (the speaker name is still in every tooltip).
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939",
]
UNATTRIBUTED = "#8a8f98"

GENDER_COLOURS = {"female": "#d35400", "male": "#2874a6", "unknown": "#b3bcc4"}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _speaker_css() -> str:
    rules = [
        f".spk-{i}{{--c:{c};--bg:{_rgba(c, 0.16)}}}" for i, c in enumerate(PALETTE)
    ]
    rules.append(f".spk-none{{--c:{UNATTRIBUTED};--bg:{_rgba(UNATTRIBUTED, 0.14)}}}")
    return "\n".join(rules)


CSS = """
:root{--fg:#1d2330;--muted:#5f6b7a;--bg:#fff;--panel:#f5f6f8;--line:#e1e4e9;--accent:#1f5fa8;
--per:#aa9cfc;--org:#7aecec;--loc:#feca74;--title:#f4c7e8;--date:#bfe1d9;
--female:%(female)s;--male:%(male)s;--unknown:%(unknown)s}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,
"Liberation Sans","DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header.site{background:#15263f;color:#fff;padding:.65rem 1.5rem;display:flex;gap:1.4rem;
align-items:baseline;flex-wrap:wrap}
header.site a{color:#cfe0ff;text-decoration:none}
header.site a:hover{text-decoration:underline}
header.site .brand{font-weight:700;color:#fff;margin-right:.6rem}
header.site a[aria-current=page]{color:#fff;border-bottom:2px solid #7fb2ff}
main{max-width:1280px;margin:0 auto;padding:1.2rem 1.5rem 3rem}
h1{font-size:1.55rem;margin:.3rem 0 .4rem;line-height:1.25}
h2{font-size:1.12rem;margin:1.8rem 0 .7rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
h3{font-size:1rem;margin:1.2rem 0 .5rem}
.meta{color:var(--muted);font-size:.9rem}
.meta span+span::before{content:" · "}
.muted{color:var(--muted)}
.small{font-size:.85rem}
table{border-collapse:collapse;width:100%%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.38rem .55rem;text-align:left;vertical-align:top}
thead th{background:var(--panel);position:sticky;top:0;z-index:1;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#fafbfc}
tr:target{background:#fff6d6}
th[data-type]{cursor:pointer;user-select:none}
th[data-type]:hover{background:#e9edf2}
th[aria-sort=ascending]::after{content:" \\25B2";font-size:.7em}
th[aria-sort=descending]::after{content:" \\25BC";font-size:.7em}
.toolbar{display:flex;gap:1rem;align-items:center;margin:.6rem 0 1rem;flex-wrap:wrap}
.toolbar input[type=search]{font:inherit;padding:.45rem .7rem;border:1px solid #c4cad3;
border-radius:.4rem;min-width:22rem;max-width:100%%}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(132px,1fr));gap:.8rem;margin:1rem 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:.5rem;padding:.7rem .9rem}
.card .v{font-size:1.45rem;font-weight:700;font-variant-numeric:tabular-nums}
.card .k{color:var(--muted);font-size:.82rem}
.grid2{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:1.4rem}
.grid2+.grid2{margin-top:1.4rem}
.mini{width:auto;margin-top:.8rem}
.mini td,.mini th{padding:.2rem .6rem}
@media (max-width:980px){.grid2{grid-template-columns:1fr}}
.panel{border:1px solid var(--line);border-radius:.5rem;padding:.8rem 1rem;background:#fff}
.panel h2{margin-top:0}
svg.chart{max-width:100%%;height:auto;display:block}
svg.chart text{font-family:inherit;font-size:12px;fill:#2b3340}
svg.chart text.t-muted{fill:#6b7685}
svg.chart text.t-in{fill:#fff;font-weight:600}
svg.chart .grid{stroke:#e6e9ee;stroke-width:1}
svg.chart .axis{stroke:#9aa3ae;stroke-width:1}
svg.chart a:hover rect{opacity:.8}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem;margin:.4rem 0}
.swatch{display:inline-block;width:.85em;height:.85em;border-radius:.2em;background:var(--c);
vertical-align:-.08em;margin-right:.35em}
.article-layout{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:2.2rem}
@media (max-width:960px){.article-layout{grid-template-columns:1fr}}
#article-text{white-space:pre-wrap;overflow-wrap:break-word;line-height:2.15;font-size:1.02rem;
font-family:Georgia,"Liberation Serif","DejaVu Serif",serif;max-width:78ch;margin:0}
aside.side{font-size:.88rem}
aside.side ul{list-style:none;padding:0;margin:.2rem 0 1rem}
aside.side li{padding:.18rem 0;border-bottom:1px dotted var(--line)}
mark{color:inherit}
mark.quote{background:var(--bg);border-bottom:2px solid var(--c);padding:.12em 0;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.quote.indirect{border-bottom-style:dashed;background:transparent;
background-image:linear-gradient(var(--bg),var(--bg))}
mark.quote:hover{outline:2px solid var(--c);outline-offset:1px}
mark.quote:target{outline:3px solid var(--c)}
a.qtag{font:700 .68em/1 system-ui,"Liberation Sans","DejaVu Sans",sans-serif;vertical-align:super;
background:var(--c);color:#fff;border-radius:.7em;padding:.12em .42em;text-decoration:none;
margin:0 .12em}
mark.entity{padding:.08em .32em;margin:0 .08em;border-radius:.35em;line-height:1;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.entity .label{font:700 .6em/1 system-ui,"Liberation Sans","DejaVu Sans",sans-serif;
text-transform:uppercase;letter-spacing:.03em;margin-left:.4em;vertical-align:middle;opacity:.7}
mark.person{background:var(--per)}
mark.organisation{background:var(--org)}
mark.place{background:var(--loc)}
mark.title{background:var(--title)}
mark.date{background:var(--date)}
.quote-text{max-width:60ch}
.badge{display:inline-block;font-size:.75rem;border-radius:.3rem;padding:0 .35rem;
background:#eef1f5;color:#3b4554;white-space:nowrap}
.badge.direct{background:#e3efff}
.badge.indirect{background:#f3ece0}
.conf{font-variant-numeric:tabular-nums}
details summary{cursor:pointer;color:var(--accent);margin:.4rem 0}
footer{color:var(--muted);font-size:.8rem;margin-top:2.5rem;border-top:1px solid var(--line);
padding-top:.6rem}
#js-errors{display:none}
""" % {k: v for k, v in GENDER_COLOURS.items()} + _speaker_css()


#: First script of every page: records uncaught errors, failed resource loads, unhandled promise
#: rejections and console.error calls into `<pre id="js-errors">`, so a headless `--dump-dom`
#: shows them (Chromium's stderr console lines carry no level and are mixed with noise).
ERROR_TRAP_JS = """
(function(){
  var errs = window.__reportErrors = [];
  function flush(){
    var el = document.getElementById('js-errors');
    if (el) { el.textContent = errs.join('\\n'); el.setAttribute('data-count', String(errs.length)); }
  }
  function rec(msg){ errs.push(String(msg)); flush(); }
  window.addEventListener('error', function(e){
    if (e && e.target && e.target !== window && (e.target.src || e.target.href)) {
      rec('resource failed: ' + (e.target.src || e.target.href));
    } else {
      rec((e && e.message) || 'error');
    }
  }, true);
  window.addEventListener('unhandledrejection', function(e){ rec('unhandled rejection: ' + (e && e.reason)); });
  var ce = console.error;
  console.error = function(){ rec(Array.prototype.join.call(arguments, ' ')); return ce.apply(console, arguments); };
  document.addEventListener('DOMContentLoaded', flush);
})();
"""

#: Index page: filter rows by every search term (accent- and case-insensitive; `?q=` pre-fills the
#: box so the dashboard can link to a speaker's articles) and sort by clicking a column header.
#: Its words come from the `#report-i18n` JSON block (the page language's "js." messages).
INDEX_JS = """
(function(){
  var table = document.getElementById('article-table');
  if (!table) return;
  var M = JSON.parse(document.getElementById('report-i18n').textContent);
  function fmt(msg, vals){ return String(msg).replace(/\\{(\\w+)\\}/g, function(m, k){ return k in vals ? vals[k] : m; }); }
  function num(n){ return Number(n).toLocaleString(M.lang); }
  function plural(msg, n){
    if (typeof msg === 'string') return msg;
    var one = M.lang === 'fr' ? (n >= 0 && n < 2) : n === 1;  // i18n.plural_category
    return one ? msg.one : msg.other;
  }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var input = document.getElementById('search');
  var count = document.getElementById('match-count');
  var none = document.getElementById('no-match');
  function norm(s){ return String(s || '').toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g, ''); }
  rows.forEach(function(r){ r._hay = norm((r.getAttribute('data-search') || '') + ' ' + r.textContent); });
  function apply(){
    var terms = norm(input.value).split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function(r){
      var ok = terms.every(function(t){ return r._hay.indexOf(t) >= 0; });
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = fmt(plural(M.match_count, rows.length), {shown: num(shown), total: num(rows.length)});
    var empty = rows.length > 0 && shown === 0;
    none.hidden = !empty;
    none.textContent = empty ? fmt(M.no_match, {query: input.value.trim()}) : '';
  }
  var q = new URLSearchParams(window.location.search).get('q');
  if (q) input.value = q;
  input.addEventListener('input', apply);
  apply();
  var heads = table.tHead.rows[0].cells;
  function key(r, col, type){
    var c = r.cells[col];
    var v = c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent;
    if (type === 'num') { var f = parseFloat(v); return isNaN(f) ? -Infinity : f; }
    return norm(v);
  }
  function hint(th){
    var s = th.getAttribute('aria-sort');
    th.title = s === 'ascending' ? M.sorted_asc : (s === 'descending' ? M.sorted_desc : M.sort);
  }
  function sortBy(col, th){
    var type = th.getAttribute('data-type');
    var cur = th.getAttribute('aria-sort');
    var dir = cur ? (cur === 'ascending' ? -1 : 1) : (type === 'num' ? -1 : 1);
    Array.prototype.forEach.call(heads, function(h){ h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    Array.prototype.forEach.call(heads, function(h){ if (h.hasAttribute('data-type')) hint(h); });
    var keyed = rows.map(function(r, i){ return [key(r, col, type), i, r]; });
    keyed.sort(function(a, b){ return a[0] < b[0] ? -dir : (a[0] > b[0] ? dir : a[1] - b[1]); });
    var frag = document.createDocumentFragment();
    rows = keyed.map(function(k){ frag.appendChild(k[2]); return k[2]; });
    tbody.appendChild(frag);
  }
  Array.prototype.forEach.call(heads, function(th, col){
    if (!th.hasAttribute('data-type')) return;
    th.tabIndex = 0;
    hint(th);
    th.addEventListener('click', function(){ sortBy(col, th); });
    th.addEventListener('keydown', function(e){ if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(col, th); } });
  });
  document.body.setAttribute('data-ready', '1');
})();
"""


def json_block(block_id: str, data: Any) -> str:
    """`data` as a `<script type="application/json">` that no string in it can close early."""
    text = (json.dumps(data, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return f'<script type="application/json" id="{escape(block_id)}">{text}</script>'


def page(title: str, body_html: str, *, lang: str = DEFAULT_LANG, root: str = "",
         current: str = "", scripts: str = "", data: Optional[dict[str, Any]] = None) -> str:
    """Wrap `body_html` (already escaped) in the shared skeleton, in language `lang`.

    `root` is the relative prefix to the report root ("" or "../") so links work from `file://`.
    `scripts` is trusted static JS appended at the end of the body; `data` maps element ids to
    values written as JSON blocks before it (read by the script, never executed).
    """
    m = catalogue(lang)

    def nav(href: str, label: str, key: str) -> str:
        cur = ' aria-current="page"' if key == current else ""
        return f'<a href="{root}{href}"{cur}>{escape(label)}</a>'

    blocks = "".join(json_block(k, v) for k, v in (data or {}).items())
    tail = blocks + (f"<script>{scripts}</script>" if scripts else "")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(m.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<script>{ERROR_TRAP_JS}</script>\n"
        f"<style>{CSS}</style>\n"
        "</head>\n<body>\n"
        f'<header class="site"><span class="brand">{escape(m("site.brand"))}</span>'
        f'{nav("index.html", m("nav.index"), "index")}'
        f'{nav("dashboard.html", m("nav.dashboard"), "dashboard")}'
        "</header>\n"
        f"<main>\n{body_html}\n</main>\n"
        '<pre id="js-errors" hidden></pre>\n'
        f"{tail}\n</body>\n</html>\n"
    )
