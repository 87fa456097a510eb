"""publish: build what goes online into ``site/``: both scripts and the root page.

``site/zh-hans/`` and ``site/zh-hant/`` are two MkDocs builds, page for page
with the same paths and paragraph ids, run side by side on two cores. The
root ``site/index.html`` sends a visitor to the script they chose before, or
the one their browser prefers, and without JavaScript shows both links.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xml.sax.saxutils import escape

from .export import write_if_changed
from .model import YanluError
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


def mkdocs_build(project: Project, script_dir: str, site_dir: Path) -> subprocess.Popen:
    """Start ``mkdocs build`` of one script; the generator has run already, so the hook only reads."""
    config = project.root / CONFIGS[script_dir]
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "--site-dir", str(site_dir)]
    env = dict(os.environ, YANLU_PREBUILT="1")
    base = os.environ.get("YANLU_SITE_URL", "")
    if base:
        env["YANLU_SCRIPT_URL"] = f"{base.rstrip('/')}/{script_dir}/"
    return subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def publish(project: Project, site: Path | None = None) -> Build:
    """Generate docs/, build both scripts in parallel, write the root page."""
    result = build(project)
    site = site or project.root / "site"
    runs = {name: mkdocs_build(project, name, site / name) for name in CONFIGS}
    failures = []
    for name, run in runs.items():
        _out, err = run.communicate()
        if run.returncode:
            failures.append(f"{CONFIGS[name]}:\n{err.strip()}")
    if failures:
        raise YanluError("mkdocs build", "failed:\n" + "\n".join(failures), "Fix the problems MkDocs names above.")
    write_if_changed(site / "index.html", ROOT_PAGE)
    write_if_changed(site / "sitemap.xml", sitemap(project, os.environ.get("YANLU_SITE_URL", "")))
    return result
