"""publish: build what goes online into ``site/``: both scripts and the root page, all or nothing.

``site/zh-hans/`` and ``site/zh-hant/`` are two MkDocs builds, page for page
with the same paths and paragraph ids, run side by side on two cores. Both
share one Pagefind search index, ``site/pagefind/``, made at the same time from
what the generator keeps in ``docs/search/pagefind/`` (``index_search``). The root ``site/index.html`` sends a visitor to the
script they chose before, or the one their browser prefers, and without
JavaScript shows both links.

All of it is built into a temporary folder beside ``site/`` (``.site.new-…``) and swapped in
with one atomic rename only when everything succeeded: MkDocs failing half-way, the index
failing, or the process being killed leaves the previous ``site/`` byte for byte.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from xml.sax.saxutils import escape

from . import cache as caches
from . import ids, search, shortlinks
from .model import YanluError
from .pipeline import CONFIGS, EPOCH_RECORD, Build, Project, build, build_epoch
from .render import PAGE_LIMIT, SCRIPT_DIRS, files_under, page_url, public_address

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
  __CHOSEN__
  location.replace(chosen() + "/" + location.hash);
})();
</script>
<style>body{font-family:system-ui,sans-serif;max-width:30em;margin:4em auto;line-height:1.8;text-align:center}a{margin:0 1em}</style>
</head>
<body>
<main>
<h1>言录 · 言錄</h1>
<nav aria-label="选择字体 · 選擇字體"><a href="zh-hans/" hreflang="zh-Hans" lang="zh-Hans">简体中文</a><a href="zh-hant/" hreflang="zh-Hant" lang="zh-Hant">繁體中文</a></nav>
</main>
</body>
</html>
""".replace("__CHOSEN__", shortlinks.CHOSEN_SCRIPT_JS)


# site/404.html: the one page GitHub Pages serves for any missing address, at any depth, so nothing in it
# may depend on where it is: its style is inline, and its links are found from the address it is shown at
# (the part before /zh-hans/ or /zh-hant/, else the nearest folder holding the site's zh-hans/). Without
# JavaScript it offers the links as if the site were at the host's root (or at YANLU_SITE_URL).
NOT_FOUND_PAGE = r"""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>404 · 言录 · 言錄 Yanlu</title>
<style>
body{font-family:"PingFang SC","PingFang TC","Microsoft YaHei","Microsoft JhengHei","Noto Sans CJK SC",system-ui,sans-serif;
max-width:34em;margin:3em auto;padding:0 1em;line-height:1.8;color:#1f1f1f;background:#fff}
h1{font-size:1.6em;margin:0 0 .4em}a{color:#2f3f9e;text-decoration:underline}
.yl-404-links a{display:inline-block;min-height:44px;line-height:44px;margin-right:1.2em}
html.yl-hans [lang=zh-Hant],html.yl-hant [lang=zh-Hans]{display:none}
</style>
<script>
(function () {
  __CHOSEN__
  var path = location.pathname, m = /^(.*?\/)(zh-han[st])\//.exec(path), script = m ? m[2] : chosen();
  document.documentElement.className = script === "zh-hant" ? "yl-hant" : "yl-hans";
  function point(root) {
    var links = document.querySelectorAll("a[data-yl-to]");
    for (var i = 0; i < links.length; i++) links[i].href = root + links[i].getAttribute("data-yl-to");
  }
  if (m) { document.addEventListener("DOMContentLoaded", function () { point(m[1]); }); return; }
  var folders = path.replace(/[^\/]*$/, "").split("/").filter(Boolean), tries = [];
  for (var n = folders.length; n >= 0; n--) tries.push("/" + folders.slice(0, n).map(function (f) { return f + "/"; }).join(""));
  (function next() {
    var root = tries.shift();
    if (root === undefined) return;
    fetch(root + "zh-hans/404.html", {method: "HEAD"}).then(function (r) { r.ok ? point(root) : next(); }, next);
  })();
})();
</script>
</head>
<body>
<main>
<h1><span lang="zh-Hans">找不到这个页面</span><span lang="zh-Hant">找不到這個頁面</span></h1>
<p lang="zh-Hans">这个地址上没有页面：也许链接有误，或页面已经移动。可以从首页找，或在首页顶部的搜索框里搜索。</p>
<p lang="zh-Hant">這個地址上沒有頁面：也許連結有誤，或頁面已經移動。可以從首頁找，或在首頁頂部的搜尋框裡搜尋。</p>
<nav class="yl-404-links" aria-label="首页 · 首頁">
<a lang="zh-Hans" hreflang="zh-Hans" href="{root}zh-hans/" data-yl-to="zh-hans/">言录首页（搜索）</a>
<a lang="zh-Hant" hreflang="zh-Hant" href="{root}zh-hant/" data-yl-to="zh-hant/">言錄首頁（搜尋）</a>
<a lang="zh-Hant" hreflang="zh-Hant" href="{root}zh-hant/" data-yl-to="zh-hant/">繁體中文</a>
<a lang="zh-Hans" hreflang="zh-Hans" href="{root}zh-hans/" data-yl-to="zh-hans/">简体中文</a>
</nav>
</main>
</body>
</html>
""".replace("__CHOSEN__", shortlinks.CHOSEN_SCRIPT_JS)  # the script the reader chose, else their browser's languages


def not_found_page(base_url: str) -> str:
    """site/404.html; its links without JavaScript start at ``base_url``'s path (the host's root without one)."""
    root = re.sub(r"^[a-z]+://[^/]+", "", base_url.rstrip("/")) + "/"
    return NOT_FOUND_PAGE.replace("{root}", escape(root, {'"': "&quot;"}))


def relative_404(html: str) -> str:
    """A script's 404.html, built without a site address, links from the server's root (``/assets/…``);
    it sits at the top of its script's folder, so the same links written relative to it (``./assets/…``)
    work under any sub-path, opened as ``…/zh-hans/404.html``."""
    html = re.sub(r'\b(href|src)="/(?!/)', r'\1="./', html)
    html = re.sub(r'(": ?)"/(?!/)', r'\1"./', html)  # the theme's and Yanlu's JSON settings: "base", "search", "pagefind"
    return html.replace('__md_scope=new URL("/",location)', '__md_scope=new URL(".",location)')


def sitemap(docs_files: dict[str, dict[str, list[int]]], base_url: str) -> str:
    """Both scripts' pages (``docs_files``: each script's folder of docs/ as ``files_under`` lists it), each with
    its twin as an hreflang alternate.

    Sitemaps want absolute addresses: set YANLU_SITE_URL (e.g.
    https://user.github.io/yanlu/) when publishing; without it the
    addresses are relative to the site root.
    """
    base = base_url.rstrip("/") + "/" if base_url else ""
    paths = sorted({page_url(path) for d in CONFIGS for path in docs_files[d] if path.endswith(".md")})
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


def publish_data(project: Project, site: Path) -> None:
    """docs/data/ (export.FILES: corpus.json, paragraphs.jsonl …) into ``site/data/``, once for both
    scripts: each script's home page links to ../data/corpus.json (at 2,000 transcripts corpus.json is
    over 100 MB). The preview (serve.py) calls this on every save: a file linked before is left as it is."""
    link_tree(project.data, site / "data")


def link_tree(source: Path, target: Path) -> None:
    """``target`` made to hold what ``source`` holds, file for file (``_link_or_copy`` where a file is not the same
    as its source's, by size and modification time), and nothing else. (Paths as strings: thousands of files.)"""
    have, want = files_under(target), files_under(source)
    for path in sorted(have.keys() - want.keys()):
        os.unlink(os.path.join(target, path))
    made = set()
    for path, stamp in sorted(want.items()):
        if have.get(path) != stamp:
            folder = os.path.dirname(os.path.join(target, path))
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            _link_or_copy(os.path.join(source, path), os.path.join(target, path))


def relink(changed: list[Path], source: Path, target: Path) -> None:
    """What ``link_tree`` does for the files ``changed`` under ``source`` only (a plan's ``write``: written or
    deleted), when ``target`` held the rest already."""
    for path in changed:
        into = target / path.relative_to(source)
        if path.exists():
            into.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(path, into)
        else:
            into.unlink(missing_ok=True)


def _link_or_copy(source: Path | str, target: Path | str) -> None:
    """``target`` made the same file as ``source``: a hard link where it can be (the generator replaces a file it
    writes, never changes it in place, so the link keeps what was published), else a copy."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links there: a copy with its source's mtime (link_tree)
        shutil.copy2(source, target)


def _yielding() -> None:  # in the child, before it runs: the generator, still at work, comes first
    os.nice(EARLY_NICE)


def mkdocs_build(project: Project, script_dir: str, site_dir: Path, epoch: str, early: bool = False) -> subprocess.Popen:
    """Start ``mkdocs build --strict`` of one script; the generator has run already, so the hook only reads.

    Not ``--quiet``: MkDocs counts the warnings that make a strict build fail from its log, and
    ``--quiet`` drops them before they are counted (a broken link then passed with exit status 0).
    Its messages are kept for the editor (``mkdocs_problems``).
    """
    config = project.root / CONFIGS[script_dir]
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(site_dir)]
    # YANLU_PAGEFIND: the pages may offer search, the index is built right after (extra.yanlu.search.indexed).
    # SOURCE_DATE_EPOCH: MkDocs dates the sitemap from it, so two builds of the same input are identical.
    env = dict(os.environ, YANLU_PREBUILT="1", YANLU_PAGEFIND="1")
    env.setdefault("SOURCE_DATE_EPOCH", epoch)
    base = public_address()
    if base:
        env["YANLU_SCRIPT_URL"] = f"{base.rstrip('/')}/{script_dir}/"
    return subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_yielding if early else None)


# ------------------------------------------------------------------ started before the generator is done
#
# On a publish whose docs/ the generator leaves as it was (a publish right after a build, or again), the two
# MkDocs builds and the search index start at once, beside the generator's pass over the cache, at a lower priority so
# that they take the core it leaves free, not its own. Each reads only its folder of docs/ (and files the
# generator never writes): when the generator has changed anything in that folder, or the sitemap's date
# (SOURCE_DATE_EPOCH) moved, it is stopped and started again on what the generator wrote. What is published
# is then always what a start after the generator gives.

EARLY_NICE = 10  # nice(2) of a run started early, until the generator is done


def early_inputs(project: Project) -> dict[str, dict]:
    """What each run reads of docs/, as size and mtime by file: each script's folder and the search index's."""
    return {name: files_under(project.docs / name) for name in CONFIGS} | {
        PAGEFIND_DIR: files_under(project.docs / search.SEARCH_DIR / search.PAGEFIND_INPUT)}


def last_epoch(project: Project) -> str | None:
    record = caches.load_json(project.cache / EPOCH_RECORD)
    epoch = record.get("epoch") if isinstance(record, dict) else None
    return epoch if isinstance(epoch, str) else None


def hurry(run: subprocess.Popen) -> None:
    """A run started early back at the usual priority, every thread of it (where the system lets it)."""
    for task in Path(f"/proc/{run.pid}/task").glob("*"):
        try:
            os.setpriority(os.PRIO_PROCESS, int(task.name), 0)
        except (OSError, ValueError):  # not allowed to raise a priority, or the thread is gone: it runs on
            pass


def stop(run: subprocess.Popen) -> None:
    if run.poll() is None:
        run.kill()
    run.communicate()


# ------------------------------------------------------------------ search: one Pagefind index for both scripts

PAGEFIND_DIR = "pagefind"  # site/pagefind/: the one index both scripts' box (templates/assets/yanlu-search.js) loads
_CODE = Path(__file__).resolve().parents[1]  # the folder the running generator package is in


def start_pagefind(copies: Path, bundle: Path, early: bool = False) -> tuple[subprocess.Popen, int]:
    """Start indexing the pages the generator wrote for search (docs/search/pagefind/: generator/search.py) into
    the Pagefind bundle ``bundle`` (generator/search_index.py, in a process of its own, so that it runs beside
    the MkDocs builds). Returns the process and the number of pages given to it."""
    pages = sum(1 for _ in copies.rglob("*.html"))
    if not pages:
        raise YanluError(str(copies), "holds no event, speaker or topic page, so search would find nothing",
                         "Run `python -m generator build`: it writes the pages search reads there.")
    command = [sys.executable, "-m", "generator.search_index", "--site", str(copies.absolute()),
               "--output-path", str(bundle.absolute())]  # absolute: it runs in the folder of this generator package
    return subprocess.Popen(command, cwd=_CODE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_yielding if early else None), pages


def finish_pagefind(run: subprocess.Popen, pages: int) -> dict[str, str]:
    """Wait for the index to be written; the Pagefind id of each page address it indexed (what it prints:
    search_index.main), which must be every page it was given."""
    out, err = run.communicate()
    where = "search index"
    if run.returncode:
        raise YanluError(where, f"{' '.join(run.args)} failed (exit status {run.returncode}):\n{(err or out).strip() or '(it printed nothing)'}",
                         "Fix the problem named above.")
    try:
        ids = json.loads(out)["ids"]
    except (ValueError, KeyError, TypeError) as exc:
        raise YanluError(where, f"{' '.join(run.args)} printed no list of the pages it indexed ({exc})\n{(err or out).strip()[:500]}",
                         "Run it again; if it keeps failing, reinstall requirements.txt.") from None
    if len(ids) != pages:
        raise YanluError(where, f"{len(ids)} pages were indexed, {pages} expected",
                         f"Check that nothing else than the generator's pages is in docs/{search.SEARCH_DIR}/{search.PAGEFIND_INPUT}/.")
    return ids


def place_data(bundle: Path, copies: Path, ids: dict[str, str]) -> None:
    """What the box shows of each page in each script (docs/search/data/<script>/), named by the page's Pagefind
    id (``ids``: address → id; ``yanlu/<lang>/<id>.json``), so the box fetches it beside the page's fragment, at
    once. Linked, not copied, where it can be: the generator replaces a file it writes, never changes it in place."""
    for script in SCRIPT_DIRS:
        (bundle / search.BUNDLE_DATA / script.value).mkdir(parents=True, exist_ok=True)
    for address, page_id in sorted(ids.items()):
        copy = address.lstrip("/") + "index.html"
        for script, folder in SCRIPT_DIRS.items():
            _link_or_copy(os.path.join(copies, search.DATA_DIR, folder, search.part_path(copy)),
                          os.path.join(bundle, search.BUNDLE_DATA, script.value, page_id + ".json"))


def index_search(copies: Path, site: Path, ready: Iterable[str] = CONFIGS, meanwhile: Callable[[], None] = lambda: None,
                 started: tuple[subprocess.Popen, int] | None = None) -> None:
    """Build the Pagefind index of both scripts from what the generator wrote under ``copies`` (docs/search/)
    into ``site/pagefind/`` (or go on with the run ``started`` there): it is indexed while MkDocs builds, and
    ``meanwhile`` runs then too. Each script's filter choices and data are added to the bundle once the index is
    done, while MkDocs may build on (it writes its script's folder only); then ``ready`` names each script once its
    MkDocs build is done (``mkdocs_finished``)."""
    bundle = site / PAGEFIND_DIR
    run, pages = started or start_pagefind(copies / search.PAGEFIND_INPUT, bundle)
    try:
        meanwhile()
        ids = finish_pagefind(run, pages)
    except BaseException:
        stop(run)
        raise
    place_data(bundle, copies, ids)
    for script, folder in SCRIPT_DIRS.items():
        _link_or_copy(copies / search.FILTERS_DIR / folder / search.FILTERS_FILE, bundle / search.filters_file(script.value))
    list(ready)


# ------------------------------------------------------------------ MkDocs' own messages

_LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)\s*-\s*")
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+)')


def mkdocs_problems(err: str, root: Path) -> list[str]:
    """What MkDocs said went wrong, for the editor: its WARNING and ERROR messages (with the
    lines that continue them), or, when it crashed, the error and the file of the project it
    points at, without the Python traceback."""
    problems, keep = [], False
    lines = err.splitlines()
    if any(line.startswith("Traceback (most recent call last)") for line in lines):
        frames = [(m.group(1), m.group(2)) for m in map(_FRAME.match, lines) if m]
        ours = [(f, n) for f, n in frames if Path(f).resolve().is_relative_to(root.resolve())
                and "site-packages" not in f and "/generator/" not in f]
        last = next((line.strip() for line in reversed(lines) if line.strip() and not line.startswith(" ")), "")
        if ours:
            where, number = ours[-1]
            last = f"{os.path.relpath(where, root)}, line {number}: {last}"
        problems.append(last)
        lines = [line for line in lines if _LOG_LINE.match(line)]
    for line in lines:
        level = _LOG_LINE.match(line)
        if level:
            keep = level.group(1) in ("WARNING", "ERROR", "CRITICAL")
            if keep:
                problems.append(line.strip())
        elif keep and line.strip():
            problems.append("  " + line.strip())
    return problems


# ------------------------------------------------------------------ all or nothing

STAGING = ".{name}.new-"  # the folder beside site/ that a publish builds in: .site.new-<pid>-…


def _stale_staging(site: Path) -> list[Path]:
    """Folders beside ``site`` left by a publish that was killed (its process is gone): half-built
    sites (.site.new-…) and, where the swap takes two renames, a previous site (.site.old-…)."""
    stale = []
    for kind in (".new-", ".old-"):
        prefix = f".{site.name}{kind}"
        for folder in sorted(site.parent.glob(prefix + "*")):
            pid = folder.name[len(prefix):].split("-")[0]
            try:
                os.kill(int(pid), 0)
            except (ValueError, ProcessLookupError):
                stale.append(folder)
            except PermissionError:
                pass
    return stale


def _clear_stale(site: Path) -> None:
    for folder in _stale_staging(site):
        if ".old-" in folder.name and not site.exists():  # killed between the two renames: put it back
            os.rename(folder, site)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, site: Path) -> None:
    """Put the finished ``new`` folder where ``site`` is, so that at every moment ``site`` is
    either the previous site, whole, or the new one, whole; then remove the previous one."""
    if site.is_symlink() or (site.exists() and not site.is_dir()):
        raise YanluError(str(site), "is not a folder", f"Move or delete {site}; the site is published into a folder there.")
    if not site.exists():
        os.rename(new, site)
        return
    if _exchange(new, site):
        remove_tree(new)  # it now holds the previous site
        return
    old = new.with_name(new.name.replace(".new-", ".old-", 1))
    os.rename(site, old)  # where renameat2 is missing: a moment without site/, never a mixed one
    os.rename(new, site)
    remove_tree(old)


def remove_tree(folder: Path) -> None:
    """``shutil.rmtree``, its top-level folders two at a time: unlinking is the kernel's work, done outside the
    GIL, and a previous site of 2,000 transcripts took 3.4 s on one core here, 2.1 s on two."""
    folders = []
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            folders.append(entry)
        else:
            entry.unlink()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(shutil.rmtree, folders))
    folder.rmdir()


def check_page_sizes(result: Build, docs_files: dict[str, dict[str, list[int]]]) -> None:
    """Refuse to hand MkDocs a page it would spend half an hour on, naming the seed that made it (``docs_files``:
    each script's folder of docs/ as ``files_under`` lists it)."""
    seeds = {s.id: s.seed for s in result.corpus.sources}
    events = {e.id: e for e in result.corpus.events}
    for folder in CONFIGS:
        for path, (size, _mtime) in sorted(docs_files[folder].items()):
            if size <= PAGE_LIMIT or not path.endswith(".md"):
                continue
            relative = PurePosixPath(path)
            named = ""
            if relative.parts[0] == "events" and relative.stem in events:
                named = " (from " + ", ".join(f"seeds/{seeds[s]}" for s in events[relative.stem].sources if s in seeds) + ")"
            raise YanluError(f"docs/{folder}/{relative.as_posix()}",
                             f"this page would be {size / 1e6:.0f} MB{named}, far beyond a transcript's "
                             f"(the limit is {PAGE_LIMIT / 1e6:.0f} MB); MkDocs would take many minutes on it, and readers "
                             "could not open it",
                             "Check that the seed is one transcript (not a whole site or a log), or split it into "
                             "several seeds, one source each, in site_config/sources.yaml.")


PROGRESS_EVERY = 30  # seconds: a long stage says it is still at work


def mkdocs_finished(project: Project, runs: dict[str, subprocess.Popen], say: Callable[[str], None]) -> Iterator[str]:
    """The scripts whose MkDocs build succeeded, in the order they finish; once every build has
    ended, any that failed are reported together (MkDocs' own messages). Their output is read from
    now on, so that neither waits on a full pipe while publish waits for something else."""
    ended: queue.Queue = queue.Queue()
    for name, run in runs.items():  # a thread each
        threading.Thread(target=lambda name=name, run=run: ended.put((name, run.communicate()[1])), daemon=True).start()
    return _reported(project, runs, ended, say)


def _reported(project: Project, runs: dict[str, subprocess.Popen], ended: queue.Queue,
              say: Callable[[str], None]) -> Iterator[str]:
    failures, waited = [], 0
    for _ in runs:
        while True:
            try:
                name, err = ended.get(timeout=PROGRESS_EVERY)
                break
            except queue.Empty:
                waited += PROGRESS_EVERY
                for building in [CONFIGS[n] for n, r in runs.items() if r.poll() is None]:
                    say(f"MkDocs is still building {building} ({waited:g} s) …")
        run = runs[name]
        problems = mkdocs_problems(err, project.root)
        if run.returncode and not problems:  # no WARNING or ERROR line: its last words
            problems = [line.strip() for line in err.splitlines() if line.strip()][-10:]
        if run.returncode or problems:
            shown = "\n".join(f"    {line}" for line in problems) or "    (it printed nothing)"
            failures.append(f"{CONFIGS[name]}: MkDocs --strict stopped (exit status {run.returncode}):\n{shown}")
        elif not failures:
            yield name
    if failures:
        full = any(f"[Errno {errno.ENOSPC}]" in failure for failure in failures)
        raise YanluError("mkdocs build", "failed; site/ is unchanged:\n" + "\n".join(failures),
                         "The disk is full: free some space (`df -h .` shows how much is left; publishing needs "
                         "room for a second site beside site/) and run it again." if full else
                         "Fix the problems MkDocs names above (a page in docs/ comes from site_config/, seeds/ "
                         "or templates/; a theme file from templates/overrides/), then run it again.")


def publish(project: Project, site: Path | None = None, jobs: int = 1,
            say: Callable[[str], None] = lambda _text: None) -> Build:
    """Generate docs/, build both scripts in parallel and index them, write the root page and the
    sitemap, all into a folder beside ``site``, then swap it in. ``say`` hears what is being done."""
    say("Generating docs/ …")
    site = (site or project.root / "site").absolute()
    site.parent.mkdir(parents=True, exist_ok=True)
    _clear_stale(site)
    staging = Path(tempfile.mkdtemp(prefix=STAGING.format(name=site.name) + f"{os.getpid()}-", dir=site.parent))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # as a folder made by mkdir: mkdtemp makes it private
    runs: dict[str, subprocess.Popen] = {}
    pagefind: tuple[subprocess.Popen, int] | None = None
    copies = project.docs / search.SEARCH_DIR
    try:
        early = last_epoch(project)  # started early: see EARLY_NICE
        before = early_inputs(project) if early is not None else {}
        if early is not None and all(before.values()):
            try:
                for name in CONFIGS:
                    runs[name] = mkdocs_build(project, name, staging / name, early, early=True)
                pagefind = start_pagefind(copies / search.PAGEFIND_INPUT, staging / PAGEFIND_DIR, early=True)
            except (OSError, YanluError):  # whatever stops a run here is reported once the generator is done
                for run in runs.values():
                    stop(run)
                runs = {}
        result = build(project, jobs=jobs)
        after = early_inputs(project)  # docs/ as the generator left it: also what the page checks and sitemap read
        check_page_sizes(result, after)
        epoch = build_epoch(result)
        started = runs | ({PAGEFIND_DIR: pagefind[0]} if pagefind else {})
        for name, run in started.items():
            if epoch == early and after[name] == before[name]:
                hurry(run)
                continue
            stop(run)  # the generator changed what it reads: started again below
            shutil.rmtree(staging / name, ignore_errors=True)
            runs.pop(name, None)
            if name == PAGEFIND_DIR:
                pagefind = None
        say(f"Building both scripts with MkDocs ({', '.join(CONFIGS.values())}) and indexing them for search …")
        # Both MkDocs builds and the index run at once (what it reads is in docs/search/ already), and
        # the rest of the site meanwhile: the two cores stay busy until the last of them ends.
        runs |= {name: mkdocs_build(project, name, staging / name, epoch) for name in CONFIGS if name not in runs}
        runs = {name: runs[name] for name in CONFIGS}  # in the scripts' order, however they were started
        site_url = public_address()

        def write_the_rest() -> None:  # beside the scripts' folders, which MkDocs writes
            publish_data(project, staging)
            (staging / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
            (staging / "404.html").write_text(not_found_page(site_url), encoding="utf-8")
            (staging / "sitemap.xml").write_text(sitemap(after, site_url), encoding="utf-8")
            link_tree(project.docs / shortlinks.FOLDER, staging / "q")  # a short link for every paragraph

        index_search(copies, staging, ready=mkdocs_finished(project, runs, say), meanwhile=write_the_rest,
                     started=pagefind)
        if not site_url:
            for name in CONFIGS:
                page = staging / name / "404.html"
                page.write_text(relative_404(page.read_text(encoding="utf-8")), encoding="utf-8")
        say(f"Replacing {os.path.relpath(site, project.root) if site.is_relative_to(project.root) else site}/ …")
        swap_in(staging, site)
    finally:
        for run in [*runs.values(), *([pagefind[0]] if pagefind else [])]:  # an error or an interrupt: none left writing
            if run.poll() is None:
                run.kill()
                run.wait()
        shutil.rmtree(staging, ignore_errors=True)
    ids.write_record(project, result.corpus)  # site_config/published-ids.txt: what the site now carries (generator/ids.py)
    return result
