"""shortlinks: ``site/q/``, one address per paragraph for both scripts (``…/q/#q-1a2b3c4d5e``).

The address names no page, only the paragraph, so it outlives every move of the
paragraph: an event renamed, merged or split, a paragraph corrected (its old id
is an alias). The map from id to page is made from the current corpus by every
build that publishes or previews the site (``docs/q/``, each file written again
only where what it holds changed: ``files``; not by `mkdocs serve`, which has no
short links), so it always points at where the paragraph is now.

A reader's browser fetches ``q/index.html`` (a few kilobytes, the script inline)
and one shard of the map, ``q/map/<prefix>.json``: the ids that start with the
same ``depth`` hex digits, each with the event whose page holds it. The depth
grows with the archive (``shard_depth``), so a shard stays near ``SHARD_IDS``
ids however many paragraphs there are. The page then goes to the paragraph on
its event page in the reader's script: the one chosen with the 简/繁 toggle
before (localStorage, as the root page reads it), else the browser's language.

Without JavaScript the page cannot read the ``#q-…`` part of its own address;
it says so and links to ``q/list/``, where every shard is a plain page of links
(both scripts for each id).

An id the map does not hold gets a notice with a search box of its own: a plain GET form to the reader's
script home (``../zh-hans/?q=…``), where the header's search box opens with the query's results; the form
needs no script on this page.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Callable

from .model import Corpus

SHARD_IDS = 64  # ids a shard holds on average: ~2 KB of JSON, one small request per lookup
ID_DIGITS = 10  # q- and 10 hex digits (ids.py)
SCRIPTS = (("zh-hans", "简体", "zh-Hans"), ("zh-hant", "繁體", "zh-Hant"))


def _with_aliases(where: dict[str, str], aliases) -> dict[str, str]:
    # In no order: every file made of the map sorts what it holds.
    for old, new in aliases:
        where.setdefault(old, where[new])
    return where


def targets(corpus: Corpus) -> dict[str, str]:
    """Every id a short link may carry → the event whose page holds its paragraph: the current
    ids, and the old ids of corrected paragraphs (aliases), which the event page then follows."""
    return _with_aliases({p.id: p.event for p in corpus.paragraphs}, corpus.aliases)


def targets_from_json(corpus: dict) -> dict[str, str]:
    """``targets`` from docs/data/corpus.json (the benchmark reads it)."""
    return _with_aliases({p["id"]: p["event"] for p in corpus["paragraphs"]}, corpus.get("aliases", {}).items())


def shard_depth(count: int) -> int:
    """How many hex digits of an id name its shard: the fewest that keep shards near SHARD_IDS ids."""
    if count <= SHARD_IDS:
        return 1
    return min(ID_DIGITS, max(1, math.ceil(math.log(count / SHARD_IDS, 16))))


def shards(where: dict[str, str], depth: int) -> dict[str, dict[str, str]]:
    """The map cut by id prefix: prefix → {the rest of the id → event id}."""
    cut: dict[str, dict[str, str]] = {}
    for pid, event in where.items():
        digits = pid[2:]
        cut.setdefault(digits[:depth], {})[digits[depth:]] = event
    return cut


def event_href(script: str, event: str, pid: str, up: str = "../") -> str:
    return f"{up}{script}/events/{html.escape(event, quote=True)}/#{pid}"


# The reader's script: the one chosen with the 简/繁 toggle before (yanlu.js stores it), else the browser's
# language. One function for the root page (publish.ROOT_PAGE) and the short-link page.
CHOSEN_SCRIPT_JS = """function chosen() {
    var script = null;
    try { script = localStorage.getItem("yanlu-script"); } catch (e) {}
    if (script !== "zh-hans" && script !== "zh-hant") {
      var langs = navigator.languages || [navigator.language || ""];
      for (var i = 0; i < langs.length && !script; i++) {
        var lang = String(langs[i]).toLowerCase();
        if (/^zh-(tw|hk|mo)\\b|^zh-hant/.test(lang)) script = "zh-hant";
        else if (/^zh/.test(lang)) script = "zh-hans";
      }
    }
    return script || "zh-hans";
  }"""

REDIRECT_PAGE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>言录 · 言錄 短链接</title>
<style>
body{font-family:"PingFang SC","PingFang TC","Microsoft YaHei","Microsoft JhengHei","Noto Sans CJK SC",system-ui,sans-serif;
max-width:34em;margin:3em auto;padding:0 1em;line-height:1.8;color:#1f1f1f;background:#fff}
h1{font-size:1.4em}a{color:#2f3f9e;text-decoration:underline}
nav a{display:inline-block;min-height:44px;line-height:44px;margin-right:1.2em}
.yl-q-notice{border:1px solid #d9480f;background:#fff4e6;padding:.6em .8em;border-radius:4px}
.yl-q-form{display:flex;flex-wrap:wrap;align-items:center;gap:.4em .6em;margin:.4em 0}
.yl-q-form input,.yl-q-form button{font:inherit;min-height:44px;box-sizing:border-box}
.yl-q-form input{flex:1 1 12em;padding:0 .5em;border:1px solid #595959;border-radius:3px}
.yl-q-form button{padding:0 1em;border:1px solid #2f3f9e;border-radius:3px;color:#fff;background:#2f3f9e;cursor:pointer}
html.yl-hans [lang=zh-Hant],html.yl-hant [lang=zh-Hans]{display:none}
html.yl-js .yl-q-nojs{display:none}
</style>
<script>
(function () {
  "use strict";
  var DEPTH = __DEPTH__;
  var root = document.documentElement;
  root.classList.add("yl-js");
  __CHOSEN__
  var script = chosen();
  root.classList.add(script === "zh-hant" ? "yl-hant" : "yl-hans");
  function unknown(id) {
    root.classList.add("yl-q-unknown");
    function say() {
      var box = document.getElementById("yl-q-unknown");
      box.hidden = false;
      var shown = box.querySelectorAll(".yl-q-id");
      for (var i = 0; i < shown.length; i++) shown[i].textContent = id;
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", say);
    else say();
  }
  function go() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)).trim().toLowerCase(); } catch (e) {}
    if (!id) { root.classList.remove("yl-js"); return; }  // the page itself, opened without an id: say what it is
    if (!/^q-[0-9a-f]{10}$/.test(id)) return unknown(id);
    var digits = id.slice(2), prefix = digits.slice(0, DEPTH), rest = digits.slice(DEPTH);
    fetch("map/" + prefix + ".json").then(function (r) { return r.ok ? r.json() : {}; }).then(function (shard) {
      var event = Object.prototype.hasOwnProperty.call(shard, rest) ? shard[rest] : null;
      if (!event) return unknown(id);
      location.replace("../" + chosen() + "/events/" + encodeURIComponent(event) + "/#" + id);
    }, function () { unknown(id); });
  }
  window.addEventListener("hashchange", go);  // a second short link pasted into this tab
  go();
})();
</script>
</head>
<body>
<main>
<h1><span lang="zh-Hans">言录短链接</span><span lang="zh-Hant">言錄短連結</span></h1>
<div class="yl-q-nojs">
<p lang="zh-Hans">这个地址指向言录中的一段发言（地址中 # 后面的 q-… 是它的编号）。打开它需要 JavaScript；没有 JavaScript 时，请在编号列表里按编号的前几位找到这一段：</p>
<p lang="zh-Hant">這個地址指向言錄中的一段發言（地址中 # 後面的 q-… 是它的編號）。開啟它需要 JavaScript；沒有 JavaScript 時，請在編號列表裡按編號的前幾位找到這一段：</p>
<nav aria-label="编号列表 · 編號列表"><a href="list/" lang="zh-Hans">编号列表</a><a href="list/" lang="zh-Hant">編號列表</a><a href="../zh-hans/" lang="zh-Hans">言录首页</a><a href="../zh-hant/" lang="zh-Hant">言錄首頁</a></nav>
</div>
<div id="yl-q-unknown" class="yl-q-notice" role="status" hidden>
<p lang="zh-Hans">找不到编号为 <code class="yl-q-id"></code> 的段落：链接可能抄错了，或这一段已被删除。可以搜索它的文字：</p>
<p lang="zh-Hant">找不到編號為 <code class="yl-q-id"></code> 的段落：連結可能抄錯了，或這一段已被刪除。可以搜尋它的文字：</p>
<form class="yl-q-form" action="../zh-hans/" method="get" role="search" aria-label="搜索言录" lang="zh-Hans"><label for="yl-q-hans">搜索段落的文字</label> <input id="yl-q-hans" type="search" name="q" required> <button type="submit">搜索</button></form>
<form class="yl-q-form" action="../zh-hant/" method="get" role="search" aria-label="搜尋言錄" lang="zh-Hant"><label for="yl-q-hant">搜尋段落的文字</label> <input id="yl-q-hant" type="search" name="q" required> <button type="submit">搜尋</button></form>
<nav aria-label="首页 · 首頁"><a class="yl-q-search" href="../zh-hans/" lang="zh-Hans">言录首页（页首有搜索框）</a><a class="yl-q-search" href="../zh-hant/" lang="zh-Hant">言錄首頁（頁首有搜尋框）</a></nav>
</div>
</main>
</body>
</html>
"""


def redirect_page(depth: int) -> str:
    return REDIRECT_PAGE.replace("__DEPTH__", str(int(depth))).replace("__CHOSEN__", CHOSEN_SCRIPT_JS)


def _list_page(title: str, items: list[str], up: str) -> str:
    return ('<!doctype html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n'
            f'<title>{html.escape(title)}</title>\n'
            '<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.8}'
            'a{display:inline-block;min-height:24px;margin-right:.8em}code{font-size:1em}</style>\n</head>\n<body>\n<main>\n'
            f'<h1>{html.escape(title)}</h1>\n<p><a href="{up}">短链接 · 短連結</a></p>\n<ul>\n'
            + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n</main>\n</body>\n</html>\n")


def list_index(cut: dict[str, dict[str, str]]) -> str:
    """The no-JavaScript way in: q/list/index.html, a link to every prefix's list."""
    return _list_page("段落编号 · 段落編號", [f'<a href="{p}.html">q-{p}…</a>' for p in sorted(cut)], "../")


def list_page(prefix: str, rest: dict[str, str]) -> str:
    """q/list/<prefix>.html: the ids starting with ``prefix``, each linked to its paragraph in both scripts."""
    items = []
    for tail, event in sorted(rest.items()):
        pid = f"q-{prefix}{tail}"
        links = "".join(f'<a href="{event_href(s, event, pid, "../../")}" hreflang="{lang}" lang="{lang}">{label}</a>'
                        for s, label, lang in SCRIPTS)
        items.append(f"<code>{pid}</code> {links}")
    return _list_page(f"q-{prefix}…", items, "../")


def _shard_texts(cut: dict[str, dict[str, str]]) -> dict[str, str]:
    """Each shard as its file holds it: prefix → compact JSON {the rest of the id: event id}."""
    return {prefix: json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            for prefix, rest in sorted(cut.items())}


def _sizes(count: int, depth: int, files: dict[str, str]) -> dict[str, int]:
    largest = max((len(text.encode("utf-8")) for text in files.values()), default=0)
    return {"ids": count, "depth": depth, "shards": len(files),
            "page_bytes": len(redirect_page(depth).encode("utf-8")), "largest_shard_bytes": largest}


def sizes_of(where: dict[str, str]) -> dict[str, int]:
    """What a lookup costs for this map, without writing it (the benchmark's row)."""
    depth = shard_depth(len(where))
    return _sizes(len(where), depth, _shard_texts(shards(where, depth)))


FOLDER = "q"  # docs/q/: written by the build where it changed (pipeline.plan_shortlinks), linked into site/q/ by publish


@dataclass
class Map:
    """The map cut into shards, with each shard's text as its file holds it (``cut_map``)."""

    where: dict[str, str]  # targets()
    depth: int
    cut: dict[str, dict[str, str]]  # shards()
    texts: dict[str, str]  # _shard_texts()


def cut_map(corpus: Corpus, previous: Map | None = None) -> Map:
    """The map of ``corpus``, cut. Given the map of the build before (a session that stays: `make serve`), the
    shards that hold no id added, removed or moved are taken from it as they are: the same cut, the same texts."""
    where = targets(corpus)
    depth = shard_depth(len(where))
    if previous is None or previous.depth != depth:
        cut = shards(where, depth)
        return Map(where, depth, cut, _shard_texts(cut))
    before = previous.where
    moved = {pid for pid, _event in where.items() - before.items()} | (before.keys() - where.keys())
    touched = {pid[2:2 + depth] for pid in moved}
    cut = previous.cut | {prefix: dict(previous.cut.get(prefix, {})) for prefix in touched}  # copied, then changed
    for pid in moved:
        prefix, rest = pid[2:2 + depth], pid[2 + depth:]
        if pid in where:
            cut[prefix][rest] = where[pid]
        else:
            del cut[prefix][rest]
    cut = {prefix: rest for prefix, rest in sorted(cut.items()) if rest}
    texts = {prefix: text for prefix, text in previous.texts.items() if prefix not in touched}
    texts |= _shard_texts({prefix: cut[prefix] for prefix in touched if prefix in cut})
    return Map(where, depth, cut, dict(sorted(texts.items())))


def files(cut: Map) -> list[tuple[str, str, Callable[[], str]]]:
    """Every file of q/: its path in q/, the text that decides what it holds (a part of its key), and how to make
    it: the redirect page (decided by the depth), the map's shards, and the plain lists (decided by their shard)."""
    depth, texts = cut.depth, cut.texts
    made = [("index.html", str(depth), lambda: redirect_page(depth)),
            ("list/index.html", " ".join(texts.keys()), lambda: list_index(cut.cut))]  # the prefixes
    for prefix, text in texts.items():
        made.append((f"map/{prefix}.json", text, lambda text=text: text))
        made.append((f"list/{prefix}.html", text, lambda prefix=prefix: list_page(prefix, cut.cut[prefix])))
    return made


def lookup_bytes(sizes: dict[str, int]) -> int:
    """What one short-link lookup fetches at most: the redirect page and the largest shard."""
    return sizes["page_bytes"] + sizes["largest_shard_bytes"]
