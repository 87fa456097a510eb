"""The published site, read the way a reader's browser reads it.

The real project is copied into a temporary folder and published once per
session with ``publish()`` (docs/, then both MkDocs builds with --strict and
the root page); a tiny project under ``tests/roots/injection/`` whose
transcript is full of markup is published once as well. Every check below
parses the built HTML with the standard library's ``html.parser`` and
compares it with ``docs/data/corpus.json``.

The site is assumed to be served from a sub-path, ``http://yanlu.test/yanlu/``,
so ``site/zh-hans/events/x/index.html`` is ``http://yanlu.test/yanlu/zh-hans/events/x/``
and links are resolved against that address exactly as a browser does
(``urllib.parse.urljoin`` implements RFC 3986 resolution).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections import Counter, defaultdict
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import opencc
import pytest

from generator.convert import SHARED
import yaml

from generator.pipeline import Project
from generator import export, search, search_index
from generator.publish import publish

ROOT = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SCRIPTS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
BASE = "http://yanlu.test/yanlu/"
KINDS = ("speech", "question", "narration", "highlight", "unattributed")

# Characters a Traditional page may rightly hold although OpenCC would write
# them otherwise (台, 着, 了 in 證明了, 干 in 干預 …): the product's reviewed
# list, documented where it is defined.
TRADITIONAL_ONE_TO_MANY = SHARED


# ------------------------------------------------------------------ a small DOM on html.parser

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
NOT_TEXT = frozenset(("script", "style", "template"))


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list["Element"]:
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> "Element | None":
        return next(iter(self.find_all(tag, cls)), None)

    def text(self, skip=lambda element: False) -> str:
        """The text a reader sees: tags stripped, entities decoded, scripts and styles left out."""
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif child.tag not in NOT_TEXT and not skip(child):
                out.append(child.text(skip))
        return "".join(out)

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# ------------------------------------------------------------------ the published site


class Page:
    def __init__(self, site: "Site", path: Path):
        self.site, self.path = site, path
        self.rel = path.relative_to(site.root).as_posix()
        self.html = path.read_text(encoding="utf-8")
        self.dom = parse_html(self.html)

    @property
    def url(self) -> str:
        """The address a visitor sees: directory URLs for index.html."""
        if self.rel == "index.html":
            return BASE
        if self.rel.endswith("/index.html"):
            return BASE + self.rel[: -len("index.html")]
        return BASE + self.rel

    @cached_property
    def script(self) -> str | None:
        return self.rel.split("/")[0] if self.rel.split("/")[0] in SCRIPTS else None

    @cached_property
    def article(self) -> Element:
        return self.dom.find("article") or self.dom

    @cached_property
    def ids(self) -> Counter:
        found = Counter(e.attrs["id"] for e in self.dom.iter() if "id" in e.attrs)
        found.update(e.attrs["name"] for e in self.dom.find_all("a") if e.attrs.get("name"))
        return found

    def links(self):
        """(element, attribute, reference) for every a, link, script, img … that points somewhere."""
        for element in self.dom.iter():
            attribute = LINK_ATTRS.get(element.tag)
            if attribute and element.attrs.get(attribute, "").strip():
                yield element, attribute, element.attrs[attribute].strip()


LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src",
              "video": "src", "audio": "src", "embed": "src", "object": "data", "area": "href"}


class Resolved:
    def __init__(self, target: Path | None, fragment: str, problem: str = "", external: bool = False):
        self.target, self.fragment, self.problem, self.external = target, fragment, problem, external


class Site:
    def __init__(self, project: Path):
        self.project = project
        self.root = project / "site"
        self._pages: dict[Path, Page] = {}

    def page(self, path: Path | str) -> Page:
        path = self.root / path if isinstance(path, str) else path
        if path not in self._pages:
            self._pages[path] = Page(self, path)
        return self._pages[path]

    def pages(self, script: str | None = None) -> list[Page]:
        folder = self.root / script if script else self.root
        return [self.page(p) for p in sorted(folder.rglob("*.html"))]

    def event_page(self, script: str, event: str) -> Page:
        return self.page(f"{script}/events/{event}/index.html")

    def resolve(self, page: Page, reference: str) -> Resolved:
        absolute = urljoin(page.url, reference)
        parts, base = urlsplit(absolute), urlsplit(BASE)
        if parts.scheme not in ("http", "https"):
            return Resolved(None, "", external=True)  # mailto:, data:, javascript: … are no files
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return Resolved(None, "", external=True)
        path = unquote(parts.path)
        if not path.startswith(base.path):
            return Resolved(None, parts.fragment, f"leaves the site's folder ({absolute})")
        target = self.root / path[len(base.path):]
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return Resolved(None, parts.fragment, f"no such file ({absolute})")
        return Resolved(target, unquote(parts.fragment))

    # ---------------------------------------------------------- the corpus behind it

    @cached_property
    def corpus(self) -> dict:
        return json.loads((self.project / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))

    @cached_property
    def cleaning_report(self) -> dict:
        return json.loads((self.project / "docs" / "data" / "cleaning-report.json").read_text(encoding="utf-8"))

    @cached_property
    def paragraphs(self) -> dict[str, dict]:
        return {p["id"]: p for p in self.corpus["paragraphs"]}

    @cached_property
    def sources(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.corpus["sources"]}

    @cached_property
    def speakers(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.corpus["speakers"]}

    def shown(self, script: str, event: str) -> dict[str, Element]:
        """Paragraph id → its element (div.yl-p) on the event page."""
        page = self.event_page(script, event)
        return {e.attrs["id"]: e for e in page.article.find_all(cls="yl-p") if "id" in e.attrs}


def make_project(dest: Path, inputs: Path) -> Project:
    """A project folder like the repository's: inputs (seeds/, site_config/) from ``inputs``,
    templates and MkDocs configs from the repository, and generator/ beside them for the hook."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(inputs / "seeds", dest / "seeds")
    shutil.copytree(inputs / "site_config", dest / "site_config")
    shutil.copytree(ROOT / "templates", dest / "templates")
    for config in ("mkdocs.yml", "mkdocs.zh-hant.yml"):
        shutil.copy2(ROOT / config, dest / config)
    try:  # mkdocs.yml names its hook as generator/mkdocs_hook.py, relative to the config file
        os.symlink(ROOT / "generator", dest / "generator", target_is_directory=True)
    except OSError:
        shutil.copytree(ROOT / "generator", dest / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    return Project(dest)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """The real seeds and site_config/ published once into a temporary project."""
    project = make_project(tmp_path_factory.mktemp("yanlu") / "project", ROOT)
    # As the GitHub Pages workflow does: the public address, so the 404 pages link right.
    os.environ["YANLU_SITE_URL"] = BASE
    try:
        publish(project, project.root / "site")
    finally:
        del os.environ["YANLU_SITE_URL"]
    return Site(project.root)


@pytest.fixture(scope="session")
def injection_site(tmp_path_factory) -> Site:
    """tests/roots/injection published once: it must build, and show its markup as text."""
    project = make_project(tmp_path_factory.mktemp("yanlu-injection") / "project", ROOTS / "injection")
    publish(project, project.root / "site")
    return Site(project.root)


def report(problems: list[str], what: str, limit: int = 60) -> str:
    shown = "\n  ".join(problems[:limit])
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} {what}:\n  {shown}{more}"


# ------------------------------------------------------------------ script checks

_opencc: dict[str, opencc.OpenCC] = {}


def cc(config: str) -> opencc.OpenCC:
    if config not in _opencc:
        _opencc[config] = opencc.OpenCC(f"{config}.json")
    return _opencc[config]


def traditional_slips(text: str) -> list[tuple[int, str]]:
    """Characters of a Simplified page's text that t2s would change."""
    converted = cc("t2s").convert(text)
    if len(converted) != len(text):
        return [(0, "<t2s changed the length>")]
    return [(i, c) for i, (c, d) in enumerate(zip(text, converted)) if c != d]


def simplified_slips(text: str) -> list[tuple[int, str]]:
    """Characters of a Traditional page's text that s2t would change.

    The Traditional pages follow the Taiwan standard (the product converts with
    s2tw, og:locale zh_TW), whose forms differ from OpenCC's own Traditional
    standard in variants only: s2t writes 羣 峯 喫 臺 for Taiwan's 群 峰 吃 台,
    and s2tw writes 為 著 才 for the standard 爲 着 纔 that some seeds use. A
    character is a slip only when neither accepts it: both s2t and s2tw change
    it. One-to-many characters that are right where they stand are listed in
    TRADITIONAL_ONE_TO_MANY, and a character Traditional text also writes on its
    own (周 in 周期, 托 in 托管, 注 in 注定: s2tw prefers 週期 託管 註定 as phrases,
    but converting the character alone leaves it) is no slip either.
    """
    a, b = cc("s2t").convert(text), cc("s2tw").convert(text)
    if len(a) != len(text) or len(b) != len(text):
        return [(0, "<s2t changed the length>")]
    return [(i, c) for i, c in enumerate(text)
            if a[i] != c and b[i] != c and c not in TRADITIONAL_ONE_TO_MANY and cc("s2tw").convert(c) != c]


def words_shown(element: Element) -> str:
    """The words of a yl-text element as the speaker's: without the label that marks a garbled run."""
    return element.text(skip=lambda e: "yl-garbled__label" in e.classes)


def without_flagged_mojibake(site: Site, text: str) -> str:
    """The README keeps unrepairable mojibake as found and flags it; it is no script slip."""
    for flag in site.cleaning_report["flags"]:
        if flag["rule"] == "mojibake":
            text = text.replace(flag["text"], "")
    return text


def slips_in(text: str, script: str) -> list[tuple[int, str]]:
    return traditional_slips(text) if script == "zh-hans" else simplified_slips(text)


def context(text: str, i: int) -> str:
    return text[max(0, i - 8): i + 8]


# ------------------------------------------------------------------ 1. ids


def test_every_paragraph_id_is_an_anchor_once_on_its_event_page_and_nowhere_else(site):
    problems = []
    for script in SCRIPTS:
        where = defaultdict(Counter)
        for page in site.pages(script):
            for element_id, n in page.ids.items():
                if element_id.startswith("q-"):
                    where[element_id][page.rel] += n
        for p in site.corpus["paragraphs"]:
            expected = {f"{script}/events/{p['event']}/index.html": 1}
            if dict(where[p["id"]]) != expected:
                problems.append(f"{p['id']} ({p['seed']}, line {p['lines'][0]}): expected once on {next(iter(expected))}, "
                                f"found {dict(where[p['id']]) or 'nowhere'}")
        for element_id, found in where.items():
            if element_id not in site.paragraphs:
                problems.append(f"{element_id} on {dict(found)} is no paragraph of corpus.json")
    assert not problems, report(problems, "paragraph anchors are missing, repeated or misplaced")


# ------------------------------------------------------------------ 2. quotes link back to their paragraph


def test_quote_links_on_speaker_and_topic_pages_land_on_an_existing_paragraph_anchor(site):
    problems, checked = [], 0
    for script in SCRIPTS:
        for page in site.pages(script):
            if not page.rel.startswith((f"{script}/speakers/", f"{script}/topics/")):
                continue
            for _element, _attribute, reference in page.links():
                if "#q-" not in reference:
                    continue
                checked += 1
                resolved = site.resolve(page, reference)
                if resolved.target is None:
                    problems.append(f"{page.rel}: {reference} → {resolved.problem or 'external'}")
                elif not resolved.target.relative_to(site.root).as_posix().startswith(f"{script}/events/"):
                    problems.append(f"{page.rel}: {reference} does not lead to an event page of {script}")
                elif site.page(resolved.target).ids[resolved.fragment] != 1:
                    problems.append(f"{page.rel}: {reference} → #{resolved.fragment} is not on "
                                    f"{resolved.target.relative_to(site.root)}")
    assert checked > 500, f"only {checked} quote links found on speaker and topic pages"
    assert not problems, report(problems, "quote links lead nowhere")


def test_quotes_on_speaker_and_topic_pages_are_that_speakers_words_as_on_the_event_page(site):
    problems = []
    for script, key in SCRIPTS.items():
        quoted_on_speaker_pages = defaultdict(list)
        for page in site.pages(script):
            parts = page.rel.split("/")  # zh-hans/speakers/x/2024/index.html: a part; …/x/index.html its overview
            if len(parts) != 5 or parts[1] not in ("speakers", "topics"):
                continue
            kind, subject = parts[1], parts[2]
            for quote in page.article.find_all("blockquote", "yl-quote"):
                back = quote.find("a", "yl-context")
                text = quote.find("p", "yl-text")
                if back is None or text is None:
                    problems.append(f"{page.rel}: a quote without its text or its link back")
                    continue
                resolved = site.resolve(page, back.attrs["href"])
                p = site.paragraphs.get(resolved.fragment)
                if p is None:
                    problems.append(f"{page.rel}: quote links to #{resolved.fragment}, no paragraph")
                    continue
                if kind == "speakers":
                    quoted_on_speaker_pages[subject].append(p["id"])
                    if p["speaker"] != subject:
                        problems.append(f"{page.rel}: quotes {p['id']}, said by {p['speaker']}")
                elif subject not in p["topics"]:
                    problems.append(f"{page.rel}: quotes {p['id']}, whose topics are {p['topics']}")
                if words_shown(text) != p[key]:
                    problems.append(f"{page.rel}: quote of {p['id']} reads {words_shown(text)[:40]!r}…, "
                                    f"the paragraph reads {p[key][:40]!r}…")
        said = defaultdict(list)
        for p in site.corpus["paragraphs"]:
            if p["speaker"]:
                said[p["speaker"]].append(p["id"])
        for speaker, ids in said.items():
            if sorted(quoted_on_speaker_pages[speaker]) != sorted(ids):
                missing = set(ids) - set(quoted_on_speaker_pages[speaker])
                problems.append(f"{script}/speakers/{speaker}/: quotes {len(quoted_on_speaker_pages[speaker])} "
                                f"paragraphs of {len(ids)} (missing {sorted(missing)[:5]})")
    assert not problems, report(problems, "quotes differ from what was said")


# ------------------------------------------------------------------ 3. links from a sub-path


def check_links(site: Site, pages: list[Page], root_relative_under: str = "") -> tuple[list[str], int]:
    """Broken links on pages; links must be relative, or start with ``root_relative_under``
    (the 404 page is served at any address, so its links must name the sub-path)."""
    problems, checked = [], 0
    for page in pages:
        for element, attribute, reference in page.links():
            resolved = site.resolve(page, reference)
            allowed = root_relative_under and reference.startswith(root_relative_under)
            if reference.startswith("/") and not reference.startswith("//") and not allowed:
                lands = "" if resolved.target is None else f", though it finds {resolved.target.relative_to(site.root)}"
                problem = f"{page.rel}: <{element.tag} {attribute}=\"{reference}\"> is not relative: from {page.url} " \
                          f"it leads to {urljoin(page.url, reference)}{lands}"
                if problem not in problems:
                    problems.append(problem)
                continue
            if resolved.external:
                continue
            checked += 1
            if resolved.target is None:
                problems.append(f"{page.rel}: <{element.tag} {attribute}=\"{reference}\"> {resolved.problem}")
            elif resolved.fragment and resolved.target.suffix == ".html":
                if not site.page(resolved.target).ids[resolved.fragment]:
                    where = "this page" if resolved.target == page.path else resolved.target.relative_to(site.root)
                    problems.append(f"{page.rel}: <{element.tag} {attribute}=\"{reference}\"> "
                                    f"#{resolved.fragment} is not on {where}")
    return problems, checked


def test_every_internal_link_resolves_when_the_site_is_served_from_a_sub_path(site):
    # 404.html is served in place of any missing address, so it is checked on its own below.
    pages = [p for p in site.pages() if not p.rel.endswith("404.html")]
    assert len(pages) > 60 and site.root / "index.html" in {p.path for p in pages}
    problems, checked = check_links(site, pages)
    assert checked > 5000, f"only {checked} internal links checked"
    assert not problems, report(problems, f"broken links (site served at {BASE})")


def test_the_404_pages_links_resolve_when_the_site_is_served_from_a_sub_path(site):
    pages = [p for p in site.pages() if p.rel.endswith("404.html")]
    assert {p.rel for p in pages} == {"404.html"} | {f"{s}/404.html" for s in SCRIPTS}
    problems, checked = check_links(site, pages, root_relative_under=urlsplit(BASE).path)
    assert checked > 10
    assert not problems, report(problems, f"broken links on the 404 pages (site served at {BASE})")


def test_the_script_toggle_and_hreflang_links_lead_to_the_same_page_in_the_other_script(site):
    problems = []
    for script, lang in SCRIPTS.items():
        twin_script = next(s for s in SCRIPTS if s != script)
        for page in site.pages(script):
            if page.rel.endswith("404.html"):
                continue
            twin = site.root / twin_script / page.path.relative_to(site.root / script)
            toggles = page.dom.find_all("a", "yl-script-toggle")
            if len(toggles) != 1:
                problems.append(f"{page.rel}: {len(toggles)} 简/繁 toggles")
            for toggle in toggles:
                target = site.resolve(page, toggle.attrs.get("href", "")).target
                if target != twin:
                    problems.append(f"{page.rel}: the toggle ({toggle.attrs.get('href')}) leads to "
                                    f"{target.relative_to(site.root) if target else 'nowhere'}, not its twin")
                if toggle.attrs.get("lang") != SCRIPTS[twin_script] or not toggle.text().strip():
                    problems.append(f"{page.rel}: the toggle is unlabelled or not marked lang={SCRIPTS[twin_script]}")
            for toggle in toggles:
                if toggle.attrs.get("hreflang") != SCRIPTS[twin_script]:
                    problems.append(f"{page.rel}: the toggle is not marked hreflang={SCRIPTS[twin_script]}")
    assert not problems, report(problems, "pages whose other-script link goes astray")


def test_sitemap_lists_every_page_in_both_scripts_with_its_twin_as_hreflang_alternate(site):
    # No <link rel="alternate"> in the pages: mkdocs-material takes those for language roots
    # (templates/overrides/main.html says why); the sitemap carries the alternates instead.
    sitemap = (site.root / "sitemap.xml").read_text(encoding="utf-8")
    for script in SCRIPTS:
        for page in site.pages(script):
            if page.rel.endswith("404.html"):
                continue
            path = page.rel[: -len("index.html")]
            address = BASE + path
            twin = BASE + next(s for s in SCRIPTS if s != script) + path[len(script):]
            entry = sitemap[sitemap.index(f"<loc>{address}</loc>"):]
            entry = entry[: entry.index("</url>")]
            assert f'hreflang="{SCRIPTS[script]}" href="{address}"' in entry
            assert f'href="{twin}"' in entry
            assert not page.dom.find_all("link") or all(
                "alternate" not in (link.attrs.get("rel") or "") or not link.attrs.get("hreflang")
                for link in page.dom.find_all("link"))


# ------------------------------------------------------------------ 4. nothing from other hosts


def is_remote(url: str) -> bool:
    url = url.strip().strip("'\"").strip().lower()
    return url.startswith(("http://", "https://", "//"))


def css_references(css: str) -> list[tuple[str, str]]:
    """('@import' | 'url', target) for every @import and url(…) in a style sheet (data: URLs skipped)."""
    found = []
    lower = css.lower()
    i = 0
    while True:
        at_import, at_url = lower.find("@import", i), lower.find("url(", i)
        candidates = [x for x in (at_import, at_url) if x >= 0]
        if not candidates:
            return found
        start = min(candidates)
        if start == at_import:
            j = start + len("@import")
            while j < len(css) and css[j] in " \t\r\n":
                j += 1
            if lower.startswith("url(", j):
                target, i = _css_url(css, j + 4)
                found.append(("@import", target))
                continue
            if j < len(css) and css[j] in "'\"":
                end = css.find(css[j], j + 1)
                found.append(("@import", css[j + 1: end]))
                i = end + 1
                continue
            i = j
            continue
        target, i = _css_url(css, start + 4)
        if not target.strip().lower().startswith("data:"):
            found.append(("url", target))


def _css_url(css: str, j: int) -> tuple[str, int]:
    """The argument of url( starting at index j, and the index after the closing bracket."""
    while j < len(css) and css[j] in " \t\r\n":
        j += 1
    if j < len(css) and css[j] in "'\"":
        end = css.find(css[j], j + 1)
        end = len(css) if end < 0 else end
        close = css.find(")", end)
        return css[j + 1: end], (len(css) if close < 0 else close + 1)
    close = css.find(")", j)
    close = len(css) if close < 0 else close
    return css[j:close].strip(), close + 1


def test_pages_request_nothing_from_other_hosts(site):
    problems = []
    fetched = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "source": ("src", "srcset"),
               "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
               "input": ("src",), "track": ("src",)}
    for page in site.pages():
        for element in page.dom.iter():
            if element.tag == "link":
                # canonical and alternate links name an address; the browser fetches nothing
                rel = set((element.attrs.get("rel") or "").lower().split())
                if is_remote(element.attrs.get("href", "")) and not rel <= {"canonical", "alternate"}:
                    problems.append(f"{page.rel}: <link rel=\"{' '.join(rel)}\" href=\"{element.attrs['href']}\">")
            for attribute in fetched.get(element.tag, ()):
                for candidate in (element.attrs.get(attribute) or "").split(","):
                    url = candidate.strip().split(" ")[0]
                    if url and is_remote(url):
                        problems.append(f"{page.rel}: <{element.tag} {attribute}=\"{url}\">")
            if element.tag == "iframe":
                problems.append(f"{page.rel}: an <iframe> ({element.attrs.get('src', 'no src')})")
            styles = []
            if "style" in element.attrs:
                styles.append(element.attrs["style"])
            if element.tag == "style":
                styles.append(element.raw_text())
            for css in styles:
                for how, url in css_references(css):
                    if is_remote(url):
                        problems.append(f"{page.rel}: inline CSS {how} {url}")
        for host in ("fonts.googleapis.com", "fonts.gstatic.com"):
            if host in page.html:
                problems.append(f"{page.rel}: mentions {host}")
    sheets = sorted(site.root.rglob("*.css"))
    assert any("assets/stylesheets" in s.as_posix() for s in sheets), "the theme's style sheets were not found"
    for sheet in sheets:
        css = sheet.read_text(encoding="utf-8")
        for how, url in css_references(css):
            if is_remote(url) or how == "@import" and not url.strip():
                problems.append(f"{sheet.relative_to(site.root)}: {how} {url}")
        for host in ("fonts.googleapis.com", "fonts.gstatic.com"):
            if host in css:
                problems.append(f"{sheet.relative_to(site.root)}: mentions {host}")
    for script_file in sorted(site.root.rglob("*.js")):
        for host in ("fonts.googleapis.com", "fonts.gstatic.com"):
            if host in script_file.read_text(encoding="utf-8", errors="replace"):
                problems.append(f"{script_file.relative_to(site.root)}: mentions {host}")
    assert not problems, report(problems, "references to other hosts")


def test_the_css_reader_finds_imports_and_urls():
    """The scanner the check above relies on."""
    css = ("@import url(\"https://fonts.googleapis.com/css?family=Noto\");@import 'x.css';"
           "a{background:url(data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>)}"
           "b{background:url( //cdn.example/x.png )}c{src:url('f.woff2')}")
    assert css_references(css) == [("@import", "https://fonts.googleapis.com/css?family=Noto"), ("@import", "x.css"),
                                   ("url", "//cdn.example/x.png"), ("url", "f.woff2")]


# ------------------------------------------------------------------ 5. transcript markup is text

INJECTED = ["<script>alert(1)</script>", "<b>bold</b>", "*star*", "_under_", "# not a heading",
            "[x](javascript:alert(1))", "{{ config }}", "{% if %}"]
INJECTED_HEADING = "<i>x</i>"


def test_transcript_markup_shows_literally_and_runs_nothing(injection_site):
    site = injection_site
    (event,) = site.corpus["events"]
    seed_text = (ROOTS / "injection" / "seeds" / "000_injection.txt").read_text(encoding="utf-8")
    assert all(s in seed_text for s in INJECTED + [INJECTED_HEADING]), "the fixture seed lost its markup"
    assert any(line.startswith("# not a heading") for line in seed_text.splitlines())
    problems = []
    for script, key in SCRIPTS.items():
        page = site.event_page(script, event["id"])
        shown = "\n".join(e.text() for e in page.article.find_all("p", "yl-text"))
        for literal in INJECTED:
            if literal not in shown:
                problems.append(f"{page.rel}: {literal!r} is not shown as text")
        headings = [h.text() for h in page.article.iter() if h.tag in ("h2", "h3", "h4")]
        if not any(INJECTED_HEADING in h for h in headings):
            problems.append(f"{page.rel}: no heading shows {INJECTED_HEADING!r} (headings: {headings})")
        for escaped in ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;", "&lt;i&gt;x&lt;/i&gt;"):
            if escaped not in page.html:
                problems.append(f"{page.rel}: the escaped form {escaped} is missing")
        for p in site.corpus["paragraphs"]:
            element = site.shown(script, event["id"]).get(p["id"])
            if element is None or element.find("p", "yl-text").text() != p[key]:
                problems.append(f"{page.rel}: paragraph {p['id']} does not read {p[key]!r}")
    for page in site.pages():
        for element in page.dom.iter():
            if element.tag == "script" and "alert" in element.raw_text():
                problems.append(f"{page.rel}: a <script> holding {element.raw_text()[:40]!r}")
            for attribute in ("href", "src", "action", "formaction"):
                if element.attrs.get(attribute, "").strip().lower().startswith("javascript:"):
                    problems.append(f"{page.rel}: <{element.tag} {attribute}=\"{element.attrs[attribute]}\">")
            if any(a.startswith("on") for a in element.attrs) and page.article in element.ancestors():
                problems.append(f"{page.rel}: an event handler on <{element.tag}> in the article")
        for element in page.article.iter():
            if (element.tag in ("b", "strong", "em", "i", "h1") and element.text().strip() in ("bold", "star", "under", "x")
                    or element.tag.startswith("h") and element.text().strip().startswith("not a heading")):
                problems.append(f"{page.rel}: transcript markup became <{element.tag}>{element.text()}</{element.tag}>")
        for raw in ("<script>alert", "<b>bold</b>", "<em>star</em>", "<em>under</em>", "<i>x</i>", 'href="javascript:'):
            if raw in page.html:
                problems.append(f"{page.rel}: the page's HTML holds {raw!r}")
    assert not problems, report(problems, "transcript markup was interpreted")


# ------------------------------------------------------------------ 6. pages


def test_every_page_declares_its_script_and_has_a_title_and_open_graph_tags(site):
    problems = []
    for script, lang in SCRIPTS.items():
        pages = site.pages(script)
        assert len(pages) > 30
        for page in pages:
            html_element = page.dom.find("html")
            if html_element is None or html_element.attrs.get("lang") != lang:
                problems.append(f"{page.rel}: <html lang={html_element.attrs.get('lang') if html_element else None!r}>, "
                                f"expected {lang!r}")
            title = page.dom.find("title")
            if title is None or not title.text().strip():
                problems.append(f"{page.rel}: no <title>")
            meta = {m.attrs.get("property"): m.attrs.get("content", "") for m in page.dom.find_all("meta")}
            for prop in ("og:title", "og:description"):
                if not (meta.get(prop) or "").strip():
                    problems.append(f"{page.rel}: no {prop}")
    root_title = site.page("index.html").dom.find("title")
    if root_title is None or not root_title.text().strip():
        problems.append("index.html (the script chooser): no <title>")
    assert not problems, report(problems, "pages lack their language, title or Open Graph tags")


def event_order(site: Site, page: Page) -> list[str]:
    """Event ids in the order the page's content links to them."""
    events = {e["id"] for e in site.corpus["events"]}
    order = []
    for element in page.article.find_all("a"):
        resolved = site.resolve(page, element.attrs.get("href", ""))
        if resolved.target is None or resolved.fragment:
            continue
        parts = resolved.target.relative_to(site.root).parts
        if len(parts) == 4 and parts[1] == "events" and parts[2] in events and parts[2] not in order:
            order.append(parts[2])
    return order


def test_corpus_json_is_published_once_beside_both_scripts(site):
    for name in export.FILES:  # corpus.json, paragraphs.jsonl …: once, in data/
        published = site.root / "data" / name
        assert published.read_bytes() == (site.project / "docs" / "data" / name).read_bytes(), name
        for script in SCRIPTS:
            assert not (site.root / script / "data" / name).exists(), f"{script}/data/{name}: published once, in data/"
    for script in SCRIPTS:  # what each script's data/ holds: its own citations (CSL-JSON, in its script)
        assert {p.name for p in (site.root / script / "data").iterdir()} == {"csl"}, script


def test_a_linked_folder_holds_what_its_source_holds_and_an_unchanged_file_is_left_as_it_is(tmp_path, monkeypatch):
    """publish.link_tree (docs/q/ into site/q/ and the preview): hard links, or copies where the file system
    has none; a second call over an unchanged source touches nothing, and a file gone from it goes."""
    from generator import publish as publishing
    source, target = tmp_path / "docs" / "q", tmp_path / "site" / "q"
    for name, text in (("index.html", "page"), ("map/0.json", '{"a":"e"}'), ("map/1.json", '{"b":"f"}')):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")
    (target / "map").mkdir(parents=True)
    (target / "map" / "old.json").write_text("{}", encoding="utf-8")  # the map cut otherwise before
    publishing.link_tree(source, target)
    assert {p.relative_to(target).as_posix(): p.read_text(encoding="utf-8") for p in target.rglob("*") if p.is_file()} == {
        "index.html": "page", "map/0.json": '{"a":"e"}', "map/1.json": '{"b":"f"}'}
    assert (target / "map" / "0.json").stat().st_ino == (source / "map" / "0.json").stat().st_ino

    def no_hard_links(_source, _target):
        raise OSError("no hard links on this file system")
    monkeypatch.setattr(publishing.os, "link", no_hard_links)
    copied = []
    real_copy = publishing.shutil.copy2
    monkeypatch.setattr(publishing.shutil, "copy2", lambda a, b: copied.append(Path(b).name) or real_copy(a, b))
    shutil.rmtree(target)
    publishing.link_tree(source, target)
    assert sorted(copied) == ["0.json", "1.json", "index.html"]
    (source / "map" / "1.json").unlink()
    (source / "map" / "0.json").write_text('{"a":"g"}', encoding="utf-8")
    os.utime(source / "map" / "0.json", ns=(1, 10**18))  # another modification time, as a rewrite gives
    copied.clear()
    publishing.link_tree(source, target)
    assert copied == ["0.json"]  # the unchanged copy is left as it is
    assert (target / "map" / "0.json").read_text(encoding="utf-8") == '{"a":"g"}'
    assert not (target / "map" / "1.json").exists()


def test_home_page_offers_corpus_json_and_lists_events_newest_first(site):
    dates = {e["id"]: tuple(int(x) for x in e["date"].split("-")) for e in site.corpus["events"]}
    for script in SCRIPTS:
        home = site.page(f"{script}/index.html")
        downloads = [site.resolve(home, a.attrs["href"]) for a in home.article.find_all("a")
                     if a.attrs.get("href", "").split("#")[0].endswith("data/corpus.json")]
        assert downloads, f"{home.rel} has no link to data/corpus.json"
        for resolved in downloads:
            assert resolved.target is not None, f"{home.rel}: the corpus.json link is broken ({resolved.problem})"
            published = json.loads(resolved.target.read_text(encoding="utf-8"))
            assert published == site.corpus, f"{resolved.target} is not docs/data/corpus.json"
        years = sorted({e["date"][:4] for e in site.corpus["events"]}, reverse=True)
        by_year = [event for year in years for event in event_order(site, site.page(f"{script}/events/{year}/index.html"))]
        assert by_year == event_order(site, home), f"{script}/events/<year>/ list {by_year}, the home page another order"
        for page in (home, site.page(f"{script}/events/index.html")):
            order = event_order(site, page)
            assert sorted(order) == sorted(dates), f"{page.rel} lists {order}, not every event"
            shown = [dates[e] for e in order]
            assert shown == sorted(shown, reverse=True), \
                f"{page.rel} lists events {list(zip(order, shown))}, not newest first"


# ------------------------------------------------------------------ 7. the words, in both scripts


def test_event_pages_show_the_source_text_in_its_script_and_the_conversion_in_the_other(site):
    problems = []
    for script, key in SCRIPTS.items():
        for event in site.corpus["events"]:
            shown = site.shown(script, event["id"])
            for p in site.corpus["paragraphs"]:
                if p["event"] != event["id"]:
                    continue
                own = site.sources[p["source"]]["script"] == key
                expected = p["text"] if own else p[key]
                if own and p[key] != p["text"]:
                    problems.append(f"corpus.json {p['id']}: '{key}' differs from 'text' in the source's own script")
                element = shown.get(p["id"])
                text_element = element.find("p", "yl-text") if element is not None else None
                if text_element is None:
                    problems.append(f"{script}/events/{event['id']}/: {p['id']} has no yl-text")
                    continue
                got = words_shown(text_element)
                if got != expected:
                    i = next((n for n, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
                    problems.append(f"{script}/events/{event['id']}/#{p['id']} ({'source text' if own else 'converted'}): "
                                    f"shows …{got[max(0, i - 10):i + 10]!r}…, corpus has …{expected[max(0, i - 10):i + 10]!r}…")
    assert not problems, report(problems, "paragraphs read differently from corpus.json")


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_quoted_text_holds_no_character_of_the_other_script(site, script):
    """Every yl-text element on every page of a script (event pages and quotes)."""
    slips = defaultdict(list)
    for page in site.pages(script):
        for element in page.article.find_all(cls="yl-text"):
            text = without_flagged_mojibake(site, element.text())
            for i, c in slips_in(text, script):
                slips[c].append(f"{page.rel}: …{context(text, i)}…")
    problems = [f"{c} ×{len(places)}, e.g. {places[0]}" for c, places in
                sorted(slips.items(), key=lambda kv: -len(kv[1]))]
    other = "Traditional" if script == "zh-hans" else "Simplified"
    assert not problems, report(problems, f"{other} characters on {script} pages (character, count, first place)")


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_headings_and_facts_around_the_quotes_are_in_the_pages_script(site, script):
    """The rest of each page's content: event facts, section headings on speaker pages, topic keywords.

    Left out: quoted text (checked above), source titles (shown as published,
    like a citation), seed file names, and a speaker's name in the other script,
    which the speaker page gives on purpose in brackets."""
    titles = [s["title"] for s in site.corpus["sources"]]
    other_names = [f"（{s['name'][k]}）" for s in site.corpus["speakers"] for k in SCRIPTS.values()]
    slips = defaultdict(list)
    for page in site.pages(script):
        text = page.article.text(skip=lambda e: "yl-text" in e.classes or e.tag == "code")
        for removed in titles + other_names:
            text = text.replace(removed, "")
        text = without_flagged_mojibake(site, text)
        for i, c in slips_in(text, script):
            slips[page.rel].append(context(text, i).replace("\n", " ").strip())
    problems = [f"{rel}: {sorted(set(places))[:4]}" for rel, places in sorted(slips.items())]
    other = "Traditional" if script == "zh-hans" else "Simplified"
    assert not problems, report(problems, f"{script} pages show {other} characters outside quotes")


def test_protected_terms_appear_unchanged_in_both_scripts(site):
    glossary = yaml.safe_load((site.project / "site_config" / "glossary.yaml").read_text(encoding="utf-8"))["protect"]
    shown = {script: {} for script in SCRIPTS}
    for script in SCRIPTS:
        for event in site.corpus["events"]:
            for pid, element in site.shown(script, event["id"]).items():
                shown[script][pid] = element.find("p", "yl-text").text()
    problems, seen = [], 0
    for p in site.corpus["paragraphs"]:
        for term in glossary:
            hans, hant = term["hans"], term["hant"]
            n = p["text"].count(hans) + (p["text"].count(hant) if hant != hans else 0)
            if not n:
                continue
            seen += 1
            for script, form in (("zh-hans", hans), ("zh-hant", hant)):
                text = shown[script].get(p["id"], "")
                if text.count(form) < n:
                    problems.append(f"{script} #{p['id']} ({p['seed']}): {form} ×{text.count(form)}, "
                                    f"the source has {hans}/{hant} ×{n}: …{text[:60]}…")
    assert seen > 50, f"only {seen} paragraph/term pairs found"
    assert not problems, report(problems, "protected terms changed by conversion")


# ------------------------------------------------------------------ 8. sources, kinds, speakers


def test_baai_event_page_shows_both_sources_with_their_publisher_and_their_paragraphs(site):
    event = next(e for e in site.corpus["events"] if e["id"] == "baai-2024-peak-dialogue")
    sources = [site.sources[s] for s in event["sources"]]
    assert sorted(s["seed"][:3] for s in sources) == ["000", "001"]
    neutral = cc("t2s").convert
    for script in SCRIPTS:
        page = site.event_page(script, event["id"])
        listing = page.article.find("ol", "yl-sources")
        assert listing is not None, f"{page.rel}: no list of sources"
        items = listing.find_all("li")
        assert len(items) == 2, f"{page.rel}: {len(items)} sources listed"
        for source, item in zip(sources, items):
            text = item.text()
            assert source["seed"] in text, f"{page.rel}: {source['seed']} not named in {text!r}"
            assert source["title"] in text, f"{page.rel}: title of {source['id']} not in {text!r}"
            assert neutral(source["publisher"]) in neutral(text), \
                f"{page.rel}: publisher {source['publisher']!r} of {source['id']} not in {text!r}"
        # each source's paragraphs stand under its own heading, in source order
        order = [e for e in page.article.iter() if e.attrs.get("id") in {s["id"] for s in sources} or "yl-p" in e.classes]
        current, seen = None, defaultdict(list)
        for element in order:
            if element.attrs.get("id") in site.sources:
                current = element.attrs["id"]
            else:
                seen[current].append(element.attrs.get("id"))
        for source in sources:
            expected = [p["id"] for p in site.corpus["paragraphs"] if p["source"] == source["id"]]
            assert seen[source["id"]] == expected, f"{page.rel}: the paragraphs under {source['id']} are not its own"


def test_paragraph_kinds_carry_distinct_classes_and_labels(site):
    problems, labels = [], {script: defaultdict(set) for script in SCRIPTS}
    kinds_seen = Counter()
    for script in SCRIPTS:
        for event in site.corpus["events"]:
            shown = site.shown(script, event["id"])
            for p in (p for p in site.corpus["paragraphs"] if p["event"] == event["id"]):
                element = shown.get(p["id"])
                if element is None:
                    continue  # reported by the id test
                kinds_seen[p["kind"]] += 1
                classes = {c[3:] for c in element.classes if c.startswith("yl-") and c[3:] in KINDS}
                if classes != {p["kind"]}:
                    problems.append(f"{script} #{p['id']}: kind {p['kind']}, classes {sorted(element.classes)}")
                label = element.find(cls="yl-kind")
                if p["kind"] != "speech":
                    if label is None or not label.text().strip():
                        problems.append(f"{script} #{p['id']}: a {p['kind']} paragraph without a visible label")
                    else:
                        labels[script][p["kind"]].add(label.text().strip())
        for kind, texts in labels[script].items():
            if len(texts) != 1:
                problems.append(f"{script}: {kind} is labelled {sorted(texts)}")
        flat = [t for texts in labels[script].values() for t in texts]
        if len(flat) != len(set(flat)):
            problems.append(f"{script}: two kinds share a label: {dict(labels[script])}")
    assert set(kinds_seen) == set(KINDS), f"the corpus shows kinds {dict(kinds_seen)}"
    baai = {p["kind"] for p in site.corpus["paragraphs"] if p["event"] == "baai-2024-peak-dialogue"}
    assert {"question", "narration", "speech"} <= baai
    assert not problems, report(problems, "paragraphs whose kind a reader cannot tell")


def test_every_paragraph_names_its_speaker_and_links_to_their_page(site):
    problems = []
    for script, key in SCRIPTS.items():
        for event in site.corpus["events"]:
            page = site.event_page(script, event["id"])
            shown = site.shown(script, event["id"])
            for p in (p for p in site.corpus["paragraphs"] if p["event"] == event["id"]):
                element = shown.get(p["id"])
                if element is None:
                    continue
                who = element.find("a", "yl-who")
                if p["speaker"] is None:
                    if who is not None:
                        problems.append(f"{page.rel}#{p['id']}: names {who.text()!r}, the corpus names nobody")
                    continue
                name = site.speakers[p["speaker"]]["name"][key]
                if who is None or who.text() != name:
                    problems.append(f"{page.rel}#{p['id']}: names {who.text() if who else None!r}, expected {name!r}")
                    continue
                target = site.resolve(page, who.attrs["href"]).target
                expected = site.root / script / "speakers" / p["speaker"] / "index.html"
                if target != expected:
                    problems.append(f"{page.rel}#{p['id']}: {name} links to {who.attrs['href']}, not {p['speaker']}")
    assert not problems, report(problems, "paragraphs with a wrong or missing name beside them")


# ------------------------------------------------------------------ 9. search: one Pagefind index for both scripts


def pagefind_fragments(site: Site) -> dict[str, dict]:
    """Page address (relative to a script's folder, as Pagefind stores it) → that page's fragment: its index words
    (apart by spaces, each once: search.index_words), meta and filters; "id", the page's Pagefind id (data_of)."""
    fragments = {}
    for path in sorted((site.root / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), f"{path}: not a Pagefind fragment"
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        fragments[fragment["url"]] = fragment | {"id": path.stem}
    return fragments


def data_of(site: Site, fragment: dict, lang: str) -> dict:
    """What the box shows of a page in one script: the file named by its Pagefind id (publish.place_data)."""
    return json.loads((site.root / "pagefind" / search.BUNDLE_DATA / lang / f"{fragment['id']}.json").read_text(encoding="utf-8"))


def words_said(place: dict) -> str:
    """A place's text without the label the page puts before each garbled run (〔乱码：…〕)."""
    text, out, at = place["t"], [], 0
    for start, end in place.get("g", []):
        out.append(text[at:start] + text[start:end].split("〕", 1)[-1])
        at = end
    return "".join(out) + text[at:]


def pieces_said(place: dict) -> list[str]:
    """A place's name and the pieces of its text between garbled runs."""
    text, out, at = place["t"], [place.get("n", "")], 0
    for start, end in place.get("g", []):
        out.append(text[at:start])
        at = end
    return out + [text[at:]]


def han_words(text: str) -> set[str]:
    """The index words of a text's Chinese, in the index's form (search.index_form)."""
    return {w for w in search.index_words([search.index_form(text)]) if search.is_han(w[0])}


def indexed_pages(site: Site, script: str) -> list:
    return [p for p in site.pages(script) if search.page_kind(PurePosixPath(p.rel[len(script) + 1:]))]


def test_one_pagefind_index_serves_both_scripts_with_their_event_speaker_and_topic_pages_only(site):
    pages = {script: indexed_pages(site, script) for script in SCRIPTS}
    kinds = {search.page_kind(PurePosixPath(p.rel[len("zh-hans") + 1:])) for p in pages["zh-hans"]}
    assert kinds == {"event", "speaker", "topic"}, kinds
    addresses = {script: {"/" + p.rel[len(script) + 1:].removesuffix("index.html") for p in found}
                 for script, found in pages.items()}
    assert addresses["zh-hans"] == addresses["zh-hant"], "both scripts have the same pages, page for page"
    folder = site.root / "pagefind"
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {search.INDEX_LANG: len(pages["zh-hans"])}, (
        f"pagefind/ should index the {len(pages['zh-hans'])} event, speaker and topic pages once, in the neutral "
        f"language {search.INDEX_LANG}: {entry}")
    fragments = pagefind_fragments(site)
    assert set(fragments) == addresses["zh-hans"]
    assert "/" not in fragments and "/events/" not in fragments, "home and list pages are no search results"
    for fragment in fragments.values():  # each script's reader finds its own script's data
        for lang in SCRIPTS.values():
            data_of(site, fragment, lang)
    for name in ("pagefind.js", "pagefind-worker.js"):
        assert (folder / name).is_file(), f"pagefind/{name} is missing"
    assert list(folder.glob("wasm.*.pagefind")), "pagefind/ has no WebAssembly"
    for script in SCRIPTS:
        assert not (site.root / script / "pagefind").exists(), f"{script}/pagefind/: a second index"
        assert not (site.root / script / "search").exists(), f"{script}/search/: mkdocs-material's search plugin is still on"
    assert not list(site.project.rglob("jieba*")), "jieba files are written although search no longer uses jieba"


def test_speaker_and_topic_pages_are_small_results_of_name_and_note(site):
    problems = []
    fragments = pagefind_fragments(site)
    for script, key in SCRIPTS.items():
        for speaker in site.corpus["speakers"]:
            fragment = fragments.get(f"/speakers/{speaker['id']}/")
            if fragment is None:
                problems.append(f"speakers/{speaker['id']}/ is not indexed")
                continue
            data = data_of(site, fragment, key)
            if fragment["meta"].get("kind") != "speaker" or speaker["name"][key] not in data.get("t", ""):
                problems.append(f"{script}/speakers/{speaker['id']}/: meta {fragment['meta']}, data {data}")
            if len(fragment["content"]) > 400:  # the name and the note, never the quotes
                problems.append(f"speakers/{speaker['id']}/: {len(fragment['content'])} characters indexed")
        for topic in site.corpus["topics"]:
            fragment = fragments[f"/topics/{topic['id']}/"]
            data = data_of(site, fragment, key)
            if fragment["meta"].get("kind") != "topic" or data.get("t") != topic["name"][key] \
                    or len(fragment["content"]) > 400:
                problems.append(f"{script}/topics/{topic['id']}/: {data}, {len(fragment['content'])} characters")
    assert not problems, report(problems, "speaker and topic pages indexed otherwise than as a name and a line")


def test_every_paragraph_is_a_place_with_its_words_speaker_and_source_and_its_words_are_indexed_once(site):
    problems = []
    fragments = pagefind_fragments(site)
    for script, key in SCRIPTS.items():
        names = {s["id"]: s["name"][key] for s in site.corpus["speakers"]}
        choices = json.loads((site.root / "pagefind" / search.filters_file(key)).read_text(encoding="utf-8"))
        offered = {(kind, value) for kind, pairs in choices.items() for value, _count in pairs}
        for event in site.corpus["events"]:
            fragment = fragments[f"/events/{event['id']}/"]
            where = f"{script}/events/{event['id']}/"
            data = data_of(site, fragment, key)
            places = {p["i"]: p for p in data["p"]}
            ids = list(site.shown(script, event["id"]))  # in page order
            if [p["i"] for p in data["p"] if p["i"].startswith("q-")] != ids:
                problems.append(f"{where}: the index's paragraphs are {list(places)[:5]}…, the page's {ids[:5]}…")
            who = data["w"]
            said = [w for w in fragment["content"].split() if w != search_index.BLOCK_END]
            if len(set(said)) != len(said):
                problems.append(f"{where}: words indexed more than once: {[w for w in set(said) if said.count(w) > 1][:5]}")
            words = set(said)
            starts = {w[0] for w in words if len(w) == search.WORD_CHARS}  # Pagefind finds a word by its prefix too
            for p in (p for p in site.corpus["paragraphs"] if p["event"] == event["id"] and p["id"] in ids):
                place = places[p["id"]]
                if "".join(p[key].split()) not in "".join(words_said(place).split()):
                    problems.append(f"{where}#{p['id']}: its place holds {place['t'][:30]!r}, not {p[key][:30]!r}")
                if p["speaker"] and not (who[place["k"]].startswith(names[p["speaker"]]) and place["n"] == names[p["speaker"]]):
                    problems.append(f"{where}#{p['id']}: the index names {place.get('n')!r} as its speaker")
                if not data["c"][place["s"]].get("title"):
                    problems.append(f"{where}#{p['id']}: no source facts to cite it by")
                # A garbled run (corpus "garbled") is kept out of the index; the words around it are in it.
                pieces = re.split("|".join(map(re.escape, p["garbled"])), p[key]) if p["garbled"] else [p[key]]
                missing = {w for w in set().union(*(han_words(piece) for piece in pieces)) - words
                           if len(w) == search.WORD_CHARS or w not in starts}
                if missing:
                    problems.append(f"{where}#{p['id']}: not in the index: {sorted(missing)[:5]}")

            # What only a garbled run holds (in either script) is no word of the index.
            clean = set().union(*(han_words(piece) for lang in SCRIPTS.values()
                                  for place in data_of(site, fragment, lang)["p"] for piece in pieces_said(place)))
            for place in data["p"]:
                for start, end in place.get("g", []):
                    if (han_words(place["t"][start:end]) - clean) & words:
                        problems.append(f"{where}#{place['i']}: garbled run {place['t'][start:end]!r} is in the index")
            for chrome in ("复制链接", "複製連結", "言录 Yanlu", "言錄 Yanlu", "本页目录", "本頁目錄", "永久链接", "永久連結"):
                if search.index_form(chrome) in fragment["content"] or any(chrome in p["t"] for p in data["p"]):
                    problems.append(f"{where}: the index holds {chrome!r} (not what was said)")
            # Filters are words of the index (search.filter_token of the value's index form), after everything said.
            spoke = {who[places[p["id"]]["k"]] for p in site.corpus["paragraphs"]
                     if p["event"] == event["id"] and p["speaker"] and p["id"] in ids}
            wanted = [("year", event["date"][:4]), ("event", data["t"])] + [("speaker", v) for v in spoke]
            absent = [pair for pair in wanted if search.filter_token(pair[0], search.index_form(pair[1])) not in words]
            if absent or fragment["filters"]:
                problems.append(f"{where}: filter words missing for {absent} (Pagefind filters: {fragment['filters']})")
            if not set(wanted) <= offered:
                problems.append(f"{where}: {search.filters_file(key)} does not offer {sorted(set(wanted) - offered)}")
    assert not problems, report(problems, "paragraphs search cannot find, link to or cite")


def test_the_search_box_is_in_every_header_and_loads_the_index_both_scripts_share(site):
    labels = {"zh-hans": "搜索", "zh-hant": "搜尋"}
    problems = []
    for script, lang in SCRIPTS.items():
        for page in site.pages(script):
            header = page.dom.find("header")
            boxes = [e for e in (header.iter() if header else []) if "data-yl-search" in e.attrs]
            if len(boxes) != 1 or "hidden" not in boxes[0].attrs:
                problems.append(f"{page.rel}: {len(boxes)} search boxes in the header (one, hidden until its script runs)")
                continue
            field = boxes[0].find("input", "yl-search__input")
            if field is None or field.attrs.get("aria-label") != labels[script]:
                problems.append(f"{page.rel}: the search field is not labelled {labels[script]!r}")
            config = next((e.raw_text() for e in page.dom.find_all("script") if "window.YANLU =" in e.raw_text()), "")
            search = json.loads(config.split("=", 1)[1].strip().rstrip(";"))["search"] if config else {}
            if not search.get("indexed") or search.get("script") != lang:
                problems.append(f"{page.rel}: window.YANLU.search does not say the index was built, for {lang}")
            target = site.resolve(page, search.get("pagefind", "")).target if search.get("pagefind") else None
            if is_remote(search.get("pagefind", "")) or target != site.root / "pagefind" / "pagefind.js":
                problems.append(f"{page.rel}: search loads {search.get('pagefind')!r}, not pagefind/pagefind.js")
            base = site.resolve(page, search.get("base", "") + "index.html").target if search.get("base") else None
            if base != site.root / script / "index.html":
                problems.append(f"{page.rel}: its results' addresses start at {search.get('base')!r}, not {script}/")
    assert not problems, report(problems, "pages whose search box is missing or points elsewhere")
    script_text = (ROOT / "templates" / "assets" / "yanlu-search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script_text and "insertAdjacentHTML" not in script_text, (
        "yanlu-search.js must put transcript text into the page as text: Pagefind's excerpts are not escaped")


def test_what_search_takes_of_each_page_is_what_the_built_pages_give(site):
    """docs/search/<script>/ is made from the generated Markdown without MkDocs (search.page_part): for every
    event, speaker and topic page, the part is what the page MkDocs built gives; and what Pagefind reads,
    docs/search/pagefind/, is made of both scripts' parts."""
    copies = site.project / "docs" / search.SEARCH_DIR / search.PAGEFIND_INPUT
    parts: dict[str, list[dict]] = {}
    for script, lang in SCRIPTS.items():
        folder = site.project / "docs" / search.SEARCH_DIR / script
        built = {p.rel[len(script) + 1:]: p for p in indexed_pages(site, script)}
        for each in (folder, folder.parent / search.DATA_DIR / script):
            assert sorted(p.relative_to(each).as_posix() for p in each.rglob("*") if p.is_file()) == \
                sorted(search.part_path(rel) for rel in built), each
        # An event result is an event: a year's list of events (events/2024/) is no result.
        assert {p.parent.name for p in (folder / "events").glob("*/index.json")} == {e["id"] for e in site.corpus["events"]}
        for rel, page in built.items():
            part = json.loads((folder / search.part_path(rel)).read_text(encoding="utf-8"))
            shown = json.loads((folder.parent / search.DATA_DIR / script / search.part_path(rel)).read_text(encoding="utf-8"))
            kind = search.page_kind(PurePosixPath(rel))
            if kind == "event":
                facts = search.event_facts(page.html)
                # Each speaker's filter value as the part names it (told apart where two share a name).
                who = shown["w"]
                expected = search.event_part(page.html, facts, {sid: who[k] for k, (sid, _name) in enumerate(facts.speakers)})
            else:
                expected = search.entity_part(page.html, kind)
            assert part | {"data": shown} == expected, f"{script}/{rel}"
            assert part["lang"] == lang
            parts.setdefault(rel, []).append(part)
    assert sorted(p.relative_to(copies).as_posix() for p in copies.rglob("*") if p.is_file()) == sorted(parts)
    for rel, both in parts.items():
        assert (copies / rel).read_text(encoding="utf-8") == search.pagefind_page(both), rel


def test_pagefind_reads_the_pages_words_once_each_in_one_form_and_each_script_has_its_data():
    def page(lang, text):
        return (f'<html lang="{lang}"><head><title>不要</title></head><body><nav>導航</nav>'
                f'<article class="md-content__inner" data-pagefind-body><h1 id="x">{text[0]}</h1>'
                '<dl class="yl-facts"><dt>日期</dt><dd>2024-06-14</dd></dl>'
                f'<nav class="yl-toc" aria-label="本頁目錄"><a href="#q-1">目錄</a></nav>'
                f'<ul class="yl-participants"><li><a href="../../speakers/li-dahai/">李大海</a>　{text[1]}</li></ul>'
                f'<h2 id="src-1">{text[2]} 1</h2>'
                '<div class="yl-p" id="q-1" title="屬性不變" data-yl-src="src-1">\n<div class="yl-meta"><a class="yl-who" '
                'href="../../speakers/li-dahai/">李大海</a><span class="yl-kind">提問</span></div>'
                f'<p class="yl-text"><a>李大海</a>{text[3]}，AI  {text[4]} &lt;b&gt; {text[0]} <mark class="yl-garbled" '
                'data-pagefind-ignore="all"><span class="yl-garbled__label">〔亂碼〕</span>煽啃</mark> Scaling Law</p>\n'
                '<div class="yl-tools yl-revisions"><details><summary>更正</summary><p>舊詞</p></details></div>\n'
                '<div class="yl-tools"><a class="yl-link" href="#q-1">#q-1</a> <a class="yl-topic" href="#">價格</a></div></div>'
                '</article><footer>頁腳</footer></body></html>')
    hant = page("zh-Hant", ["價格戰", "嘉賓", "來源", "表示", "時代"])
    hans = page("zh-Hans", ["价格战", "嘉宾", "来源", "表示", "时代"])
    facts = search.event_facts(hant)
    assert facts == search.EventFacts("價格戰", "2024", [("li-dahai", "李大海")])
    body = search.article(hant)[0]
    text = "李大海表示，AI 時代 <b> 價格戰 〔亂碼〕煽啃 Scaling Law"
    start = text.index("〔")
    assert search.places(search._TOOLS.sub("", search._KIND.sub("", search._TOC.sub("", body)))) == [
        search.Place("x", "價格戰 日期 2024-06-14 李大海　嘉賓", level=1, heading=3),
        search.Place("src-1", "來源 1", level=2, heading=4),
        search.Place("q-1", text, speaker="li-dahai", name="李大海", source="src-1", garbled=[(start, start + 6)]),
    ]
    parts = [search.event_part(hans, search.event_facts(hans), {"li-dahai": "李大海 · 面壁"}),
             search.event_part(hant, facts, {"li-dahai": "李大海 · 面壁"})]
    # Each script's words in the index's form: the Traditional page's are its Simplified twin's.
    assert parts[0]["title"] == parts[1]["title"] == ["价格", "格战", "战"]
    assert parts[0]["said"] == parts[1]["said"]
    out = search.pagefind_page(parts)
    assert f'<html lang="{search.INDEX_LANG}"' in out
    assert "導航" not in out and "頁腳" not in out and "不要" not in out and "目錄" not in out
    assert "提問" not in out and "舊詞" not in out and "#q-1" not in out  # kind, earlier words, tools: not said
    # The title's words weighted; then every other word once, in the order it first stands; garbled letters not.
    assert '<div data-pagefind-weight="5">价格 格战 战 |</div>' in out
    words = re.search(r"<div>([^<]*)</div>", out).group(1).split()
    tokens = [search.filter_token(*pair) for pair in (("event", "价格战"), ("year", "2024"), ("speaker", "李大海 · 面壁"))]
    # (海: the prefix of 海表, which this page holds too; other text as its letters and digits, lower-cased.)
    assert words == ["日期", "期", "2024", "06", "14", "李大", "大海", "嘉宾", "宾", "来源", "源", "1",
                     "海表", "表示", "示", "ai", "时代", "代", "b", "scaling", "law", *tokens, "|"], words
    for part, title, place in ((parts[0], "价格战", text.replace("時代", "时代").replace("價格戰", "价格战")),
                               (parts[1], "價格戰", text)):
        data = part["data"]
        assert data["t"] == title and data["w"] == ["李大海 · 面壁"]
        assert data["p"][2] == {"i": "q-1", "t": place, "k": 0, "n": "李大海", "g": [[start, start + 6]]}
        assert data["c"] == []  # this page has no script config (window.YANLU): no facts, and no source index used
    assert "who[content]" not in out and "title[content]" not in out  # Pagefind meta would be words of the index
    assert "李大海 · 面壁" not in out and "q-1" not in out  # what the box shows is in the data files, not the index
    assert "data-pagefind-filter" not in out  # Pagefind's filter files change from run to run
    assert search.index_words(["價格戰是", "價格"]) == ["價格", "格戰", "戰是", "是"]  # 格: the prefix of 格戰
    assert search.index_words(["價格", "格"]) == ["價格", "格"]  # no word starts with 格: it stands alone
    assert search.index_form("說價格戰 AI") == "说价格战 AI"
    entity = search.entity_part('<html lang="zh-Hans"><body><article data-pagefind-body><h1 id="a">李大海</h1>\n'
                                "<p>面壁智能 CEO</p><h2>各活动中的身份</h2><blockquote>引语</blockquote></article></body></html>",
                                "speaker")
    assert entity["data"] == {"t": "李大海", "d": "面壁智能 CEO"} and entity["lang"] == "zh-Hans"
    assert "引语" not in str(entity) and "身份" not in str(entity)
    assert search.page_kind(PurePosixPath("speakers/li-dahai/index.html")) == "speaker"
    assert search.page_kind(PurePosixPath("speakers/li-dahai/2024/index.html")) is None  # a further part
    assert search.page_kind(PurePosixPath("events/index.html")) is None
    assert search.event_part('<html lang="zh-Hans"><body><article class="md-content__inner">404</article></body></html>',
                             facts, {}) is None


def query_map(site: Site, script: str) -> dict[str, str]:
    text = (site.root / script / "assets" / "yanlu-chars.js").read_text(encoding="utf-8")
    return json.loads(text.splitlines()[0].split("=", 1)[1].strip().rstrip(";"))


def test_the_query_map_converts_every_character_the_other_scripts_site_shows(site):
    """A reader types what the other script's site shows; every character of its pages' text that
    OpenCC writes otherwise in this script (character by character) is in this script's map."""
    configs = {"zh-hans": ("zh-hant", "t2s.json"), "zh-hant": ("zh-hans", "s2tw.json")}
    problems = []
    for script, (other, config) in configs.items():
        mapping = query_map(site, script)
        to_this = opencc.OpenCC(config)
        shown = set()
        for page in site.pages(other):
            if page.article is not None:
                shown |= {c for c in page.article.text() if search.is_han(c)}
        changing = {c for c in shown if len(to_this.convert(c)) == 1 and to_this.convert(c) != c}
        missing = sorted(changing - set(mapping))
        if missing:
            problems.append(f"{script}/assets/yanlu-chars.js lacks {len(missing)} characters {other} shows: {''.join(missing[:40])}")
    assert not problems, report(problems, "characters a reader of the other script types that search would not convert")


def test_the_query_map_covers_names_not_only_paragraphs(built):
    from dataclasses import replace

    from generator.model import Script
    from generator.pipeline import query_chars

    speakers = (replace(built.corpus.speakers[0], name="谨言", name_hant="謹言"),) + built.corpus.speakers[1:]
    result = replace(built, corpus=replace(built.corpus, speakers=speakers))
    assert json.loads(query_chars(result, Script.HANS, built.converter)).get("謹") == "谨"
    assert json.loads(query_chars(result, Script.HANT, built.converter)).get("谨") == "謹"


def test_filter_words_are_distinct_index_words():
    tokens = {search.filter_token(kind, value) for kind in ("speaker", "event", "year")
              for value in ("张鹏", "張鵬", "张鹏 · 智谱 AI CEO", "2024", "2023", "")}
    assert len(tokens) == 18 and all(re.fullmatch(r"ylf[sey][0-9a-f]{16}", t) for t in tokens), tokens
    assert search.filter_token("year", "2024") == "ylfy422940b91ac47413"  # the same in yanlu-search.js


def test_a_name_two_speakers_share_is_told_apart_in_the_speaker_filter():
    values = search.speaker_values({"zhang-peng-zhipu": "张鹏", "zhang-peng-geekpark": "张鹏", "li-dahai": "李大海"},
                                   {"zhang-peng-zhipu": "智谱 AI CEO"})
    assert values == {"zhang-peng-zhipu": "张鹏 · 智谱 AI CEO", "zhang-peng-geekpark": "张鹏 · zhang-peng-geekpark",
                      "li-dahai": "李大海"}


def test_publishing_the_same_input_twice_gives_byte_identical_sites(injection_site, tmp_path):
    again = tmp_path / "site"
    publish(Project(injection_site.project), again)
    first = {p.relative_to(injection_site.root): p.read_bytes()
             for p in sorted(injection_site.root.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert sorted(first) == sorted(second)
    differing = [str(path) for path in first if first[path] != second[path]]
    assert differing == []
