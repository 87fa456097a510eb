"""publish: build what goes online into ``site/``: both scripts and the root page.

``site/zh-hans/`` and ``site/zh-hant/`` are two MkDocs builds, page for page
with the same paths and paragraph ids, run side by side on two cores. Each
then gets its own Pagefind search index in ``site/<script>/pagefind/`` (see
``start_pagefind``). The root ``site/index.html`` sends a visitor to the
script they chose before, or the one their browser prefers, and without
JavaScript shows both links.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xml.sax.saxutils import escape

from .export import write_if_changed
from .model import YanluError, YanluErrors
from .pipeline import Build, Project, build
from .render import page_url

CONFIGS = {"zh-hans": "mkdocs.yml", "zh-hant": "mkdocs.zh-hant.yml"}

ROOT_PAGE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>言录 · 言錄 Yanlu</title>
<link rel="alternate" hreflang="zh-Hans" href="zh-hans/">
<link rel="alternate" hreflang="zh-Hant" href="zh-hant/">
<script>
(function () {
  var choice = null;
  try { choice = localStorage.getItem("yanlu-script"); } catch (e) {}
  if (choice !== "zh-hans" && choice !== "zh-hant") {
    var langs = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < langs.length && !choice; i++) {
      var lang = String(langs[i]).toLowerCase();
      if (/^zh-(tw|hk|mo)\\b|^zh-hant/.test(lang)) choice = "zh-hant";
      else if (/^zh/.test(lang)) choice = "zh-hans";
    }
  }
  location.replace((choice || "zh-hans") + "/" + location.hash);
})();
</script>
<style>body{font-family:system-ui,sans-serif;max-width:30em;margin:4em auto;line-height:1.8;text-align:center}a{margin:0 1em}</style>
</head>
<body>
<h1>言录 · 言錄</h1>
<p><a href="zh-hans/" hreflang="zh-Hans" lang="zh-Hans">简体中文</a><a href="zh-hant/" hreflang="zh-Hant" lang="zh-Hant">繁體中文</a></p>
</body>
</html>
"""


def sitemap(project: Project, base_url: str) -> str:
    """Both scripts' pages, each with its twin as an hreflang alternate.

    Sitemaps want absolute addresses: set YANLU_SITE_URL (e.g.
    https://user.github.io/yanlu/) when publishing; without it the
    addresses are relative to the site root.
    """
    base = base_url.rstrip("/") + "/" if base_url else ""
    paths = sorted({page_url(str(p.relative_to(project.docs / d)).replace(os.sep, "/"))
                    for d in CONFIGS for p in (project.docs / d).rglob("*.md")})
    entries = []
    for path in paths:
        links = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + d + "/" + path)}"/>'
            for d, lang in (("zh-hans", "zh-Hans"), ("zh-hant", "zh-Hant"))
        )
        for d in CONFIGS:
            entries.append(f"<url><loc>{escape(base + d + '/' + path)}</loc>{links}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "\n".join(entries) + "\n</urlset>\n")


def build_epoch(result: Build) -> str:
    """SOURCE_DATE_EPOCH from the inputs, not the clock: midnight UTC of the newest event."""
    dates = sorted((e.date + "-01-01")[:10] for e in result.corpus.events if e.date)
    newest = datetime.date.fromisoformat(dates[-1]) if dates else datetime.date(2000, 1, 1)
    return str(int(datetime.datetime.combine(newest, datetime.time(), datetime.timezone.utc).timestamp()))


def mkdocs_build(project: Project, script_dir: str, site_dir: Path, epoch: str) -> subprocess.Popen:
    """Start ``mkdocs build`` of one script; the generator has run already, so the hook only reads."""
    config = project.root / CONFIGS[script_dir]
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "--site-dir", str(site_dir)]
    # YANLU_PAGEFIND: the pages may offer search, the index is built right after (extra.yanlu.search.indexed).
    # SOURCE_DATE_EPOCH: MkDocs dates the sitemap from it, so two builds of the same input are identical.
    env = dict(os.environ, YANLU_PREBUILT="1", YANLU_PAGEFIND="1")
    env.setdefault("SOURCE_DATE_EPOCH", epoch)
    base = os.environ.get("YANLU_SITE_URL", "")
    if base:
        env["YANLU_SCRIPT_URL"] = f"{base.rstrip('/')}/{script_dir}/"
    return subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ------------------------------------------------------------------ search: one Pagefind index per script

PAGEFIND_DIR = "pagefind"  # site/<script>/pagefind/: what templates/assets/yanlu-search.js loads
# Inside the article, not what was said: each paragraph's permalink, copy button, topic chips and
# "see in context" links.
PAGEFIND_EXCLUDE = ".yl-tools"
# Pagefind's ready-made search interfaces; the header's box uses its JavaScript API only.
PAGEFIND_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                   "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
_HAN_AT_END = re.compile(f"[{_HAN}]$")
_HAN_AT_START = re.compile(f"^[{_HAN}]")
_TAG = re.compile(r"(<[^>]*>)")
_BODY = re.compile(r"<(\w+)\b[^>]*\sdata-pagefind-body\b[^>]*>")
_LANG = re.compile(r"<html\b[^>]*\slang=\"([^\"]+)\"")


def pagefind_page(html: str) -> str | None:
    """What Pagefind reads of a built page, or None for a page without an article to index (the 404 page).

    Only the article (``data-pagefind-body``, templates/overrides/main.html), with a space between
    every two Chinese characters, so that the index holds each character as a word of its own. A
    word segmenter cuts text and query differently (jieba-rs in Pagefind's extended build at index
    time, the browser's Intl.Segmenter at search time: 大模型 is 大|模型 to one and 大模型 to the
    other, and Traditional text falls apart into single characters in the index but not in the
    query), and then finds nothing; a character index, searched as exact phrases by yanlu-search.js,
    finds every page that holds the query, in either script. The pages themselves are not changed.
    """
    body, lang = _BODY.search(html), _LANG.search(html)
    if body is None or lang is None:
        return None
    tag = body.group(1)
    end = html.find(f"</{tag}>", body.end())  # Material's article holds no nested <article>
    if end < 0:
        return None
    parts = _TAG.split(html[body.start():end + len(tag) + 3])
    ends_han = False
    for i in range(0, len(parts), 2):  # even items are text between tags
        text = parts[i]
        if not text:
            continue
        spaced = _BETWEEN_HAN.sub(" ", text)
        if ends_han and _HAN_AT_START.match(spaced):  # 李大海</a>表示: two characters on either side of a tag
            spaced = " " + spaced
        parts[i] = spaced
        ends_han = bool(_HAN_AT_END.search(text))
    return (f'<!doctype html>\n<html lang="{lang.group(1)}">\n<head><meta charset="utf-8"><title></title></head>\n'
            f'<body>{"".join(parts)}</body>\n</html>\n')


def pagefind_binary() -> Path:
    """Pagefind's extended binary, shipped in the PyPI wheel ``pagefind-bin-extended`` (requirements.txt).

    The ``pagefind`` Python package finds its binary the same way (``pagefind.service.get_executable``:
    $PAGEFIND_BINARY_PATH, then ``pagefind_bin_extended``, then ``pagefind_bin``, then PATH); asking
    ``pagefind_bin_extended`` directly makes sure the extended build is the one that runs.
    """
    try:
        from pagefind_bin_extended import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise YanluError("pagefind", f"the extended Pagefind binary is not installed ({exc})",
                         "Install the pinned packages: `.venv/bin/pip install -r requirements.txt` "
                         "(it lists pagefind-bin-extended).") from None


def start_pagefind(site_dir: Path, work: Path) -> tuple[subprocess.Popen, int]:
    """Start Pagefind on one built script: its pages as ``pagefind_page`` writes them into ``work``,
    the bundle into ``site_dir/pagefind/``. Returns the process and the number of pages given to it."""
    binary = pagefind_binary()
    pages = 0
    for page in sorted(site_dir.rglob("*.html")):
        relative = page.relative_to(site_dir)
        if relative.parts[0] == PAGEFIND_DIR:
            continue
        text = pagefind_page(page.read_text(encoding="utf-8"))
        if text is not None:
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            (work / relative).write_text(text, encoding="utf-8")
            pages += 1
    if not pages:
        raise YanluError(str(site_dir), "no page marks its article with data-pagefind-body, so search would find nothing",
                         "templates/overrides/main.html (block container) must put data-pagefind-body on the article.")
    shutil.rmtree(site_dir / PAGEFIND_DIR, ignore_errors=True)
    command = [str(binary), "--site", str(work), "--output-path", str(site_dir / PAGEFIND_DIR),
               "--exclude-selectors", PAGEFIND_EXCLUDE, "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), pages
    except OSError as exc:
        raise YanluError(f"pagefind ({site_dir.name})", f"could not run {binary}: {exc}",
                         "Reinstall the pinned packages: `.venv/bin/pip install -r requirements.txt`.") from None


def finish_pagefind(site_dir: Path, run: subprocess.Popen, pages: int, lang: str) -> None:
    """Wait for Pagefind, check that it indexed every page in the script's language, drop what is not used."""
    out, err = run.communicate()
    where = f"pagefind ({site_dir.name})"
    if run.returncode:
        raise YanluError(where, f"{' '.join(run.args)} failed (exit status {run.returncode}):\n{(err or out).strip() or '(it printed nothing)'}",
                         "Fix the problem Pagefind names above.")
    bundle = site_dir / PAGEFIND_DIR
    try:
        languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    except (OSError, ValueError, KeyError) as exc:
        raise YanluError(where, f"Pagefind wrote no usable {bundle / 'pagefind-entry.json'} ({exc})\n{(err or out).strip()}",
                         "Run it again; if it keeps failing, reinstall requirements.txt.") from None
    indexed = {name: entry.get("page_count") for name, entry in languages.items()}
    if indexed != {lang.lower(): pages}:
        raise YanluError(where, f"Pagefind indexed {indexed}, expected {pages} pages in {lang.lower()}",
                         f"Every page of {site_dir.name} must declare <html lang=\"{lang}\">.")
    for name in PAGEFIND_UNUSED:
        (bundle / name).unlink(missing_ok=True)


def index_search(site: Path) -> None:
    """Build both scripts' Pagefind indexes, side by side."""
    langs = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
    failures: list[YanluError] = []
    with tempfile.TemporaryDirectory(prefix="yanlu-pagefind-") as work:
        runs = {}
        for name in CONFIGS:  # the second script's pages are written while Pagefind reads the first's
            try:
                runs[name] = start_pagefind(site / name, Path(work) / name)
            except YanluError as exc:
                failures.append(exc)
        for name, (run, pages) in runs.items():
            try:
                finish_pagefind(site / name, run, pages, langs[name])
            except YanluError as exc:
                failures.append(exc)
    if failures:
        raise failures[0] if len(failures) == 1 else YanluErrors(failures)


def publish(project: Project, site: Path | None = None, jobs: int = 1) -> Build:
    """Generate docs/, build both scripts in parallel, write the root page."""
    result = build(project, jobs=jobs)
    site = site or project.root / "site"
    epoch = build_epoch(result)
    runs = {name: mkdocs_build(project, name, site / name, epoch) for name in CONFIGS}
    failures = []
    for name, run in runs.items():
        _out, err = run.communicate()
        if run.returncode:
            failures.append(f"{CONFIGS[name]}:\n{err.strip()}")
    if failures:
        raise YanluError("mkdocs build", "failed:\n" + "\n".join(failures), "Fix the problems MkDocs names above.")
    index_search(site)
    write_if_changed(site / "index.html", ROOT_PAGE)
    write_if_changed(site / "sitemap.xml", sitemap(project, os.environ.get("YANLU_SITE_URL", "")))
    return result
