"""bench: how the build scales with the size of the archive.

``python -m generator.bench [--sizes 5,50,500,2000] [--out bench/RESULTS.md] [--keep DIR]``

For each size N it writes a synthetic but complete Yanlu project of N
transcripts (real paragraphs of the five seeds recombined, deterministically),
checks that it reads cleanly, then measures, each as a child process:

(a) ``python -m generator build`` (cold: no docs/ yet), wall seconds;
(b) ``mkdocs build`` of the Simplified script alone (``YANLU_PREBUILT=1``, so
    the hook does not regenerate docs/);
(c) ``python -m generator site``: generator + both scripts, as published;
(d) the peak RSS of the largest process of each step (``os.wait4``);
(e) HTML pages and output megabytes per script;
(f) what a reader downloads before the first search result: the gzipped
    ``search/search_index.json`` (mkdocs-material loads it whole) if there is
    one, and what the Pagefind search box fetches for ``PAGEFIND_QUERY``,
    measured in headless Chromium (see ``pagefind_bytes``);
(g) publish / (generator + one mkdocs), and the generator's share of publish;
(h) incremental: one sentence appended to one transcript, then
    ``python -m generator build`` again, and how many files under docs/ it
    rewrote;
(j) the bytes a short link (``…/q/#q-…``) fetches to find its paragraph: the
    redirect page and the largest shard of the id map (generator/shortlinks.py),
    computed from the build's corpus.json without writing the map;
(i) a save under ``make serve`` until the preview holds it: a sentence
    appended, the generator run again in the server that previewed before
    (unchanged sources kept in memory, as generator/mkdocs_hook.py keeps
    them), then both scripts' changed pages rendered by MkDocs (generator/
    serve.py); SERVE_SAVES saves one after another: the first, and the
    fastest split into the pipeline's stages;
(k) time to the first search result in headless Chromium, for SEARCH_QUERIES
    (价格战, 大模型 and a speaker's name) typed into the header's box of each
    script's site in its own script, each by a new reader (empty cache),
    through an input method and pasted at once, and the bytes fetched before
    it (see ``first_results``). ``--only search``
    measures (a), (c) and (k) alone.

Times are wall seconds on whatever machine runs it: compare the ratios
within one run, not the absolute numbers across runs. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import importlib.metadata
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tarfile
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator import shortlinks

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261128  # random.Random(SEED): the same archive every run
DEFAULT_SIZES = (5, 50, 500, 2000)
SCRIPT_DIRS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
GZIP_LEVEL = 6  # what web servers typically use for JSON
PAGEFIND_QUERY = "价格战"  # the query (f) types into the search box
SEARCH_QUERIES = ("价格战", "大模型")  # (k), in each site's script, and the name of the speaker who says most
# (k) types each query twice, each time as a new reader: through an input method, as a person types
# Chinese (PINYIN_KEYS Latin keys per character, KEY_MS apart, the word committed at once), and
# pasted at once right after the click (the time then includes loading Pagefind).
PINYIN_KEYS = 3
KEY_MS = 100
APPENDED = "这一点我们后面还会再展开讲，今天先说到这里。"  # the incremental edit (h)

# Made-up names: surnames and given-name characters chosen so that no real
# speaker's name can be formed; every name is also checked against the text.
SURNAMES = "赵钱孙周吴郑冯陈褚卫蒋沈韩朱秦尤许何吕施孔曹严华金魏陶姜谢邹柏窦章云苏潘葛范彭鲁韦马苗凤方俞任袁柳鲍史唐费薛雷贺倪汤罗毕郝邬安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪祁毛狄米贝臧计伏戴谈宋庞熊纪舒屈项祝董梁杜阮蓝闵席季麻贾路江童颜郭梅盛林钟徐邱骆高夏蔡田樊胡凌霍虞万柯卢莫房解应宗丁宣邓单杭洪包左石崔龚程邢裴陆荣翁荀甄"
GIVEN = "子晓若思嘉雨欣梓浩宇轩辰逸哲瑾瑜琪璐颖婷岚珊芸蕾薇蓉茜菁楠桐柯彬斌栋楷槿熙煜炜烨焕霖露霏雯霄泓涵澜潇淇湘溪沐洵渝锐铭钧铮锦骏昊昕晗曦旭朗翊翔羽舟帆航远逍遥迪谦诚谨语诺靖竣峻岑嵘崎屹峥岳彦弈弘宏安宁宸宛容"
ORGS = ("星河智能", "远帆科技", "青禾模型实验室", "明川研究院", "云杉智算", "北辰 AI", "海棠大学", "松涛资本")


# ------------------------------------------------------------------ the code measured


CODE_PATHS = ("generator", "templates", "mkdocs.yml", "mkdocs.zh-hant.yml", "seeds", "site_config")


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.rstrip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def snapshot_code(dest: Path, ref: str) -> str:
    """Freeze the product into ``dest``, so every size of one run measures the same code.

    ``ref`` 'worktree' copies the files as they are on disk now (uncommitted
    edits included); any other value is a git revision (e.g. HEAD), extracted
    with ``git archive``. Returns a description for the report.
    """
    dest.mkdir(parents=True)
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    if ref == "worktree":
        for name in CODE_PATHS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copyfile(source, dest / name)
        dirty = [line[3:] for line in git("status", "--porcelain", "--", *CODE_PATHS).splitlines()
                 if not line.startswith("??") and line[3:] != "generator/bench.py"]
        return f"working tree at {head}" + (f" with uncommitted changes to {', '.join(dirty)}" if dirty else " (clean)")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, *CODE_PATHS],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return f"git {ref} ({git('rev-parse', '--short', ref)})"


# ------------------------------------------------------------------ the synthetic archive


@dataclass(frozen=True)
class Paragraph:
    hans: str
    hant: str


@dataclass(frozen=True)
class Material:
    """What synthetic transcripts are made of: real paragraphs and real headings, both scripts."""

    paragraphs: tuple[Paragraph, ...]
    headings: tuple[Paragraph, ...]
    protected: tuple[str, ...]  # glossary terms, which no made-up name may contain


# Runs in the frozen code: the real project's corpus (nothing written) as JSON.
MATERIAL_SCRIPT = r"""
import json, sys
from pathlib import Path
from generator.convert import converter_for
from generator.pipeline import Project, build_corpus
result = build_corpus(Project(Path(sys.argv[1])))
converter = converter_for(result.config)
titles = [s.title for s in result.corpus.sections if s.title] + [t.name for t in result.corpus.topics]
print(json.dumps({
    "paragraphs": [[p.hans, p.hant] for p in result.corpus.paragraphs],
    "titles": [[converter.hans(t), converter.hant(converter.hans(t))] for t in titles],
    "protected": [term for p in result.config.protect for term in (p.hans, p.hant)],
}, ensure_ascii=False))
"""


def load_material(code: Path) -> Material:
    """Real paragraphs (the pipeline run on the real seeds, writing nothing) and heading-like titles."""
    result = checked("reading the real project", run([sys.executable, "-c", MATERIAL_SCRIPT, str(code)], cwd=code))
    data = json.loads(result.stdout)
    paragraphs, seen = [], set()
    for hans, hant in data["paragraphs"]:
        han = sum("\u4e00" <= c <= "\u9fff" for c in hans)
        if han >= 8 and hans not in seen and "\n" not in hans + hant:
            seen.add(hans)
            paragraphs.append(Paragraph(hans, hant))
    headings, seen = [], set()
    for hans, hant in data["titles"]:
        # Short, unpunctuated, unnumbered, no colon: read as a heading by every version of the parser.
        if (hans in seen or len(hans) > 20 or re.search(r"[:：。！？!?；;]|^[一二三四五六七八九十\d]|^第", hans)
                or hans.endswith(tuple("」”』）)"))):
            continue
        seen.add(hans)
        headings.append(Paragraph(hans, hant))
    return Material(tuple(paragraphs), tuple(headings), tuple(data["protected"]))


def speaker_names(count: int, rng: random.Random, material: Material) -> list[tuple[str, str]]:
    """``count`` made-up 2–3 character names (Simplified, Traditional), none a part of another
    or of any real paragraph, none a real speaker's name."""
    import opencc

    to_hant = opencc.OpenCC("s2tw.json")
    text = "\n".join([p.hans + "\n" + p.hant for p in material.paragraphs] + list(material.protected))
    names: list[tuple[str, str]] = []
    taken_hant: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        hant = to_hant.convert(name)
        if (hant in taken_hant or name in text or hant in text or any(term in name for term in material.protected)
                or any(name in other or other in name for other, _ in names)):
            continue
        names.append((name, hant))
        taken_hant.add(hant)
    return names


@dataclass
class Synthetic:
    """A generated project and what it should read as."""

    root: Path
    transcripts: int
    paragraphs: int  # turns written, each one paragraph
    speakers: int
    bytes: int  # seeds/ total


def make_project(dest: Path, n: int, material: Material, code: Path, seed: int = SEED) -> Synthetic:
    """Write a complete project of ``n`` transcripts into ``dest`` (which must not exist), running ``code``."""
    rng = random.Random(seed)
    pool = speaker_names(max(10, n // 4), rng, material)
    (dest / "seeds").mkdir(parents=True)
    config = dest / "site_config"
    config.mkdir()
    events, sources, used = [], [], set()
    total_paragraphs = total_bytes = 0
    for i in range(n):
        hant = i % 2 == 1  # half Simplified, half Traditional
        script = "zh-Hant" if hant else "zh-Hans"
        number = f"{i + 1:04d}"
        title = f"言錄基準實錄 {number}" if hant else f"言录基准实录 {number}"
        roster = rng.sample(range(len(pool)), rng.randint(2, 5))
        used.update(roster)
        moderator, panel = roster[0], roster[1:]
        chosen = rng.sample(range(len(material.paragraphs)), rng.randint(40, 80))
        heading_at = sorted(rng.sample(range(len(chosen)), rng.randint(2, 4)))
        headings = rng.sample(material.headings, len(heading_at))
        lines = [title]
        for k, index in enumerate(chosen):
            if k in heading_at:
                h = headings[heading_at.index(k)]
                lines.append(h.hant if hant else h.hans)
            who = moderator if rng.random() < 0.2 else rng.choice(panel)
            label = pool[who][1] if hant else pool[who][0]
            p = material.paragraphs[index]
            lines.append(f"{label}: {p.hant}" if hant else f"{label}：{p.hans}")
        text = "\n\n".join(lines) + "\n"
        seed_name = f"{number}_bench.txt"
        (dest / "seeds" / seed_name).write_text(text, encoding="utf-8")
        total_paragraphs += len(chosen)
        total_bytes += len(text.encode("utf-8"))
        date = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
        event_id, source_id = f"bench-event-{number}", f"bench-source-{number}"
        events.append({
            "id": event_id,
            "name": f"言录基准活动 {number} · {rng.choice(material.headings).hans}",
            "date": date.isoformat(),
            "place": rng.choice(("北京", "上海", "杭州", "深圳", "线上")),
            "moderator": f"bench-speaker-{moderator:04d}",
            "participants": [{"speaker": f"bench-speaker-{s:04d}", "role": "moderator" if s == moderator else "panelist",
                              "affiliation": rng.choice(ORGS)} for s in roster],
            "sources": [source_id],
        })
        sources.append({"id": source_id, "seed": seed_name, "event": event_id, "title": title,
                        "publisher": "言录基准（合成）", "script": script})
    speakers = [{"id": f"bench-speaker-{j:04d}", "name": name, "note": "基准测试用的虚构讲者"}
                for j, (name, _hant) in enumerate(pool)]

    def dump(name: str, key: str, items: list) -> None:
        body = yaml.safe_dump({key: items}, allow_unicode=True, sort_keys=False, width=1000)
        (config / name).write_text(f"# Synthetic benchmark archive (generator/bench.py, seed {seed}).\n" + body,
                                   encoding="utf-8")

    dump("events.yaml", "events", events)
    dump("sources.yaml", "sources", sources)
    dump("speakers.yaml", "speakers", speakers)
    for name in ("topics.yaml", "glossary.yaml"):
        shutil.copyfile(code / "site_config" / name, config / name)
    (config / "aliases.yaml").write_text("aliases: []\n", encoding="utf-8")
    for name in ("templates", "generator"):
        (dest / name).symlink_to(code / name, target_is_directory=True)
    # Copied, not linked: the MkDocs hook finds the project from the config file's resolved folder.
    for name in ("mkdocs.yml", "mkdocs.zh-hant.yml"):
        shutil.copyfile(code / name, dest / name)
    return Synthetic(dest, n, total_paragraphs, len(pool), total_bytes)


# ------------------------------------------------------------------ running and measuring


@dataclass
class Run:
    seconds: float
    cpu_seconds: float | None  # user + system, of it and the children it waited for
    max_rss_mb: float | None  # the largest process of the tree (the child or a child it waited for)
    returncode: int
    stdout: str
    stderr: str
    tree_peak_mb: float | None = None  # the most the child and all its descendants held at once (sampled)


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: the parent's pid
        rss[pid] = int(fields[21])  # pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 1e6


class TreeMemory:
    """Samples a process tree's resident memory every ``every`` seconds, keeping the peak: what
    the machine needs for a step that runs several processes at once (publish: two MkDocs, two
    Pagefind), which the largest single process (``os.wait4``) does not tell."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if os.path.isdir("/proc"):
            self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, _tree_rss_mb(self.pid))
            except OSError:
                pass
            self._stop.wait(self.every)

    def stop(self) -> float | None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
            return self.peak
        return None


def run(command: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run a child to completion; wall time, peak RSS (of it and the children it waited for) and
    the peak of the whole process tree at once (sampled)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        memory = TreeMemory(proc.pid)
        rss = cpu = None
        if hasattr(os, "wait4"):
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            # Linux reports kilobytes, macOS bytes.
            rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
            cpu = usage.ru_utime + usage.ru_stime
        else:
            proc.wait()
        seconds = time.perf_counter() - started
        tree = memory.stop()
        out.seek(0)
        err.seek(0)
        return Run(seconds, cpu, rss, proc.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), tree)


def checked(step: str, result: Run) -> Run:
    if result.returncode:
        raise SystemExit(f"bench: {step} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def generator(root: Path, command: str) -> list[str]:
    # --root and --quiet are options of `python -m generator` itself, so they come before the command.
    return [sys.executable, "-m", "generator", "--root", str(root), "--quiet", command]


def snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def html_pages(folder: Path) -> tuple[int, int]:
    """(HTML files, bytes of every file) under a built script."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.suffix == ".html" for p in files), sum(p.stat().st_size for p in files)


PAGE_BUDGET = 300_000  # bytes: no HTML page a reader opens should be larger (issue 17)


def page_sizes(folder: Path) -> dict:
    """The HTML pages' sizes under a built script (Pagefind's files left out): median, largest, how many over PAGE_BUDGET."""
    sizes = sorted((p.stat().st_size, p.relative_to(folder).as_posix()) for p in folder.rglob("*.html")
                   if "pagefind" not in p.relative_to(folder).parts)
    if not sizes:
        return {}
    return {"median": statistics.median(size for size, _ in sizes), "max": sizes[-1][0], "largest": sizes[-1][1],
            "over": sum(size > PAGE_BUDGET for size, _ in sizes)}


# mkdocs-material on the same docs/ without Yanlu's hook, overrides, CSS or JavaScript: the anchor
# that one script's build is compared with. The same theme features, navigation and Markdown extensions;
# no plugins (Yanlu's mkdocs.yml has none either: material's search plugin would add its own cost).
BARE_CONFIG = """site_name: bare
docs_dir: docs/zh-hans
use_directory_urls: true
theme:
  name: material
  language: zh
  font: false
  features: [navigation.tabs, navigation.prune, navigation.top]
plugins: []
markdown_extensions:
  - attr_list
  - toc:
      permalink: false
nav:
  - 首页: index.md
  - 活动: events/index.md
  - 讲者: speakers/index.md
  - 话题: topics/index.md
"""


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL, mtime=0))


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, as the browser tests use
SEARCH_SETTLED_JS = """() => {
    const box = document.querySelector("header input.yl-search__input");
    const out = document.querySelector(".yl-search__output");
    return !!box && !!out && !out.hidden && out.dataset.query === box.value.trim()
        && ["done", "none", "error", "unavailable"].includes(out.dataset.state);
}"""


@contextlib.contextmanager
def served_chromium(script_dir: Path):
    """(headless Chromium, the script's home address) with the built site served by ``python -m
    http.server`` on 127.0.0.1; (None, "") without Playwright or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield None, ""
        return
    if not CHROMIUM.exists():
        yield None, ""
        return
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                               "--directory", str(script_dir.parent)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = re.search(r"port (\d+)", server.stdout.readline() or "")
        if port is None:
            yield None, ""
            return
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run"])
            try:
                yield browser, f"http://127.0.0.1:{port.group(1)}/{script_dir.name}/"
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait()


def pagefind_bytes(script_dir: Path, query: str = PAGEFIND_QUERY) -> dict | None:
    """What a reader downloads for one Pagefind search, or None while there is no Pagefind index.

    The built site is served (``python -m http.server`` on 127.0.0.1) and ``query`` typed into the
    header's search box in headless Chromium (Playwright, pinned in requirements.txt); every response
    under pagefind/ from the first focus of the box until the first results show is counted.
    Pagefind's index files are compressed already, so their bodies are what travels (pagefind.js and
    its worker would shrink by about 60 kB more with a server's gzip). ``fixed``: pagefind.js, its
    worker, the WebAssembly, pagefind-entry.json and the ``.pf_meta``; ``chunks``: the ``.pf_index``
    files of the query's characters; ``fragments``: the ``.pf_fragment`` of each page shown (the box
    shows 10 at first). Without Chromium or Playwright only the fixed files on disk are counted.
    """
    folder = script_dir.parent / "pagefind"  # the index both scripts share, beside their folders
    if not folder.is_dir():
        return None
    fixed_files = [p for p in folder.iterdir() if p.is_file() and (
        p.name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json") or p.suffix in (".pf_meta", ".pagefind"))]
    measured = {"query": query, "fixed": sum(p.stat().st_size for p in fixed_files), "chunks": None,
                "fragments": None, "data": None, "total": None, "pages": None, "seconds": None}
    fetched: dict[str, int] = {}
    with served_chromium(script_dir) as (browser, home):
        if browser is None:
            return measured
        page = browser.new_page()
        page.goto(home, wait_until="networkidle")
        page.on("response", lambda r: fetched.__setitem__(r.url, len(r.body())) if "/pagefind/" in r.url else None)
        started = time.perf_counter()
        box = page.locator("header input.yl-search__input")
        box.click()
        box.press_sequentially(query, delay=20)
        page.wait_for_function(SEARCH_SETTLED_JS, timeout=300_000)
        measured["seconds"] = time.perf_counter() - started
        measured["pages"] = page.locator(".yl-search__item").count()
    by_kind = lambda suffix: sum(size for url, size in fetched.items() if url.split("?")[0].endswith(suffix))
    measured["chunks"], measured["fragments"] = by_kind(".pf_index"), by_kind(".pf_fragment")
    # What the box shows of each page, in the reader's script (pagefind/yanlu/<lang>/<id>.json, publish.place_data).
    measured["data"] = sum(size for url, size in fetched.items() if "/pagefind/yanlu/" in url)
    measured["fixed"] = sum(fetched.values()) - measured["chunks"] - measured["fragments"] - measured["data"]
    measured["total"] = sum(fetched.values())
    return measured


def _first_cell(m: "Measure", folder: str, k: int, how: str) -> str:
    timings = m.first.get((folder, how))
    if not timings:
        return "not measured"
    query = m.queries[folder][k]
    found = timings[query]
    shown = f" ({query})" if k >= len(SEARCH_QUERIES) else ""
    return f"{found['ms']:.0f} ms, {found['bytes'] / 1e3:.0f} kB{shown}"


def _pagefind_cell(found: dict | None) -> str:
    if found is None:
        return "no index"
    if found["total"] is None:
        return f"{found['fixed'] / 1e3:.0f} kB fixed (no browser to measure the rest)"
    return (f"{found['total'] / 1e3:.0f} kB = {found['fixed'] / 1e3:.0f} + {found['chunks'] / 1e3:.0f} + "
            f"{found['fragments'] / 1e3:.0f} + {found['data'] / 1e3:.0f} ({found['pages']} pages, {found['seconds']:.1f} s)")


# In the page before it loads: when the box last got input, when the first result was drawn, and which
# of Pagefind's files had arrived by then (the browser's resource timing: a fetch the page starts after
# drawing the first result, for the next results, is not counted however soon the test looks).
FIRST_RESULT_INIT_JS = """(() => {
    const t = window.__ylBench = {input: 0, first: 0, files: []};
    performance.setResourceTimingBufferSize(10000);
    document.addEventListener("input", (event) => {
        if (event.target.matches && event.target.matches(".yl-search__input")) { t.input = performance.now(); t.first = 0; }
    }, true);
    new MutationObserver(() => {
        if (t.input && !t.first && document.querySelector(".yl-search__results .yl-search__item")) {
            t.first = performance.now();
            t.files = performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/pagefind/"));
        }
    }).observe(document, {childList: true, subtree: true});
})();"""


def type_query(page, query: str, how: str) -> None:
    """Into the focused box: 'ime', composed with Latin keys as a pinyin input method shows them and
    committed as one word (the box searches on the commit only); 'paste', the whole query at once."""
    if how == "paste":
        page.keyboard.insert_text(query)
        return
    cdp = page.context.new_cdp_session(page)
    keys = "".join("abcdefghijklmnopqrstuvwxyz"[(i * 7) % 26] for i in range(PINYIN_KEYS * len(query)))
    for n in range(1, len(keys) + 1):
        cdp.send("Input.imeSetComposition", {"text": keys[:n], "selectionStart": n, "selectionEnd": n})
        page.wait_for_timeout(KEY_MS)
    cdp.send("Input.insertText", {"text": query})
    cdp.detach()


def first_results(script_dir: Path, queries: list[str], how: str = "ime") -> dict[str, dict] | None:
    """(k) For each query, a new reader (a new browser context: nothing cached) opens the script's
    home page, clicks the search box and types the query (``type_query``); the milliseconds from the
    last keystroke's input event to the first result drawn in the list (measured in the page), and
    the bytes under pagefind/ that had arrived by then (each file's size as served;
    Pagefind's files are compressed already). None without Chromium."""
    if not (script_dir.parent / "pagefind").is_dir():
        return None
    out: dict[str, dict] = {}
    with served_chromium(script_dir) as (browser, home):
        if browser is None:
            return None
        for query in queries:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.add_init_script(FIRST_RESULT_INIT_JS)
            page.goto(home, wait_until="networkidle")
            box = page.locator("header input.yl-search__input")
            box.click()
            type_query(page, query, how)
            page.wait_for_function("() => window.__ylBench.first > 0", timeout=300_000)
            timing = page.evaluate("() => window.__ylBench")
            page.wait_for_function(SEARCH_SETTLED_JS, timeout=300_000)
            files = [script_dir.parent / url.split("://", 1)[1].split("/", 1)[1].split("?")[0] for url in timing["files"]]
            sizes = [f.stat().st_size for f in files if f.is_file()]
            out[query] = {"ms": timing["first"] - timing["input"], "bytes": sum(sizes), "files": len(sizes),
                          "pages": page.locator(".yl-search__item").count(),
                          "found": page.evaluate("() => document.querySelector('.yl-search__meta').textContent")}
            context.close()
    return out


def speaker_query(corpus: dict, lang: str) -> str:
    """(k)'s third query: the name of the speaker with the most paragraphs (the first such by id)."""
    counts: dict[str, int] = {}
    for p in corpus["paragraphs"]:
        if p["speaker"]:
            counts[p["speaker"]] = counts.get(p["speaker"], 0) + 1
    top = min(counts, key=lambda sid: (-counts[sid], sid))
    return next(s["name"][lang] for s in corpus["speakers"] if s["id"] == top)


SERVE_SCRIPT = r"""
import json, os, shutil, sys, tempfile, time
from pathlib import Path
os.environ["YANLU_PREBUILT"] = "1"  # as `make serve` runs MkDocs: the preview runs the generator
from generator import mkdocs_hook, pipeline, serve
root, label, sentence, edits = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
project = pipeline.Project(root)
folder = Path(tempfile.mkdtemp(prefix="yanlu-bench-preview-"))
said = []
preview = serve.Preview(project, folder, say=said.append)
rebuild, marks, start = mkdocs_hook.rebuild, [], [0.0, 0.0]
def now():
    return time.perf_counter(), time.process_time()
def progress(stage, done, total):
    if done == total:
        wall, cpu = now()
        marks.append((stage, wall - start[0], cpu - start[1]))
mkdocs_hook.rebuild = lambda project, **options: rebuild(project, progress=progress, **options)
try:
    assert preview.update(), said  # `make serve` starting: both scripts built from nothing
    seed = sorted((root / "seeds").glob("*.txt"))[0]
    first = fastest = None
    for edit in range(1, edits + 1):
        with seed.open("a", encoding="utf-8") as handle:
            handle.write(f"\n{label}：{sentence}（{edit}）\n")  # the editor saves another edit
        marks.clear()
        start[:] = now()
        assert preview.update() and said[-1] == "Preview updated: both scripts.", said
        wall, cpu = now()
        marks.append(("preview", wall - start[0], cpu - start[1]))
        first = first or list(marks)
        if fastest is None or marks[-1][1] < fastest[-1][1]:
            fastest = list(marks)
finally:
    preview.close()
    shutil.rmtree(folder, ignore_errors=True)
print(json.dumps([first, fastest]))
"""

STAGE_NAMES = {  # what happened between the previous mark and this one
    "parse": "config, seeds read, the edited source read…converted, the rest from memory",
    "render": "export + render both scripts (changed pages only) + query maps",
    "preview": "MkDocs: each script's changed pages, in its own process, side by side + the short links",
}
SECOND_EDIT = "补充一句：这是第二处修改。"  # the edit (i) saves while the server runs
SERVE_SAVES = 3  # (i): saves one after another (each is cheap, so not --repeat)


def serve_rebuild(root: Path, label: str, edits: int) -> tuple[float, list[tuple[str, float, float]]]:
    """(i): a save under `make serve` until the preview holds it, in the server that previewed before
    (sources and both MkDocs sites kept in memory), ``edits`` saves one after another: the first one's wall s,
    and the fastest one split at the pipeline's progress marks: (stage, wall s, the server process's CPU s)."""
    command = [sys.executable, "-c", SERVE_SCRIPT, str(root), label, SECOND_EDIT, str(edits)]
    result = checked("serve rebuild", run(command, cwd=root))
    first, marks = json.loads(result.stdout.strip().splitlines()[-1])
    out, wall0, cpu0 = [], 0.0, 0.0
    for name, wall, cpu in marks:
        out.append((STAGE_NAMES.get(name, name), wall - wall0, cpu - cpu0))
        wall0, cpu0 = wall, cpu
    return first[-1][1], out


@dataclass
class Measure:
    n: int
    project: Synthetic
    make_seconds: float = 0.0
    paragraphs_built: int = 0
    check: Run | None = None
    build: Run | None = None
    mkdocs: Run | None = None
    publish: Run | None = None
    incremental: Run | None = None
    changed: list[str] = field(default_factory=list)
    docs_files: int = 0
    stage_times: list[tuple[str, float, float]] = field(default_factory=list)  # (i) the fastest save
    first_save: float = 0.0  # (i) the first save after the start, wall s
    pages: dict[str, tuple[int, int]] = field(default_factory=dict)
    sizes: dict[str, dict] = field(default_factory=dict)  # page_sizes() per script
    bare: Run | None = None  # (b0) bare mkdocs-material on the same docs/zh-hans
    search_gz: dict[str, tuple[int, int]] = field(default_factory=dict)  # (gzip, raw)
    pagefind: dict[str, dict | None] = field(default_factory=dict)
    worker_gz: dict[str, int] = field(default_factory=dict)
    first: dict[tuple[str, str], dict | None] = field(default_factory=dict)  # (k) (script, how) → query → timing
    queries: dict[str, list[str]] = field(default_factory=dict)  # (k) per script, in its script
    full: bool = True
    search_only: bool = False
    total_seconds: float = 0.0
    load: list[float] = field(default_factory=list)  # 1-minute load average before and after
    shortlink: dict[str, int] = field(default_factory=dict)  # (j) shortlinks.sizes_of the map


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


REPEAT_UNDER = 30.0  # seconds: slower steps run once


def repeated(step, times: int) -> Run:
    """The fastest of up to ``times`` runs of a step (noise on a shared machine only ever adds time);
    a step that takes over REPEAT_UNDER seconds runs once."""
    runs = [step()]
    while len(runs) < times and runs[-1].seconds < REPEAT_UNDER:
        runs.append(step())
    return min(runs, key=lambda r: r.seconds)


def measure_search(m: Measure, root: Path, corpus: dict) -> None:
    """(k) in both scripts: each site's queries in its own script."""
    import opencc

    to_hant = opencc.OpenCC("s2tw.json")
    for folder, lang in SCRIPT_DIRS.items():
        queries = [q if lang == "zh-Hans" else to_hant.convert(q) for q in SEARCH_QUERIES] + [speaker_query(corpus, lang)]
        m.queries[folder] = queries
        for how in ("ime", "paste"):
            m.first[(folder, how)] = found = first_results(root / "site" / folder, queries, how)
            if found:
                log(f"N={m.n}: first search results ({folder}, {how}): " + ", ".join(
                    f"{q} {r['ms']:.0f} ms {r['bytes'] / 1e3:.0f} kB ({r['found']})" for q, r in found.items()))


def measure(n: int, material: Material, workdir: Path, code: Path, full: bool, repeat: int = 1,
            search_only: bool = False) -> Measure:
    started = time.perf_counter()
    root = workdir / f"n{n}"
    if root.exists():
        shutil.rmtree(root)
    t = time.perf_counter()
    m = Measure(n, make_project(root, n, material, code), full=full, search_only=search_only)
    m.make_seconds = time.perf_counter() - t
    log(f"N={n}: project written ({m.project.paragraphs} paragraphs, {m.project.bytes / 1e6:.1f} MB of seeds) in {root}")

    m.load = [os.getloadavg()[0]] if hasattr(os, "getloadavg") else []
    if search_only:  # (a) once, (c) once, (e) and (k)
        m.build = checked("generator build", run(generator(root, "build"), cwd=root))
        corpus = json.loads((root / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))
        m.paragraphs_built = len(corpus["paragraphs"])
        log(f"N={n}: generator build {m.build.seconds:.1f} s")
        m.publish = checked("generator site", run(generator(root, "site"), cwd=root))
        log(f"N={n}: publish {m.publish.seconds:.1f} s")
        for folder in SCRIPT_DIRS:
            m.pages[folder] = html_pages(root / "site" / folder)
            m.search_gz[folder] = (0, 0)
            m.worker_gz[folder] = 0
        measure_search(m, root, corpus)
        m.total_seconds = time.perf_counter() - started
        if hasattr(os, "getloadavg"):
            m.load.append(os.getloadavg()[0])
        return m
    if full:  # a generator-only size is validated by its build and the paragraph count below
        m.check = checked("generator check", run(generator(root, "check"), cwd=root))
        warnings = [line for line in m.check.stdout.splitlines() if line.startswith(("Warning:", "Check:"))]
        if warnings:
            log(f"N={n}: check reports {len(warnings)} warning(s)/flag(s), e.g. {warnings[0][:200]}")
        log(f"N={n}: check ok ({m.check.seconds:.1f} s)")

    def build_cold() -> Run:  # (a): no docs/, no cache of earlier runs
        for folder in ("docs", ".yanlu-cache"):
            shutil.rmtree(root / folder, ignore_errors=True)
        return checked("generator build", run(generator(root, "build"), cwd=root))

    m.build = repeated(build_cold, repeat)
    corpus = json.loads((root / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))
    m.paragraphs_built = len(corpus["paragraphs"])
    if m.paragraphs_built != m.project.paragraphs:
        raise SystemExit(f"bench: N={n}: wrote {m.project.paragraphs} turns but the build has "
                         f"{m.paragraphs_built} paragraphs; the synthetic seeds are not read as intended")
    log(f"N={n}: generator build {m.build.seconds:.1f} s")
    m.shortlink = shortlinks.sizes_of(shortlinks.targets_from_json(corpus))  # (j) the short-link map, not written
    log(f"N={n}: short-link lookup {shortlinks.lookup_bytes(m.shortlink)} bytes at most "
        f"({m.shortlink['shards']} shards of {m.shortlink['ids']} ids)")

    if full:
        env = dict(os.environ, YANLU_PREBUILT="1")

        def mkdocs_one() -> Run:  # (b)
            with tempfile.TemporaryDirectory(prefix="yanlu-bench-site-") as out:
                return checked("mkdocs build", run(
                    [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml", "-d", out], cwd=root, env=env))

        m.mkdocs = repeated(mkdocs_one, repeat)
        log(f"N={n}: mkdocs build (zh-hans) {m.mkdocs.seconds:.1f} s")
        (root / "bench-bare.yml").write_text(BARE_CONFIG, encoding="utf-8")

        def mkdocs_bare() -> Run:  # (b0)
            with tempfile.TemporaryDirectory(prefix="yanlu-bench-bare-") as out:
                return checked("bare mkdocs build", run(
                    [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "bench-bare.yml", "-d", out], cwd=root))

        m.bare = repeated(mkdocs_bare, repeat)
        log(f"N={n}: bare mkdocs-material build (zh-hans) {m.bare.seconds:.1f} s")
        m.publish = repeated(lambda: checked("generator site", run(generator(root, "site"), cwd=root)), repeat)  # (c)
        log(f"N={n}: publish {m.publish.seconds:.1f} s")
        for folder in SCRIPT_DIRS:  # (e), (f)
            built = root / "site" / folder
            m.pages[folder] = html_pages(built)
            m.sizes[folder] = page_sizes(built)
            index = built / "search" / "search_index.json"
            m.search_gz[folder] = (gzip_size(index), index.stat().st_size) if index.exists() else (0, 0)
            m.pagefind[folder] = pagefind_bytes(built)
            # The theme ships its search worker either way; it is only loaded with the search plugin's index.
            m.worker_gz[folder] = sum(gzip_size(p) for p in (built / "assets" / "javascripts" / "workers").glob("search.*.js")
                                      ) if index.exists() else 0
        measure_search(m, root, corpus)

    # (h) one sentence appended, as a new turn by one of the transcript's speakers
    seed = sorted((root / "seeds").glob("*.txt"))[0]
    label = seed.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[-1].split("：", 1)[0]
    before = snapshot(root / "docs")
    with seed.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{label}：{APPENDED}\n")
    m.incremental = checked("incremental build", run(generator(root, "build"), cwd=root))
    after = snapshot(root / "docs")
    m.docs_files = len(after)
    m.changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    log(f"N={n}: incremental build {m.incremental.seconds:.1f} s, {len(m.changed)} of {len(after)} files rewritten")

    m.first_save, m.stage_times = serve_rebuild(root, label, SERVE_SAVES)
    log(f"N={n}: a save under make serve: the first {m.first_save:.2f} s, the fastest {sum(w for _, w, _ in m.stage_times):.2f} s: "
        + ", ".join(f"{name} {wall:.2f}" for name, wall, _cpu in m.stage_times))
    m.total_seconds = time.perf_counter() - started
    if hasattr(os, "getloadavg"):
        m.load.append(os.getloadavg()[0])
    return m


# ------------------------------------------------------------------ report


def machine() -> list[str]:
    try:
        today = subprocess.run(["date", "+%Y-%m-%d %H:%M %Z"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        today = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                    if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo", encoding="utf-8") if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    load = "/".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    packages = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("#")[0].strip().split("==")[0]
        if not name:
            continue
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        packages.append(f"{name} {version}")
    facts = [
        f"- Date: {today}",
        f"- Machine: {cores} core(s) (nproc){', ' + cpu if cpu else ''}{memory}; {platform.system()} {platform.release()}",
        f"- Load average at the end of the run (1/5/15 min): {load}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- Packages (requirements.txt): {', '.join(packages)}",
    ]
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        facts.append("- PYTHONDONTWRITEBYTECODE is set: every child process compiles the generator's modules afresh")
    return facts


def _s(run_: Run | None) -> str:
    if not run_:
        return "—"
    return f"{run_.seconds:.2f}" + (f" ({run_.cpu_seconds:.2f})" if run_.cpu_seconds is not None else "")


def _ratio(part: Run, whole: Run) -> str:
    return f"{part.cpu_seconds / whole.cpu_seconds:.0%}" if part.cpu_seconds and whole.cpu_seconds else "?"


def _mb(run_: Run | None) -> str:
    return f"{run_.max_rss_mb:.0f}" if run_ and run_.max_rss_mb is not None else "—"


def _pair(m: Measure, fn) -> str:
    if not m.pages:
        return "—"
    return " / ".join(fn(folder) for folder in SCRIPT_DIRS)


def table(results: list[Measure]) -> str:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn) -> None:
        rows.append((label, [fn(m) for m in results]))

    row("transcripts / paragraphs / speakers", lambda m: f"{m.n} / {m.paragraphs_built} / {m.project.speakers}")
    row("seeds (MB)", lambda m: f"{m.project.bytes / 1e6:.1f}")
    row("(a) generator build, cold: wall s (CPU s)", lambda m: _s(m.build))
    row("(b) mkdocs build, zh-hans only: wall s (CPU s)", lambda m: _s(m.mkdocs))
    row("(b0) bare mkdocs-material, same docs/zh-hans, no hook or overrides: wall s (CPU s)", lambda m: _s(m.bare))
    row("(b) ÷ (b0): one script's build ÷ bare mkdocs-material, wall (CPU)",
        lambda m: f"{m.mkdocs.seconds / m.bare.seconds:.2f} ({m.mkdocs.cpu_seconds / m.bare.cpu_seconds:.2f})"
        if m.bare and m.mkdocs and m.bare.cpu_seconds else "—")
    row("(c) publish, generator + both scripts: wall s (CPU s, all processes)", lambda m: _s(m.publish))
    row("(c) ÷ (b): publish ÷ one script's mkdocs build, wall",
        lambda m: f"{m.publish.seconds / m.mkdocs.seconds:.2f}" if m.publish and m.mkdocs else "—")
    row("(g) publish ÷ (generator + one mkdocs), wall",
        lambda m: f"{m.publish.seconds / (m.build.seconds + m.mkdocs.seconds):.2f}" if m.publish and m.mkdocs else "—")
    row("(g) publish CPU ÷ (generator + 2 × one mkdocs) CPU",
        lambda m: f"{m.publish.cpu_seconds / (m.build.cpu_seconds + 2 * m.mkdocs.cpu_seconds):.2f}"
        if m.publish and m.mkdocs and m.publish.cpu_seconds else "—")
    row("(g) generator share of publish, wall a ÷ c (CPU)",
        lambda m: f"{m.build.seconds / m.publish.seconds:.0%} ({_ratio(m.build, m.publish)})" if m.publish else "—")
    row("(d) peak RSS MB: generator / mkdocs / publish",
        lambda m: f"{_mb(m.build)} / {_mb(m.mkdocs)} / {_mb(m.publish)}")
    row("(d) publish peak memory, all its processes at once (sampled /proc), MB",
        lambda m: f"{m.publish.tree_peak_mb:.0f}" if m.publish and m.publish.tree_peak_mb else "—")
    row("(e) HTML pages, zh-hans / zh-hant", lambda m: _pair(m, lambda f: str(m.pages[f][0])))
    row("(e) output MB, zh-hans / zh-hant", lambda m: _pair(m, lambda f: f"{m.pages[f][1] / 1e6:.1f}"))
    row("(e) output kB per transcript, zh-hans / zh-hant", lambda m: _pair(m, lambda f: f"{m.pages[f][1] / 1e3 / m.n:.0f}"))
    row(f"(e) HTML page kB: median / largest (pages over {PAGE_BUDGET // 1000} kB), zh-hans",
        lambda m: (lambda z: f"{z['median'] / 1e3:.0f} / {z['max'] / 1e3:.0f} ({z['over']})" if z else "—")(m.sizes.get("zh-hans")))
    row(f"(e) HTML page kB: median / largest (pages over {PAGE_BUDGET // 1000} kB), zh-hant",
        lambda m: (lambda z: f"{z['median'] / 1e3:.0f} / {z['max'] / 1e3:.0f} ({z['over']})" if z else "—")(m.sizes.get("zh-hant")))
    row("(e) the largest HTML page, zh-hans",
        lambda m: f"`{m.sizes['zh-hans']['largest']}`" if m.sizes.get("zh-hans") else "—")
    row("(f) search index, gzip MB (raw MB), zh-hans / zh-hant",
        lambda m: _pair(m, lambda f: f"{m.search_gz[f][0] / 1e6:.2f} ({m.search_gz[f][1] / 1e6:.1f})"
                                     if m.search_gz[f][1] else "none"))
    row("(f) search worker script, gzip kB (fixed)",
        lambda m: _pair(m, lambda f: f"{m.worker_gz[f] / 1e3:.0f}" if m.worker_gz[f] else "none"))
    row(f"(f) Pagefind, bytes before the first results for {PAGEFIND_QUERY}: total = fixed + index chunks + fragments + "
        "pages' data (as served, uncompressed)",
        lambda m: _pair(m, lambda f: _pagefind_cell(m.pagefind[f])) if m.pagefind else "—")
    row("(j) bytes per short-link lookup, at most: q/index.html + its largest map shard (shards × ids)",
        lambda m: f"{shortlinks.lookup_bytes(m.shortlink) / 1e3:.1f} kB = {m.shortlink['page_bytes'] / 1e3:.1f} + "
                  f"{m.shortlink['largest_shard_bytes'] / 1e3:.1f} ({m.shortlink['shards']} × ~"
                  f"{m.shortlink['ids'] // max(m.shortlink['shards'], 1)})" if m.shortlink else "—")
    for how, typed in (("ime", "typed through an input method"), ("paste", "pasted right after the click")):
        for k in range(len(SEARCH_QUERIES) + 1):
            label = SEARCH_QUERIES[k] if k < len(SEARCH_QUERIES) else "a speaker's name"
            row(f"(k) first search result for {label}, {typed}: ms after the last keystroke, kB fetched before it, "
                "zh-hans / zh-hant", lambda m, k=k, how=how: _pair(m, lambda f: _first_cell(m, f, k, how)))
    row("(h) incremental build after a 1-sentence edit: wall s (CPU s)", lambda m: _s(m.incremental))
    row("(h) files under docs/ rewritten by it", lambda m: f"{len(m.changed)} of {m.docs_files}" if m.incremental else "—")
    row("(i) a save under `make serve` until the preview holds it (both scripts), the first after the start: wall s",
        lambda m: f"{m.first_save:.2f}" if m.stage_times else "—")
    row(f"(i) the same, the fastest of {SERVE_SAVES} saves: wall s (server's CPU s)",
        lambda m: f"{sum(w for _, w, _ in m.stage_times):.2f} ({sum(c for _, _, c in m.stage_times):.2f})"
        if m.stage_times else "—")
    names = list(dict.fromkeys(name for m in results for name, _, _ in m.stage_times))
    for name in names:
        row(f"(i) of which {name}: wall s",
            lambda m, name=name: next((f"{wall:.2f}" for k, wall, _ in m.stage_times if k == name), "—"))
    row("generator check: wall s (CPU s)", lambda m: _s(m.check))
    row("bench wall time for this size (s)", lambda m: f"{m.total_seconds:.0f}")
    row("load average (1 min) before / after", lambda m: " / ".join(f"{x:.1f}" for x in m.load) or "?")
    header = "| N | " + " | ".join(f"{m.n}" + (" (search only)" if m.search_only else "" if m.full else " (generator only)")
                                   for m in results) + " |"
    lines = [header, "|---|" + "---:|" * len(results)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
    return "\n".join(lines)


def changed_files(results: list[Measure]) -> str:
    out = []
    for m in results:
        shown = ", ".join(m.changed[:30]) + (" …" if len(m.changed) > 30 else "")
        out.append(f"- N={m.n}: {shown}")
    return "\n".join(out)


def report(results: list[Measure], measured: str, notes: list[str]) -> str:
    return "\n".join([
        "# Yanlu build benchmark",
        "",
        "Written by `python -m generator.bench` (see bench/README.md). Wall-clock seconds on a shared,",
        "noisy machine: compare ratios within this run, not absolute times across runs.",
        "",
        f"- Code measured: {measured}",
        *machine(),
        "",
        table(results),
        "",
        "Files under docs/ rewritten by the incremental build (h):",
        "",
        changed_files(results),
        "",
        *notes,
        "",
    ])


# ------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="transcript counts, comma-separated (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md",
                        help="where to write the results (default bench/RESULTS.md)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the synthetic projects into DIR/n<N>/ and keep them (default: a temporary folder)")
    parser.add_argument("--budget", type=float, default=240,
                        help="once one size's full measurement takes longer than this many seconds, measure "
                             "larger sizes with the generator only (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="run (a), (b) and (c) up to this many times and keep the fastest; a step that takes "
                             f"over {REPEAT_UNDER:.0f} s runs once (default %(default)s)")
    parser.add_argument("--generator-only", default="",
                        help="sizes to measure with the generator only (build, incremental, stages)")
    parser.add_argument("--only", choices=("search",), default=None,
                        help="'search': for each size only the generator build, publish and (k), the time to the first "
                             "search result (each step once)")
    parser.add_argument("--code", default="worktree",
                        help="what to measure: 'worktree' (the files on disk now, copied once at the start) or a "
                             "git revision such as HEAD (default %(default)s)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    generator_only = {int(s) for s in args.generator_only.split(",") if s.strip()}
    repeat = max(1, args.repeat)

    workdir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="yanlu-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    code = workdir / "code"
    shutil.rmtree(code, ignore_errors=True)
    measured = snapshot_code(code, args.code)
    log(f"measuring {measured}, frozen in {code}")
    results, notes, over_budget = [], [], None
    try:
        log("reading the real project for paragraphs")
        material = load_material(code)
        log(f"{len(material.paragraphs)} real paragraphs, {len(material.headings)} headings")
        for n in sizes:
            full = n not in generator_only and over_budget is None
            if not full and over_budget is not None and n not in generator_only:
                notes.append(f"- N={n} was measured with the generator only: N={over_budget[0]} took "
                             f"{over_budget[1]:.0f} s in full, over the --budget of {args.budget:.0f} s.")
            elif not full:
                notes.append(f"- N={n} was measured with the generator only (--generator-only).")
            results.append(measure(n, material, workdir, code, full, repeat, search_only=args.only == "search"))
            if full and not args.only and results[-1].total_seconds > args.budget:
                over_budget = (n, results[-1].total_seconds)
            if not args.keep:
                shutil.rmtree(workdir / f"n{n}", ignore_errors=True)
            write_report(args.out, results, measured, notes, repeat)  # so far, in case a larger size is stopped
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(results))
    log(f"wrote {args.out}")
    return 0


def write_report(out: Path, results: list[Measure], measured: str, notes: list[str], repeat: int) -> None:
    explained = [
        "Notes:",
        "",
        *notes,
        "- (a) is a cold `python -m generator build` (no docs/, no .yanlu-cache/); (c) is `python -m generator site`:",
        "  the generator again (everything cached, nothing rewritten), then both scripts' `mkdocs build --strict` side by",
        "  side and whatever indexing publish.py does beside them (the search index), so (g)'s wall ratio is 1.0 only when the",
        "  two builds get a core each and publish adds nothing else.",
        "- (b0) is mkdocs-material alone on the same docs/zh-hans (bench-bare.yml: the same theme features, navigation",
        "  and Markdown extensions, no hook, no overrides, no plugins), the anchor for (b).",
        "- (d) is the largest single process of each step (`os.wait4` max RSS); publish runs several processes at once:",
        "  its sampled peak adds up every process of its tree every 0.2 s (/proc), what the machine needs at that moment.",
        f"- (e) page sizes count the HTML pages a reader opens (not Pagefind's files); the budget is {PAGE_BUDGET // 1000} kB a page.",
        f"- (f) mkdocs-material's `search/search_index.json` (gzip level {GZIP_LEVEL}) is loaded whole before the first",
        "  result; for Pagefind, `pagefind_bytes()` counts what the search box fetched for the query in headless Chromium.",
        f"- (a), (b) and (c) show the fastest of up to {repeat} run(s) (--repeat; a step slower than {REPEAT_UNDER:.0f} s",
        "  runs once). CPU seconds (user + system of the process and its children) are less disturbed by other load",
        "  than wall seconds; where the two differ a lot, the machine was busy with other work.",
        "- (h) appends one line (a new turn by the transcript's last speaker) to the first seed and times",
        "  `python -m generator build` (a new process: unchanged sources come from .yanlu-cache/ on disk).",
        "- (k) opens each script's home page in a new headless Chromium context (nothing cached), clicks the search box",
        f"  and types the query in that site's script: through an input method ({PINYIN_KEYS} Latin keys per character,",
        f"  {KEY_MS} ms apart, then the word committed; the box searches on the commit), or pasted at once right after the",
        "  click (then the time includes loading Pagefind). ms from the last input event to the first result drawn",
        "  (measured in the page), and the bytes of the files under pagefind/ the browser had received by then. The",
        "  third query is the name of the speaker with the most paragraphs.",
        "- (i) is what `make serve` does: one server previews both scripts, a sentence is appended, the same server",
        "  runs the generator again with unchanged sources in memory (generator/mkdocs_hook.py, as under `mkdocs serve`)",
        "  and each script's process renders the pages it rewrote (generator/serve.py), split at the pipeline's progress",
        f"  marks; {SERVE_SAVES} such saves one after another: the first, and the fastest. CPU is the server's process only.",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report(results, measured, explained), encoding="utf-8")

if __name__ == "__main__":
    sys.exit(main())
